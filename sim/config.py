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

from sim.config_levers import PolicyConfig  # the policy levers' schema (conf/policy/)

FIELDS = (
    "land_construction",
    "justice_civil_status",
    "culture_society",
    "finance",
    "office_statistics",
    "economy",
)
TIERS = ("three_tier", "two_tier")
STAFFING = ("historical", "same_budget")
COMMUNE_CLASSES = ("I", "II", "III")
QUOTAS = ("uniform", "area_grouped", "from_file")
OBJECTIVES = ("max_backlog", "late_share", "worst_on_time")
LEVELS = ("commune", "district", "city")
DISCIPLINES = ("due_date", "fifo")
TIMELINES = ("steady", "reform_2025")
MAX_DAYS = 3660  # ten years: the longest run; conf/config.yaml lists public holidays for 2025-2030


class ConfigError(ValueError):
    """A bad scenario: the message is one line that names the problem."""


# ---------------------------------------------------------------- schema
# One home for each default: the values live in conf/*.yaml, next to their source tags (docs/sources.md);
# these dataclasses hold only names and types, every field `= MISSING`. This is Hydra's "Structured Config
# schema" pattern (hydra.cc, tutorials/structured_config/schema and static_schema): one schema validates many
# config files, here the options of each group (tier/two_tier.yaml and tier/three_tier.yaml give the same
# keys different values), so a value in the schema would be the wrong one for at least one option.
# The one exception is an optional field of a catalogue entry (ProcedureSpec below): YAML cannot state a
# default for the items of a list, so its default lives here, with its tag, and nowhere else.
# To add a setting: declare it here `= MISSING`, give its value and tag in conf/ (in every option of its
# group). tests/test_defaults.py fails if the schema holds a value, or if a composed config misses one.
@dataclass
class RunConfig:
    days: int = MISSING
    start_date: str = MISSING
    seed: int = MISSING
    scale: float = MISSING
    out_dir: str = MISSING  # empty: Hydra's run directory
    progress: bool = MISSING
    report: bool = MISSING  # a single run also draws its chart pack into <out_dir>/report
    write_requests: bool = MISSING
    communes: List[str] = MISSING
    geography_dir: str = MISSING  # empty: the tables shipped in sim/data


@dataclass
class DemandConfig:
    dossiers_per_year: float = MISSING
    online_share: float = MISSING
    online_after_hours_share: float = MISSING
    citizens_per_agent: int = MISSING
    urban_demand_factor: float = MISSING
    seasonality: List[float] = MISSING
    incomplete_share: float = MISSING        # dossiers sent back at the desk for supplementation
    supplement_days_mean: float = MISSING    # working days until the citizen brings the missing papers


@dataclass
class CitizenConfig:
    online_propensity_sd: float = MISSING
    patience_days_mean: float = MISSING
    complaint_propensity_mean: float = MISSING
    complaint_propensity_sd: float = MISSING
    late_complaint_prob: float = MISSING
    escalation_prob: float = MISSING


@dataclass
class ComplaintConfig:
    letters_per_year: float = MISSING
    complex_share: float = MISSING
    limit_days: int = MISSING
    limit_days_complex: int = MISSING
    expected_escalated_share: float = MISSING


@dataclass
class OfficerConfig:
    workday_hours: float = MISSING
    casework_hours_per_day: float = MISSING
    absence_rate: float = MISSING
    cross_field: bool = MISSING
    cross_field_penalty: float = MISSING
    non_casework_per_commune: int = MISSING
    effort_cv: float = MISSING
    discipline: str = MISSING  # due_date | fifo: which queued file an officer takes next
    surge_hours_per_day: float = MISSING  # extra casework hours a day at a desk with overdue files
    surge_min_overdue: int = MISSING      # overdue files at a desk (at the last close) that set it off


