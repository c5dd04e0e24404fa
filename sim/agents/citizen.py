"""Citizens: cohorts of residents who file dossiers, complain, and react to delays.

Citizens are many, so they have no daily step. Each working day their dossiers and complaints are drawn
for all cohorts at once (Poisson counts from each cohort's rate); a citizen acts on its own only when
something happens to it: a late dossier or an unanswered complaint.
"""
from __future__ import annotations

import mesa
import numpy as np

from sim.work import COMPLAINT, DOSSIER, IN_PERSON, ONLINE


class Citizen(mesa.Agent):
    """A cohort of `size` residents of one commune, with the traits that drive demand.

    Traits: urban or rural; online propensity (chance a dossier is filed online); patience (working days
    late before a delay really annoys); complaint propensity (multiplier on complaint chances).
    """

    def __init__(self, model, number: int, commune: int, size: float, urban: bool,
                 online_propensity: float, patience: float, complaint_propensity: float):
        super().__init__(model)
        self.number = number
        self.commune = commune
        self.size = size
        self.urban = urban
        self.online_propensity = online_propensity
        self.patience = patience
        self.complaint_propensity = complaint_propensity

    # What happened to the cohort: counted in the model's per-cohort arrays by the vectorised daily steps.
    dossiers = property(lambda self: int(self.model.cohort_dossiers[self.number]))
    late_dossiers = property(lambda self: int(self.model.cohort_late[self.number]))
    complaints = property(lambda self: int(self.model.cohort_complaints[self.number]))
    escalations = property(lambda self: int(self.model.cohort_escalations[self.number]))

    # ------------------------------------------------------------ the day's new work (vectorised)
    @staticmethod
    def raise_requests(model, day: int, rng: np.random.Generator) -> tuple[dict, dict]:
        """Today's dossiers and complaints from every cohort.

        The draws depend only on the cohorts and the day, never on the tier design, so two designs run
        with the same seed see the very same dossiers (common random numbers).
        """
        c, cat, cfg = model.cohorts, model.world.catalogue, model.cfg
        season = model.season[model.calendar.months[day] - 1]
        counts = rng.poisson(c.dossiers_per_day * season)
        owner = np.repeat(np.arange(len(counts)), counts)
        k = len(owner)
        proc = np.searchsorted(np.cumsum(cat.proc_prob), rng.random(k) * cat.proc_prob.sum(), side="right")
        proc = np.minimum(proc, cat.n_procedures - 1)
        online = rng.random(k) < c.online_propensity[owner]
        after_hours = rng.random(k) < cfg.demand.online_after_hours_share
        clock = rng.random(k) * model.workday_hours
        clock[online & after_hours] = 0.0
        cx = model.draw_complexity(rng, k)
        consult = rng.random(k) < cat.proc_consult_prob[proc]
        np.add.at(model.cohort_dossiers, owner, 1)
        # What happens to each dossier later, drawn now from its own stream so that every design sees the same.
        life, d, h = model.rngs["lifecycle"], cfg.demand, cfg.handback
        incomplete = life.random(k) < d.incomplete_share
        supplement_days = np.minimum(life.geometric(1.0 / d.supplement_days_mean, k), 10_000)
        early = life.random(k) < np.where(online, h.early_share_online, h.early_share_in_person)
        dossiers = dict(kind=np.full(k, DOSSIER), rtype=proc, field=cat.proc_field[proc],
                        channel=np.where(online, ONLINE, IN_PERSON), origin=c.commune[owner], owner=owner,
                        arrival_t=model.day_opened + model.round_arrivals(clock), arrival_day=np.full(k, day),
                        deadline_day=day + cat.proc_deadline[proc] + (clock >= cat.proc_cutoff[proc]), cx=cx, consult=consult,
                        incomplete=incomplete, early=early, supplement_days=supplement_days)

        counts = rng.poisson(c.complaints_per_day)
        owner = np.repeat(np.arange(len(counts)), counts)
        k = len(owner)
        ctype = np.searchsorted(np.cumsum(cat.complaint_prob), rng.random(k) * cat.complaint_prob.sum(), side="right")
        ctype = np.minimum(ctype, max(len(cat.complaint_names) - 1, 0))
        complex_case = rng.random(k) < cfg.complaints.complex_share
        cx = model.draw_complexity(rng, k)
        clock = rng.random(k) * model.workday_hours
        complaints = Citizen._complaints(model, day, owner, ctype, complex_case,
                                         cat.complaint_effort[ctype] * cx if k else np.zeros(0), clock,
                                         field=cat.complaint_field[ctype], level=cat.complaint_level[ctype],
                                         unit=np.full(k, -1))
        return dossiers, complaints

    @staticmethod
    def _complaints(model, day, owner, ctype, complex_case, hours, clock, field, level, unit) -> dict:
        limit = np.where(complex_case, model.limit_complex[day], model.limit_simple[day])
        np.add.at(model.cohort_complaints, owner, 1)
        return dict(kind=np.full(len(owner), COMPLAINT), rtype=ctype, field=field,
                    channel=np.full(len(owner), IN_PERSON), origin=model.cohorts.commune[owner], owner=owner,
                    arrival_t=model.day_opened + model.round_arrivals(clock), arrival_day=np.full(len(owner), day),
                    deadline_day=limit, hours=hours, level=level, unit=unit)

    # ------------------------------------------------------------ reactions (event-driven)
    @staticmethod
    def react_to_delays(model, late: list[int], day: int, rng: np.random.Generator) -> dict:
        """Owners of dossiers finished late today may complain tomorrow; the later, the likelier.

        P(complain) = late_complaint_prob x propensity x min(2, days late / patience).
        """
        ledger, c, cfg = model.ledger, model.cohorts, model.cfg
        rids = np.asarray(late, dtype=np.int64)
        owner = ledger.owner[rids]
        days_late = day - ledger.deadline_day[rids]
        p = cfg.citizen.late_complaint_prob * c.complaint_propensity[owner] * np.minimum(2.0, days_late / c.patience[owner])
        draw = rng.random(len(rids))
        np.add.at(model.cohort_late, owner, 1)
        rids, owner = rids[draw < p], owner[draw < p]
        k = len(rids)
        last = ledger.leg_unit[rids, ledger.n_legs[rids] - 1]
        cx = model.draw_complexity(rng, k)
        complex_case = np.zeros(k, dtype=bool)
        batch = Citizen._complaints(model, day + 1, owner, np.full(k, -1), complex_case,
                                    model.world.catalogue.delay_complaint_effort * cx, rng.random(k) * model.workday_hours,
                                    field=ledger.field[rids], level=np.zeros(k, dtype=np.int8), unit=last)
        return batch

    @staticmethod
    def consider_escalation(model, rids: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """Owners of complaints past their legal limit decide whether to take them a tier up."""
        owner = model.ledger.owner[rids]
        p = np.minimum(1.0, model.cfg.citizen.escalation_prob * model.cohorts.complaint_propensity[owner])
        go = rng.random(len(rids)) < p
        np.add.at(model.cohort_escalations, owner[go], 1)
        return rids[go], rids[~go]


class Cohorts:
    """The citizens' traits as arrays, for the vectorised daily draws."""

    def __init__(self, world, cfg, rng: np.random.Generator, scale: float, working_days_per_year: float):
        n = len(world.cohort_size)
        self.commune = world.cohort_unit.astype(np.int32)
        self.size = world.cohort_size
        self.urban = world.cohort_urban
        shift = np.where(self.urban, 0.05, -0.05)  # assumption: urban residents file online a little more
        self.online_propensity = np.clip(rng.normal(cfg.demand.online_share + shift, cfg.citizen.online_propensity_sd, n), 0, 1)
        mean = cfg.citizen.patience_days_mean
        self.patience = np.maximum(0.5, rng.gamma(4.0, mean / 4.0, n))
        m, s = cfg.citizen.complaint_propensity_mean, cfg.citizen.complaint_propensity_sd
        sigma2 = np.log(1 + (s / m) ** 2) if m > 0 else 0.0
        self.complaint_propensity = m * np.exp(rng.normal(-sigma2 / 2, np.sqrt(sigma2), n)) if m > 0 else np.zeros(n)
        self.dossiers_per_day = world.cohort_demand * scale / working_days_per_year
        share = self.size / world.population_total
        self.complaints_per_day = cfg.complaints.letters_per_year * share * self.complaint_propensity * scale \
            / working_days_per_year
