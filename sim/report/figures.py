"""The chart pack: seven charts (and the maps of ``maps.py``), each saved as PNG (300 dpi), SVG and PDF.

Every figure aggregates inside DuckDB (only the needed columns are read from the parquet files) and
returns a :class:`FigureResult` with the numbers the report text quotes. A figure that cannot be drawn
(metric or data absent) is skipped with a logged reason; one failing figure never stops the others.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
import seaborn as sns
from scipy import stats as sps

from .catalog import connect
from .labels import common_digits, field_label, group_label
from .plotting import (OUTCOME_COLORS, Context, FigureResult, date_axis, facet_grid, format_axis, group_order,
                       group_palette, label_top, new_figure, place_legend, report_style, save, wrap)
from .stats import mean_ci, per_seed

log = logging.getLogger("sim.report")

FIELD_ORDER = ("land_construction", "justice_civil_status", "culture_society", "finance", "office_statistics",
               "economy")


class Skip(Exception):
    """Raised by a figure function when its data is absent; the message is the logged reason."""


def draw_safely(ctx: Context, kind: str, name: str, title: str, draw, skip_level: int = logging.WARNING) -> FigureResult:
    """`draw()` one figure; a Skip or any error becomes a skipped entry: a broken figure must not sink the report."""
    try:
        return draw()
    except Skip as exc:
        log.log(skip_level, "%s %s skipped: %s", kind, name, exc)
        return FigureResult(name, ctx.L(title), skipped=str(exc))
    except Exception as exc:  # noqa: BLE001
        log.error("%s %s failed: %s: %s", kind, name, type(exc).__name__, exc)
        log.debug("traceback of %s %s", kind, name, exc_info=True)
        return FigureResult(name, ctx.L(title), skipped=f"{type(exc).__name__}: {exc}")


def _need(runs: pd.DataFrame, cols) -> None:
    missing = [c for c in cols if c not in runs or runs[c].isna().all()]
    if missing:
        raise Skip(f"summary.json lacks {', '.join(missing)}")


def _extremes(values: dict, ctx: Context, fmt=None) -> dict:
    fmt = fmt or ctx.num
    s = pd.Series(values, dtype=float).dropna()
    if s.empty:
        raise Skip("no values")
    hi, lo = s.idxmax(), s.idxmin()
    return {"max_design": ctx.dt(hi), "max_value": fmt(s[hi]), "min_design": ctx.dt(lo), "min_value": fmt(s[lo])}


def _listing(values: dict, ctx: Context, fmt=None) -> str:
    if fmt is None:
        digits = common_digits(list(values.values()))
        fmt = lambda v: ctx.num(v, digits)  # noqa: E731
    return ctx.L("doc.list_sep").join(f"{ctx.dt(d)} {fmt(v)}" for d, v in values.items())


def _range(values: pd.Series, ctx: Context) -> str:
    lo, hi = ctx.num(values.min()), ctx.num(values.max())
    return lo if lo == hi else f"{lo}–{hi}"


def _pct(ctx: Context):
    return lambda v: ctx.num(100 * v, 1) + "%"


# 1 ------------------------------------------------------------------------------------------------------
def fig_backlog(ctx: Context) -> FigureResult:
    res = FigureResult("backlog_over_time", ctx.L("backlog.title"))
    df = ctx.query("SELECT run_dir, day, min(date) AS date, sum(backlog)::DOUBLE AS backlog "
                   "FROM unit_daily GROUP BY run_dir, day")
    if df.empty:
        raise Skip("unit_daily has no rows")
    df = ctx.with_runs(df)
    df["backlog"] /= df["scale"]
    use_dates = df.groupby("day")["date"].nunique().max() == 1  # all runs share the calendar
    df = df.groupby(["design", "seed", "day"], as_index=False).agg(backlog=("backlog", "mean"),
                                                                   date=("date", "first"))
    fig = new_figure()
    ax = fig.subplots()
    period, end = {}, {}
    for design in ctx.designs:
        d = df[df["design"] == design]
        if d.empty:
            log.info("backlog figure: no unit_daily rows for %s", design)
            continue
        band = pd.DataFrame([(day, g["date"].iloc[0], *mean_ci(g["backlog"])[1:])
                             for day, g in d.groupby("day")], columns=["day", "date", "mean", "lo", "hi"])
        x = pd.to_datetime(band["date"]) if use_dates else band["day"]
        ax.plot(x, band["mean"], color=ctx.color(design), ls=ctx.dashes(design), lw=1.8, label=ctx.dl(design))
        ax.fill_between(x, band["lo"], band["hi"], color=ctx.color(design), alpha=0.18, lw=0)
        period[design], end[design] = band["mean"].mean(), band["mean"].iloc[-1]
    if use_dates and "reform_date" in ctx.runs:  # runs that hold the reform: mark the switch
        for when in sorted(ctx.runs["reform_date"].dropna().unique()):
            ax.axvline(pd.to_datetime(when), color="0.3", ls=":", lw=1.2)
            ax.annotate(ctx.L("backlog.switch"), (pd.to_datetime(when), 0.0), xycoords=("data", "axes fraction"),
                        xytext=(4, 4), textcoords="offset points", ha="left", va="bottom", fontsize=8, color="0.3")
    if use_dates:
        date_axis(ax, ctx.lang)
    ax.set(title=res.title, xlabel=ctx.L("backlog.x" if use_dates else "backlog.x_day"), ylabel=ctx.L("backlog.y"))
    ax.set_ylim(bottom=0)
    format_axis(ax, ctx.lang, "y")
    place_legend(fig, ax, len(period), title=ctx.L("backlog.band"), loc="upper left")
    res.paths = save(fig, ctx.out, res.name)
    res.facts = {**_extremes(period, ctx), "end_list": _listing(end, ctx)}
    return res


# 2 ------------------------------------------------------------------------------------------------------
def _quantile(hist: pd.DataFrame, q: float) -> float:
    return float(hist.loc[hist["cum"] >= q, "d"].iloc[0])


def fig_delay(ctx: Context) -> FigureResult:
    res = FigureResult("delay_distribution", ctx.L("delay.title"))
    delays = ctx.query("SELECT design, round(delay_days, 1) AS d, count(*) AS n FROM requests "
                       "WHERE kind = 'dossier' AND delay_days IS NOT NULL GROUP BY ALL ORDER BY design, d")
    allowed = ctx.query("SELECT (deadline_day - arrival_day)::DOUBLE AS d, count(*) AS n FROM requests "
                        "WHERE kind = 'dossier' AND deadline_day IS NOT NULL GROUP BY ALL ORDER BY d")
    if delays.empty:
        raise Skip("no resolved dossiers in requests")
    fig = new_figure()
    ax = fig.subplots()
    medians, p90s, xmax = {}, {}, 0.0
    for design in ctx.designs:
        h = delays[delays["design"] == design].copy()
        if h.empty:
            log.info("delay figure: no resolved dossiers for %s", design)
            continue
        h["cum"] = h["n"].cumsum() / h["n"].sum()
        medians[design], p90s[design] = _quantile(h, 0.5), _quantile(h, 0.9)
        xmax = max(xmax, _quantile(h, 0.995))
        ax.step(np.r_[0, h["d"]], 100 * np.r_[0, h["cum"]], where="post", color=ctx.color(design),
                ls=ctx.dashes(design), lw=1.8, label=ctx.dl(design))
    facts = {"median_list": _listing(medians, ctx), "p90_list": _listing(p90s, ctx), "deadline_median": "–"}
    if not allowed.empty:
        allowed["cum"] = allowed["n"].cumsum() / allowed["n"].sum()
        med = _quantile(allowed, 0.5)
        xmax = max(xmax, _quantile(allowed, 0.995))
        ax.step(np.r_[0, allowed["d"]], 100 * np.r_[0, allowed["cum"]], where="post", color="0.45", ls=(0, (4, 2)),
                lw=1.4, label=ctx.L("delay.deadline_curve"))
        ax.axvline(med, color="0.25", ls=":", lw=1.4, label=ctx.L("delay.deadline_median", v=ctx.num(med)))
        facts["deadline_median"] = ctx.num(med)
    ax.set(title=res.title, xlabel=ctx.L("delay.x"), ylabel=ctx.L("delay.y") + " (%)", ylim=(0, 101),
           xlim=(0, xmax * 1.05 or 1))
    format_axis(ax, ctx.lang, "both")
    place_legend(fig, ax, len(medians), loc="lower right")
    res.paths, res.facts = save(fig, ctx.out, res.name), facts
    return res


# 3 ------------------------------------------------------------------------------------------------------
def fig_outcomes(ctx: Context) -> FigureResult:
    res = FigureResult("outcome_shares", ctx.L("outcome.title"))
    cols = {o: f"resolved_{o}_share" for o in ("early", "on_time", "late")}
    _need(ctx.runs, cols.values())
    means = per_seed(ctx.runs, list(cols.values())).groupby("design")[list(cols.values())].mean()
    designs = [d for d in ctx.designs if d in means.index]
    fig = new_figure(7.5, 1.2 + 0.75 * len(designs))
    ax = fig.subplots()
    left = np.zeros(len(designs))
    for outcome, col in cols.items():
        vals = 100 * means.loc[designs, col].to_numpy()
        bars = ax.barh(range(len(designs)), vals, left=left, color=OUTCOME_COLORS[outcome],
                       label=ctx.L(f"outcome.{outcome}"), edgecolor="white", height=0.65)
        labels = [ctx.num(v, 0) + "%" if v >= 5 else "" for v in vals]
        ax.bar_label(bars, labels=labels, label_type="center", fontsize="small",
                     color="white" if outcome != "on_time" else "black")
        left += np.nan_to_num(vals)
    ax.set_yticks(range(len(designs)), [ctx.dl(d, 24) for d in designs])
    ax.invert_yaxis()
    ax.set(title=res.title, xlabel=ctx.L("outcome.x"), xlim=(0, 100))
    ax.grid(axis="y", visible=False)
    format_axis(ax, ctx.lang, "x")
    fig.legend(*ax.get_legend_handles_labels(), ncols=3, loc="outside lower center", frameon=False,
               fontsize="small")
    res.paths = save(fig, ctx.out, res.name)
    if "on_time_rate" in ctx.runs and ctx.runs["on_time_rate"].notna().any():
        on_time = per_seed(ctx.runs, ["on_time_rate"]).groupby("design")["on_time_rate"].mean()
    else:
        on_time = means[cols["early"]] + means[cols["on_time"]]
    res.facts = {**_extremes(on_time[designs].to_dict(), ctx, _pct(ctx)),
                 "late_list": _listing(means.loc[designs, cols["late"]].to_dict(), ctx, _pct(ctx))}
    return res


# 4, 5: communes ---------------------------------------------------------------------------------------
def commune_groups(ctx: Context) -> tuple[pd.DataFrame, bool]:
    """Per run x commune: population, name and quota group. Uniform-quota runs take the group their
    commune has under the area-grouped quota of the same tier (when such runs exist), so every design is
    shown by the same groups. Returns the frame and whether that mapping was used."""
    alloc = ctx.query("SELECT run_dir, tier, unit, any_value(unit_name) AS unit_name, "
                      "max(population)::DOUBLE AS population, any_value(quota_group) AS own_group "
                      "FROM allocation WHERE unit_kind = 'commune' GROUP BY run_dir, tier, unit")
    if alloc.empty:
        raise Skip("allocation has no commune rows")
    grouped = alloc[alloc["own_group"] != "uniform"]
    mapping = grouped.groupby(["tier", "unit"])["own_group"].agg(lambda s: s.mode().iloc[0])
    alloc = alloc.join(mapping.rename("mapped"), on=["tier", "unit"])
    use = (alloc["own_group"] == "uniform") & alloc["mapped"].notna()
    alloc["quota_group"] = alloc["own_group"].where(~use, alloc["mapped"])
    return alloc.drop(columns=["tier", "mapped"]), bool(use.any())


def fig_commune_load(ctx: Context) -> FigureResult:
    res = FigureResult("commune_load", ctx.L("load.title"))
    load = ctx.query("SELECT run_dir, unit, sum(backlog)::DOUBLE / count(DISTINCT day) AS backlog "
                     "FROM unit_daily WHERE unit_kind = 'commune' GROUP BY run_dir, unit")
    if load.empty:
        raise Skip("unit_daily has no commune rows")
    communes, mapped = commune_groups(ctx)
    df = ctx.with_runs(load.merge(communes, on=["run_dir", "unit"], how="inner"))
    df["backlog"] /= df["scale"]
    df = df.groupby(["design", "unit"], as_index=False).agg(
        backlog=("backlog", "mean"), population=("population", "first"), unit_name=("unit_name", "first"),
        quota_group=("quota_group", "first"))
    designs = [d for d in ctx.designs if d in set(df["design"])]
    # y shared along a row only: one tier's communes can carry several times the other's backlog
    fig, axes = facet_grid(len(designs), panel_w=5.0, panel_h=3.8, sharex=True, sharey="row")
    xmid = df["population"].min() + 0.6 * (df["population"].max() - df["population"].min())
    rho = {}
    for ax, design in zip(axes, designs):
        d = df[df["design"] == design]
        groups = group_order(d)
        palette = group_palette(groups)
        for g in groups:
            dg = d[d["quota_group"] == g]
            ax.scatter(dg["population"] / 1000, dg["backlog"], color=palette[g], s=30, edgecolor="white",
                       linewidth=0.4, label=group_label(ctx.lang, g))
        label_top(ax, d, xmid, float(d["backlog"].max()) or 1.0)
        ax.set_title(ctx.dl(design, 42), fontsize="medium")
        format_axis(ax, ctx.lang, "both")
        ax.label_outer()
        ax.legend(title=ctx.L("load.hue_mapped" if mapped else "load.hue"), loc="best", fontsize="x-small",
                  title_fontsize="x-small", markerscale=0.8, ncols=2 if len(groups) > 4 else 1)
        if len(d) > 2 and d["population"].nunique() > 1:
            rho[design] = sps.spearmanr(d["population"], d["backlog"]).statistic
    for ax in axes:  # after plotting (shared y within a row); headroom for the legends
        row = [d for a, d in zip(axes, designs) if a.get_subplotspec().rowspan == ax.get_subplotspec().rowspan]
        ax.set_ylim(0, 1.35 * float(df.loc[df["design"].isin(row), "backlog"].max()) or 1.0)
    fig.supxlabel(ctx.L("load.x"), fontsize="medium")
    fig.supylabel(ctx.L("load.y"), fontsize="medium")
    fig.suptitle(res.title)
    res.paths = save(fig, ctx.out, res.name)
    top = df.loc[df["backlog"].idxmax()]
    res.facts = {"top_name": top["unit_name"], "top_design": ctx.dt(top["design"]),
                 "top_value": ctx.num(top["backlog"]), "rho_list": _listing(rho, ctx, lambda v: ctx.num(v, 2)) or "–",
                 "mapped": ctx.L("doc.load_mapped") if mapped else ""}
    return res


def fig_utilisation_heatmap(ctx: Context) -> FigureResult:
    res = FigureResult("utilisation_heatmap", ctx.L("heat.title"))
    hours = ctx.query("SELECT run_dir, unit, field, sum(busy_hours) AS busy, sum(available_hours) AS avail "
                      "FROM unit_daily WHERE unit_kind = 'commune' GROUP BY ALL")
    if hours.empty:
        raise Skip("unit_daily has no commune rows")
    communes, _ = commune_groups(ctx)
    df = ctx.with_runs(hours.merge(communes, on=["run_dir", "unit"], how="inner"))
    order = {d: group_order(g.drop_duplicates(["unit", "quota_group"])) for d, g in df.groupby("design")}
    df = df.groupby(["design", "seed", "run_dir", "quota_group", "field"], as_index=False)[["busy", "avail"]].sum()
    df["util"] = 100 * df["busy"] / df["avail"].where(df["avail"] > 0)  # NaN: no officer of that field
    df = df.groupby(["design", "quota_group", "field"], as_index=False)["util"].mean()  # over runs (seeds)
    designs = [d for d in ctx.designs if d in order]
    fields = [f for f in FIELD_ORDER if f in set(df["field"])] + sorted(set(df["field"]) - set(FIELD_ORDER))
    vmax = max(100.0, float(np.nanmax(df["util"])))
    rows = max(len(g) for g in order.values())
    fig, axes = facet_grid(len(designs), panel_w=5.2, panel_h=1.6 + 0.42 * rows, sharex=True)
    ncols = min(2, len(designs))
    for i, (ax, design) in enumerate(zip(axes, designs)):
        groups = order[design]  # per panel: the groups (and their names) differ between tiers
        grid = df[df["design"] == design].pivot(index="quota_group", columns="field", values="util")
        grid = grid.reindex(index=groups, columns=fields)
        sns.heatmap(grid, ax=ax, vmin=0, vmax=vmax, cmap="rocket_r", annot=True, fmt=".0f", cbar=False,
                    linewidths=0.5, linecolor="white", annot_kws={"fontsize": 8})
        ax.grid(False)
        ax.set_facecolor("0.92")  # grey cell: no officer of that field in the group
        ax.set_title(ctx.dl(design, 40), fontsize="medium")
        ax.set(xlabel="", ylabel=ctx.L("heat.y") if i % ncols == 0 else "")
        ax.set_yticks(np.arange(len(groups)) + 0.5, [group_label(ctx.lang, g) for g in groups], rotation=0)
        ax.set_xticks(np.arange(len(fields)) + 0.5, [field_label(ctx.lang, f) for f in fields], rotation=35,
                      ha="right", rotation_mode="anchor")
        if i < len(designs) - ncols:  # field names only under the bottom row
            ax.tick_params(axis="x", labelbottom=False)
    fig.colorbar(axes[0].collections[0], ax=axes, label=ctx.L("heat.cbar"), shrink=0.8)
    fig.supxlabel(ctx.L("heat.x"), fontsize="medium")
    fig.suptitle(res.title)
    res.paths = save(fig, ctx.out, res.name)
    hi, lo = df.loc[df["util"].idxmax()], df.loc[df["util"].idxmin()]
    res.facts = {f"{k}_{a}": v for k, r in (("max", hi), ("min", lo)) for a, v in (
        ("group", group_label(ctx.lang, r["quota_group"])), ("field", field_label(ctx.lang, r["field"])),
        ("design", ctx.dt(r["design"])), ("value", ctx.num(r["util"], 0) + "%"))}
    return res


# 6 ------------------------------------------------------------------------------------------------------
def fig_complaints(ctx: Context) -> FigureResult:
    res = FigureResult("complaints", ctx.L("complaints.title"))
    cols = ["complaints_received", "complaints_escalated"]
    _need(ctx.runs, cols)
    seeds = per_seed(ctx.runs, cols)
    designs = [d for d in ctx.designs if d in set(seeds["design"])]
    fig, axes = facet_grid(2, panel_w=3.9, panel_h=4.2)
    facts = {}
    for ax, col, key in zip(axes, cols, ("received", "escalated")):
        stats = [mean_ci(seeds.loc[seeds["design"] == d, col]) for d in designs]
        means = np.array([s[1] for s in stats])
        err = np.array([[m - s[2], s[3] - m] for m, s in zip(means, stats)]).T
        err[0] = np.minimum(err[0], means)  # a count cannot be negative: clip the CI at zero
        bars = ax.bar(range(len(designs)), means, yerr=np.nan_to_num(err), capsize=4, width=0.7,
                      color=[ctx.color(d) for d in designs], edgecolor="white", error_kw={"lw": 1.2})
        ax.set_xticks([])
        ax.set(title=ctx.L(f"complaints.{key}"), ylabel=wrap(ctx.L("complaints.y"), 34) if key == "received" else "")
        ax.grid(axis="x", visible=False)
        format_axis(ax, ctx.lang, "y")
        facts[f"{key}_list"] = _listing(dict(zip(designs, means)), ctx)
    names = [ctx.dl(d) for d in designs]
    fig.legend(bars, names, loc="outside lower center", ncols=2 if max(map(len, names)) <= 36 else 1,
               frameon=False, fontsize="small")
    fig.suptitle(res.title)
    res.paths = save(fig, ctx.out, res.name)
    rate = (seeds[cols[1]] / seeds[cols[0]].where(seeds[cols[0]] > 0)).groupby(seeds["design"]).mean()
    rate = rate.reindex(designs).dropna()
    if rate.empty or rate.max() <= 0:
        facts["escalation"] = ctx.L("doc.escalation_none")
    else:
        facts["escalation"] = ctx.L("doc.escalation_max", design=ctx.dt(rate.idxmax()), value=_pct(ctx)(rate.max()))
    res.facts = facts
    return res


# 7 ------------------------------------------------------------------------------------------------------
def fig_allocation(ctx: Context) -> FigureResult:
    res = FigureResult("staffing_allocation", ctx.L("alloc.title"))
    df = ctx.query("SELECT run_dir, unit, max(population)::DOUBLE AS population, sum(officers)::DOUBLE AS "
                   "officers FROM allocation WHERE unit_kind = 'commune' GROUP BY run_dir, unit")
    if df.empty:
        raise Skip("allocation has no commune rows")
    df = ctx.with_runs(df).groupby(["tier", "quota", "design", "unit"], as_index=False)[
        ["population", "officers"]].mean()  # the same in every seed
    if df["quota"].nunique() < 2:
        log.info("allocation figure: only the %s quota is present, nothing to compare it with", df["quota"].iloc[0])
    tiers = [t for t in ("three_tier", "two_tier") if t in set(df["tier"])] + sorted(
        set(df["tier"]) - {"three_tier", "two_tier"})
    fig, axes = facet_grid(len(tiers), panel_w=4.8, panel_h=3.9, sharey=True)
    markers = {"uniform": "o", "area_grouped": "D"}
    items, handles, full_names = [], [], []
    for ax, tier in zip(axes, tiers):
        for design in [d for d in ctx.designs if d in set(df.loc[df["tier"] == tier, "design"])]:
            d = df[df["design"] == design]
            variant = design.partition(" [")[2]
            name = ctx.L(f"quota.{d['quota'].iloc[0]}") + (f" [{variant}" if variant else "")
            handles.append(ax.scatter(d["population"] / 1000, d["officers"], color=ctx.color(design), s=34,
                                      alpha=0.85, marker=markers.get(d["quota"].iloc[0], "s"), edgecolor="white",
                                      linewidth=0.4, label=name))
            full_names.append(ctx.dl(design))
            per = d["population"] / d["officers"].where(d["officers"] > 0)
            items.append(ctx.L("doc.alloc_item", design=ctx.dt(design), officers=_range(d["officers"], ctx),
                               residents=_range(per, ctx)))
        ax.set_title(ctx.L(f"tier.{tier}"), fontsize="medium")
        ax.set(xlabel=ctx.L("alloc.x"), ylabel=ctx.L("alloc.y"))
        format_axis(ax, ctx.lang, "both")
        ax.label_outer()
        if len(ax.get_legend_handles_labels()[1]) <= 3:
            ax.legend(title=ctx.L("alloc.hue"), fontsize="small", title_fontsize="small", loc="upper left")
    if not any(ax.get_legend() for ax in axes):  # many variants: one legend under the panels, full names
        place_legend(fig, None, len(handles), handles, full_names)
    axes[0].set_ylim(bottom=0)  # after plotting: the axes share y
    fig.suptitle(res.title)
    res.paths = save(fig, ctx.out, res.name)
    res.facts = {"quota_list": ctx.L("doc.list_sep").join(items)}
    return res


# (file name, title label, function); the order is the figure numbering of the report.
FIGURES = (
    ("backlog_over_time", "backlog.title", fig_backlog),
    ("delay_distribution", "delay.title", fig_delay),
    ("outcome_shares", "outcome.title", fig_outcomes),
    ("commune_load", "load.title", fig_commune_load),
    ("utilisation_heatmap", "heat.title", fig_utilisation_heatmap),
    ("complaints", "complaints.title", fig_complaints),
    ("staffing_allocation", "alloc.title", fig_allocation),
)


def make_figures(runs: pd.DataFrame, out, lang: str = "en", con=None, names=None, baseline: str | None = None,
                 boundaries=None) -> list[FigureResult]:
    """Draw the pack (or only the figures ``names``) into ``out``, the charts then the maps (``maps.py``;
    ``boundaries``: another GeoJSON of the communes); one result per figure, drawn or skipped."""
    from .levers import make_lever_figures
    from .maps import make_maps  # maps build on this module's Skip

    out = Path(out)
    own = con is None
    con = connect(runs) if own else con
    ctx = Context(con=con, runs=runs, out=out, lang=lang, baseline=baseline)
    results = []
    try:
        with report_style():
            for name, title, fn in FIGURES:
                if names is not None and name not in names:
                    continue
                results.append(draw_safely(ctx, "figure", name, title, lambda fn=fn: fn(ctx)))
            try:  # the policy-lever figure, when the sweep has policy runs (levers.py)
                results += make_lever_figures(ctx, names)
            except Exception as exc:  # a broken figure must not sink the report
                log.error("figure policy_levers failed: %s: %s", type(exc).__name__, exc)
                log.debug("traceback of figure policy_levers", exc_info=True)
                results.append(FigureResult("policy_levers", "policy_levers", skipped=f"{type(exc).__name__}: {exc}"))
            results += make_maps(ctx, names, boundaries)
    finally:
        if own:
            con.close()
    return results
