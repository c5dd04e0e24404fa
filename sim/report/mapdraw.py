"""Drawing the commune maps with matplotlib: polygons, colour bars, and commune labels that do not overlap.

Labels are placed deterministically after the figure's layout is fixed: each label (most extreme first)
tries offsets around its commune, nearest ring first, and takes the first whose text box stays inside the
panel and clear of the labels already placed and of the other labelled communes. A thin leader line joins
label and commune.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import patheffects
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PathCollection
from matplotlib.colors import Normalize
from matplotlib.path import Path as MplPath
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from .geo import Boundaries

NO_DATA = "0.88"  # communes outside the run (a subset) or without a value
EDGE = "white"
LABEL_GID = "commune-label"
# offsets tried around a commune: rings (points) x directions (east first, then the diagonals)
RINGS = (12, 22, 34, 48, 64, 82, 104)
DIRECTIONS = (0, 180, 30, 150, -30, -150, 60, 120, -60, -120, 90, -90)
PAD = 2.0  # points of clear space around a label box


def polygon_path(geom) -> MplPath:
    """One compound path for a (multi)polygon, holes included (even-odd fill)."""
    polys = list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]
    rings = [np.asarray(r.coords) for p in polys for r in (p.exterior, *p.interiors)]
    return MplPath.make_compound_path(*[MplPath(r, closed=True) for r in rings])


def paths_of(bnd: Boundaries) -> dict:
    if "_paths" not in bnd.frame.attrs:
        bnd.frame.attrs["_paths"] = {c: polygon_path(g) for c, g in bnd.frame["geometry"].items()}
    return bnd.frame.attrs["_paths"]


def setup_canvas(fig) -> None:
    FigureCanvasAgg(fig)  # text extents need a renderer


def draw_communes(ax, bnd: Boundaries, values: dict, cmap, norm: Normalize, hatched=(), lw: float = 0.35):
    """Fill each commune by ``values[code]`` (NaN or absent: grey); ``hatched`` communes: grey hatching
    (a value that is not distinguishable from zero)."""
    paths = paths_of(bnd)
    colored, grey, hatch = [], [], []
    for code in bnd.codes:
        v = values.get(code, math.nan)
        if code in hatched:
            hatch.append(code)
        elif v is None or not np.isfinite(v):
            grey.append(code)
        else:
            colored.append(code)
    if colored:
        col = PathCollection([paths[c] for c in colored], facecolors=cmap(norm([values[c] for c in colored])),
                             edgecolors=EDGE, linewidths=lw)
        ax.add_collection(col)
    if grey:
        ax.add_collection(PathCollection([paths[c] for c in grey], facecolors=NO_DATA, edgecolors=EDGE,
                                         linewidths=lw))
    if hatch:
        ax.add_collection(PathCollection([paths[c] for c in hatch], facecolors="0.95", edgecolors="0.6",
                                         linewidths=lw, hatch="////"))
    x0, y0, x1, y1 = bnd.bounds()
    px, py = 0.03 * (x1 - x0), 0.03 * (y1 - y0)
    ax.set_xlim(x0 - px, x1 + px)
    ax.set_ylim(y0 - py, y1 + py)
    ax.set_aspect(bnd.aspect())
    ax.set_axis_off()


def colorbar(fig, axes, cmap, norm, label: str, formatter, extend: str = "neither"):
    sm = ScalarMappable(norm=norm, cmap=cmap)
    cb = fig.colorbar(sm, ax=axes, shrink=0.55, aspect=28, label=label, extend=extend, pad=0.02)
    cb.ax.yaxis.set_major_formatter(formatter)
    cb.outline.set_visible(False)
    return cb


def freeze_layout(fig) -> None:
    """Run the constrained layout once and keep it: labels are placed in the final coordinates."""
    fig.canvas.draw()
    fig.set_layout_engine("none")


def _overlaps(a: Bbox, b: Bbox) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def _align(angle: float) -> tuple[str, str]:
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    return ("left" if c > 0.3 else "right" if c < -0.3 else "center",
            "bottom" if s > 0.3 else "top" if s < -0.3 else "center")


def text_box(ann, renderer, pad_px: float = 0.0) -> Bbox:
    """The text's own box in display pixels (without its leader line), grown by ``pad_px``."""
    ann.update_positions(renderer)
    return Text.get_window_extent(ann, renderer).padded(pad_px)


def place_labels(ax, items, fontsize: float = 7.0) -> list:
    """Annotate ``items`` = [(x, y, text, code)] in data coordinates, in priority order, without overlaps.
    Call after :func:`freeze_layout`. Returns the annotations (gid ``commune-label``)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    pad = PAD * fig.dpi / 72
    frame = ax.get_window_extent(renderer)
    anchors = [ax.transData.transform((x, y)) for x, y, _, _ in items]
    placed: list[Bbox] = []
    out = []
    for i, (x, y, text, code) in enumerate(items):
        others = [a for j, a in enumerate(anchors) if j != i]
        best, best_cost = None, math.inf
        for ring in RINGS:
            for angle in DIRECTIONS:
                dx, dy = ring * math.cos(math.radians(angle)), ring * math.sin(math.radians(angle))
                ha, va = _align(angle)
                ann = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va,
                                  fontsize=fontsize, color="0.1", gid=LABEL_GID, annotation_clip=False,
                                  arrowprops={"arrowstyle": "-", "color": "0.25", "lw": 0.5, "shrinkA": 0,
                                              "shrinkB": 0},
                                  path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
                box = text_box(ann, renderer, pad)
                cost = sum(_overlaps(box, p) for p in placed) * 10
                cost += sum(box.contains(px, py) for px, py in others) * 3
                cost += 0 if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
                              and box.y1 <= frame.y1) else 5
                if cost < best_cost:
                    if best is not None:
                        best[0].remove()
                    best, best_cost = (ann, box), cost
                else:
                    ann.remove()
                if best_cost == 0:
                    break
            if best_cost == 0:
                break
        ann, box = best
        placed.append(box)
        out.append(ann)
        ax.plot([x], [y], marker="o", ms=2.2, color="0.1", zorder=3)
    return out


def label_boxes(fig) -> list[Bbox]:
    """The text boxes of every commune label of ``fig`` (for checks)."""
    renderer = fig.canvas.get_renderer()
    return [text_box(t, renderer) for ax in fig.axes for t in ax.texts if t.get_gid() == LABEL_GID]
