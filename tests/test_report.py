"""The reporting package on small synthetic sweeps (tests/report_fixtures.py)."""

from __future__ import annotations

import json
import math
import unicodedata

import duckdb
import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
from scipy import stats as sps

from report_fixtures import add_broken_runs, write_run, write_sweep
from sim.report import compare, govsim_report, load_runs, make_figures, mean_ci, write_catalog
from sim.report.cli import main
from sim.report.figures import FIGURES
from sim.report.labels import LABELS
from sim.report.plotting import FORMATS
from sim.report.stats import choose_baseline

DESIGNS = {"three_tier/uniform", "three_tier/area_grouped", "two_tier/uniform", "two_tier/area_grouped"}


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    write_sweep(root)
    return root


@pytest.fixture(scope="module")
def reports(sweep, tmp_path_factory):
    """The full report of the sweep, once per language."""
    charts = [name for name, _, _ in FIGURES]  # the maps have their own tests (test_maps.py)
    return {lang: govsim_report(sweep, tmp_path_factory.mktemp(f"report_{lang}"), lang=lang, figures=charts)
            for lang in ("en", "vi")}


def test_load_runs_finds_every_run(sweep):
    runs, problems = load_runs(sweep)
    assert problems == []  # .hydra/config.yaml and multirun.yaml are not runs
    assert len(runs) == 12
    assert set(runs["design"]) == DESIGNS
    assert runs.groupby("design")["seed"].nunique().eq(3).all()
    assert {"run_dir", "path", "on_time_rate", "backlog_end", "config_tier", "config_scale"} <= set(runs.columns)
    assert (runs["config_tier"] == runs["tier"]).all()


def test_catalog_sql_across_runs(sweep, tmp_path):
    path = write_catalog(sweep, tmp_path)
    assert path.name == "catalog.duckdb"
    con = duckdb.connect(str(path), read_only=True)
    assert con.sql("SELECT count(*) FROM runs").fetchall()[0][0] == 12
    per_run = con.sql("SELECT run_dir, count(*) AS n FROM requests GROUP BY run_dir").df().set_index("run_dir")["n"]
    runs = con.sql("SELECT run_dir, path FROM runs").df()
    for r in runs.itertuples():  # every request of every run, attributed to the right run
        assert per_run[r.run_dir] == pq.read_metadata(f"{r.path}/requests.parquet").num_rows
    late = con.sql("SELECT design, seed, avg((outcome = 'late')::INT) AS late FROM requests "
                   "WHERE kind = 'dossier' AND outcome <> 'open' GROUP BY ALL").df()
    assert len(late) == 12 and set(late["design"]) == DESIGNS
    summary = con.sql("SELECT design, seed, resolved_late_share FROM runs").df()
    both = late.merge(summary, on=["design", "seed"])
    assert np.allclose(both["late"], both["resolved_late_share"])  # the views agree with summary.json
    communes = con.sql("SELECT count(DISTINCT unit) FROM allocation WHERE unit_kind = 'commune'").fetchall()[0][0]
    assert communes == 5
    assert not con.sql("SELECT * FROM unit_daily WHERE tier = 'two_tier' LIMIT 5").df().empty
    con.close()


