"""The structured config schema, its validation, and composing a scenario from Python.

Hydra checks types and unknown keys against these dataclasses; `validate` checks values. Every bad input
ends as one `ConfigError` line that the CLI prints alone.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any, Dict, List, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING, DictConfig, OmegaConf

FIELDS = (
    "land_construction",
    "justice_civil_status",
    "culture_society",
    "finance",
    "office_statistics",
    "economy",
)
TIERS = ("three_tier", "two_tier")
QUOTAS = ("uniform", "area_grouped", "from_file")
OBJECTIVES = ("max_backlog", "late_share", "worst_on_time")
LEVELS = ("commune", "district", "city")


class ConfigError(ValueError):
    """A bad scenario: the message is one line that names the problem."""


# ---------------------------------------------------------------- schema
@dataclass
class RunConfig:
    days: int = 365
    start_date: str = "2025-07-01"
    seed: int = 0
    scale: float = 1.0
    out_dir: str = ""  # empty: Hydra's run directory
    progress: bool = True
    report: bool = True  # a single run also draws its chart pack into <out_dir>/report
    write_requests: bool = True
    communes: List[str] = dc_field(default_factory=list)
    geography_dir: str = ""  # empty: the tables shipped in sim/data


@dataclass
class DemandConfig:
    dossiers_per_year: float = 3571311
    online_share: float = 0.589
    online_after_hours_share: float = 0.5
    citizens_per_agent: int = 1000
    urban_demand_factor: float = 1.2
    seasonality: List[float] = dc_field(default_factory=lambda: [1.0] * 12)


@dataclass
class CitizenConfig:
    online_propensity_sd: float = 0.15
    patience_days_mean: float = 5.0
    complaint_propensity_mean: float = 1.0
    complaint_propensity_sd: float = 0.3
    late_complaint_prob: float = 0.04
    escalation_prob: float = 0.5


@dataclass
class ComplaintConfig:
    letters_per_year: float = 77600
    complex_share: float = 0.2
    limit_days: int = 30
    limit_days_complex: int = 45
    expected_escalated_share: float = 0.08


@dataclass
class OfficerConfig:
    workday_hours: float = 8.0
    casework_hours_per_day: float = 4.0
    absence_rate: float = 0.05
    cross_field: bool = True
    cross_field_penalty: float = 1.5
    non_casework_per_commune: int = 4
    effort_cv: float = 1.0


@dataclass
class CalendarConfig:
    holidays: List[str] = dc_field(default_factory=list)
    transfer_delay_days: int = 1
    arrival_resolution_minutes: float = 1.0


@dataclass
class TierConfig:
    name: str = MISSING
    units: str = MISSING
    districts: bool = False
    escalation: List[str] = dc_field(default_factory=list)
    district_staff_rule: str = "none"
    district_staff_share: float = 0.0
    department_officers: int = 1000
    department_floor: int = 2
    district_relay_effort_hours: float = 0.5
    departments: Dict[str, List[str]] = dc_field(default_factory=dict)


@dataclass
class QuotaConfig:
    name: str = MISSING
    budget: int = 9251
    floor_per_commune: int = 8
    field_mix: Dict[str, float] = dc_field(default_factory=dict)
    method: str = "none"
    n_groups: int = 1
    bands: List[float] = dc_field(default_factory=list)
    area_hours_per_km2: float = 0.0
    overrides: List[str] = dc_field(default_factory=list)  # "CODE=officers" entries
    file: str = ""   # from_file: a saved allocation (CSV or Parquet: commune, field, officers)
    label: str = ""  # from_file: a name for the allocation (reports tell allocations apart by it)


@dataclass
class ProcedureSpec:
    name: str = MISSING
    field: str = MISSING
    function: str = MISSING
    weight: float = MISSING
    tier: Dict[str, str] = dc_field(default_factory=dict)
    deadline_days: int = MISSING
    effort_hours: float = MISSING
    consult_prob: float = 0.0
    consult_effort_hours: float = 1.0
    final_effort_share: float = 0.25


@dataclass
class ComplaintSpec:
    name: str = MISSING
    field: str = MISSING
    weight: float = MISSING
    effort_hours: float = MISSING
    first_instance: Dict[str, str] = dc_field(default_factory=dict)


@dataclass
class TaskSpec:
    name: str = MISSING
    origin: str = MISSING
    field: str = MISSING
    effort_hours: float = MISSING
    deadline_days: int = MISSING
    per_commune_per_year: Dict[str, float] = dc_field(default_factory=dict)


@dataclass
class CatalogueConfig:
    procedures: List[ProcedureSpec] = dc_field(default_factory=list)
    complaint_types: List[ComplaintSpec] = dc_field(default_factory=list)
    delay_complaint_effort_hours: float = 2.0
    tasks: List[TaskSpec] = dc_field(default_factory=list)


@dataclass
class OptimiseConfig:
    """govsim-optimise (sim/optimise): objective, constraints, and the two stages' settings."""

    objective: str = "max_backlog"
    floor: int = -1                 # officers per commune at least; -1: quota.floor_per_commune
    min_per_field: int = 1
    max_change: int = -1            # posts a commune may gain or lose against uniform; -1: no limit
    class_iii: List[str] = dc_field(default_factory=list)  # communes of class III (one vice-chair)
    simulate: bool = True
    seeds: List[int] = dc_field(default_factory=lambda: [100, 101, 102])
    sim_years: float = 21.0
    max_minutes: float = -1.0       # > 0: also stop the search before a round would end past this wall time
    candidates: int = 2
    move: int = 4
    eval_seeds: List[int] = dc_field(default_factory=lambda: [0, 1, 2, 3, 4])
    evaluate: bool = True
    n_jobs: int = 2
    launcher: str = "joblib"        # joblib | ray
    rule_groups: int = 4
    target_on_time: float = -1.0    # > 0: minimal-budget mode
    confirm: bool = False           # minimal-budget mode: confirm the budget by simulation
    out_dir: str = ""               # empty: results/optimise/<tier>-<objective>


