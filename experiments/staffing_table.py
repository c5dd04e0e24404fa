"""The staffing table of docs/model.md: posts per tier and field under each staffing rule (full scale).

    python experiments/staffing_table.py

Rows: pilot wards, communes, towns (three tiers as staffed) or all communes (budget rules), district
offices, city departments. Columns: units, leaders (chair + vice-chairs; department directors + deputies),
military (other non-casework posts), casework officers per field, and all posts.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from sim.config import FIELDS, compose  # noqa: E402
from sim.world import DEPARTMENT, DISTRICT, build_world  # noqa: E402

RULES = (("three tiers as staffed", ["tier=three_tier"]),
         ("three tiers, same budget (uniform)", ["tier=three_tier", "tier.staffing=same_budget"]),
         ("two tiers (uniform)", ["tier=two_tier"]))
SHORT = {"land_construction": "land", "justice_civil_status": "justice", "culture_society": "culture",
         "finance": "finance", "office_statistics": "office", "economy": "economy"}


def rows():
    for name, overrides in RULES:
        w = build_world(compose(overrides))
        q, n = w.quota_table, w.n_communes
        group = q["quota_group"].str.replace(r"_(I|II|III)$", "", regex=True).map(
            {"pilot_ward": "pilot wards", "commune": "communes", "town": "towns"}).fillna("communes (all)").to_numpy()
        for g in dict.fromkeys(group):
            m = group == g
            fields = q.loc[m, list(FIELDS)].sum()
            yield name, g, int(m.sum()), int(w.leaders[:n][m].sum()), int(w.other_non_casework[:n][m].sum()), fields
        for kind, label in ((DISTRICT, "district offices"), (DEPARTMENT, "city departments")):
            m = w.unit_kind == kind
            if m.any():
                fields = dict(zip(FIELDS, w.staff[m].sum(axis=0)))
                yield name, label, int(m.sum()), int(w.leaders[m].sum()), 0, fields


def main() -> None:
    head = ["rule", "unit", "n", "leaders", "military", *SHORT.values(), "casework", "all posts"]
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    totals: dict[str, np.ndarray] = {}
    for name, unit, n, leaders, other, fields in rows():
        case = [int(fields[f]) for f in FIELDS]
        line = [name, unit, n, leaders, other, *case, sum(case), leaders + other + sum(case)]
        totals[name] = totals.get(name, np.zeros(3, dtype=int)) + [leaders + other + sum(case), sum(case), leaders]
        print("| " + " | ".join(f"{v:,}".replace(",", ".") if isinstance(v, int) else str(v) for v in line) + " |")
    print()
    for name, (posts, case, leaders) in totals.items():
        def dot(x):
            return f"{x:,}".replace(",", ".")
        print(f"{name}: {dot(posts)} posts, {dot(case)} casework, {dot(leaders)} leaders (with city departments)")


if __name__ == "__main__":
    main()
