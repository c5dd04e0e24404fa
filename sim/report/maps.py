"""The maps of the chart pack: where the load falls, commune by commune (PNG, SVG, PDF; en/vi).

- ``map_backlog``, ``map_on_time``, ``map_utilisation``: one panel per design, mean over seeds;
- ``map_difference``: the paired difference over seeds in backlog per 1.000 residents between two
  designs, coloured only where its 95% CI excludes zero (hatched elsewhere);
- ``map_officers``: casework officers per 10.000 residents under each design's quota;
- ``map_officer_change``: officers gained or lost under each non-uniform quota (area-grouped, an
  optimiser's allocation, ...) against the uniform quota of the same tier.

Three-tier results are put on the 126 current communes through population shares (see ``geo.py``) and
labelled as such. Every map names its five most extreme communes per panel and credits the boundaries.
"""

from __future__ import annotations

import logging
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import Normalize

from .figures import Skip, draw_safely
from .geo import Boundaries, MapError, apportion, apportion_weights, current_communes, load_boundaries
from .mapdraw import colorbar, draw_communes, freeze_layout, place_labels, setup_canvas
from .plotting import Context, FigureResult, NumberFormatter, facet_grid, save
from .stats import mean_ci

log = logging.getLogger("sim.report")


class NotApplicable(Skip):
    """The map does not apply to these runs (one design: no difference to draw); left out silently."""


class PercentFormatter(NumberFormatter):
    """Colour-bar ticks of a 0-1 share, shown as %."""

    def set_locs(self, locs):
        super().set_locs(np.asarray(locs, dtype=float) * 100)

    def __call__(self, x, pos=None):
        return super().__call__(100 * x, pos) + "%"

SUMS = ["backlog", "busy", "avail", "resolved", "on_time", "population", "officers"]
# metric -> colour map, which end is "extreme", shown as % (x100)
METRICS = {
    "backlog_per_1000": ("rocket_r", "high", False),
    "on_time_rate": ("mako", "low", True),
    "utilisation": ("rocket_r", "high", True),
    "officers_per_10k": ("crest", "low", False),
}
N_LABELS = 5


@dataclass
class MapData:
    bnd: Boundaries
    names: dict  # current commune code -> name
    per_run: pd.DataFrame  # run_dir, design, tier, quota, seed, code, SUMS..., the METRICS

    def means(self, metric: str) -> pd.DataFrame:
        """design x code: the metric averaged over seeds (repeated runs of a seed first)."""
        seeds = self.per_run.groupby(["design", "seed", "code"], as_index=False)[metric].mean()
        return seeds.groupby(["design", "code"], as_index=False)[metric].mean()


def _per_run(ctx: Context) -> pd.DataFrame:
    ud = ctx.query("SELECT run_dir, unit, sum(backlog)::DOUBLE / count(DISTINCT day) AS backlog, "
                   "sum(busy_hours)::DOUBLE AS busy, sum(available_hours)::DOUBLE AS avail FROM unit_daily "
                   "WHERE unit_kind IN ('commune', 'district') GROUP BY run_dir, unit")
    rq = ctx.query("SELECT run_dir, origin_unit AS unit, count(*)::DOUBLE AS resolved, "
                   "sum((outcome IN ('early', 'on_time'))::INT)::DOUBLE AS on_time FROM requests "
                   "WHERE kind = 'dossier' AND outcome <> 'open' GROUP BY ALL")
    al = ctx.query("SELECT run_dir, unit, max(CASE WHEN unit_kind = 'commune' THEN population END)::DOUBLE "
                   "AS population, sum(officers)::DOUBLE AS officers FROM allocation "
                   "WHERE unit_kind IN ('commune', 'district') GROUP BY run_dir, unit")
    df = ud.merge(rq, on=["run_dir", "unit"], how="outer").merge(al, on=["run_dir", "unit"], how="outer")
    if df.empty:
        raise Skip("unit_daily and allocation have no commune rows")
    df[SUMS] = df[SUMS].fillna(0.0)
    runs = ctx.runs.set_index("run_dir")
    out, cache = [], {}
    for run_dir, g in df.groupby("run_dir", sort=True):
        if run_dir not in runs.index:
            continue
        tier = runs.at[run_dir, "tier"]
        key = (tier, tuple(sorted(g["unit"])))
        if key not in cache:
            cache[key] = apportion_weights(tier, g["unit"])
        out.append(apportion(g, cache[key], SUMS).assign(run_dir=run_dir))
    per = ctx.with_runs(pd.concat(out, ignore_index=True))
    per["backlog"] /= per["scale"]  # unit_daily is the simulated sample; allocation is at full scale
    people = per["population"].where(per["population"] > 0)
    per["backlog_per_1000"] = per["backlog"] / (people / 1_000)
    per["on_time_rate"] = per["on_time"] / per["resolved"].where(per["resolved"] > 0)
    per["utilisation"] = per["busy"] / per["avail"].where(per["avail"] > 0)
    per["officers_per_10k"] = per["officers"] / (people / 10_000)
    return per


