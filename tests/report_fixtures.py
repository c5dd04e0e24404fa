"""Small synthetic sweeps that follow docs/run_contract.md, for the report tests.

``write_sweep(root)`` writes 2 tiers x 2 quotas x 3 seeds of run folders (Hydra-like ``<n>/`` job dirs
with a ``.hydra/`` folder) holding config.yaml, summary.json and the three parquet files. The numbers are
made up but believable: two-tier communes carry the former district work, area-grouped quotas give large
communes more officers, and the same seed shares its random draws across designs (common random numbers).
"""

from __future__ import annotations

import datetime as dt
import json
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TIERS = ("three_tier", "two_tier")
QUOTAS = ("uniform", "area_grouped")
SEEDS = (0, 1, 2)
FIELDS = ("land_construction", "justice_civil_status", "culture_society", "finance", "office_statistics",
          "economy")
START = dt.date(2025, 7, 1)
# code, name, population, area_km2, district
COMMUNES = [
    ("00004", "Phường Hoàn Kiếm", 98_000, 2.1, "D001"),
    ("00008", "Phường Cửa Nam", 61_000, 1.8, "D001"),
    ("09955", "Xã Bát Tràng", 36_000, 16.4, "D002"),
    ("10003", "Xã Ba Vì", 24_000, 72.0, "D002"),
    ("10030", "Xã Minh Châu", 9_500, 11.2, "D002"),
]
DISTRICTS = [("D001", "Quận Hoàn Kiếm"), ("D002", "Huyện Gia Lâm")]
DEPARTMENTS = [("dept:justice", "Sở Tư pháp"), ("dept:construction", "Sở Xây dựng")]
PROCEDURES = [("birth_registration", "justice_civil_status", 1), ("land_use_certificate", "land_construction", 15),
              ("building_permit", "land_construction", 10), ("business_registration", "economy", 3),
              ("social_allowance", "culture_society", 7), ("budget_settlement", "finance", 5),
              ("certified_copy", "office_statistics", 1)]


def _group(pop: int) -> str:
    return "I" if pop >= 50_000 else "II" if pop >= 20_000 else "III"


def _dates(days: int) -> list[dt.date]:
    out, d = [], START
    while len(out) < days:
        if d.weekday() < 5:
            out.append(d)
        d += dt.timedelta(days=1)
    return out


def _allocation(tier: str, quota: str) -> pd.DataFrame:
    rows = []
    for code, name, pop, area, _ in COMMUNES:
        group = "uniform" if quota == "uniform" else _group(pop)
        for f in FIELDS:
            per_field = 3 if quota == "uniform" else {"I": 5, "II": 3, "III": 2}[group]
            rows.append((code, name, "commune", group, pop, area, f, per_field + (f == "land_construction")))
    if tier == "three_tier":
        for code, name in DISTRICTS:
            pop = sum(c[2] for c in COMMUNES if c[4] == code)
            rows += [(code, name, "district", "district", pop, 0.0, f, 4) for f in FIELDS]
    rows += [(code, name, "department", "department", 0, 0.0, f, 10) for code, name in DEPARTMENTS for f in FIELDS]
    df = pd.DataFrame(rows, columns=["unit", "unit_name", "unit_kind", "quota_group", "population", "area_km2",
                                     "field", "officers"])
    return df.astype({"population": "int64", "area_km2": "float64", "officers": "int32"})


def _load(tier: str, quota: str, pop: int) -> float:
    """How stretched a commune of this population is under the design (1 = just enough staff)."""
    load = 0.55 + pop / 120_000 + (0.25 if tier == "two_tier" else 0.0)
    if quota == "area_grouped":
        load *= {"I": 0.7, "II": 1.0, "III": 1.25}[_group(pop)]
    return load


