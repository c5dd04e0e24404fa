"""The optimiser's problem: every commune-field desk's load, and the constraints on the allocation.

A desk is one commune's officers of one field. Its work comes from govsim's own workload model
(`sim.work.expected_hours`, the same yardstick the quotas use) and its capacity from the officer settings:
an officer gives `casework_hours_per_day x (1 - absence_rate)` hours a working day. Request counts and
deadlines come from the catalogue's commune-level procedures, complaints and tasks.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.calendar import WorkingCalendar
from omegaconf import OmegaConf

from sim.config import FIELDS, Config, ConfigError, QuotaConfig, config_dir
from sim.work import LEVEL, N_FIELDS
from sim.world import World, build_world

CHAIR_AND_MILITARY = 2  # the non-casework posts besides the vice-chairs [T24 PL3 L9330-9403]
VICE_CHAIR_CAP = {"I": 2, "II": 2, "III": 1}  # [T24]


@dataclass
class Problem:
    """Desks (n communes x N_FIELDS) and the allocation's constraints. All rates per working day."""

    codes: list[str]
    names: list[str]
    population: np.ndarray
    area_km2: np.ndarray
    load: np.ndarray          # offered load a = work hours / officer hours (officers kept busy)
    mu: np.ndarray            # requests one officer completes per working day
    scv: np.ndarray           # squared coefficient of variation of a request's effort at the desk
    dossier_rate: np.ndarray  # dossiers per working day (weights of the on-time objectives)
    deadline: np.ndarray      # (N_FIELDS, K): the dossiers' time allowed, in working days
    deadline_share: np.ndarray  # (N_FIELDS, K): share of the field's dossiers with that allowance
    horizon_days: float       # working days simulated (for queues that never settle)
    season: np.ndarray        # month factors of demand (mean 1): the load in each month is season x load
    budget: int
    non_casework: np.ndarray  # chair + vice-chairs + military per commune (in the budget, not in the queues)
    floor: np.ndarray         # all posts per commune, at least
    cap: np.ndarray           # all posts per commune, at most (max_change; a large number if none)
    min_per_field: int
    uniform: np.ndarray       # today's uniform allocation (n x N_FIELDS casework officers)

    @property
    def n(self) -> int:
        return len(self.codes)

    def lower(self) -> np.ndarray:
        """Casework officers per commune at least (floor less non-casework, and one per field)."""
        return np.maximum(self.floor - self.non_casework, self.min_per_field * self.load.shape[1])

    def upper(self) -> np.ndarray:
        return self.cap - self.non_casework

    def with_budget(self, budget: int) -> "Problem":
        return dataclasses.replace(self, budget=int(budget))


def rule_quota(cfg: Config, name: str) -> QuotaConfig:
    """A shipped quota design (conf/quota/NAME.yaml) with cfg's budget."""
    data = OmegaConf.load(config_dir() / "quota" / f"{name}.yaml")
    q = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(QuotaConfig), data))
    return dataclasses.replace(q, budget=cfg.quota.budget)


def full_world(cfg: Config, quota: str | QuotaConfig = "uniform") -> World:
    """The whole design's world (run.communes ignored) under a shipped quota rule or a given one."""
    q = rule_quota(cfg, quota) if isinstance(quota, str) else quota
    return build_world(dataclasses.replace(cfg, run=dataclasses.replace(cfg.run, communes=[]), quota=q))


def vice_chair_posts(cfg: Config, codes: list[str]) -> np.ndarray:
    """Non-casework posts per commune: chair + military + vice-chairs up to the class cap [T24]."""
    unknown = sorted(set(map(str, cfg.optimise.class_iii)) - set(codes))
    if unknown:
        raise ConfigError(f"optimise.class_iii names an unknown commune code {unknown[0]!r}")
    wanted = cfg.officer.non_casework_per_commune
    cls = np.array(["III" if c in set(map(str, cfg.optimise.class_iii)) else "I" for c in codes])
    cap = CHAIR_AND_MILITARY + np.array([VICE_CHAIR_CAP[k] for k in cls])
    return np.minimum(wanted, cap).astype(int)


