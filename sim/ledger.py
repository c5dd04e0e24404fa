"""The ledger: every request as a row of columnar arrays, and the unit-day counters.

Each request carries its route: up to four legs (unit, field, officer hours), decided when it is filed. A
dossier goes specialist -> (consultation one tier up -> final step at home), with the desk check before,
calendar waits, sign-off and hand-back between and after its legs (sim/routing.py); a top-down task in the
three-tier design goes district -> commune. Complaints can be re-routed up the escalation chain.
Counters are kept per unit-field ("desk") and flushed to day arrays when each working day closes. Open
dossiers are also counted at the desk that issued their receipt, by appointment date, so that the open
files inside their time limit and those overdue can be reported every day.

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

# Where a request is: at a desk (queued or in service), between units, back with the citizen for
# supplementation, in a calendar wait, in the leaders' signing tray, ready and waiting for hand-back, done.
QUEUED, IN_SERVICE, TRANSIT, DONE, WITH_CITIZEN, WAITING, SIGNING, READY = range(8)
STATUSES = ("queued", "in_service", "transit", "done", "with_citizen", "waiting", "signing", "ready")
MAX_LEGS = 4
# Bits of a request's `flags`.
INCOMPLETE = 1   # the desk check will send it back for supplementation (once)
EARLY = 2        # its result goes back as soon as it is ready, not on the appointment date
SIGN = 4         # its result needs the leaders' signature
PREP = 8         # its first leg is the commune's step before the competent district's (three tiers)


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
        self.busy_today = [0.0] * self.n_desks  # officer clock hours, by the officer's own desk
        self.away = [0] * len(STATUSES)        # requests per status away from desks and transit (by status code)
        # Open requests per desk by deadline day: overdue backlog without scanning the requests. The event
        # loop only notes the (desk, deadline) cell of each file that enters or leaves a desk, as a flat
        # index; the cells are counted in (numpy) when someone reads the counts. The desks' loads, the day's
        # arrivals and departures and the files in transit follow from the same notes, so the event loop keeps
        # no other count of them.
        self.open_by_deadline = np.zeros((self.n_desks, horizon + 2), dtype=np.int32)
        self._deadline_width = horizon + 2
        self._opened: list[int] = []
        self._closed: list[int] = []
        self._load = np.zeros(self.n_desks, dtype=np.int64)  # open at the desk: queued or in service
        self._arrived_today = np.zeros(self.n_desks, dtype=np.int64)
        self._left_today = np.zeros(self.n_desks, dtype=np.int64)
        self._in_transit = 0  # in transit as of the last count of the notes
        # Open dossiers at the desk that issued their receipt (unit x field), by appointment date.
        self.held_by_deadline = np.zeros((self.n_desks, horizon + 2), dtype=np.int32)
        self._released: list[int] = []       # cells (reissued receipts)
        self._released_rids: list[int] = []  # dossiers handed back: cells computed when the day closes
        self._reheld: list[int] = []
        # Day arrays: [day, desk].
        shape = (n_days, self.n_desks)
        self.day_arrivals = np.zeros(shape, dtype=np.int32)
        self.day_left = np.zeros(shape, dtype=np.int32)
        self.day_backlog = np.zeros(shape, dtype=np.int32)
        self.day_overdue = np.zeros(shape, dtype=np.int32)
        self.day_busy = np.zeros(shape)
        self.day_available = np.zeros(shape)
        self.day_open_within = np.zeros(shape, dtype=np.int32)
        self.day_open_overdue = np.zeros(shape, dtype=np.int32)
        self.day_counter = np.zeros(shape, dtype=np.int16)  # officers on counter duty (desk checks)
        self.day_surge = np.zeros(shape, dtype=np.int16)    # officers working longer (overdue files at the desk)

    # What the event loop touches, one 64-byte record per request (offsets chosen so nothing pads).
    # deadline_day is the appointment date on the receipt (a complaint's or task's due date).
    _HOT = np.dtype([("kind", np.int8), ("field", np.int8), ("status", np.int8), ("leg", np.int8),
                     ("n_legs", np.int8), ("consultations", np.int8), ("wait_days", np.int8), ("flags", np.uint8),
                     ("deadline_day", np.int32), ("leg_unit", np.int32, (MAX_LEGS,)),
                     ("leg_field", np.int8, (MAX_LEGS,)), ("leg_hours", np.float32, (MAX_LEGS,)),
                     ("start_t", np.float64), ("completion_t", np.float64)], align=True)
    # completion_t: the officers' work done; ready_t: the result signed (= completion_t without sign-off);
    # return_day: the working day the result went back (a complaint or task: the day it was done).
    _COLD = {"rtype": np.int16, "channel": np.int8, "origin": np.int32, "owner": np.int32, "arrival_t": np.float64,
             "arrival_day": np.int32, "escalations": np.int8, "ready_t": np.float64, "return_day": np.int32,
             "supplements": np.int8, "supplement_days": np.int16}

    def _grow(self, cap: int) -> None:
        hot = _aligned_records(cap, self._HOT)
        hot["start_t"] = hot["completion_t"] = np.nan
        if self._cap:
            hot[: self.n] = self._hot[: self.n]
        self._hot = hot
        for name in self._HOT.names:
            setattr(self, name, hot[name])
        for name, dtype in self._COLD.items():
            new = np.full(cap, np.nan if dtype == np.float64 else (-1 if name == "return_day" else 0), dtype=dtype)
            if self._cap:
                new[: self.n] = getattr(self, name)[: self.n]
            setattr(self, name, new)
        self._cap = cap
        self._bind_records()

    def _bind_records(self) -> None:
        for name in self._HOT.names:
            setattr(self.rec, name, memoryview(getattr(self, name)))
        # cold, but read or written once per request (or per supplementation) in the event loop
        for name in ("ready_t", "return_day", "rtype", "supplements", "supplement_days"):
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
        """A file arrives at a desk (out of transit). sim/agents/units.py inlines this."""
        rec = self.rec
        rec.status[rid] = QUEUED
        self._opened.append(desk * self._deadline_width + rec.deadline_day[rid])

    def leave(self, rid: int, desk: int) -> None:
        """A file leaves a desk (done there, or moved away). sim/routing.py inlines this."""
        self._closed.append(desk * self._deadline_width + self.rec.deadline_day[rid])

    @property
    def in_transit(self) -> int:
        """Requests between units: every `enter` since the last count took one out of transit."""
        return self._in_transit - len(self._opened)

    @in_transit.setter
    def in_transit(self, value: int) -> None:
        self._in_transit = value + len(self._opened)

    @property
    def load(self) -> list[int]:
        """Requests open at each desk: queued or in service."""
        self._count_desk_moves()
        return self._load.tolist()

    def _count_desk_moves(self) -> None:
        """Count in the cells noted by `enter` and `leave` since the last count."""
        flat = self.open_by_deadline.reshape(-1)  # a view: updates land in open_by_deadline
        for cells, sign, today in ((self._opened, 1, self._arrived_today), (self._closed, -1, self._left_today)):
            if cells:
                cell, count = np.unique(np.fromiter(cells, dtype=np.int64, count=len(cells)), return_counts=True)
                flat[cell] += sign * count.astype(np.int32)
                moved = np.bincount(cell // self._deadline_width, weights=count, minlength=self.n_desks).astype(np.int64)
                today += moved
                self._load += sign * moved
                if sign > 0:
                    self._in_transit -= len(cells)
                cells.clear()

    def hold(self, ids: np.ndarray) -> None:
        """New dossiers: open at the desk of their first unit and field, under their appointment date."""
        desk = self.leg_unit[ids, 0].astype(np.int64) * N_FIELDS + self.field[ids]
        np.add.at(self.held_by_deadline.reshape(-1), desk * self._deadline_width + self.deadline_day[ids], 1)

    def held_cell(self, rid: int) -> int:
        rec = self.rec
        return (rec.leg_unit[rid, 0] * N_FIELDS + rec.field[rid]) * self._deadline_width + rec.deadline_day[rid]

    def held_cells(self, ids: np.ndarray) -> np.ndarray:
        """`held_cell` for many dossiers at once."""
        desk = self.leg_unit[ids, 0].astype(np.int64) * N_FIELDS + self.field[ids]
        return desk * self._deadline_width + self.deadline_day[ids]

    def rehold(self, old_cells: np.ndarray, new_cells: np.ndarray) -> None:
        """Open dossiers whose receipt moved to another unit (the reform): counted there from now on."""
        self._released.extend(old_cells.tolist())
        self._reheld.extend(new_cells.tolist())

    def release(self, rid: int) -> None:
        """A dossier went back to its citizen: no longer open (its cell is counted out when the day closes)."""
        self._released_rids.append(rid)

    def reissue(self, rid: int, deadline_day: int) -> None:
        """A dossier back from supplementation gets a new receipt: a new appointment date."""
        self._released.append(self.held_cell(rid))
        self.rec.deadline_day[rid] = deadline_day
        self._reheld.append(self.held_cell(rid))

    def _count_open_by_deadline(self) -> None:
        self._count_desk_moves()
        held = self.held_by_deadline.reshape(-1)
        if self._released_rids:
            rids = np.fromiter(self._released_rids, dtype=np.int64, count=len(self._released_rids))
            desk = self.leg_unit[rids, 0].astype(np.int64) * N_FIELDS + self.field[rids]
            self._released.extend((desk * self._deadline_width + self.deadline_day[rids]).tolist())
            self._released_rids.clear()
        for cells, sign in ((self._released, -1), (self._reheld, 1)):
            if cells:
                cell, count = np.unique(np.fromiter(cells, dtype=np.int64, count=len(cells)), return_counts=True)
                held[cell] += sign * count.astype(np.int32)
                cells.clear()

    def close_day(self, day: int, available: np.ndarray) -> None:
        self._count_open_by_deadline()
        self.day_arrivals[day] = self._arrived_today
        self.day_left[day] = self._left_today
        self.day_backlog[day] = self._load
        self.day_overdue[day] = self.open_by_deadline[:, : day + 1].sum(axis=1)
        self.day_open_overdue[day] = self.held_by_deadline[:, : day + 1].sum(axis=1)
        self.day_open_within[day] = self.held_by_deadline[:, day + 1:].sum(axis=1)
        self.day_busy[day] = self.busy_today
        self.day_available[day] = available
        self._arrived_today[:] = 0
        self._left_today[:] = 0
        self.busy_today[:] = [0.0] * self.n_desks

    def view(self, name: str) -> np.ndarray:
        return getattr(self, name)[: self.n]


def _aligned_records(n: int, dtype: np.dtype, align: int = 64) -> np.ndarray:
    """`n` zeroed records whose first byte sits on a cache-line boundary."""
    raw = np.zeros(n * dtype.itemsize + align, dtype=np.uint8)
    start = -raw.ctypes.data % align
    return raw[start: start + n * dtype.itemsize].view(dtype)
