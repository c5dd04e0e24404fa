"""Compare: pick designs (filtered by tier, quota, levers, staffing rules), see govsim-report's comparison
(means with 95% CIs over seeds, paired differences against a baseline) and its backlog and outcome charts
redrawn for the selection."""

from __future__ import annotations

import solara
import solara.lab

from sim.report.labels import design_label, label
from sim.report.stats import _n_text, comparison_cells

from . import state
from .charts import compare_charts
from .text import T
from .widgets import CSS, CatalogMessages, ChartCard, table_html


# The headline metrics shown until "all metrics" is ticked (those a new simulator lacks are left out).
HEADLINE = ("on_time_rate", "resolved_late_share", "mean_delay_days", "p90_delay_days", "backlog_end",
            "backlog_end_overdue_share", "complaints_escalated", "max_commune_backlog", "commune_utilisation_mean",
            "open_overdue")


@solara.component
def Filters(cat, lang: str):
    with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
        for lab, col, values in cat.facets():
            if len(values) < 2:
                continue
            chosen = state.filters.value.get(col) or values

            def set_values(v, col=col):
                state.filters.set({**state.filters.value, col: list(v)})

            solara.SelectMultiple(T(lang, f"facet.{col}") if col in ("tier", "quota") else lab,
                                  values=[v for v in chosen if v in values], all_values=values,
                                  on_value=set_values, dense=True, style={"min-width": "200px"},
                                  classes=[f"facet-{col}"])


@solara.component
def Charts(cat, picked: list[str], lang: str, version: int):
    runs = cat.selection(picked)
    task = solara.lab.use_task(lambda: compare_charts(runs, lang, version),
                               dependencies=[tuple(picked), lang, version], raise_error=False)
    if task.pending or task.not_called:
        solara.Text(T(lang, "chart.drawing"))
        solara.ProgressLinear(True)
    elif task.error:
        solara.Error(f"charts not drawn: {type(task.exception).__name__}: {task.exception}")
    else:
        with solara.ColumnsResponsive(12, large=6):
            for chart in task.value:
                ChartCard(chart, lang)


@solara.component
def ComparePage():
    lang = state.lang.value
    version = state.catalog_version.value
    cat = state.catalog()
    solara.Style(CSS)
    CatalogMessages(cat)
    if cat.error:
        return
    available = cat.designs(state.filters.value)
    picked = state.chosen_designs(cat)
    base = state.chosen_baseline(cat, picked)
    with solara.Card(T(lang, "compare.designs")):
        Filters(cat, lang)
        with solara.Row(style={"flex-wrap": "wrap", "gap": "12px"}):
            solara.SelectMultiple(T(lang, "compare.designs"), values=picked, all_values=available, dense=True,
                                  on_value=lambda v: state.designs.set(list(v)), classes=["design-select"],
                                  style={"min-width": "420px", "flex-grow": "2"})
            if picked:
                solara.Select(T(lang, "compare.baseline"), values=picked, value=base, dense=True,
                              on_value=state.baseline.set, classes=["baseline-select"],
                              style={"min-width": "260px", "flex-grow": "1"})
    if not picked:
        solara.Warning(T(lang, "compare.none"))
        return
    try:
        comp = cat.comparison(picked, base)
    except Exception as exc:  # e.g. a metric column of a new simulator the stats cannot read
        solara.Error(f"comparison failed: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}")
        return
    runs = cat.selection(picked)
    seeds = runs.groupby("design")["seed"].nunique()
    solara.Text(T(lang, "compare.runs", n=len(runs), seeds=", ".join(str(int(seeds[d])) for d in picked)))
    if not state.all_metrics.value:
        comp = comp[comp["metric"].isin(HEADLINE)] if comp["metric"].isin(HEADLINE).any() else comp
    means, diffs = comparison_cells(comp, lang)
    with solara.Card(label(lang, "table.means_title")):
        with solara.Row(style={"align-items": "center", "gap": "24px"}):
            solara.Text(label(lang, "table.ci_note").format(n=_n_text(comp["n"])))
            solara.Checkbox(label=T(lang, "compare.all_metrics"), value=state.all_metrics)
        solara.HTML(tag="div", unsafe_innerHTML=table_html(means, "means-table", label(lang, "table.metric")))
    if len(diffs.columns):
        title = label(lang, "table.diff_title").format(baseline=design_label(lang, comp["baseline"].iloc[0]))
        with solara.Card(title):
            solara.HTML(tag="div", unsafe_innerHTML=table_html(diffs, "diff-table", label(lang, "table.metric")))
    Charts(cat, picked, lang, version + cat.version)
