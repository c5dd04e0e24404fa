"""Communes: a sortable, searchable table of one design's communes; a click shows that commune's daily
backlog by field under every design picked on the Compare page."""

from __future__ import annotations

import math

import solara
import solara.lab

from sim.report.labels import design_label

from . import state
from .charts import commune_chart
from .data import fold
from .text import T
from .widgets import CSS, CatalogMessages, ChartCard

COLUMNS = ("unit", "name", "population", "area_km2", "officers", "backlog", "on_time_rate", "utilisation")
PERCENT = ("on_time_rate", "utilisation")
DIGITS = {"population": 0, "area_km2": 1, "officers": 1, "backlog": 1, "on_time_rate": 1, "utilisation": 1}


def _items(df) -> list[dict]:
    items = []
    for r in df.to_dict("records"):
        item = {}
        for c in COLUMNS:
            v = r.get(c)
            if c in DIGITS:
                v = None if v is None or (isinstance(v, float) and math.isnan(v)) else (
                    round(100 * v if c in PERCENT else v, DIGITS[c]))
                if v is not None and DIGITS[c] == 0:
                    v = int(v)
            item[c] = v if v is not None else ""
        items.append(item)
    return items


@solara.component
def CommuneTable(df, lang: str):
    headers = [{"text": T(lang, f"col.{c}"), "value": c, "align": "start" if c in ("unit", "name") else "end"}
               for c in COLUMNS]
    table = solara.v.DataTable(headers=headers, items=_items(df), item_key="unit", dense=True,
                               sort_by=["backlog"], sort_desc=[True], items_per_page=15,
                               footer_props={"items-per-page-options": [15, 50, 200, -1]},
                               class_="commune-table elevation-1", style_="cursor: pointer")
    solara.v.use_event(table, "click:row", lambda widget, event, data: state.commune.set(data["unit"]))


@solara.component
def CommuneChart(cat, unit: str, designs: list[str], lang: str, version: int):
    def draw():
        daily = cat.commune_daily(unit, designs)
        return commune_chart(daily, unit, designs, lang, version)

    task = solara.lab.use_task(draw, dependencies=[unit, tuple(designs), lang, version], raise_error=False)
    if task.pending or task.not_called:
        solara.Text(T(lang, "chart.drawing"))
        solara.ProgressLinear(True)
    elif task.error:
        solara.Error(f"chart not drawn: {type(task.exception).__name__}: {task.exception}")
    else:
        chart = task.value
        missing = [d for d in designs if d not in set(cat.commune_daily(unit, designs)["design"])]
        if missing:
            solara.Info(T(lang, "communes.absent", designs=", ".join(design_label(lang, d) for d in missing)),
                        dense=True)
        ChartCard(chart, lang)


@solara.component
def CommunesPage():
    lang = state.lang.value
    version = state.catalog_version.value + 0
    cat = state.catalog()
    solara.Style(CSS)
    CatalogMessages(cat)
    if cat.error:
        return
    picked = state.chosen_designs(cat) or cat.designs()
    design = state.table_design.value if state.table_design.value in cat.designs() else picked[0]
    with solara.Row(style={"flex-wrap": "wrap", "gap": "16px", "align-items": "center"}):
        solara.Select(T(lang, "communes.design"), values=cat.designs(), value=design,
                      on_value=state.table_design.set, style={"min-width": "320px"}, classes=["table-design"])
        solara.InputText(T(lang, "communes.search"), value=state.search, continuous_update=True,
                         clearable=True, classes=["commune-search"], style={"min-width": "320px"})
    df = cat.communes(design)
    query = fold(state.search.value or "")
    if query:
        df = df[[query in fold(n) or query in str(u) for n, u in zip(df["name"], df["unit"])]]
    CommuneTable(df, lang)
    unit = state.commune.value
    if unit is None:
        solara.Info(T(lang, "communes.pick"), dense=True)
    else:
        CommuneChart(cat, unit, picked, lang, version + cat.version)
