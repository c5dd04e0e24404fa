"""tier.staffing: three tiers as staffed before 01/7/2025 (posts by decree) or under the two-tier budget."""
from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import numpy as np
import pytest

from sim.config import FIELDS, ConfigError, compose
from sim.runner import run_scenario
from sim.staffing import extra_civil_servants
from sim.world import COMMUNE, DISTRICT, build_world

T24_WARD_MIX = {"office_statistics": 2.93, "land_construction": 2.45, "finance": 1.48,
                "justice_civil_status": 2.06, "culture_society": 2.08}


@pytest.fixture(scope="module")
def historical():
    return build_world(compose(["tier=three_tier"]))


def _table(world):
    return world.quota_table.set_index("unit")


def test_three_tier_defaults_to_historical_and_two_tier_to_same_budget():
    assert compose(["tier=three_tier"]).tier.staffing == "historical"
    assert compose(["tier=two_tier"]).tier.staffing == "same_budget"


def test_pilot_wards_hold_15_posts_each_2625_in_175_wards():
    historical = build_world(compose(["tier=three_tier", "tier.historical.ward_deployment=per_ward"]))
    q = _table(historical)
    wards = q[q["quota_group"] == "pilot_ward"]
    geo = historical.cfg.tier.historical
    assert geo.ward_posts == 15
    # 160 units today, 175 wards before the 1/1/2025 merges: a merged ward keeps its predecessors' posts
    from sim.world import load_tables
    t = load_tables()["communes_3tier"].set_index("unit_code")
    slots = t.loc[wards.index, "units_2024"]
    assert len(wards) == 160 and slots.sum() == 175
    assert (wards["officers"] == 15 * slots).all()
    assert wards["officers"].sum() == 2625
    # 1 chair + 2 vice-chairs + 1 military per ward, the rest casework in the T24 mix
    leaders = historical.leaders[:historical.n_communes][q["quota_group"].to_numpy() == "pilot_ward"]
    assert leaders.sum() == 525 and wards["non_casework"].sum() == 700
    by_field = wards[list(FIELDS)].sum()
    for f in FIELDS:
        assert abs(by_field[f] - 175 * T24_WARD_MIX.get(f, 0.0)) <= 1, f
    assert by_field.sum() + 700 == 2625
    per_ward = wards[list(FIELDS)].div(slots, axis=0)
    assert (per_ward.max() - per_ward.min() <= 1).all()  # the fractions are spread, not piled up


def test_districts_deploy_their_ward_posts_where_the_work_is(historical):
    """district_secondment (the default): each district's ward posts stay 15 per 2024 ward in all, and each
    ward keeps a desk in every field, but the busiest wards get more officers and the quietest fewer."""
    from sim.world import load_tables
    t = load_tables()["communes_3tier"].set_index("unit_code")
    q = _table(historical)
    wards = q[q["quota_group"] == "pilot_ward"].join(t[["district_code", "units_2024"]])
    by_district = wards.groupby("district_code")[["officers", "units_2024"]].sum()
    assert (by_district["officers"] == 15 * by_district["units_2024"]).all()
    assert wards["officers"].sum() == 2625 and wards["non_casework"].sum() == 700
    ward_fields = [f for f in FIELDS if T24_WARD_MIX.get(f, 0) > 0]
    assert (wards[ward_fields] >= wards[["units_2024"]].to_numpy()).all().all()
    assert (wards["economy"] == 0).all()
    hoang_liet = wards[wards["unit_name"] == "Hoàng Liệt"].iloc[0]
    assert hoang_liet["officers"] > 15 and hoang_liet["units_2024"] == 1
    # Hoàn Kiếm's small wards have no overloaded desk: the district moves nobody
    hoan_kiem = wards[wards["district_code"] == t.loc[wards.index[0], "district_code"]]
    assert len(hoan_kiem) > 5 and (hoan_kiem["officers"] == 15 * hoan_kiem["units_2024"]).all()
    # within a district, hours per casework officer are far more even than under 15 posts each
    casework = wards[list(FIELDS)].sum(axis=1)
    load = wards["workload_hours"] / casework
    per_ward = wards["workload_hours"] / (11 * wards["units_2024"])
    spread = lambda x: (x.groupby(wards["district_code"]).max() / x.groupby(wards["district_code"]).min()).median()
    assert spread(load) < spread(per_ward)


