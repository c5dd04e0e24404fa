"""A saved allocation as a quota design (`quota=from_file quota.file=PATH`).

The file (CSV or Parquet) holds casework officers per commune and field: columns `commune` (or `unit`, as in
a run's allocation.parquet), `field` and `officers`. Rows with field `non_casework` give a commune's chair,
vice-chairs and military (else `officer.non_casework_per_commune`). A run's allocation.parquet works as it
is: its district and department rows (`unit_kind`) are skipped. Every commune of the tier design must be
listed, no other, and the communes' posts must add up to the budget; anything else stops with one line.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import FIELDS, ConfigError

NON_CASEWORK = "non_casework"


def read_table(path: str | Path, label: str = "quota.file") -> pd.DataFrame:
    """The file as a table of strings and numbers, or one ConfigError line."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{label} {str(path)!r} does not exist")
    try:
        if p.suffix.lower() == ".parquet":
            table = pd.read_parquet(p)
        else:
            table = pd.read_csv(p, dtype={"commune": str, "unit": str})
    except Exception as exc:  # noqa: BLE001 - pandas and pyarrow raise many kinds on a corrupt file
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise ConfigError(f"{label} {p.name}: cannot read it ({first})") from None
    if "commune" not in table.columns and "unit" in table.columns:
        table = table.rename(columns={"unit": "commune"})
    missing = [c for c in ("commune", "field", "officers") if c not in table.columns]
    if missing:
        raise ConfigError(f"{label} {p.name}: no column {missing[0]!r} (want commune, field, officers)")
    if "unit_kind" in table.columns:
        table = table[table["unit_kind"].astype(str) == "commune"]
    return table


def read_allocation(path: str | Path, codes: list[str], budget: int, non_casework: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(casework officers (n, fields), non-casework posts (n,)) in the order of `codes`; they must add up to
    `budget`."""
    casework, posts = read_posts(path, codes, non_casework)
    total = int(casework.sum() + posts.sum())
    if total != budget:
        raise ConfigError(f"quota.file {Path(path).name}: its communes have {total} posts (casework + non-casework) "
                          f"but the budget for communes is {budget} (set quota.budget to match)")
    return casework, posts


def read_posts(path: str | Path, codes: list[str], non_casework: int, label: str = "quota.file"
               ) -> tuple[np.ndarray, np.ndarray]:
    """(casework officers (n, fields), non-casework posts (n,)) in the order of `codes`, whatever their total."""
    name = Path(path).name
    table = read_table(path, label)
    commune = table["commune"].astype(str).str.strip()
    field = table["field"].astype(str).str.strip()
    officers = pd.to_numeric(table["officers"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(officers) | (officers != np.round(officers))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ConfigError(f"{label} {name}: officers must be whole numbers, got {table['officers'].iloc[i]!r} "
                          f"for {commune.iloc[i]} {field.iloc[i]}")
    if (officers < 0).any():
        i = int(np.flatnonzero(officers < 0)[0])
        raise ConfigError(f"{label} {name}: negative officers ({officers[i]:.0f}) for {commune.iloc[i]} {field.iloc[i]}")
    known_fields = set(FIELDS) | {NON_CASEWORK}
    odd = sorted(set(field) - known_fields)
    if odd:
        raise ConfigError(f"{label} {name}: unknown field {odd[0]!r}")
    index = {c: i for i, c in enumerate(codes)}
    unknown = sorted(set(commune) - set(index))
    if unknown:
        raise ConfigError(f"{label} {name}: unknown commune code {unknown[0]!r} (not a unit of this tier design)")
    absent = [c for c in codes if c not in set(commune)]
    if absent:
        raise ConfigError(f"{label} {name}: commune {absent[0]!r} is missing ({len(absent)} communes missing)")
    dup = pd.DataFrame({"c": commune, "f": field}).duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise ConfigError(f"{label} {name}: {commune.iloc[i]} {field.iloc[i]} is listed twice")

    rows = commune.map(index).to_numpy()
    casework = np.zeros((len(codes), len(FIELDS)), dtype=int)
    posts = np.full(len(codes), int(non_casework), dtype=int)
    is_nc = (field == NON_CASEWORK).to_numpy()
    posts[rows[is_nc]] = officers[is_nc].astype(int)
    cols = field[~is_nc].map({f: j for j, f in enumerate(FIELDS)}).to_numpy()
    casework[rows[~is_nc], cols] = officers[~is_nc].astype(int)
    return casework, posts
