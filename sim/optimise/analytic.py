"""The analytic stage: greedy marginal allocation of the budget over the M/M/c desks (seconds).

Every desk starts at `min_per_field` officers; communes below their floor are filled first, each with its own
best marginal officers. Then:
  - `late_share` (separable: the city's dossier-weighted late share) gives each next officer to the desk
    where it lowers the objective most. For separable convex objectives under a budget and per-commune
    bounds (a laminar family) this greedy is optimal;
  - `max_backlog` and `worst_on_time` (minimax over communes) give each next officer to the worst commune,
    at the field where it helps that commune most (water-filling: optimal for the minimax value).
Marginal gains are taken from each desk's convex envelope (pooled adjacent violators), so that an overloaded
desk, whose first extra officers only slow the pile-up, is not starved. Lower scores are better.
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from sim.config import ConfigError
from sim.optimise.desks import Problem
from sim.optimise.queueing import desk_curves

MINIMAX = ("max_backlog", "worst_on_time")
# A gain below this no longer counts for the minimax objectives (requests of backlog; share of dossiers):
# the worst commune is then left as it is and the next worst goes on; what remains goes where it lowers the
# sum over communes most.
MATERIAL = {"max_backlog": 1e-2, "worst_on_time": 1e-6, "late_share": 0.0}


@dataclass
class Curves:
    value: np.ndarray  # (desks, c_max + 1): the desk's term in its commune's (or the city's) objective
    gain: np.ndarray   # (desks, c_max + 1): envelope gain of the officer that takes it from c to c + 1
    n_fields: int

    def at(self, desk: np.ndarray, c: np.ndarray) -> np.ndarray:
        return self.value[desk, np.minimum(c, self.value.shape[1] - 1)]

    def gain_at(self, desk: int, c: int) -> float:
        return float(self.gain[desk, c]) if c < self.gain.shape[1] else 0.0


def c_max_for(p: Problem) -> int:
    a = p.load.max(initial=0.0) * max(p.season.max(initial=1.0), 1.0)
    return int(np.ceil(1.5 * a + 10 * np.sqrt(a) + 12))


def desk_terms(p: Problem, objective: str, c_max: int | None = None) -> np.ndarray:
    """Each desk's term in the objective, for c = 0..c_max officers: the mean over the months' loads
    (demand.seasonality), each month weighted by its arrivals."""
    c_max = c_max or c_max_for(p)
    n, k = p.load.shape
    field = np.tile(np.arange(k), n)
    factors, counts = np.unique(np.round(p.season, 3), return_counts=True)
    weights = factors * counts / (factors * counts).sum()
    backlog = late = 0.0
    for s, w in zip(factors, weights):
        b, lt = desk_curves(s * p.load.ravel(), p.mu.ravel(), p.deadline, p.deadline_share, field,
                            p.horizon_days, c_max, p.scv)
        backlog, late = backlog + w * b, late + w * lt
    if objective == "max_backlog":
        return backlog
    rate = p.dossier_rate
    weight = rate / np.maximum(rate.sum(axis=1, keepdims=True), 1e-12) if objective == "worst_on_time" \
        else rate / max(rate.sum(), 1e-12)
    return late * weight.ravel()[:, None]


def iron(gains: np.ndarray) -> np.ndarray:
    """Non-increasing gains with the same sums (pool adjacent violators, per row)."""
    out = np.array(gains, dtype=float)
    for row in out:
        blocks: list[list[float]] = []  # [mean, length]
        for g in row:
            blocks.append([g, 1.0])
            while len(blocks) > 1 and blocks[-2][0] < blocks[-1][0]:
                m2, l2 = blocks.pop()
                m1, l1 = blocks.pop()
                blocks.append([(m1 * l1 + m2 * l2) / (l1 + l2), l1 + l2])
        row[:] = np.repeat([b[0] for b in blocks], [int(b[1]) for b in blocks])
    return out


def curves(p: Problem, objective: str) -> Curves:
    value = desk_terms(p, objective)
    start = p.min_per_field
    gain = np.zeros_like(value)
    raw = value[:, start:-1] - value[:, start + 1:]
    gain[:, start:-1] = iron(np.nan_to_num(raw, nan=0.0, posinf=1e12))
    return Curves(value=value, gain=gain, n_fields=p.load.shape[1])


def commune_values(p: Problem, cv: Curves, casework: np.ndarray) -> np.ndarray:
    n, k = casework.shape
    desks = np.arange(n * k)
    return cv.at(desks, casework.ravel()).reshape(n, k).sum(axis=1)


def score(p: Problem, objective: str, casework: np.ndarray, cv: Curves | None = None) -> float:
    """The objective of an allocation (lower is better; worst_on_time: 1 - the lowest on-time rate)."""
    cv = cv or curves(p, objective)
    per_commune = commune_values(p, cv, casework)
    return float(per_commune.max() if objective in MINIMAX else per_commune.sum())


def _best_field(cv: Curves, commune: int, row: np.ndarray) -> int:
    k = cv.n_fields
    gains = [cv.gain_at(commune * k + f, int(row[f])) for f in range(k)]
    return int(np.argmax(gains))  # ties: the lower field index


def optimise(p: Problem, objective: str, cv: Curves | None = None) -> np.ndarray:
    """Casework officers per commune and field (n x fields) that minimise the objective."""
    cv = cv or curves(p, objective)
    n, k = p.load.shape
    lower, upper = p.lower(), p.upper()
    spend = p.budget - int(p.non_casework.sum())
    if lower.sum() > spend:
        raise ConfigError(f"quota.budget {p.budget} is smaller than the floors: {int(lower.sum() + p.non_casework.sum())} "
                          f"posts ({n} communes, floor and {p.min_per_field} officer(s) per field)")
    if np.minimum(upper, 10 ** 7).sum() < spend:
        raise ConfigError(f"optimise.max_change is too tight to spend quota.budget {p.budget}")
    if (upper < lower).any():
        raise ConfigError("optimise.max_change and the floor leave a commune no possible quota")
    x = np.full((n, k), p.min_per_field, dtype=int)
    for c in range(n):  # floors: each commune's own best officers
        while x[c].sum() < lower[c]:
            x[c, _best_field(cv, c, x[c])] += 1
    left = spend - int(x.sum())
    if objective in MINIMAX:
        values = commune_values(p, cv, x)
        heap = [(-values[c], c) for c in range(n) if x[c].sum() < upper[c]]
        heapq.heapify(heap)
        while left > 0 and heap:
            value, c = heapq.heappop(heap)
            f = _best_field(cv, c, x[c])
            if cv.gain_at(c * k + f, int(x[c, f])) <= MATERIAL[objective]:
                continue  # nothing more lowers this commune materially: leave it (the next worst goes on)
            x[c, f] += 1
            left -= 1
            if x[c].sum() < upper[c]:
                d = np.arange(c * k, (c + 1) * k)
                heapq.heappush(heap, (-float(cv.at(d, x[c]).sum()), c))
    if left > 0:
        heap = [(-cv.gain_at(d, int(x.flat[d])), d) for d in range(n * k)]
        heapq.heapify(heap)
        while left > 0 and heap:
            g, d = heapq.heappop(heap)
            c = d // k
            if x[c].sum() >= upper[c] or (g == 0 and objective in MINIMAX):
                continue
            x.flat[d] += 1
            left -= 1
            heapq.heappush(heap, (-cv.gain_at(d, int(x.flat[d])), d))
    if left > 0:  # every commune is as good as it gets: spread the rest by load, within the caps
        _spread(p, x, left)
    return x


def _spread(p: Problem, x: np.ndarray, left: int) -> None:
    """Give officers no objective needs to the desks with most load per officer (deterministic)."""
    k = x.shape[1]
    room = p.upper() - x.sum(axis=1)
    heap = [(-(p.load.flat[d] / x.flat[d] if x.flat[d] else np.inf), d) for d in range(x.size)]
    heapq.heapify(heap)
    while left > 0 and heap:
        _, d = heapq.heappop(heap)
        if room[d // k] <= 0:
            continue
        x.flat[d] += 1
        room[d // k] -= 1
        left -= 1
        heapq.heappush(heap, (-p.load.flat[d] / x.flat[d], d))


def split_fields(p: Problem, totals: np.ndarray, objective: str, cv: Curves | None = None) -> np.ndarray:
    """Given all posts per commune (a rule's), each commune's best split of its casework over fields."""
    cv = cv or curves(p, objective)
    n, k = p.load.shape
    x = np.full((n, k), p.min_per_field, dtype=int)
    casework = np.asarray(totals, dtype=int) - p.non_casework
    for c in range(n):
        while x[c].sum() < casework[c]:
            x[c, _best_field(cv, c, x[c])] += 1
    return x


def commune_curves(p: Problem, cv: Curves, t_max: int) -> np.ndarray:
    """(n, t_max + 1): each commune's value with t casework officers split as its workload asks (inf below
    the minimum per field)."""
    n, k = p.load.shape
    out = np.full((n, t_max + 1), np.inf)
    for c in range(n):
        row = np.full(k, p.min_per_field, dtype=int)
        d = np.arange(c * k, (c + 1) * k)
        for t in range(int(row.sum()), t_max + 1):
            out[c, t] = float(cv.at(d, row).sum())
            row[_best_field(cv, c, row)] += 1
    return out


def on_time_by_commune(p: Problem, casework: np.ndarray, cv: Curves | None = None) -> np.ndarray:
    """Analytic on-time share of each commune's dossiers."""
    cv = cv or curves(p, "worst_on_time")
    return 1.0 - commune_values(p, cv, casework)


def minimal_budget(p: Problem, target: float, cv: Curves | None = None) -> tuple[int, np.ndarray]:
    """The smallest budget whose worst_on_time optimum has every commune at `target` or better (bisection)."""
    cv = cv or curves(p, "worst_on_time")

    def meets(budget: int) -> tuple[bool, np.ndarray]:
        x = optimise(p.with_budget(budget), "worst_on_time", cv)
        return bool(on_time_by_commune(p, x, cv).min() >= target), x

    lo = int(p.lower().sum() + p.non_casework.sum())
    ok, x = meets(lo)
    if ok:
        return lo, x
    hi = max(p.budget, lo + 1)
    while not (found := meets(hi))[0]:
        lo, hi = hi, hi * 2
        if hi > 20 * max(p.budget, 1):
            raise ConfigError(f"no budget up to {hi} gets every commune to optimise.target_on_time={target}")
    best = found[1]
    while hi - lo > 1:
        mid = (lo + hi) // 2
        ok, x = meets(mid)
        if ok:
            hi, best = mid, x
        else:
            lo = mid
    return hi, best
