#!/usr/bin/env python3
"""Build Hanoi's geography tables (three-tier and two-tier) from the raw sources.

    python scripts/build_geography.py [--raw data/raw/hanoi] [--out sim/data]

Reads the raw files described in data/raw/hanoi/README.md (2019 census by commune, the
2019 -> 10/11/2024 change record, the LacGO/VietNamTDP mapping to the 126 units of
Resolution 1656/NQ-UBTVQH15) plus the alias table scripts/geography_aliases.csv, and
writes four small CSV tables and nothing else into <out>:

  communes_3tier.csv      the 526 commune-level units in force until 30/6/2025
  commune_transition.csv  old unit x new unit pieces (population, area)
  communes_2tier.csv      the 126 units in force from 1/7/2025
  districts.csv           the 30 districts of the three-tier system

The rules (scaling, split apportionment, aliases) are documented in sim/data/README.md
and in the comments below.  Any unit that cannot be matched is reported by name and
the build exits with status 1; nothing is dropped silently.  The output is
deterministic: exact rational arithmetic for every apportionment, sorted rows.
"""
from __future__ import annotations

import argparse
import csv
import math
import re
import sys
import unicodedata as ud
from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RAW = REPO / "data" / "raw" / "hanoi"
DEFAULT_OUT = REPO / "sim" / "data"
ALIASES = Path(__file__).resolve().with_name("geography_aliases.csv")

POPULATION_2025 = 8_855_946  # two-tier report, June 2026 [R26 L73]
CENSUS_TOTAL = 8_053_663  # 2019 census, Hanoi (data/raw/hanoi/README.md)
MIN_COVERAGE = 0.99
HANOI = "01"

# 2019 units split between two 2024 units.  The change record's note gives the
# people and area moved, which we use as the apportionment weights:
# "Nhập 0,01 km2 diện tích tự nhiên, 642 người của phường Ngô Thì Nhậm vào phường
#  Nguyễn Du và nhập toàn bộ 0,18 km2 diện tích tự nhiên, 5.526 người ... vào
#  phường Phạm Đình Hổ"  (2019 code 253 -> 2024 codes 241 and 247).
SPLITS_2019: dict[int, dict[int, tuple[int, Fraction]]] = {
    253: {241: (642, Fraction(1, 100)), 247: (5526, Fraction(18, 100))},
}

UNIT_TYPES = {"phường": "ward", "xã": "commune", "thị trấn": "town"}
DISTRICT_TYPES = {"quận": "urban_district", "huyện": "rural_district", "thị xã": "town"}
CENSUS_TYPES = {"Phường": "ward", "Xã": "commune", "ThịTrấn": "town"}
NEW_TYPES = {"Phường": "ward", "Xã": "commune"}

# Relations in the LacGO mapping and who carries the old unit's people.
RELATIONS = {"toan_bo", "mot_phan", "phan_con_lai", "mot_phan_dt", "mot_phan_dt_toanbo_ds"}
PEOPLE_RELATIONS = {"toan_bo", "mot_phan", "phan_con_lai"}

HOUSEHOLD_COLS = ("urban_1", "urban_2", "urban_3", "urban_4", "urban_5",
                  "rural_1_2", "rural_3", "rural_4", "rural_5")


# --------------------------------------------------------------------------- names

TONE_MARKS = {"\u0300": "f", "\u0301": "s", "\u0303": "x", "\u0309": "r", "\u0323": "j"}
_PREFIX = re.compile(r"^(phường|xã|thị trấn|quận|huyện|thị xã)\s+", re.IGNORECASE)


def match_key(name: str) -> str:
    """Key for matching names across sources.

    Case-, space- and hyphen-insensitive ("HàngĐào" == "Hàng Đào") and insensitive
    to where the tone mark sits inside a syllable ("Hoà" == "Hòa", "Thuỵ" == "Thụy"):
    tone marks are taken out of the letters and kept as an ordered sequence.
    """
    s = ud.normalize("NFD", ud.normalize("NFC", name)).lower()
    tones = "".join(TONE_MARKS[c] for c in s if c in TONE_MARKS)
    base = "".join(c for c in s if c not in TONE_MARKS and (c.isalnum() or ud.combining(c)))
    return ud.normalize("NFC", base) + "|" + tones