def test_secondment_moves_officers_only_to_desks_that_cannot_keep_up():
    from sim.staffing import second_in_district
    staff, district, floor = np.array([[2], [2], [2]]), np.array(["a", "a", "b"]), np.array([1, 1, 1])
    work = np.array([[3.0], [0.5], [0.1]])  # officer-years of work: the first desk is at 1,5
    # one officer moves from the quiet desk of the same district (0,5 after), none from district b
    assert second_in_district(staff, work, district, floor, 1.0, 1.0).ravel().tolist() == [3, 1, 2]
    assert second_in_district(staff, work, district, floor, 1.0, 2.0).ravel().tolist() == [2, 2, 2]  # not overloaded
    assert second_in_district(staff, work, district, np.array([2, 2, 2]), 1.0, 1.0).ravel().tolist() == [2, 2, 2]  # floor
    # when the whole district is short, officers move only while the giver ends up less loaded
    even = second_in_district(np.array([[1], [3]]), np.array([[3.0], [2.0]]), np.array(["a", "a"]), np.array([0, 0]), 1.0, 1.0)
    assert even.ravel().tolist() == [2, 2]


@pytest.mark.parametrize("cls,posts", [("I", 14), ("II", 12), ("III", 10)])
def test_communes_by_class_follow_the_decree(cls, posts):
    cfg = compose(["tier=three_tier", f"tier.historical.commune_class={cls}"])
    h = cfg.tier.historical
    assert dict(h.commune_posts) == {"I": 22, "II": 20, "III": 18}  # Nghị định 33/2023/NĐ-CP Art. 6(1)(b)
    q = _table(build_world(cfg))
    # Tàm Xá: 5.562 people, 4 km2, below both standards: the class posts alone (government side:
    # chair + vice-chairs + civil servants), one of them the military commander
    small = q.loc["00517"]
    assert small["officers"] == posts == h.commune_leaders[cls] + h.commune_civil_servants[cls]
    assert small["non_casework"] == h.commune_leaders[cls] + 1
    # Hồng Kỳ: 13.810 people (over 8.000 by a full half-standard): one more civil servant
    assert q.loc["00385", "officers"] == posts + 1
    assert q.loc["00385", "economy"] == 0


def test_extra_civil_servants_per_decree():
    pop = np.array([8000, 11999, 12000, 16000, 5000, 8000])
    area = np.array([10.0, 10.0, 10.0, 10.0, 60.0, 59.9])
    got = extra_civil_servants(pop, area, np.full(6, 8000), np.full(6, 30.0), 0.5, 1.0)
    assert got.tolist() == [0, 0, 1, 2, 1, 0]


def test_district_divisions(historical):
    h = historical.cfg.tier.historical
    assert all(len(v) == 12 for v in h.district_divisions.values())  # Nghị định 37/2014 as amended by 108/2020
    district = historical.staff[historical.unit_kind == DISTRICT]
    assert district.shape[0] == 30 and district.sum() == 30 * 12 * 12
    assert (historical.leaders[historical.unit_kind == DISTRICT] == 4).all()
    # population split: the largest district has more division staff than the smallest
    pop = historical.allocation.query("unit_kind == 'district'").groupby("unit", sort=False)["population"].first()
    per = district.sum(axis=1)
    assert per[np.argmax(pop.to_numpy())] > per[np.argmin(pop.to_numpy())]


# digests of allocation.parquet's rows before tier.staffing existed (commit 40d0f17): same_budget must not move
SAME_BUDGET_DIGESTS = {"uniform": "8033d7bc1f7396c2", "area_grouped": "aafa321ec2982f51"}


@pytest.mark.parametrize("quota", ["uniform", "area_grouped"])
def test_same_budget_reproduces_todays_allocation(quota):
    # Desk checks (issue 10) and the commune steps of district procedures add to the expected hours that split
    # the budget; without them the split is as before.
    cfg = compose(["tier=three_tier", f"quota={quota}", "tier.staffing=same_budget", "catalogue.desk_check_hours=0"])
    for procedure in cfg.catalogue.procedures:
        procedure.commune_step_share = 0.0
    w = build_world(cfg)
    digest = hashlib.sha256(w.allocation.to_csv(index=False).encode()).hexdigest()[:16]
    assert digest == SAME_BUDGET_DIGESTS[quota]
    assert int(w.quota_table["officers"].sum() + w.staff[w.unit_kind == DISTRICT].sum()) == 9251
    commune = w.unit_kind == COMMUNE
    # The chair and the vice-chairs the class allows (2 in class I-II, 1 in class III [T24]), within the 4 posts.
    assert set(w.leaders[commune].tolist()) == {2, 3} and (w.leaders[commune] == 3).mean() > 0.9
    assert (w.leaders[commune] + w.other_non_casework[commune] == 4).all()


