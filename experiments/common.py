"""Shared pieces of the calibration, validation and sensitivity scripts (issue 5).

- TARGETS: the calibration targets of docs/sources.md, with their source tags.
- Reduced runs that keep the full-scale queue structure: `run.scale=1.0` on a subset of communes
  (`rank_subset`, `district_pair`). See "Why subsets, not run.scale" below.
- `configure`: compose a scenario and apply what the config cannot express directly (an effort multiplier,
  a consultation multiplier) by editing the typed Config in Python (no change to sim/).
- `measure`: the model quantity that corresponds to each target, from a finished model. Counts are at full
  scale and, for a subset run, extrapolated to the whole city by the subset's share of demand (dossiers) or
  of population (complaints).

Why subsets, not run.scale
--------------------------
`run.scale` scales demand and staff, but staff is rounded per unit and field with a floor of one officer per
staffed field (sim/world.py `_scaled`). Small scales therefore over-staff small units and turn a desk of ~10
officers (a well-pooled M/M/c queue) into a desk of one. Measured at casework_hours_per_day=5.2, seed 0
(two-tier, uniform): on-time rate 98.6% at scale 0.05, 94.5% at 0.1, 96.1% at 0.2, 98.4% at 0.5, 98.9% at
1.0; three-tier commune officers are 20x (scale 0.05) or 10x (0.1) their scaled quota. Simulating a subset of
communes at scale 1.0 keeps every simulated desk exactly as in the full-scale default, at the cost of a
sampling error (which communes) that rotating subsets across seeds turns into part of the spread.
"""
from __future__ import annotations

import copy
import datetime as dt
import math
import os
import sys
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sim.config import Config, compose  # noqa: E402
from sim.ledger import DONE  # noqa: E402
from sim.metrics import completion_days, outcome_codes  # noqa: E402
from sim.runner import run_scenario  # noqa: E402
from sim.work import COMPLAINT, DOSSIER  # noqa: E402
from sim.world import COMMUNE, load_tables  # noqa: E402

RESULTS = REPO / "results"
CONF = REPO / "conf"


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    value: float
    tag: str
    design: str          # the design whose runs measure it
    note: str


# Reported values. "over 523.000" and "over 97%" are lower bounds in the source; we use them as point values.
TARGETS: dict[str, Target] = {t.key: t for t in (
    Target("dossiers_received", "dossiers received in a year", 3_571_311, "R26 L309", "two_tier",
           "source: calendar 2025 (both tiers); model: the 365 simulated days from 1/7/2025"),
    Target("online_share", "online share of dossiers received", 0.589, "R26 L309", "two_tier",
           "2.102.939 / 3.571.311 (derived)"),
    Target("julaug_commune_dossiers", "dossiers at commune centres, Jul-Aug 2025", 523_000, "N25", "two_tier",
           "model: dossiers whose competent unit is a commune, arriving 1/7-31/8/2025; source says 'over'"),
    Target("julaug_on_time", "on time or early, Jul-Aug 2025 commune dossiers", 0.97, "N25", "two_tier",
           "model: the dossiers above that were resolved by the run's end; source says 'over 97%'"),
    Target("on_time_2025", "on time or early, dossiers resolved in 2025", 0.953, "R26 L309", "reform_2025",
           "4.146.182 / 4.350.397 (derived). Calendar 2025 = January-June under three tiers and July-December "
           "under two: measured on runs that hold the reform (timeline=reform_2025, 365 days from 1/1/2025) as "
           "the dossiers handed back in 2025 on time or early (summary `calendar_2025_on_time_rate`); checked, "
           "not fitted. The runs start with empty queues on 1/1/2025 (no carry-over from 2024)"),
    Target("complaints_11m", "complaint and petition letters, 1/7/2025-31/5/2026", 71_134, "R26 L479", "two_tier",
           "model: every complaint filed in the first 11 months (letters + complaints about late dossiers)"),
    Target("pilot_ward_complaints", "complaints per ward per year, three-tier wards", 11.9, "T24 PL4", "three_tier",
           "1.799 (2021) and 2.337 (2022) complaints in 175 pilot wards = 10,3-13,4 per ward; model: complaints "
           "first filed at a ward (unit_type ward) of the simulated urban districts, per ward per year"),
)}

# Windows of the targets.
END_JULAUG = dt.date(2025, 9, 1)
END_2025 = dt.date(2026, 1, 1)
END_11M = dt.date(2026, 6, 1)

# Calendar 2025's halves, by hand-back day: January-June under three tiers, July-December under two.
HALVES_2025 = {"on_time_2025_h1": (dt.date(2025, 1, 1), dt.date(2025, 7, 1)),
               "on_time_2025_h2": (dt.date(2025, 7, 1), dt.date(2026, 1, 1))}

