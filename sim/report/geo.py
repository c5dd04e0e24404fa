"""Where the communes are: their 2025 boundaries, and the weights that put any unit's numbers on them.

The maps draw the 126 communes in force from 01/7/2025 (``sim/data/communes_2025_boundaries.geojson``,
keyed by the 5-digit GSO code = ``unit_code`` of ``communes_2tier.csv``). A two-tier run's communes are
those units. A three-tier run's units (526 pre-reform communes and 30 districts) are put on them by
population shares from ``commune_transition.csv``: a pre-reform commune gives each of its successors the
share of its people that went there; a district gives each current commune the share of the district's
simulated people that now live there. Sums (backlog, hours, officers, counts) are apportioned; rates are
taken afterwards, from the apportioned sums.

Geometry is handled with shapely (one small wheel, numpy only) and drawn with matplotlib; geopandas would
add pyproj and a GDAL reader for a file this small and a drawing this simple.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
BOUNDARIES = DATA_DIR / "communes_2025_boundaries.geojson"
DISTRICT_PREFIX = "D"  # three-tier district units are "D" + 3-digit district code (sim/world.py)


class MapError(Exception):
    """The maps cannot be drawn (one line: missing dependency, unreadable or incomplete boundaries)."""


def require_shapely():
    try:
        import shapely
    except ImportError:
        raise MapError("shapely is not installed (pip install shapely, or reinstall govsim)") from None
    return shapely


@dataclass
class Boundaries:
    """The commune polygons: ``frame`` has one row per commune (code, name, geometry, label point)."""

    frame: pd.DataFrame  # index code; columns name, geometry, x, y (a point inside the polygon)
    source: Path

    @property
    def codes(self) -> list[str]:
        return list(self.frame.index)

    def bounds(self) -> tuple[float, float, float, float]:
        b = np.array([g.bounds for g in self.frame["geometry"]])
        return float(b[:, 0].min()), float(b[:, 1].min()), float(b[:, 2].max()), float(b[:, 3].max())

    def aspect(self) -> float:
        """Axes aspect for lon/lat: a degree of longitude is cos(latitude) of a degree of latitude."""
        _, y0, _, y1 = self.bounds()
        return 1.0 / math.cos(math.radians((y0 + y1) / 2))

    def check_covers(self, codes, names: dict | None = None) -> None:
        """Raise MapError naming the first commune of ``codes`` without a boundary."""
        missing = sorted(set(codes) - set(self.frame.index))
        if missing:
            first = missing[0]
            name = f" ({names[first]})" if names and names.get(first) else ""
            more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
            raise MapError(f"commune {first}{name}{more} has no boundary in {self.source.name}")


def load_boundaries(path=None) -> Boundaries:
    """Read the GeoJSON; MapError (one line) when it is unreadable, has a duplicate code or a bad geometry."""
    shapely = require_shapely()
    from shapely.geometry import shape

    path = Path(path) if path is not None else BOUNDARIES
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        features = data["features"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise MapError(f"boundaries {path.name} unreadable ({type(exc).__name__}: {str(exc)[:80]})") from None
    rows = []
    for i, f in enumerate(features):
        props = f.get("properties") or {}
        code = str(props.get("code", "")).zfill(5)
        try:
            geom = shape(f["geometry"])
        except Exception as exc:  # noqa: BLE001 - any malformed geometry is one line
            raise MapError(f"boundaries {path.name}: feature {i} ({code}) has no valid geometry ({exc})") from None
        if geom.geom_type not in ("Polygon", "MultiPolygon") or geom.is_empty:
            raise MapError(f"boundaries {path.name}: feature {i} ({code}) is a {geom.geom_type}, not a polygon")
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        rows.append((code, props.get("name", code), geom))
    frame = pd.DataFrame(rows, columns=["code", "name", "geometry"])
    dup = frame.loc[frame["code"].duplicated(), "code"]
    if not dup.empty:
        raise MapError(f"boundaries {path.name}: commune {dup.iloc[0]} has more than one feature")
    # a point inside each polygon for its label (the centroid can fall outside a crescent-shaped commune)
    points = [g.representative_point() for g in frame["geometry"]]
    frame["x"], frame["y"] = [p.x for p in points], [p.y for p in points]
    return Boundaries(frame.set_index("code").sort_index(), path)


def _tables():
    from sim.world import load_tables  # the geography tables the simulator reads

    return load_tables()


def current_communes() -> pd.DataFrame:
    """The 126 current communes: unit_code (index), name, population."""
    return _tables()["communes_2tier"].set_index("unit_code")[["name", "population"]]


def apportion_weights(tier: str, units, tables=None) -> pd.DataFrame:
    """Weights (unit, code, weight) that put the numbers of ``units`` (codes of one run's communes and
    districts) on the current communes. Two-tier communes map 1:1. Three-tier communes split by the share
    of their people that went to each successor; districts by the share of their simulated communes'
    people that now live in each current commune. Units that are neither map nowhere (departments)."""
    units = pd.Index(pd.unique(pd.Series(list(units), dtype=str)))
    tables = tables or _tables()
    current = set(tables["communes_2tier"]["unit_code"])
    if tier != "three_tier":
        keep = units[units.isin(current)]
        return pd.DataFrame({"unit": keep, "code": keep, "weight": 1.0})
    trans = tables["commune_transition"].rename(columns={"old_code": "unit", "new_code": "code"})
    old = tables["communes_3tier"].set_index("unit_code")
    pieces = trans[trans["unit"].isin(units)].copy()
    total = pieces.groupby("unit")["population"].transform("sum")
    pieces["weight"] = (pieces["population"] / total.where(total > 0)).fillna(0.0)
    out = [pieces[["unit", "code", "weight"]]]
    districts = [u for u in units if u.startswith(DISTRICT_PREFIX) and u[1:].isdigit()]
    if districts:
        pieces = pieces.assign(district=DISTRICT_PREFIX + old["district_code"].reindex(pieces["unit"]).to_numpy())
        mine = pieces[pieces["district"].isin(districts)]
        people = mine.groupby(["district", "code"], as_index=False)["population"].sum()
        people["weight"] = people["population"] / people.groupby("district")["population"].transform("sum")
        out.append(people.rename(columns={"district": "unit"})[["unit", "code", "weight"]])
    w = pd.concat(out, ignore_index=True)
    return w[w["weight"] > 0].reset_index(drop=True)


def apportion(values: pd.DataFrame, weights: pd.DataFrame, sums, by=()) -> pd.DataFrame:
    """Sum the columns ``sums`` of ``values`` (one row per unit, plus the ``by`` columns) onto the current
    communes with ``weights`` (from :func:`apportion_weights`); one row per (``by``, code)."""
    by = list(by)
    merged = values.merge(weights, on="unit", how="inner")
    for c in sums:
        merged[c] = merged[c] * merged["weight"]
    return merged.groupby(by + ["code"], as_index=False)[list(sums)].sum()
