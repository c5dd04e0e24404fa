"""Where work goes in each tier design, and the life of a dossier from receipt to hand-back.

The design decides, per procedure, the competent tier; consultation goes one tier up from it (the
district in three-tier, a city department in two-tier: the "goes back up" pattern [R26 L565]); an
unresolved complaint climbs the design's escalation chain; city tasks pass through the district in
three-tier. Transfers between tiers take `calendar.transfer_delay_days` working days.

A dossier's life (conf/catalogue/default.yaml lists each procedure's steps):
  the one-stop desk checks it at the counter (in three tiers, a district procedure with a commune step is filed
  at the commune, whose officers verify it before it goes up to the district's specialist); an incomplete one goes back to the citizen, who returns with
  the missing papers some days later and gets a new appointment date -> the specialist works on it -> it may wait
  some working days with no officer effort (public posting, a field check, a tax notice) -> it may go one
  tier up for consultation and come back for a final step -> the unit's leaders sign the result -> the
  result goes back to the citizen on the appointment date, or as soon as it is ready (electronic
  delivery, or a citizen told and collecting it). Outcomes are judged on the hand-back day.
Complaints and top-down tasks keep their own, shorter flows: their officers' legs, then done.

The desk check is counter work: citizens queue at the counter for minutes, files do not wait there for
days. So it is not a queued leg: each morning the day's desk-check hours at each unit take officers of the
desk's field off casework for the day (`counter_hours`, used by the model), and a dossier passes the
counter on the day it is filed (or brought back).
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from sim.ledger import DONE, EARLY, INCOMPLETE, MAX_LEGS, PREP, READY, SIGN, SIGNING, TRANSIT, WAITING, WITH_CITIZEN
from sim.work import COMPLAINT, DOSSIER, INTERNAL, LEVEL, N_FIELDS, TASK
from sim.world import COMMUNE, DEPARTMENT, DISTRICT


class Router:
    def __init__(self, model):
        self.model, self.ledger, self.rec = model, model.ledger, model.ledger.rec
        self.closed, self.deadline_width = model.ledger._closed, model.ledger._deadline_width  # for leave, inlined
        self.unit_kind = model.world.unit_kind   # of every unit of the run (both designs in a reform run)
        self.parent = model.world.unit_parent
        self.delay = model.world.cfg.calendar.transfer_delay_days
        self.inbox: dict[int, list[int]] = defaultdict(list)     # arriving at a unit, or back from a wait
        self.handback: dict[int, list[int]] = defaultdict(list)  # ready results, by appointment date
        self.refiled_today: list[int] = []  # dossiers brought back from supplementation this morning
        self.units = model.units
        self.open_complaints: set[int] = set()
        self.declined: set[int] = set()
        self.late_today: list[int] = []
        eras = model.world.eras
        self.enter_era(eras[0].world if eras else model.world, 0)

    def enter_era(self, world, offset: int) -> None:
        """Route by this design from now on: `world` is its own world, its units start at `offset`."""
        cat = world.catalogue
        self.world, self.cat, self.offset = world, cat, offset
        self.three_tier = world.cfg.tier.districts
        self.districts = world.n_districts > 0
        self.proc_dept = np.array([world.function_unit[fn] + offset for fn in cat.proc_function], dtype=np.int32)
        self.inspectorate = world.function_unit["inspectorate"] + offset
        chain = world.cfg.tier.escalation
        self.next_level = {LEVEL[a]: LEVEL[b] for a, b in zip(chain, chain[1:])}
        self.proc_deadline = cat.proc_deadline.tolist()
        hours = world.hours.commune[: world.n_communes]
        self.task_mix = np.where(hours.sum(1, keepdims=True) > 0, hours / np.maximum(hours.sum(1, keepdims=True), 1e-12),
                                 1.0 / N_FIELDS)

    # ------------------------------------------------------------ filing
    def unit_at_level(self, level: np.ndarray, commune: np.ndarray, dept: np.ndarray) -> np.ndarray:
        return np.where(level == LEVEL["commune"], commune,
                        np.where(level == LEVEL["district"], self.parent[commune], dept))

    def route_dossiers(self, batch: dict) -> dict:
        """Legs for new dossiers: desk check, specialist, then (maybe) consultation one tier up and back."""
        cat, cfg, p, commune = self.cat, self.world.cfg, batch["rtype"], batch["origin"]
        k = len(p)
        level = cat.proc_level[p]
        dept = self.proc_dept[p]
        home = self.model.policy.relocate(self.unit_at_level(level, commune, dept), p)  # location_independent
        consult = batch.pop("consult") & (level < LEVEL["city"])
        above = np.where(self.three_tier & (level == LEVEL["commune"]), self.parent[commune], dept)
        cx = batch.pop("cx")
        effort = cat.proc_effort[p] * cx
        field = cat.proc_field[p]
        delegated = cat.proc_certification[p] & (cfg.leaders.delegate_certification and cfg.leaders.sign_off)
        delegated = self.model.policy.delegated(delegated)  # delegate_signing's strength
        # A delegated certification is signed by the officer who did it, at the end of the specialist step.
        specialist = effort + np.where(delegated, cfg.leaders.delegated_sign_minutes / 60.0, 0.0)
        zeros = np.zeros(k)
        units = np.stack([home, np.where(consult, above, 0), np.where(consult, home, 0), zeros], axis=1)
        hours = np.stack([specialist, np.where(consult, cat.proc_consult_effort[p] * cx, 0),
                          np.where(consult, cat.proc_final_share[p] * effort, 0), zeros], axis=1)
        # Three tiers: a district procedure filed at the commune, whose officers verify it first (the land's
        # status, origin and disputes; a household's eligibility), then send it up: one leg more, in front.
        share = cat.proc_commune_share[p]
        prep = share > 0
        if prep.any():
            hours[:, 0] *= 1.0 - share
            units[prep] = np.c_[commune[prep], units[prep, :-1]]
            hours[prep] = np.c_[(share * effort)[prep], hours[prep, :-1]]
        batch["leg_unit"], batch["leg_hours"] = units, hours
        batch["leg_field"] = np.repeat(field[:, None], MAX_LEGS, axis=1)
        batch["n_legs"] = np.where(consult, 3, 1) + prep
        batch["wait_days"] = cat.proc_wait_days[p]
        incomplete, early = batch.pop("incomplete") & (cat.proc_desk_hours[p] > 0), batch.pop("early")
        sign = ~delegated & cfg.leaders.sign_off
        batch["flags"] = (INCOMPLETE * incomplete + EARLY * early + SIGN * sign + PREP * prep).astype(np.uint8)
        return batch

    def counter_hours(self, rids: np.ndarray) -> np.ndarray:
        """Desk-check hours of these dossiers, per desk (unit x field) of the counter that checks them: the
        competent unit's `catalogue.desk_field` (a department: the procedure's own field)."""
        ledger, cat = self.ledger, self.cat
        p = ledger.rtype[rids]
        unit = ledger.leg_unit[rids, 0]
        field = np.where(self.unit_kind[unit] == DEPARTMENT, cat.proc_field[p], cat.desk_field)
        hours = cat.proc_desk_hours[p] * self.model.policy.desk_weight(rids)  # online_2026, semi_professional
        return np.bincount(unit * N_FIELDS + field, weights=hours, minlength=ledger.n_desks)

    def at_counter(self, rid: int) -> bool:
        """A dossier at the counter: an incomplete one goes back to its citizen (True); else it is received."""
        rec = self.rec
        flags = rec.flags[rid]
        if not flags & INCOMPLETE:
            return False
        rec.flags[rid] = flags & ~INCOMPLETE
        rec.status[rid] = TRANSIT  # counted back in by away()
        self.ledger.in_transit -= 1
        self.away(rid, WITH_CITIZEN, rec.supplement_days[rid])
        rec.supplements[rid] += 1
        return True

    def route_complaints(self, batch: dict) -> dict:
        """A complaint goes to its first-instance unit (a delay complaint: where the late dossier sits)."""
        level, unit = batch.pop("level"), batch.pop("unit", None)
        first = self.unit_at_level(level, batch["origin"], np.full(len(level), self.inspectorate))
        if unit is not None:
            first = np.where(unit >= 0, unit, first)
        k = len(first)
        batch["leg_unit"] = _legs(first)
        batch["leg_hours"] = _legs(batch.pop("hours"))
        batch["leg_field"] = _legs(batch["field"])
        batch["n_legs"] = np.ones(k, dtype=np.int8)
        return batch

    def tasks_for_day(self, day: int, rng: np.random.Generator, origin: str) -> dict:
        """Top-down tasks landing on communes today, from the city or from the districts."""
        world, cat, model = self.world, self.cat, self.model
        n_c = world.n_communes
        per_day = model.scale / model.working_days_per_year
        parts = []
        for k in range(len(cat.task_names)):
            if cat.task_origin[k] != origin or cat.task_rate[k] <= 0:
                continue
            counts = rng.poisson(cat.task_rate[k] * per_day, size=n_c)
            local = np.repeat(np.arange(n_c), counts)
            commune = local + self.offset
            if cat.task_field[k] >= 0:
                field = np.full(len(commune), cat.task_field[k])
            else:
                u = rng.random(len(commune))
                field = (u[:, None] > np.cumsum(self.task_mix[local], axis=1)).sum(axis=1).clip(max=N_FIELDS - 1)
            cx = model.draw_complexity(rng, len(commune))
            relay = self.three_tier and origin == "city"
            zeros = np.zeros(len(commune))
            legs = [self.parent[commune], commune, zeros] if relay else [commune, zeros, zeros]
            hours = [world.cfg.tier.district_relay_effort_hours * cx, cat.task_effort[k] * cx, zeros] if relay \
                else [cat.task_effort[k] * cx, zeros, zeros]
            parts.append(dict(kind=np.full(len(commune), TASK), rtype=np.full(len(commune), k), field=field,
                              channel=np.full(len(commune), INTERNAL), origin=commune, owner=np.full(len(commune), -1),
                              arrival_t=model.day_opened + rng.random(len(commune)) * model.workday_hours,
                              arrival_day=np.full(len(commune), day),
                              deadline_day=np.full(len(commune), day + cat.task_deadline[k]),
                              leg_unit=np.stack(legs + [zeros], axis=1).astype(np.int32),
                              leg_hours=np.stack(hours + [zeros], axis=1),
                              leg_field=np.repeat(field[:, None], MAX_LEGS, axis=1),
                              n_legs=np.full(len(commune), 2 if relay else 1)))
        return _concat(parts)

    def file(self, batch: dict) -> np.ndarray:
        ids = self.model.ledger.add(**batch)
        for rid in ids[batch["kind"] == COMPLAINT]:
            self.open_complaints.add(int(rid))
        self.ledger.hold(ids[batch["kind"] == DOSSIER])
        return ids

    # ------------------------------------------------------------ hand-offs
    def after_service(self, rid: int, unit, now: float) -> None:
        """An officer finished a leg at `now`: the file's next step."""
        rec = self.rec
        leg = rec.leg[rid]
        # = ledger.leave(rid, desk), inlined: once per leg
        self.closed.append((unit.first_desk + rec.leg_field[rid, leg]) * self.deadline_width + rec.deadline_day[rid])
        if rec.kind[rid] != DOSSIER:
            if leg + 1 < rec.n_legs[rid]:
                rec.leg[rid] = leg + 1
                self.send(rid)
            else:
                self.close(rid, now)
            return
        # the specialist's step done (the first leg, or the second after a commune step): a calendar wait next
        if rec.wait_days[rid] and leg == (1 if rec.flags[rid] & PREP else 0):
            self.away(rid, WAITING, rec.wait_days[rid])
        else:
            self.advance(rid, now)

    def advance(self, rid: int, now: float) -> None:
        """To the next leg, or (the officers' work done) to the leaders' tray or straight to ready."""
        rec = self.rec
        leg = rec.leg[rid] + 1
        if leg < rec.n_legs[rid]:
            rec.leg[rid] = leg
            if leg == (2 if rec.flags[rid] & PREP else 1):  # the leg after the specialist's: consultation
                rec.consultations[rid] += 1
            self.send(rid)
            return
        rec.completion_t[rid] = now
        if rec.flags[rid] & SIGN:
            self.ledger.away[SIGNING] += 1
            rec.status[rid] = SIGNING  # = leadership.to_tray(rid), inlined: once per dossier
            self.units[rec.leg_unit[rid, leg - 1]].leadership.tray.append(rid)
        else:
            self.ready(rid, now)

    def ready(self, rid: int, now: float) -> None:
        """The result is signed: back to the citizen now if early or already due, else on its date."""
        ledger = self.ledger
        rec = ledger.rec
        rec.ready_t[rid] = now
        today, due = self.model.today, rec.deadline_day[rid]
        if today > due:
            self.late_today.append(rid)
        if today >= due or rec.flags[rid] & EARLY:
            self.hand_back(rid, today)
        else:
            rec.status[rid] = READY
            ledger.away[READY] += 1
            self.handback[due].append(rid)

    def ready_batch(self, rids: np.ndarray, now: float) -> None:
        """`ready` for a signing round's files at once (the same story, in numpy)."""
        ledger = self.ledger
        today = self.model.today
        due = ledger.deadline_day[rids]
        ledger.ready_t[rids] = now
        self.late_today.extend(rids[today > due].tolist())
        back = (today >= due) | ((ledger.flags[rids] & EARLY) > 0)
        ledger.away[SIGNING] -= len(rids)
        now_back = rids[back]
        ledger.status[now_back] = DONE
        ledger.return_day[now_back] = today
        self.ledger._released_rids.extend(now_back.tolist())
        later, later_due = rids[~back], due[~back]
        ledger.status[later] = READY
        ledger.away[READY] += len(later)
        for d in np.unique(later_due).tolist():
            self.handback[d].extend(later[later_due == d].tolist())

    def hand_back(self, rid: int, day: int) -> None:
        ledger = self.ledger
        ledger.rec.status[rid] = DONE
        ledger.rec.return_day[rid] = day
        ledger._released_rids.append(rid)  # = ledger.release(rid), inlined: once per dossier

    def hand_back_due(self, day: int) -> None:
        """This morning's results due today go back to their citizens."""
        due = np.asarray(self.handback.pop(day, []), dtype=np.int64)
        ledger = self.ledger
        ledger.away[READY] -= len(due)
        ledger.status[due] = DONE
        ledger.return_day[due] = day
        ledger._released_rids.extend(due.tolist())

    def close(self, rid: int, now: float) -> None:
        """A complaint or task is done."""
        ledger = self.ledger
        rec = ledger.rec
        rec.status[rid] = DONE
        rec.completion_t[rid] = rec.ready_t[rid] = now
        rec.return_day[rid] = self.model.today
        if ledger.rec.kind[rid] == COMPLAINT:
            self.open_complaints.discard(rid)

    def away(self, rid: int, status: int, days: int) -> None:
        """Out of the offices for `days` working days: with the citizen, or in a calendar wait."""
        self.rec.status[rid] = status
        self.ledger.away[status] += 1
        self.inbox[self.model.today + max(int(days), 1)].append(rid)

    def send(self, rid: int) -> None:
        """Move a file to the unit of its current leg, after the transfer delay."""
        ledger = self.ledger
        rec = ledger.rec
        rec.status[rid] = TRANSIT
        ledger.in_transit += 1
        leg = rec.leg[rid]
        target = rec.leg_unit[rid, leg]
        if target != rec.leg_unit[rid, leg - 1] or rec.kind[rid] != DOSSIER:
            ledger.paths.setdefault(rid, [rec.leg_unit[rid, 0]]).append(target)
            if self.delay:
                self.inbox[self.model.today + self.delay].append(rid)
                return
        self.units[target].receive(rid, rec.leg_field[rid, leg])

    def deliver_due(self, day: int) -> None:
        """This morning: files reach the unit they were sent to, citizens come back with the missing
        papers (a new receipt and appointment date), calendar waits end."""
        ledger, units = self.ledger, self.units
        rec = ledger.rec
        now = self.model.calendar.day_start(day)
        for rid in self.inbox.pop(day, []):
            status = rec.status[rid]
            if status == WAITING:
                ledger.away[WAITING] -= 1
                self.advance(rid, now)
                continue
            if status == WITH_CITIZEN:
                ledger.away[WITH_CITIZEN] -= 1
                ledger.reissue(rid, day + self.proc_deadline[rec.rtype[rid]])
                self.refiled_today.append(rid)
                rec.status[rid] = TRANSIT
                ledger.in_transit += 1
            leg = rec.leg[rid]
            units[rec.leg_unit[rid, leg]].receive(rid, rec.leg_field[rid, leg])

    # ------------------------------------------------------------ escalation
    def overdue_complaints(self, day: int) -> np.ndarray:
        """Queued complaints past their legal limit that their owners have not yet decided on."""
        ledger = self.model.ledger
        rids = np.fromiter(self.open_complaints - self.declined, dtype=np.int64)
        if len(rids) == 0:
            return rids
        waiting = (ledger.status[rids] == 0) & (ledger.deadline_day[rids] <= day)
        return np.sort(rids[waiting])

    def escalate(self, rids: np.ndarray, declined: np.ndarray, day: int) -> int:
        """Move each complaint to the next tier of the chain, with a fresh legal limit."""
        ledger, world = self.model.ledger, self.world
        self.declined.update(int(r) for r in declined)
        moved = 0
        for rid in rids:
            rid = int(rid)
            here = int(ledger.leg_unit[rid, 0])
            nxt = self.next_level.get(int(self.unit_kind[here]))
            if nxt is None:
                self.declined.add(rid)
                continue
            commune = int(ledger.origin[rid])
            target = self.parent[commune] if nxt == LEVEL["district"] else self.inspectorate
            ledger.leave(rid, here * N_FIELDS + int(ledger.field[rid]))
            self.model.units[here].left_behind += 1  # its desk entry stays; the unit skips it later
            ledger.leg_unit[rid, 0] = target
            ledger.escalations[rid] += 1
            ledger.deadline_day[rid] = self.model.complaint_limit_day(day, complex_case=False)
            ledger.paths.setdefault(rid, [here])
            ledger.status[rid] = TRANSIT
            ledger.in_transit += 1
            ledger.paths[rid].append(int(target))
            self.inbox[day + max(self.delay, 1)].append(rid)
            moved += 1
        return moved


def _legs(first: np.ndarray) -> np.ndarray:
    """A one-leg route: `first` in leg 0, zeros after."""
    out = np.zeros((len(first), MAX_LEGS), dtype=np.asarray(first).dtype)
    out[:, 0] = first
    return out


def _concat(parts: list[dict]) -> dict:
    if not parts:
        return {}
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


assert COMMUNE == LEVEL["commune"] and DISTRICT == LEVEL["district"]  # unit kinds double as levels