def test_both_rules_run_on_a_subset(tmp_path):
    subset = "run.communes=['00004','00517']"  # a merged pilot ward (Ba Đình) and a commune (Đông Anh)
    out = {}
    for rule in ("historical", "same_budget"):
        cfg = compose(["tier=three_tier", f"tier.staffing={rule}", subset, "run.days=15", "run.progress=false",
                       "run.write_requests=false"])
        r = run_scenario(cfg, out_dir=tmp_path / rule)
        saved = json.loads((tmp_path / rule / "summary.json").read_text())
        assert saved["staffing"] == rule and list(saved).index("staffing") == list(saved).index("design") + 1
        assert r.summary["dossiers_resolved"] > 0
        out[rule] = build_world(cfg)
    h, s = out["historical"], out["same_budget"]
    assert h.n_communes == s.n_communes == 2 and h.n_districts == s.n_districts == 2
    # Trúc Bạch: two 2024 wards, 11 casework officers each (Ba Đình has no overloaded ward desk: nobody moves)
    assert h.staff[0].sum() == 2 * 11
    assert not np.array_equal(h.staff, s.staff)
    assert list(h.allocation.columns) == list(s.allocation.columns)
    assert len(h.leaders) == len(h.other_non_casework) == h.n_units


BAD = {
    "tier.staffing=as_it_was": "tier.staffing must be historical or same_budget, got 'as_it_was'",
    "tier.historical.commune_class=IV": "tier.historical.commune_class must be I, II or III",
    "tier.historical.ward_deployment=by_district": "tier.historical.ward_deployment must be per_ward or district_secondment",
    "tier.historical.ward_min_per_field=-1": "tier.historical.ward_min_per_field must be a whole number >= 0",
    "tier.historical.ward_field_posts.finance=5": "tier.historical.ward_field_posts add up to",
    "tier.historical.staff_per_division=-1": "tier.historical.staff_per_division must be >= 0",
    "tier.historical.district_split=area": "tier.historical.district_split must be uniform or population",
    "tier.historical.commune_posts.II=-3": "tier.historical.commune_posts must give",
    "tier.historical.commune_leaders.I=30": "class I civil servants + leaders exceed its posts",
    "tier.historical.division_field.health=hospital": "division 'health'",
}


@pytest.mark.parametrize("override,expected", list(BAD.items()))
def test_bad_staffing_is_one_line(override, expected):
    with pytest.raises(ConfigError) as err:
        build_world(compose(["tier=three_tier", override]))
    assert expected in str(err.value) and "\n" not in str(err.value)


def test_two_tier_has_no_historical_rule_and_the_cli_says_so_in_one_line(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", "tier=two_tier", "tier.staffing=historical"],
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "applies to three_tier only" in lines[0] and "Traceback" not in proc.stderr


def test_report_names_both_three_tier_rules(tmp_path):
    from report_fixtures import write_run

    from sim.report.catalog import load_runs
    from sim.report.labels import design_label
    from sim.report.stats import choose_baseline

    for seed in (0, 1):
        for rule in ("historical", "same_budget"):
            run = write_run(tmp_path / f"three_{rule}_{seed}", "three_tier", "uniform", seed)
            summary = json.loads((run / "summary.json").read_text())
            summary["staffing"] = rule
            (run / "summary.json").write_text(json.dumps(summary))
        write_run(tmp_path / f"two_{seed}", "two_tier", "uniform", seed)
    runs, problems = load_runs(tmp_path)
    assert not [p for p in problems if p.skipped]
    assert set(runs["design"]) == {"three_tier/historical", "three_tier/uniform", "two_tier/uniform"}
    assert choose_baseline(runs["design"]) == "three_tier/historical"
    assert design_label("en", "three_tier/historical") == "Three tiers as staffed"
    assert design_label("en", "three_tier/uniform").startswith("Three tiers, same budget")
    assert design_label("vi", "three_tier/historical") == "Ba cấp theo biên chế thực tế"
    assert design_label("vi", "three_tier/uniform").startswith("Ba cấp, cùng tổng biên chế")


def test_same_budget_leaders_are_capped_by_the_non_casework_posts():
    w = build_world(compose(["officer.non_casework_per_commune=2"]))
    commune = w.unit_kind == COMMUNE
    assert (w.leaders[commune] == 2).all() and (w.other_non_casework[commune] == 0).all()


def test_the_progress_bar_names_the_design_as_the_summary_does():
    from sim.runner import design_label
    assert design_label(compose(["tier=three_tier"])) == "three_tier/historical"
    assert design_label(compose(["tier=three_tier", "tier.staffing=same_budget"])) == "three_tier/uniform"
    assert design_label(compose(["timeline=reform_2025", "quota=area_grouped"])) == "reform_2025/area_grouped"
    assert design_label(compose([])) == "two_tier/uniform"
