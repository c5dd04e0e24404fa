"""Small pieces shared by the pages: the catalog's messages, a chart with its downloads, the comparison tables."""

from __future__ import annotations

import html
import logging
import traceback

import pandas as pd
import solara

from .charts import DOWNLOAD_FORMATS, Chart
from .data import Catalog
from .text import T

log = logging.getLogger("sim.dashboard")

CSS = """
.govsim-table table { border-collapse: collapse; font-size: 0.9rem; margin-bottom: 1em; }
.govsim-table th, .govsim-table td { padding: 3px 10px; border-bottom: 1px solid #ddd; }
.govsim-table td { text-align: right; white-space: nowrap; }
.govsim-table th { text-align: right; background: #f4f6f8; }
.govsim-table tbody th { text-align: left; font-weight: normal; background: none; }
"""


@solara.component
def CatalogMessages(cat: Catalog):
    """What went wrong with the folder: one line each, never a traceback."""
    if cat.error:
        solara.Error(cat.error, classes=["govsim-error"])
    for note in cat.notes:
        solara.Info(note, dense=True)
    if cat.problems:
        with solara.Details(f"{len(cat.problems)} run folder(s) skipped or flagged", expand=bool(cat.error)):
            solara.Markdown("\n".join(f"- `{p.run}`: {p.reason}" if p.skipped else f"- note: `{p.run}`: {p.reason}"
                                      for p in cat.problems))


@solara.component
def ChartCard(chart: Chart, lang: str):
    """A figure with PNG and SVG download buttons (the files as the chart pack saves them)."""
    with solara.Card(classes=["govsim-chart"], style={"max-width": "1100px"}):  # the figure carries its title
        if chart.skipped:
            solara.Warning(f"{chart.title}: not drawn: {chart.skipped}", dense=True)
            return
        solara.Image(chart.data("png"), width="100%", classes=[f"chart-{chart.name}"])
        with solara.Row():
            solara.Text(T(lang, "chart.download") + ":")
            for ext in DOWNLOAD_FORMATS:
                solara.FileDownload(lambda ext=ext: chart.data(ext), filename=chart.filename(ext, lang),
                                    label=ext.upper(), mime_type="image/svg+xml" if ext == "svg" else "image/png")


def table_html(df: pd.DataFrame, element_id: str, corner: str = "") -> str:
    """A text table (index = row labels) as HTML with an id, for the comparison's two tables."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    rows = "".join(f"<tr><th>{html.escape(str(i))}</th>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in r)
                   + "</tr>" for i, r in zip(df.index, df.values.tolist()))
    return (f'<div class="govsim-table"><table id="{element_id}"><thead><tr><th style="text-align:left">'
            f"{html.escape(corner)}</th>{head}</tr></thead><tbody>{rows}</tbody></table></div>")


@solara.component
def Guard(children=[]):  # noqa: B006 - Solara's children signature
    """A page that fails shows one line (the traceback goes to the server's log), never a stack trace."""
    exc, clear = solara.use_exception()
    if exc is None:
        solara.Column(children=children)
        return
    log.error("page failed:\n%s", "".join(traceback.format_exception(exc)))
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    solara.Error(f"this page failed: {type(exc).__name__}: {first[:200]} (details in the server's log)",
                 classes=["govsim-error"])
    solara.Button("Try again", on_click=clear)
