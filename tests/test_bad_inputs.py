"""The catalogue of bad inputs: each stops `govsim` with one line on stderr and exit code 2, never a traceback.

Every case goes through the real command-line entry, `sim.cli.main`, with its own argv; all are caught
before anything is simulated (composing, validating, building the world, probing the output folders),
so the whole catalogue takes seconds. tests/test_config_errors.py runs a few of them in a subprocess.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim import cli

UNWRITABLE = "/proc/govsim-test/out"  # /proc takes no new folders, even for root

CATALOGUE = [
    # unknown names
    (["run.dayz=3"], "unknown config key 'run.dayz'"),
    (["+run.colour=red"], "unknown config key 'run.colour'"),
    (["tier=four_tier"], "unknown tier design 'four_tier'"),
    (["quota=hexagonal"], "unknown quota design 'hexagonal'"),
    (["+experiment=nope"], "unknown experiment design 'nope'"),
    (["~run.days"], "run.days"),
    # policy levers (conf/policy/)
    (["policy=[nope]"], "unknown policy option 'nope' (choose from added_posts, delegate_signing"),
    (["policy=[delegate_signing,nope]"], "unknown policy option 'nope'"),
    (["policy=[online_2026]", "policy.online_2026.strength=2"], "policy.online_2026.strength must be in [0, 1], got 2.0"),
    (["policy=[added_posts]", "policy.added_posts.strength=-3"], "policy.added_posts.strength must be a whole number"),
    (["policy=[training]", "policy.training.fields=[roads]"], "policy.training.fields: unknown field 'roads'"),
    (["policy.training.strength=0.5"], "choose the policy lever first"),
    # run
    (["run.days=0"], "run.days must be a whole number >= 1"),
    (["run.days=abc"], "run.days"),
    (["run.days=100000"], "run.days must be <= 3660 (ten years), got 100000"),
    (["run.days=2500"], "calendar.holidays lists no public holiday in 2031, 2032"),
    (["run.start_date=2031-01-01"], "calendar.holidays lists no public holiday in 2031"),
    (["run.start_date=2024-07-01"], "calendar.holidays lists no public holiday in 2024"),
    (["run.start_date=2025-13-01"], "run.start_date must be a date YYYY-MM-DD"),
    (["run.seed=-1"], "run.seed must be a whole number >= 0"),
    (["run.scale=7"], "run.scale must be in (0, 1]"),
    (["run.scale=0"], "run.scale must be in (0, 1]"),
    (["run.communes=[99999]"], "unknown commune code '99999'"),
    (["run.geography_dir=/nonexistent/govsim"], "/nonexistent/govsim"),
    # output folders
    ([f"run.out_dir={UNWRITABLE}"], f"run.out_dir '{UNWRITABLE}' cannot be written"),
    (["run.out_dir={file}"], "is a file, not a folder"),
    ([f"hydra.run.dir={UNWRITABLE}"], f"hydra.run.dir '{UNWRITABLE}' cannot be written"),
    (["-m", "run.seed=0,1", f"hydra.sweep.dir={UNWRITABLE}"], f"hydra.sweep.dir '{UNWRITABLE}' cannot be written"),
    # demand, citizens, complaints
    (["demand.online_share=1.2"], "demand.online_share must be in [0, 1]"),
    (["demand.seasonality=[1,1]"], "demand.seasonality must list 12 positive monthly factors"),
    (["demand.citizens_per_agent=0"], "demand.citizens_per_agent must be a whole number >= 1"),
    (["citizen.late_complaint_prob=2"], "citizen.late_complaint_prob must be in [0, 1]"),
    (["complaints.complex_share=-0.1"], "complaints.complex_share must be in [0, 1]"),
    # officers and calendar
    (["officer.absence_rate=1.5"], "officer.absence_rate must be in [0, 1)"),
    (["officer.casework_hours_per_day=9"], "officer.casework_hours_per_day must be in (0, workday_hours]"),
    (["officer.workday_hours=25"], "officer.workday_hours must be in (0, 24]"),
    (["officer.cross_field_penalty=0.5"], "officer.cross_field_penalty must be >= 1"),
    (["calendar.holidays=[2025-02-30]"], "calendar.holidays has a bad date '2025-02-30'"),
    # the reform inside one run (timeline=reform_2025)
    (["timeline=yearly"], "unknown timeline design 'yearly'"),
    (["timeline=reform_2025", "reform.date=2026-03-01"],
     "reform.date 2026-03-01 is outside the run (2025-01-01 to 2025-12-31)"),
    (["timeline=reform_2025", "reform.date=2024-12-01"], "reform.date 2024-12-01 is outside the run"),
    (["reform.date=2025-02-30"], "reform.date must be a date YYYY-MM-DD"),
    (["timeline=reform_2025", "reform.added_posts=[{date: '2025-09-01', posts: -5}]"],
     "reform.added_posts: posts must be a whole number >= 0, got -5"),
    (["reform.added_posts=[{date: '2025-03-01', posts: 10}]"], "the round of 2025-03-01 comes before reform.date"),
    (["reform.initial_productivity=0"], "reform.initial_productivity must be in (0, 1], got 0"),
    (["timeline=reform_2025", "reform.initial_productivity=1.5"], "reform.initial_productivity must be in (0, 1]"),
    (["reform.learning_weeks=-2"], "reform.learning_weeks must be >= 0"),
    (["timeline=reform_2025", "tier=two_tier"], "timeline=reform_2025 starts under three tiers"),
    (["timeline=reform_2025", "run.communes=[00004]"], "timeline=reform_2025 runs the whole city"),
    (["timeline=reform_2025", "reform.after.department_officers=-3"], "reform.after: tier.department_officers"),
    # the life of a dossier
    (["officer.discipline=lifo"], "officer.discipline must be one of due_date, fifo, got 'lifo'"),
    (["demand.incomplete_share=1.5"], "demand.incomplete_share must be in [0, 1)"),
    (["demand.supplement_days_mean=0"], "demand.supplement_days_mean must be >= 1"),
    (["leaders.signing_hours_per_day=-1"], "leaders.signing_hours_per_day must be in (0, workday_hours]"),
    (["leaders.minutes_per_file=0"], "leaders.minutes_per_file must be > 0"),
    (["leaders.sessions_per_day=0"], "leaders.sessions_per_day must be a whole number in 1..8"),
    (["leaders.commune_vice_chairs.I=5"], "leaders.commune_vice_chairs.I must be 0..3"),
    (["leaders.department_max_utilisation=0"], "leaders.department_max_utilisation must be in (0, 1]"),
    (["handback.early_share_online=2"], "handback.early_share_online must be in [0, 1]"),
    (["+handback.late_share=1"], "unknown config key 'handback.late_share'"),
    (["catalogue.desk_check_hours=-0.1"], "catalogue.desk_check_hours must be >= 0"),
    (["catalogue.desk_field=kitchen"], "catalogue.desk_field: unknown field 'kitchen'"),
    (["calendar.transfer_delay_days=-1"], "calendar.transfer_delay_days must be a whole number >= 0"),
    # tiers and quotas
    (["tier.district_staff_rule=magic"], "tier.district_staff_rule must be none, workload or fixed"),
    (["tier.district_relay_effort_hours=0"], "tier.district_relay_effort_hours must be > 0"),
    (["quota.budget=-5"], "quota.budget must be a whole number > 0"),
    (["quota.budget=9251.5"], "quota.budget"),
    (["quota.budget=300"], "smaller than the floors"),
    (["quota=area_grouped", "quota.n_groups=0"], "quota.n_groups must be a whole number >= 1"),
    (["quota=area_grouped", "quota.method=bands", "quota.bands=[5,3]"], "quota.bands must be increasing and > 0"),
    (["+quota.field_mix.astrology=1"], "quota.field_mix has an unknown field 'astrology'"),
    (["quota.overrides=['99999=3']"], "unknown commune code '99999'"),
    (["quota.overrides=['00004=-3']"], "must be CODE=officers, a whole number >= 0"),
    # catalogue
    (["catalogue.delay_complaint_effort_hours=0"], "catalogue.delay_complaint_effort_hours must be > 0"),
    (["catalogue.procedures=[]"], "catalogue.procedures is empty"),
    # sweeps: every value of every sweep is checked before the first run
    (["-m", "tier=three_tier,five_tier"], "unknown tier design 'five_tier'"),
    (["-m", "run.seed=0,1", "run.scale=0.5,9"], "run.scale must be in (0, 1], got 9"),
    (["-m", "+experiment=tier_x_quota", "quota.n_groups=0"], "quota.n_groups must be a whole number >= 1"),
    (["run.seed=0,1"], "run.seed is given 2 values: add -m to sweep over them"),
]


def _id(case) -> str:
    return " ".join(case[0])[:60]


@pytest.mark.parametrize("argv,expected", CATALOGUE, ids=[_id(c) for c in CATALOGUE])
def test_bad_input_one_line_exit_2(argv, expected, tmp_path, monkeypatch, capsys):
    a_file = tmp_path / "a_file"
    a_file.write_text("not a folder")
    argv = [a.replace("{file}", str(a_file)) for a in argv]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "argv", ["govsim", *argv])
    monkeypatch.setattr(cli, "run", lambda: pytest.fail(f"{argv} passed every check and would have run"))
    with pytest.raises(SystemExit) as stop:
        cli.main()
    err = capsys.readouterr().err
    assert stop.value.code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govsim: error: "), err
    assert expected in lines[0], lines[0]
    assert not list(Path("/proc").glob("govsim-test*"))


def test_catalogue_has_30_cases():
    assert len(CATALOGUE) >= 30
    assert len({tuple(a) for a, _ in CATALOGUE}) == len(CATALOGUE), "a case is listed twice"


def test_interrupted_sweep_counts_finished_runs_and_says_how_to_resume(tmp_path, capsys):
    from sim.sweep import SweepProgress

    folder = tmp_path / "sweep"
    for seed in (0, 1):
        (folder / f"run.seed={seed}").mkdir(parents=True)
        (folder / f"run.seed={seed}" / "summary.json").write_text(json.dumps({"seed": seed}))
    (folder / "run.seed=2").mkdir()  # started, not finished
    watcher = SweepProgress()
    watcher.folder = folder
    SweepProgress._active.append(watcher)
    with pytest.raises(SystemExit) as stop:
        cli.interrupted(["-m", "run.seed=0,1,2,3"], multirun=True, jobs=4)
    assert stop.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines == [f"govsim: interrupted: 2 of 4 runs finished in {folder}; to resume (finished runs are "
                     f"skipped): govsim -m run.seed=0,1,2,3 hydra.sweep.dir={folder}"]
    assert not SweepProgress._active


def test_ctrl_c_during_a_run_prints_one_line(tmp_path):
    """A real SIGINT to a real run (two communes, a long calendar without holidays): one line, exit 2."""
    argv = [sys.executable, "-m", "sim", 'run.communes=["00004","00008"]', "run.days=3600", "calendar.holidays=[]",
            "run.progress=false", "run.report=false", "hydra.run.dir=run"]
    proc = subprocess.Popen(argv, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 120
    while not (tmp_path / "run" / ".hydra").is_dir() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)  # Hydra makes .hydra/ just before the simulation starts
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("govsim: interrupted: 0 of 1 runs finished"), err
    assert lines[0].endswith("to run it again: govsim 'run.communes=[\"00004\",\"00008\"]' run.days=3600 "
                             "'calendar.holidays=[]' run.progress=false run.report=false hydra.run.dir=run"), err