def test_broken_run_folders_are_reported_and_skipped(tmp_path, capsys):
    good = write_sweep(tmp_path, tiers=("three_tier",), quotas=("uniform",), seeds=(0, 1), days=5)
    broken = add_broken_runs(tmp_path, good[0])
    summary = json.loads((good[1] / "summary.json").read_text())
    del summary["complaints_escalated"]  # an older simulator: one figure lacks its metric
    (good[1] / "summary.json").write_text(json.dumps(summary))
    runs, problems = load_runs(tmp_path)
    assert len(runs) == 2
    reported = {p.run: p.reason for p in problems}
    assert set(reported) == set(broken)
    for name, culprit in broken.items():
        assert culprit in reported[name], (name, reported[name])
        assert "\n" not in reported[name]
    assert main([str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    for name in broken:
        assert name in out
    report = (tmp_path / "out" / "report.md").read_text()
    assert "bad_json" in report
    # a metric missing from one run only thins that metric's sample; every figure is still drawn
    assert "not drawn" not in out
    for name, _, _ in FIGURES:
        assert (tmp_path / "out" / "figures" / f"{name}.png").exists()
    comp = pd.read_csv(tmp_path / "out" / "comparison.csv").set_index("metric")
    assert comp.loc["complaints_escalated", "n"] == 1 and comp.loc["complaints_received", "n"] == 2


def test_missing_metric_skips_a_figure_not_the_report(sweep, tmp_path):
    runs, _ = load_runs(sweep)
    runs = runs.drop(columns=["complaints_escalated"])
    results = make_figures(runs[runs["design"] == "two_tier/uniform"].head(1), tmp_path,
                           names=("outcome_shares", "complaints"))
    skipped = {f.name: f.skipped for f in results if f.skipped}
    assert list(skipped) == ["complaints"] and "complaints_escalated" in skipped["complaints"]


def test_every_figure_in_both_languages(reports):
    names = [name for name, _, _ in FIGURES]
    assert len(names) == 7
    for lang, result in reports.items():
        assert [f.name for f in result.figures] == names
        assert all(f.skipped is None for f in result.figures), [(f.name, f.skipped) for f in result.figures]
        for name in names:
            for ext in FORMATS:
                path = result.out / "figures" / f"{name}.{ext}"
                assert path.exists() and path.stat().st_size > 1000, path
        report = (result.out / "report.md").read_text(encoding="utf-8")
        for name in names:
            assert f"figures/{name}.png" in report
    vi = (reports["vi"].out / "report.md").read_text(encoding="utf-8")
    assert "Hồ sơ tồn đọng theo thời gian" in vi and "Ba cấp, cùng tổng biên chế, biên chế đồng đều" in vi
    en = (reports["en"].out / "report.md").read_text(encoding="utf-8")
    assert "Backlog over time" in en and "Two-tier, uniform quota" in en


def test_report_text_quotes_the_numbers(reports):
    result = reports["en"]
    runs = result.runs
    on_time = runs.groupby("design")["on_time_rate"].mean()
    best = result.figures[2].facts
    assert best["max_design"] == "*" + LABELS["en"][f"design.{on_time.idxmax()}"] + "*"
    assert best["max_value"] == f"{100 * on_time.max():.1f}%"
    report = (result.out / "report.md").read_text(encoding="utf-8")
    assert best["max_value"] in report


def test_comparison_ci_contains_mean(reports):
    comp = pd.read_csv(reports["en"].out / "comparison.csv")
    assert list(comp.columns[:9]) == ["metric", "design", "n", "mean", "ci_low", "ci_high", "diff_vs_baseline",
                                      "diff_ci_low", "diff_ci_high"]
    assert (comp["n"] == 3).all()
    assert set(comp["design"]) == DESIGNS
    assert (comp["ci_low"] <= comp["mean"] + 1e-12).all() and (comp["mean"] <= comp["ci_high"] + 1e-12).all()
    assert (comp["diff_ci_low"] <= comp["diff_vs_baseline"] + 1e-12).all()
    assert (comp["diff_vs_baseline"] <= comp["diff_ci_high"] + 1e-12).all()
    assert (comp["baseline"] == "three_tier/uniform").all()
    base = comp[comp["design"] == "three_tier/uniform"]
    assert (base[["diff_vs_baseline", "diff_ci_low", "diff_ci_high"]] == 0).all().all()
    md = (reports["en"].out / "comparison.md").read_text(encoding="utf-8")
    assert "On-time rate" in md and "| Metric |" in md


def test_paired_difference_of_identical_designs_is_zero(sweep):
    runs, _ = load_runs(sweep)
    copy = runs[runs["design"] == "two_tier/area_grouped"].assign(design="two_tier/copy")
    comp = compare(pd.concat([runs, copy]), baseline="two_tier/area_grouped")
    same = comp[comp["design"] == "two_tier/copy"]
    assert len(same) > 10
    assert (same[["diff_vs_baseline", "diff_ci_low", "diff_ci_high"]] == 0).all().all()
    assert (same["n_pairs"] == 3).all()


def test_paired_difference_pairs_by_seed():
    rng = np.random.default_rng(0)
    seeds = np.arange(8)
    noise = rng.normal(100, 30, seeds.size)  # common random numbers: large, shared across designs
    runs = pd.DataFrame({"design": ["a/x"] * 8 + ["b/x"] * 8, "seed": np.r_[seeds, seeds[::-1]],
                         "backlog_end": np.r_[noise, noise[::-1] + 5.0]})
    row = compare(runs, baseline="a/x", metrics=["backlog_end"]).set_index("design").loc["b/x"]
    assert row["diff_vs_baseline"] == pytest.approx(5.0)
    assert row["diff_ci_low"] == pytest.approx(5.0) and row["diff_ci_high"] == pytest.approx(5.0)
    assert row["ci_high"] - row["ci_low"] > 20  # unpaired spread is large, the paired one is zero


def test_mean_ci_matches_t_interval():
    x = [3.0, 4.5, 5.0, 7.25]
    n, mean, lo, hi = mean_ci(x)
    expected = sps.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=sps.sem(x))
    assert n == 4 and mean == pytest.approx(np.mean(x))
    assert (lo, hi) == pytest.approx(expected)
    assert mean_ci([2.0])[0] == 1 and math.isnan(mean_ci([2.0])[2])
    assert mean_ci([float("nan"), 1.0, 1.0])[1:] == (1.0, 1.0, 1.0)


def test_sweep_over_a_parameter_compares_variants(tmp_path):
    """A staff-budget sweep: runs of one design with different budgets are not pooled."""
    for budget in (8000, 10000):
        for seed in (0, 1):
            write_run(tmp_path / f"b{budget}_s{seed}", "two_tier", "area_grouped", seed, days=5, budget=budget)
    write_run(tmp_path / "u_s0", "two_tier", "uniform", 0, days=5)
    runs, problems = load_runs(tmp_path)
    assert problems == []
    assert set(runs["variant"]) == {"two_tier/area_grouped [quota.budget=8000]",
                                    "two_tier/area_grouped [quota.budget=10000]", "two_tier/uniform"}
    assert set(runs["design"]) == {"two_tier/area_grouped", "two_tier/uniform"}  # the catalog keeps design
    result = govsim_report(tmp_path, tmp_path / "out", lang="vi",
                           figures=("backlog_over_time", "staffing_allocation"))
    comp = result.comparison
    assert set(comp["design"]) == set(runs["variant"])
    assert (comp.loc[comp["design"].str.contains("budget"), "n"] == 2).all()
    assert comp["baseline"].iloc[0] == "two_tier/area_grouped [quota.budget=8000]"  # first in natural order
    assert all(f.skipped is None for f in result.figures), [(f.name, f.skipped) for f in result.figures]
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "Hai cấp, biên chế theo nhóm địa bàn [quota.budget=10000]" in report and "`quota.budget`" in report


def test_baseline_choice():
    assert choose_baseline(["two_tier/uniform", "three_tier/uniform"]) == "three_tier/uniform"
    assert choose_baseline(["two_tier/uniform", "two_tier/area_grouped"]) == "two_tier/area_grouped"
    assert choose_baseline(["two_tier/uniform", "two_tier/area_grouped"], "two_tier/uniform") == "two_tier/uniform"


@pytest.mark.parametrize("case", ["missing", "empty", "only_broken", "bad_baseline", "bad_lang"])
def test_cli_errors_are_one_line_exit_2(case, sweep, tmp_path, capsys):
    target = {"missing": tmp_path / "nope", "empty": tmp_path, "only_broken": tmp_path}.get(case, sweep)
    if case == "only_broken":
        (tmp_path / "run").mkdir()
        (tmp_path / "run" / "summary.json").write_text("{not json")
    args = [str(target), "--out", str(tmp_path / "out")]
    args += {"bad_baseline": ["--baseline", "one_tier/none"], "bad_lang": ["--lang", "fr"]}.get(case, [])
    with pytest.raises(SystemExit) if case == "bad_lang" else _no_raise() as exit_info:
        code = main(args)
    code = exit_info.value.code if case == "bad_lang" else code
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.strip()
    if case != "bad_lang":
        assert len(err.strip().splitlines()) == 1


class _no_raise:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_label_tables_match():
    assert LABELS["en"].keys() == LABELS["vi"].keys()
    for text in LABELS["vi"].values():
        assert unicodedata.is_normalized("NFC", text)


def test_difference_maps_show_the_reform_as_enacted_when_three_tiers_as_staffed_ran():
    from sim.report.maps import difference_pairs
    four = ["three_tier/uniform", "three_tier/area_grouped", "two_tier/uniform", "two_tier/area_grouped"]
    assert difference_pairs(four, None)[0] == ("two_tier/uniform", "three_tier/uniform")
    pairs = difference_pairs(["three_tier/historical"] + four, None)
    assert pairs[0] == ("two_tier/uniform", "three_tier/historical") and len(pairs) == 3
    assert difference_pairs(["a/x", "b/x"], "b/x") == [("a/x", "b/x")]