def _canon_word(word: str) -> str:
    if not word or not word[0].isalpha():
        return word
    clusters: list[list] = []
    for ch in ud.normalize("NFD", word):
        if ud.combining(ch) and clusters:
            clusters[-1][1].append(ch)
        else:
            clusters.append([ch, []])
    tone = pos = None
    for i, (_, marks) in enumerate(clusters):
        for m in marks:
            if m in TONE_MARKS:
                tone, pos = m, i
    if tone is not None:
        clusters[pos][1].remove(tone)
        # Open syllables ending in oa / oe / uy (not after q): the tone sits on the
        # first vowel ("Hòa", "Thụy"), the style used for every name we write.
        if len(clusters) >= 2:
            (b1, m1), (b2, m2) = clusters[-2], clusters[-1]
            pair = (b1.lower() + b2.lower())
            after_q = len(clusters) >= 3 and clusters[-3][0].lower() == "q"
            if not m1 and not m2 and (pair in ("oa", "oe") or (pair == "uy" and not after_q)):
                pos = len(clusters) - 2
        clusters[pos][1].append(tone)
    clusters[0][0] = clusters[0][0].upper()
    return ud.normalize("NFC", "".join(b + "".join(m) for b, m in clusters))


def canon_name(name: str) -> str:
    """Display form: NFC, single spaces, every word capitalised, tone on oa/oe/uy as Hòa/Thụy."""
    s = re.sub(r"\s+", " ", ud.normalize("NFC", name).strip())
    return "".join(_canon_word(part) for part in re.split(r"(\s+|-)", s))


def strip_prefix(name: str) -> tuple[str, str]:
    """'Phường Hàng Đào' -> ('phường', 'Hàng Đào')."""
    s = re.sub(r"\s+", " ", ud.normalize("NFC", name).strip())
    m = _PREFIX.match(s)
    if not m:
        return "", s
    return m.group(1).lower(), s[m.end():]


# --------------------------------------------------------------------------- arithmetic

def largest_remainder(total: int, weights: list[Fraction], keys: list) -> list[int]:
    """Integers proportional to weights that sum exactly to total (Hamilton's method).

    Ties in the remainder are broken by key, so the result is deterministic.
    """
    wsum = sum(weights)
    if total == 0 or wsum == 0:
        return [0] * len(weights)
    exact = [Fraction(total) * w / wsum for w in weights]
    floors = [x.numerator // x.denominator for x in exact]
    short = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), keys[i]))
    for i in order[:short]:
        floors[i] += 1
    return floors


def round_half_up(x: Fraction) -> int:
    return math.floor(x + Fraction(1, 2))


# --------------------------------------------------------------------------- data classes

@dataclass
class Unit2019:
    code: int
    name: str
    utype: str
    district: str
    keys: set = field(default_factory=set)
    targets: list = field(default_factory=list)  # 2024 codes
    census: dict | None = None


@dataclass
class Unit2024:
    code: int
    name: str
    utype: str
    district_code: int
    district_name: str
    district_type: str
    pop: int = 0
    urban: int = 0
    rural: int = 0
    households: int = 0
    area: float = 0.0


@dataclass
class OldUnit:  # a three-tier unit in force until 30/6/2025
    code: int
    name: str
    utype: str
    district_code: int
    district_name: str
    district_type: str
    members: list  # 2024 codes
    via: str  # "record" or "alias"
    pop: int = 0
    urban: int = 0
    rural: int = 0
    households: int = 0
    area: float = 0.0
    rows: list = field(default_factory=list)  # (new_code, relation)

    @property
    def dkey(self) -> str:
        return match_key(self.district_name)


@dataclass
class Piece:
    old: OldUnit
    new_code: str
    relation: str
    people_w: Fraction = Fraction(0)
    area_w: Fraction = Fraction(0)
    pop2019: int = 0
    pop: int = 0
    urban: int = 0
    rural: int = 0
    households: int = 0
    area: float = 0.0


class BuildError(Exception):
    pass


# --------------------------------------------------------------------------- loading

def read_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def num(s: str) -> float:
    s = (s or "").strip()
    return float(s) if s else 0.0


