"""Find the runs of a sweep, load their summaries, and catalog them in DuckDB.

A run folder is any folder under the sweep directory holding ``summary.json`` (docs/run_contract.md).
Broken folders are reported as :class:`Problem` (name + one-line reason) and skipped; nothing here raises
for a bad run. ``write_catalog`` writes ``catalog.duckdb`` with a ``runs`` table and ``requests``,
``unit_daily`` and ``allocation`` views over every run's parquet files, each prefixed with
``run_dir, design, tier, quota, seed, scale``.
"""

from __future__ import annotations

import fnmatch
import json
import logging
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
from tqdm import tqdm

log = logging.getLogger("sim.report")

SUMMARY = "summary.json"
CONFIG = "config.yaml"
PARQUET_TABLES = ("requests", "unit_daily", "allocation")
# The columns the report reads; a run whose parquet lacks one is skipped with the missing names.
REQUIRED_COLUMNS = {
    "requests": ("kind", "arrival_day", "deadline_day", "delay_days", "outcome"),
    "unit_daily": ("date", "day", "unit", "unit_name", "unit_kind", "field", "backlog",
                   "busy_hours", "available_hours"),
    "allocation": ("unit", "unit_name", "unit_kind", "quota_group", "population", "field", "officers"),
}
# Identifier columns of the runs table (everything else numeric from summary.json is a metric).
ID_COLUMNS = ("run_dir", "path", "design", "variant", "tier", "quota", "staffing", "policy", "seed", "scale", "days",
              "start_date", "config_hash")
# Metric order of the contract; metrics the simulator adds later are appended alphabetically.
CONTRACT_METRICS = (
    "dossiers_received", "dossiers_resolved", "resolved_early_share", "resolved_on_time_share",
    "resolved_late_share", "on_time_rate", "backlog_end", "backlog_end_overdue_share", "mean_delay_days",
    "p90_delay_days", "complaints_received", "complaints_resolved", "complaints_escalated",
    "tasks_received", "tasks_resolved", "max_commune_backlog", "officer_utilisation_mean",
    "commune_utilisation_mean", "commune_utilisation_max", "online_share", "consultations",
)
# Key config values copied into the runs table (config.yaml path -> column).
CONFIG_KEYS = {"tier.name": "config_tier", "quota.name": "config_quota", "tier.staffing": "config_staffing",
               "run.seed": "config_seed",
               "run.scale": "config_scale", "run.days": "config_days", "run.start_date": "config_start_date"}
TMP_PATTERN = "*.tmp*"


class ReportError(Exception):
    """A sweep that cannot be reported at all (missing directory, no valid run, bad option)."""


@dataclass(frozen=True)
class Problem:
    run: str  # run folder relative to the sweep directory
    reason: str  # one line
    skipped: bool = True  # False: run kept, only flagged

    def __str__(self) -> str:
        return f"{'skipped' if self.skipped else 'note'}: {self.run}: {self.reason}"


def _rel(path: Path, root: Path) -> str:
    rel = path.relative_to(root).as_posix()
    return rel if rel else "."


def find_run_dirs(root: Path, exclude: tuple[Path, ...] = ()) -> tuple[list[Path], list[Problem]]:
    """Run folders under ``root`` (sorted) and problems found while walking (tmp/partial folders)."""
    runs: list[Path] = []
    problems: list[Problem] = []
    excluded = {p.resolve() for p in exclude}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            sub = here / d
            if d.startswith(".") or d == "__pycache__" or sub.resolve() in excluded:
                continue  # .hydra/, caches, the report output itself
            if fnmatch.fnmatch(d, TMP_PATTERN):
                problems.append(Problem(_rel(sub, root), "temporary folder (unfinished or interrupted write)"))
                continue
            keep.append(d)
        dirnames[:] = keep
        if SUMMARY in filenames:
            runs.append(here)
            dirnames[:] = []  # a run's subfolders are not runs
        elif CONFIG in filenames:
            problems.append(Problem(_rel(here, root), "config.yaml but no summary.json (unfinished run?)"))
    return runs, problems