def load_map_data(ctx: Context, boundaries=None) -> MapData:
    """Per run and current commune: the apportioned sums and the mapped metrics. MapError when the
    boundaries are unusable or lack a commune that has results."""
    bnd = load_boundaries(boundaries)
    communes = current_communes()
    names = {**bnd.frame["name"].to_dict(), **communes["name"].to_dict()}
    per = _per_run(ctx)
    bnd.check_covers(per["code"], names)
    return MapData(bnd, names, per)


# drawing ----------------------------------------------------------------------------------------------
def _tier(design: str) -> str:
    return design.partition(" [")[0].split("/")[0]


def _panel_title(ctx: Context, title: str, designs) -> str:
    title = "\n".join(line for part in title.split("\n") for line in textwrap.wrap(part, 46))
    return title + ("\n" + ctx.L("map.apportioned") if any(_tier(d) == "three_tier" for d in designs) else "")


def _footer(ctx: Context, fig, three_tier: bool, extra: str = "", grey: bool = False) -> None:
    parts = [extra] if extra else []
    if three_tier:
        parts.append(ctx.L("map.three_tier_note"))
    parts += ([ctx.L("map.no_data")] if grey else []) + [ctx.L("map.source")]
    width = int(fig.get_figwidth() * 19)
    text = "\n".join(line for p in parts for line in textwrap.wrap(p, width))
    fig.supxlabel(text, fontsize=6.5, color="0.3", x=0.01, ha="left", multialignment="left")


def _fmt(ctx: Context, pct: bool, digits: int | None = None, signed: bool = False):
    """Value formatter for labels and text; ``digits`` None: by the value's size (107, 7.3, 0.48)."""
    def f(v):
        a = abs(v)
        d = 1 if pct else digits if digits is not None else 0 if a >= 100 else 1 if a >= 1 else 2
        s = ctx.num(100 * v if pct else v, d)
        return ("+" + s if signed and v > 0 else s) + ("%" if pct else "")
    return f


def _extremes(values: pd.Series, how: str, n: int = N_LABELS) -> pd.Series:
    v = values.dropna()
    if how == "high":
        return v.sort_values(ascending=False, kind="stable").head(n)
    if how == "low":
        return v.sort_values(kind="stable").head(n)
    return v.reindex(v.abs().sort_values(ascending=False, kind="stable").index).head(n)


def _label(ax, md: MapData, top: pd.Series, fmt) -> None:
    frame = md.bnd.frame
    place_labels(ax, [(frame.at[c, "x"], frame.at[c, "y"], f"{md.names.get(c, c)} {fmt(v)}", c)
                      for c, v in top.items()], avoid=frame[["x", "y"]].to_numpy())


