"""The dashboard's figures, as files a browser can show and download (PNG and SVG, English or Vietnamese).

The Compare charts are the chart pack's own (``sim.report.figures``), drawn for the selected runs; the
commune chart is drawn here with the chart pack's style, colours and number formats. Figures are cached on
disk by what they show, so flipping between selections does not redraw them.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import seaborn as sns

from sim.report.figures import FIELD_ORDER, make_figures
from sim.report.labels import design_label, field_label
from sim.report.plotting import date_axis, facet_grid, format_axis, report_style, save

from .text import T

COMPARE_FIGURES = ("backlog_over_time", "outcome_shares")
DOWNLOAD_FORMATS = ("png", "svg")
CACHE_ENV = "GOVSIM_DASHBOARD_CACHE"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    files: dict  # extension -> Path (png, svg); empty when skipped
    skipped: str | None = None

    def data(self, ext: str) -> bytes:
        return Path(self.files[ext]).read_bytes()

    def filename(self, ext: str, lang: str) -> str:
        return f"{self.name}_{lang}.{ext}"


_cache_root: Path | None = None


def cache_dir(*key) -> Path:
    """A folder per distinct figure content, under one temporary folder per server."""
    global _cache_root
    if _cache_root is None:
        given = os.environ.get(CACHE_ENV)  # set by sim.dashboard.server, which removes it
        _cache_root = Path(given) if given else Path(tempfile.mkdtemp(prefix="govsim-dashboard-"))
        if not given:
            atexit.register(shutil.rmtree, _cache_root, ignore_errors=True)  # the server's figures go with it
    digest = hashlib.sha1(json.dumps(key, default=str, sort_keys=True).encode()).hexdigest()[:16]
    return _cache_root / digest


def _charts(results) -> list[Chart]:
    out = []
    for r in results:
        files = {p.suffix[1:]: p for p in r.paths if p.suffix[1:] in DOWNLOAD_FORMATS}
        out.append(Chart(r.name, r.title, files, r.skipped or (None if files else "not drawn")))
    return out


def compare_charts(runs: pd.DataFrame, lang: str, version: int = 0) -> list[Chart]:
    """The backlog-over-time and outcome-share figures of the chart pack for ``runs`` (design = variant)."""
    out = cache_dir("compare", version, sorted(runs["run_dir"]), sorted(set(runs["design"])), lang)
    done = out / "done.json"
    if done.exists():
        return [Chart(c["name"], c["title"], {k: Path(v) for k, v in c["files"].items()}, c["skipped"])
                for c in json.loads(done.read_text())]
    charts = _charts(make_figures(runs, out, lang, names=COMPARE_FIGURES))
    done.write_text(json.dumps([{"name": c.name, "title": c.title, "files": {k: str(v) for k, v in c.files.items()},
                                 "skipped": c.skipped} for c in charts]))
    return charts


def commune_chart(daily: pd.DataFrame, unit: str, designs: list[str], lang: str, version: int = 0) -> Chart:
    """Daily backlog of one commune by field, one panel per design (``daily`` from Catalog.commune_daily)."""
    name = f"commune_{unit}_daily_backlog"
    shown = [d for d in designs if d in set(daily["design"])]
    if not shown:
        return Chart(name, unit, {}, "no daily rows for this commune")
    first = daily[daily["design"] == shown[0]]["name"].iloc[0]
    title = T(lang, "daily.title", name=f"{first} ({unit})")
    out = cache_dir("commune", version, unit, designs, lang)
    files = {ext: out / f"{name}.{ext}" for ext in DOWNLOAD_FORMATS}
    if all(p.exists() for p in files.values()):
        return Chart(name, title, files)
    fields = [f for f in FIELD_ORDER if f in set(daily["field"])] + sorted(set(daily["field"]) - set(FIELD_ORDER))
    palette = dict(zip(FIELD_ORDER, sns.color_palette("colorblind", len(FIELD_ORDER)).as_hex()))
    use_dates = daily["date"].notna().all()
    with report_style():
        # each design on its own y scale: one tier can carry many times the other's backlog
        fig, axes = facet_grid(len(shown), panel_w=5.4, panel_h=3.4, sharex=True)
        for ax, design in zip(axes, shown):
            d = daily[daily["design"] == design]
            for f in fields:
                df = d[d["field"] == f]
                x = pd.to_datetime(df["date"]) if use_dates else df["day"]
                ax.plot(x, df["backlog"], lw=1.5, color=palette.get(f, "0.4"), label=field_label(lang, f))
            unit_name = d["name"].iloc[0]
            ax.set_title(design_label(lang, design) + ("" if unit_name == first else f"\n{unit_name}"),
                         fontsize="medium")
            if use_dates:
                date_axis(ax, lang)
            format_axis(ax, lang, "y")
            ax.set_ylim(bottom=0)
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(handles, labels, title=T(lang, "daily.legend"), loc="outside lower center",
                   ncols=min(3, len(labels)), fontsize="small", title_fontsize="small", frameon=False)
        fig.supylabel(T(lang, "daily.y"), fontsize="medium")
        fig.suptitle(title)
        paths = save(fig, out, name)
    return Chart(name, title, {p.suffix[1:]: p for p in paths if p.suffix[1:] in DOWNLOAD_FORMATS})
