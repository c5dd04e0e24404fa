"""The ledger: every request as a row of columnar arrays, and the unit-day counters.

Each request carries its route: up to three legs (unit, officer hours), decided when it is filed. A dossier
that needs consultation goes commune -> the tier above -> back to the commune; a top-down task in the
three-tier design goes district -> commune. Complaints can be re-routed up the escalation chain.
Counters are kept per unit-field ("desk") and flushed to day arrays when each working day closes.
"""
from __future__ import annotations

import numpy as np

from sim.work import N_FIELDS

QUEUED, IN_SERVICE, TRANSIT, DONE = 0, 1, 2, 3
MAX_LEGS = 3


class Ledger:
    def __init__(self, n_units: int, n_days: int, horizon: int, capacity: int = 1024):
        self.n = 0
        self._cap = 0
        self.n_desks = n_units * N_FIELDS
        self._grow(max(capacity, 1024))
        self.paths: dict[int, list[int]] = {}  # units visited, only for requests that moved
        # Hot-path counters (Python lists are faster than numpy for scalar updates).
        self.load = [0] * self.n_desks          # open at the desk: queued or in service
        self.arrived_today = [0] * self.n_desks
        self.left_today = [0] * self.n_desks
        self.busy_today = [0.0] * self.n_desks  # officer clock hours, by the officer's own desk
        self.in_transit = 0
        # Open requests per desk by deadline day: overdue backlog without scanning the requests.
        self.open_by_deadline = np.zeros((self.n_desks, horizon + 2), dtype=np.int32)
        # Day arrays: [day, desk].
        shape = (n_days, self.n_desks)
        self.day_arrivals = np.zeros(shape, dtype=np.int32)
        self.day_left = np.zeros(shape, dtype=np.int32)
        self.day_backlog = np.zeros(shape, dtype=np.int32)
        self.day_overdue = np.zeros(shape, dtype=np.int32)
        self.day_busy = np.zeros(shape)
        self.day_available = np.zeros(shape)

    _COLUMNS = {
        "kind": np.int8, "rtype": np.int16, "field": np.int8, "channel": np.int8, "origin": np.int32,
        "owner": np.int32, "arrival_t": np.float64, "arrival_day": np.int32, "deadline_day": np.int32,
        "start_t": np.float64, "completion_t": np.float64, "status": np.int8, "leg": np.int8,
        "n_legs": np.int8, "consultations": np.int8, "escalations": np.int8,
    }

    def _grow(self, cap: int) -> None:
        for name, dtype in self._COLUMNS.items():
            new = np.full(cap, np.nan if dtype == np.float64 else 0, dtype=dtype)
            if self._cap:
                new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        for name, dtype in (("leg_unit", np.int32), ("leg_hours", np.float64)):
            new = np.zeros((cap, MAX_LEGS), dtype=dtype)
            if self._cap:
                new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        self._cap = cap

    def add(self, **cols: np.ndarray) -> np.ndarray:
        """Append a batch of requests; returns their ids."""
        k = len(cols["kind"])
        if self.n + k > self._cap:
            self._grow(max(2 * self._cap, self.n + k))
        ids = np.arange(self.n, self.n + k)
        for name, values in cols.items():
            getattr(self, name)[self.n: self.n + k] = values
        self.status[ids] = TRANSIT
        self.in_transit += k
        self.n += k
        return ids

    # ------------------------------------------------------------ desk accounting
    def enter(self, rid: int, desk: int) -> None:
        self.status[rid] = QUEUED
        self.in_transit -= 1
        self.load[desk] += 1
        self.arrived_today[desk] += 1
        self.open_by_deadline[desk, self.deadline_day[rid]] += 1

    def leave(self, rid: int, desk: int) -> None:
        self.load[desk] -= 1
        self.left_today[desk] += 1
        self.open_by_deadline[desk, self.deadline_day[rid]] -= 1

    def close_day(self, day: int, available: np.ndarray) -> None:
        self.day_arrivals[day] = self.arrived_today
        self.day_left[day] = self.left_today
        self.day_backlog[day] = self.load
        self.day_overdue[day] = self.open_by_deadline[:, : day + 1].sum(axis=1)
        self.day_busy[day] = self.busy_today
        self.day_available[day] = available
        for counter in (self.arrived_today, self.left_today):
            counter[:] = [0] * self.n_desks
        self.busy_today[:] = [0.0] * self.n_desks

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.n]
