"""Drawing the commune maps with matplotlib: polygons, colour bars, and commune labels that do not overlap.

Labels are placed deterministically after the figure's layout is fixed: each label (most extreme first)
tries offsets around its commune on rings of growing radius and takes the cheapest: never over a label
already placed or outside the panel, then covering as few labelled communes, leader-line crossings and
other communes' centres as it can, then the nearest. A thin leader line joins label and commune.
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
RINGS = (12, 22, 34, 48, 64, 82, 104, 128, 156)
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


def _inside(box: Bbox, pts: np.ndarray) -> int:
    if len(pts) == 0:
        return 0
    return int(((pts[:, 0] > box.x0) & (pts[:, 0] < box.x1) & (pts[:, 1] > box.y0) & (pts[:, 1] < box.y1)).sum())


def _cost(box: Bbox, anchor, ring: float, frame: Bbox, placed: list[Bbox], marks: np.ndarray,
          centres: np.ndarray) -> float:
    """Hard: overlapping a placed label, leaving the panel. Soft: covering a labelled commune or its
    leader line crossing a placed label; covering other communes (the data); distance."""
    cost = 1000.0 * sum(_overlaps(box, p) for p in placed)
    cost += 0 if (frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1) else 500
    cost += 30.0 * _inside(box, marks)
    t = np.linspace(0.0, 1.0, 9)[:, None]
    line = np.asarray(anchor) + t * (np.array([(box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2]) - anchor)
    cost += 20.0 * sum(_inside(p, line) > 0 for p in placed)
    return cost + 1.5 * _inside(box, centres) + ring / 20.0


def place_labels(ax, items, avoid=(), fontsize: float = 7.0) -> list:
    """Annotate ``items`` = [(x, y, text, code)] (data coordinates, in priority order) so that no two
    labels overlap and each stays inside the panel, preferring spots that hide few of the points ``avoid``
    (e.g. every commune's centre). Call after :func:`freeze_layout`. Returns the annotations (gid
    ``commune-label-<panel>-<code>``)."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    pad = PAD * fig.dpi / 72
    frame = ax.get_window_extent(renderer)
    anchors = np.array([ax.transData.transform((x, y)) for x, y, _, _ in items]).reshape(-1, 2)
    centres = ax.transData.transform(np.asarray(avoid, dtype=float)) if len(avoid) else np.zeros((0, 2))
    placed: list[Bbox] = []
    out = []
    panel = fig.axes.index(ax)
    for i, (x, y, text, code) in enumerate(items):
        marks = np.delete(anchors, i, axis=0)
        ann = ax.annotate(text, (x, y), xytext=(RINGS[0], 0), textcoords="offset points", fontsize=fontsize,
                          color="0.1", gid=f"{LABEL_GID}-{panel}-{code}", annotation_clip=False,
                          arrowprops={"arrowstyle": "-", "color": "0.25", "lw": 0.5, "shrinkA": 0, "shrinkB": 0},
                          path_effects=[patheffects.withStroke(linewidth=2.2, foreground="white")])
        best = (math.inf, None)
        for ring in RINGS:
            for angle in DIRECTIONS:
                ha, va = _align(angle)
                ann.xyann = (ring * math.cos(math.radians(angle)), ring * math.sin(math.radians(angle)))
                ann.set_horizontalalignment(ha)
                ann.set_verticalalignment(va)
                box = text_box(ann, renderer, pad)
                cost = _cost(box, anchors[i], ring, frame, placed, marks, centres)
                if cost < best[0]:
                    best = (cost, (ann.xyann, ha, va, box))
        xyann, ha, va, box = best[1]
        ann.xyann = xyann
        ann.set_horizontalalignment(ha)
        ann.set_verticalalignment(va)
        placed.append(box)
        out.append(ann)
        ax.plot([x], [y], marker="o", ms=2.2, color="0.1", zorder=3)
    return out


def label_boxes(fig) -> list[Bbox]:
    """The text boxes of every commune label of ``fig`` (for checks)."""
    renderer = fig.canvas.get_renderer()
    return [text_box(t, renderer) for ax in fig.axes for t in ax.texts
            if str(t.get_gid()).startswith(LABEL_GID)]