def build_problem(cfg: Config, uniform_world: World | None = None) -> Problem:
    """The desks and constraints of cfg's tier design, with today's uniform allocation as the reference."""
    if cfg.tier.districts:
        raise ConfigError("govsim-optimise allocates commune staff in the two-tier design only (tier=two_tier)")
    w = uniform_world or full_world(cfg, "uniform")
    cat, q, o = w.catalogue, w.quota_table, cfg.optimise
    codes = q["unit"].astype(str).tolist()
    n = len(codes)
    year = WorkingCalendar(cfg.run.start_date, 365, cfg.calendar.holidays).n_days
    horizon = WorkingCalendar(cfg.run.start_date, cfg.run.days, cfg.calendar.holidays).n_days
    officer_hours = cfg.officer.casework_hours_per_day * (1 - cfg.officer.absence_rate)

    # Requests a year per commune and field: commune-level dossiers, first-instance complaints, tasks.
    dossiers = np.bincount(w.cohort_unit, weights=w.cohort_demand, minlength=n)
    share = dossiers / max(dossiers.sum(), 1e-12)
    local = cat.proc_level == LEVEL["commune"]
    dossier_counts = np.zeros((n, N_FIELDS))
    for p in np.flatnonzero(local):
        dossier_counts[:, cat.proc_field[p]] += dossiers * cat.proc_prob[p]
    # ... and the second moment of their efforts: a desk mixing 0.15-hour copies with 16-hour complaints
    # waits far longer than an exponential one (Allen-Cunneen factor, sim/optimise/queueing.py).
    cv2 = 1.0 + cfg.officer.effort_cv ** 2
    counts = dossier_counts.copy()
    second = np.zeros((n, N_FIELDS))
    for p in np.flatnonzero(local):
        e = cat.proc_effort[p] * (1 + cat.proc_consult_prob[p] * cat.proc_final_share[p])
        second[:, cat.proc_field[p]] += dossiers * cat.proc_prob[p] * cv2 * e * e
    letters = cfg.complaints.letters_per_year * share
    for k in np.flatnonzero(cat.complaint_level == LEVEL["commune"]):
        counts[:, cat.complaint_field[k]] += letters * cat.complaint_prob[k]
        second[:, cat.complaint_field[k]] += letters * cat.complaint_prob[k] * cv2 * cat.complaint_effort[k] ** 2
    hours = w.hours.commune
    any_mix = hours.sum(axis=0) / max(hours.sum(), 1e-12)
    for k in range(len(cat.task_names)):
        mix = np.eye(N_FIELDS)[cat.task_field[k]] if cat.task_field[k] >= 0 else any_mix
        counts += cat.task_rate[k] * mix
        second += cat.task_rate[k] * mix * cv2 * cat.task_effort[k] ** 2
    counts = np.maximum(counts, 1e-9)
    mean_effort = np.where(hours > 0, hours / counts, 1.0)
    scv = np.where(hours > 0, second / counts / mean_effort ** 2 - 1.0, 1.0)

    # Time allowed per dossier class: its deadline plus the rest of the filing day, less its own service.
    K = max(int(np.bincount(cat.proc_field[local], minlength=N_FIELDS).max()), 1)
    deadline = np.zeros((N_FIELDS, K))
    dshare = np.zeros((N_FIELDS, K))
    for f in range(N_FIELDS):
        ps = np.flatnonzero(local & (cat.proc_field == f))
        if len(ps):
            effort = cat.proc_effort[ps] * (1 + cat.proc_consult_prob[ps] * cat.proc_final_share[ps])
            deadline[f, :len(ps)] = np.maximum(cat.proc_deadline[ps] + 0.5 - effort / officer_hours, 0.0)
            dshare[f, :len(ps)] = cat.proc_prob[ps] / cat.proc_prob[ps].sum()

    floor = cfg.quota.floor_per_commune if o.floor < 0 else o.floor
    non_casework = vice_chair_posts(cfg, codes)
    uniform = q[list(FIELDS)].to_numpy(dtype=int)
    uniform_total = uniform.sum(axis=1) + non_casework
    big = 10 ** 7
    cap = np.full(n, big) if o.max_change < 0 else uniform_total + o.max_change
    lower_total = np.maximum(floor, non_casework + o.min_per_field * N_FIELDS)
    if o.max_change >= 0:
        lower_total = np.maximum(lower_total, uniform_total - o.max_change)
    return Problem(codes=codes, names=q["unit_name"].astype(str).tolist(),
                   population=q["population"].to_numpy(dtype=float), area_km2=q["area_km2"].to_numpy(dtype=float),
                   load=hours / year / officer_hours, mu=officer_hours / mean_effort, scv=scv,
                   dossier_rate=dossier_counts / year, deadline=deadline, deadline_share=dshare,
                   horizon_days=float(horizon),
                   season=np.asarray(cfg.demand.seasonality, dtype=float) / np.mean(cfg.demand.seasonality),
                   budget=int(cfg.quota.budget), non_casework=non_casework,
                   floor=lower_total.astype(int), cap=cap.astype(int), min_per_field=int(o.min_per_field),
                   uniform=uniform)


def allocation_frame(p: Problem, casework: np.ndarray, non_casework: np.ndarray | None = None) -> pd.DataFrame:
    """Long table: commune, field, officers (casework per field, plus a non_casework row per commune)."""
    fields = [*FIELDS, "non_casework"]
    values = np.column_stack([casework, p.non_casework if non_casework is None else non_casework])
    return pd.DataFrame({"commune": np.repeat(p.codes, len(fields)), "field": np.tile(fields, p.n),
                         "officers": values.ravel().astype(int)})
