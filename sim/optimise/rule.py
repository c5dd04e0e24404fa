"""A rule a decree can state, fitted to the optimum's posts per commune.

Two forms, both spending exactly the budget:
  - `linear`: base + officers per 10.000 residents + officers per km² (least squares with an intercept,
    which keeps the optimum's total; the area term is dropped when its fitted sign is negative). Slopes are
    rounded to what a decree would write; the base then takes up the budget, and rounding to whole posts
    goes by largest remainder;
  - `groups`: 3-6 population groups with one number of posts each (contiguous groups in population
    order that fit the optimum best, bounds rounded to 5.000 residents); each group's number is chosen for
    the objective (greedily, from the communes' analytic value curves: for minimax objectives the group of
    the worst commune goes up first), posts left by rounding go one each to the most populous communes, as
    today's uniform rule does [R26 L551].
Each commune then splits its posts over fields as its workload asks (`analytic.split_fields`). Both
results are clipped to the floors and caps, with the difference taken from / given to the communes
furthest from the optimum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.optimise.desks import Problem
from sim.quotas import largest_remainder

ROUND_POP = 5000


@dataclass
class Rule:
    kind: str          # linear | groups
    totals: np.ndarray  # posts per commune (chair, vice-chairs and military included)
    text: dict         # {"en": ..., "vi": ...}: the rule in one line
    params: dict


def _fmt(x: float, lang: str, digits: int = 0) -> str:
    s = f"{x:,.{digits}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "vi" else s


def _feasible(p: Problem, totals: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Clip to [floor, cap] and restore the budget, moving posts where the rule is furthest from target."""
    t = np.clip(np.asarray(totals, dtype=int), p.floor, p.cap)
    t = np.maximum(t, p.non_casework + p.lower())
    gap = p.budget - int(t.sum())
    while gap != 0:
        step = 1 if gap > 0 else -1
        room = (t < p.cap) if step > 0 else (t > np.maximum(p.floor, p.non_casework + p.lower()))
        if not room.any():
            break
        miss = (target - t) * step
        c = int(np.flatnonzero(room)[np.argmax(miss[room])])
        t[c] += step
        gap -= step
    return t


def fit_linear(p: Problem, optimum: np.ndarray) -> Rule:
    pop = p.population / 10_000
    area = p.area_km2
    X = np.column_stack([np.ones(p.n), pop, area])
    coef, *_ = np.linalg.lstsq(X, optimum, rcond=None)
    if coef[2] < 0:
        coef, *_ = np.linalg.lstsq(X[:, :2], optimum, rcond=None)
        coef = np.array([coef[0], coef[1], 0.0])
    b_pop = round(float(coef[1]), 1)
    b_area = round(float(coef[2]), 2)
    base = round((p.budget - b_pop * pop.sum() - b_area * area.sum()) / p.n, 1)
    exact = base + b_pop * pop + b_area * area
    totals = largest_remainder(p.budget, np.maximum(exact, 0)) if exact.min() > 0 else np.round(exact)
    totals = _feasible(p, totals, optimum)
    parts = {lang: [f"{_fmt(base, lang, 1)}", f"{_fmt(b_pop, lang, 1)}"
                    + (" per 10.000 residents" if lang == "en" else " cho mỗi 10.000 dân")]
             for lang in ("en", "vi")}
    if b_area:
        parts["en"].append(f"{_fmt(b_area, 'en', 2)} per km²")
        parts["vi"].append(f"{_fmt(b_area, 'vi', 2)} cho mỗi km²")
    text = {"en": "posts per commune = " + " + ".join(parts["en"]) + f" (rounded; {p.budget:,} in all)",
            "vi": "biên chế mỗi xã = " + " + ".join(parts["vi"]) + f" (làm tròn; tổng {_fmt(p.budget, 'vi')})"}
    return Rule("linear", totals, text, {"base": base, "per_10000_residents": b_pop, "per_km2": b_area})


def _segments(values: np.ndarray, k: int) -> list[int]:
    """Cut points of the best k contiguous groups (least squares), by dynamic programming."""
    n = len(values)
    k = min(k, n)
    csum = np.concatenate([[0.0], np.cumsum(values)])
    csq = np.concatenate([[0.0], np.cumsum(values ** 2)])

    def sse(i, j):  # values[i:j]
        m = j - i
        s = csum[j] - csum[i]
        return csq[j] - csq[i] - s * s / m

    cost = np.full((k + 1, n + 1), np.inf)
    cut = np.zeros((k + 1, n + 1), dtype=int)
    cost[0, 0] = 0.0
    for g in range(1, k + 1):
        for j in range(g, n + 1):
            for i in range(g - 1, j):
                c = cost[g - 1, i] + sse(i, j)
                if c < cost[g, j]:
                    cost[g, j], cut[g, j] = c, i
    bounds, j = [], n
    for g in range(k, 0, -1):
        bounds.append(j)
        j = cut[g, j]
    return sorted(bounds)[:-1]


