"""How many people sign results at each unit: a commune's chair and vice-chairs by class, a district's
committee heads, a department's heads and the division heads it delegates to as volume requires."""
from __future__ import annotations

import math

import numpy as np

from sim.work import LEVEL

CLASSES = ("I", "II", "III")


def commune_classes(population: np.ndarray, counts: dict[str, int]) -> np.ndarray:
    """Class per commune: the least populous take the lower classes, in the reported proportions.

    The city reports how many communes are of each class [R26 L74], not which: an assumption.
    """
    n = len(population)
    order = np.lexsort((np.arange(n), population))  # least populous first
    labels = [c for c in reversed(CLASSES) if c in counts]  # III, II, I
    shares = np.array([counts[c] for c in labels], dtype=float)
    sizes = np.floor(shares / shares.sum() * n).astype(int)
    sizes[-1] = n - sizes[:-1].sum()  # the rest are class I
    out = np.empty(n, dtype=object)
    out[order] = np.repeat(labels, sizes)
    return out


def signers_per_unit(world) -> np.ndarray:
    """Signers at each unit of the world (at full scale)."""
    if world.eras:  # a run holding the reform: each design's units, side by side
        return np.concatenate([signers_per_unit(era.world) for era in world.eras])
    cfg, cat = world.cfg, world.catalogue
    ld = cfg.leaders
    out = np.zeros(world.n_units)
    # Communes: the chair and the vice-chairs their class allows.
    table = world.quota_table
    classes = dict(zip(table["unit"].astype(str), commune_classes(table["population"].to_numpy(float), ld.commune_classes)))
    for i in range(world.n_communes):
        out[i] = 1 + ld.commune_vice_chairs[classes[world.unit_code[i]]]
    out[world.n_communes: world.n_communes + world.n_districts] = ld.district_signers
    # Departments: at least department_signers; more where the city-level dossiers they sign need them.
    per_day = world.cohort_demand.sum() / 250.0 * float(np.max(cfg.demand.seasonality) / np.mean(cfg.demand.seasonality))
    capacity = ld.signing_hours_per_day * 60.0 / ld.minutes_per_file * ld.department_max_utilisation
    files = np.zeros(world.n_units)
    for p in range(cat.n_procedures):
        if cat.proc_level[p] == LEVEL["city"] and not (ld.delegate_certification and cat.proc_certification[p]):
            files[world.function_unit[cat.proc_function[p]]] += per_day * cat.proc_prob[p]
    first_dept = world.n_communes + world.n_districts
    for u in range(first_dept, world.n_units):
        out[u] = max(ld.department_signers, math.ceil(files[u] / capacity))
    return out
