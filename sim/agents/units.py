"""Units of government: communes (wards), district offices and city departments.

A unit keeps one queue ("desk") per field. Officers pull from their own desk first and, when it is empty
and the design allows, from the unit's longest other desk at a penalty. An idle officer waits in the unit's
idle list until the next arrival wakes it (`Clock.wake`), so there is no SimPy process per request.
"""
from __future__ import annotations

from collections import deque

import mesa
import numpy as np

from sim.ledger import IN_SERVICE, QUEUED
from sim.work import N_FIELDS


class Unit(mesa.Agent):
    """Base class: desks, idle officers, and the backlog read from the ledger."""

    kind = "unit"

    def __init__(self, model, index: int, code: str, name: str, population: float = 0.0):
        super().__init__(model)
        self.index = index
        self.code = code
        self.name = name
        self.population = population
        self.desks = [deque() for _ in range(N_FIELDS)]
        self.idle: list[list] = [[] for _ in range(N_FIELDS)]  # officers waiting for work, by field
        self.n_idle = 0               # officers waiting, over all fields
        self.n_entries = 0            # entries in all desks, including those left behind
        self.left_behind = 0          # entries of complaints escalated away while queued here
        self.first_desk = index * N_FIELDS
        self.cross_field = model.cfg.officer.cross_field
        self.penalty = model.cfg.officer.cross_field_penalty
        self.ledger, self.rec = model.ledger, model.ledger.rec
        self.wake = model.env.wake

    @property
    def backlog(self) -> int:
        load = self.model.ledger.load
        return sum(load[self.first_desk: self.first_desk + N_FIELDS])

    @property
    def officers(self) -> int:
        return int(self.model.world.staff[self.index].sum())

    def receive(self, rid: int, field: int) -> None:
        """A request arrives at this unit's desk for `field`; wake an idle officer if there is one."""
        self.ledger.enter(rid, self.first_desk + field)
        self.desks[field].append(rid)
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
        """The next request for an officer of `field`: (request id, effort multiplier), or (-1, 1)."""
        desk = self.desks[field]
        if desk:
            rid = self._pop(desk)
            if rid >= 0:
                return rid, 1.0
        if self.cross_field and self.n_entries:
            longest = max(self.desks, key=len)  # the first of the longest desks
            if longest:
                return self._pop(longest), self.penalty
        return -1, 1.0

    def _pop(self, desk: deque) -> int:
        rec = self.rec
        while desk:
            rid = desk.popleft()
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
