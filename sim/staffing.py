"""Three-tier posts as they were before 01/7/2025 (`tier.staffing: historical`).

Communes, towns and pilot wards get the posts set by decree, and each district People's Committee its
specialist divisions; the numbers and their sources are in conf/tier/three_tier.yaml (`tier.historical`).
Unlike `same_budget` (sim/world.py splits one budget), no total is imposed: the total is what the rules give.

Every unit's posts are split into leaders (chair and vice-chairs: they sign), other non-casework posts
(the military commander) and casework officers per field. Only casework officers join the queues.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.config import FIELDS, ConfigError, HistoricalStaffing
from sim.quotas import largest_remainder, workload_index

N_FIELDS = len(FIELDS)
PILOT_WARD = "ward"  # unit_type of the 175 pilot wards (phường) in communes_3tier.csv


@dataclass
class Posts:
    """Posts per unit at full scale."""

    table: pd.DataFrame           # per commune: the columns of sim.quotas.allocate
    district: np.ndarray          # (n_districts, N_FIELDS) casework officers
    commune_leaders: np.ndarray   # per commune: chair + vice-chairs
    commune_other: np.ndarray     # per commune: other non-casework posts (military)
    district_leaders: np.ndarray  # per district: chair + vice-chairs


def historical_posts(h: HistoricalStaffing, communes: pd.DataFrame, districts: pd.DataFrame,
                     hours: np.ndarray, officer_hours: float) -> Posts:
    """The posts of every commune (sorted as `communes`) and district (sorted as `districts`); `hours`:
    expected casework hours per commune and field, `officer_hours`: one officer's casework hours a year."""
    n = len(communes)
    kind = communes["unit_type"].astype(str).to_numpy()
    # a unit formed by the 1/1/2025 merges keeps the posts of each of its 2024 units (see three_tier.yaml)
    n24 = communes["units_2024"].to_numpy(dtype=int) if "units_2024" in communes else np.ones(n, dtype=int)
    if (n24 < 1).any():
        raise ConfigError("geography table communes_3tier: units_2024 must be >= 1")
    ward = kind == PILOT_WARD
    casework = np.zeros((n, N_FIELDS), dtype=int)
    leaders = np.zeros(n, dtype=int)
    other = np.zeros(n, dtype=int)

    # Pilot wards: the same posts in each; the field mix is the city mean, so spread it over the wards.
    leaders[ward] = n24[ward] * h.ward_leaders
    other[ward] = n24[ward] * h.ward_other_non_casework
    casework[ward] = ward_fields(h, n24[ward])
    if h.ward_deployment == "district_secondment":
        casework[ward] = second_in_district(casework[ward], hours[ward], communes["district_code"].to_numpy()[ward],
                                            n24[ward] * h.ward_min_per_field, officer_hours, h.ward_secondment_above)

    # Communes and towns: posts by class, plus civil servants for population and area over the standards.
    rest = ~ward
    k = h.commune_class
    town = kind == "town"
    std_pop = np.where(town, h.town_population_standard, h.commune_population_standard)
    std_area = np.where(town, h.town_area_standard_km2, h.commune_area_standard_km2)
    extra = extra_civil_servants(communes["population"].to_numpy(dtype=float) / n24,
                                 communes["area_km2"].to_numpy(dtype=float) / n24, std_pop, std_area,
                                 h.extra_per_population_share, h.extra_per_area_share)
    civil = n24 * (h.commune_civil_servants[k] + extra)
    leaders[rest] = (n24 * h.commune_leaders[k])[rest]
    other[rest] = (n24 * h.commune_other_non_casework)[rest]
    mix = np.array([h.commune_field_mix.get(f, 0.0) for f in FIELDS])
    for i in np.flatnonzero(rest):
        casework[i] = largest_remainder(int(civil[i] - other[i]), mix)

    total = leaders + other + casework.sum(axis=1)
    group = np.where(ward, "pilot_ward", np.char.add(np.where(town, "town_", "commune_"), k))
    table = pd.DataFrame({
        "unit": communes["unit_code"].astype(str).to_numpy(),
        "unit_name": communes["name"].to_numpy(),
        "quota_group": group,
        "population": communes["population"].to_numpy(),
        "area_km2": communes["area_km2"].to_numpy(),
        "workload_hours": workload_index(hours, communes["area_km2"].to_numpy(dtype=float), 0.0),
        "officers": total,
        "non_casework": leaders + other,
    })
    for j, f in enumerate(FIELDS):
        table[f] = casework[:, j]
    return Posts(table=table, district=district_fields(h, districts), commune_leaders=leaders,
                 commune_other=other, district_leaders=np.full(len(districts), h.district_leaders, dtype=int))


