"""Units of government: communes (wards), district offices and city departments.

A unit keeps one queue ("desk") per field. Officers pull from their own desk first and, when it is empty
and the design allows, from the unit's longest other desk at a penalty. An idle officer waits on an event
that the next arrival at the unit triggers, so there is no SimPy process per request.
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
        self.idle: list[list] = [[] for _ in range(N_FIELDS)]
        self.first_desk = index * N_FIELDS
        self.cross_field = model.cfg.officer.cross_field
        self.penalty = model.cfg.officer.cross_field_penalty

    @property
    def backlog(self) -> int:
        load = self.model.ledger.load
        return sum(load[self.first_desk: self.first_desk + N_FIELDS])

    @property
    def officers(self) -> int:
        return int(self.model.world.staff[self.index].sum())

    def receive(self, rid: int, field: int) -> None:
        """A request arrives at this unit's desk for `field`; wake an idle officer if there is one."""
        self.model.ledger.enter(rid, self.first_desk + field)
        self.desks[field].append(rid)
        waiting = self.idle[field]
        if not waiting and self.cross_field:
            waiting = next((w for w in self.idle if w), waiting)
        if waiting:
            waiting.pop().succeed()

    def wait_for_work(self, officer) -> "mesa.Agent":
        event = self.model.env.event()
        self.idle[officer.field].append(event)
        return event

    def next_request(self, field: int) -> tuple[int, float]:
        """The next request for an officer of `field`: (request id, effort multiplier), or (-1, 0)."""
        rid = self._pop(self.desks[field])
        if rid >= 0 or not self.cross_field:
            return rid, 1.0
        other = max(range(N_FIELDS), key=lambda f: len(self.desks[f]))
        rid = self._pop(self.desks[other])
        return rid, self.penalty

    def _pop(self, desk: deque) -> int:
        status, unit, leg = self.model.ledger.status, self.model.ledger.leg_unit, self.model.ledger.leg
        while desk:
            rid = desk.popleft()
            # Skip entries left behind by an escalated complaint (it now sits in another unit's desk).
            if status[rid] == QUEUED and unit[rid, leg[rid]] == self.index:
                status[rid] = IN_SERVICE
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
