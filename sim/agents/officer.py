"""Officers: one Mesa agent per civil servant, each working through its desk on SimPy's clock.

An officer is always in one of three states: working on a file (its alarm rings when the file is done),
idle (in its unit's list of officers to wake when work arrives), or away until the next morning (its alarm
rings at the opening).

An officer is its own alarm clock: the entry on SimPy's queue for "this file is done" (or "the office opens")
is the officer itself, which carries what SimPy's loop reads of an event (`callbacks`, `_ok`). As with
sim/clock.py's `Alarm`, no event object is built per file, and the loop reaches the officer in one step.
"""
from __future__ import annotations

from heapq import heappush

import mesa
from simpy.events import NORMAL


class Officer(mesa.Agent):
    """A civil servant at a unit, with a field, a share of the day for casework, and absences.

    `clock_factor` turns officer hours into clock hours: an officer with 4 casework hours in an 8-hour
    day takes two clock hours for one hour of work. `pace` is that factor on a normal day (a newcomer still
    learning has a higher one); a day at a desk under pressure (overdue files) is faster by the model's
    `desk_pace` for the desk, as officers give casework more of the day.
    """

    # The event loop reads these millions of times: slots keep them in the object itself, one hop from it.
    __slots__ = ("unit", "field", "number", "desk", "pace", "clock_factor", "file", "env", "rec", "router", "busy",
                 "absent_today", "in_service_since", "counter_debt", "queue", "order", "resume", "callbacks", "_ok",
                 "_at_file_end", "_at_opening")

    def __init__(self, model, unit, field: int, number: int, clock_factor: float):
        super().__init__(model)
        self.unit = unit
        self.field = field
        self.number = number          # index into the model's officer arrays
        self.desk = unit.first_desk + field
        self.pace = clock_factor
        self.clock_factor = clock_factor * model.desk_pace[self.desk]
        self.file = -1                # the request in hand
        self.env, self.rec, self.router = model.env, model.ledger.rec, model.router
        self.busy, self.absent_today = model.ledger.busy_today, model.absent_today
        self.in_service_since = model.in_service_since
        self.counter_debt = model.counter_debt
        self.resume = self.take_next  # bound once: idle officers are woken millions of times
        # The alarm (SimPy's event protocol): `callbacks` is what to call when it rings, None when it is not set.
        self.callbacks, self._ok = None, True
        self._at_file_end, self._at_opening = [self.finish], [self.take_next]
        self.queue, self.order = model.env._queue, model.env._eid

    def set_alarm(self, delay: float, calls: list) -> None:
        """Ring `delay` hours from now and make `calls`: on SimPy's queue with SimPy's key, as a Timeout would."""
        self.callbacks = calls
        heappush(self.queue, (self.env._now + delay, NORMAL, next(self.order), self))

    def set_pace(self, pace: float | None = None) -> None:
        """A new normal pace (learning), or today's pressure at the desk: the next file goes at the new speed."""
        if pace is not None:
            self.pace = pace
        self.clock_factor = self.pace * self.model.desk_pace[self.desk]

    @property
    def absent(self) -> bool:
        return bool(self.model.absent[self.number])

    def take_next(self, _event=None) -> None:
        """Take the next file and start on it; with nothing to do, wait to be woken (or till tomorrow)."""
        if self.absent_today[self.number]:
            self.set_alarm(self.model.next_opening() - self.env._now, self._at_opening)
            return
        rid, penalty = self.unit.next_request(self.field)
        if rid < 0:
            self.unit.wait_for_work(self)
            return
        rec, now = self.rec, self.env._now
        first_start = rec.start_t[rid]
        if first_start != first_start:  # NaN: first time anyone works on it
            rec.start_t[rid] = now
        self.file = rid
        self.in_service_since[self.number] = now
        # = self.set_alarm(hours, self._at_file_end), inlined: once per leg
        self.callbacks = self._at_file_end
        heappush(self.queue, (now + rec.leg_hours[rid, rec.leg[rid]] * penalty * self.clock_factor, NORMAL,
                              next(self.order), self))

    def finish(self, _event) -> None:
        """Done with this leg of the file: book the hours, pass the file on, take the next. An officer called
        to the counter in the middle of the file finishes it that much later."""
        number = self.number
        debt = self.counter_debt[number]
        if debt:
            self.counter_debt[number] = 0.0
            self.set_alarm(debt, self._at_file_end)
            return
        now = self.env._now
        self.busy[self.desk] += now - self.in_service_since[number]  # earlier days' hours: booked at their close
        self.in_service_since[number] = -1.0
        self.router.after_service(self.file, self.unit, now)
        self.take_next()
