"""Staff quotas: how a fixed budget of civil servants is shared among communes and fields.

- uniform: every commune gets budget // n officers and the same field mix, as today [R26 L551]; the few
  officers left by the division go one each to the most populous communes, so the budget is spent exactly.
- area_grouped: communes are grouped by expected workload (quantiles) or by population bands; every
  commune gets the floor, and the rest of the budget follows the group's mean expected workload. The field
  mix inside a group follows the group's expected hours per field, unless quota.field_mix fixes one (set
  it to uniform's mix to compare group sizes alone).

- from_file: a saved allocation (sim/quota_file.py), e.g. govsim-optimise's optimum or its fitted rule.

All spend exactly the same total. The chair, vice-chairs and military officer (`non_casework`) are in
the quota but take no queued work.
"""
from __future__ import annotations

import heapq

import numpy as np
import pandas as pd

from sim.config import FIELDS, ConfigError, QuotaConfig, quota_overrides
from sim.quota_file import read_allocation


def largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split `total` whole officers in proportion to weights (ties to the lower index)."""
    weights = np.asarray(weights, dtype=float)
    if total <= 0 or weights.sum() <= 0:
        return np.zeros(len(weights), dtype=int)
    exact = total * weights / weights.sum()
    base = np.floor(exact).astype(int)
    order = np.lexsort((np.arange(len(weights)), -(exact - base)))
    base[order[: total - base.sum()]] += 1
    return base


def dhondt(staff: np.ndarray, weights: np.ndarray, posts: int) -> np.ndarray:
    """`staff` with `posts` more, one by one to the cell with the highest weight / (staff + 1) (the D'Hondt
    rule: each post goes where the work per officer is highest). Cells of weight 0 get none."""
    shape, flat = np.shape(staff), np.array(staff, dtype=int).ravel()  # ravel: a C-order copy, whatever the input
    weights = np.asarray(weights, dtype=float).ravel()
    heap = [(-w / (s + 1), i) for i, (w, s) in enumerate(zip(weights, flat)) if w > 0]
    heapq.heapify(heap)
    for _ in range(max(int(posts), 0)):
        if not heap:
            break
        _, i = heapq.heappop(heap)
        flat[i] += 1
        heapq.heappush(heap, (-weights[i] / (flat[i] + 1), i))
    return flat.reshape(shape)


def workload_index(hours: np.ndarray, area_km2: np.ndarray, area_hours_per_km2: float) -> np.ndarray:
    """Expected yearly casework hours per commune, with the area term for field visits."""
    return hours.sum(axis=1) + area_hours_per_km2 * area_km2


def assign_groups(q: QuotaConfig, population: np.ndarray, workload: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Group index per commune (0 = lightest) and each group's label."""
    n = len(workload)
    if q.name == "uniform" or q.method == "none":
        return np.zeros(n, dtype=int), ["uniform"]
    if q.method == "bands":
        groups = np.searchsorted(np.asarray(q.bands, dtype=float), population, side="right")
        edges = [0, *q.bands, None]
        labels = [f"G{g + 1} ({_k(edges[g])}-{_k(edges[g + 1])})" for g in range(len(q.bands) + 1)]
        return groups, labels
    k = min(q.n_groups, n)
    rank = np.empty(n, dtype=int)
    rank[np.lexsort((np.arange(n), workload))] = np.arange(n)
    groups = rank * k // n
    labels = []
    for g in range(k):
        pop = population[groups == g]
        labels.append(f"G{g + 1} ({_k(pop.min())}-{_k(pop.max())})")
    return groups, labels


def _k(x) -> str:
    return "" if x is None else f"{x / 1000:.0f}k"


