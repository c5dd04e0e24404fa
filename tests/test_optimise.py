"""The quota optimiser (issue 12): the analytic stage, its constraints, the fitted rule and quota=from_file."""
from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.config import FIELDS, ConfigError, compose
from sim.optimise import analytic
from sim.optimise.desks import Problem, allocation_frame, build_problem
from sim.world import build_world

OBJECTIVES = ("max_backlog", "late_share", "worst_on_time")


def toy(load, budget, floor=0, cap=None, min_per_field=1, mu=None, non_casework=1) -> Problem:
    """A world of communes x fields given by their loads, deadlines of 0.5 and 3 working days."""
    load = np.asarray(load, dtype=float)
    n, k = load.shape
    return Problem(codes=[f"C{i}" for i in range(n)], names=[f"C{i}" for i in range(n)],
                   population=1000 * load.sum(axis=1), area_km2=np.ones(n), load=load,
                   mu=np.full((n, k), 4.0) if mu is None else np.asarray(mu, dtype=float),
                   dossier_rate=4.0 * load, deadline=np.tile([0.5, 3.0], (k, 1)),
                   deadline_share=np.tile([0.6, 0.4], (k, 1)), horizon_days=250.0, season=np.ones(12),
                   budget=budget, non_casework=np.full(n, non_casework), floor=np.full(n, floor),
                   cap=np.full(n, 10 ** 7) if cap is None else np.full(n, cap), min_per_field=min_per_field,
                   uniform=np.ones((n, k), dtype=int))


def brute_force(p: Problem, objective: str) -> float:
    n, k = p.load.shape
    spend = p.budget - int(p.non_casework.sum())
    lo, hi = p.lower(), p.upper()
    cv = analytic.curves(p, objective)
    best = np.inf
    free = spend - p.min_per_field * n * k  # every composition of the free officers over the n x k desks
    for bars in itertools.combinations(range(free + n * k - 1), n * k - 1):
        edges = np.array([-1, *bars, free + n * k - 1])
        x = (np.diff(edges) - 1 + p.min_per_field).reshape(n, k)
        if (x.sum(axis=1) < lo).any() or (x.sum(axis=1) > hi).any():
            continue
        best = min(best, analytic.score(p, objective, x, cv))
    return best


@pytest.mark.parametrize("objective", OBJECTIVES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_analytic_stage_equals_brute_force_on_a_toy_world(objective, seed):
    rng = np.random.default_rng(seed)
    p = toy(rng.uniform(0.2, 2.5, size=(3, 2)), budget=3 + 13, floor=3)
    x = analytic.optimise(p, objective)
    assert x.sum() + p.non_casework.sum() == p.budget
    got = analytic.score(p, objective, x)
    assert got == pytest.approx(brute_force(p, objective), rel=1e-9, abs=1e-12)


def check_constraints(p: Problem, x: np.ndarray) -> None:
    totals = x.sum(axis=1) + p.non_casework
    assert totals.sum() == p.budget
    assert (x >= p.min_per_field).all()
    assert (totals >= p.floor).all() and (totals <= p.cap).all()
    assert (p.non_casework <= 2 + 2).all()  # chair, military and at most two vice-chairs [T24]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 6), k=st.integers(1, 3), seed=st.integers(0, 10 ** 6), extra=st.integers(0, 40),
       floor=st.integers(0, 12), change=st.one_of(st.none(), st.integers(0, 6)),
       objective=st.sampled_from(OBJECTIVES))
def test_the_optimiser_never_breaks_a_constraint(n, k, seed, extra, floor, change, objective):
    rng = np.random.default_rng(seed)
    load = rng.uniform(0, 6, size=(n, k)) * (rng.random((n, k)) > 0.2)
    base = np.full(n, 2 + 2 * k)
    p = toy(load, budget=0, floor=floor, non_casework=2)
    budget = int(np.maximum(p.lower() + 2, base).sum() + extra)
    cap = None if change is None else int(budget // n + 1 + change)
    p = toy(load, budget=budget, floor=floor, cap=cap, non_casework=2)
    try:
        x = analytic.optimise(p, objective)
    except ConfigError as err:  # an infeasible world is refused in one line, never half-solved
        assert "\n" not in str(err)
        lower, upper = p.lower(), p.upper()
        assert lower.sum() > budget - 2 * n or upper.sum() < budget - 2 * n
        return
    check_constraints(p, x)


@pytest.mark.parametrize("objective", OBJECTIVES)
def test_identical_communes_get_the_uniform_allocation(objective):
    p = toy(np.tile([[1.7, 0.6]], (5, 1)), budget=5 * 9)
    x = analytic.optimise(p, objective)
    assert (x == x[0]).all(), x
