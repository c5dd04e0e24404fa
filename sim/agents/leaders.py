"""Leaders: the people who sign results, one Mesa agent per unit.

A commune's chair and vice-chairs, a district committee's chair and vice-chairs, a department's director,
deputies and the division heads it delegates to. They take no queued casework: between meetings and field
visits they give `leaders.signing_hours_per_day` each to signing, in a few rounds a day, a few minutes a
file, files due first. A file waits in the unit's signing tray until a round reaches it.
"""
from __future__ import annotations

from heapq import heappop, heappush

import mesa

from sim.agents.units import RID_MASK
from sim.ledger import SIGNING


class Leadership(mesa.Agent):
    """The signers of one unit. `signers`: how many; `present`: how many came in today."""

    def __init__(self, model, unit, signers: int, files_per_signer_round: float):
        super().__init__(model)
        self.unit = unit
        unit.leadership = self
        self.signers = signers
        self.present = signers
        self.files_per_signer_round = files_per_signer_round
        self.tray: list[int] = []   # heap of desk keys (sim/agents/units.py)
        self.credit = 0.0           # signing capacity left over from the round, as a fraction of a file
        self.signed = 0
        self.rec, self.ledger, self.router = model.ledger.rec, model.ledger, model.router
        self.key = model.desk_keys.key

    def to_tray(self, rid: int) -> None:
        """A result whose officers are done waits here for a signature."""
        self.rec.status[rid] = SIGNING
        self.ledger.away[SIGNING] += 1
        heappush(self.tray, self.key(rid, self.rec.deadline_day[rid]))

    def sign_round(self, now: float) -> None:
        """Sign as many files as today's signers can in one round, due first; the rest wait."""
        self.credit += self.present * self.files_per_signer_round
        n = min(int(self.credit), len(self.tray))
        self.credit -= n
        tray, ready = self.tray, self.router.ready
        for _ in range(n):
            ready(heappop(tray) & RID_MASK, now)
        self.ledger.away[SIGNING] -= n
        self.signed += n
        if not tray:
            self.credit = 0.0  # unused time is not banked
