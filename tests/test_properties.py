"""Invariants under random small configurations (hypothesis)."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scenarios import small_cfg
from sim.ledger import DONE
from sim.metrics import unit_daily_table
from sim.runner import run_scenario

configs = st.fixed_dictionaries({
    "tier": st.sampled_from(["two_tier", "three_tier"]),
    "quota": st.sampled_from(["uniform", "area_grouped"]),
    "run.seed": st.integers(0, 10_000),
    "run.scale": st.sampled_from([0.3, 0.7, 1.0]),
    "run.days": st.integers(10, 60),
    "quota.budget": st.integers(60, 300),
    "officer.absence_rate": st.floats(0, 0.3),
    "officer.cross_field": st.booleans(),
    "officer.effort_cv": st.floats(0.3, 2.0),
    "calendar.transfer_delay_days": st.integers(0, 3),
    "calendar.arrival_resolution_minutes": st.sampled_from([0.0, 1.0, 15.0]),
    "citizen.escalation_prob": st.floats(0, 1),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs)
def test_invariants_hold_for_any_small_config(params):
    overrides = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in params.items()]
    r = run_scenario(small_cfg(*overrides, "quota.floor_per_commune=6"), keep_model=True)
    s, led = r.summary, r.model.ledger
    # No request finishes before it arrives, and every one is done or still open somewhere.
    done = led.view("status") == DONE
    assert (led.view("completion_t")[done] >= led.view("arrival_t")[done]).all()
    assert abs(s["dossiers_resolved"] + s["backlog_end"] - s["dossiers_received"]) < 1  # full-scale counts, rounded
    daily = unit_daily_table(r.model)
    assert (daily["backlog"] >= 0).all() and (daily["overdue_backlog"] >= 0).all()
    assert (daily["busy_hours"] >= -1e-9).all()
    shares = s["resolved_early_share"] + s["resolved_on_time_share"] + s["resolved_late_share"]
    assert s["dossiers_resolved"] == 0 or abs(shares - 1) < 1e-5
    assert 0 <= s["on_time_rate"] <= 1 and 0 <= s["backlog_end_overdue_share"] <= 1
    assert s["complaints_escalated"] <= s["complaints_received"]
