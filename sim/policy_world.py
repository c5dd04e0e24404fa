"""The policy levers that change the world before the run: added posts, and who a commune's neighbours are.

- added_posts (conf/policy/added_posts.yaml): `strength` posts at full scale go one by one to the commune
  and field with the highest weight per officer (weight / (officers + 1): the D'Hondt rule), on top of the
  quota allocation; the weight is expected casework hours (rule workload) or the officers of an optimiser's
  allocation (rule optimiser).
- neighbours (for location_independent): two-tier communes that shared a former district (a piece of each
  came from the same old district: commune_transition.csv + communes_3tier.csv); three tiers: the communes
  of one district. A commune is its own neighbour.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import FIELDS, Config
from sim.quota_file import read_posts
from sim.quotas import dhondt


def add_posts(cfg: Config, quota: pd.DataFrame, hours: np.ndarray) -> pd.DataFrame:
    """The quota table with the lever's posts added (unchanged when the lever is off or 0)."""
    lever = cfg.policy.added_posts
    if lever is None or lever.strength <= 0 or len(quota) == 0:
        return quota
    if lever.rule == "optimiser":  # where today's posts fall furthest short of the optimiser's allocation
        hours = read_posts(lever.file, quota["unit"].astype(str).tolist(), 0, "policy.added_posts.file")[0].astype(float)
    staff = dhondt(quota[list(FIELDS)].to_numpy().astype(int), hours, int(lever.strength))
    out = quota.copy()
    added = staff.sum(axis=1) - quota[list(FIELDS)].to_numpy().sum(axis=1)
    out[list(FIELDS)] = staff
    out["officers"] = out["officers"].to_numpy() + added
    return out


def commune_neighbours(tables: dict, codes: list[str], three: bool) -> list[np.ndarray]:
    """For each commune simulated (in `codes` order), the indices of its neighbours, itself included."""
    old = tables["communes_3tier"].set_index("unit_code")
    if three:
        district = old["district_code"].reindex(codes).astype(str)
        groups = [{d} for d in district]
    else:
        trans = tables["commune_transition"]
        trans = trans.assign(district=old["district_code"].reindex(trans["old_code"]).astype(str).to_numpy())
        by_new = trans.groupby(trans["new_code"].astype(str))["district"].apply(set)
        groups = [by_new.get(c, set()) for c in codes]
    index = np.arange(len(codes))
    return [index[[bool(g & h) or i == j for j, h in enumerate(groups)]] for i, g in enumerate(groups)]
