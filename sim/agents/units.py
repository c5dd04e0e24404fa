"""Units of government: communes (wards), district offices and city departments.

A unit keeps one queue ("desk") per field, ordered as the one-stop software lists files: by appointment
(due) date, ties by arrival at the desk (`officer.discipline: due_date`), or by arrival alone (`fifo`).
Officers pull from their own desk first and, when it is empty and the design allows, take the file due
first among the unit's other desks, at a penalty. An idle officer waits in the unit's idle list until the
next arrival wakes it (`Clock.wake`), so there is no SimPy process per request.

A desk is a heap of plain ints, `due << 56 | seq << 28 | rid` (seq: the order of arrival at desks), so
that the heap compares integers, not tuples.
"""
from __future__ import annotations

from heapq import heappop, heappush

import mesa
import numpy as np

from sim.ledger import IN_SERVICE, QUEUED
from sim.work import N_FIELDS

RID_BITS = 28
RID_MASK = (1 << RID_BITS) - 1
DUE_SHIFT = 2 * RID_BITS


class Desks:
    """Arrival numbering and the sort key shared by every desk and signing tray of a model."""

    def __init__(self, by_due_date: bool):
        self.by_due_date = by_due_date
        self.seq = 0

    def key(self, rid: int, due: int) -> int:
        self.seq += 1
        return ((due << DUE_SHIFT) if self.by_due_date else 0) | (self.seq << RID_BITS) | rid


class Unit(mesa.Agent):
    """Base class: desks, idle officers, and the backlog read from the ledger."""

    kind = "unit"

    def __init__(self, model, index: int, code: str, name: str, population: float = 0.0):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.population = population
        self.desks: list[list[int]] = [[] for _ in range(N_FIELDS)]  # heaps of desk keys
        self.idle: list[list] = [[] for _ in range(N_FIELDS)]  # officers waiting for work, by field
        self.n_idle = 0               # officers waiting, over all fields
        self.n_entries = 0            # entries in all desks, including those left behind
        self.left_behind = 0          # entries of complaints escalated away while queued here
        self.first_desk = index * N_FIELDS
        self.cross_field = model.cfg.officer.cross_field
        self.penalty = model.cfg.officer.cross_field_penalty
        self.ledger, self.rec = model.ledger, model.ledger.rec
        self.opened, self.deadline_width = model.ledger._opened, model.ledger._deadline_width  # for enter, inlined
        self.wake = model.env.wake
        self.keys = model.desk_keys
        self.leadership = None  # the unit's signers (sim/agents/leaders.py)

    @property
    def backlog(self) -> int:
        load = self.model.ledger.load
        return sum(load[self.first_desk: self.first_desk + N_FIELDS])

    @property
    def officers(self) -> int:
        return int(self.model.world.staff[self.index].sum())

    def receive(self, rid: int, field: int) -> None:
        """A request arrives at this unit's desk for `field`; wake an idle officer if there is one."""
        rec, keys = self.rec, self.keys
        due = rec.deadline_day[rid]
        rec.status[rid] = QUEUED  # = ledger.enter(rid, desk) and keys.key(rid, due), inlined: once per leg
        self.opened.append((self.first_desk + field) * self.deadline_width + due)
        keys.seq += 1
        heappush(self.desks[field], ((due << DUE_SHIFT) if keys.by_due_date else 0) | (keys.seq << RID_BITS) | rid)
        self.n_entries += 1
        if self.n_idle:
            # The last idle officer of this field, or else (cross-field) of the first field that has one.
            waiting = self.idle[field]
            if not waiting and self.cross_field:
                for waiting in self.idle:
                    if waiting:
                        break
            if waiting:
                self.n_idle -= 1
                self.wake(waiting.pop().resume)

    def wait_for_work(self, officer) -> None:
        """An idle officer waits here until an arrival wakes it."""
        self.idle[officer.field].append(officer)
        self.n_idle += 1

    def next_request(self, field: int) -> tuple[int, float]:
        """The next request for an officer of `field`: (request id, effort multiplier), or (-1, 1).
        Its own desk first; if that is empty (and cross-field help is allowed), the desk whose next file is due
        first (then: arrived first), at a penalty."""
        desk = self.desks[field]
        if not self.left_behind:  # the common case, with no entries to skip: `_pop` inlined
            penalty = 1.0
            if not desk:
                if not (self.cross_field and self.n_entries):
                    return -1, 1.0
                for other in self.desks:  # the desk whose head is due first (then: arrived first)
                    if other and (not desk or other[0] < desk[0]):
                        desk = other
                penalty = self.penalty
            self.n_entries -= 1
            rid = heappop(desk) & RID_MASK
            self.rec.status[rid] = IN_SERVICE
            return rid, penalty
        if desk:
            rid = self._pop(desk)
            if rid >= 0:
                return rid, 1.0
        if self.cross_field and self.n_entries:
            first = None
            for other in self.desks:
                if other and (first is None or other[0] < first[0]):
                    first = other
            if first:
                return self._pop(first), self.penalty
        return -1, 1.0

    def _pop(self, desk: list) -> int:
        rec = self.rec
        while desk:
            rid = heappop(desk) & RID_MASK
            self.n_entries -= 1
            # Skip an entry left behind by an escalated complaint (it now sits in another unit's desk).
            if self.left_behind and (rec.status[rid] != QUEUED or rec.leg_unit[rid, rec.leg[rid]] != self.index):
                self.left_behind -= 1
                continue
            rec.status[rid] = IN_SERVICE
            return rid
        return -1


class Commune(Unit):
    """A commune or ward: the citizens' first door, with its officers' desks."""

    kind = "commune"


class DistrictOffice(Unit):
    """A district's one-stop desk and specialist divisions (three-tier design only)."""

    kind = "district"

    @staticmethod
    def issue_tasks(model, day: int, rng: np.random.Generator) -> dict:
        """Top-down tasks the districts send their communes today (origin = district)."""
        return model.router.tasks_for_day(day, rng, origin="district")


class MunicipalDepartment(Unit):
    """A city department: serves city-level procedures, consultations and escalated complaints."""

    kind = "department"

    def __init__(self, model, index: int, code: str, name: str, functions: list[str]):
        super().__init__(model, index, code, name)
        self.functions = functions

    @staticmethod
    def issue_tasks(model, day: int, rng: np.random.Generator) -> dict:
        """Reporting requests, inspections and directives the city sends down today."""
        return model.router.tasks_for_day(day, rng, origin="city")
