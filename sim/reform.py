"""The reform inside one run: three tiers until reform.date, two tiers from that day's opening.

The run's units are both designs' units side by side (sim/eras.py); before the switch only the three-tier
units have officers and receive work. On the switch day, before the day's work arrives:

1. The three-tier officers stop. A file in an officer's hands goes back to the queue whole: its leg starts
   again at the new desk (a new officer takes over an unfamiliar file).
2. Routing, the catalogue and the citizens' commune switch to the two-tier design (same cohorts, new
   commune).
3. Every open file moves with its unit, keeping its appointment date and its state:
   - a dossier's remaining legs are re-routed by the two-tier catalogue from its owner's new commune: a
     district procedure goes to the commune that takes it over, or to the city department where the
     competence went; a consultation at a district goes to the city department;
   - a complaint goes to its owner's new commune, or (at a district after an escalation, or at a city
     department) to the two-tier inspectorate; a task to the commune that took most of its commune's people;
   - queued and in-service files are queued at their new desk, by due date; files in a signing tray go to
     the new unit's tray; ready files keep their hand-back date; files in transit, with the citizen or in a
     calendar wait are redirected, and go to the new unit when they come back.
4. The two-tier officers start (the chosen quota= staffing) and the leaders of the new units sign.

Moved staff work at reform.initial_productivity of normal on their first day, back to normal linearly over
reform.learning_weeks: their clock runs slower (the officer's clock factor). The added posts
(reform.added_posts) arrive as new officers on their dates, placed by the quota rule, and learn the same way.
"""
from __future__ import annotations

import datetime as dt
import numpy as np

from sim.agents.officer import Officer
from sim.agents.units import RID_MASK
from sim.config import ConfigError
from sim.eras import added_staff, successor_commune
from sim.ledger import DONE, PREP, QUEUED, TRANSIT
from sim.work import COMPLAINT, DOSSIER, LEVEL, N_FIELDS, TASK
from sim.world import COMMUNE, DISTRICT

WORKING_DAYS_PER_WEEK = 5


