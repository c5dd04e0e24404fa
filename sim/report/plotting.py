"""Shared plumbing of the chart pack: style, design colours, number formats, saving."""

from __future__ import annotations

import logging
import math
import textwrap
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import matplotlib as mpl
import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import Formatter

from .labels import design_label, fmt_num, label
from .stats import design_order

log = logging.getLogger("sim.report")

FORMATS = ("png", "svg", "pdf")
DPI = 300
# Tier sets the hue (blue: three-tier, orange: two-tier; purple: three tiers as staffed); quota the shade
# and the line style.
DESIGN_COLORS = {"three_tier/historical": "#5e3c99", "three_tier/uniform": "#0b5394", "three_tier/area_grouped": "#56b4e9",
                 "two_tier/uniform": "#c1440e", "two_tier/area_grouped": "#e69f00"}
DESIGN_DASHES = {"uniform": "-", "area_grouped": "--", "historical": "-."}
OUTCOME_COLORS = {"early": "#2166ac", "on_time": "#92c5de", "late": "#d6604d"}  # colour-blind safe
RC = {
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # covers every Vietnamese diacritic
    "axes.titleweight": "bold",
    "axes.titlesize": 12,
    "figure.titlesize": 13,
    "figure.titleweight": "bold",
    "pdf.fonttype": 42,  # embed TrueType: text stays selectable and editable in the paper
    "svg.fonttype": "path",  # SVG renders identically without the font installed
    "svg.hashsalt": "govsim-report",  # reproducible SVG ids
    "axes.unicode_minus": True,
}


@contextmanager
def report_style():
    """One consistent look for every figure; restores the caller's rcParams afterwards."""
    with ExitStack() as stack:
        stack.enter_context(sns.axes_style("whitegrid"))
        stack.enter_context(sns.plotting_context("paper", font_scale=1.3))
        stack.enter_context(mpl.rc_context(RC))
        yield


@dataclass
class FigureResult:
    name: str
    title: str
    paths: list[Path] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    skipped: str | None = None  # reason the figure was not drawn

    @property
    def png(self) -> Path | None:
        return next((p for p in self.paths if p.suffix == ".png"), None)


@dataclass
class Context:
    """What every figure function needs: the catalog connection, the runs, the language, where to save."""

    con: duckdb.DuckDBPyConnection
    runs: pd.DataFrame
    out: Path
    lang: str = "en"
    baseline: str | None = None  # the design paired differences are taken against (None: the default)

    @property
    def designs(self) -> list[str]:
        return design_order(self.runs["design"])

    def L(self, key: str, **kw) -> str:
        text = label(self.lang, key)
        return text.format(**kw) if kw else text

    def dl(self, design: str, width: int | None = None) -> str:
        text = design_label(self.lang, design)
        return "\n".join(textwrap.wrap(text, width)) if width else text

    def dt(self, design: str) -> str:
        """A design name for running text (emphasised: the names contain commas)."""
        return f"*{design_label(self.lang, design)}*"

    def color(self, design: str) -> str:
        if design in DESIGN_COLORS:
            return DESIGN_COLORS[design]
        extra = [d for d in self.designs if d not in DESIGN_COLORS]
        palette = sns.color_palette("Set2" if len(extra) <= 8 else "husl", max(1, len(extra)))
        return mpl.colors.to_hex(palette[extra.index(design)])

    def dashes(self, design: str) -> str:
        return DESIGN_DASHES.get(design.partition(" [")[0].split("/")[-1], ":")

    def num(self, x, digits=None) -> str:
        return fmt_num(x, self.lang, digits)

    def query(self, sql: str, *params) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def with_runs(self, df: pd.DataFrame, cols=("design", "tier", "quota", "seed", "scale")) -> pd.DataFrame:
        return df.merge(self.runs[["run_dir", *cols]], on="run_dir", how="inner")


class NumberFormatter(Formatter):
    """Tick labels with thousands separators and just enough decimals; ``1.234,5`` style in Vietnamese."""

    def __init__(self, lang: str = "en", suffix: str = ""):
        self.lang, self.suffix, self.decimals = lang, suffix, 0

    def set_locs(self, locs):
        super().set_locs(locs)
        locs = np.asarray(locs, dtype=float)
        tol = 1e-6 * max(1.0, float(np.abs(locs).max(initial=0.0)))
        # the fewest decimals that show every tick exactly (2.5 stays 2.5, not 2)
        self.decimals = next((d for d in range(4) if np.all(np.abs(np.round(locs, d) - locs) < tol)), 4)

    def __call__(self, x, pos=None):
        return fmt_num(0.0 if abs(x) < 1e-12 else x, self.lang, self.decimals) + self.suffix


