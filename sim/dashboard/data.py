"""The dashboard's data: the catalog of a sweep or run folder, a comparison over a selection, communes.

The catalog is govsim-report's: the same ``load_runs`` (broken run folders skipped and named), the same
runs table and DuckDB views (``sim.report.catalog``), kept on disk as ``DIR/report/catalog.duckdb`` (written
when missing or out of date). Loading never raises: what went wrong is ``Catalog.error`` (nothing to show)
or ``Catalog.notes`` (one line each). Nothing here imports Solara.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from sim.report.catalog import SUMMARY, Problem, connect, load_runs, summary_metrics, write_catalog
from sim.report.stats import choose_baseline, compare, design_order

log = logging.getLogger("sim.dashboard")

FORM_RUNS = "dashboard-runs"  # where runs started from the dashboard's form are written, inside DIR
REPORT = "report"
# Columns offered as filters on the Compare page when the catalog has them (label, column). Lever and
# staffing-rule columns come from newer simulators; config keys that split a design into variants
# (cfg_* columns) are offered too.
FACETS = (("Tier", "tier"), ("Quota", "quota"), ("Lever", "lever"), ("Levers", "levers"),
          ("Staffing rule", "staffing_rule"), ("Staffing rule", "staff_rule"),
          ("District staffing rule", "district_staff_rule"))


def fold(text) -> str:
    """Text for searching: no diacritics (đ -> d), case-folded; "ha dong" matches "Hà Đông"."""
    t = unicodedata.normalize("NFD", str(text)).replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in t if not unicodedata.combining(c)).casefold().split())


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:160]}" if text else type(exc).__name__


@dataclass
class Catalog:
    root: Path
    runs: pd.DataFrame = field(default_factory=pd.DataFrame)  # design = the variant compared
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None
    db_path: Path | None = None
    version: int = 0

    def __post_init__(self):
        self.root = Path(self.root)
        self._lock = threading.Lock()
        self._cache: dict = {}

    @property
    def form_dir(self) -> Path:
        return self.root / FORM_RUNS

    @property
    def metrics(self) -> list[str]:
        return summary_metrics(self.runs) if not self.runs.empty else []

    # ---------------------------------------------------------------- loading
    def reload(self) -> "Catalog":
        """Rescan the folder (after a run finished); never raises."""
        with self._lock:
            self._cache.clear()
            self.version += 1
            try:
                self._load()
            except Exception as exc:  # a broken folder must show a message, never a traceback
                log.debug("catalog load failed", exc_info=True)
                self.runs, self.error = pd.DataFrame(), f"cannot read the runs under {self.root}: {_one_line(exc)}"
        return self

    def _load(self) -> None:
        self.notes, self.error = [], None
        if not self.root.is_dir():
            self.runs, self.problems = pd.DataFrame(), []
            self.error = f"no such folder: {self.root}"
            return
        # DIR may be one run: its subfolders are not walked, so the form's runs are named explicitly
        also = (self.form_dir,) if (self.root / SUMMARY).exists() and self.form_dir.is_dir() else ()
        runs, problems = load_runs(self.root, exclude=(self.root / REPORT,), progress=False, also=also)
        self.problems = problems
        if runs.empty:
            self.runs = runs
            self.error = (f"no finished runs under {self.root}: no folder holds a readable summary.json"
                          + (f" ({len(problems)} folder(s) skipped, listed below)" if problems else "")
                          + ". Start one with govsim (see the README) or the Run a scenario page.")
            return
        self.runs = runs.assign(design_only=runs["design"], design=runs["variant"])
        self._sync_catalog(runs)

    def _sync_catalog(self, runs: pd.DataFrame) -> None:
        """Keep DIR/report/catalog.duckdb the catalog of these runs (govsim-report writes the same file)."""
        path = self.root / REPORT / "catalog.duckdb"
        state = "missing"
        if path.exists():
            try:
                con = duckdb.connect(str(path), read_only=True)
                try:
                    have = set(con.execute("SELECT run_dir FROM runs").df()["run_dir"])
                finally:
                    con.close()
                state = "fresh" if have == set(runs["run_dir"]) else "stale"
            except Exception as exc:
                state = f"unreadable ({_one_line(exc)})"
        if state == "fresh":
            self.db_path = path
            return
        try:
            self.db_path = write_catalog(self.root, path.parent, runs=runs)
        except Exception as exc:
            self.db_path = None
            self.notes.append(f"catalog {path} is {state} and could not be written ({_one_line(exc)}); "
                              "the dashboard uses a catalog in memory")
            return
        if state == "missing":
            self.notes.append(f"no catalog in {path.parent}: catalogued the {len(runs)} run folder(s) into "
                              f"{path.name}")
        elif state == "stale":
            self.notes.append(f"{path.name} was out of date: refreshed with the {len(runs)} run folder(s) found")
        else:
            self.notes.append(f"{path.name} was {state}: rebuilt from the run folders")

    # ---------------------------------------------------------------- selection
    def facets(self) -> list[tuple[str, str, list]]:
        """(label, column, values) of every filter the runs allow: tier, quota, levers, staffing rules and
        config keys that vary within a design. Absent columns are simply not offered."""
        out, seen = [], set()
        cols = [(lab, col) for lab, col in FACETS] + [
            (c[4:].replace("_", " "), c) for c in self.runs.columns if c.startswith("cfg_")]
        for lab, col in cols:
            if col in seen or col not in self.runs or self.runs[col].isna().all():
                continue
            seen.add(col)
            values = sorted({str(v) for v in self.runs[col].dropna()}, key=_natural_key)
            out.append((lab, col, values))
        return out

    def filtered(self, filters: dict[str, list]) -> pd.DataFrame:
        runs = self.runs
        for col, values in (filters or {}).items():
            if col in runs and values:
                runs = runs[runs[col].astype(str).isin([str(v) for v in values])]
        return runs

    def designs(self, filters: dict | None = None) -> list[str]:
        return design_order(self.filtered(filters or {})["design"]) if not self.runs.empty else []

    def selection(self, designs) -> pd.DataFrame:
        return self.runs[self.runs["design"].isin(list(designs))]

    def comparison(self, designs, baseline: str | None = None) -> pd.DataFrame:
        """govsim-report's comparison (means with 95% CIs over seeds, paired differences) of ``designs``."""
        sel = self.selection(designs)
        metrics = summary_metrics(sel)
        base = choose_baseline(sel["design"], baseline if baseline in set(sel["design"]) else None)
        return compare(sel, base, metrics)

    # ---------------------------------------------------------------- communes
    def _cached(self, key, fn):
        key = (self.version, *key)
        if key not in self._cache:
            self._cache[key] = fn()
        return self._cache[key]

    def communes(self, design: str) -> pd.DataFrame:
        """One row per commune of ``design``'s runs: code, name, population, area, officers (full-scale
        quota), mean daily backlog (full scale), on-time rate of its dossiers, utilisation; means over seeds."""
        return self._cached(("communes", design), lambda: _communes(self.selection([design])))

    def commune_daily(self, unit: str, designs) -> pd.DataFrame:
        """Daily backlog of ``unit`` by field (full scale, mean over seeds) under each design that has it."""
        designs = tuple(designs)
        return self._cached(("daily", unit, designs), lambda: _commune_daily(self.selection(designs), unit))


