"""Quota rules on Hanoi's real communes: same budget, who gets what, and the district split."""
from __future__ import annotations

import numpy as np
import pytest

from sim.config import FIELDS, compose
from sim.quotas import largest_remainder
from sim.world import build_world


@pytest.fixture(scope="module", params=["two_tier", "three_tier"])
def tier(request):
    return request.param


def test_both_quotas_spend_the_same_budget(tier):
    totals = {}
    for quota in ("uniform", "area_grouped"):
        w = build_world(compose([f"tier={tier}", f"quota={quota}", "tier.staffing=same_budget"]))
        communes = int(w.quota_table["officers"].sum())
        districts = int(w.staff[w.n_communes: w.n_communes + w.n_districts].sum())
        totals[quota] = communes + districts
        assert (w.quota_table["officers"] >= w.cfg.quota.floor_per_commune).all()
        casework = w.quota_table[list(FIELDS)].sum(axis=1)
        assert (casework == w.quota_table["officers"] - w.quota_table["non_casework"]).all()
    assert totals["uniform"] == totals["area_grouped"] == 9251


def test_real_geography_sizes(tier):
    w = build_world(compose([f"tier={tier}"]))
    assert w.n_communes == (126 if tier == "two_tier" else 526)
    assert w.n_districts == (0 if tier == "two_tier" else 30)
    assert w.cohort_size.sum() == pytest.approx(8_855_946)


def test_uniform_gives_everyone_the_same_within_one():
    q = build_world(compose(["quota=uniform"])).quota_table
    assert q["officers"].max() - q["officers"].min() <= 1
    assert q["officers"].min() == 9251 // 126


def test_area_grouped_separates_communes_by_workload():
    q = build_world(compose(["quota=area_grouped"])).quota_table
    groups = q.groupby("quota_group")
    assert groups.ngroups == 4
    per_group = groups["officers"].median().sort_index()
    assert per_group.is_monotonic_increasing and per_group.iloc[-1] > 2 * per_group.iloc[0]
    # More people, more officers: the largest commune out-staffs the smallest.
    big, small = q.loc[q["population"].idxmax()], q.loc[q["population"].idxmin()]
    assert big["officers"] > small["officers"]


def test_population_bands():
    q = build_world(compose(["quota=area_grouped", "quota.method=bands", "quota.bands=[50000,90000]"])).quota_table
    assert q["quota_group"].nunique() == 3
    assert q.loc[q["population"] < 50000, "quota_group"].str.startswith("G1").all()


def test_overrides_fix_a_commune_and_keep_the_budget():
    q = build_world(compose(["quota.overrides=['00004=200']"])).quota_table
    assert q.set_index("unit").loc["00004", "officers"] == 200
    assert q["officers"].sum() == 9251


def test_largest_remainder_is_exact():
    rng = np.random.default_rng(1)
    for _ in range(50):
        total = int(rng.integers(0, 500))
        w = rng.random(int(rng.integers(1, 10)))
        assert largest_remainder(total, w).sum() == total


def test_dhondt_gives_each_post_where_work_per_officer_is_highest():
    from sim.quotas import dhondt
    staff = np.asfortranarray([[1, 0], [2, 1]])  # pandas hands over column-major arrays: posts must still land
    got = dhondt(staff, np.array([[10.0, 0.0], [30.0, 4.0]]), 3)  # 30/3, 30/4, 30/5 beat 10/2
    assert got.tolist() == [[1, 0], [5, 1]] and got.sum() == staff.sum() + 3
    assert (dhondt(staff, np.zeros((2, 2)), 5) == staff).all()  # no work, no posts
