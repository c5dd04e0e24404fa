"""Officers at a desk with overdue files work longer (officer.surge_hours_per_day): it only happens the day
after a close with overdue files, it clears queues faster, and with no extra hours nothing changes."""
from __future__ import annotations

import numpy as np
import pytest

from scenarios import small_cfg
from sim.metrics import unit_daily_table
from sim.runner import run_scenario

DAYS = "run.days=90"


@pytest.fixture(scope="module")
def runs():
    out = {}
    for h in (0, 2):
        r = run_scenario(small_cfg(DAYS, f"officer.surge_hours_per_day={h}"), keep_model=True)
        out[h] = (r.summary, unit_daily_table(r.model))
    return out


def test_no_extra_hours_no_surge(runs):
    assert runs[0][0]["surge_officer_days"] == 0
    assert (runs[0][1]["surge_officers"] == 0).all()


def test_surge_only_the_day_after_a_close_with_overdue_files(runs):
    daily = runs[2][1].sort_values(["unit", "field", "day"])
    previous_overdue = daily.groupby(["unit", "field"])["overdue_backlog"].shift(1).fillna(0)
    surged = daily["surge_officers"] > 0
    assert surged.any()
    assert (previous_overdue[surged] >= 1).all()
    assert (daily.loc[surged, "surge_officers"] <= daily.loc[surged, "officers"]).all()


def test_working_longer_clears_the_queues_faster(runs):
    off, on = runs[0][0], runs[2][0]
    assert on["surge_officer_days"] > 0
    assert on["resolved_late_share"] < off["resolved_late_share"]
    assert on["backlog_end"] < off["backlog_end"]
    assert on["open_overdue"] < off["open_overdue"]  # (mean delay of resolved files can rise: old ones get done)


def test_surge_hours_cannot_exceed_the_day():
    from sim.config import ConfigError
    with pytest.raises(ConfigError, match="officer.surge_hours_per_day must be in"):
        small_cfg("officer.surge_hours_per_day=6")  # 8 h day, 3 h casework: at most 5