@dataclass
class LeadersConfig:
    """Who signs results: a commune's chair and vice-chairs, a district's or department's heads."""
    sign_off: bool = MISSING
    signing_hours_per_day: float = MISSING
    minutes_per_file: float = MISSING
    sessions_per_day: int = MISSING
    commune_vice_chairs: Dict[str, int] = MISSING
    commune_classes: Dict[str, int] = MISSING
    department_max_utilisation: float = MISSING
    delegate_certification: bool = MISSING
    delegated_sign_minutes: float = MISSING


@dataclass
class HandbackConfig:
    """When a ready result goes back to the citizen: on the appointment date, or early."""
    early_share_online: float = MISSING
    early_share_in_person: float = MISSING


@dataclass
class CalendarConfig:
    holidays: List[str] = MISSING
    transfer_delay_days: int = MISSING
    arrival_resolution_minutes: float = MISSING


@dataclass
class HistoricalStaffing:
    """Three-tier posts as they were before 01/7/2025 (tier.staffing=historical); sources in three_tier.yaml."""
    ward_posts: int = MISSING                  # civil-servant posts per pilot ward
    ward_leaders: int = MISSING                 # chair + vice-chairs
    ward_other_non_casework: int = MISSING      # military commander
    ward_field_posts: Dict[str, float] = MISSING  # casework posts per ward by field
    ward_deployment: str = MISSING            # per_ward | district_secondment: where a district's ward posts work
    ward_min_per_field: int = MISSING         # district_secondment: officers every ward keeps in each field
    ward_secondment_above: float = MISSING    # district_secondment: expected utilisation above which a desk gets staff
    commune_class: str = MISSING              # class of every commune and town (I, II, III)
    commune_posts: Dict[str, int] = MISSING        # class -> cadres + civil servants
    commune_civil_servants: Dict[str, int] = MISSING  # class -> civil servants of those
    commune_leaders: Dict[str, int] = MISSING      # class -> chair + vice-chairs
    commune_other_non_casework: int = MISSING   # military commander
    commune_population_standard: int = MISSING
    commune_area_standard_km2: float = MISSING
    town_population_standard: int = MISSING
    town_area_standard_km2: float = MISSING
    extra_per_population_share: float = MISSING  # +1 civil servant per full share of the population standard above it
    extra_per_area_share: float = MISSING        # +1 civil servant per full share of the area standard above it
    commune_field_mix: Dict[str, float] = MISSING  # casework mix in communes and towns
    district_divisions: Dict[str, List[str]] = MISSING  # district type -> divisions
    division_field: Dict[str, str] = MISSING     # division -> field of its casework
    staff_per_division: float = MISSING      # mean over the city
    district_split: str = MISSING    # uniform | population: how division staff scale between districts
    district_leaders: int = MISSING             # chair + vice-chairs of a district People's Committee


@dataclass
class TierConfig:
    name: str = MISSING
    units: str = MISSING
    districts: bool = MISSING
    staffing: str = MISSING  # three_tier: historical | same_budget; two_tier: same_budget only
    historical: Optional[HistoricalStaffing] = MISSING  # three_tier's posts before 01/7/2025; null in two_tier
    department_leaders: int = MISSING
    escalation: List[str] = MISSING
    district_staff_rule: str = MISSING
    district_staff_share: float = MISSING
    department_officers: int = MISSING
    department_floor: int = MISSING
    district_relay_effort_hours: float = MISSING
    departments: Dict[str, List[str]] = MISSING


@dataclass
class QuotaConfig:
    name: str = MISSING
    budget: int = MISSING
    floor_per_commune: int = MISSING
    field_mix: Dict[str, float] = MISSING
    method: str = MISSING
    n_groups: int = MISSING
    bands: List[float] = MISSING
    area_hours_per_km2: float = MISSING
    overrides: List[str] = MISSING  # "CODE=officers" entries
    file: str = MISSING   # from_file: a saved allocation (CSV or Parquet: commune, field, officers)
    label: str = MISSING  # from_file: a name for the allocation (reports tell allocations apart by it)