def load_census(raw: Path) -> list[dict]:
    pop = read_csv(raw / "census2019_population_wards_hanoi.csv")
    hh = {r["ward_id"]: r for r in read_csv(raw / "census2019_households_wards_hanoi.csv")}
    out = []
    for r in pop:
        h = hh.get(r["ward_id"])
        if h is None:
            raise BuildError(f"census households: no row for {r['ward_id']} {r['district']}/{r['ward']}")
        total = int(r["total"])
        urban, rural = int(num(r["urban"])), int(num(r["rural"]))
        if urban + rural != total:
            raise BuildError(f"census: urban + rural != total for {r['district']}/{r['ward']}")
        out.append({
            "id": r["ward_id"], "district": r["district"], "ward": r["ward"],
            "utype": CENSUS_TYPES[r["ward_title"]],
            "dkey": match_key(r["district"]), "wkey": match_key(r["ward"]),
            "pop": total, "urban": urban, "rural": rural,
            "households": int(sum(num(h[c]) for c in HOUSEHOLD_COLS)),
            "area_km2": float(r["area_sqm"]) / 1e6,
        })
    return out


def load_changes(raw: Path, notes: list[str]):
    rows = read_csv(raw / "ward_changes_2019_to_2024_hanoi.csv")
    u19: dict[int, Unit2019] = {}
    u24: dict[int, Unit2024] = {}
    seen = set()
    for r in rows:
        code19, code24 = int(r["Xã"]), int(float(r["Xã DC"]))
        t19, n19 = strip_prefix(r["Tên Xã"])
        t24, n24 = strip_prefix(r["Tên Xã DC"])
        _, d19 = strip_prefix(r["Tên QH"])
        dt24, d24 = strip_prefix(r["Tên QH DC"])
        if (code19, code24) in seen:
            # the record repeats Đông Anh code 517 as "Tàm Xá" and "Tầm Xá": keep the
            # first spelling, accept the second for matching the census.
            u19[code19].keys.add((match_key(d19), match_key(n19)))
            notes.append(f"change record: duplicate row for code {code19:05d} "
                         f"('{canon_name(n19)}' = '{u19[code19].name}'), spelling kept for matching")
            continue
        seen.add((code19, code24))
        if code19 not in u19:
            u19[code19] = Unit2019(code19, canon_name(n19), UNIT_TYPES[t19], canon_name(d19))
            u19[code19].keys.add((match_key(d19), match_key(n19)))
        u19[code19].targets.append(code24)
        if code24 not in u24:
            u24[code24] = Unit2024(code24, canon_name(n24), UNIT_TYPES[t24], int(r["QH DC"]),
                                   canon_name(d24), DISTRICT_TYPES[dt24])
        elif match_key(u24[code24].name) != match_key(n24):
            raise BuildError(f"change record: code {code24:05d} named both "
                             f"'{u24[code24].name}' and '{canon_name(n24)}'")
    return u19, u24


# --------------------------------------------------------------------------- build