def _draw(ctx: Context, md: MapData, res: FigureResult, panels: list[tuple[str, pd.Series, set]], cmap, norm,
          cbar_label: str, how: str, fmt, extend: str = "neither", three_tier: bool = False, extra: str = "",
          pct: bool = False):
    """One panel per (title, values by code, hatched codes); labels the extremes; saves; returns the labels."""
    fig, axes = facet_grid(len(panels), panel_w=4.2 if len(panels) > 1 else 5.2, panel_h=4.7)
    setup_canvas(fig)
    for ax, (title, values, hatched) in zip(axes, panels):
        draw_communes(ax, md.bnd, values.to_dict(), cmap, norm, hatched)
        ax.set_title(title, fontsize=10.5)
    cb = colorbar(fig, axes, cmap, norm, cbar_label, NumberFormatter(ctx.lang), extend)
    if pct:  # shares are stored 0-1 and shown as %
        cb.ax.yaxis.set_major_formatter(PercentFormatter(ctx.lang))
    fig.suptitle("\n".join(textwrap.wrap(res.title, int(fig.get_figwidth() * 7))))
    grey = any(set(md.bnd.codes) - set(v.dropna().index) - set(h) for _, v, h in panels)
    _footer(ctx, fig, three_tier, extra, grey)
    freeze_layout(fig)
    tops = []
    for ax, (_, values, hatched) in zip(axes, panels):
        top = _extremes(values.drop(index=list(hatched), errors="ignore"), how)
        _label(ax, md, top, fmt)
        tops.append(top)
    res.paths = save(fig, ctx.out, res.name)
    return tops


def _limits(values: np.ndarray, zero_floor: bool) -> tuple[float, float, str]:
    """Colour limits shared by the panels: the 2nd-98th percentile stretch when outliers would wash out
    the rest (the colour bar then shows arrows), else the full range."""
    v = values[np.isfinite(values)]
    if v.size == 0:
        raise Skip("no commune has a value")
    lo, hi = float(v.min()), float(v.max())
    qlo, qhi = np.percentile(v, [2, 98])
    ext_lo = not zero_floor and lo < qlo - 0.25 * (qhi - qlo)
    ext_hi = hi > qhi + 0.25 * (qhi - qlo)
    lo = 0.0 if zero_floor else (float(qlo) if ext_lo else lo)
    hi = float(qhi) if ext_hi else hi
    if hi <= lo:
        hi = lo + 1e-9 + abs(lo) * 0.01
    return lo, hi, {(False, False): "neither", (True, False): "min", (False, True): "max"}.get((ext_lo, ext_hi),
                                                                                              "both")


def _listing(ctx: Context, md: MapData, top: pd.Series, fmt, n: int = 3) -> str:
    return ", ".join(f"{md.names.get(c, c)} ({fmt(v)})" for c, v in top.head(n).items())


def value_map(ctx: Context, md: MapData, name: str, metric: str) -> FigureResult:
    res = FigureResult(name, ctx.L(f"map.{metric}.title"))
    cmap_name, how, pct = METRICS[metric]
    means = md.means(metric)
    designs = [d for d in ctx.designs if d in set(means["design"])]
    by_design = {d: means[means["design"] == d].set_index("code")[metric] for d in designs}
    allv = np.concatenate([s.to_numpy(dtype=float) for s in by_design.values()])
    lo, hi, extend = _limits(allv, zero_floor=metric in ("backlog_per_1000", "officers_per_10k"))
    fmt = _fmt(ctx, pct)
    panels = [(_panel_title(ctx, ctx.dl(d), [d]), by_design[d], set()) for d in designs]
    tops = _draw(ctx, md, res, panels, sns.color_palette(cmap_name, as_cmap=True), Normalize(lo, hi),
                 ctx.L(f"map.{metric}.cbar"), how, fmt, extend, any(_tier(d) == "three_tier" for d in designs),
                 pct=pct)
    res.facts = {"list": ctx.L("doc.list_sep").join(f"{ctx.dt(d)}: {_listing(ctx, md, t, fmt)}"
                                                    for d, t in zip(designs, tops)),
                 "lo": fmt(float(np.nanmin(allv))), "hi": fmt(float(np.nanmax(allv))),
                 "seeds": str(int(md.per_run.groupby("design")["seed"].nunique().max()))}
    return res


