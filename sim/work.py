"""The work: procedure, complaint and task catalogues compiled for one tier design.

A `Catalogue` holds one numpy array per attribute, indexed by procedure (or complaint / task type), so
that a day's arrivals are drawn and routed in vectorised steps. `expected_hours` turns the catalogue and
the population into the casework hours each unit should expect in a year: the yardstick for the
area-grouped quota, for splitting the budget with districts, and for staffing departments.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.config import FIELDS, Config

N_FIELDS = len(FIELDS)
FIELD_INDEX = {f: i for i, f in enumerate(FIELDS)}
LEVEL = {"commune": 0, "district": 1, "city": 2}

# Request kinds and channels, stored as small ints in the records.
DOSSIER, COMPLAINT, TASK = 0, 1, 2
KINDS = ("dossier", "complaint", "task")
IN_PERSON, ONLINE, INTERNAL = 0, 1, 2
CHANNELS = ("in_person", "online", "internal")


@dataclass
class Catalogue:
    """Procedures, complaint types and tasks as arrays for the chosen tier design."""

    tier: str
    proc_names: list[str]
    proc_field: np.ndarray       # field index
    proc_function: list[str]     # department function that serves or is consulted
    proc_prob: np.ndarray        # share of dossiers
    proc_level: np.ndarray       # competent level (LEVEL)
    proc_deadline: np.ndarray    # working days after the filing day
    proc_effort: np.ndarray      # mean officer hours at the competent unit
    proc_consult_prob: np.ndarray
    proc_consult_effort: np.ndarray
    proc_final_share: np.ndarray
    proc_desk_hours: np.ndarray  # desk check at the one-stop desk (0: no desk step)
    proc_wait_days: np.ndarray   # calendar wait after the specialist step, working days
    proc_certification: np.ndarray  # bool: a certification the chair may delegate
    proc_cutoff: np.ndarray      # working hours after opening from which the time limit starts next day (inf: none)
    proc_commune_share: np.ndarray  # of the effort, done first at the commune when the district is competent
    desk_field: int              # field of a commune's or district's one-stop desk
    complaint_names: list[str]
    complaint_field: np.ndarray
    complaint_prob: np.ndarray
    complaint_effort: np.ndarray
    complaint_level: np.ndarray
    delay_complaint_effort: float
    task_names: list[str]
    task_origin: list[str]
    task_field: np.ndarray        # -1 = any field (drawn by casework weights)
    task_effort: np.ndarray
    task_deadline: np.ndarray
    task_rate: np.ndarray         # per commune per year

    @property
    def n_procedures(self) -> int:
        return len(self.proc_names)


def compile_catalogue(cfg: Config) -> Catalogue:
    tier = cfg.tier.name
    procs = cfg.catalogue.procedures
    weights = np.array([p.weight for p in procs], dtype=float)
    comp = cfg.catalogue.complaint_types
    cw = np.array([c.weight for c in comp], dtype=float) if comp else np.zeros(0)
    tasks = cfg.catalogue.tasks
    return Catalogue(
        tier=tier,
        proc_names=[p.name for p in procs],
        proc_field=np.array([FIELD_INDEX[p.field] for p in procs], dtype=np.int8),
        proc_function=[p.function for p in procs],
        proc_prob=weights / weights.sum(),
        proc_level=np.array([LEVEL[p.tier[tier]] for p in procs], dtype=np.int8),
        proc_deadline=np.array([p.deadline_days for p in procs], dtype=np.int32),
        proc_effort=np.array([p.effort_hours for p in procs]),
        proc_consult_prob=np.array([p.consult_prob for p in procs]),
        proc_consult_effort=np.array([p.consult_effort_hours for p in procs]),
        proc_final_share=np.array([p.final_effort_share for p in procs]),
        proc_desk_hours=np.array([0.0 if cfg.catalogue.desk_check_hours <= 0 else
                                  (p.desk_hours if p.desk_hours is not None else cfg.catalogue.desk_check_hours)
                                  for p in procs]),
        proc_wait_days=np.array([p.wait_days for p in procs], dtype=np.int32),
        proc_certification=np.array([bool(p.certification) for p in procs]),
        proc_cutoff=np.array([np.inf if p.cutoff_hours is None else p.cutoff_hours for p in procs]),
        proc_commune_share=np.array([p.commune_step_share if p.tier[tier] == "district" else 0.0 for p in procs]),
        desk_field=FIELD_INDEX[cfg.catalogue.desk_field],
        complaint_names=[c.name for c in comp],
        complaint_field=np.array([FIELD_INDEX[c.field] for c in comp], dtype=np.int8),
        complaint_prob=cw / cw.sum() if cw.sum() > 0 else cw,
        complaint_effort=np.array([c.effort_hours for c in comp]),
        complaint_level=np.array([LEVEL[c.first_instance[tier]] for c in comp], dtype=np.int8),
        delay_complaint_effort=cfg.catalogue.delay_complaint_effort_hours,
        task_names=[t.name for t in tasks],
        task_origin=[t.origin for t in tasks],
        task_field=np.array([FIELD_INDEX.get(t.field, -1) for t in tasks], dtype=np.int8),
        task_effort=np.array([t.effort_hours for t in tasks]),
        task_deadline=np.array([t.deadline_days for t in tasks], dtype=np.int32),
        task_rate=np.array([t.per_commune_per_year.get(tier, 0.0) for t in tasks]),
    )


@dataclass
class ExpectedHours:
    """Yearly casework hours expected per unit and field, at full scale."""

    commune: np.ndarray      # (n_communes, N_FIELDS)
    district: np.ndarray     # (n_districts, N_FIELDS)
    city: dict[str, np.ndarray]  # function -> (N_FIELDS,)


def expected_hours(cfg: Config, cat: Catalogue, weighted_pop: np.ndarray, commune_district: np.ndarray,
                   n_districts: int) -> ExpectedHours:
    """Expected yearly hours from demand (weighted_pop: demand-weighted residents per commune).

    Hours are officer effort hours (not clock hours); consultation goes one tier up from the competent
    unit; complaints are counted at their first instance; tasks at the commune (plus the district relay).
    """
    n = len(weighted_pop)
    share = weighted_pop / weighted_pop.sum() if weighted_pop.sum() > 0 else np.zeros(n)
    dossiers = cfg.demand.dossiers_per_year * share  # per commune
    commune = np.zeros((n, N_FIELDS))
    district = np.zeros((n_districts, N_FIELDS))
    city: dict[str, np.ndarray] = {}
    has_districts = n_districts > 0

    def to_city(function: str, f: int, hours: float) -> None:
        city.setdefault(function, np.zeros(N_FIELDS))[f] += hours

    checks = 1.0 + cfg.demand.incomplete_share  # an incomplete dossier is checked twice
    delegated = cfg.leaders.sign_off and cfg.leaders.delegate_certification
    for p in range(cat.n_procedures):
        f, level = cat.proc_field[p], cat.proc_level[p]
        vol = dossiers * cat.proc_prob[p]
        eff, cp = cat.proc_effort[p], cat.proc_consult_prob[p]
        if delegated and cat.proc_certification[p]:
            eff = eff + cfg.leaders.delegated_sign_minutes / 60.0
        own = vol * eff * (1 + cp * cat.proc_final_share[p])
        desk = vol * cat.proc_desk_hours[p] * checks
        fd = cat.desk_field
        if level == LEVEL["commune"] or cat.proc_commune_share[p] > 0:  # filed at the commune's counter
            commune[:, fd] += desk
        elif level == LEVEL["district"]:
            np.add.at(district[:, fd], commune_district, desk)
        else:
            to_city(cat.proc_function[p], f, desk.sum())
        up = vol.sum() * cp * cat.proc_consult_effort[p]
        fn = cat.proc_function[p]
        if level == LEVEL["commune"]:
            commune[:, f] += own
            if has_districts:
                np.add.at(district[:, f], commune_district, vol * cp * cat.proc_consult_effort[p])
            else:
                to_city(fn, f, up)
        elif level == LEVEL["district"]:
            first = vol * eff * cat.proc_commune_share[p]  # the commune's step before the district's
            commune[:, f] += first
            np.add.at(district[:, f], commune_district, own - first)
            to_city(fn, f, up)
        else:
            to_city(fn, f, vol.sum() * eff)

    letters = cfg.complaints.letters_per_year * share
    for k in range(len(cat.complaint_names)):
        hours = letters * cat.complaint_prob[k] * cat.complaint_effort[k]
        f, level = cat.complaint_field[k], cat.complaint_level[k]
        if level == LEVEL["commune"]:
            commune[:, f] += hours
        elif level == LEVEL["district"]:
            np.add.at(district[:, f], commune_district, hours)
        else:
            to_city("inspectorate", f, hours.sum())
        # Complaints that outlive their limit climb to the city inspectorate: staff it for them.
        if level != LEVEL["city"]:
            to_city("inspectorate", f, hours.sum() * cfg.complaints.expected_escalated_share)

    any_field = commune.sum(axis=0)
    any_field = any_field / any_field.sum() if any_field.sum() > 0 else np.full(N_FIELDS, 1 / N_FIELDS)
    for k in range(len(cat.task_names)):
        per_commune = cat.task_rate[k] * cat.task_effort[k]
        mix = np.eye(N_FIELDS)[cat.task_field[k]] if cat.task_field[k] >= 0 else any_field
        commune += per_commune * mix
        if has_districts and cat.task_origin[k] == "city":
            relay = cat.task_rate[k] * cfg.tier.district_relay_effort_hours
            np.add.at(district, commune_district, relay * mix)
    return ExpectedHours(commune=commune, district=district, city=city)
