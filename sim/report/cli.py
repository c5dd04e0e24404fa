"""``govsim-report DIR``: catalog, comparison tables, chart pack and report.md for a sweep."""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .catalog import Problem, ReportError, load_runs, variant_keys, write_catalog
from .document import write_report
from .figures import make_figures
from .labels import LANGS
from .plotting import FigureResult
from .stats import choose_baseline, write_comparison

log = logging.getLogger("sim.report")


@dataclass
class ReportResult:
    out: Path
    runs: pd.DataFrame
    problems: list[Problem]
    comparison: pd.DataFrame
    figures: list[FigureResult]
    files: list[Path] = field(default_factory=list)

    def summary(self) -> str:
        drawn = [f for f in self.figures if not f.skipped]
        designs = self.runs["variant"].nunique()
        lines = [f"wrote {self.out}:",
                 f"  catalog.duckdb   {len(self.runs)} run(s), {designs} design(s) (tables runs, run_files; views "
                 "requests, unit_daily, allocation)",
                 f"  comparison.csv   {self.comparison['metric'].nunique()} metrics x {designs} design(s), "
                 f"baseline {self.comparison['baseline'].iloc[0]}",
                 "  comparison.md",
                 f"  figures/         {len(drawn)} of {len(self.figures)} figures and maps (png, svg, pdf)",
                 "  report.md"]
        lines += [f"  figure {f.name} not drawn: {f.skipped}" for f in self.figures if f.skipped]
        keys = variant_keys(self.runs)
        if keys:
            lines.append(f"  designs split into variants by {', '.join(keys)}")
        return "\n".join(lines)


def govsim_report(dir, out=None, lang: str = "en", baseline: str | None = None,
                  progress: bool | None = None, figures=None, boundaries=None) -> ReportResult:
    """Report on the sweep under ``dir`` into ``out`` (default ``dir/report``); raises ReportError when
    there is nothing to report on. Skipped run folders are in ``result.problems``. ``figures``: names of
    the figures to draw (default: all, see ``sim.report.figures.FIGURES`` and ``sim.report.maps.MAPS``).
    ``boundaries``: a GeoJSON of the current communes for the maps (default: the shipped one)."""
    if lang not in LANGS:
        raise ReportError(f"unknown language {lang!r} (choose {' or '.join(LANGS)})")
    root = Path(dir)
    if not root.is_dir():
        raise ReportError(f"no such directory: {root}")
    out = Path(out) if out is not None else root / "report"
    runs, problems = load_runs(root, exclude=(out,), progress=progress)
    if runs.empty:
        raise ReportError(f"no valid runs under {root} (no folder with a readable summary.json"
                          + (f"; {len(problems)} folder(s) skipped)" if problems else ")"))
    # the report compares variants: the design, split by config keys that vary within it (if any)
    compared = runs.assign(design=runs["variant"])
    base = choose_baseline(compared["design"], baseline)  # fail on a bad --baseline before writing anything
    out.mkdir(parents=True, exist_ok=True)
    files = [write_catalog(root, out, runs=runs)]
    comparison, paths = write_comparison(compared, out, baseline, lang)
    files += paths
    figures = make_figures(compared, out / "figures", lang, names=figures, baseline=base, boundaries=boundaries)
    files += [p for f in figures for p in f.paths]
    sweep_name = root.resolve().name
    files.append(write_report(out, compared, comparison, figures, problems, lang, sweep_name))
    return ReportResult(out, runs, problems, comparison, figures, files)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govsim-report",
                                description="Catalog, compare and chart the runs of a govsim sweep.")
    p.add_argument("dir", help="sweep directory (run folders = folders holding summary.json, any depth)")
    p.add_argument("--out", help="output directory (default: DIR/report)")
    p.add_argument("--lang", choices=LANGS, default="en", help="language of labels and text (default: en)")
    p.add_argument("--baseline", metavar="TIER/QUOTA",
                   help="design to compare against (default: three_tier/historical, else three_tier/uniform, if present)")
    p.add_argument("--boundaries", metavar="GEOJSON",
                   help="commune boundaries for the maps (default: the shipped 2025 boundaries)")
    p.add_argument("--debug", action="store_true", help="show tracebacks and debug logging")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG if args.debug else logging.WARNING)
    log.propagate = False
    try:
        result = govsim_report(args.dir, args.out, args.lang, args.baseline, boundaries=args.boundaries)
    except ReportError as exc:
        print(f"govsim-report: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("govsim-report: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(f"govsim-report: error: {type(exc).__name__}: {exc} (rerun with --debug for details)",
              file=sys.stderr)
        return 1
    finally:
        log.removeHandler(handler)
    for p in result.problems:
        print(p)
    print(result.summary())
    return 0


if __name__ == "__main__":
    sys.exit(main())