# the difference between two designs --------------------------------------------------------------------
def paired_difference(per_run: pd.DataFrame, a: str, b: str, metric: str = "backlog_per_1000") -> pd.DataFrame:
    """Per commune: ``a - b`` paired by seed; columns n, mean, lo, hi (95% CI) and significant."""
    seeds = per_run[per_run["design"].isin([a, b])].groupby(["design", "seed", "code"])[metric].mean()
    wide = seeds.unstack("design")
    if a not in wide or b not in wide:
        raise Skip(f"no runs of {a if a not in wide else b}")
    diff = (wide[a] - wide[b]).dropna()
    rows = {code: mean_ci(g.to_numpy()) for code, g in diff.groupby(level="code")}
    out = pd.DataFrame.from_dict(rows, orient="index", columns=["n", "mean", "lo", "hi"])
    out["significant"] = (out["n"] >= 2) & ((out["lo"] > 0) | (out["hi"] < 0))
    return out


def difference_pairs(designs, baseline: str | None) -> list[tuple[str, str]]:
    """Which differences to map: with the contract designs, the reform as enacted (two tiers, uniform quota,
    against three tiers as staffed, when run), the design effect (against three tiers, same budget, uniform)
    and the quota under two tiers; otherwise every design against the baseline."""
    designs = list(designs)
    if {"three_tier/uniform", "two_tier/uniform", "two_tier/area_grouped"} <= set(designs):
        enacted = [("two_tier/uniform", "three_tier/historical")] if "three_tier/historical" in designs else []
        return enacted + [("two_tier/uniform", "three_tier/uniform"), ("two_tier/area_grouped", "two_tier/uniform")]
    base = baseline if baseline in designs else designs[0] if designs else None
    return [(d, base) for d in designs if d != base]


def difference_map(ctx: Context, md: MapData, pairs=None, metric: str = "backlog_per_1000",
                   name: str = "map_difference") -> FigureResult:
    res = FigureResult(name, ctx.L("map.difference.title"))
    pairs = pairs or difference_pairs(ctx.designs, ctx.baseline)
    if not pairs:
        raise NotApplicable("needs two designs")
    diffs = {p: paired_difference(md.per_run, *p, metric) for p in pairs}
    if max(int(d["n"].max()) if len(d) else 0 for d in diffs.values()) < 2:
        raise Skip("needs at least 2 seeds run under both designs (paired CI)")
    sig = np.concatenate([d.loc[d["significant"], "mean"].to_numpy() for d in diffs.values()])
    m = float(np.abs(sig).max()) if sig.size else 1.0
    _, how, pct = METRICS[metric]
    fmt = _fmt(ctx, pct, signed=True)
    panels = [(_panel_title(ctx, f"{ctx.dl(a)}\n− {ctx.dl(b)}", [a, b]),
               d["mean"], set(d.index[~d["significant"]])) for (a, b), d in diffs.items()]
    tops = _draw(ctx, md, res, panels, sns.color_palette("vlag", as_cmap=True), Normalize(-m, m),
                 ctx.L("map.difference.cbar"), "abs", fmt,
                 three_tier=any(_tier(x) == "three_tier" for p in pairs for x in p),
                 extra=ctx.L("map.difference.note"), pct=pct)
    items = []
    for ((a, b), d), top in zip(diffs.items(), tops):
        s = d[d["significant"]]
        items.append(ctx.L("doc.map_difference_item", a=ctx.dt(a), b=ctx.dt(b), up=int((s["mean"] > 0).sum()),
                           down=int((s["mean"] < 0).sum()), ns=int((~d["significant"]).sum()),
                           n=int(d["n"].max()), top=_listing(ctx, md, top, fmt) or "–"))
    res.facts = {"list": " ".join(items)}
    return res


# staffing ----------------------------------------------------------------------------------------------
def allocation_officers(allocation: pd.DataFrame, tier: str) -> pd.Series:
    """Full-scale casework officers per current commune from one allocation table (allocation.parquet
    rows: unit, unit_kind, officers; three-tier districts apportioned by population)."""
    a = allocation[allocation["unit_kind"].isin(["commune", "district"])]
    per_unit = a.groupby("unit", as_index=False)["officers"].sum()
    per_unit["officers"] = per_unit["officers"].astype(float)
    w = apportion_weights(tier, per_unit["unit"])
    return apportion(per_unit, w, ["officers"]).set_index("code")["officers"]