@dataclass
class Config:
    run: RunConfig = dc_field(default_factory=RunConfig)
    demand: DemandConfig = dc_field(default_factory=DemandConfig)
    citizen: CitizenConfig = dc_field(default_factory=CitizenConfig)
    complaints: ComplaintConfig = dc_field(default_factory=ComplaintConfig)
    officer: OfficerConfig = dc_field(default_factory=OfficerConfig)
    calendar: CalendarConfig = dc_field(default_factory=CalendarConfig)
    tier: TierConfig = dc_field(default_factory=TierConfig)
    quota: QuotaConfig = dc_field(default_factory=QuotaConfig)
    catalogue: CatalogueConfig = dc_field(default_factory=CatalogueConfig)
    optimise: OptimiseConfig = dc_field(default_factory=OptimiseConfig)


ConfigStore.instance().store(name="schema", node=Config)


def config_dir() -> Path:
    """conf/ in a source checkout, sim/conf once installed."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "conf", here.parent / "conf"):
        if (candidate / "config.yaml").is_file():
            return candidate
    raise ConfigError("govsim's conf/ directory is missing from this installation")


# ---------------------------------------------------------------- validation
def _check(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def validate(cfg: DictConfig | Config) -> Config:
    """Turn a composed config into a typed `Config`, or raise one ConfigError line."""
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True, structured_config_mode=None)
        cfg = {k: v for k, v in cfg.items() if k != "hydra"}
        try:
            cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), cfg))
        except Exception as exc:  # noqa: BLE001 - OmegaConf's messages run to several lines
            raise ConfigError(str(exc).splitlines()[0]) from None
    c: Config = cfg
    r = c.run
    _check(_is_int(r.days) and r.days >= 1, f"run.days must be a whole number >= 1, got {r.days}")
    try:
        dt.date.fromisoformat(str(r.start_date))
    except ValueError:
        raise ConfigError(f"run.start_date must be a date YYYY-MM-DD, got {r.start_date!r}") from None
    _check(_is_int(r.seed) and r.seed >= 0, f"run.seed must be a whole number >= 0, got {r.seed}")
    _check(0 < r.scale <= 1, f"run.scale must be in (0, 1], got {r.scale}")
    _check(c.tier.name in TIERS, f"unknown tier design {c.tier.name!r} (choose from {', '.join(TIERS)})")
    _check(c.quota.name in QUOTAS, f"unknown quota design {c.quota.name!r} (choose from {', '.join(QUOTAS)})")

    d = c.demand
    _check(d.dossiers_per_year >= 0, f"demand.dossiers_per_year must be >= 0, got {d.dossiers_per_year}")
    _check(0 <= d.online_share <= 1, f"demand.online_share must be in [0, 1], got {d.online_share}")
    _check(0 <= d.online_after_hours_share <= 1, "demand.online_after_hours_share must be in [0, 1]")
    _check(_is_int(d.citizens_per_agent) and d.citizens_per_agent >= 1,
           f"demand.citizens_per_agent must be a whole number >= 1, got {d.citizens_per_agent}")
    _check(len(d.seasonality) == 12 and all(s > 0 for s in d.seasonality),
           "demand.seasonality must list 12 positive monthly factors")

    ci = c.citizen
    for name in ("late_complaint_prob", "escalation_prob"):
        v = getattr(ci, name)
        _check(0 <= v <= 1, f"citizen.{name} must be in [0, 1], got {v}")
    _check(ci.patience_days_mean > 0, "citizen.patience_days_mean must be > 0")
    _check(c.complaints.letters_per_year >= 0, "complaints.letters_per_year must be >= 0")
    _check(0 <= c.complaints.complex_share <= 1, "complaints.complex_share must be in [0, 1]")
    _check(c.complaints.limit_days >= 1 and c.complaints.limit_days_complex >= 1,
           "complaints.limit_days must be >= 1")

    o = c.officer
    _check(0 < o.workday_hours <= 24, f"officer.workday_hours must be in (0, 24], got {o.workday_hours}")
    _check(0 < o.casework_hours_per_day <= o.workday_hours,
           f"officer.casework_hours_per_day must be in (0, workday_hours], got {o.casework_hours_per_day}")
    _check(0 <= o.absence_rate < 1, f"officer.absence_rate must be in [0, 1), got {o.absence_rate}")
    _check(o.cross_field_penalty >= 1, "officer.cross_field_penalty must be >= 1")
    _check(_is_int(o.non_casework_per_commune) and o.non_casework_per_commune >= 0,
           "officer.non_casework_per_commune must be a whole number >= 0")
    _check(o.effort_cv > 0, f"officer.effort_cv must be > 0, got {o.effort_cv}")

    cal = c.calendar
    for h in cal.holidays:
        try:
            dt.date.fromisoformat(str(h))
        except ValueError:
            raise ConfigError(f"calendar.holidays has a bad date {h!r} (want YYYY-MM-DD)") from None
    _check(_is_int(cal.transfer_delay_days) and cal.transfer_delay_days >= 0,
           "calendar.transfer_delay_days must be a whole number >= 0")
    _check(cal.arrival_resolution_minutes >= 0, "calendar.arrival_resolution_minutes must be >= 0")

    t = c.tier
    _check(t.units in ("communes_2tier", "communes_3tier"), f"tier.units must name a geography table, got {t.units!r}")
    _check(all(level in LEVELS for level in t.escalation), f"tier.escalation has an unknown level: {t.escalation}")
    _check(t.district_staff_rule in ("none", "workload", "fixed"),
           f"tier.district_staff_rule must be none, workload or fixed, got {t.district_staff_rule!r}")
    _check(0 <= t.district_staff_share < 1, "tier.district_staff_share must be in [0, 1)")
    _check(_is_int(t.department_officers) and t.department_officers >= 0, "tier.department_officers must be >= 0")
    _check(_is_int(t.department_floor) and t.department_floor >= 0, "tier.department_floor must be a whole number >= 0")
    _check(t.department_officers >= t.department_floor * len(t.departments),
           f"tier.department_officers {t.department_officers} is smaller than the floors: "
           f"{len(t.departments)} departments x {t.department_floor}")
    _check(0 <= c.complaints.expected_escalated_share <= 1, "complaints.expected_escalated_share must be in [0, 1]")

    q = c.quota
    _check(_is_int(q.budget) and q.budget > 0, f"quota.budget must be a whole number > 0, got {q.budget}")
    _check(_is_int(q.floor_per_commune) and q.floor_per_commune >= 0,
           f"quota.floor_per_commune must be a whole number >= 0, got {q.floor_per_commune}")
    for f_name, w in q.field_mix.items():
        _check(f_name in FIELDS, f"quota.field_mix has an unknown field {f_name!r}")
        _check(w >= 0, f"quota.field_mix.{f_name} must be >= 0, got {w}")
    _check(q.method in ("none", "quantile", "bands"), f"quota.method must be none, quantile or bands, got {q.method!r}")
    _check(_is_int(q.n_groups) and q.n_groups >= 1, f"quota.n_groups must be a whole number >= 1, got {q.n_groups}")
    _check(list(q.bands) == sorted(q.bands) and all(b > 0 for b in q.bands), "quota.bands must be increasing and > 0")
    _check(q.area_hours_per_km2 >= 0, "quota.area_hours_per_km2 must be >= 0")
    for entry in q.overrides:
        code, _, n = str(entry).partition("=")
        _check(n.strip().isdigit(), f"quota.overrides entry {entry!r} must be CODE=officers, a whole number >= 0")

    _check(q.name != "from_file" or bool(str(q.file).strip()),
           "quota=from_file needs quota.file=PATH (a saved allocation: CSV or Parquet)")
    _validate_optimise(c.optimise)

    cat = c.catalogue
    # Every step of work takes time (the clock's wake-ups rely on it: see sim/clock.py).
    _check(len(cat.procedures) > 0, "catalogue.procedures is empty")
    _check(cat.delay_complaint_effort_hours > 0, "catalogue.delay_complaint_effort_hours must be > 0")
    _check(t.district_relay_effort_hours > 0, "tier.district_relay_effort_hours must be > 0")
    for p in cat.procedures:
        _check(p.field in FIELDS, f"procedure {p.name}: unknown field {p.field!r}")
        _check(p.weight >= 0 and p.effort_hours > 0, f"procedure {p.name}: weight must be >= 0 and effort_hours > 0")
        _check(_is_int(p.deadline_days) and p.deadline_days >= 0, f"procedure {p.name}: deadline_days must be >= 0")
        _check(0 <= p.consult_prob <= 1, f"procedure {p.name}: consult_prob must be in [0, 1]")
        _check(p.consult_effort_hours > 0 and p.final_effort_share > 0,
               f"procedure {p.name}: consult_effort_hours and final_effort_share must be > 0")
        level = p.tier.get(t.name)
        _check(level in LEVELS, f"procedure {p.name}: no competent tier for {t.name} (got {level!r})")
        _check(level != "district" or t.districts, f"procedure {p.name}: district tier in a design without districts")
    for s in cat.complaint_types:
        _check(s.field in FIELDS, f"complaint type {s.name}: unknown field {s.field!r}")
        _check(s.effort_hours > 0, f"complaint type {s.name}: effort_hours must be > 0")
        level = s.first_instance.get(t.name)
        _check(level in LEVELS, f"complaint type {s.name}: no first-instance tier for {t.name}")
        _check(level != "district" or t.districts, f"complaint type {s.name}: district tier without districts")
    for task in cat.tasks:
        _check(task.field in FIELDS or task.field == "any", f"task {task.name}: unknown field {task.field!r}")
        _check(task.origin in ("city", "district"), f"task {task.name}: origin must be city or district")
        _check(task.effort_hours > 0, f"task {task.name}: effort_hours must be > 0")
        _check(task.per_commune_per_year.get(t.name, 0) >= 0, f"task {task.name}: rate must be >= 0")
    return c


def _validate_optimise(o: OptimiseConfig) -> None:
    _check(o.objective in OBJECTIVES, f"unknown optimise.objective {o.objective!r} (choose from {', '.join(OBJECTIVES)})")
    for name in ("floor", "max_change"):
        v = getattr(o, name)
        _check(_is_int(v) and v >= -1, f"optimise.{name} must be a whole number >= 0 (or -1: none), got {v}")
    _check(_is_int(o.min_per_field) and o.min_per_field >= 0, "optimise.min_per_field must be a whole number >= 0")
    _check(len(o.seeds) >= 2 and all(_is_int(s) and s >= 0 for s in o.seeds),
           "optimise.seeds must list at least two whole numbers >= 0 (a CI needs two seeds)")
    _check(all(_is_int(s) and s >= 0 for s in o.eval_seeds), "optimise.eval_seeds must be whole numbers >= 0")
    _check(o.sim_years >= 0, f"optimise.sim_years must be >= 0, got {o.sim_years}")
    _check(_is_int(o.candidates) and o.candidates >= 1, "optimise.candidates must be a whole number >= 1")
    _check(_is_int(o.move) and o.move >= 1, "optimise.move must be a whole number >= 1")
    _check(_is_int(o.n_jobs) and o.n_jobs >= 1, "optimise.n_jobs must be a whole number >= 1")
    _check(o.launcher in ("joblib", "ray"), f"optimise.launcher must be joblib or ray, got {o.launcher!r}")
    _check(_is_int(o.rule_groups) and 2 <= o.rule_groups <= 6, "optimise.rule_groups must be 2 to 6")
    _check(o.target_on_time < 1, f"optimise.target_on_time must be < 1 (or <= 0: off), got {o.target_on_time}")


# ---------------------------------------------------------------- composing from Python
def quota_overrides(q: QuotaConfig) -> dict[str, int]:
    """quota.overrides as {commune code: officers}."""
    return {code.strip(): int(n) for code, _, n in (str(e).partition("=") for e in q.overrides)}


def compose(overrides: list[str] | None = None) -> Config:
    """The validated scenario for these Hydra overrides, as the CLI would build it."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    overrides = list(overrides or [])
    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
            cfg = hydra_compose(config_name="config", overrides=overrides)
    except Exception as exc:  # noqa: BLE001 - Hydra reports through many exception types
        raise ConfigError(describe_hydra_error(exc)) from None
    return validate(cfg)


