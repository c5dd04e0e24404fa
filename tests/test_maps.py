"""The commune maps of the chart pack (sim/report/maps.py) on small synthetic sweeps."""

from __future__ import annotations

import json
import sys
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from report_fixtures import write_sweep
from sim.report import govsim_report, load_runs, make_figures
from sim.report import maps as maps_module
from sim.report.cli import main
from sim.report.figures import FIGURES
from sim.report.geo import BOUNDARIES, apportion, apportion_weights, load_boundaries
from sim.report.mapdraw import label_boxes, place_labels, setup_canvas
from sim.report.maps import MAPS, paired_difference
from sim.report.plotting import FORMATS, new_figure
from sim.world import load_tables

MAP_NAMES = [name for name, _, _ in MAPS]
VI_MAPS = ["map_backlog", "map_difference"]


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    root = tmp_path_factory.mktemp("map_sweep")
    write_sweep(root, seeds=(0, 1), days=5)
    return root


@pytest.fixture(scope="module")
def drawn(sweep, tmp_path_factory):
    """Every map in both languages, with the matplotlib figures kept for inspection."""
    runs, _ = load_runs(sweep)
    out, figures = {}, {}
    real_save = maps_module.save

    def keep(fig, folder, name):
        figures[(folder.name, name)] = fig
        return real_save(fig, folder, name)

    mp = pytest.MonkeyPatch()
    mp.setattr(maps_module, "save", keep)
    try:
        for lang, names in (("en", MAP_NAMES), ("vi", VI_MAPS)):  # every map once, two again in Vietnamese
            folder = tmp_path_factory.mktemp(lang)
            out[lang] = (folder, make_figures(runs, folder, lang, names=names))
    finally:
        mp.undo()
    return out, figures


def test_every_two_tier_commune_has_exactly_one_polygon():
    codes = load_tables()["communes_2tier"]["unit_code"]
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    counts = pd.Series([f["properties"]["code"] for f in features]).value_counts()
    assert len(codes) == 126
    assert set(counts.index) == set(codes) and (counts == 1).all()
    bnd = load_boundaries()
    for geom in bnd.frame["geometry"]:
        assert geom.geom_type in ("Polygon", "MultiPolygon") and geom.is_valid and geom.area > 0
    # the label point of every commune lies inside it
    from shapely.geometry import Point
    assert all(g.contains(Point(x, y)) for g, x, y in bnd.frame[["geometry", "x", "y"]].itertuples(index=False))


def test_three_tier_apportionment_keeps_every_resident():
    tables = load_tables()
    old = tables["communes_3tier"]
    units = list(old["unit_code"]) + ["D" + c for c in tables["districts"]["district_code"]]
    w = apportion_weights("three_tier", units, tables)
    assert set(w["code"]) == set(tables["communes_2tier"]["unit_code"])
    assert np.allclose(w.groupby("unit")["weight"].sum(), 1.0)  # each unit's numbers go somewhere, once
    people = old.rename(columns={"unit_code": "unit"})[["unit", "population"]].astype({"population": float})
    on_new = apportion(people, w, ["population"]).set_index("code")["population"]
    current = tables["communes_2tier"].set_index("unit_code")["population"]
    assert np.allclose(on_new.reindex(current.index), current)  # the residents land where they live now
    two = apportion_weights("two_tier", list(current.index) + ["dept:justice"], tables)
    assert len(two) == 126 and (two["unit"] == two["code"]).all() and (two["weight"] == 1).all()


def test_maps_render_in_both_languages_and_all_formats(drawn):
    out, figures = drawn
    for lang, (folder, results) in out.items():
        assert [r.name for r in results] == (MAP_NAMES if lang == "en" else VI_MAPS)
        assert all(r.skipped is None for r in results), [(r.name, r.skipped) for r in results]
        for name in (r.name for r in results):
            for ext in FORMATS:
                path = folder / f"{name}.{ext}"
                assert path.exists() and path.stat().st_size > 5000, path
        for r in results:
            assert r.facts["list"]  # the report paragraph has its extreme communes
    # every map credits the boundaries; three-tier panels say they are put on today's communes
    for (folder, name), fig in figures.items():
        footer = fig._supxlabel.get_text()
        assert "thanglequoc/vietnamese-provinces-database" in footer and "MIT" in footer, name
        titles = " ".join(ax.get_title() for ax in fig.axes)
        assert ("today's communes" in titles) or ("hiện nay" in titles), (folder, name)
    vi = {r.name: r for r in out["vi"][1]}
    text = vi["map_backlog"].facts["list"]
    assert "Phú Nghĩa" in text and "Xã " not in text  # today's commune names, not the runs' unit names