def officer_change(new: pd.DataFrame, old: pd.DataFrame, tier_new: str = "two_tier",
                   tier_old: str = "two_tier") -> pd.Series:
    """Officers gained (+) or lost (−) per current commune going from allocation ``old`` to ``new``
    (any two allocation tables, e.g. an optimiser's against today's uniform quota)."""
    a, b = allocation_officers(new, tier_new), allocation_officers(old, tier_old)
    return a.sub(b, fill_value=0.0)


def officer_change_map(ctx: Context, md: MapData, pairs=None, name: str = "map_officer_change") -> FigureResult:
    res = FigureResult(name, ctx.L("map.officer_change.title"))
    designs = ctx.designs
    if pairs is None:  # every non-uniform quota against the uniform quota of its tier
        pairs = [(d, f"{_tier(d)}/uniform") for d in designs
                 if d.partition(" [")[0].split("/")[-1] != "uniform" and f"{_tier(d)}/uniform" in designs]
    if not pairs:
        raise NotApplicable("no quota to compare with the uniform quota of the same tier")
    means = md.means("officers").pivot(index="code", columns="design", values="officers")
    diffs = {(a, b): (means[a] - means[b]).dropna() for a, b in pairs}
    allv = np.concatenate([d.to_numpy() for d in diffs.values()])
    m = float(np.abs(allv).max()) or 1.0
    fmt = _fmt(ctx, False, 0, signed=True)
    panels = [(_panel_title(ctx, f"{ctx.dl(a)}\n− {ctx.dl(b)}", [a, b]), d, set()) for (a, b), d in diffs.items()]
    tops = _draw(ctx, md, res, panels, sns.color_palette("BrBG", as_cmap=True), Normalize(-m, m),
                 ctx.L("map.officer_change.cbar"), "abs", fmt,
                 three_tier=any(_tier(x) == "three_tier" for p in pairs for x in p))
    res.facts = {"list": " ".join(ctx.L("doc.map_officer_change_item", a=ctx.dt(a), b=ctx.dt(b),
                                        up=int((d > 0.5).sum()), down=int((d < -0.5).sum()),
                                        top=_listing(ctx, md, t, fmt))
                                  for ((a, b), d), t in zip(diffs.items(), tops))}
    return res


# (file name, title label, function(ctx, md)); numbered after the charts in the report.
MAPS = (
    ("map_backlog", "map.backlog_per_1000.title", lambda c, m: value_map(c, m, "map_backlog", "backlog_per_1000")),
    ("map_on_time", "map.on_time_rate.title", lambda c, m: value_map(c, m, "map_on_time", "on_time_rate")),
    ("map_utilisation", "map.utilisation.title", lambda c, m: value_map(c, m, "map_utilisation", "utilisation")),
    ("map_difference", "map.difference.title", difference_map),
    ("map_officers", "map.officers_per_10k.title", lambda c, m: value_map(c, m, "map_officers", "officers_per_10k")),
    ("map_officer_change", "map.officer_change.title", officer_change_map),
)


def make_maps(ctx: Context, names=None, boundaries=None) -> list[FigureResult]:
    """Draw the maps (or those in ``names``). When they cannot be drawn at all (no shapely, a commune
    without a boundary) one result named ``maps`` carries the one-line reason."""
    wanted = [m for m in MAPS if names is None or m[0] in names]
    if not wanted:
        return []
    try:
        md = load_map_data(ctx, boundaries)
    except (MapError, Skip) as exc:
        log.warning("maps not drawn: %s", exc)
        return [FigureResult("maps", ctx.L("map.all.title"), skipped=str(exc))]
    except Exception as exc:  # e.g. the geography tables: the charts and report.md are still written
        log.error("maps failed: %s: %s", type(exc).__name__, exc)
        log.debug("traceback of the maps", exc_info=True)
        return [FigureResult("maps", ctx.L("map.all.title"), skipped=f"{type(exc).__name__}: {exc}")]
    results = []
    for name, title, fn in wanted:
        def draw(fn=fn):
            try:
                return fn(ctx, md)
            except NotApplicable as exc:  # not for these designs: left out of the pack, not listed as skipped
                log.info("map %s left out: %s", name, exc)
                return None
        result = draw_safely(ctx, "map", name, title, draw, skip_level=logging.INFO)
        if result is not None:
            results.append(result)
    return results