def _natural_key(text: str):
    return [(0, int(t)) if t.isdigit() else (1, t) for t in re.split(r"(\d+)", text)]


def _columns(con, table: str) -> set[str]:
    return set(con.execute(f"DESCRIBE {table}").df()["column_name"])


def _communes(runs: pd.DataFrame) -> pd.DataFrame:
    cols = ["unit", "name", "population", "area_km2", "officers", "backlog", "on_time_rate", "utilisation"]
    if runs.empty:
        return pd.DataFrame(columns=cols)
    con = connect(runs.assign(design=runs["design"]))
    try:
        area = "max(area_km2)::DOUBLE" if "area_km2" in _columns(con, "allocation") else "NULL::DOUBLE"
        alloc = con.execute(
            f"SELECT run_dir, unit, any_value(unit_name) AS name, max(population)::DOUBLE AS population, "
            f"{area} AS area_km2, sum(officers)::DOUBLE AS officers FROM allocation "
            "WHERE unit_kind = 'commune' GROUP BY run_dir, unit").df()
        daily = con.execute(
            "SELECT run_dir, unit, sum(backlog)::DOUBLE / count(DISTINCT day) AS backlog, "
            "sum(busy_hours) AS busy, sum(available_hours) AS avail FROM unit_daily "
            "WHERE unit_kind = 'commune' GROUP BY run_dir, unit").df()
        req = con.execute(
            "SELECT run_dir, origin_unit AS unit, count(*) FILTER (WHERE outcome IN ('early', 'on_time')) AS ok, "
            "count(*) FILTER (WHERE outcome IN ('early', 'on_time', 'late')) AS resolved FROM requests "
            "WHERE kind = 'dossier' GROUP BY run_dir, origin_unit").df()
    finally:
        con.close()
    df = alloc.merge(daily, on=["run_dir", "unit"], how="outer").merge(req, on=["run_dir", "unit"], how="left")
    df = df.merge(runs[["run_dir", "scale"]], on="run_dir")
    df["backlog"] = df["backlog"] / df["scale"]
    g = df.groupby("unit")
    out = pd.DataFrame({
        "name": g["name"].first(), "population": g["population"].first(), "area_km2": g["area_km2"].first(),
        "officers": g["officers"].mean(), "backlog": g["backlog"].mean(),
        "on_time_rate": g["ok"].sum() / g["resolved"].sum().where(g["resolved"].sum() > 0),
        "utilisation": g["busy"].sum() / g["avail"].sum().where(g["avail"].sum() > 0),
    }).reset_index()
    out["name"] = out["name"].fillna(out["unit"])
    return out[cols].sort_values("backlog", ascending=False, na_position="last").reset_index(drop=True)


def _commune_daily(runs: pd.DataFrame, unit: str) -> pd.DataFrame:
    cols = ["design", "day", "date", "field", "backlog", "name"]
    if runs.empty:
        return pd.DataFrame(columns=cols)
    con = connect(runs)
    try:
        df = con.execute(
            "SELECT run_dir, day, min(date) AS date, field, sum(backlog)::DOUBLE AS backlog, "
            "any_value(unit_name) AS name FROM unit_daily WHERE unit = ? GROUP BY run_dir, day, field",
            [unit]).df()
    finally:
        con.close()
    if df.empty:
        return pd.DataFrame(columns=cols)
    df = df.merge(runs[["run_dir", "design", "scale"]], on="run_dir")
    df["backlog"] /= df["scale"]
    out = df.groupby(["design", "day", "field"], as_index=False).agg(
        backlog=("backlog", "mean"), date=("date", "first"), name=("name", "first"))
    return out[cols].sort_values(["design", "field", "day"]).reset_index(drop=True)


_catalogs: dict[Path, Catalog] = {}
_catalogs_lock = threading.Lock()


def get_catalog(root) -> Catalog:
    """The one catalog of ``root`` in this server (loaded on first use, shared by every browser tab)."""
    root = Path(root).resolve()
    with _catalogs_lock:
        if root not in _catalogs:
            _catalogs[root] = Catalog(root).reload()
        return _catalogs[root]
