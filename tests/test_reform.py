"""The reform inside one run (timeline=reform_2025), on the small fixture world with a switch a few weeks in."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from scenarios import FIXTURE, small_cfg
from sim.eras import ERA_PREFIX, build_run_world
from sim.ledger import DONE, IN_SERVICE, QUEUED, READY, SIGNING, STATUSES, TRANSIT, WAITING, WITH_CITIZEN
from sim.metrics import unit_daily_table
from sim.model import GovernanceModel
from sim.runner import resolved_yaml, run_scenario
from sim.work import DOSSIER, N_FIELDS

# Starts 2025-01-01 (the timeline's start), switches on Monday 17/2/2025 (working day 27), one round of posts.
REFORM = ("timeline=reform_2025", "reform.date=2025-02-17", "reform.after.department_officers=60",
          "reform.added_posts=[{date: '2025-03-03', posts: 30}]")


def reform_cfg(*overrides: str):
    return small_cfg(*REFORM, *overrides)


def places(model) -> dict[int, int]:
    """How many places each open file sits in: desks, officers' hands, signing trays, hand-back lists, inbox."""
    rec = model.ledger.rec
    count: dict[int, int] = {}

    def seen(rid: int) -> None:
        count[rid] = count.get(rid, 0) + 1

    for unit in model.units:
        for desk in unit.desks:
            for key in desk:
                rid = key & ((1 << 28) - 1)
                if rec.status[rid] == QUEUED and rec.leg_unit[rid, rec.leg[rid]] == unit.index:
                    seen(rid)
    officers = _officers(model)
    for number, since in enumerate(model.in_service_since):
        if since >= 0:  # an officer with a file in hand
            seen(officers[number].file)
    for lead in model.leaderships:
        for key in lead.tray:
            seen(key & ((1 << 28) - 1))
    for rids in list(model.router.handback.values()) + list(model.router.inbox.values()):
        for rid in rids:
            seen(rid)
    return count


def _officer():
    from sim.agents.officer import Officer
    return Officer


def _officers(model) -> dict:
    return {o.number: o for o in model.agents_by_type[_officer()]}


def check_books(model) -> None:
    """Statuses, the ledger's counters and the places files sit in all agree; each open file is in one place."""
    led = model.ledger
    status = led.view("status")
    assert led.in_transit == (status == TRANSIT).sum()
    for code in (WITH_CITIZEN, WAITING, SIGNING, READY):
        assert led.away[code] == (status == code).sum(), STATUSES[code]
    at_desk = np.flatnonzero(np.isin(status, (QUEUED, IN_SERVICE)))
    desk = led.leg_unit[at_desk, led.leg[at_desk]].astype(np.int64) * N_FIELDS + led.leg_field[at_desk, led.leg[at_desk]]
    assert (np.bincount(desk, minlength=led.n_desks) == np.asarray(led.load)).all()
    where = places(model)
    open_files = set(np.flatnonzero(status != DONE).tolist())
    assert set(where) == open_files, "an open file is nowhere, or a resolved one still sits somewhere"
    assert max(where.values(), default=1) == 1, "a file sits in two places"


@pytest.fixture(scope="module")
def stepped():
    """A reform run stepped day by day, its books checked every evening; returns (model, open at the switch)."""
    model = GovernanceModel(build_run_world(reform_cfg("run.days=70")))
    switch = model.reform.switch_day
    open_before = None
    for day in range(model.calendar.n_days):
        if day == switch:
            open_before = int((model.ledger.view("status") != DONE).sum())
        model.step()
        check_books(model)
        if day >= switch:  # every open file sits at (or is bound for) a two-tier unit
            led = model.ledger
            ids = np.flatnonzero(led.view("status") != DONE)
            assert (led.leg_unit[ids, led.leg[ids]] >= model.reform.after.offset).all(), day
    return model, open_before