@dataclass
class ProcedureSpec:
    name: str = MISSING
    field: str = MISSING
    function: str = MISSING
    weight: float = MISSING
    tier: Dict[str, str] = MISSING
    deadline_days: int = MISSING
    effort_hours: float = MISSING
    # Optional in a catalogue entry: an entry that omits them gets these (item defaults: see the note above).
    consult_prob: float = 0.0  # no consultation one tier up unless the entry says; assumption
    consult_effort_hours: float = 1.0  # assumption
    final_effort_share: float = 0.25  # assumption
    desk_hours: Optional[float] = None   # None: catalogue.desk_check_hours
    wait_days: int = 0                   # no calendar wait after the specialist step; assumption
    wait_reason: str = ""
    certification: bool = False          # not a certification the chair may delegate [T24 L4128-4135]
    location_free: bool = False          # has territorial competence: filed and handled at home (policy location_independent)
    cutoff_hours: Optional[float] = None  # no same-day cut-off (filed later: one day more)
    commune_step_share: float = 0.0       # district-competent: no step at the commune before the district's


@dataclass
class ComplaintSpec:
    name: str = MISSING
    field: str = MISSING
    weight: float = MISSING
    effort_hours: float = MISSING
    first_instance: Dict[str, str] = MISSING


@dataclass
class TaskSpec:
    name: str = MISSING
    origin: str = MISSING
    field: str = MISSING
    effort_hours: float = MISSING
    deadline_days: int = MISSING
    per_commune_per_year: Dict[str, float] = MISSING


@dataclass
class CatalogueConfig:
    procedures: List[ProcedureSpec] = MISSING
    complaint_types: List[ComplaintSpec] = MISSING
    delay_complaint_effort_hours: float = MISSING
    desk_check_hours: float = MISSING   # 0: no desk-check step
    desk_field: str = MISSING
    tasks: List[TaskSpec] = MISSING


@dataclass
class TimelineConfig:
    """steady: one tier design for the whole run; reform_2025: three tiers, then two from reform.date."""
    name: str = MISSING


@dataclass
class PostRound:
    date: str = MISSING
    posts: int = MISSING


@dataclass
class ReformConfig:
    """The switch from three tiers to two inside one run (read only when timeline=reform_2025)."""
    date: str = MISSING                    # the switch, at the opening of this day (or the next working day)
    initial_productivity: float = MISSING  # moved staff's output on the first day, share of normal, in (0, 1]
    learning_weeks: float = MISSING        # weeks until it is back to normal, rising linearly
    added_posts: List[PostRound] = MISSING  # dated rounds of posts added to the communes by the quota rule
    after: TierConfig = dc_field(default_factory=TierConfig)  # the design after the switch (tier/two_tier.yaml)


@dataclass
class OptimiseConfig:
    """govsim-optimise (sim/optimise): objective, constraints, and the two stages' settings."""

    objective: str = MISSING
    floor: int = MISSING                 # officers per commune at least; -1: quota.floor_per_commune
    min_per_field: int = MISSING
    max_change: int = MISSING            # posts a commune may gain or lose against uniform; -1: no limit
    class_iii: List[str] = MISSING  # communes of class III (one vice-chair)
    simulate: bool = MISSING
    seeds: List[int] = MISSING
    sim_years: float = MISSING
    max_minutes: float = MISSING       # > 0: also stop the search before a round would end past this wall time
    candidates: int = MISSING
    move: int = MISSING
    eval_seeds: List[int] = MISSING
    evaluate: bool = MISSING
    n_jobs: int = MISSING
    launcher: str = MISSING        # joblib | ray
    rule_groups: int = MISSING
    target_on_time: float = MISSING    # > 0: minimal-budget mode
    confirm: bool = MISSING           # minimal-budget mode: confirm the budget by simulation
    out_dir: str = MISSING               # empty: results/optimise/<tier>-<objective>


