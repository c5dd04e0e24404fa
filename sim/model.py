"""GovernanceModel: a year of Hanoi's administrative workload under one tier design and staff quota.

Parameters (all from the Hydra config; see conf/ for each default's source tag or `assumption`):

- tier: which units exist (126 communes; or 526 communes + 30 district offices), where each procedure is
  competent, where consultations go and the complaint escalation chain [R26 L21, L74, L113].
- quota: how the staff budget (9.251 commune civil servants [R26 L162]) is shared: uniform [R26 L551]
  or area-grouped by expected workload [R26 L305].
- demand: dossiers per year (3.571.311 [R26 L309]), online share (58,9% [R26 L309]), seasonality,
  urban/rural demand; citizens_per_agent residents per citizen cohort.
- citizen: online propensity, patience, complaint propensity, chance to complain about a late dossier
  and to escalate an unresolved complaint.
- complaints: letters per year (~77.600, annualised from [R26 L479]), legal limits (30/45 days).
- officer: casework hours per day, absence rate, cross-field help and its penalty, effort variability,
  and the order officers take files in (due date, as the one-stop software lists them, or arrival).
- leaders: who signs results (chair and vice-chairs by commune class [T24] [R26 L74]), their signing
  hours, minutes a file, rounds a day, and delegation of certifications [T24 L4128-4135] [N25].
- handback: the shares of results that go back before their appointment date (online, in person).
- calendar: holidays, transfer delay between tiers, arrival time grain.
- catalogue: procedures (field, competent tier, deadline, effort, consultation), complaint types and
  top-down tasks from departments and districts.
- run: days, start_date, seed, scale (fraction of demand and staff simulated).
- timeline: one design for the whole run (steady), or the reform inside it (reform_2025: three tiers, then
  two from reform.date; the switch is told in sim/reform.py, the two designs' world in sim/eras.py).

One Mesa step is one working day. SimPy's clock counts working hours; officers pull files from their
unit's desks, each file's end an event on SimPy's queue (sim/clock.py); a day's arrivals enter through one
SimPy process; leaders sign in a few rounds a day; ready results go back on their appointment dates.
The life of a dossier is told in sim/routing.py.
"""
from __future__ import annotations

import gc

import mesa
import numpy as np

from sim.agents.citizen import Citizen, Cohorts
from sim.agents.leaders import Leadership
from sim.agents.officer import Officer
from sim.agents.units import Commune, Desks, DistrictOffice, MunicipalDepartment
from sim.calendar import WorkingCalendar
from sim.clock import Clock
from sim.config import Config
from sim.ledger import INCOMPLETE, SIGNING, Ledger
from sim.reform import Reform
from sim.policy import Policy
from sim.routing import Router
from sim.signers import signers_per_unit
from sim.work import DOSSIER, N_FIELDS
from sim.world import COMMUNE, DISTRICT, World

# Random streams, one per kind of event (new ones go last: a stream's draws never depend on another's).
STREAMS = ("citizens", "arrivals", "tasks", "reactions", "absences", "mesa", "lifecycle", "leaders", "policy")


