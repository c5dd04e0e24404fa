"""Per-design means with t-based 95% CIs over seeds, and paired differences against a baseline design.

Runs of different designs with the same seed share common random numbers, so the per-seed difference
``design - baseline`` is the quantity to average; its CI is much tighter than the difference of two
independent means. Runs repeated with the same design and seed are averaged first.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats as sps

from .catalog import ReportError, summary_metrics
from .labels import common_digits, design_label, fmt_num, label

DEFAULT_BASELINE = "three_tier/historical"  # then FALLBACK_BASELINE: sweeps from before tier.staffing
FALLBACK_BASELINE = "three_tier/uniform"
KNOWN_ORDER = ("three_tier/historical", "three_tier/uniform", "three_tier/area_grouped", "two_tier/uniform", "two_tier/area_grouped")
COLUMNS = ["metric", "design", "n", "mean", "ci_low", "ci_high", "diff_vs_baseline", "diff_ci_low",
           "diff_ci_high", "n_pairs", "baseline"]


def mean_ci(values, level: float = 0.95) -> tuple[int, float, float, float]:
    """(n, mean, ci_low, ci_high) of the finite values; CI from the t-distribution, NaN when n < 2."""
    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = int(x.size)
    if n == 0:
        return 0, math.nan, math.nan, math.nan
    mean = float(x.mean())
    if n < 2:
        return n, mean, math.nan, math.nan
    sd = float(x.std(ddof=1))
    if sd == 0.0:
        return n, mean, mean, mean
    half = float(sps.t.ppf(0.5 + level / 2, n - 1)) * sd / math.sqrt(n)
    return n, mean, mean - half, mean + half


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def design_order(designs) -> list[str]:
    """The four contract designs in a fixed order, then any others (variants) in natural order."""
    designs = set(designs)
    return [d for d in KNOWN_ORDER if d in designs] + sorted(designs - set(KNOWN_ORDER), key=_natural)


def choose_baseline(designs, baseline: str | None = None) -> str:
    designs = sorted(set(designs), key=_natural)  # alphabetical, numbers by value (budget=8000 < 10000)
    if not designs:
        raise ReportError("no designs to compare")
    if baseline is None:
        return next((b for b in (DEFAULT_BASELINE, FALLBACK_BASELINE) if b in designs), designs[0])
    if baseline not in designs:
        raise ReportError(f"baseline {baseline!r} not among the designs: {', '.join(designs)}")
    return baseline


def is_share(metric: str) -> bool:
    """Metrics that are 0–1 shares (shown as %)."""
    return metric.endswith(("_share", "_rate")) or "utilisation" in metric


def per_seed(runs: pd.DataFrame, metrics: list[str]) -> pd.DataFrame:
    """One row per (design, seed): repeated runs averaged."""
    return runs.groupby(["design", "seed"], as_index=False)[metrics].mean(numeric_only=True)


def compare(runs: pd.DataFrame, baseline: str | None = None, metrics: list[str] | None = None,
            level: float = 0.95) -> pd.DataFrame:
    """The tidy comparison table (see ``COLUMNS``), one row per metric x design."""
    metrics = metrics if metrics is not None else summary_metrics(runs)
    base = choose_baseline(runs["design"], baseline)
    seeds = per_seed(runs, metrics)
    base_rows = seeds[seeds["design"] == base].set_index("seed")
    rows = []
    for metric in metrics:
        for design in design_order(seeds["design"]):
            mine = seeds[seeds["design"] == design].set_index("seed")[metric]
            n, mean, lo, hi = mean_ci(mine, level)
            paired = (mine - base_rows[metric]).dropna()
            n_pairs, dmean, dlo, dhi = mean_ci(paired, level)
            rows.append({"metric": metric, "design": design, "n": n, "mean": mean, "ci_low": lo,
                         "ci_high": hi, "diff_vs_baseline": dmean, "diff_ci_low": dlo, "diff_ci_high": dhi,
                         "n_pairs": n_pairs, "baseline": base})
    return pd.DataFrame(rows, columns=COLUMNS)


def _fmt(metric: str, x: float, lang: str, digits: int) -> str:
    return fmt_num(100 * x if is_share(metric) else x, lang, digits)


def _cell(metric, mean, lo, hi, lang, digits, signed=False) -> str:
    if not np.isfinite(mean):
        return "–"
    m = _fmt(metric, mean, lang, digits)
    if signed and mean > 0:
        m = "+" + m
    if not (np.isfinite(lo) and np.isfinite(hi)):
        return m
    # "; " between the bounds: a comma is a thousands (en) or decimal (vi) mark
    return f"{m} [{_fmt(metric, lo, lang, digits)}; {_fmt(metric, hi, lang, digits)}]"


def _row_digits(comp: pd.DataFrame, metric: str) -> int:
    """One number of decimals per metric row, from the size of its means."""
    means = comp.loc[comp["metric"] == metric, "mean"]
    return common_digits((100 * means if is_share(metric) else means).tolist())


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    esc = [[c.replace("|", "\\|") for c in r] for r in [header, *rows]]
    lines = ["| " + " | ".join(esc[0]) + " |", "|" + "|".join([":---"] + ["---:"] * (len(header) - 1)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in esc[1:]]
    return "\n".join(lines)


def _n_text(ns) -> str:
    ns = sorted({int(n) for n in ns if n > 0})
    return "0" if not ns else str(ns[0]) if len(ns) == 1 else f"{ns[0]}–{ns[-1]}"


def comparison_cells(comp: pd.DataFrame, lang: str = "en") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The comparison as text cells, as comparison.md shows them (also used by the dashboard): a table
    of means with CIs (index: metric label, columns: design labels) and one of paired differences
    against the baseline (without the baseline column; empty when there is no other design)."""
    designs = design_order(comp["design"])
    base = comp["baseline"].iloc[0]
    metrics = list(dict.fromkeys(comp["metric"]))
    idx = comp.set_index(["metric", "design"])
    digits = {m: _row_digits(comp, m) for m in metrics}
    means = pd.DataFrame(
        [[_cell(m, *idx.loc[(m, d), ["mean", "ci_low", "ci_high"]], lang, digits[m]) for d in designs]
         for m in metrics],
        index=[label(lang, f"metric.{m}", m) for m in metrics], columns=[design_label(lang, d) for d in designs])
    others = [d for d in designs if d != base]
    pp = f"({label(lang, 'table.pp')})"
    diffs = pd.DataFrame(
        [[_cell(m, *idx.loc[(m, d), ["diff_vs_baseline", "diff_ci_low", "diff_ci_high"]], lang, digits[m],
                signed=True) for d in others] for m in metrics],
        index=[label(lang, f"metric.{m}", m).replace("(%)", pp) for m in metrics],
        columns=[design_label(lang, d) for d in others])
    return means, diffs


