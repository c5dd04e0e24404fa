"""``report.md``: the comparison table and the figures, each with a paragraph quoting the numbers."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd

from .catalog import Problem, variant_keys
from .labels import design_label, label
from .plotting import FigureResult
from .stats import comparison_markdown, design_order

log = logging.getLogger("sim.report")

# figure file name -> text template key in labels.py
TEXT_KEYS = {"backlog_over_time": "doc.backlog", "delay_distribution": "doc.delay",
             "outcome_shares": "doc.outcome", "commune_load": "doc.load", "utilisation_heatmap": "doc.heat",
             "complaints": "doc.complaints", "staffing_allocation": "doc.alloc",
             "map_backlog": "doc.map_backlog", "map_on_time": "doc.map_on_time",
             "map_utilisation": "doc.map_utilisation", "map_difference": "doc.map_difference",
             "map_officers": "doc.map_officers", "map_officer_change": "doc.map_officer_change"}


def _seeds_text(runs: pd.DataFrame, lang: str) -> str:
    counts = runs.groupby("design")["seed"].nunique()
    if counts.nunique() == 1:
        return str(int(counts.iloc[0]))
    sep = label(lang, "doc.list_sep")
    return sep.join(f"*{design_label(lang, d)}* {int(counts[d])}" for d in design_order(counts.index))


def figure_paragraph(fig: FigureResult, lang: str) -> str:
    """The generated paragraph for one figure (or why it is missing)."""
    if fig.skipped:
        return label(lang, "doc.fig_missing").format(reason=fig.skipped)
    if "paragraph" in fig.facts:  # a figure that writes its own text (the policy levers: levers.py)
        return fig.facts["paragraph"]
    key = TEXT_KEYS.get(fig.name)
    if key is None:
        return ""
    try:
        return label(lang, key).format(**fig.facts)
    except (KeyError, IndexError) as exc:
        log.warning("no text for figure %s (missing fact %s)", fig.name, exc)
        return ""


def render_report(runs: pd.DataFrame, comparison: pd.DataFrame, figures: list[FigureResult],
                  problems: list[Problem], lang: str = "en", sweep_name: str = "", fig_dir: str = "figures") -> str:
    baseline = comparison["baseline"].iloc[0] if not comparison.empty else ""
    lines = [f"# {label(lang, 'doc.title').format(sweep=sweep_name)}", "",
             label(lang, "doc.intro").format(n_runs=len(runs), n_designs=runs["design"].nunique(),
                                             seeds=_seeds_text(runs, lang),
                                             baseline=f"*{design_label(lang, baseline)}*"), ""]
    keys = variant_keys(runs)
    if keys:
        lines += [label(lang, "doc.variants").format(keys=", ".join(f"`{k}`" for k in keys)), ""]
    if problems:
        lines += [label(lang, "doc.skipped").format(n=len(problems)), ""]
        lines += [f"- `{p.run}`: {p.reason}" for p in problems] + [""]
    lines += [f"## {label(lang, 'doc.comparison')}", "", comparison_markdown(comparison, lang, 3).rstrip(), "",
              f"## {label(lang, 'doc.figures')}", ""]
    for i, fig in enumerate(figures, 1):
        lines += [f"### {i}. {fig.title or fig.name}", ""]
        if not fig.skipped:
            lines += [f"![{fig.title}]({fig_dir}/{fig.name}.png)", "",
                      " · ".join(f"[{p.suffix[1:].upper()}]({fig_dir}/{p.name})" for p in fig.paths), ""]
        lines += [figure_paragraph(fig, lang), ""]
    return "\n".join(lines)


def write_report(out, runs: pd.DataFrame, comparison: pd.DataFrame, figures: list[FigureResult],
                 problems: list[Problem], lang: str = "en", sweep_name: str = "", fig_dir: str = "figures") -> Path:
    path = Path(out) / "report.md"
    path.write_text(render_report(runs, comparison, figures, problems, lang, sweep_name, fig_dir), encoding="utf-8")
    return path