@dataclass
class Config:
    run: RunConfig = dc_field(default_factory=RunConfig)
    demand: DemandConfig = dc_field(default_factory=DemandConfig)
    citizen: CitizenConfig = dc_field(default_factory=CitizenConfig)
    complaints: ComplaintConfig = dc_field(default_factory=ComplaintConfig)
    officer: OfficerConfig = dc_field(default_factory=OfficerConfig)
    leaders: LeadersConfig = dc_field(default_factory=LeadersConfig)
    handback: HandbackConfig = dc_field(default_factory=HandbackConfig)
    calendar: CalendarConfig = dc_field(default_factory=CalendarConfig)
    tier: TierConfig = dc_field(default_factory=TierConfig)
    quota: QuotaConfig = dc_field(default_factory=QuotaConfig)
    catalogue: CatalogueConfig = dc_field(default_factory=CatalogueConfig)
    timeline: TimelineConfig = dc_field(default_factory=TimelineConfig)
    reform: ReformConfig = dc_field(default_factory=ReformConfig)
    optimise: OptimiseConfig = dc_field(default_factory=OptimiseConfig)
    policy: PolicyConfig = dc_field(default_factory=PolicyConfig)


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


def _check_holiday_coverage(holidays: list[str], start: dt.date, days: int) -> None:
    """Every calendar year the run touches has public holidays listed (an empty list: a run without any)."""
    if not holidays:
        return
    end = start + dt.timedelta(days - 1)
    listed = {dt.date.fromisoformat(str(h)).year for h in holidays}
    missing = [y for y in range(start.year, end.year + 1) if y not in listed]
    _check(not missing, f"calendar.holidays lists no public holiday in {', '.join(map(str, missing))} (the run goes "
                        f"from {start} to {end}): add that year's holidays, or set calendar.holidays=[] to run without any")