# Three-tier districts whose wards stand in for the 175 pilot wards (urban districts, 54 wards, 1,5 M people).
PILOT_DISTRICTS = ("001", "006", "008", "019")
# The paired subset for design comparisons: Long Bien (urban), Gia Lam (peri-urban), Ba Vi (remote rural):
# 59 three-tier communes, and the 16 two-tier communes that took >= 50% of their people from them
# (99,5% of their people did; 11% of Hanoi).
PAIR_DISTRICTS = ("004", "018", "271")


# ------------------------------------------------------------ subsets
@lru_cache(maxsize=None)
def _tables():
    return load_tables(None)


def rank_subset(k: int, offset: int) -> list[str]:
    """Every k-th two-tier commune by population rank, starting at `offset` (a stratified 1-in-k sample)."""
    t = _tables()["communes_2tier"].sort_values(["population", "unit_code"]).reset_index(drop=True)
    return t["unit_code"].astype(str).iloc[offset % k:: k].tolist()


def district_communes(districts) -> list[str]:
    """All three-tier communes of whole districts (their district offices are then exactly staffed)."""
    t3 = _tables()["communes_3tier"]
    return sorted(t3.loc[t3["district_code"].astype(str).isin(districts), "unit_code"].astype(str))


def district_pair(districts=PAIR_DISTRICTS, min_share: float = 0.5) -> tuple[list[str], list[str]]:
    """(three-tier communes of these districts, two-tier communes taking >= min_share of people from them)."""
    old = set(district_communes(districts))
    tr = _tables()["commune_transition"].copy()
    tr["inside"] = tr["old_code"].astype(str).isin(old) * tr["population"]
    share = tr.groupby(tr["new_code"].astype(str))[["inside", "population"]].sum()
    new = share.index[share["inside"] >= min_share * share["population"]]
    return sorted(old), sorted(new)


# ------------------------------------------------------------ scenarios
def configure(overrides: list[str] | None = None, communes: list[str] | None = None, effort_mult: float = 1.0,
              consult_mult: float = 1.0) -> Config:
    """A validated Config from Hydra overrides, a commune subset, and multipliers the config cannot express.

    effort_mult scales every procedure's effort_hours and consult_effort_hours (a dossier's officer effort);
    consult_mult scales every procedure's consult_prob (capped at 1). Both edit the typed Config in Python.
    """
    ov = list(overrides or []) + ["run.progress=false", "run.write_requests=false"]
    if communes:
        ov.append("run.communes=[" + ",".join(communes) + "]")
    cfg = compose(ov)
    effort_mult, consult_mult = float(effort_mult), float(consult_mult)
    if effort_mult != 1.0 or consult_mult != 1.0:
        cfg = copy.deepcopy(cfg)
        for p in cfg.catalogue.procedures:
            p.effort_hours = float(p.effort_hours * effort_mult)
            p.consult_effort_hours = float(p.consult_effort_hours * effort_mult)
            p.consult_prob = float(min(1.0, p.consult_prob * consult_mult))
    return cfg


def simulate(cfg: Config):
    """Run without writing files; returns (summary, model, wall seconds). Call `release(model)` when done."""
    t0 = time.perf_counter()
    r = run_scenario(cfg, out_dir=None, keep_model=True)
    return r.summary, r.model, time.perf_counter() - t0


def release(model) -> None:
    """Let a finished model be garbage-collected (see sim.runner.release_model: a Mesa 3.3 leak)."""
    from sim.runner import release_model

    release_model(model)


# ------------------------------------------------------------ model quantities
def first_units(model) -> np.ndarray:
    """The first unit each request reached (escalation overwrites leg 0; the path keeps the original)."""
    led = model.ledger
    first = led.leg_unit[: led.n, 0].copy()
    for rid, units in led.paths.items():
        first[rid] = units[0]
    return first


def ward_units(model) -> np.ndarray:
    """Per unit: is it a ward of the three-tier table (unit_type ward)?"""
    t3 = _tables()["communes_3tier"]
    wards = set(t3.loc[t3["unit_type"] == "ward", "unit_code"].astype(str))
    return np.array([k == COMMUNE and c in wards for c, k in zip(model.world.unit_code, model.world.unit_kind)])


def shares(model) -> tuple[float, float]:
    """(share of the city's dossier demand, share of its population) that the run simulates."""
    w = model.world
    return (float(w.cohort_demand.sum() / max(model.cfg.demand.dossiers_per_year, 1e-12)),
            float(w.cohort_size.sum() / max(w.population_total, 1e-12)))