def _flatten(obj, prefix: str = "") -> dict:
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(_flatten(v, f"{prefix}{k}."))
    else:  # lists (overrides, commune lists, catalogues) compare as one value
        out[prefix[:-1]] = json.dumps(obj, default=str) if isinstance(obj, list) else obj
    return out


def read_config(run: Path) -> dict:
    """The run's resolved config, flattened to dotted keys (falls back to Hydra's .hydra/config.yaml)."""
    from omegaconf import OmegaConf

    for path in (run / CONFIG, run / ".hydra" / CONFIG):
        if path.exists():
            cfg = OmegaConf.to_container(OmegaConf.load(path), resolve=False)
            if not isinstance(cfg, dict):
                raise ValueError(f"{path.name} is not a mapping")
            return _flatten(cfg)
    raise FileNotFoundError("no config.yaml")


def _check_parquet(run: Path) -> str | None:
    """None when every parquet file is readable with the needed columns, else a one-line reason."""
    for table in PARQUET_TABLES:
        path = run / f"{table}.parquet"
        if not path.exists():
            return f"missing {path.name}"
        try:
            names = set(pq.read_schema(path).names)
        except Exception as exc:  # truncated or not parquet at all
            return f"corrupt {path.name} ({type(exc).__name__}: {str(exc).splitlines()[0][:80]})"
        missing = [c for c in REQUIRED_COLUMNS[table] if c not in names]
        if missing:
            return f"{path.name} lacks column(s) {', '.join(missing)}"
    return None


