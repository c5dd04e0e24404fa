"""Reporting on govsim sweeps: catalog (DuckDB), comparison tables, chart pack and report.md.

    from sim.report import govsim_report
    result = govsim_report("multirun/2025-07-01/10-00-00", lang="vi")

or on the command line: ``govsim-report DIR [--out OUTDIR] [--lang en|vi] [--baseline tier/quota]``.
"""

from .catalog import Problem, ReportError, load_runs, open_catalog, write_catalog
from .cli import ReportResult, govsim_report, main
from .figures import make_figures
from .stats import compare, mean_ci, write_comparison

__all__ = ["Problem", "ReportError", "ReportResult", "compare", "govsim_report", "load_runs", "main",
           "make_figures", "mean_ci", "open_catalog", "write_catalog", "write_comparison"]