def allocate(q: QuotaConfig, communes: pd.DataFrame, hours: np.ndarray, budget: int,
             non_casework: int) -> pd.DataFrame:
    """One row per commune: group, officers in all, and casework officers per field."""
    n = len(communes)
    codes = communes["unit_code"].astype(str).to_numpy()
    if q.name == "from_file":
        casework, posts = read_allocation(q.file, codes.tolist(), budget, non_casework)
        return _table(communes, casework, posts, [q.label or "from_file"] * n, np.zeros(n))
    population = communes["population"].to_numpy(dtype=float)
    overrides = quota_overrides(q)
    unknown = sorted(set(overrides) - set(codes))
    if unknown:
        raise ConfigError(f"quota.overrides names an unknown commune code {unknown[0]!r}")
    floor = q.floor_per_commune
    if floor < non_casework:
        floor = non_casework
    fixed = np.array([overrides.get(c, -1) for c in codes])
    free = fixed < 0
    spendable = budget - fixed[~free].sum()
    if spendable < floor * free.sum():
        raise ConfigError(f"quota.budget {budget} is smaller than the floors: {int(free.sum())} communes x "
                          f"{floor} officers = {floor * int(free.sum())} (plus {int(fixed[~free].sum())} in overrides)")

    workload = workload_index(hours, communes["area_km2"].to_numpy(dtype=float), q.area_hours_per_km2)
    groups, labels = assign_groups(q, population, workload)
    total = np.where(free, 0, fixed)
    if q.name == "uniform":
        idx = np.flatnonzero(free)
        total[idx] = spendable // len(idx)
        rest = spendable - total[idx].sum()
        total[idx[np.lexsort((idx, -population[idx]))[:rest]]] += 1
    else:
        idx = np.flatnonzero(free)
        group_mean = np.array([workload[idx][groups[idx] == g].mean() if (groups[idx] == g).any() else 0.0
                               for g in range(len(labels))])
        target = group_mean[groups[idx]]
        per = floor + (spendable - floor * len(idx)) * target / target.sum()
        total[idx] = np.floor(per).astype(int)
        rest = spendable - total[idx].sum()
        total[idx[np.lexsort((idx, -workload[idx]))[:rest]]] += 1

    casework = np.maximum(total - non_casework, 0)
    if q.field_mix:  # a fixed mix; area_grouped leaves it empty to follow each group's expected hours
        mix = np.array([q.field_mix.get(f, 0.0) for f in FIELDS])
        per_field = np.array([largest_remainder(c, mix) for c in casework])
    else:
        group_hours = np.array([hours[groups == g].sum(axis=0) for g in range(len(labels))])
        per_field = np.array([_with_one_each(c, group_hours[g]) for c, g in zip(casework, groups)])
    return _table(communes, per_field.reshape(n, len(FIELDS)), total - casework, [labels[g] for g in groups], workload)


def _table(communes: pd.DataFrame, per_field: np.ndarray, non_casework: np.ndarray, groups: list[str],
           workload: np.ndarray) -> pd.DataFrame:
    table = pd.DataFrame({
        "unit": communes["unit_code"].astype(str).to_numpy(),
        "unit_name": communes["name"].to_numpy(),
        "quota_group": groups,
        "population": communes["population"].to_numpy(),
        "area_km2": communes["area_km2"].to_numpy(),
        "workload_hours": workload,
        "officers": per_field.sum(axis=1) + non_casework,
        "non_casework": non_casework,
    })
    for j, f in enumerate(FIELDS):
        table[f] = per_field[:, j] if len(table) else []
    return table


def _with_one_each(casework: int, weights: np.ndarray) -> np.ndarray:
    """Largest remainder by weights, but every field with work keeps at least one officer if possible."""
    has_work = weights > 0
    if casework >= has_work.sum():
        base = has_work.astype(int)
        return base + largest_remainder(casework - base.sum(), weights)
    return largest_remainder(casework, weights)


def print_allocation(table: pd.DataFrame, title: str) -> str:
    """The allocation as text: per group and per field, with the extremes per commune."""
    by_group = table.groupby("quota_group", sort=True).agg(
        communes=("unit", "size"), population_mean=("population", "mean"),
        officers_per_commune=("officers", "mean"), officers=("officers", "sum"))
    fields = table[list(FIELDS)].sum().rename("casework officers")
    ratio = table["population"] / table["officers"].clip(lower=1)
    by_size = table.sort_values("population")
    cols = ["unit", "unit_name", "quota_group", "population", "officers"]
    extremes = pd.concat([by_size.head(3), by_size.tail(3)])[cols]
    lines = [f"{title}: {int(table['officers'].sum())} officers in {len(table)} communes",
             by_group.round(1).to_string(), "", fields.to_frame().T.to_string(index=False), "",
             "smallest and largest communes:", extremes.to_string(index=False), "",
             f"residents per officer: min {ratio.min():,.0f}, median {ratio.median():,.0f}, max {ratio.max():,.0f}"
             " (every commune's quota: allocation.parquet in the run folder)"]
    return "\n".join(lines)