def describe_hydra_error(exc: BaseException) -> str:
    """One line for Hydra's and OmegaConf's multi-line errors."""
    import re

    text = str(exc)
    cause = str(exc.__cause__ or "")
    lines = [ln.strip() for ln in (text + "\n" + cause).splitlines() if ln.strip()]
    first = lines[0] if lines else type(exc).__name__
    missing = re.search(r"Could not find '([^/']+)/([^']+)'", text)
    if missing:
        group, choice = missing.groups()
        section = text.split(f"Available options in '{group}':")[-1].split("Config search path")[0]
        options = ", ".join(ln.strip() for ln in section.splitlines() if ln.strip())
        return f"unknown {group} design {choice!r} (choose from {options})"
    full_key = next((ln.split("full_key:")[1].strip() for ln in lines if "full_key:" in ln), None)
    if any("not in struct" in ln or re.search(r"Key '[^']+' not in '", ln) for ln in lines):
        return f"unknown config key {full_key!r}" if full_key else first
    if cause and full_key:
        return f"{full_key}: {cause.splitlines()[0].strip()}"
    if "Could not override" in first:
        detail = next((ln for ln in lines[1:] if not ln.startswith(("To append", "object_type", "reference_type"))), "")
        return f"{first} {detail}".strip()
    return first