def _requests(tier, quota, seed, scale, days, rng_crn) -> pd.DataFrame:
    rows = []
    for code, _, pop, _, district in COMMUNES:
        n = int(pop * scale / 120 * days / 10)
        load = _load(tier, quota, pop)
        for _ in range(n):
            proc, field, allowed = PROCEDURES[rng_crn.integers(len(PROCEDURES))]
            kind = "dossier" if rng_crn.random() < 0.9 else ("complaint" if rng_crn.random() < 0.6 else "task")
            arrival = int(rng_crn.integers(days))
            base = rng_crn.gamma(2.0, 0.45 * allowed)  # the same draw under every design (CRN)
            delay = round(base * load, 1)
            completion = arrival + int(np.ceil(delay))
            final = code
            esc = 0
            if kind == "complaint" and rng_crn.random() < 0.15 * load:
                esc, final = 1, (district if tier == "three_tier" else "dept:justice")
            deadline = arrival + allowed
            done = completion < days
            outcome = ("open" if not done else "early" if completion < deadline
                       else "on_time" if completion == deadline else "late")
            rows.append(dict(kind=kind, type=proc, field=field, channel="online" if rng_crn.random() < 0.4
                             else "in_person" if kind != "task" else "internal", origin_unit=code,
                             final_unit=final, unit_path=code if final == code else f"{code}>{final}",
                             arrival_day=arrival, deadline_day=deadline, completion_day=completion if done else None,
                             delay_days=float(delay) if done else None, outcome=outcome,
                             consultations=int(rng_crn.random() < 0.05), escalations=esc))
    df = pd.DataFrame(rows)
    df.insert(0, "request_id", np.arange(len(df), dtype="int64"))
    dates = _dates(days + 40)
    df["arrival_date"] = [dates[d] for d in df["arrival_day"]]
    df["deadline_date"] = [dates[d] for d in df["deadline_day"]]
    df["completion_date"] = [dates[int(d)] if d == d and d is not None else None for d in df["completion_day"]]
    return df


def _unit_daily(tier, quota, scale, days, alloc, rng_crn) -> pd.DataFrame:
    rows = []
    dates = _dates(days)
    for u in alloc.itertuples():
        officers = max(1, round(u.officers * scale))
        load = _load(tier, quota, u.population) if u.unit_kind == "commune" else 0.6
        backlog = 0.0
        for day, date in enumerate(dates):
            noise = rng_crn.normal(1.0, 0.1)
            arrivals = int(rng_crn.poisson(2.0 * load * officers))
            completions = int(min(arrivals + backlog, rng_crn.poisson(2.0 * officers * 1.05)))
            backlog = max(0.0, backlog + arrivals - completions)
            available = officers * 8.0
            busy = available * float(np.clip(load * 0.85 * noise, 0.05, 1.0))
            rows.append((date, day, u.unit, u.unit_name, u.unit_kind, u.field, officers, arrivals, completions,
                         int(backlog), int(backlog * 0.3 * load), busy, available, busy / available))
    df = pd.DataFrame(rows, columns=["date", "day", "unit", "unit_name", "unit_kind", "field", "officers",
                                     "arrivals", "completions", "backlog", "overdue_backlog", "busy_hours",
                                     "available_hours", "utilisation"])
    return df.astype({c: "int32" for c in ["day", "officers", "arrivals", "completions", "backlog",
                                           "overdue_backlog"]})


REQ_SCHEMA = pa.schema([
    ("request_id", pa.int64()), ("kind", pa.string()), ("type", pa.string()), ("field", pa.string()),
    ("channel", pa.string()), ("origin_unit", pa.string()), ("final_unit", pa.string()),
    ("unit_path", pa.string()), ("arrival_day", pa.int32()), ("deadline_day", pa.int32()),
    ("completion_day", pa.int32()), ("arrival_date", pa.date32()), ("deadline_date", pa.date32()),
    ("completion_date", pa.date32()), ("delay_days", pa.float64()), ("outcome", pa.string()),
    ("consultations", pa.int8()), ("escalations", pa.int8()),
])


def _summary(tier, quota, seed, scale, days, req, ud) -> dict:
    dos = req[req["kind"] == "dossier"]
    res = dos[dos["outcome"] != "open"]
    comp = req[req["kind"] == "complaint"]
    tasks = req[req["kind"] == "task"]
    last = ud[ud["day"] == ud["day"].max()]
    com = ud[ud["unit_kind"] == "commune"]
    by_commune = com.groupby("unit")["backlog"].mean()
    cutil = com.groupby("unit")[["busy_hours", "available_hours"]].sum()
    cutil = cutil["busy_hours"] / cutil["available_hours"]
    share = lambda o: float((res["outcome"] == o).mean())  # noqa: E731
    cfg_hash = f"{zlib.crc32(f'{tier}{quota}{seed}'.encode()):08x}"
    return {
        "tier": tier, "quota": quota, "seed": seed, "scale": scale, "days": days, "start_date": START.isoformat(),
        "design": f"{tier}/{quota}", "config_hash": cfg_hash, "reported_at_full_scale": True,
        "dossiers_received": len(dos) / scale, "dossiers_resolved": len(res) / scale,
        "resolved_early_share": share("early"), "resolved_on_time_share": share("on_time"),
        "resolved_late_share": share("late"), "on_time_rate": share("early") + share("on_time"),
        "backlog_end": float(last["backlog"].sum()) / scale,
        "backlog_end_overdue_share": float(last["overdue_backlog"].sum() / max(1, last["backlog"].sum())),
        "mean_delay_days": float(res["delay_days"].mean()), "p90_delay_days": float(res["delay_days"].quantile(0.9)),
        "complaints_received": len(comp) / scale, "complaints_resolved": (comp["outcome"] != "open").sum() / scale,
        "complaints_escalated": float(comp["escalations"].sum()) / scale,
        "tasks_received": len(tasks) / scale, "tasks_resolved": (tasks["outcome"] != "open").sum() / scale,
        "max_commune_backlog": float(by_commune.max()) / scale, "max_commune_backlog_unit": str(by_commune.idxmax()),
        "officer_utilisation_mean": float(ud["busy_hours"].sum() / ud["available_hours"].sum()),
        "commune_utilisation_mean": float(cutil.mean()), "commune_utilisation_max": float(cutil.max()),
        "online_share": float((dos["channel"] == "online").mean()), "consultations": float(req["consultations"].sum()) / scale,
    }