def build(raw: Path, out: Path, aliases_path: Path = ALIASES) -> str:
    errors: list[str] = []
    notes: list[str] = []
    census = load_census(raw)
    u19, u24 = load_changes(raw, notes)

    # ---- census 2019 -> change-record 2019 codes (by district + name + type)
    index19 = defaultdict(list)
    for u in u19.values():
        for dk, nk in u.keys:
            index19[(dk, nk)].append(u)
    matched_pop = 0
    for c in census:
        cands = [u for u in index19.get((c["dkey"], c["wkey"]), [])]
        if len(cands) > 1:
            cands = [u for u in cands if u.utype == c["utype"]]
        if len(cands) != 1:
            errors.append(f"census unit not matched to the change record: {c['district']} / {c['ward']}")
            continue
        u = cands[0]
        if u.census is not None:
            errors.append(f"two census units match {u.district} / {u.name}")
            continue
        u.census = c
        matched_pop += c["pop"]
    for u in u19.values():
        if u.census is None:
            errors.append(f"change-record 2019 unit without census data: {u.district} / {u.name}")
    census_total = sum(c["pop"] for c in census)
    coverage = matched_pop / CENSUS_TOTAL

    # ---- 2019 -> 2024 units
    for u in sorted(u19.values(), key=lambda x: x.code):
        if u.census is None:
            continue
        c = u.census
        targets = sorted(u.targets)
        if len(targets) == 1:
            people_w, area_w = [Fraction(1)], [Fraction(1)]
        else:
            split = SPLITS_2019.get(u.code)
            if split is None or sorted(split) != targets:
                errors.append(f"2019 unit split without apportionment rule: {u.district} / {u.name}")
                continue
            people_w = [Fraction(split[t][0]) for t in targets]
            area_w = [split[t][1] for t in targets]
        urban = largest_remainder(c["urban"], people_w, targets)
        rural = largest_remainder(c["rural"], people_w, targets)
        hh = largest_remainder(c["households"], people_w, targets)
        asum = sum(area_w)
        for i, t in enumerate(targets):
            v = u24[t]
            v.urban += urban[i]
            v.rural += rural[i]
            v.pop += urban[i] + rural[i]
            v.households += hh[i]
            v.area += c["area_km2"] * float(area_w[i] / asum)

    # ---- 2024 units -> three-tier units in force before 1/7/2025 (aliases for 1/1/2025 merges)
    by_dist_name = defaultdict(list)
    for v in u24.values():
        by_dist_name[(match_key(v.district_name), match_key(v.name))].append(v)
    absorbed: dict[int, str] = {}
    old_units: list[OldUnit] = []
    alias_rows = read_csv(aliases_path)
    for a in alias_rows:
        dkey = match_key(a["district"])
        members = []
        for p in [s for s in a["predecessors"].split(";") if s.strip()]:
            c = by_dist_name.get((dkey, match_key(p)), [])
            if len(c) != 1:
                errors.append(f"alias table: predecessor '{p}' of '{a['unit_name']}' not found "
                              f"(once) in {a['district']} in the 2024 record")
                continue
            if c[0].code in absorbed:
                errors.append(f"alias table: '{p}' ({a['district']}) used twice")
                continue
            absorbed[c[0].code] = a["unit_name"]
            members.append(c[0])
        if not members:
            continue
        if len({m.district_code for m in members}) != 1:
            errors.append(f"alias table: '{a['unit_name']}' spans districts")
            continue
        same = [m for m in members if match_key(m.name) == match_key(a["unit_name"])]
        if (a["kind"] == "absorption") != bool(same):
            errors.append(f"alias table: kind '{a['kind']}' does not fit '{a['unit_name']}'")
            continue
        # Code: a unit keeping a 2024 name keeps that unit's 2024 code; a unit with a
        # new name takes the smallest predecessor code (stable, documented).
        code = same[0].code if same else min(m.code for m in members)
        m0 = members[0]
        if any(m.utype != a["unit_type"] for m in members):
            notes.append(f"alias '{a['unit_name']}': predecessor types "
                         f"{sorted({m.utype for m in members})} vs {a['unit_type']}")
        old_units.append(OldUnit(code, canon_name(a["unit_name"]), a["unit_type"], m0.district_code,
                                 m0.district_name, m0.district_type,
                                 sorted(m.code for m in members), "alias"))
    for v in u24.values():
        if v.code not in absorbed:
            old_units.append(OldUnit(v.code, v.name, v.utype, v.district_code, v.district_name,
                                     v.district_type, [v.code], "record"))
    old_units.sort(key=lambda o: o.code)
    if len({o.code for o in old_units}) != len(old_units):
        errors.append("three-tier unit codes are not unique")
    for o in old_units:
        for mc in o.members:
            m = u24[mc]
            o.pop += m.pop
            o.urban += m.urban
            o.rural += m.rural
            o.households += m.households
            o.area += m.area

    # ---- LacGO mapping: old unit -> new units
    mapping = [r for r in read_csv(raw / "lacgo_ward_mapping_2025.csv") if r["province_code"] == HANOI]
    wards25 = {r["ward_code"]: r for r in read_csv(raw / "lacgo_wards_2025.csv") if r["province_code"] == HANOI}
    by_name = defaultdict(list)
    for o in old_units:
        by_name[match_key(o.name)].append(o)
    qualified = defaultdict(set)  # name -> districts named by a qualifier somewhere
    for r in mapping:
        if r["old_unit_qualifier"].strip():
            qualified[match_key(r["old_unit_name"])].add(match_key(strip_prefix(r["old_unit_qualifier"])[1]))

    def resolve(r, sibling_districts=None):
        nk = match_key(r["old_unit_name"])
        cands = list(by_name.get(nk, []))
        qual = r["old_unit_qualifier"].strip()
        if qual:
            qk = match_key(strip_prefix(qual)[1])
            cands = [o for o in cands if o.dkey == qk]
        if len(cands) > 1:
            typed = [o for o in cands if o.utype == UNIT_TYPES.get(r["old_unit_type"].strip().lower())]
            cands = typed or cands
        if len(cands) > 1 and not qual:
            # a name that other rows qualify explicitly: the unqualified row is the other one
            rest = [o for o in cands if o.dkey not in qualified[nk]]
            cands = rest or cands
        if len(cands) > 1 and sibling_districts:
            near = [o for o in cands if o.dkey in sibling_districts]
            cands = near or cands
        return cands

    resolved: list[OldUnit | None] = []
    for r in mapping:
        c = resolve(r)
        resolved.append(c[0] if len(c) == 1 else None)
    sib = defaultdict(set)
    for r, o in zip(mapping, resolved):
        if o is not None:
            sib[r["new_ward_code"]].add(o.dkey)
    type_mismatch = []
    tone_fixed = 0
    for i, r in enumerate(mapping):
        if resolved[i] is None:
            c = resolve(r, sib[r["new_ward_code"]])
            if len(c) != 1:
                what = "ambiguous" if c else "not matched"
                q = f" ({r['old_unit_qualifier']})" if r["old_unit_qualifier"].strip() else ""
                errors.append(f"LacGO old unit {what}: {r['old_unit_type']} {r['old_unit_name']}{q} "
                              f"-> {r['new_ward_code']} {r['new_ward_name']}")
                continue
            resolved[i] = c[0]
        o = resolved[i]
        if r["relation"] not in RELATIONS:
            errors.append(f"LacGO: unknown relation '{r['relation']}' for {r['old_unit_name']}")
            continue
        w = wards25.get(r["new_ward_code"])
        if w is None or match_key(w["name"]) != match_key(r["new_ward_name"]) \
                or NEW_TYPES[w["unit_type"]] != UNIT_TYPES.get(r["new_ward_type"].strip().lower()):
            errors.append(f"LacGO: new unit {r['new_ward_code']} {r['new_ward_type']} {r['new_ward_name']} "
                          f"does not match lacgo_wards_2025.csv")
            continue
        if o.utype != UNIT_TYPES.get(r["old_unit_type"].strip().lower()):
            type_mismatch.append(f"{o.name} ({o.district_name}): {o.utype} vs '{r['old_unit_type']}'")
        if ud.normalize("NFC", r["old_unit_name"].strip()) != o.name:
            tone_fixed += 1
        o.rows.append((r["new_ward_code"], r["relation"]))
    for o in old_units:
        if not o.rows:
            errors.append(f"three-tier unit missing from the LacGO mapping: {o.district_name} / {o.name}")
    unused = sorted(set(wards25) - {r["new_ward_code"] for r in mapping})
    for code in unused:
        errors.append(f"new unit without predecessors in the mapping: {code} {wards25[code]['name']}")

    # ---- pieces: who carries the people, how the area is split
    pieces: list[Piece] = []
    for o in old_units:
        if not o.rows:
            continue
        news = [n for n, _ in o.rows]
        if len(set(news)) != len(news):
            errors.append(f"LacGO: {o.name} ({o.district_name}) listed twice for the same new unit")
            continue
        rels = [rel for _, rel in o.rows]
        if "toan_bo" in rels and len(rels) > 1:
            errors.append(f"LacGO: {o.name} ({o.district_name}) is 'toan_bo' and also split")
            continue
        all_people = [i for i, rel in enumerate(rels) if rel == "mot_phan_dt_toanbo_ds"]
        if len(all_people) > 1:
            errors.append(f"LacGO: {o.name} ({o.district_name}) gives all its people to two units")
            continue
        carriers = all_people or [i for i, rel in enumerate(rels) if rel in PEOPLE_RELATIONS]
        if not carriers:
            errors.append(f"LacGO: {o.name} ({o.district_name}) moves only area; its people would be lost")
            continue
        rows = sorted(o.rows)
        carriers_set = {o.rows[i] for i in carriers}
        for new_code, rel in rows:
            pieces.append(Piece(o, new_code, rel,
                                people_w=Fraction(1, len(carriers)) if (new_code, rel) in carriers_set else Fraction(0),
                                area_w=Fraction(1, len(rows))))

    if errors:
        raise BuildError("\n".join(errors))
    if coverage < MIN_COVERAGE:
        raise BuildError(f"census population matched {coverage:.2%} < {MIN_COVERAGE:.0%}")

    # ---- apportion at the finest level (old unit x new unit)
    total2019 = sum(o.pop for o in old_units)
    scale = Fraction(POPULATION_2025, total2019)
    keys = [(p.old.code, p.new_code) for p in pieces]
    exact = [Fraction(p.old.pop) * p.people_w * scale for p in pieces]
    scaled = largest_remainder(POPULATION_2025, exact, keys)
    for p, v in zip(pieces, scaled):
        p.pop = v
        share_urban = Fraction(p.old.urban, p.old.pop) if p.old.pop else Fraction(0)
        p.urban = round_half_up(v * share_urban)
        p.rural = v - p.urban
        p.area = p.old.area * float(p.area_w)
    by_old = defaultdict(list)
    for p in pieces:
        by_old[p.old.code].append(p)
    for code, ps in by_old.items():
        o = ps[0].old
        w = [p.people_w for p in ps]
        k = [p.new_code for p in ps]
        for p, v in zip(ps, largest_remainder(o.pop, w, k)):
            p.pop2019 = v
        for p, v in zip(ps, largest_remainder(o.households, w, k)):
            p.households = v

    # ---- tables
    tdp = {r["ward_code"]: r for r in read_csv(raw / "lacgo_tdp_ward_meta.csv") if r["province_code"] == HANOI}
    out.mkdir(parents=True, exist_ok=True)
    f5 = lambda c: f"{int(c):05d}"  # noqa: E731

    rows3 = []
    trans = []
    for o in old_units:
        ps = sorted(by_old[o.code], key=lambda p: p.new_code)
        pop = sum(p.pop for p in ps)
        micro = largest_remainder(1_000_000, [Fraction(p.pop) for p in ps], [p.new_code for p in ps])
        rows3.append([f5(o.code), o.name, o.utype, f"{o.district_code:03d}", o.district_name, o.district_type,
                      pop, o.pop, sum(p.urban for p in ps), sum(p.rural for p in ps), o.households,
                      f"{o.area:.4f}", ";".join(p.new_code for p in ps),
                      ";".join(f"{m / 1e6:.6f}" for m in micro)])
        for p in ps:
            trans.append([f5(o.code), p.new_code, p.pop, f"{p.area:.4f}"])

    by_new = defaultdict(list)
    for p in pieces:
        by_new[p.new_code].append(p)
    rows2 = []
    for code in sorted(wards25):
        w = wards25[code]
        ps = sorted(by_new[code], key=lambda p: p.old.code)
        pop = sum(p.pop for p in ps)
        area = sum(p.area for p in ps)
        t = tdp.get(code, {}).get("tdp_count", "").strip()
        # a count of 0 in the LacGO metadata means "not known" (no unit has no villages)
        t = t if t and int(t) > 0 else ""
        rows2.append([code, canon_name(w["name"]), NEW_TYPES[w["unit_type"]], pop,
                      sum(p.pop2019 for p in ps), sum(p.urban for p in ps), sum(p.rural for p in ps),
                      sum(p.households for p in ps), f"{area:.4f}",
                      f"{pop / area:.1f}" if area > 0 else "", t,
                      ";".join(f5(p.old.code) for p in ps), ";".join(p.old.name for p in ps),
                      ";".join(sorted({p.old.district_name for p in ps}))])

    dist = {}
    for o in old_units:
        d = dist.setdefault(o.district_code, [f"{o.district_code:03d}", o.district_name, o.district_type,
                                              0, 0, 0, 0, 0.0])
        d[3] += 1
        d[4] += sum(p.pop for p in by_old[o.code])
        d[5] += o.pop
        d[6] += o.households
        d[7] += o.area
    rows_d = [d[:7] + [f"{d[7]:.4f}"] for _, d in sorted(dist.items())]

    write(out / "communes_3tier.csv",
          ["unit_code", "name", "unit_type", "district_code", "district_name", "district_type", "population",
           "population_2019", "urban_population", "rural_population", "households", "area_km2", "new_units",
           "new_shares"], rows3)
    write(out / "commune_transition.csv", ["old_code", "new_code", "population", "area_km2"], trans)
    write(out / "communes_2tier.csv",
          ["unit_code", "name", "unit_type", "population", "population_2019", "urban_population",
           "rural_population", "households", "area_km2", "density", "tdp_count", "predecessor_codes",
           "predecessor_names", "districts"], rows2)
    write(out / "districts.csv",
          ["district_code", "district_name", "district_type", "n_units", "population", "population_2019",
           "households", "area_km2"], rows_d)

    # ---- coverage report
    n_alias = sum(o.via == "alias" for o in old_units)
    rows_alias = sum(1 for r, o in zip(mapping, resolved) if o is not None and o.via == "alias")
    units_in_map = {o.code for o in resolved if o is not None}
    pops2 = [(r[3], r[1]) for r in rows2]
    areas2 = [(float(r[8]), r[1]) for r in rows2]
    lines = [
        "Hanoi geography build: coverage report",
        f"  raw inputs: {raw}",
        f"  census 2019: {len(census)} units, population {census_total:,}; matched to the change record "
        f"by name: {sum(u.census is not None for u in u19.values())} units, population {matched_pop:,} "
        f"= {coverage:.2%} of {CENSUS_TOTAL:,}",
        f"  units in force on 10/11/2024 (change record): {len(u24)}",
        f"  three-tier units before 1/7/2025: {len(old_units)} = {len(old_units) - n_alias} by name from the "
        f"record + {n_alias} formed on 1/1/2025 (alias table, {len(absorbed)} predecessors)",
        f"  LacGO mapping rows (Hanoi): {len(mapping)}; old units matched by name: "
        f"{len(units_in_map) - n_alias} units / {len(mapping) - rows_alias} rows, by alias: "
        f"{n_alias} units / {rows_alias} rows; names equal only after normalisation: {tone_fixed} rows",
        f"  two-tier units: {len(rows2)} ({sum(r[2] == 'ward' for r in rows2)} wards, "
        f"{sum(r[2] == 'commune' for r in rows2)} communes)",
        f"  population: 2019 {total2019:,} scaled x{float(scale):.6f} to {POPULATION_2025:,} "
        f"(three-tier sum {sum(r[6] for r in rows3):,}, two-tier sum {sum(r[3] for r in rows2):,})",
        f"  two-tier population {min(pops2)[0]:,} ({min(pops2)[1]}) to {max(pops2)[0]:,} ({max(pops2)[1]}); "
        f"area {min(areas2)[0]:.2f} ({min(areas2)[1]}) to {max(areas2)[0]:.2f} km2 ({max(areas2)[1]})",
    ]
    for n in notes:
        lines.append(f"  note: {n}")
    for t in type_mismatch:
        lines.append(f"  note: unit type differs from the LacGO row: {t}")
    lines.append("  per district (code, name, units, population 2019, population 2025, area km2):")
    for d in rows_d:
        lines.append(f"    {d[0]} {d[1]:<14} {d[3]:>3} {d[5]:>9,} {d[4]:>9,} {float(d[7]):>9.2f}")
    return "\n".join(lines)


def write(path: Path, header: list[str], rows: list[list]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--raw", type=Path, default=DEFAULT_RAW, help="raw data directory (default: %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    ap.add_argument("--aliases", type=Path, default=ALIASES, help="alias table (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        report = build(args.raw, args.out, args.aliases)
    except BuildError as e:
        print("build_geography: FAILED", file=sys.stderr)
        for line in str(e).splitlines():
            print(f"  error: {line}", file=sys.stderr)
        return 1
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