def test_the_reform_run_conserves_every_file_across_the_switch(stepped):
    model, open_before = stepped
    led = model.ledger
    assert 0 < model.reform.switch_day < model.calendar.n_days
    # Every file open on the evening before the switch was carried over (none lost, none made up).
    assert model.reform.carried_over["all"] == open_before > 100
    status = led.view("status")
    kinds = led.view("kind")
    assert led.n == int((status == DONE).sum() + (status != DONE).sum())
    # Open dossiers are counted open once, at the two-tier unit that now holds their receipt.
    led._count_open_by_deadline()
    open_dossiers = int(((status != DONE) & (kinds == DOSSIER)).sum())
    assert led.held_by_deadline.sum() == open_dossiers
    assert led.held_by_deadline[: model.reform.after.offset * N_FIELDS].sum() == 0
    assert led.held_by_deadline.min() >= 0 and led.open_by_deadline.min() >= 0
    # The three-tier desks are empty and their officers off duty; work went on after the switch.
    first_after = model.reform.after.offset * N_FIELDS
    assert sum(led.load[:first_after]) == 0
    assert not led.day_arrivals[model.reform.switch_day + 1:, :first_after].any()
    assert led.day_left[model.reform.switch_day + 1:, first_after:].sum() > 1000
    assert led.day_available[model.reform.switch_day + 1:, :first_after].sum() == 0


def test_staff_switch_learn_and_grow(stepped):
    model, _ = stepped
    reform, world = model.reform, model.world
    after = reform.after
    on_duty_desks = model.officer_desk[model.on_duty]
    assert (on_duty_desks >= after.offset * N_FIELDS).all()
    grown = reform.staffing[-1][1].reshape(-1, N_FIELDS)[after.offset:]
    assert grown.sum() == after.world.staff.sum() + reform.posts_arrived
    assert 0 < reform.posts_arrived <= 30 + after.world.n_communes * N_FIELDS  # one round of 30 posts
    assert (grown[after.world.n_communes:] == after.world.staff[after.world.n_communes:]).all()  # posts: communes
    # Learning: 12 weeks from the switch, so the run's last day is still below normal output.
    cf = [o.pace for o in model.agents_by_type[_officer()] if model.on_duty[o.number]]  # pace: before any surge
    assert min(cf) > model.clock_factor
    assert all(f < model.clock_factor / model.cfg.reform.initial_productivity for f in cf)
    assert world.unit_code[after.offset].startswith(ERA_PREFIX)


def test_before_the_switch_it_is_a_three_tier_run():
    """Up to the switch, the reform run's days are exactly those of a steady three-tier run from the same day."""
    reform = run_scenario(reform_cfg("run.seed=2"), keep_model=True).model
    switch = reform.reform.switch_day
    steady = run_scenario(small_cfg("tier=three_tier", "run.start_date=2025-01-01", "run.days=47", "run.seed=2"),
                          keep_model=True).model
    a, b = unit_daily_table(reform), unit_daily_table(steady)
    pd.testing.assert_frame_equal(a[a.day < switch].reset_index(drop=True), b[b.day < switch].reset_index(drop=True))


def test_unit_daily_switches_eras_on_the_switch_day(tmp_path):
    r = run_scenario(reform_cfg("run.days=60"), out_dir=tmp_path / "run", keep_model=True)
    daily = pd.read_parquet(tmp_path / "run" / "unit_daily.parquet")
    switch = r.model.reform.switch_day
    before, after = r.model.reform.before.world, r.model.reform.after.world
    units = daily.groupby("day")["unit"].agg(lambda u: frozenset(u))
    assert units[0] == frozenset(before.unit_code) and units[switch - 1] == frozenset(before.unit_code)
    assert units[switch] == frozenset(ERA_PREFIX + c for c in after.unit_code) == units[units.index[-1]]
    assert len(units[switch]) == after.n_units < len(units[0]) == before.n_units
    assert str(daily.loc[daily["day"] == switch, "date"].iloc[0])[:10] == r.summary["reform_date"] == "2025-02-17"
    # The officers column follows the switch and the added posts.
    officers = daily.groupby("day")["officers"].sum()
    assert officers[switch] == after.staff.sum() and officers[0] == before.staff.sum()
    assert officers.iloc[-1] == after.staff.sum() + r.model.reform.posts_arrived
    s = r.summary
    for key in ("before_reform_on_time_rate", "after_reform_on_time_rate", "files_carried_over"):
        assert key in s
    assert "calendar_2025_on_time_rate" not in s  # 60 days do not cover calendar 2025
    assert s["dossiers_resolved_before_reform"] + s["dossiers_resolved_after_reform"] == s["dossiers_resolved"]
    assert s["design"] == "reform_2025/uniform"


