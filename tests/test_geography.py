"""Checks on the shipped geography tables in sim/data (built by scripts/build_geography.py)."""
from __future__ import annotations

import csv
import importlib.util
import sys
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).parents[1]
DATA = REPO / "sim" / "data"
RAW = REPO / "data" / "raw" / "hanoi"  # raw inputs, shipped with the project
TABLES = ("communes_3tier.csv", "commune_transition.csv", "communes_2tier.csv", "districts.csv")
POPULATION_2025 = 8_855_946
CENSUS_2019 = 8_053_663


def read(name: str) -> list[dict]:
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def t3():
    return read("communes_3tier.csv")


@pytest.fixture(scope="module")
def t2():
    return read("communes_2tier.csv")


@pytest.fixture(scope="module")
def tr():
    return read("commune_transition.csv")


@pytest.fixture(scope="module")
def td():
    return read("districts.csv")


def test_counts(t3, t2, td):
    assert len(t2) == 126
    assert sum(r["unit_type"] == "ward" for r in t2) == 51
    assert sum(r["unit_type"] == "commune" for r in t2) == 75
    assert len(td) == 30
    assert len({r["district_code"] for r in t3}) == 30
    assert 500 <= len(t3) <= 580  # 526 units in force until 30/6/2025


def test_codes_unique_and_padded(t3, t2, td):
    for rows, col, width in ((t3, "unit_code", 5), (t2, "unit_code", 5), (td, "district_code", 3)):
        codes = [r[col] for r in rows]
        assert len(codes) == len(set(codes)), col
        assert all(len(c) == width and c.isdigit() for c in codes), col
        assert codes == sorted(codes), "tables are sorted by code"


def test_population_conserved(t3, t2, tr, td):
    p3 = sum(int(r["population"]) for r in t3)
    p2 = sum(int(r["population"]) for r in t2)
    assert p3 == POPULATION_2025
    assert abs(p2 - p3) <= 0.001 * p3  # required within 0.1%; the build makes it exact
    assert p2 == p3 == sum(int(r["population"]) for r in tr) == sum(int(r["population"]) for r in td)
    assert sum(int(r["population_2019"]) for r in t3) == CENSUS_2019
    assert sum(int(r["population_2019"]) for r in t2) == CENSUS_2019
    for rows in (t3, t2):
        for r in rows:
            assert int(r["urban_population"]) + int(r["rural_population"]) == int(r["population"])
        assert sum(int(r["households"]) for r in rows) == sum(int(r["households"]) for r in t3)


def test_area_conserved(t3, t2, tr):
    a3 = sum(float(r["area_km2"]) for r in t3)
    assert a3 == pytest.approx(sum(float(r["area_km2"]) for r in t2), rel=1e-4)
    assert a3 == pytest.approx(sum(float(r["area_km2"]) for r in tr), rel=1e-4)


def test_new_units_positive(t2):
    for r in t2:
        assert int(r["population"]) > 0, r["name"]
        assert float(r["area_km2"]) > 0, r["name"]
        assert float(r["density"]) > 0, r["name"]
        assert r["predecessor_codes"], r["name"]


def test_no_old_unit_lost(t3, t2, tr):
    codes2 = {r["unit_code"] for r in t2}
    pieces = defaultdict(dict)
    for r in tr:
        assert r["new_code"] in codes2
        pieces[r["old_code"]][r["new_code"]] = int(r["population"])
    assert set(pieces) == {r["unit_code"] for r in t3}, "every old unit appears in commune_transition"
    for r in t3:
        got = pieces[r["unit_code"]]
        assert sum(got.values()) == int(r["population"]), r["name"]
        news = r["new_units"].split(";")
        shares = [float(s) for s in r["new_shares"].split(";")]
        assert news == sorted(got), r["name"]
        assert len(shares) == len(news)
        assert sum(shares) == pytest.approx(1.0, abs=1e-9), r["name"]
        total = int(r["population"])
        for n, s in zip(news, shares):
            assert got[n] / total == pytest.approx(s, abs=1e-6)


def test_predecessors_match_transition(t2, tr):
    by_new = defaultdict(set)
    for r in tr:
        by_new[r["new_code"]].add(r["old_code"])
    for r in t2:
        assert set(r["predecessor_codes"].split(";")) == by_new[r["unit_code"]], r["name"]
        assert len(r["predecessor_codes"].split(";")) == len(r["predecessor_names"].split(";"))


def test_districts_add_up(t3, td):
    agg = defaultdict(lambda: [0, 0, 0])
    for r in t3:
        a = agg[r["district_code"]]
        a[0] += 1
        a[1] += int(r["population"])
        a[2] += int(r["households"])
    for d in td:
        assert agg[d["district_code"]] == [int(d["n_units"]), int(d["population"]), int(d["households"])]
    assert sum(d["district_type"] == "urban_district" for d in td) == 12
    assert sum(d["district_type"] == "rural_district" for d in td) == 17
    assert sum(d["district_type"] == "town" for d in td) == 1


def test_names_normalised(t3, t2, td):
    import re
    import unicodedata

    # open oa / oe / uy syllables carry the tone on the first vowel: Hòa, Thụy (not Hoà, Thuỵ)
    late_tone = re.compile(r"(o[àáảãạèéẻẽẹ]|(?<!q)u[ỳýỷỹỵ])$", re.IGNORECASE)
    for rows, col in ((t3, "name"), (t2, "name"), (td, "district_name")):
        for r in rows:
            n = r[col]
            assert n == unicodedata.normalize("NFC", n) and n == " ".join(n.split())
            assert not any(late_tone.search(w) for w in n.split()), n


def _load_builder():
    spec = importlib.util.spec_from_file_location("build_geography", REPO / "scripts" / "build_geography.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up here
    spec.loader.exec_module(mod)
    return mod


def test_rebuild_matches_shipped(tmp_path):
    builder = _load_builder()
    report = builder.build(RAW, tmp_path)
    assert "coverage report" in report
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), f"{name} differs from a fresh build"