def _group_posts(p: Problem, group: np.ndarray, counts: np.ndarray, curves: np.ndarray, minimax: bool) -> np.ndarray:
    """Posts per group that minimise the objective, greedily: start at the groups' floors, then add a post
    to every commune of the group holding the worst commune (minimax) or of the group where a post lowers
    the sum most per post spent, while the budget allows. curves[c, t]: commune c's value with t casework."""
    k = len(counts)
    low = np.maximum(p.floor, p.non_casework + p.lower())
    per = np.array([low[group == g].max() if counts[g] else 0 for g in range(k)], dtype=int)
    t_max = curves.shape[1] - 1

    def value(t_total):  # each commune's value with t_total posts
        t = np.clip(t_total - p.non_casework, 0, t_max)
        return curves[np.arange(p.n), t]

    while True:
        left = p.budget - int((per * counts).sum())
        now, nxt = value(per[group]), value(per[group] + 1)
        if minimax:
            g = int(group[np.argmax(now)])
            if counts[g] > left or now.max() - nxt[np.argmax(now)] <= 0:
                break
        else:
            gain = np.array([(now - nxt)[group == g].sum() / max(counts[g], 1) for g in range(k)])
            gain[(counts == 0) | (counts > left)] = -np.inf
            g = int(np.argmax(gain))
            if not np.isfinite(gain[g]) or gain[g] <= 0:
                break
        per[g] += 1
    return per


def fit_groups(p: Problem, optimum: np.ndarray, k: int, curves: np.ndarray | None = None,
               minimax: bool = False) -> Rule:
    order = np.argsort(p.population, kind="stable")
    cuts = _segments(optimum[order].astype(float), k)
    pops = p.population[order]
    edges = sorted({int(round((pops[c - 1] + pops[c]) / 2 / ROUND_POP) * ROUND_POP) for c in cuts})
    group = np.searchsorted(np.array(edges, dtype=float), p.population, side="right")
    k = len(edges) + 1
    means = np.array([optimum[group == g].mean() if (group == g).any() else 0.0 for g in range(k)])
    counts = np.bincount(group, minlength=k)
    if curves is not None:  # the posts per group that serve the objective best
        per = _group_posts(p, group, counts, curves, minimax)
    else:  # whole posts per group, as close to the optimum's means as the budget allows
        per = np.floor(means).astype(int)
    while True:  # spend what is left on whole groups, nearest the optimum's means first
        fits = (counts > 0) & (int((per * counts).sum()) + counts <= p.budget)
        if not fits.any():
            break
        per[int(np.argmax(np.where(fits, means - per, -np.inf)))] += 1
    totals = per[group].astype(int)
    rest = p.budget - int(totals.sum())
    if rest > 0:
        totals[np.lexsort((np.arange(p.n), -p.population))[:rest]] += 1
    totals = _feasible(p, totals, optimum)
    bounds = [0, *edges, None]
    en, vi = [], []
    for g in range(k):
        lo, hi = bounds[g], bounds[g + 1]
        span_en = f"under {_fmt(hi, 'en')}" if lo == 0 else f"{_fmt(lo, 'en')}+" if hi is None else \
            f"{_fmt(lo, 'en')}-{_fmt(hi, 'en')}"
        span_vi = f"dưới {_fmt(hi, 'vi')}" if lo == 0 else f"từ {_fmt(lo, 'vi')}" if hi is None else \
            f"{_fmt(lo, 'vi')}-{_fmt(hi, 'vi')}"
        en.append(f"{span_en} residents: {per[g]}")
        vi.append(f"{span_vi} dân: {per[g]}")
    tail = {"en": f" (the {rest} posts left go one each to the most populous communes)" if rest > 0 else "",
            "vi": f" ({rest} biên chế còn lại: mỗi xã đông dân nhất thêm một)" if rest > 0 else ""}
    text = {"en": "posts per commune by population: " + "; ".join(en) + tail["en"],
            "vi": "biên chế mỗi xã theo dân số: " + "; ".join(vi) + tail["vi"]}
    return Rule("groups", totals, text, {"edges": edges, "posts": per.tolist(), "communes": counts.tolist()})


def gain_kept(uniform: float, optimum: float, rule: float) -> float:
    """Share of the optimum's improvement over uniform that the rule keeps (scores: lower is better)."""
    gain = uniform - optimum
    return float((uniform - rule) / gain) if abs(gain) > 1e-12 else float("nan")