def test_same_config_and_seed_same_reform_run_in_another_process():
    code = ("import sys, json; sys.path.insert(0, 'tests'); from test_reform import reform_cfg; "
            "from sim.runner import run_scenario; "
            "print(json.dumps(run_scenario(reform_cfg('run.seed=4', 'run.days=60')).summary))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=FIXTURE.parents[2]).stdout
    here = run_scenario(reform_cfg("run.seed=4", "run.days=60")).summary
    again = run_scenario(reform_cfg("run.seed=4", "run.days=60")).summary
    assert json.loads(out) == here == again
    assert run_scenario(reform_cfg("run.seed=5", "run.days=60")).summary != here


# A steady two-tier run of the small world, computed on the code just before timelines were merged (the
# integration branch's parent of the merge: counter duty and batched signing; recomputed when counter duty came
# to reach officers in the middle of a file). If a deliberate change of the
# model moves these figures, recompute them on that change's parent.
STEADY_BEFORE = {
    'tier': 'two_tier',
    'quota': 'uniform',
    'design': 'two_tier/uniform',
    'staffing': 'same_budget',
    'seed': 3,
    'scale': 1.0,
    'days': 60,
    'start_date': '2025-07-01',
    'reported_at_full_scale': True,
    'dossiers_received': 9606.0,
    'dossiers_resolved': 8230.0,
    'resolved_early_share': 0.26294,
    'resolved_on_time_share': 0.695747,
    'resolved_late_share': 0.041312,
    'on_time_rate': 0.958688,
    'backlog_end': 1376.0,
    'backlog_end_overdue_share': 0.363372,
    'open_within_deadline': 876.0,
    'open_overdue': 500.0,
    'mean_delay_days': 2.055486,
    'p90_delay_days': 5.115417,
    'mean_ready_to_return_days': 1.512029,
    'incomplete_returned': 939.0,
    'supplement_days_mean': 2.910543,
    'signoff_wait_mean_hours': 2.33136,
    'signed_by_leaders': 8537.0,
    'counter_officer_days': 284.0,
    'counter_shortfall_hours': 0.0,
    'complaints_received': 294.0,
    'complaints_resolved': 156.0,
    'complaints_escalated': 25.0,
    'tasks_received': 17.0,
    'tasks_resolved': 16.0,
    'max_commune_backlog': 999.0,
    'max_commune_backlog_unit': '90001',
    'officer_utilisation_mean': 0.480697,
    'commune_utilisation_mean': 0.630382,
    'commune_utilisation_max': 0.997345,
    'online_share': 0.651572,
    'consultations': 330.0,
}


def test_a_steady_run_is_unchanged_by_timelines():
    # Casework hours and no surge as when the figures were taken (a recalibration moves them, not the timelines).
    pinned = ("run.seed=3", "run.days=60", "officer.casework_hours_per_day=3.65", "officer.surge_hours_per_day=0")
    default = run_scenario(small_cfg(*pinned)).summary
    explicit = run_scenario(small_cfg(*pinned, "timeline=steady")).summary
    assert default == explicit
    assert {k: default[k] for k in STEADY_BEFORE} == STEADY_BEFORE  # later keys (e.g. policy) come on top
    # Its config hash is computed without the timeline's settings, as before timelines existed: finished
    # runs of main are still recognised (and skipped) by a re-run.
    sections = [line for line in resolved_yaml(small_cfg("run.seed=3")).splitlines() if not line.startswith(" ")]
    assert "timeline:" not in sections and "reform:" not in sections and "tier:" in sections
    assert "reform:" in resolved_yaml(reform_cfg()).splitlines()


def test_the_reform_preset_runs_both_quota_rules_on_five_seeds():
    from sim.cli import count_jobs, sweeper_params
    from sim.config import compose

    params = sweeper_params(["+experiment=reform"])
    assert sorted(params) == ["quota=uniform,area_grouped", "run.seed=range(0,5)"]
    assert count_jobs(params) == 10
    cfg = compose(["+experiment=reform", "quota=area_grouped"])
    assert (cfg.timeline.name, cfg.tier.name, cfg.quota.name) == ("reform_2025", "three_tier", "area_grouped")
    assert (cfg.run.start_date, cfg.run.days, cfg.run.scale, cfg.reform.date) == ("2025-01-01", 365, 1.0, "2025-07-01")
    assert sum(r.posts for r in cfg.reform.added_posts) == 1200


def test_cli_prints_the_periods_before_and_after_the_switch(tmp_path):
    from scenarios import SMALL

    args = [*SMALL, *REFORM, "run.days=60", "run.report=false", f"run.out_dir={tmp_path}/run"]
    proc = subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "open files carried over on 2025-02-17" in out
    assert "before the switch (to 2025-02-17)" in out and "after the switch (from 2025-02-17)" in out
    assert "reform_2025/uniform" in out


def test_validation_measures_calendar_2025_and_its_halves_from_one_reform_run():
    sys.path.insert(0, str(FIXTURE.parents[2]))
    from experiments.common import measure

    r = run_scenario(small_cfg("timeline=reform_2025", "reform.after.department_officers=60", "run.days=365"),
                     keep_model=True)
    s, got = r.summary, measure(r.model, r.summary)
    assert s["reform_date"] == "2025-07-01" and s["days"] == 365
    assert got["on_time_2025"] == s["calendar_2025_on_time_rate"]
    # The switch is on 1/7, so the halves are the periods before and after it.
    assert got["on_time_2025_h1"] == pytest.approx(s["before_reform_on_time_rate"], abs=1e-6)
    assert got["on_time_2025_h2"] == pytest.approx(s["after_reform_on_time_rate"], abs=1e-6)
    assert 0 < got["julaug_on_time"] <= 1 and got["julaug_commune_dossiers"] > 0
    assert "pilot_ward_complaints" not in got and "complaints_11m" not in got


def test_a_reform_run_keeps_its_design_under_historical_staffing(tmp_path):
    """Three tiers as staffed before the switch: the design is still reform_2025/<quota> (the quota applies from
    the switch), in the summary and in the catalog (which also mends summaries written before this rule)."""
    import json

    from sim.report.catalog import load_run
    from sim.runner import with_staffing
    cfg = reform_cfg("tier.staffing=historical")
    out = with_staffing({"design": "reform_2025/uniform", "seed": 0}, cfg)
    assert out["design"] == "reform_2025/uniform" and out["staffing"] == "historical"
    assert with_staffing({"design": "three_tier/uniform"}, small_cfg("tier=three_tier", "tier.staffing=historical"))[
        "design"] == "three_tier/historical"
    old = {"tier": "three_tier>two_tier", "quota": "area_grouped", "design": "three_tier/historical",
           "staffing": "historical", "timeline": "reform_2025", "seed": 0}
    (tmp_path / "summary.json").write_text(json.dumps(old))
    import pandas as pd

    from sim.report.catalog import PARQUET_TABLES, REQUIRED_COLUMNS
    for table in PARQUET_TABLES:  # empty tables with the columns the catalog needs
        pd.DataFrame({c: pd.Series(dtype="float64") for c in REQUIRED_COLUMNS[table]}).to_parquet(tmp_path / f"{table}.parquet")
    row, _ = load_run(tmp_path, tmp_path.parent)
    assert row is not None and row["design"] == "reform_2025/area_grouped"