def format_axis(ax, lang: str, axis: str = "y", suffix: str = "") -> None:
    for a in ("x", "y") if axis == "both" else (axis,):
        getattr(ax, f"{a}axis").set_major_formatter(NumberFormatter(lang, suffix))


def date_axis(ax, lang: str) -> None:
    locator = mdates.AutoDateLocator(minticks=4, maxticks=9)
    if lang == "vi":  # numeric day/month: month names would come out in English
        fmt = mdates.ConciseDateFormatter(
            locator, formats=["%Y", "%m/%Y", "%d/%m", "%H:%M", "%H:%M", "%S.%f"],
            zero_formats=["", "%m/%Y", "%d/%m", "%d/%m %H:%M", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%m/%Y", "%d/%m/%Y", "%d/%m/%Y", "%d/%m/%Y %H:%M"])
    else:
        fmt = mdates.ConciseDateFormatter(locator)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(fmt)


def new_figure(width: float = 7.5, height: float = 4.6) -> Figure:
    """A figure outside pyplot (no backend, no global state, freed when dropped)."""
    return Figure(figsize=(width, height), layout="constrained")


def facet_grid(n: int, panel_w: float = 4.6, panel_h: float = 3.6, ncols_max: int = 2, **kw):
    ncols = min(n, ncols_max)
    nrows = math.ceil(n / ncols)
    fig = new_figure(panel_w * ncols + 0.6, panel_h * nrows + 0.8)
    axes = fig.subplots(nrows, ncols, squeeze=False, **kw).ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, list(axes[:n])


def save(fig: Figure, out: Path, name: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for ext in FORMATS:
        path = out / f"{name}.{ext}"
        meta = {"png": {"Software": "govsim-report"}, "svg": {"Date": None},
                "pdf": {"CreationDate": None, "Creator": "govsim-report"}}[ext]
        fig.savefig(path, dpi=DPI, metadata=meta, facecolor="white")
        paths.append(path)
    return paths


def group_order(groups: pd.DataFrame) -> list[str]:
    """Quota groups ordered by mean population, largest first ('uniform' last)."""
    order = groups.groupby("quota_group")["population"].mean().sort_values(ascending=False).index.tolist()
    return [g for g in order if g != "uniform"] + (["uniform"] if "uniform" in order else [])


def group_palette(groups: list[str]) -> dict:
    """Groups (largest first) to colours: dark = large. Each panel has its own groups (they differ by tier)."""
    named = [g for g in groups if g != "uniform"]
    return {**dict(zip(named, sns.color_palette("viridis", len(named)).as_hex())), "uniform": "#7f7f7f"}


def label_top(ax, d: pd.DataFrame, xmid: float, yspan: float, n: int = 3) -> None:
    """Name the ``n`` most loaded communes, nudging labels apart when their points are close."""
    placed: list[tuple[float, float]] = []
    for r in d.nlargest(n, "backlog").itertuples():
        x, y = r.population / 1000, r.backlog
        near = sum(abs(y - py) < 0.06 * yspan and abs(x - px) < 0.25 * xmid / 1000 for px, py in placed)
        placed.append((x, y))
        right = r.population > xmid
        ax.annotate(r.unit_name, (x, y), xytext=(-5 if right else 5, 3 + 10 * near), textcoords="offset points",
                    ha="right" if right else "left", fontsize=7.5, color="0.15")


def place_legend(fig, ax, n_designs: int, handles=None, labels=None, title=None, loc="best") -> None:
    """A legend inside ``ax`` for up to four designs; below the figure, one per line, for more (variants)."""
    if handles is None:
        handles, labels = ax.get_legend_handles_labels()
    kw = {"title": title, "fontsize": "small", "title_fontsize": "small"}
    if ax is not None and n_designs <= 4:
        ax.legend(handles, labels, loc=loc, **kw)
    else:  # grow the figure so the axes keep their height
        fig.set_figheight(fig.get_figheight() + 0.24 * (len(handles) + (title is not None)) + 0.2)
        fig.legend(handles, labels, loc="outside lower center", ncols=1, frameon=False, **kw)


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width))
