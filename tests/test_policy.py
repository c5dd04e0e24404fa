"""Policy levers (conf/policy/, sim/policy.py): they compose, each moves its own mechanism the right way on
the small fixture world, all off is the baseline, and the report draws the lever figure."""
from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from scenarios import small_cfg
from sim.config import compose
from sim.config_policy import LEVERS, policy_label
from sim.runner import run_scenario

CONF = Path(__file__).resolve().parent.parent / "conf"
OPTIONS = sorted(p.stem for p in (CONF / "policy").glob("*.yaml"))
DAYS = "run.days=60"


def test_every_lever_has_its_option_file():
    assert OPTIONS == sorted(LEVERS)


@pytest.mark.parametrize("a,b", list(itertools.combinations(OPTIONS, 2)))
def test_options_compose_pairwise(a, b):
    cfg = compose([f"policy=[{a},{b}]"])
    assert policy_label(cfg).split("+") == [n if n != "added_posts" else "added_posts=400"
                                            for n in LEVERS if n in (a, b)]


@pytest.mark.parametrize("tier,quota", [("two_tier", "uniform"), ("two_tier", "area_grouped"),
                                        ("three_tier", "uniform"), ("three_tier", "area_grouped")])
def test_all_options_compose_with_every_tier_and_quota(tier, quota):
    cfg = compose([f"tier={tier}", f"quota={quota}", f"policy=[{','.join(OPTIONS)}]"])
    assert all(getattr(cfg.policy, n) is not None for n in LEVERS)
    assert cfg.leaders.delegate_certification  # delegate_signing's switch


def test_all_options_compose_with_three_tiers_as_staffed():
    cfg = compose(["+design=three_tier_as_staffed", f"policy=[{','.join(OPTIONS)}]"])
    assert cfg.tier.staffing == "historical" and cfg.policy.added_posts.strength == 400


def test_default_is_no_lever():
    cfg = compose([])
    assert policy_label(cfg) == "none" and not cfg.leaders.delegate_certification


@pytest.fixture(scope="module")
def base():
    return run_scenario(small_cfg(DAYS)).summary


def _drop(summary: dict, *keys) -> dict:
    return {k: v for k, v in summary.items() if k not in keys}


def test_all_levers_at_strength_zero_is_the_baseline(base):
    zero = [f"policy.{n}.strength=0" for n in LEVERS]
    off = run_scenario(small_cfg(DAYS, f"policy=[{','.join(OPTIONS)}]", *zero)).summary
    assert off["policy"] == "none"
    assert json.dumps(_drop(off, "config_hash")) == json.dumps(_drop(base, "config_hash"))
    again = run_scenario(small_cfg(DAYS)).summary
    assert json.dumps(again) == json.dumps(base)  # and the baseline is deterministic


def test_levers_leave_the_citizens_alone(base):
    """Common random numbers: the same dossiers arrive whatever the levers."""
    on = run_scenario(small_cfg(DAYS, f"policy=[{','.join(OPTIONS)}]")).summary
    assert on["dossiers_received"] == base["dossiers_received"]
    assert on["complaints_received"] >= 0 and on["policy"].startswith("delegate_signing+online_2026")


def test_delegated_signing_lowers_the_signoff_wait():
    slow = ("leaders.signing_hours_per_day=0.5",)
    base = run_scenario(small_cfg(DAYS, *slow)).summary
    lever = run_scenario(small_cfg(DAYS, *slow, "policy=[delegate_signing]")).summary
    half = run_scenario(small_cfg(DAYS, *slow, "policy=[delegate_signing]", "policy.delegate_signing.strength=0.5")).summary
    assert lever["signed_by_leaders"] < half["signed_by_leaders"] < base["signed_by_leaders"]
    assert lever["signoff_wait_mean_hours"] < base["signoff_wait_mean_hours"]


def test_online_2026_raises_the_online_and_early_shares(base):
    lever = run_scenario(small_cfg(DAYS, "policy=[online_2026]", "policy.online_2026.ramp_months=0")).summary
    assert lever["online_share"] > base["online_share"] + 0.15
    turned = (0.9142 - 0.589) / (1 - 0.589)  # in-person dossiers turned online: at demand.online_share, the target
    assert lever["online_share"] == pytest.approx(base["online_share"] + (1 - base["online_share"]) * turned, abs=0.01)
    assert lever["resolved_early_share"] > base["resolved_early_share"]
    assert lever["counter_officer_days"] < base["counter_officer_days"]


def _neighbour_spread(cfg):
    result = run_scenario(cfg, keep_model=True)
    m = result.model
    load = m.ledger.day_backlog.reshape(m.ledger.day_backlog.shape[0], -1, 6).sum(axis=2)[:, : m.world.n_communes]
    per_officer = load / np.maximum(m.world.staff[: m.world.n_communes].sum(axis=1), 1)
    return float(per_officer.std(axis=1).mean()), result.summary


def test_location_independent_filing_lowers_the_spread_between_neighbours():
    spread_base, _ = _neighbour_spread(small_cfg(DAYS))
    spread, summary = _neighbour_spread(small_cfg(DAYS, "policy=[location_independent]"))
    assert summary["served_by_neighbour"] > 0
    assert spread < spread_base