def validate(cfg: DictConfig | Config) -> Config:
    """Turn a composed config into a typed `Config`, or raise one ConfigError line."""
    if isinstance(cfg, DictConfig):
        cfg = OmegaConf.to_container(cfg, resolve=True, structured_config_mode=None)
        cfg = {k: v for k, v in cfg.items() if k != "hydra"}
        try:
            cfg = OmegaConf.to_object(OmegaConf.merge(OmegaConf.structured(Config), cfg))
        except Exception as exc:  # noqa: BLE001 - OmegaConf's messages run to several lines
            raise ConfigError(describe_hydra_error(exc)) from None
    c: Config = cfg
    r = c.run
    _check(_is_int(r.days) and r.days >= 1, f"run.days must be a whole number >= 1, got {r.days}")
    _check(r.days <= MAX_DAYS, f"run.days must be <= {MAX_DAYS} (ten years), got {r.days}")
    try:
        start = dt.date.fromisoformat(str(r.start_date))
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
    _check(0 <= d.incomplete_share < 1, f"demand.incomplete_share must be in [0, 1), got {d.incomplete_share}")
    _check(d.supplement_days_mean >= 1, f"demand.supplement_days_mean must be >= 1, got {d.supplement_days_mean}")
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
    _check(0 <= o.surge_hours_per_day <= o.workday_hours - o.casework_hours_per_day,
           f"officer.surge_hours_per_day must be in [0, workday_hours - casework_hours_per_day], got {o.surge_hours_per_day}")
    _check(_is_int(o.surge_min_overdue) and o.surge_min_overdue >= 1,
           "officer.surge_min_overdue must be a whole number >= 1")
    _check(o.discipline in DISCIPLINES,
           f"officer.discipline must be one of {', '.join(DISCIPLINES)}, got {o.discipline!r}")

    ld = c.leaders
    _check(0 < ld.signing_hours_per_day <= o.workday_hours,
           f"leaders.signing_hours_per_day must be in (0, workday_hours], got {ld.signing_hours_per_day}")
    _check(ld.minutes_per_file > 0, f"leaders.minutes_per_file must be > 0, got {ld.minutes_per_file}")
    _check(_is_int(ld.sessions_per_day) and 1 <= ld.sessions_per_day <= 8,
           f"leaders.sessions_per_day must be a whole number in 1..8, got {ld.sessions_per_day}")
    for cls, n in ld.commune_vice_chairs.items():
        _check(_is_int(n) and 0 <= n <= 3, f"leaders.commune_vice_chairs.{cls} must be 0..3, got {n}")
    _check(set(ld.commune_classes) <= set(ld.commune_vice_chairs) and sum(ld.commune_classes.values()) > 0,
           "leaders.commune_classes must name classes of leaders.commune_vice_chairs, with counts summing to > 0")
    _check(0 < ld.department_max_utilisation <= 1, "leaders.department_max_utilisation must be in (0, 1]")
    _check(ld.delegated_sign_minutes > 0, f"leaders.delegated_sign_minutes must be > 0, got {ld.delegated_sign_minutes}")
    for name in ("early_share_online", "early_share_in_person"):
        v = getattr(c.handback, name)
        _check(0 <= v <= 1, f"handback.{name} must be in [0, 1], got {v}")

    cal = c.calendar
    for h in cal.holidays:
        try:
            dt.date.fromisoformat(str(h))
        except ValueError:
            raise ConfigError(f"calendar.holidays has a bad date {h!r} (want YYYY-MM-DD)") from None
    _check_holiday_coverage(cal.holidays, start, r.days)
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
    _check(_is_int(t.department_leaders) and t.department_leaders >= 0,
           "tier.department_leaders must be a whole number >= 0")
    _check(t.staffing in STAFFING, f"tier.staffing must be historical or same_budget, got {t.staffing!r}")
    _check(t.staffing == "same_budget" or t.districts,
           f"tier.staffing={t.staffing} applies to three_tier only ({t.name} is staffed by the quota rule: same_budget)")
    if t.staffing == "historical":
        from sim.config_staffing import validate_historical  # the checks of tier.historical, kept apart
        validate_historical(t.historical)
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
    _check(cat.desk_check_hours >= 0, f"catalogue.desk_check_hours must be >= 0, got {cat.desk_check_hours}")
    _check(cat.desk_field in FIELDS, f"catalogue.desk_field: unknown field {cat.desk_field!r}")
    _check(cat.delay_complaint_effort_hours > 0, "catalogue.delay_complaint_effort_hours must be > 0")
    _check(t.district_relay_effort_hours > 0, "tier.district_relay_effort_hours must be > 0")
    for p in cat.procedures:
        _check(p.field in FIELDS, f"procedure {p.name}: unknown field {p.field!r}")
        _check(p.weight >= 0 and p.effort_hours > 0, f"procedure {p.name}: weight must be >= 0 and effort_hours > 0")
        _check(_is_int(p.deadline_days) and p.deadline_days >= 0, f"procedure {p.name}: deadline_days must be >= 0")
        _check(0 <= p.consult_prob <= 1, f"procedure {p.name}: consult_prob must be in [0, 1]")
        _check(p.consult_effort_hours > 0 and p.final_effort_share > 0,
               f"procedure {p.name}: consult_effort_hours and final_effort_share must be > 0")
        _check(p.desk_hours is None or (p.desk_hours > 0 and cat.desk_check_hours > 0),
               f"procedure {p.name}: desk_hours must be > 0 (and catalogue.desk_check_hours > 0 to have a desk step)")
        _check(_is_int(p.wait_days) and 0 <= p.wait_days <= 60, f"procedure {p.name}: wait_days must be 0..60")
        _check(0 <= p.commune_step_share < 1, f"procedure {p.name}: commune_step_share must be in [0, 1)")
        _check(p.cutoff_hours is None or 0 < p.cutoff_hours <= o.workday_hours,
               f"procedure {p.name}: cutoff_hours must be in (0, workday_hours]")
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
    _validate_reform(c, start)
    from sim.config_policy import validate_policy  # the checks of the policy levers, kept apart
    validate_policy(c)
    return c


