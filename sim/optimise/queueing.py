"""Each desk as an M/M/c queue (Erlang C): mean backlog and late share as functions of its officers.

For a desk with offered load a (officers kept busy), c officers and service rate mu per officer-day:
  - waiting probability C(c, a) (Erlang C, from the Erlang B recursion);
  - P(wait > t) = C(c, a) exp(-(c mu - lambda) t), lambda = a mu; a dossier with time allowance t is late
    with that probability (allowance = deadline + half the filing day - its own service);
  - mean backlog L = a + C(c, a) a / (c - a) (queued + in service), capped by the finite horizon: a queue
    that starts empty cannot pile up more than a reflected random walk over the run's working days.
Efforts are not exponential (a desk mixes short and long requests): waits are scaled by the Allen-Cunneen
factor v = (1 + SCV) / 2 (Poisson arrivals), the mean queue by v and the tail's decay rate by 1 / v.
An overloaded desk (a >= c) is late with share a / c (> its share at a = c), and its backlog grows by
(lambda - c mu) a day, so its mean over the horizon is the cap plus (lambda - c mu) horizon / 2. Both are
decreasing in c; greedy allocation uses the desks' convex envelopes (sim/optimise/analytic.py).
"""
from __future__ import annotations

import numpy as np


def erlang_c_table(load: np.ndarray, c_max: int) -> np.ndarray:
    """C(c, a) for c = 0..c_max (columns) and every load (rows); 1 where c <= a."""
    a = np.asarray(load, dtype=float).ravel()
    out = np.ones((a.size, c_max + 1))
    b = np.ones(a.size)  # Erlang B with 0 servers
    for c in range(1, c_max + 1):
        b = a * b / (c + a * b)
        stable = a < c
        out[:, c] = np.where(stable, c * b / np.maximum(c - a * (1 - b), 1e-300), 1.0)
    return out


def desk_curves(load: np.ndarray, mu: np.ndarray, deadline: np.ndarray, deadline_share: np.ndarray,
                field: np.ndarray, horizon_days: float, c_max: int, scv: np.ndarray | None = None
                ) -> tuple[np.ndarray, np.ndarray]:
    """(backlog, late share) for c = 0..c_max officers, one row per desk (flat arrays of desks)."""
    a = np.asarray(load, dtype=float).ravel()
    mu = np.asarray(mu, dtype=float).ravel()
    v = (1.0 + (np.ones_like(a) if scv is None else np.asarray(scv, dtype=float).ravel()))[:, None] / 2.0
    c = np.arange(c_max + 1, dtype=float)[None, :]
    erl = erlang_c_table(a, c_max)
    lam = (a * mu)[:, None]
    theta = np.maximum(c * mu[:, None] - lam, 0.0) / v      # decay rate of the waiting time tail
    stable = a[:, None] < c
    cap = a[:, None] + (2.0 / 3.0) * np.sqrt(2.0 * lam) * np.sqrt(2.0 * horizon_days / np.pi)
    with np.errstate(divide="ignore", invalid="ignore"):
        lq = np.where(stable, v * erl * a[:, None] / np.maximum(c - a[:, None], 1e-12), np.inf)
    backlog = np.where(stable, np.minimum(a[:, None] + lq, cap),
                       cap + np.maximum(lam - c * mu[:, None], 0.0) * horizon_days / 2.0)
    dl, ds = deadline[field], deadline_share[field]               # (desks, K)
    tail = np.einsum("dk,dck->dc", ds, np.exp(-theta[:, :, None] * dl[:, None, :]))
    with np.errstate(divide="ignore", invalid="ignore"):
        late = np.where(stable, erl * tail, np.where(c > 0, a[:, None] / np.maximum(c, 1e-12), np.inf))
    late[:, 0] = np.where(a > 0, np.maximum(late[:, 1] + 1.0, 2.0), 0.0)  # no officer: worse than one
    backlog[:, 0] = np.where(a > 0, backlog[:, 1] + lam[:, 0] * horizon_days / 2.0, 0.0)
    return backlog, late
