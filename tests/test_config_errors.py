"""Bad inputs: each stops with one line that names the problem (exit code 2), never a traceback."""
from __future__ import annotations

import subprocess
import sys

import pytest

from sim.config import ConfigError, compose
from sim.world import build_world

BAD = {
    "run.dayz=3": "unknown config key 'run.dayz'",
    "tier=four_tier": "unknown tier design 'four_tier'",
    "quota=hexagonal": "unknown quota design 'hexagonal'",
    "quota.budget=-5": "quota.budget must be a whole number > 0",
    "quota.budget=9251.5": "quota.budget",
    "quota.budget=300": "smaller than the floors",
    "run.scale=7": "run.scale must be in (0, 1]",
    "run.communes=[99999]": "unknown commune code '99999'",
    "quota.overrides=['99999=3']": "unknown commune code '99999'",
    "quota.overrides=['00004=-3']": "must be CODE=officers, a whole number >= 0",
    "officer.absence_rate=1.5": "officer.absence_rate",
    "run.start_date=2025-13-01": "run.start_date",
    "tier.district_relay_effort_hours=0": "tier.district_relay_effort_hours must be > 0",
    "catalogue.delay_complaint_effort_hours=0": "catalogue.delay_complaint_effort_hours must be > 0",
}


@pytest.mark.parametrize("override,expected", list(BAD.items()))
def test_bad_input_is_one_clear_error(override, expected):
    with pytest.raises(ConfigError, match=None) as err:
        build_world(compose([override]))
    message = str(err.value)
    assert expected in message and "\n" not in message


@pytest.mark.parametrize("argv,expected", [
    (["quota.budget=-5"], "quota.budget must be a whole number > 0"),
    (["run.dayz=3"], "unknown config key 'run.dayz'"),
    (["-m", "tier=three_tier,five_tier"], "unknown tier design 'five_tier'"),
    (["-m", "+experiment=tier_x_quota", "quota.n_groups=0"], "quota.n_groups"),
    (["run.communes=[12345]"], "unknown commune code '12345'"),
])
def test_cli_prints_one_line_and_exits_2(argv, expected, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", *argv, f"hydra.sweep.dir={tmp_path}/sweep"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("govsim: error: ") and expected in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr
