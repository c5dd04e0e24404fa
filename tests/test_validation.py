"""Reduced validation of the calibrated defaults (issue 5): fails if a calibration target drifts out of tolerance.

The full validation is `python experiments/validate.py` (whole city, several seeds). Here, to stay well under
90 s on two cores: the two-tier default at run.scale=1.0 on a stratified 1-in-20 subset of communes (6-7
communes, ~5% of Hanoi, every simulated desk at its full-scale staff), 335 days, seeds 2 and 8 (seed s uses
subset offset s; one subset with one of the six largest communes, one without, see experiments/validate.py).
Because the subset adds a sampling error, the tolerances are the wider REDUCED_TOLERANCES of
experiments/validate.py: +-6% on dossier volume, +-3 pp on the online share, +-8% on Jul-Aug volume, +-2 pp on
the Jul-Aug on-time rate, +-20% on complaint letters (the full validation: +-3%, +-1.5 pp, +-5%, +-1.5 pp, +-10%).
The three-tier pilot-ward complaint rate is a known miss (see results/calibration/calibration.md) and is not
enforced. Also checked: conservation of requests, and an M/M/c desk against Erlang C.
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from experiments.common import TARGETS, configure, measure, rank_subset, release, simulate  # noqa: E402
from experiments.validate import (REDUCED_DAYS, REDUCED_SEEDS, REDUCED_SUBSET,  # noqa: E402
                                  REDUCED_TOLERANCES, bounds, conservation, erlang_c, mmc_overrides)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reduced_runs():
    out = []
    for seed in REDUCED_SEEDS:
        cfg = configure([f"run.seed={seed}", "run.scale=1.0", f"run.days={REDUCED_DAYS}"],
                        communes=rank_subset(REDUCED_SUBSET, seed))
        summary, model, _ = simulate(cfg)
        out.append({"measures": measure(model, summary), "conservation": conservation(model)})
        release(model)
    return out


@pytest.mark.parametrize("key", sorted(REDUCED_TOLERANCES))
def test_target_within_reduced_tolerance(reduced_runs, key):
    values = [r["measures"][key] for r in reduced_runs]
    mean = float(np.mean(values))
    lo, hi = bounds(key, REDUCED_TOLERANCES)
    t = TARGETS[key]
    assert lo <= mean <= hi, (f"{key} [{t.tag}]: model mean {mean:.4g} over seeds {values} is outside "
                              f"[{lo:.4g}, {hi:.4g}] (reported {t.value:g})")


def test_conservation(reduced_runs):
    for r in reduced_runs:
        c = r["conservation"]
        assert c["requests"] == c["resolved"] + c["open"]
        assert c["by_origin_ok"], "some unit's filed requests != resolved + open"
        assert c["desk_max_abs_gap"] == 0, "desk flows do not balance (arrivals - departures != end backlog)"
        assert c["open"] == c["open_at_desks"] + c["in_transit_at_end"] + c["open_away"]
        assert c["away_counters_ok"]
        for kind, v in c["per_kind"].items():
            assert v["received"] == v["resolved"] + v["open"], kind


def test_mmc_matches_erlang_c():
    """One commune, one field, exponential effort, no absences/holidays/cross-field/consultations: M/M/c."""
    from sim.calendar import WorkingCalendar
    from sim.world import build_world

    probe = configure(mmc_overrides(0.8, 1, 0, 10, 1.0)[0])
    world = build_world(probe)
    c = int(world.staff[0, 1])
    cal = WorkingCalendar(probe.run.start_date, 365, [], 8.0)
    wd_year = sum(1 for d in cal.dates if (d - cal.start).days < 365)
    waits = []
    for seed in (0, 1):
        ov, lam, mu = mmc_overrides(0.8, c, seed, 365, float(world.cohort_demand.sum()) / wd_year)
        _, model, _ = simulate(configure(ov))
        led = model.ledger
        keep = (led.view("arrival_day") >= 20) & ~np.isnan(led.view("start_t"))
        waits.append(led.view("start_t")[keep] - led.view("arrival_t")[keep])
        release(model)
    sim_wq = float(np.concatenate(waits).mean())
    _, wq = erlang_c(lam, mu, c)
    assert math.isfinite(wq) and c >= 2
    # ~50.000 arrivals: the batch-means CI of the simulated mean is about +-15% at rho = 0.8
    assert abs(sim_wq - wq) <= 0.25 * wq, f"simulated Wq {sim_wq:.4f} h vs Erlang C {wq:.4f} h (c={c})"