def _validate_reform(c: Config, start: dt.date) -> None:
    """The reform's settings; for timeline=reform_2025 also the switch inside the run and the design after it."""
    rf = c.reform
    _check(c.timeline.name in TIMELINES,
           f"unknown timeline {c.timeline.name!r} (choose from {', '.join(TIMELINES)})")
    _check(isinstance(rf.initial_productivity, (int, float)) and 0 < rf.initial_productivity <= 1,
           f"reform.initial_productivity must be in (0, 1], got {rf.initial_productivity}")
    _check(rf.learning_weeks >= 0, f"reform.learning_weeks must be >= 0, got {rf.learning_weeks}")
    try:
        switch = dt.date.fromisoformat(str(rf.date))
    except ValueError:
        raise ConfigError(f"reform.date must be a date YYYY-MM-DD, got {rf.date!r}") from None
    reform_run = c.timeline.name != "steady"
    end = start + dt.timedelta(c.run.days - 1)
    _check(not reform_run or start < switch <= end, f"reform.date {rf.date} is outside the run ({start} to {end}): "
                                                    f"timeline={c.timeline.name} switches inside it")
    for r in rf.added_posts:
        _check(_is_int(r.posts) and r.posts >= 0,
               f"reform.added_posts: posts must be a whole number >= 0, got {r.posts} (round of {r.date})")
        try:
            when = dt.date.fromisoformat(str(r.date))
        except ValueError:
            raise ConfigError(f"reform.added_posts has a bad date {r.date!r} (want YYYY-MM-DD)") from None
        _check(when >= switch, f"reform.added_posts: the round of {r.date} comes before reform.date {rf.date}")
    if not reform_run:
        return
    _check(c.tier.name == "three_tier",
           f"timeline={c.timeline.name} starts under three tiers: drop tier={c.tier.name} (the design after the "
           f"switch is reform.after)")
    _check(rf.after.name == "two_tier" and not rf.after.districts,
           f"reform.after must be the two-tier design (tier/two_tier.yaml), got {rf.after.name!r}")
    _check(not c.run.communes, f"timeline={c.timeline.name} runs the whole city: run.communes must be empty")
    from dataclasses import replace
    try:
        validate(replace(c, tier=rf.after, timeline=TimelineConfig(name="steady")))
    except ConfigError as exc:
        raise ConfigError(f"reform.after: {exc}") from None


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
    unloaded = re.search(r"Could not load '([^/']+)/([^']+)'", text)
    if unloaded:  # a list-valued group (policy=[a,b]) names an option that does not exist
        group, choice = unloaded.groups()
        options = ", ".join(sorted(p.stem for p in (config_dir() / group).glob("*.yaml")))
        return f"unknown {group} option {choice!r} (choose from {options})"
    if "Unexpected type for root: NoneType" in text:
        return ("an override sets a key inside a section that is off (null) in this scenario: choose the policy "
                "lever first, e.g. policy=[training] policy.training.strength=0.5")
    full_key = next((ln.split("full_key:")[1].strip() for ln in lines if "full_key:" in ln), None)
    if any("not in struct" in ln or re.search(r"Key '[^']+' not in '", ln) for ln in lines):
        return f"unknown config key {full_key!r}" if full_key else first
    if cause and full_key:
        return f"{full_key}: {cause.splitlines()[0].strip()}"
    if "Could not override" in first:
        detail = next((ln for ln in lines[1:] if not ln.startswith(("To append", "object_type", "reference_type"))), "")
        return f"{first} {detail}".strip()
    return first