class Reform:
    def __init__(self, model):
        self.model = model
        world, cfg, cal = model.world, model.cfg, model.calendar
        self.before, self.after = world.eras
        rf = cfg.reform
        self.switch_day = cal.day_on_or_after(dt.date.fromisoformat(str(rf.date)))
        if self.switch_day == 0:
            raise ConfigError(f"reform.date {rf.date} leaves no working day before the switch (run.start_date "
                              f"{cfg.run.start_date})")
        # Rounds of added posts: (working day, posts before it, posts up to and including it).
        self.rounds, total = [], 0
        for day, posts in sorted((cal.day_on_or_after(dt.date.fromisoformat(str(r.date))), r.posts)
                                 for r in rf.added_posts):
            self.rounds.append((day, total, total + posts))
            total += posts
        self.initial_productivity = rf.initial_productivity
        self.learning_days = rf.learning_weeks * WORKING_DAYS_PER_WEEK
        self.learners: list[tuple[Officer, int]] = []  # officers still learning, with their first day
        self.successor = successor_commune(world)
        after = self.after.units
        self.after_signers = model.signers[after.start: after.stop].copy()
        model.signers[after.start: after.stop] = 0   # no one signs at a unit before its design is in force
        self.staffing = [(0, world.staff.ravel().copy())]  # officers per desk, from a working day on
        self.carried_over = {"all": 0, DOSSIER: 0}
        self.posts_arrived = 0

    # ------------------------------------------------------------ each morning
    def open_day(self, day: int) -> None:
        if day == self.switch_day:
            self.switch(day)
        while self.rounds and self.rounds[0][0] <= day:
            _, before, upto = self.rounds.pop(0)
            self.add_posts(day, before, upto)
        if self.learners:
            self.learn(day)

    def learn(self, day: int) -> None:
        """Learners' output rises linearly from initial_productivity to normal over learning_weeks."""
        base, p0, span = self.model.clock_factor, self.initial_productivity, self.learning_days
        still = []
        for officer, first in self.learners:
            progress = (day - first) / span if span > 0 else 1.0
            if progress >= 1.0:
                officer.set_pace(base)
            else:
                officer.set_pace(base / (p0 + (1.0 - p0) * progress))
                still.append((officer, first))
        self.learners = still

    # ------------------------------------------------------------ the switch
    def switch(self, day: int) -> None:
        m = self.model
        led, rec = m.ledger, m.ledger.rec
        old_units = m.units[self.before.units.start: self.before.units.stop]
        moving = self.stop_officers() + self.empty_desks(old_units)
        for rid in moving:  # off the old desks: between units until they reach the new ones
            leg = rec.leg[rid]
            led.leave(rid, rec.leg_unit[rid, leg] * N_FIELDS + rec.leg_field[rid, leg])
            rec.status[rid] = TRANSIT
            led.in_transit += 1
        signing = []
        for unit in old_units:
            signing += unit.leadership.tray
            unit.leadership.tray = []
            unit.leadership.credit = 0.0

        self.enter_after()
        open_files = np.flatnonzero(led.view("status") != DONE)
        self.carried_over = {"all": len(open_files), DOSSIER: int((led.kind[open_files] == DOSSIER).sum())}
        self.reroute(open_files)

        due_first = lambda rid: (rec.deadline_day[rid], rid)  # noqa: E731
        for rid in sorted(moving, key=due_first):
            leg = rec.leg[rid]
            m.units[rec.leg_unit[rid, leg]].receive(rid, rec.leg_field[rid, leg])
        for rid in sorted(signing, key=due_first):
            lead = m.units[rec.leg_unit[rid, rec.n_legs[rid] - 1]].leadership
            lead.tray.append(rid)
        if m.pending_complaints:  # delay complaints drawn last night: to the owner's new commune
            batch = m.pending_complaints
            batch["origin"] = m.cohorts.commune[batch["owner"]]
            batch["unit"] = np.full(len(batch["owner"]), -1)
        staff = np.zeros_like(m.world.staff)
        staff[self.after.units.start: self.after.units.stop] = self.after.world.staff
        self.hire(day, staff.ravel(), replace=True)

    def stop_officers(self) -> list[int]:
        """Every officer now at work stops; returns the files they had in hand."""
        m = self.model
        in_hand = []
        for officer in m.agents_by_type[Officer]:
            n = officer.number
            m.on_duty[n] = False
            since = m.in_service_since[n]
            if since >= 0:
                officer.callbacks = []  # its alarm rings for nothing
                m.ledger.busy_today[officer.desk] += m.env.now - since
                m.in_service_since[n] = -1.0
                in_hand.append(officer.file)
        return in_hand

    def empty_desks(self, units) -> list[int]:
        """The files queued at these units' desks (entries left behind by escalated complaints skipped)."""
        rec = self.model.ledger.rec
        queued = []
        for unit in units:
            for desk in unit.desks:
                for key in desk:
                    rid = key & RID_MASK
                    if rec.status[rid] == QUEUED and rec.leg_unit[rid, rec.leg[rid]] == unit.index:
                        queued.append(rid)
                desk.clear()
            unit.n_entries = unit.left_behind = unit.n_idle = 0
            unit.idle = [[] for _ in unit.idle]
        return queued

    def enter_after(self) -> None:
        """Routing, catalogue, citizens' communes and signers of the two-tier design."""
        m, after = self.model, self.after
        m.router.enter_era(after.world, after.offset)
        m.world.catalogue = after.world.catalogue
        m.cohorts.commune = after.cohort_unit.astype(np.int32)
        for citizen, commune in zip(m.citizens, m.cohorts.commune.tolist()):
            citizen.commune = commune
        m.signers[:] = 0
        m.signers[after.units.start: after.units.stop] = self.after_signers
        for lead, k in zip(m.leaderships, m.signers.tolist()):
            lead.signers = int(k)

    def reroute(self, rids: np.ndarray) -> None:
        """Each open file's remaining legs at the two-tier units (see the module's docstring)."""
        m, led, router = self.model, self.model.ledger, self.model.router
        cat, kind_of = router.cat, router.unit_kind
        leg = led.leg[rids].astype(np.int64)
        old_first, old_here = led.leg_unit[rids, 0].copy(), led.leg_unit[rids, leg]
        kind = led.kind[rids]
        used = np.arange(led.leg_unit.shape[1])[None, :] < led.n_legs[rids][:, None]

        d = kind == DOSSIER
        ids = rids[d]
        p = led.rtype[ids]
        commune = m.cohorts.commune[led.owner[ids]]
        level, dept = cat.proc_level[p], router.proc_dept[p]
        home = router.unit_at_level(level, commune, dept)
        above = np.where(router.three_tier & (level == LEVEL["commune"]), router.parent[commune], dept)
        field = led.field[ids]
        zeros = np.zeros_like(home)
        units = np.stack([home, above, home, zeros], 1)  # specialist, consultation, final step (sim/routing.py)
        prep = (led.flags[ids] & PREP) > 0  # a commune step first: it and the specialist's now both at the commune
        units[prep] = np.stack([home, home, above, home], 1)[prep]
        fields = np.repeat(field[:, None], units.shape[1], axis=1)
        held = led.held_cells(ids)
        led.leg_unit[ids] = np.where(used[d], units, led.leg_unit[ids])
        led.leg_field[ids] = np.where(used[d], fields, led.leg_field[ids])
        led.rehold(held, led.held_cells(ids))

        c = kind == COMPLAINT
        ids = rids[c]
        here = led.leg_unit[ids, 0]
        rtype = led.rtype[ids]
        level = np.where(rtype >= 0, cat.complaint_level[np.maximum(rtype, 0)] if len(cat.complaint_level) else 0,
                         LEVEL["commune"])
        to_commune = (kind_of[here] == COMMUNE) | ((kind_of[here] == DISTRICT) & (led.escalations[ids] == 0)
                                                    & (level == LEVEL["commune"]))
        led.leg_unit[ids, 0] = np.where(to_commune, m.cohorts.commune[led.owner[ids]], router.inspectorate)

        t = kind == TASK
        ids = rids[t]
        successor = self.successor[led.origin[ids]]
        successor = np.where(successor >= 0, successor, self.after.offset)
        led.leg_unit[ids] = np.where(used[t], successor[:, None], led.leg_unit[ids])

        new_here = led.leg_unit[rids, leg]
        for rid, first, old, new in zip(rids.tolist(), old_first.tolist(), old_here.tolist(), new_here.tolist()):
            if old != new:
                led.paths.setdefault(rid, [first]).append(new)

    # ------------------------------------------------------------ staff
    def add_posts(self, day: int, before: int, upto: int) -> None:
        """A round of added posts: new officers at the two-tier communes, placed by the quota rule."""
        gained = added_staff(self.model.world, before, upto)
        staff = np.zeros_like(self.model.world.staff)
        staff[self.after.offset: self.after.offset + len(gained)] = gained
        self.posts_arrived += int(gained.sum())
        self.hire(day, staff.ravel())

    def hire(self, day: int, per_desk: np.ndarray, replace: bool = False) -> None:
        """New officers at these desks start this morning (and learn); `replace`: they are all the staff now."""
        m = self.model
        desks = np.repeat(np.arange(per_desk.size), per_desk)
        first, k = len(m.officer_desk), len(desks)
        m.officer_desk = np.concatenate([m.officer_desk, desks])
        m.in_service_since.extend([-1.0] * k)   # in place: officers hold these lists
        m.absent_today.extend([False] * k)
        m.counter_debt.extend([0.0] * k)
        m.absent = np.concatenate([m.absent, np.zeros(k, dtype=bool)])
        m.on_duty = np.concatenate([m.on_duty, np.ones(k, dtype=bool)])
        for j, desk in enumerate(desks.tolist()):
            m.desk_officers[desk].append(first + j)  # for counter duty
            officer = Officer(m, m.units[desk // N_FIELDS], desk % N_FIELDS, first + j, m.clock_factor)
            m.officers.append(officer)
            m.joining.append(officer)
            self.learners.append((officer, day))
        now = per_desk.copy() if replace else self.staffing[-1][1] + per_desk
        self.staffing.append((day, now))

    # ------------------------------------------------------------ for the outputs
    def officers_by_day(self, n_days: int) -> np.ndarray:
        """Officers at work per desk, (n_days, n_desks)."""
        out = np.zeros((n_days, self.staffing[0][1].size), dtype=np.int32)
        for day, staff in self.staffing:
            out[day:] = staff
        return out

    def unit_in_force(self, n_days: int) -> np.ndarray:
        """(n_days, n_units): is the unit's design in force that day?"""
        n_units = len(self.model.units)
        after = np.zeros(n_units, dtype=bool)
        after[self.after.units.start: self.after.units.stop] = True
        return np.where(np.arange(n_days)[:, None] < self.switch_day, ~after[None, :], after[None, :])
