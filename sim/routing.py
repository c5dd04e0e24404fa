"""Where work goes in each tier design: routes at filing, hand-offs, transfers and escalation.

The design decides, per procedure, the competent tier; consultation goes one tier up from it (the
district in three-tier, a city department in two-tier: the "goes back up" pattern [R26 L565]); an
unresolved complaint climbs the design's escalation chain; city tasks pass through the district in
three-tier. Transfers between tiers take `calendar.transfer_delay_days` working days.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from sim.ledger import DONE, TRANSIT
from sim.work import COMPLAINT, DOSSIER, FIELD_INDEX, INTERNAL, LEVEL, N_FIELDS, TASK
from sim.world import COMMUNE, DISTRICT


class Router:
    def __init__(self, model):
        self.model, self.ledger = model, model.ledger
        world, cat = model.world, model.world.catalogue
        self.world, self.cat = world, cat
        self.three_tier = world.cfg.tier.districts
        self.parent = world.unit_parent
        self.proc_dept = np.array([world.function_unit[fn] for fn in cat.proc_function], dtype=np.int32)
        self.inspectorate = world.function_unit["inspectorate"]
        chain = world.cfg.tier.escalation
        self.next_level = {LEVEL[a]: LEVEL[b] for a, b in zip(chain, chain[1:])}
        self.delay = world.cfg.calendar.transfer_delay_days
        self.inbox: dict[int, list[int]] = defaultdict(list)
        self.open_complaints: set[int] = set()
        self.declined: set[int] = set()
        self.late_today: list[int] = []
        hours = world.hours.commune[: world.n_communes]
        self.task_mix = np.where(hours.sum(1, keepdims=True) > 0, hours / np.maximum(hours.sum(1, keepdims=True), 1e-12),
                                 1.0 / N_FIELDS)

    # ------------------------------------------------------------ filing
    def unit_at_level(self, level: np.ndarray, commune: np.ndarray, dept: np.ndarray) -> np.ndarray:
        return np.where(level == LEVEL["commune"], commune,
                        np.where(level == LEVEL["district"], self.parent[commune], dept))

    def route_dossiers(self, batch: dict) -> dict:
        """Legs for new dossiers: competent unit, then (maybe) consultation one tier up and back."""
        cat, p, commune = self.cat, batch["rtype"], batch["origin"]
        level = cat.proc_level[p]
        dept = self.proc_dept[p]
        home = self.unit_at_level(level, commune, dept)
        consult = batch.pop("consult") & (level < LEVEL["city"])
        above = np.where(self.three_tier & (level == LEVEL["commune"]), self.parent[commune], dept)
        cx = batch.pop("cx")
        effort = cat.proc_effort[p] * cx
        batch["leg_unit"] = np.stack([home, np.where(consult, above, 0), np.where(consult, home, 0)], axis=1)
        batch["leg_hours"] = np.stack([effort, cat.proc_consult_effort[p] * cx, cat.proc_final_share[p] * effort], axis=1)
        batch["n_legs"] = np.where(consult, 3, 1)
        return batch

    def route_complaints(self, batch: dict) -> dict:
        """A complaint goes to its first-instance unit (a delay complaint: where the late dossier sits)."""
        level, unit = batch.pop("level"), batch.pop("unit", None)
        first = self.unit_at_level(level, batch["origin"], np.full(len(level), self.inspectorate))
        if unit is not None:
            first = np.where(unit >= 0, unit, first)
        k = len(first)
        batch["leg_unit"] = np.stack([first, np.zeros(k, int), np.zeros(k, int)], axis=1)
        batch["leg_hours"] = np.stack([batch.pop("hours"), np.zeros(k), np.zeros(k)], axis=1)
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
            commune = np.repeat(np.arange(n_c), counts)
            if cat.task_field[k] >= 0:
                field = np.full(len(commune), cat.task_field[k])
            else:
                u = rng.random(len(commune))
                field = (u[:, None] > np.cumsum(self.task_mix[commune], axis=1)).sum(axis=1).clip(max=N_FIELDS - 1)
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
                              leg_unit=np.stack(legs, axis=1).astype(np.int32), leg_hours=np.stack(hours, axis=1),
                              n_legs=np.full(len(commune), 2 if relay else 1)))
        return _concat(parts)

    def file(self, batch: dict) -> np.ndarray:
        ids = self.model.ledger.add(**batch)
        for rid in ids[batch["kind"] == COMPLAINT]:
            self.open_complaints.add(int(rid))
        return ids

    # ------------------------------------------------------------ hand-offs
    def after_service(self, rid: int, unit, now: float) -> None:
        """An officer finished a leg at `now`: pass the file on, or close it."""
        ledger = self.ledger
        rec = ledger.rec
        ledger.leave(rid, unit.first_desk + rec.field[rid])
        leg = rec.leg[rid] + 1
        if leg < rec.n_legs[rid]:
            rec.leg[rid] = leg
            if rec.kind[rid] == DOSSIER and leg == 1:
                rec.consultations[rid] += 1
            self.send(rid)
            return
        rec.status[rid] = DONE
        rec.completion_t[rid] = now
        kind = rec.kind[rid]
        if kind == DOSSIER:
            if self.model.today > rec.deadline_day[rid]:
                self.late_today.append(rid)
        elif kind == COMPLAINT:
            self.open_complaints.discard(rid)

    def send(self, rid: int) -> None:
        """Move a file to the unit of its current leg, after the transfer delay."""
        ledger = self.ledger
        rec = ledger.rec
        rec.status[rid] = TRANSIT
        ledger.in_transit += 1
        target = rec.leg_unit[rid, rec.leg[rid]]
        ledger.paths.setdefault(rid, [rec.leg_unit[rid, 0]]).append(target)
        if self.delay == 0:
            self.model.units[target].receive(rid, rec.field[rid])
        else:
            self.inbox[self.model.today + self.delay].append(rid)

    def deliver_due(self, day: int) -> None:
        rec, units = self.model.ledger.rec, self.model.units
        for rid in self.inbox.pop(day, []):
            units[rec.leg_unit[rid, rec.leg[rid]]].receive(rid, rec.field[rid])

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
            nxt = self.next_level.get(int(world.unit_kind[here]))
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


def _concat(parts: list[dict]) -> dict:
    if not parts:
        return {}
    return {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}


assert COMMUNE == LEVEL["commune"] and DISTRICT == LEVEL["district"]  # unit kinds double as levels
