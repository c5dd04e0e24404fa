"""Leaders: the people who sign results, one Mesa agent per unit.

A commune's chair and vice-chairs, a district committee's chair and vice-chairs, a department's director,
deputies and the division heads it delegates to. They take no queued casework: between meetings and field
visits they give `leaders.signing_hours_per_day` each to signing, in a few rounds a day, a few minutes a
file, files due first. A file waits in the unit's signing tray until a round reaches it.
"""
from __future__ import annotations

import mesa
import numpy as np

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
        self.tray: list[int] = []   # files waiting for a signature, in the order they came
        self.credit = 0.0           # signing capacity left over from the round, as a fraction of a file
        self.signed = 0
        self.rec, self.ledger = model.ledger.rec, model.ledger
        self.by_due_date = model.desk_keys.by_due_date

    def to_tray(self, rid: int) -> None:
        """A result whose officers are done waits here for a signature."""
        self.rec.status[rid] = SIGNING
        self.tray.append(rid)

    def sign_round(self) -> np.ndarray:
        """The files today's signers sign in one round: due first (ties: the order they came), as many as
        their time allows; the rest wait for the next round."""
        self.credit += self.present * self.files_per_signer_round
        tray = np.asarray(self.tray, dtype=np.int64)
        n = min(int(self.credit), len(tray))
        self.credit -= n
        if n < len(tray):
            if self.by_due_date:  # a stable sort keeps the order they came among files due the same day
                tray = tray[np.argsort(self.ledger.deadline_day[tray], kind="stable")]
            signed, self.tray = tray[:n], tray[n:].tolist()
        else:
            signed, self.tray = tray, []
            self.credit = 0.0  # unused time is not banked
        self.signed += n
        return signed
