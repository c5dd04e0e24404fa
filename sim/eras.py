"""Two designs in one world, for a run that holds the reform (timeline=reform_2025).

Both worlds are built from the same config: the three-tier world (tier=...) and the two-tier world
(reform.after). Their units are put side by side in one list: the three-tier communes, districts and
departments first, under their usual codes, then the two-tier communes and departments, under an era
prefix (`t2:00004`, `t2:dept:justice`) so that no code means two units. Citizen cohorts are built from
the transition pieces in the same order in both worlds, so cohort i is the same people in both: only the
commune that serves them changes (`Era.cohort_unit`).

The run's world starts as the first era's: its staff, catalogue and cohorts. sim/reform.py switches the
model to the second era on reform.date.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from sim.config import FIELDS, Config, ConfigError
from sim.quotas import allocate
from sim.work import N_FIELDS
from sim.world import COMMUNE, World, _scaled, build_world

ERA_PREFIX = "t2:"  # the codes of the units of the design after the switch


@dataclass
class Era:
    """One design of the run: its own world (indices from 0) and where its units start in the run's list."""

    name: str
    world: World
    offset: int

    @property
    def units(self) -> range:
        return range(self.offset, self.offset + self.world.n_units)

    @property
    def cohort_unit(self) -> np.ndarray:
        """Each citizen cohort's commune in this era, as an index into the run's units."""
        return self.world.cohort_unit + self.offset


def build_timeline_world(cfg: Config, data_dir=None) -> World:
    """The run's world for timeline=reform_2025: both designs' units, the first era's staff and cohorts."""
    before = build_world(cfg, data_dir)
    after = build_world(replace(cfg, tier=cfg.reform.after), data_dir)
    if len(before.cohort_size) != len(after.cohort_size) or not np.allclose(before.cohort_size, after.cohort_size):
        raise ConfigError("geography tables disagree: the two designs' citizen cohorts differ")
    n3 = before.n_units
    eras = [Era(before.cfg.tier.name, before, 0), Era(after.cfg.tier.name, after, n3)]
    codes = before.unit_code + [ERA_PREFIX + c for c in after.unit_code]
    alloc_after = after.allocation.assign(unit=ERA_PREFIX + after.allocation["unit"])
    allocation = pd.concat([before.allocation.assign(era=eras[0].name), alloc_after.assign(era=eras[1].name)],
                           ignore_index=True)
    staff = np.vstack([before.staff, np.zeros_like(after.staff)])  # the second era's officers start at the switch
    world = replace(before, unit_code=codes, unit_name=before.unit_name + after.unit_name,
                    unit_kind=np.concatenate([before.unit_kind, after.unit_kind]),
                    unit_parent=np.concatenate([before.unit_parent, after.unit_parent]),  # two tiers: -1
                    staff=staff, allocation=allocation,
                    department_functions={**before.department_functions,
                                          **{ERA_PREFIX + k: v for k, v in after.department_functions.items()}},
                    eras=eras)
    return world


def build_run_world(cfg: Config, data_dir=None) -> World:
    """The world of a run: one design's (timeline=steady), or both designs' (a timeline holding the reform)."""
    if cfg.timeline.name == "steady":
        return build_world(cfg, data_dir)
    return build_timeline_world(cfg, data_dir)


def successor_commune(world: World) -> np.ndarray:
    """Per unit of the first era: the second era's commune that took most of its people (-1: none).

    A district maps to the successor of its most populous commune; departments to -1.
    """
    first, second = world.eras
    old, new, size = first.world.cohort_unit, second.cohort_unit, first.world.cohort_size
    table = pd.DataFrame({"old": old, "new": new, "size": size}).groupby(["old", "new"], as_index=False)["size"].sum()
    table = table.sort_values(["old", "size", "new"], ascending=[True, False, True]).drop_duplicates("old")
    out = np.full(first.world.n_units, -1, dtype=np.int64)
    out[table["old"].to_numpy()] = table["new"].to_numpy()
    w = first.world
    parent = w.unit_parent[: w.n_communes]
    pop = np.bincount(old, weights=size, minlength=w.n_communes)
    for d in np.unique(parent[parent >= 0]):
        members = np.flatnonzero(parent == d)
        out[d] = out[members[np.argmax(pop[members])]]
    return out


def added_staff(world: World, posts_before: int, posts_after: int) -> np.ndarray:
    """Officers a round of added posts brings to the second era's communes, (n_communes, N_FIELDS) at run.scale.

    The round's posts go where the chosen quota rule puts them: the rule's allocation of the budget plus all
    posts so far, less its allocation of the budget plus the posts before this round (never below zero).
    """
    era = world.eras[1]
    w, cfg = era.world, era.world.cfg
    communes = w.quota_table.rename(columns={"unit": "unit_code", "unit_name": "name"})
    nc = cfg.officer.non_casework_per_commune
    budget = int(w.quota_table["officers"].sum())

    def casework(extra: int) -> np.ndarray:
        table = allocate(cfg.quota, communes, w.hours.commune, budget + extra, nc)
        return _scaled(table[list(FIELDS)].to_numpy(), cfg.run.scale)

    gained = np.maximum(casework(posts_after) - casework(posts_before), 0)
    assert gained.shape == (w.n_communes, N_FIELDS) and (w.unit_kind[: w.n_communes] == COMMUNE).all()
    return gained