class GovernanceModel(mesa.Model):
    def __init__(self, world: World):
        cfg: Config = world.cfg
        streams = dict(zip(STREAMS, np.random.SeedSequence(cfg.run.seed).spawn(len(STREAMS))))
        super().__init__(rng=streams["mesa"])
        self.cfg, self.world = cfg, world
        self.rngs = {name: np.random.default_rng(seq) for name, seq in streams.items()}
        self.scale = cfg.run.scale
        self.workday_hours = cfg.officer.workday_hours
        self.calendar = WorkingCalendar(cfg.run.start_date, cfg.run.days, cfg.calendar.holidays, self.workday_hours)
        cal = self.calendar
        self.working_days_per_year = cal.working_days_within(365)
        self.season = np.asarray(cfg.demand.seasonality) / np.mean(cfg.demand.seasonality)
        self.limit_simple = np.array([cal.add_calendar_days(d, cfg.complaints.limit_days) for d in range(cal.n_days + 1)])
        self.limit_complex = np.array([cal.add_calendar_days(d, cfg.complaints.limit_days_complex) for d in range(cal.n_days + 1)])
        self.env = Clock()
        self.today = 0
        self.day_opened = 0.0
        self.ledger = Ledger(world.n_units, cal.n_days, horizon=len(cal.dates), capacity=self._expected_requests())

        # The world's units and officers, as Mesa agents.
        self.desk_keys = Desks(by_due_date=cfg.officer.discipline == "due_date")
        self.units = []
        for i, (code, name, kind) in enumerate(zip(world.unit_code, world.unit_name, world.unit_kind)):
            if kind == COMMUNE:
                self.units.append(Commune(self, i, code, name))
            elif kind == DISTRICT:
                self.units.append(DistrictOffice(self, i, code, name))
            else:
                self.units.append(MunicipalDepartment(self, i, code, name, world.department_functions[code]))
        clock_factor = self.workday_hours / cfg.officer.casework_hours_per_day
        staff = world.staff
        self.officer_desk = np.repeat(np.arange(staff.size), staff.ravel())
        # Per officer, for the event loop as plain lists (scalar access); the day's close reads them vectorised.
        # Clock time since which an officer's current file has hours not yet booked (its start, or the last
        # close of day); -1 when idle.
        self.in_service_since = [-1.0] * len(self.officer_desk)
        self.absent = np.zeros(len(self.officer_desk), dtype=bool)
        self.absent_today = self.absent.tolist()
        self.on_duty = np.ones(len(self.officer_desk), dtype=bool)  # False: a unit of a design no longer in force
        self.clock_factor = clock_factor
        self.policy = Policy(self, streams["policy"])  # the policy levers (sim/policy.py); none: no change
        self.router = Router(self)
        self.desk_officers = [[] for _ in range(staff.size)]  # officer numbers per desk, in the order made
        for number, desk in enumerate(self.officer_desk.tolist()):
            self.desk_officers[desk].append(number)
        self.counter_credit = np.zeros(staff.size)  # officer-days of desk checks carried to the next day
        self.counter_shortfall = 0.0                # desk-check hours no officer was there for
        self.counter_debt = [0.0] * len(self.officer_desk)  # clock hours at the counter an officer still owes its file
        # Pressure: a desk with overdue files works longer, its officers at `surge_pace` of their clock time.
        o = cfg.officer
        self.surge_pace = o.casework_hours_per_day / (o.casework_hours_per_day + o.surge_hours_per_day)
        self.desk_pace = [1.0] * staff.size
        self.pressed = np.zeros(staff.size, dtype=bool)
        self.officers = [Officer(self, self.units[desk // N_FIELDS], int(desk % N_FIELDS), number, clock_factor)
                         for number, desk in enumerate(self.officer_desk.tolist())]
        self.joining = list(self.officers)  # officers who start work next morning, in order
        # Leaders sign in `sessions_per_day` rounds, the last a quarter hour before closing. Signing capacity
        # follows run.scale like everything else (a fraction of a signer is a fraction of the files).
        ld = cfg.leaders
        n = ld.sessions_per_day
        self.sign_times = [self.workday_hours * (k + 1) / n - min(0.25, self.workday_hours / (4 * n)) for k in range(n)]
        per_round = ld.signing_hours_per_day / n * 60.0 / ld.minutes_per_file
        self.signers = signers_per_unit(world)
        self.leaderships = [Leadership(self, unit, int(k), per_round) for unit, k in zip(self.units, self.signers)]

        # Citizens: cohorts placed in the communes by population.
        self.cohorts = Cohorts(world, cfg, self.rngs["citizens"], self.scale, self.working_days_per_year)
        c = self.cohorts
        # What the cohorts did, per cohort (the Citizen agents read these).
        self.cohort_dossiers, self.cohort_late, self.cohort_complaints, self.cohort_escalations = \
            np.zeros((4, len(c.size)), dtype=np.int64)
        self.citizens = [Citizen(self, i, int(c.commune[i]), float(c.size[i]), bool(c.urban[i]),
                                 float(c.online_propensity[i]), float(c.patience[i]), float(c.complaint_propensity[i]))
                         for i in range(len(c.size))]
        self.pending_complaints: dict = {}
        # A run that holds the reform switches designs on reform.date (sim/reform.py); None: one design.
        self.reform = Reform(self) if world.eras else None
        # Daily totals, read from the arrays the agents share (no loop over thousands of agents per day).
        self.datacollector = mesa.DataCollector(model_reporters={
            "backlog": lambda m: sum(m.ledger.load),
            "commune_backlog_max": lambda m: int(m.unit_backlog()[world.unit_kind == COMMUNE].max()),
            "late_dossiers": lambda m: int(m.cohort_late.sum()),
            "complaints_filed": lambda m: int(m.cohort_complaints.sum()),
            "escalations": lambda m: int(m.cohort_escalations.sum()),
            "officers_absent": lambda m: int(m.absent.sum()),
            "in_transit": lambda m: m.ledger.in_transit,
            "open_dossiers": lambda m: int(m.ledger.day_open_within[m.today].sum() + m.ledger.day_open_overdue[m.today].sum()),
            "awaiting_signoff": lambda m: m.ledger.away[SIGNING],
            "counter_officers": lambda m: int(m.ledger.day_counter[m.today].sum()),
        })

    def step(self):
        self.open_day()
        self.env.run(until=self.calendar.day_start(self.today + 1))
        self.close_day()

    # ------------------------------------------------------------ a working day
    def open_day(self) -> None:
        """Today's new work arrives: citizens' dossiers and complaints, top-down tasks, transfers."""
        day = self.today
        self.day_opened = self.calendar.day_start(day)
        if self.reform is not None:
            self.reform.open_day(day)
        self.press_desks(day)
        dossiers, complaints = Citizen.raise_requests(self, day, self.rngs["arrivals"])
        self.policy.open_day(day)
        dossiers = self.policy.adjust_dossiers(dossiers, day)
        batches = [self.router.route_dossiers(dossiers), self.router.route_complaints(complaints)]
        if self.pending_complaints:
            batches.append(self.router.route_complaints(self.pending_complaints))
            self.pending_complaints = {}
        batches.append(MunicipalDepartment.issue_tasks(self, day, self.rngs["tasks"]))
        if self.router.districts:
            batches.append(DistrictOffice.issue_tasks(self, day, self.rngs["tasks"]))
        batches = [b for b in batches if b]
        keys = dict.fromkeys(k for b in batches for k in b)  # dossiers carry more columns than the rest
        batch = {k: np.concatenate([b[k] if k in b else np.zeros(len(b["kind"]), dtype=np.int8) for b in batches])
                 for k in keys}
        ids = self.router.file(batch)
        self.router.hand_back_due(day)
        self.router.deliver_due(day)
        # An officer in the middle of a file comes in to finish it: absences start on a free morning.
        draw = self.rngs["absences"].random(len(self.absent)) < self.cfg.officer.absence_rate
        self.absent = draw & (np.asarray(self.in_service_since) < 0) & self.on_duty
        self.absent_today[:] = self.absent.tolist()
        new_dossiers = ids[batch["kind"] == DOSSIER]
        refiled = np.asarray(self.router.refiled_today, dtype=np.int64)
        self.router.refiled_today = []
        self.staff_the_counters(self.router.counter_hours(np.concatenate([new_dossiers, refiled])))
        if self.joining:  # the first morning (or a design's first): every new officer present looks for work
            for officer in self.joining:  # in the order they were made
                officer.take_next()
            self.joining = []
        self.env.process(self.intake(ids, batch["arrival_t"]))
        if self.cfg.leaders.sign_off:
            present = self.rngs["leaders"].binomial(self.signers.astype(np.int64), 1.0 - self.cfg.officer.absence_rate)
            for lead, k in zip(self.leaderships, (present * self.scale).tolist()):
                lead.present = k
            for t in self.sign_times:
                self.env.timeout(self.day_opened + t - self.env.now).callbacks.append(self.sign_round)

    def press_desks(self, day: int) -> None:
        """Desks that closed yesterday with overdue files (officer.surge_min_overdue or more) work longer today;
        the others at their normal pace. Only officers whose desk changed are told."""
        if day == 0 or self.surge_pace == 1.0:
            return
        pressed = self.ledger.day_overdue[day - 1] >= self.cfg.officer.surge_min_overdue
        for desk in np.flatnonzero(pressed != self.pressed).tolist():
            self.desk_pace[desk] = self.surge_pace if pressed[desk] else 1.0
            for number in self.desk_officers[desk]:
                self.officers[number].set_pace()
        self.pressed = pressed

    def staff_the_counters(self, hours: np.ndarray) -> None:
        """Today's desk checks take officers off casework for the day: whole officer-days, the fraction carried
        to the next day. Officers of the desk's field first, then (the one-stop centre rotates staff) free
        officers of the unit's other fields; then officers in the middle of a file, whose file then waits while they
        are at the counter (their `counter_debt`: the file's end comes that much later)."""
        need = self.counter_credit + hours / self.cfg.officer.casework_hours_per_day
        whole = np.floor(need).astype(int)
        self.counter_credit = need - whole
        on_duty = np.zeros(len(whole), dtype=np.int64)   # per counter desk
        booked = np.zeros(len(whole))                    # busy hours, by each counter officer's own desk
        since, absent_today = self.in_service_since, self.absent_today
        for desk in np.flatnonzero(whole).tolist():
            first = desk - desk % N_FIELDS
            for own in [desk] + [d for d in range(first, first + N_FIELDS) if d != desk]:
                for number in self.desk_officers[own]:
                    if on_duty[desk] == whole[desk]:
                        break
                    if not absent_today[number] and since[number] < 0:
                        absent_today[number] = True  # at the counter: not taking queued files today
                        on_duty[desk] += 1
                        booked[own] += self.workday_hours
                if on_duty[desk] == whole[desk]:
                    break
            for own in [desk] + [d for d in range(first, first + N_FIELDS) if d != desk]:
                for number in self.desk_officers[own]:
                    if on_duty[desk] == whole[desk]:
                        break
                    if not absent_today[number] and since[number] >= 0 and not self.counter_debt[number]:
                        self.counter_debt[number] = self.workday_hours  # booked as busy: it is in service
                        on_duty[desk] += 1
                if on_duty[desk] == whole[desk]:
                    break
        self.counter_shortfall += float((whole - on_duty).sum()) * self.cfg.officer.casework_hours_per_day
        self.ledger.day_counter[self.today] = on_duty
        self.ledger.busy_today[:] = (np.asarray(self.ledger.busy_today) + booked).tolist()

    def sign_round(self, _event) -> None:
        signed = [lead.sign_round() for lead in self.leaderships if lead.tray]
        if signed:
            self.router.ready_batch(np.concatenate(signed), self.env.now)

    def intake(self, ids: np.ndarray, times: np.ndarray):
        """Files reach their first desk at their filing time (online ones filed at night: at opening)."""
        if len(ids) == 0:  # a day with nothing filed (a tiny world)
            return
        order = np.argsort(times, kind="stable")
        ids, times = ids[order], times[order]
        ledger, units, env = self.ledger, self.units, self.env
        first = ledger.leg_unit[ids, 0].tolist()
        fields = ledger.leg_field[ids, 0].tolist()
        incomplete = ((ledger.flags[ids] & INCOMPLETE) > 0).tolist()
        at_counter = self.router.at_counter
        cuts = np.flatnonzero(np.diff(times)) + 1
        ids, times = ids.tolist(), times.tolist()
        for start, stop in zip(np.r_[0, cuts].tolist(), np.r_[cuts, len(ids)].tolist()):
            if times[start] > env.now:
                yield env.timeout(times[start] - env.now)
            for j in range(start, stop):
                if not (incomplete[j] and at_counter(ids[j])):  # an incomplete dossier goes back at the counter
                    units[first[j]].receive(ids[j], fields[j])

    def close_day(self) -> None:
        """Book the day's officer hours, let citizens react to delays, escalate, collect."""
        day, ledger = self.today, self.ledger
        day_end = self.calendar.day_start(day + 1)
        since = np.array(self.in_service_since)
        working = since >= 0
        busy = day_end - since[working]
        spill = np.bincount(self.officer_desk[working], weights=busy, minlength=ledger.n_desks)
        ledger.busy_today[:] = (np.asarray(ledger.busy_today) + spill).tolist()
        since[working] = day_end
        self.in_service_since[:] = since.tolist()
        if self.router.late_today:
            self.pending_complaints = Citizen.react_to_delays(self, self.router.late_today, day, self.rngs["reactions"])
            self.router.late_today = []
        overdue = self.router.overdue_complaints(day)
        if len(overdue):
            go, stay = Citizen.consider_escalation(self, overdue, self.rngs["reactions"])
            self.router.escalate(go, stay, day)
        present = np.bincount(self.officer_desk[~self.absent & self.on_duty], minlength=ledger.n_desks)
        ledger.day_surge[day] = present * self.pressed
        ledger.close_day(day, present * self.workday_hours)  # after escalations, so the day's snapshot agrees with the transit count
        self.datacollector.collect(self)
        self.today += 1

    # ------------------------------------------------------------ helpers the agents use
    def unit_backlog(self) -> np.ndarray:
        """Requests open at each unit now (queued or in service)."""
        return np.asarray(self.ledger.load).reshape(-1, N_FIELDS).sum(axis=1)

    def next_opening(self) -> float:
        return self.calendar.day_start(self.today + 1)

    def complaint_limit_day(self, day: int, complex_case: bool) -> int:
        return int((self.limit_complex if complex_case else self.limit_simple)[min(day, len(self.limit_simple) - 1)])

    def draw_complexity(self, rng: np.random.Generator, k: int) -> np.ndarray:
        """Effort multipliers with mean 1 and the configured coefficient of variation (gamma)."""
        shape = 1.0 / self.cfg.officer.effort_cv ** 2
        return rng.gamma(shape, 1.0 / shape, k)

    def round_arrivals(self, clock: np.ndarray) -> np.ndarray:
        """Arrival times grouped to the configured grain, so arrivals cost few SimPy events."""
        grain = self.cfg.calendar.arrival_resolution_minutes / 60.0
        if grain <= 0:
            return clock
        return np.minimum(np.ceil(clock / grain) * grain, self.workday_hours - 1e-9)

    def _expected_requests(self) -> int:
        world = self.world  # sized for the communes simulated, not the whole city
        share = world.cohort_size.sum() / max(world.population_total, 1.0)
        per_year = (world.cohort_demand.sum() + self.cfg.complaints.letters_per_year * share) * self.scale
        return int(per_year * self.cfg.run.days / 365 * 1.25) + 10_000

    def run_model(self, progress=None) -> None:
        # The world lives as long as the run: keep the cyclic garbage collector from walking it again and again.
        gc.collect()
        gc.freeze()
        try:
            for _ in range(self.calendar.n_days):
                self.step()
                if progress is not None:
                    progress.update(1)
        finally:
            gc.unfreeze()
