"""Officers: one Mesa agent per civil servant, each a long-lived SimPy process."""
from __future__ import annotations

import mesa

from sim.ledger import MAX_LEGS


class Officer(mesa.Agent):
    """A civil servant at a unit, with a field, a share of the day for casework, and absences.

    `clock_factor` turns officer hours into clock hours: an officer with 4 casework hours in an 8-hour
    day takes two clock hours for one hour of work.
    """

    def __init__(self, model, unit, field: int, number: int, clock_factor: float):
        super().__init__(model)
        self.unit = unit
        self.field = field
        self.number = number          # index into the model's officer arrays
        self.clock_factor = clock_factor
        self.desk = unit.first_desk + field
        model.env.process(self.work())

    @property
    def absent(self) -> bool:
        return bool(self.model.absent[self.number])

    def work(self):
        """Take the next file, work it, pass it on; wait when there is nothing to do."""
        model, unit, router, me, field = self.model, self.unit, self.model.router, self.number, self.field
        env, rec, busy, desk = model.env, model.ledger.rec, model.ledger.busy_today, self.desk
        absent_today, in_service_since = model.absent_today, model.in_service_since
        while True:
            if absent_today[me]:
                yield env.timeout(model.next_opening() - env.now)
                continue
            rid, penalty = unit.next_request(field)
            if rid < 0:
                yield unit.wait_for_work(field)
                continue
            started = env.now
            if rec.start_t[rid] != rec.start_t[rid]:  # NaN: first time anyone works on it
                rec.start_t[rid] = started
            in_service_since[me] = started
            effort = rec.leg_hours[rid * MAX_LEGS + rec.leg[rid]]
            yield env.timeout(effort * penalty * self.clock_factor)
            opened = model.day_opened  # hours worked before today's opening were booked at yesterday's close
            busy[desk] += env.now - (started if started > opened else opened)
            in_service_since[me] = -1.0
            router.after_service(rid, unit)