def extra_civil_servants(population, area, std_pop, std_area, pop_share: float, area_share: float) -> np.ndarray:
    """+1 per full `pop_share` of the population standard above it, +1 per full `area_share` of the area
    standard above it (Nghị định 33/2023/NĐ-CP Art. 6(2))."""
    over_pop = np.maximum(population - std_pop, 0) / (std_pop * pop_share)
    over_area = np.maximum(area - std_area, 0) / (std_area * area_share)
    # a hair of tolerance: 12.000 people over an 8.000 standard is exactly one half-standard more
    return (np.floor(over_pop + 1e-9) + np.floor(over_area + 1e-9)).astype(int)


def ward_fields(h: HistoricalStaffing, slots: np.ndarray) -> np.ndarray:
    """Casework posts per ward and field: each 2024 ward ("slot") holds the same number, the city totals
    per field follow the mean mix (largest remainder), and the fractions are dealt out slot by slot."""
    per_slot = h.ward_posts - h.ward_leaders - h.ward_other_non_casework
    mix = np.array([h.ward_field_posts.get(f, 0.0) for f in FIELDS])
    n_slots = int(slots.sum())
    if n_slots == 0:
        return np.zeros((0, N_FIELDS), dtype=int)
    city = largest_remainder(per_slot * n_slots, mix)
    base = np.floor(mix * per_slot / mix.sum()).astype(int)
    extra = city - base * n_slots
    deal = np.repeat(np.arange(N_FIELDS), extra)  # each slot gets per_slot - base.sum() of these
    slot_posts = np.tile(base, (n_slots, 1))
    np.add.at(slot_posts, (np.arange(len(deal)) % n_slots, deal), 1)
    owner = np.repeat(np.arange(len(slots)), slots)
    out = np.zeros((len(slots), N_FIELDS), dtype=int)
    np.add.at(out, owner, slot_posts)
    return out


def second_in_district(casework: np.ndarray, hours: np.ndarray, district: np.ndarray, floor: np.ndarray,
                       officer_hours: float, above: float) -> np.ndarray:
    """The pilot wards' casework posts after each district seconds officers to its overloaded ward desks.

    Under the pilot the ward committee is an arm of the district's (T24 L4079-4097): the district employs
    the ward civil servants and may move them between its wards. While some ward desk (ward x field) of a
    district expects more work than `above` times its officers' casework hours (`officer_hours` a year
    each), the most loaded one takes an officer from the least loaded desk that keeps `floor` officers, as
    long as that desk ends up less loaded than the one it helps. Posts stay where they are otherwise, so
    each district's total, and the city's 2.625, do not change.
    """
    out = casework.copy()
    for d in np.unique(district):
        rows = np.flatnonzero(district == d)
        staff, work = out[rows].astype(float), hours[rows] / officer_hours
        keep = np.where(casework[rows].sum(axis=0) > 0, floor[rows, None], 0)
        while True:
            load = np.where(staff > 0, work / np.maximum(staff, 1), np.where(work > 0, np.inf, 0.0))
            need = int(np.argmax(load))
            if load.flat[need] <= above:
                break
            left = staff - 1  # a giver keeps its floor, and never leaves work with nobody to do it
            after = np.where((staff > keep) & ((left > 0) | (work == 0)), work / np.maximum(left, 1), np.inf)
            give = int(np.argmin(after))
            if after.flat[give] >= work.flat[need] / (staff.flat[need] + 1):  # the giver would end up the busier
                break
            staff.flat[give] -= 1
            staff.flat[need] += 1
        out[rows] = staff.astype(int)
    return out


def district_fields(h: HistoricalStaffing, districts: pd.DataFrame) -> np.ndarray:
    """Casework officers per district and field: its specialist divisions' staff, each in its field."""
    kinds = districts["district_type"].astype(str).to_numpy()
    missing = sorted(set(kinds) - set(h.district_divisions))
    if missing:
        raise ConfigError(f"tier.historical.district_divisions has no entry for district type {missing[0]!r}")
    n_div = np.array([len(h.district_divisions[t]) for t in kinds], dtype=float)
    weights = n_div * (districts["population"].to_numpy(dtype=float) if h.district_split == "population" else 1.0)
    staff = largest_remainder(int(round(h.staff_per_division * n_div.sum())), weights)
    field_index = {f: j for j, f in enumerate(FIELDS)}
    out = np.zeros((len(districts), N_FIELDS), dtype=int)
    for d, (t, total) in enumerate(zip(kinds, staff)):
        divisions = h.district_divisions[t]
        for name, s in zip(divisions, largest_remainder(int(total), np.ones(len(divisions)))):
            out[d, field_index[h.division_field[name]]] += s
    return out