def comparison_markdown(comp: pd.DataFrame, lang: str = "en", heading_level: int = 3) -> str:
    """Two markdown tables: means per design with CIs, and paired differences vs the baseline."""
    if comp.empty:
        return ""
    base = comp["baseline"].iloc[0]
    h = "#" * heading_level
    means, diffs = comparison_cells(comp, lang)
    head = [label(lang, "table.metric")]
    out = [f"{h} {label(lang, 'table.means_title')}", "",
           label(lang, "table.ci_note").format(n=_n_text(comp["n"])), "",
           _md_table(head + list(means.columns), [[i, *r] for i, r in zip(means.index, means.values.tolist())])]
    if len(diffs.columns):
        out += ["", f"{h} " + label(lang, "table.diff_title").format(baseline=design_label(lang, base)), "",
                _md_table(head + list(diffs.columns), [[i, *r] for i, r in zip(diffs.index, diffs.values.tolist())])]
    return "\n".join(out) + "\n"


def write_comparison(runs: pd.DataFrame, out, baseline: str | None = None, lang: str = "en"
                     ) -> tuple[pd.DataFrame, list[Path]]:
    """Write ``comparison.csv`` (tidy, raw units) and ``comparison.md`` (readable, shares in %)."""
    if runs.empty:
        raise ReportError("no runs to compare")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    comp = compare(runs, baseline)
    csv_path, md_path = out / "comparison.csv", out / "comparison.md"
    comp.to_csv(csv_path, index=False)
    md_path.write_text(comparison_markdown(comp, lang, heading_level=2), encoding="utf-8")
    return comp, [csv_path, md_path]