def test_semi_professional_helpers_cut_incomplete_dossiers_and_desk_time(base):
    lever = run_scenario(small_cfg(DAYS, "policy=[semi_professional]")).summary
    assert lever["incomplete_returned"] < 0.85 * base["incomplete_returned"]
    assert lever["counter_officer_days"] < base["counter_officer_days"]


def test_training_lowers_the_mean_delay():
    stressed = ("officer.casework_hours_per_day=2.5",)
    base = run_scenario(small_cfg(DAYS, *stressed)).summary
    lever = run_scenario(small_cfg(DAYS, *stressed, "policy=[training]", "policy.training.ramp_months=0",
                                   "policy.training.effort_cut=0.3")).summary
    assert lever["mean_delay_days"] < base["mean_delay_days"]


def test_added_posts_lower_the_largest_commune_backlog(base):
    ten = run_scenario(small_cfg(DAYS, "policy=[added_posts]", "policy.added_posts.strength=10"))
    assert ten.summary["max_commune_backlog"] < base["max_commune_backlog"]
    assert ten.summary["policy"] == "added_posts=10"


def test_added_posts_go_where_workload_per_officer_is_highest():
    from sim.world import build_world
    before = build_world(small_cfg(DAYS)).staff
    after = build_world(small_cfg(DAYS, "policy=[added_posts]", "policy.added_posts.strength=7")).staff
    assert after.sum() - before.sum() == 7 and (after >= before).all()


def test_added_posts_follow_an_optimisers_allocation(tmp_path):
    """rule=optimiser: the posts go where today's staff falls furthest short of the file's allocation."""
    import pandas as pd

    from sim.config import FIELDS
    from sim.world import build_world
    world = build_world(small_cfg(DAYS))
    table = world.quota_table
    codes = table["unit"].astype(str).tolist()
    target = table[list(FIELDS)].to_numpy().copy()
    target[1, FIELDS.index("land_construction")] += 6      # the allocation wants 6 more land officers in commune 1
    rows = [{"commune": c, "field": f, "officers": int(target[i, j])} for i, c in enumerate(codes)
            for j, f in enumerate(FIELDS)]
    path = tmp_path / "allocation.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    after = build_world(small_cfg(DAYS, "policy=[added_posts]", "policy.added_posts.strength=3",
                                  "policy.added_posts.rule=optimiser", f"policy.added_posts.file={path}")).staff
    added = after - world.staff
    assert added.sum() == 3
    unit = int(np.flatnonzero(np.asarray(world.unit_code) == codes[1])[0])
    assert added[unit, FIELDS.index("land_construction")] == 3


def test_added_posts_optimiser_rule_needs_a_readable_file(tmp_path):
    from sim.config import ConfigError
    from sim.world import build_world
    with pytest.raises(ConfigError, match="needs policy.added_posts.file"):
        small_cfg(DAYS, "policy=[added_posts]", "policy.added_posts.rule=optimiser")
    with pytest.raises(ConfigError, match="^policy.added_posts.file .* does not exist"):
        build_world(small_cfg(DAYS, "policy=[added_posts]", "policy.added_posts.rule=optimiser",
                              f"policy.added_posts.file={tmp_path / 'nope.csv'}"))


def test_lever_labels_have_both_languages():
    from sim.report.levers import TEXT
    assert set(TEXT["en"]) == set(TEXT["vi"])


def test_report_draws_the_lever_figure(tmp_path):
    from sim.report.cli import govsim_report
    for levers in ("baseline", "online_2026", "added_posts_400", "added_posts_800"):
        for seed in (0, 1):
            cfg = small_cfg("run.days=20", f"+levers={levers}", f"run.seed={seed}")
            run_scenario(cfg, tmp_path / "sweep" / f"{levers}-{seed}")
    result = govsim_report(tmp_path / "sweep", figures=["policy_levers"], progress=False)
    fig = next(f for f in result.figures if f.name == "policy_levers")
    assert fig.skipped is None and {p.suffix for p in fig.paths} == {".png", ".svg", ".pdf"}
    text = (result.out / "report.md").read_text()
    assert "Online filing 2026" in text and "[R26 L309]" in text and "Staff-equivalent" in text
    assert set(result.runs["design"]) >= {"two_tier/uniform", "two_tier/uniform + online_2026"}


def test_staff_equivalent_interpolates_over_added_posts():
    import pandas as pd
    from sim.report.levers import staff_equivalent
    rows = [("added_posts=400", -100.0), ("added_posts=800", -300.0), ("online_2026", -200.0),
            ("training", 5.0), ("all", -500.0)]
    effects = pd.DataFrame([dict(policy=p, metric="max_commune_backlog", diff=d, hi=d / 2) for p, d in rows])
    eq = staff_equivalent(effects)
    assert eq["online_2026"] == ("equiv", pytest.approx(600.0))
    assert eq["added_posts=400"] == ("equiv", pytest.approx(400.0))
    assert eq["training"][0] == "equiv_none" and eq["all"] == ("equiv_over", 800.0)
    effects.loc[effects["policy"] == "online_2026", "hi"] = 10.0  # its CI reaches 0
    assert staff_equivalent(effects)["online_2026"] == ("equiv_ns", pytest.approx(600.0))
