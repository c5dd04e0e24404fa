"""Policy levers during the run (conf/policy/, docs/model.md "Policy levers"): what each changes each day.

Called from the model's and the router's vectorised daily steps; the officers' event loop is untouched.
Every lever draws from its own random stream (spawned from the model's `policy` stream), and draws for every
dossier of the day whether or not it applies, so the arrivals and the lifecycle draws are the baseline's and
two designs that differ only in levers see the same citizens (common random numbers). A lever that is off,
or at strength 0, changes nothing: the run is the baseline's.

- delegate_signing: a share `strength` of certification dossiers is signed by the officer who did it
  (leaders.delegate_certification; strength 1: every one, as the switch alone).
- online_2026: in-person dossiers turn online with the chance that lifts the expected online share from
  demand.online_share to the month's ramped target; a turned dossier goes back early at
  handback.early_share_online; an online desk check costs online_desk_factor of an in-person one.
- location_independent: an eligible dossier (catalogue `location_free`, competent at the commune) goes, with
  chance `strength`, to the neighbour with the smallest open backlog per officer at yesterday's close, if
  that is below home's. Other procedures stay with the competent commune (forwarded electronically).
- semi_professional: simple procedures (commune-level, effort_hours <= simple_effort_hours): the helper does
  desk_share_taken of the desk check and catches incomplete_cut of the incomplete dossiers before filing.
- training: over ramp_months the cross-field penalty falls to its target and the effort of the trained
  fields' files by effort_cut (x strength).
- added_posts: placed before the run (sim/policy_world.py).
"""
from __future__ import annotations

import numpy as np

from sim.config_policy import LEVERS, active_levers
from sim.ledger import INCOMPLETE
from sim.work import FIELD_INDEX, IN_PERSON, LEVEL, ONLINE


class Policy:
    def __init__(self, model, seed: np.random.SeedSequence):
        self.model, cfg = model, model.cfg
        self.p, self.cfg = cfg.policy, cfg
        self.active = active_levers(cfg)
        self.rngs = {name: np.random.default_rng(s) for name, s in zip(LEVERS, seed.spawn(len(LEVERS)))}
        cat = model.world.catalogue
        start = model.calendar.dates[0]
        self.month = np.array([(d.year - start.year) * 12 + d.month - start.month for d in model.calendar.dates])
        self.at_commune = cat.proc_level == LEVEL["commune"]
        self.location_free = np.array([bool(getattr(p, "location_free", False)) for p in cfg.catalogue.procedures])
        s = self.p.semi_professional
        self.simple = self.at_commune & (cat.proc_effort <= s.simple_effort_hours) if s else None
        t = self.p.training
        self.trained = np.isin(cat.proc_field, [FIELD_INDEX[f] for f in t.fields]) if t else None
        self.base_penalty = cfg.officer.cross_field_penalty
        self.officers = np.maximum(model.world.staff[: model.world.n_communes].sum(axis=1), 1)
        self.moved = 0  # dossiers served by a neighbour

    def ramp(self, day: int, months: int) -> float:
        """Share of a lever's effect reached on `day`: linear by month from run.start_date."""
        return 1.0 if months <= 0 else min(1.0, self.month[min(day, len(self.month) - 1)] / months)

    # ------------------------------------------------------------ the morning (model.open_day)
    def open_day(self, day: int) -> None:
        t = self.p.training
        if t is not None:
            penalty = self.base_penalty - (self.base_penalty - t.cross_field_penalty) * t.strength * self.ramp(day, t.ramp_months)
            for unit in self.model.units:
                unit.penalty = penalty

    def adjust_dossiers(self, batch: dict, day: int) -> dict:
        """Today's dossiers as the levers change them, before routing."""
        if not self.active or "rtype" not in batch:
            return batch
        k, p = len(batch["rtype"]), batch["rtype"]
        o = self.p.online_2026
        if o is not None:
            u, v = self.rngs["online_2026"].random((2, k))
            base = self.cfg.demand.online_share
            target = base + o.strength * (o.target_share - base) * self.ramp(day, o.ramp_months)
            turn = (batch["channel"] == IN_PERSON) & (u < (target - base) / max(1.0 - base, 1e-9))
            batch["channel"] = np.where(turn, ONLINE, batch["channel"])
            h = self.cfg.handback
            lift = (h.early_share_online - h.early_share_in_person) / max(1.0 - h.early_share_in_person, 1e-9)
            batch["early"] = batch["early"] | (turn & (v < lift))
        s = self.p.semi_professional
        if s is not None:
            u = self.rngs["semi_professional"].random(k)
            caught = batch["incomplete"] & self.simple[p] & (u < s.strength * s.incomplete_cut)
            batch["incomplete"] = batch["incomplete"] & ~caught
        t = self.p.training
        if t is not None:
            cut = t.effort_cut * t.strength * self.ramp(day, t.ramp_months)
            batch["cx"] = np.where(self.trained[p], batch["cx"] * (1.0 - cut), batch["cx"])
        return batch

    # ------------------------------------------------------------ routing (Router.route_dossiers)
    def delegated(self, delegated: np.ndarray) -> np.ndarray:
        d = self.p.delegate_signing
        if d is None or d.strength >= 1:
            return delegated
        return delegated & (self.rngs["delegate_signing"].random(len(delegated)) < d.strength)

    def relocate(self, home: np.ndarray, proc: np.ndarray) -> np.ndarray:
        """Eligible dossiers filed at the least loaded neighbour (location_independent)."""
        lever = self.p.location_independent
        if lever is None:
            return home
        u = self.rngs["location_independent"].random(len(home))
        n_c = self.model.world.n_communes
        load = self.model.unit_backlog()[:n_c] / self.officers
        best = np.array([nb[np.argmin(load[nb])] for nb in self.model.world.neighbours])
        eligible = self.location_free[proc] & self.at_commune[proc] & (u < lever.strength)
        eligible &= home < n_c
        target = np.where(eligible, best[np.minimum(home, n_c - 1)], home)
        go = eligible & (load[np.minimum(target, n_c - 1)] < load[np.minimum(home, n_c - 1)])
        self.moved += int(go.sum())
        return np.where(go, target, home)

    def desk_weight(self, rids: np.ndarray) -> np.ndarray | float:
        """Multiplier on these dossiers' desk-check hours (online_2026, semi_professional)."""
        if not self.active:
            return 1.0
        ledger, w = self.model.ledger, np.ones(len(rids))
        o = self.p.online_2026
        if o is not None:
            w = np.where(ledger.channel[rids] == ONLINE, w * (1.0 - o.strength * (1.0 - o.online_desk_factor)), w)
        s = self.p.semi_professional
        if s is not None:
            w = np.where(self.simple[ledger.rtype[rids]], w * (1.0 - s.strength * s.desk_share_taken), w)
        return w


assert INCOMPLETE  # the desk's flag the semi_professional lever clears before filing
