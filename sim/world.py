"""The world for one scenario: Hanoi's units, their staff, and the citizen cohorts.

Built once from the config and the shipped geography tables (sim/data/), before any simulation. Citizens
are cohorts of the pre-reform units split by where they went on 01/7/2025, so that both tier designs serve
the very same people (common random numbers across designs).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import FIELDS, Config, ConfigError
from sim.quotas import allocate, largest_remainder
from sim.signers import commune_classes
from sim.policy_world import add_posts, commune_neighbours
from sim.calendar import WorkingCalendar
from sim.staffing import historical_posts
from sim.work import N_FIELDS, Catalogue, ExpectedHours, compile_catalogue, expected_hours

DATA_DIR = Path(__file__).resolve().parent / "data"
TABLES = ("communes_2tier", "communes_3tier", "commune_transition", "districts")
COMMUNE, DISTRICT, DEPARTMENT = 0, 1, 2
UNIT_KINDS = ("commune", "district", "department")


@dataclass
class World:
    cfg: Config
    catalogue: Catalogue
    unit_code: list[str]          # communes, then districts, then departments
    unit_name: list[str]
    unit_kind: np.ndarray         # COMMUNE / DISTRICT / DEPARTMENT
    unit_parent: np.ndarray       # commune -> its district unit (three-tier), else -1
    staff: np.ndarray             # (n_units, N_FIELDS) simulated officers
    allocation: pd.DataFrame      # full-scale quota, one row per unit x field (the run contract)
    quota_table: pd.DataFrame     # per commune: group, officers, casework per field
    function_unit: dict[str, int]  # department function -> department unit
    cohort_unit: np.ndarray       # citizen cohort -> commune unit in this design
    cohort_size: np.ndarray       # residents
    cohort_urban: np.ndarray      # bool
    cohort_demand: np.ndarray     # dossiers per year at full scale
    population_total: float       # residents of the whole design (before any subset)
    n_communes: int
    n_districts: int
    hours: ExpectedHours
    department_functions: dict[str, list[str]]  # department code -> the functions it serves
    eras: list | None = None      # a run holding the reform: its designs (sim/eras.py); None: one design
    leaders: np.ndarray | None = None  # per unit, full scale: chair + vice-chairs (directors + deputies): they sign
    other_non_casework: np.ndarray | None = None  # per unit, full scale: other posts outside the queues (military)
    neighbours: list | None = None  # per commune: its neighbours' indices (policy location_independent)

    @property
    def n_units(self) -> int:
        return len(self.unit_code)


def load_tables(data_dir: str | Path | None = None) -> dict[str, pd.DataFrame]:
    folder = Path(data_dir) if data_dir else DATA_DIR
    out = {}
    for name in TABLES:
        path = folder / f"{name}.csv"
        if not path.is_file():
            raise ConfigError(f"geography table {path} is missing (rebuild with scripts/build_geography.py)")
        code_cols = {c: str for c in ("unit_code", "old_code", "new_code", "district_code")}
        out[name] = pd.read_csv(path, dtype=code_cols)
    return out


def build_world(cfg: Config, data_dir: str | Path | None = None) -> World:
    tables = load_tables(data_dir or cfg.run.geography_dir or None)
    cat = compile_catalogue(cfg)
    three = cfg.tier.districts
    communes = tables[cfg.tier.units].sort_values("unit_code").reset_index(drop=True)
    old = tables["communes_3tier"].set_index("unit_code")
    trans = tables["commune_transition"]
    trans = trans[trans["population"] > 0]

    # Citizen cohorts: pieces of old units, by where they went, split urban / rural.
    design_code = trans["old_code"] if three else trans["new_code"]
    commune_index = pd.Series(np.arange(len(communes)), index=communes["unit_code"].astype(str))
    piece_commune = commune_index.reindex(design_code.astype(str)).to_numpy()
    if np.isnan(piece_commune.astype(float)).any():
        raise ConfigError("geography tables disagree: a transition row names a commune missing from the table")
    urban_share = (old["urban_population"] / old["population"].clip(lower=1)).reindex(trans["old_code"]).fillna(0).to_numpy()
    per_agent = cfg.demand.citizens_per_agent
    piece_pop = trans["population"].to_numpy(dtype=float)
    sizes, units, urban = [], [], []
    for is_urban, part in ((True, piece_pop * urban_share), (False, piece_pop * (1 - urban_share))):
        n_agents = np.where(part > 0, np.maximum(1, np.round(part / per_agent)), 0).astype(int)
        sizes.append(np.repeat(part / np.maximum(n_agents, 1), n_agents))
        units.append(np.repeat(piece_commune.astype(int), n_agents))
        urban.append(np.full(n_agents.sum(), is_urban))
    cohort_size, cohort_unit, cohort_urban = map(np.concatenate, (sizes, units, urban))
    weight = cohort_size * np.where(cohort_urban, cfg.demand.urban_demand_factor, 1.0)
    cohort_demand = cfg.demand.dossiers_per_year * weight / weight.sum()
    population_total = float(cohort_size.sum())

    # Districts (three-tier only) and the commune -> district link.
    if three:
        districts = tables["districts"].sort_values("district_code").reset_index(drop=True)
        d_index = pd.Series(np.arange(len(districts)), index=districts["district_code"])
        commune_district = d_index.reindex(communes["district_code"]).to_numpy().astype(int)
    else:
        districts = tables["districts"].iloc[0:0]
        commune_district = np.full(len(communes), -1)
    weighted_pop = np.bincount(cohort_unit, weights=weight, minlength=len(communes))
    hours = expected_hours(cfg, cat, weighted_pop, np.maximum(commune_district, 0), len(districts))

    # Communes and (three-tier) district offices: posts as they were, or the budget split (see below).
    if three and cfg.tier.staffing == "historical":
        year = WorkingCalendar(cfg.run.start_date, 365, cfg.calendar.holidays).working_days_within(365)
        posts = historical_posts(cfg.tier.historical, communes, districts, hours.commune,
                                 year * cfg.officer.casework_hours_per_day)
        quota, district_staff = posts.table, posts.district
        c_leaders, c_other, d_leaders = posts.commune_leaders, posts.commune_other, posts.district_leaders
    else:
        quota, district_staff = _same_budget(cfg, communes, hours, three)
        # The chair and the vice-chairs the commune's class allows [T24], within its non-casework posts.
        classes = commune_classes(quota["population"].to_numpy(float), cfg.leaders.commune_classes)
        chairs = np.array([1 + cfg.leaders.commune_vice_chairs[c] for c in classes])
        c_leaders = np.minimum(quota["non_casework"].to_numpy(), chairs)
        c_other = quota["non_casework"].to_numpy() - c_leaders
        d_leaders = np.full(len(districts), cfg.tier.historical.district_leaders if three else 0, dtype=int)

    quota = add_posts(cfg, quota, hours.commune)  # policy added_posts: on top of the posts (sim/policy_world.py)

    # City departments: casework officers shared by expected hours of the functions they serve.
    depts = list(cfg.tier.departments.items())
    dept_hours = np.array([sum((hours.city.get(fn, np.zeros(N_FIELDS)) for fn in fns), np.zeros(N_FIELDS))
                           for _, fns in depts]).reshape(-1, N_FIELDS)
    # Every department keeps a floor; the rest follows expected hours.
    floor = cfg.tier.department_floor
    dept_total = floor + largest_remainder(cfg.tier.department_officers - floor * len(depts), dept_hours.sum(axis=1))
    dept_staff = np.array([_one_field_at_least(t, h) for t, h in zip(dept_total, dept_hours)]).reshape(-1, N_FIELDS)
    served = {fn for _, fns in depts for fn in fns}
    missing = sorted({f for f in cat.proc_function} - served) + ([] if "inspectorate" in served else ["inspectorate"])
    if missing:
        raise ConfigError(f"tier {cfg.tier.name}: no department serves function {missing[0]!r}")

    # Optional subset of communes.
    keep = np.ones(len(communes), dtype=bool)
    if cfg.run.communes:
        wanted = [str(c) for c in cfg.run.communes]
        unknown = [c for c in wanted if c not in commune_index.index]
        if unknown:
            raise ConfigError(f"unknown commune code {unknown[0]!r} in run.communes (not a {cfg.tier.name} unit)")
        keep = communes["unit_code"].astype(str).isin(wanted).to_numpy()
    kept = np.flatnonzero(keep)
    renumber = np.full(len(communes), -1)
    renumber[kept] = np.arange(len(kept))
    in_subset = keep[cohort_unit]
    cohort_size, cohort_urban, cohort_demand = cohort_size[in_subset], cohort_urban[in_subset], cohort_demand[in_subset]
    cohort_unit = renumber[cohort_unit[in_subset]]
    pop_share = communes["population"].to_numpy()[keep].sum() / max(communes["population"].sum(), 1)
    used_districts = np.unique(commune_district[keep]) if three else np.zeros(0, dtype=int)
    d_renumber = np.full(len(districts), -1)
    d_renumber[used_districts] = np.arange(len(used_districts))

    n_c, n_d = len(kept), len(used_districts)
    unit_code = communes["unit_code"].astype(str).to_numpy()[kept].tolist()
    unit_name = communes["name"].to_numpy()[kept].tolist()
    unit_code += [f"D{c}" for c in districts["district_code"].to_numpy()[used_districts]]
    unit_name += districts["district_name"].to_numpy()[used_districts].tolist()
    unit_code += [f"dept:{k}" for k, _ in depts]
    unit_name += [k.replace("_", " ").title() for k, _ in depts]
    kind = np.array([COMMUNE] * n_c + [DISTRICT] * n_d + [DEPARTMENT] * len(depts), dtype=np.int8)
    parent = np.full(len(unit_code), -1)
    if three:
        parent[:n_c] = n_c + d_renumber[commune_district[kept]]
    function_unit = {fn: n_c + n_d + j for j, (_, fns) in enumerate(depts) for fn in fns}

    full_staff = np.vstack([quota[list(FIELDS)].to_numpy()[kept], district_staff[used_districts],
                            np.where(dept_staff > 0, np.maximum(1, np.round(dept_staff * pop_share)), 0).astype(int)])
    staff = _scaled(full_staff, cfg.run.scale)
    allocation = _allocation_table(unit_code, unit_name, kind, full_staff, quota[keep], districts, used_districts)
    n_dept = len(depts)
    leaders = np.concatenate([c_leaders[kept], d_leaders[used_districts], np.full(n_dept, cfg.tier.department_leaders)])
    other = np.concatenate([c_other[kept], np.zeros(n_d + n_dept, dtype=int)])
    neighbours = commune_neighbours(tables, unit_code[:n_c], three) if cfg.policy.location_independent else None
    return World(cfg=cfg, catalogue=cat, unit_code=unit_code, unit_name=unit_name, unit_kind=kind,
                 unit_parent=parent, staff=staff, allocation=allocation, quota_table=quota,
                 function_unit=function_unit, cohort_unit=cohort_unit, cohort_size=cohort_size,
                 cohort_urban=cohort_urban, cohort_demand=cohort_demand, population_total=population_total, n_communes=n_c, n_districts=n_d,
                 hours=hours, leaders=leaders.astype(int), other_non_casework=other.astype(int),
                 department_functions={f"dept:{k}": list(fns) for k, fns in depts}, neighbours=neighbours)


def _same_budget(cfg: Config, communes: pd.DataFrame, hours: ExpectedHours, three: bool):
    """The quota budget split between communes and (three-tier) district offices.

    Each commune's non-casework posts (chair, vice-chairs, military) come off the top; the casework pool
    is then split by the rule (`workload`: in proportion to each tier's expected hours).
    """
    budget = cfg.quota.budget
    district_budget = 0
    if three:
        if cfg.tier.district_staff_rule == "workload":
            d_share = hours.district.sum() / (hours.district.sum() + hours.commune.sum())
        else:
            d_share = cfg.tier.district_staff_share
        pool = budget - cfg.officer.non_casework_per_commune * len(communes)
        if pool <= 0:
            raise ConfigError(f"quota.budget {budget} does not cover the non-casework posts of {len(communes)} communes")
        district_budget = int(round(pool * d_share))
    quota = allocate(cfg.quota, communes, hours.commune, budget - district_budget, cfg.officer.non_casework_per_commune)
    district_staff = largest_remainder(district_budget, hours.district.ravel()).reshape(-1, N_FIELDS) if three \
        else np.zeros((0, N_FIELDS), dtype=int)
    return quota, district_staff


def _one_field_at_least(total: int, weights: np.ndarray) -> np.ndarray:
    if weights.sum() <= 0:
        weights = np.ones(N_FIELDS)
    return largest_remainder(int(total), weights)


def _scaled(staff: np.ndarray, scale: float) -> np.ndarray:
    """Officers at run.scale: rounded, but a field that has staff keeps at least one officer."""
    if scale >= 1:
        return staff.astype(int)
    return np.where(staff > 0, np.maximum(1, np.round(staff * scale)), 0).astype(int)


def _allocation_table(codes, names, kind, staff, quota, districts, used_districts) -> pd.DataFrame:
    n_c = len(quota)
    group = quota["quota_group"].tolist() + ["district"] * len(used_districts) + \
        ["department"] * (len(codes) - n_c - len(used_districts))
    population = quota["population"].tolist() + districts["population"].to_numpy()[used_districts].tolist() + \
        [np.nan] * (len(codes) - n_c - len(used_districts))
    area = quota["area_km2"].tolist() + districts["area_km2"].to_numpy()[used_districts].tolist() + \
        [np.nan] * (len(codes) - n_c - len(used_districts))
    wide = pd.DataFrame({"unit": codes, "unit_name": names, "unit_kind": [UNIT_KINDS[k] for k in kind],
                         "quota_group": group, "population": population, "area_km2": area})
    long = wide.loc[wide.index.repeat(N_FIELDS)].reset_index(drop=True)
    long["field"] = np.tile(FIELDS, len(codes))
    long["officers"] = staff.ravel().astype(np.int32)
    return long
