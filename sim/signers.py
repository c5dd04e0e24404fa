"""How many people sign results at each unit: a commune's chair and vice-chairs by class, a district's
committee heads, a department's heads and the division heads it delegates to as volume requires.

The leaders themselves are counted where the posts are (sim/world.py, World.leaders); this module gives the
class of each commune and the departments' extra signers."""
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
    """Signers at each unit of the world (at full scale): its leaders (World.leaders); a department adds
    division heads where the city-level dossiers it signs need them."""
    if world.eras:  # a run holding the reform: each design's units, side by side
        return np.concatenate([signers_per_unit(era.world) for era in world.eras])
    cfg, cat = world.cfg, world.catalogue
    ld = cfg.leaders
    out = world.leaders.astype(float).copy()
    per_day = world.cohort_demand.sum() / 250.0 * float(np.max(cfg.demand.seasonality) / np.mean(cfg.demand.seasonality))
    capacity = ld.signing_hours_per_day * 60.0 / ld.minutes_per_file * ld.department_max_utilisation
    files = np.zeros(world.n_units)
    for p in range(cat.n_procedures):
        if cat.proc_level[p] == LEVEL["city"] and not (ld.delegate_certification and cat.proc_certification[p]):
            files[world.function_unit[cat.proc_function[p]]] += per_day * cat.proc_prob[p]
    first_dept = world.n_communes + world.n_districts
    for u in range(first_dept, world.n_units):
        out[u] = max(out[u], math.ceil(files[u] / capacity))
    return out