def load_run(run: Path, root: Path) -> tuple[dict | None, list[Problem]]:
    """One run's row for the runs table, or None (and the reason) when it must be skipped."""
    name = _rel(run, root)
    try:
        summary = json.loads((run / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, [Problem(name, f"unreadable summary.json ({type(exc).__name__}: {str(exc)[:80]})")]
    if not isinstance(summary, dict):
        return None, [Problem(name, "summary.json is not a JSON object")]
    if "design" not in summary and {"tier", "quota"} <= summary.keys():
        summary["design"] = f"{summary['tier']}/{summary['quota']}"
    if not isinstance(summary.get("design"), str) or "/" not in summary["design"]:
        return None, [Problem(name, "summary.json has no design (tier/quota)")]
    summary.setdefault("tier", summary["design"].split("/")[0])
    summary.setdefault("quota", summary["design"].split("/")[1])
    timeline = summary.get("timeline", "steady")
    if isinstance(timeline, str) and timeline != "steady":
        # the reform inside the run: three tiers as staffed, then the quota rule from the switch
        summary["design"] = f"{timeline}/{summary['quota']}"
    elif summary.get("staffing") == "historical":
        # staffed as it was: the posts come from the decrees, not from the quota rule (docs/run_contract.md)
        summary["design"] = f"{summary['tier']}/historical"
    policy = summary.get("policy", "none")
    if isinstance(policy, str) and policy != "none":  # policy levers (conf/policy/): a design of their own
        summary["design"] = f"{summary['design']} + {policy}"
    scale = summary.get("scale", 1.0)
    if not isinstance(scale, (int, float)) or isinstance(scale, bool) or not scale > 0:
        return None, [Problem(name, f"summary.json scale must be a positive number, got {scale!r}")]
    reason = _check_parquet(run)
    if reason:
        return None, [Problem(name, reason)]
    row = {"run_dir": name, "path": run.resolve().as_posix()}
    row.update({k: v for k, v in summary.items() if not isinstance(v, (dict, list))})
    problems: list[Problem] = []
    try:
        cfg = read_config(run)
    except Exception as exc:
        problems.append(Problem(name, f"config.yaml unreadable, config columns left empty "
                                      f"({type(exc).__name__}: {str(exc).splitlines()[0][:60] if str(exc) else ''})",
                                skipped=False))
        cfg = {}
    for key, col in CONFIG_KEYS.items():
        row[col] = cfg.get(key)
    row.setdefault("seed", cfg.get("run.seed"))
    row["_config"] = cfg
    return row, problems


def _variant_keys(rows: list[dict]) -> dict[str, list[str]]:
    """Per design, the config keys (besides seed) whose value differs between its runs: a sweep over
    e.g. ``quota.budget`` must not pool different budgets under one design. Paths are ignored."""
    out: dict[str, list[str]] = {}
    for design in sorted({r["design"] for r in rows}):
        mine = [r["_config"] for r in rows if r["design"] == design]
        keys = sorted(set().union(*(c.keys() for c in mine)))
        out[design] = [k for k in keys if k != "run.seed" and not k.startswith("hydra.")
                       and not k.rsplit(".", 1)[-1].endswith(("dir", "path", "file"))
                       and len({json.dumps(c.get(k), default=str) for c in mine}) > 1]
    return out


def _same(a, b) -> bool:
    try:
        return math.isclose(float(a), float(b))
    except (TypeError, ValueError):
        return str(a) == str(b)


def load_runs(sweep_dir, exclude=(), progress: bool | None = None, also=()) -> tuple[pd.DataFrame, list[Problem]]:
    """All valid runs under ``sweep_dir`` as a DataFrame (one row per run), plus the problems found.

    Columns: ``run_dir`` (relative to the sweep dir), ``path`` (absolute), every scalar of summary.json,
    ``config_tier`` ... ``config_start_date``, ``cfg_<key>`` for config keys that vary between runs of
    one design (besides the seed) and ``variant``: the design, plus those keys' values when there are any
    (``two_tier/uniform [quota.budget=8326]``); the report compares variants. ``progress``: tqdm bar
    (None = only when there are 20+ runs). ``also``: folders under ``sweep_dir`` to search as well, for
    run folders inside a run folder (which the walk does not enter), e.g. the dashboard's runs.
    """
    root = Path(sweep_dir)
    if not root.is_dir():
        raise ReportError(f"no such directory: {root}")
    run_dirs, problems = find_run_dirs(root, tuple(Path(p) for p in exclude))
    for extra in map(Path, also):
        more, found = find_run_dirs(extra, tuple(Path(p) for p in exclude))
        run_dirs += [d for d in more if d not in run_dirs]
        problems += [Problem(_rel(extra / p.run, root), p.reason, p.skipped) for p in found]
    rows = []
    show = len(run_dirs) >= 20 if progress is None else progress
    for run in tqdm(run_dirs, desc="loading runs", unit="run", disable=not show, leave=False):
        row, probs = load_run(run, root)
        problems.extend(probs)
        if row is not None:
            rows.append(row)
    if not rows:
        return pd.DataFrame(columns=list(ID_COLUMNS)), problems
    by_design = _variant_keys(rows)
    varying = sorted(set().union(*by_design.values()))
    for r in rows:
        cfg = r.pop("_config")
        for k in varying:
            r["cfg_" + k.replace(".", "_")] = cfg.get(k)
        keys = by_design[r["design"]]
        r["variant"] = r["design"] + (" [" + ", ".join(f"{k}={cfg.get(k)}" for k in keys) + "]" if keys else "")
        for key, col in CONFIG_KEYS.items():
            field = key.split(".")[0] if key.endswith(".name") else key.split(".")[1]
            if r.get(col) is not None and field in r and not _same(r[col], r[field]):
                problems.append(Problem(r["run_dir"], f"config {key}={r[col]!r} but summary "
                                                      f"{field}={r[field]!r} (summary used)", skipped=False))
    runs = pd.DataFrame(rows)
    dup = runs[runs.duplicated(["variant", "seed"], keep=False)]
    for (variant, seed), g in dup.groupby(["variant", "seed"]):
        problems.append(Problem(", ".join(g["run_dir"]), f"same design {variant} and seed {seed}; "
                                "statistics average them", skipped=False))
    runs = runs.sort_values(["design", "seed", "run_dir"])
    runs = runs.reset_index(drop=True)
    if "scale" not in runs:
        runs["scale"] = 1.0
    runs["scale"] = pd.to_numeric(runs["scale"], errors="coerce").fillna(1.0)
    if varying:
        log.info("config keys that vary within a design (runs split into variants): %s", ", ".join(varying))
    return runs, problems


def variant_keys(runs: pd.DataFrame) -> list[str]:
    """The config keys (dotted) that split designs into variants, read back from the ``variant`` column."""
    found = re.findall(r"(?:\[|, )([\w.]+)=", " ".join(runs.get("variant", pd.Series(dtype=str)).dropna()))
    return sorted(set(found))


def summary_metrics(runs: pd.DataFrame) -> list[str]:
    """Numeric summary metrics of the runs table, in contract order (booleans and identifiers excluded)."""
    cols = []
    for c in runs.columns:
        if c in ID_COLUMNS or c.startswith(("config_", "cfg_")):
            continue
        s = runs[c]
        if pd.api.types.is_bool_dtype(s) or not pd.api.types.is_numeric_dtype(s):
            continue
        cols.append(c)
    order = {m: i for i, m in enumerate(CONTRACT_METRICS)}
    return sorted(cols, key=lambda c: (order.get(c, len(order)), c))


def _sql_list(paths) -> str:
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def register_runs(con: duckdb.DuckDBPyConnection, runs: pd.DataFrame, views: bool = True) -> None:
    """Create the ``runs`` table and the ``requests``/``unit_daily``/``allocation`` views in ``con``."""
    table = runs.copy()
    for c in table.columns:  # mixed-type object columns (e.g. a config key) are stored as text
        if table[c].dtype == object and table[c].map(type).nunique() > 1:
            table[c] = table[c].map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                                    else str(v))
    con.register("_runs_df", table)
    con.execute("CREATE OR REPLACE TABLE runs AS SELECT * FROM _runs_df")
    con.unregister("_runs_df")
    files = pd.DataFrame({"run_dir": runs["run_dir"]})
    for t in PARQUET_TABLES:
        files[f"{t}_file"] = [f"{p}/{t}.parquet" for p in runs["path"]]
    con.register("_files_df", files)
    con.execute("CREATE OR REPLACE TABLE run_files AS SELECT * FROM _files_df")
    con.unregister("_files_df")
    if not views or runs.empty:
        return
    for t in PARQUET_TABLES:
        con.execute(f"""
            CREATE OR REPLACE VIEW {t} AS
            SELECT r.run_dir, r.design, r.tier, r.quota, r.seed, r.scale, p.* EXCLUDE (filename)
            FROM read_parquet({_sql_list(files[f'{t}_file'])}, union_by_name = true, filename = true) p
            JOIN run_files f ON p.filename = f.{t}_file
            JOIN runs r ON r.run_dir = f.run_dir""")


def connect(runs: pd.DataFrame, database: str = ":memory:") -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(database)
    register_runs(con, runs)
    return con


def write_catalog(sweep_dir, out=None, runs: pd.DataFrame | None = None) -> Path:
    """Write ``catalog.duckdb`` into ``out`` (default: ``sweep_dir/report``) and return its path.

    Query it from Python with ``duckdb.connect(path, read_only=True).sql("SELECT ...").df()``. The views
    point at the parquet files by absolute path: re-run after moving the sweep.
    """
    root = Path(sweep_dir)
    out = Path(out) if out is not None else root / "report"
    if runs is None:
        runs, problems = load_runs(root, exclude=(out,))
        for p in problems:
            log.warning("%s", p)
    if runs.empty:
        raise ReportError(f"no valid runs under {root}")
    out.mkdir(parents=True, exist_ok=True)
    path = out / "catalog.duckdb"
    tmp = out / "catalog.duckdb.partial"
    for p in (tmp, Path(f"{tmp}.wal")):
        p.unlink(missing_ok=True)
    con = duckdb.connect()
    try:
        quoted = str(tmp).replace("'", "''")
        try:  # the oldest storage format that holds it, so DuckDB 1.x clients can open the catalog too
            con.execute(f"ATTACH '{quoted}' AS catalog (STORAGE_VERSION 'v1.0.0')")
        except duckdb.Error:
            con.execute(f"ATTACH '{quoted}' AS catalog")
        con.execute("USE catalog")
        register_runs(con, runs)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, path)
    return path


def open_catalog(path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a written catalog, e.g. ``open_catalog(p).sql('FROM runs').df()``."""
    return duckdb.connect(str(path), read_only=True)
