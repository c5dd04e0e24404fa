"""Shared scenario builders: a small fixture world with the real tables' columns, and a one-commune queue."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.config import compose

FIXTURE = Path(__file__).parent / "fixtures" / "geography"

# A stressed small world: 5 old units / 3 new ones, demand high enough for queues, escalations, consultations.
# Staffed by the budget in both designs (tier.staffing=same_budget); historical staffing: tests/test_staffing.py.
SMALL = [f"run.geography_dir={FIXTURE}", "tier.staffing=same_budget", "demand.dossiers_per_year=60000", "complaints.letters_per_year=1500",
         "quota.budget=120", "tier.department_officers=60", "run.days=120", "run.progress=false"]


def small_cfg(*overrides: str):
    return compose(SMALL + list(overrides))


def one_commune_dir(tmp: Path) -> Path:
    """Geography with a single commune (in one district), for the queueing-theory checks."""
    tmp.mkdir(parents=True, exist_ok=True)
    pd.DataFrame([dict(unit_code="00001", name="Một", unit_type="ward", district_code="001", district_name="Một",
                       district_type="urban_district", population=10000, population_2019=10000, urban_population=10000,
                       rural_population=0, households=3000, area_km2=1.0, new_units="90001", new_shares="1.0")]
                 ).to_csv(tmp / "communes_3tier.csv", index=False)
    pd.DataFrame([dict(old_code="00001", new_code="90001", population=10000, area_km2=1.0)]).to_csv(
        tmp / "commune_transition.csv", index=False)
    pd.DataFrame([dict(unit_code="90001", name="Một", unit_type="ward", population=10000, population_2019=10000,
                       urban_population=10000, rural_population=0, households=3000, area_km2=1.0, density=10000,
                       tdp_count=None, predecessor_codes="00001", predecessor_names="Một", districts="Một")]
                 ).to_csv(tmp / "communes_2tier.csv", index=False)
    pd.DataFrame([dict(district_code="001", district_name="Một", district_type="urban_district", n_units=1,
                       population=10000, population_2019=10000, households=3000, area_km2=1.0)]
                 ).to_csv(tmp / "districts.csv", index=False)
    return tmp


def mmc_cfg(geo: Path, servers: int, arrivals_per_hour: float, effort_hours: float, days: int, seed: int):
    """An M/M/c queue: one commune, one field, Poisson arrivals, exponential effort, nothing else.

    Working hours are the clock, so nights and weekends take no time; arrivals are a Poisson process in
    working time (Poisson counts per day, uniform times within it).
    """
    per_day = arrivals_per_hour * 8.0
    cfg = compose([
        f"run.geography_dir={geo}", f"run.days={days}", f"run.seed={seed}", "run.progress=false",
        "calendar.holidays=[]", "calendar.arrival_resolution_minutes=0", "calendar.transfer_delay_days=0",
        "demand.online_after_hours_share=0", "demand.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]",
        "complaints.letters_per_year=0", "catalogue.tasks=[]", "officer.absence_rate=0", "officer.cross_field=false",
        "officer.non_casework_per_commune=0", "officer.effort_cv=1.0", "officer.casework_hours_per_day=8",
        "officer.workday_hours=8", "officer.surge_hours_per_day=0", f"quota.budget={servers}", "quota.floor_per_commune=0",
        # No desk check, no supplementation, no sign-off, results back as soon as ready: the specialist's desk alone.
        "catalogue.desk_check_hours=0", "demand.incomplete_share=0", "leaders.sign_off=false",
        "handback.early_share_online=1", "handback.early_share_in_person=1",
        "tier.department_floor=0", "quota.field_mix={office_statistics: 1.0, land_construction: 0, justice_civil_status: 0, culture_society: 0, "
        "finance: 0, economy: 0}", "tier.department_officers=0",
        "catalogue.procedures=[{name: service, field: office_statistics, function: office, weight: 1, "
        f"tier: {{three_tier: commune, two_tier: commune}}, deadline_days: 5, effort_hours: {effort_hours}}}]",
    ])
    # Demand is set per working day: the config speaks per year, so convert with the run's own calendar.
    from sim.calendar import WorkingCalendar
    cal = WorkingCalendar(cfg.run.start_date, 365, [])
    working_days = sum(1 for d in cal.dates if (d - cal.start).days < 365)
    cfg.demand.dossiers_per_year = per_day * working_days
    return cfg