def write_run(run_dir: Path, tier: str, quota: str, seed: int, scale: float = 0.1, days: int = 10,
              budget: int | None = None) -> Path:
    """One contract-conformant run folder (the sim writes atomically; so do we, via a .tmp sibling)."""
    run_dir = Path(run_dir)
    tmp = run_dir.with_name(run_dir.name + ".tmp")
    (tmp / ".hydra").mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1000 + seed)  # the same stream for every design: common random numbers
    req = _requests(tier, quota, seed, scale, days, rng)
    alloc = _allocation(tier, quota)
    ud = _unit_daily(tier, quota, scale, days, alloc, np.random.default_rng(2000 + seed))
    pq.write_table(pa.Table.from_pandas(req, schema=REQ_SCHEMA, preserve_index=False), tmp / "requests.parquet")
    pq.write_table(pa.Table.from_pandas(ud, preserve_index=False), tmp / "unit_daily.parquet")
    pq.write_table(pa.Table.from_pandas(alloc, preserve_index=False), tmp / "allocation.parquet")
    config = (f"tier:\n  name: {tier}\nquota:\n  name: {quota}\n  budget: {budget or 9251}\n"
              f"run:\n  seed: {seed}\n  scale: {scale}\n  days: {days}\n  start_date: '{START.isoformat()}'\n"
              f"  out_dir: {run_dir.name}\n")  # differs per run: a path, never a variant key
    (tmp / "config.yaml").write_text(config)
    (tmp / ".hydra" / "config.yaml").write_text(config)  # Hydra's copy: must not count as a run
    (tmp / "summary.json").write_text(json.dumps(_summary(tier, quota, seed, scale, days, req, ud), indent=1))
    tmp.rename(run_dir)
    return run_dir


def write_sweep(root: Path, tiers=TIERS, quotas=QUOTAS, seeds=SEEDS, days: int = 10, scale: float = 0.1
                ) -> list[Path]:
    """A Hydra-multirun-like sweep: ``root/<date>/<job>/`` run folders plus multirun.yaml."""
    root = Path(root)
    sweep = root / "2025-07-01" / "10-00-00"
    sweep.mkdir(parents=True, exist_ok=True)
    (sweep / "multirun.yaml").write_text("hydra:\n  mode: MULTIRUN\n")
    runs, job = [], 0
    for tier in tiers:
        for quota in quotas:
            for seed in seeds:
                runs.append(write_run(sweep / str(job), tier, quota, seed, scale=scale, days=days))
                job += 1
    return runs


def add_broken_runs(root: Path, good_run: Path) -> dict[str, str]:
    """Broken folders next to a sweep; returns {folder name: what is wrong}."""
    root = Path(root)
    broken = {}
    bad_json = root / "bad_json"
    write_run(bad_json, "three_tier", "uniform", 7)
    (bad_json / "summary.json").write_text('{"design": "three_tier/uniform", "seed": ')
    broken["bad_json"] = "summary.json"
    trunc = root / "nested" / "deeper" / "truncated_parquet"
    trunc.parent.mkdir(parents=True)
    write_run(trunc, "two_tier", "uniform", 8)
    data = (trunc / "requests.parquet").read_bytes()
    (trunc / "requests.parquet").write_bytes(data[: len(data) // 2])
    broken["nested/deeper/truncated_parquet"] = "requests.parquet"
    no_alloc = root / "no_allocation"
    write_run(no_alloc, "two_tier", "area_grouped", 9)
    (no_alloc / "allocation.parquet").unlink()
    broken["no_allocation"] = "allocation.parquet"
    partial = root / "partial"
    partial.mkdir()
    (partial / "config.yaml").write_text((good_run / "config.yaml").read_text())
    broken["partial"] = "summary.json"
    tmp = root / "5.tmp-1234"
    tmp.mkdir()
    (tmp / "summary.json").write_text((good_run / "summary.json").read_text())
    broken["5.tmp-1234"] = "temporary"
    return broken
