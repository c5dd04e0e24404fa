"""The ledger: every request as a row of columnar arrays, and the unit-day counters.

Each request carries its route: up to three legs (unit, officer hours), decided when it is filed. A dossier
that needs consultation goes commune -> the tier above -> back to the commune; a top-down task in the
three-tier design goes district -> commune. Complaints can be re-routed up the escalation chain.
Counters are kept per unit-field ("desk") and flushed to day arrays when each working day closes.

Speed: the numpy columns are the record (metrics and the vectorised daily steps read them), but reading or
writing one numpy element costs ~70-300 ns. The event loop touches single requests millions of times, so
it goes through `ledger.rec`: memoryviews over the very same columns, whose scalar access returns plain
Python ints and floats at list-like speed. Nothing is copied, so the two never disagree.

Memory: the columns the event loop touches live side by side in one 64-byte record per request (a numpy
structured array, aligned to cache lines), so serving a request from an old backlog costs one cache miss,
not one per column. Each column is still a plain numpy view (`ledger.status`, ...), strided.
"""
from __future__ import annotations

import numpy as np

from sim.work import N_FIELDS

QUEUED, IN_SERVICE, TRANSIT, DONE = 0, 1, 2, 3
MAX_LEGS = 3


class Records:
    """Scalar views of the ledger's columns for the event loop: `rec.status[rid]`, `rec.leg[rid]`, ...

    Route columns take two indices: leg `k` of request `rid` is `rec.leg_unit[rid, k]`, `rec.leg_hours[rid, k]`.
    The ledger rebinds these views when it grows, so hold on to `rec`, not to `rec.status`, between events.
    """


class Ledger:
    def __init__(self, n_units: int, n_days: int, horizon: int, capacity: int = 1024):
        self.n = 0
        self._cap = 0
        self.n_desks = n_units * N_FIELDS
        self.rec = Records()
        self._grow(max(capacity, 1024))
        self.paths: dict[int, list[int]] = {}  # units visited, only for requests that moved
        # Hot-path counters (Python lists are faster than numpy for scalar updates).
        self.load = [0] * self.n_desks          # open at the desk: queued or in service
        self.arrived_today = [0] * self.n_desks
        self.left_today = [0] * self.n_desks
        self.busy_today = [0.0] * self.n_desks  # officer clock hours, by the officer's own desk
        self.in_transit = 0
        # Open requests per desk by deadline day: overdue backlog without scanning the requests. The event
        # loop only notes (desk, deadline) cells as flat indices; they are counted in when the day closes.
        self.open_by_deadline = np.zeros((self.n_desks, horizon + 2), dtype=np.int32)
        self._deadline_width = horizon + 2
        self._opened: list[int] = []
        self._closed: list[int] = []
        # Day arrays: [day, desk].
        shape = (n_days, self.n_desks)
        self.day_arrivals = np.zeros(shape, dtype=np.int32)
        self.day_left = np.zeros(shape, dtype=np.int32)
        self.day_backlog = np.zeros(shape, dtype=np.int32)
        self.day_overdue = np.zeros(shape, dtype=np.int32)
        self.day_busy = np.zeros(shape)
        self.day_available = np.zeros(shape)

    # What the event loop touches, one 64-byte record per request (offsets chosen so nothing pads).
    _HOT = np.dtype([("kind", np.int8), ("field", np.int8), ("status", np.int8), ("leg", np.int8),
                     ("n_legs", np.int8), ("consultations", np.int8), ("deadline_day", np.int32),
                     ("leg_unit", np.int32, (MAX_LEGS,)), ("start_t", np.float64), ("completion_t", np.float64),
                     ("leg_hours", np.float64, (MAX_LEGS,))], align=True)
    _COLD = {"rtype": np.int16, "channel": np.int8, "origin": np.int32, "owner": np.int32, "arrival_t": np.float64,
             "arrival_day": np.int32, "escalations": np.int8}

    def _grow(self, cap: int) -> None:
        hot = _aligned_records(cap, self._HOT)
        hot["start_t"] = hot["completion_t"] = np.nan
        if self._cap:
            hot[: self.n] = self._hot[: self.n]
        self._hot = hot
        for name in self._HOT.names:
            setattr(self, name, hot[name])
        for name, dtype in self._COLD.items():
            new = np.full(cap, np.nan if dtype == np.float64 else 0, dtype=dtype)
            if self._cap:
                new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        self._cap = cap
        self._bind_records()

    def _bind_records(self) -> None:
        for name in self._HOT.names:
            setattr(self.rec, name, memoryview(getattr(self, name)))

    def __getstate__(self) -> dict:
        # memoryviews do not pickle, and the hot columns are views into `_hot`: pickle `_hot` alone.
        return {k: v for k, v in self.__dict__.items() if k != "rec" and k not in self._HOT.names}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        for name in self._HOT.names:
            setattr(self, name, self._hot[name])
        self.rec = Records()
        self._bind_records()

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
        rec = self.rec
        rec.status[rid] = QUEUED
        self.in_transit -= 1
        self.load[desk] += 1
        self.arrived_today[desk] += 1
        self._opened.append(desk * self._deadline_width + rec.deadline_day[rid])

    def leave(self, rid: int, desk: int) -> None:
        self.load[desk] -= 1
        self.left_today[desk] += 1
        self._closed.append(desk * self._deadline_width + self.rec.deadline_day[rid])

    def _count_open_by_deadline(self) -> None:
        flat = self.open_by_deadline.reshape(-1)  # a view: updates land in open_by_deadline
        for cells, sign in ((self._opened, 1), (self._closed, -1)):
            if cells:
                cell, count = np.unique(np.fromiter(cells, dtype=np.int64, count=len(cells)), return_counts=True)
                flat[cell] += sign * count.astype(np.int32)
                cells.clear()

    def close_day(self, day: int, available: np.ndarray) -> None:
        self._count_open_by_deadline()
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


def _aligned_records(n: int, dtype: np.dtype, align: int = 64) -> np.ndarray:
    """`n` zeroed records whose first byte sits on a cache-line boundary."""
    raw = np.zeros(n * dtype.itemsize + align, dtype=np.uint8)
    start = -raw.ctypes.data % align
    return raw[start: start + n * dtype.itemsize].view(dtype)