def test_commune_labels_do_not_overlap(drawn):
    _, figures = drawn
    for key, fig in figures.items():
        boxes = label_boxes(fig)
        assert boxes or key[1] == "map_difference", key  # 2 seeds: nothing significant to label
        for a, b in combinations(boxes, 2):
            assert not a.overlaps(b), (key, a, b)
    # a crowded case: ten central wards within a few km, labelled in one small panel
    bnd = load_boundaries()
    central = bnd.frame.loc[["00004", "00008", "00070", "00082", "00091", "00097", "00103", "00118", "00127",
                             "00136"]]
    fig = new_figure(4.0, 4.0)
    setup_canvas(fig)
    ax = fig.subplots()
    ax.set(xlim=(105.78, 105.89), ylim=(20.98, 21.07))
    fig.canvas.draw()
    fig.set_layout_engine("none")
    place_labels(ax, [(r.x, r.y, f"{r.name} 12,3", c) for c, r in central.iterrows()])
    boxes = label_boxes(fig)
    assert len(boxes) == 10
    for a, b in combinations(boxes, 2):
        assert not a.overlaps(b), (a, b)


def test_missing_commune_stops_the_maps_with_one_line(sweep, tmp_path, capsys):
    data = json.loads(BOUNDARIES.read_text(encoding="utf-8"))
    data["features"] = [f for f in data["features"] if f["properties"]["code"] != "10030"]
    partial = tmp_path / "partial.geojson"
    partial.write_text(json.dumps(data), encoding="utf-8")
    assert main([str(sweep), "--out", str(tmp_path / "out"), "--boundaries", str(partial)]) == 0
    stdout = capsys.readouterr().out
    lines = [line for line in stdout.splitlines() if "10030" in line]
    assert len(lines) == 1 and "no boundary" in lines[0] and "partial.geojson" in lines[0], stdout
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "10030" in report
    for name, _, _ in FIGURES:  # the charts are all still there
        assert (tmp_path / "out" / "figures" / f"{name}.png").exists()
    assert not (tmp_path / "out" / "figures" / "map_backlog.png").exists()


def test_without_shapely_the_maps_are_skipped_and_the_report_written(sweep, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "shapely", None)  # import shapely -> ImportError
    result = govsim_report(sweep, tmp_path, figures=("outcome_shares", *MAP_NAMES))
    assert [f.name for f in result.figures] == ["outcome_shares", "maps"]
    assert "shapely is not installed" in result.figures[1].skipped
    assert "shapely is not installed" in (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "figure maps not drawn: shapely is not installed" in result.summary()


def test_paired_difference_colours_only_what_the_seeds_support():
    rng = np.random.default_rng(1)
    rows = []
    for seed in range(5):
        noise = rng.normal(0, 1, 3)  # common random numbers: shared by both designs
        for design, shift in (("a/x", 0.0), ("b/x", 1.0)):
            for i, code in enumerate(("00004", "00008", "10030")):
                change = {"00004": shift, "00008": -shift, "10030": 0.0}[code]
                rows.append((design, seed, code, 5 + noise[i] + change + (rng.normal(0, 0.5) if code == "10030"
                                                                          else 0.0)))
    per_run = pd.DataFrame(rows, columns=["design", "seed", "code", "backlog_per_1000"])
    d = paired_difference(per_run, "b/x", "a/x")
    assert d.loc["00004", "significant"] and d.loc["00004", "mean"] == pytest.approx(1.0)
    assert d.loc["00008", "significant"] and d.loc["00008", "mean"] == pytest.approx(-1.0)
    assert not d.loc["10030", "significant"]  # pure noise
    assert (d["n"] == 5).all()


def test_officer_change_between_any_two_allocations():
    from report_fixtures import _allocation
    from sim.report.maps import officer_change

    grouped, uniform = _allocation("two_tier", "area_grouped"), _allocation("two_tier", "uniform")
    change = officer_change(grouped, uniform)
    communes = grouped[grouped["unit_kind"] == "commune"]
    expected = communes.groupby("unit")["officers"].sum() - uniform[uniform["unit_kind"] == "commune"].groupby(
        "unit")["officers"].sum()
    assert change.to_dict() == pytest.approx(expected.astype(float).to_dict())
    # a three-tier allocation lands on today's communes: commune and district officers are all kept
    three = _allocation("three_tier", "uniform")
    kept = officer_change(three, uniform.iloc[0:0], tier_new="three_tier").sum()
    assert kept == pytest.approx(three.loc[three["unit_kind"] == "commune", "officers"].sum()
                                 + three.loc[(three["unit"] == "D001"), "officers"].sum())
