"""Officers: one Mesa agent per civil servant, each a long-lived SimPy process."""
from __future__ import annotations

import mesa


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
        self.completed = 0
        model.env.process(self.work())

    @property
    def absent(self) -> bool:
        return bool(self.model.absent[self.number])

    def work(self):
        """Take the next file, work it, pass it on; wait when there is nothing to do."""
        model, unit, ledger = self.model, self.unit, self.model.ledger
        env, busy, hours_of = model.env, ledger.busy_today, ledger.leg_hours
        while True:
            if model.absent[self.number]:
                yield env.timeout(model.next_opening() - env.now)
                continue
            rid, penalty = unit.next_request(self.field)
            if rid < 0:
                yield unit.wait_for_work(self)
                continue
            if ledger.start_t[rid] != ledger.start_t[rid]:  # NaN: first time anyone works on it
                ledger.start_t[rid] = env.now
            started = env.now
            model.in_service_since[self.number] = started
            yield env.timeout(hours_of[rid, ledger.leg[rid]] * penalty * self.clock_factor)
            busy[self.desk] += env.now - max(started, model.day_opened)
            model.in_service_since[self.number] = -1.0
            self.completed += 1
            model.router.after_service(rid, unit)