def measure(model, summary: dict) -> dict:
    """Every target this run can measure (keys of TARGETS), plus a few summary metrics."""
    led, cal, world = model.ledger, model.calendar, model.world
    s = model.scale
    d_share, p_share = shares(model)
    kind = led.view("kind")
    arrival = led.view("arrival_day")
    cday = completion_days(model)
    outcome = outcome_codes(led.view("deadline_day"), cday)
    status = led.view("status")
    dossier, complaint = kind == DOSSIER, kind == COMPLAINT
    days = model.cfg.run.days
    out = {
        "dossiers_received": summary["dossiers_received"] / d_share * 365.0 / days,
        "online_share": summary["online_share"],
        "on_time_rate": summary["on_time_rate"],
        "mean_delay_days": summary["mean_delay_days"],
        "p90_delay_days": summary["p90_delay_days"],
        "complaints_received": summary["complaints_received"] / p_share,
        "delay_complaints": (complaint & (led.view("rtype") < 0)).sum() / s / p_share,
        "complaints_escalated": summary["complaints_escalated"] / p_share,
        "backlog_end": summary["backlog_end"] / d_share,
        "max_commune_backlog": summary["max_commune_backlog"],
        "commune_utilisation_mean": summary["commune_utilisation_mean"],
        "commune_utilisation_max": summary["commune_utilisation_max"],
    }
    start = cal.start
    reform = model.reform  # a run holding the reform: its two-tier windows start at the switch
    first = reform.switch_day if reform is not None else 0
    if days >= (END_JULAUG - start).days and cal.day_on_or_after(END_JULAUG) > first:
        cut = cal.day_on_or_after(END_JULAUG)
        competent = world.unit_kind[led.leg_unit[: led.n, 0]] == COMMUNE
        sel = dossier & competent & (arrival >= first) & (arrival < cut)
        out["julaug_commune_dossiers"] = sel.sum() / s / d_share
        done = sel & (status == DONE)
        out["julaug_on_time"] = float((outcome[done] <= 1).mean()) if done.any() else math.nan
    if days >= (END_11M - start).days:
        cut = cal.day_on_or_after(END_11M)
        out["complaints_11m"] = (complaint & (arrival < cut)).sum() / s / p_share
    if "calendar_2025_on_time_rate" in summary:
        out["on_time_2025"] = summary["calendar_2025_on_time_rate"]
        resolved = dossier & (status == DONE)
        for key, (lo, hi) in HALVES_2025.items():
            sel = resolved & (cday >= cal.day_on_or_after(lo)) & (cday < cal.day_on_or_after(hi))
            out[key] = float((outcome[sel] <= 1).mean()) if sel.any() else math.nan
    if world.n_districts and reform is None:  # three-tier: complaints first filed at a ward, per ward per year
        wards = ward_units(model)
        if wards.any():
            n = (complaint & wards[first_units(model)]).sum() / s  # at full scale
            out["pilot_ward_complaints"] = n / wards.sum() * 365.0 / days
    return {k: float(v) for k, v in out.items()}


def commune_competent_share(cfg: Config) -> float:
    """Share of dossiers whose competent unit is the commune, in this design."""
    w = np.array([p.weight for p in cfg.catalogue.procedures], dtype=float)
    local = np.array([p.tier[cfg.tier.name] == "commune" for p in cfg.catalogue.procedures])
    return float(w[local].sum() / w.sum())


def expected_julaug(cfg: Config, season: list[float]) -> float:
    """Expected dossiers at commune-competent units, 1/7-31/8/2025, at full scale (no simulation needed).

    The model draws each working day's dossiers as Poisson with mean dossiers_per_year / working days in
    the first year x the month's factor (normalised to mean 1), so the expectation is a plain sum.
    """
    from sim.calendar import WorkingCalendar

    cal = WorkingCalendar(cfg.run.start_date, 365, cfg.calendar.holidays, cfg.officer.workday_hours)
    year = [d for d in cal.dates if (d - cal.start).days < 365]
    norm = np.asarray(season, dtype=float) / np.mean(season)
    window = sum(norm[d.month - 1] for d in year if d < END_JULAUG)
    return cfg.demand.dossiers_per_year * commune_competent_share(cfg) * window / len(year)


def t_ci(values, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, low, high): a t interval over seeds (NaN bounds with fewer than two values)."""
    from scipy import stats

    x = np.asarray([v for v in values if v == v], dtype=float)
    if len(x) == 0:
        return math.nan, math.nan, math.nan
    m = float(x.mean())
    if len(x) < 2:
        return m, math.nan, math.nan
    half = float(stats.t.ppf(0.5 + level / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x)))
    return m, m - half, m + half


def be_nice(level: int = 10) -> None:
    """Lower this process's priority to `level` (the machine is shared)."""
    try:
        now = os.nice(0)
        if now < level:
            os.nice(level - now)
    except OSError:
        pass


def pool_map(fn, items, jobs: int):
    """map over items in at most `jobs` processes (spawned, niced), in order."""
    items = list(items)
    if jobs <= 1 or len(items) <= 1:
        return [fn(x) for x in items]
    import multiprocessing as mp

    with mp.get_context("spawn").Pool(min(jobs, 2, len(items)), initializer=be_nice, maxtasksperchild=20) as pool:
        return pool.map(fn, items, chunksize=1)


def fmt(x: float, kind: str = "auto") -> str:
    """Numbers for the reports: shares as %, big counts with thousands separators."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if kind == "pct" or (kind == "auto" and abs(x) <= 1.0 and x != 0 and not float(x).is_integer()):
        return f"{100 * x:.2f}%"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:.1f}"
