"""The science: conservation, queueing theory (Erlang C), direction of effects, common random numbers."""
from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.agents.citizen import Citizen
from sim.agents.units import Commune
from sim.ledger import DONE, IN_SERVICE, QUEUED, READY, SIGNING, STATUSES, TRANSIT, WAITING, WITH_CITIZEN
from sim.metrics import requests_table, unit_daily_table
from sim.runner import run_scenario
from sim.work import COMPLAINT, DOSSIER
from scenarios import mmc_cfg, small_cfg


def erlang_c_wait(servers: int, lam: float, mu: float) -> float:
    """Mean wait in queue of M/M/c (Erlang C)."""
    a = lam / mu
    rho = a / servers
    top = a ** servers / math.factorial(servers) / (1 - rho)
    p_wait = top / (sum(a ** k / math.factorial(k) for k in range(servers)) + top)
    return p_wait / (servers * mu - lam)


@pytest.mark.parametrize("tier", ["two_tier", "three_tier"])
def test_conservation_every_request_done_or_queued(tier):
    r = run_scenario(small_cfg(f"tier={tier}", "officer.absence_rate=0.1"), keep_model=True)
    led = r.model.ledger
    status = led.view("status")
    # In total: received = resolved + open (at a desk, between units, with the citizen for supplementation,
    # in a calendar wait, in a signing tray, or ready and waiting for its appointment date).
    counts = {s: int((status == s).sum()) for s in range(len(STATUSES))}
    assert sum(counts.values()) == led.n
    assert counts[TRANSIT] == led.in_transit
    assert counts[QUEUED] + counts[IN_SERVICE] == sum(led.load)
    for s in (WITH_CITIZEN, WAITING, SIGNING, READY):
        assert counts[s] == led.away[s], STATUSES[s]  # each state's counter agrees with the records
    assert counts[WITH_CITIZEN] + counts[WAITING] + counts[READY] > 0 and r.summary["signed_by_leaders"] > 0
    # Open dossiers, as held by the desk that issued their receipt: within deadline + overdue = open.
    open_dossiers = (led.view("kind") == DOSSIER) & (status != DONE)
    assert led.day_open_within[-1].sum() + led.day_open_overdue[-1].sum() == open_dossiers.sum()
    last = r.model.calendar.n_days - 1
    assert led.day_open_overdue[-1].sum() == (open_dossiers & (led.view("deadline_day") <= last)).sum()
    # Per unit desk: everything that arrived either left or is still there.
    daily = unit_daily_table(r.model)
    per_desk = daily.groupby(["unit", "field"], sort=False).agg(arrivals=("arrivals", "sum"),
                                                                left=("completions", "sum"))
    end = daily[daily["day"] == daily["day"].max()].set_index(["unit", "field"])["backlog"]
    assert ((per_desk["arrivals"] - per_desk["left"]) == end.loc[per_desk.index]).all()
    assert (daily["backlog"] >= 0).all() and (daily["overdue_backlog"] <= daily["backlog"]).all()
    # The scenario is busy enough to exercise consultations and escalations.
    assert led.view("consultations").sum() > 0
    assert r.summary["dossiers_resolved"] + r.summary["backlog_end"] == pytest.approx(r.summary["dossiers_received"])


def test_agents_and_collector_agree_with_the_ledger():
    # The daily collector reads shared arrays, the agents expose the same counts: all must match the ledger.
    r = run_scenario(small_cfg("tier=three_tier", "complaints.letters_per_year=20000", "citizen.escalation_prob=1.0",
                               "citizen.late_complaint_prob=0.5"), keep_model=True)
    model, led = r.model, r.model.ledger
    kind = led.view("kind")
    citizens, communes = model.agents_by_type[Citizen], model.agents_by_type[Commune]
    last = model.datacollector.get_model_vars_dataframe().iloc[-1]
    pending = len(model.pending_complaints.get("kind", []))  # raised at the last close, filed next morning
    assert citizens.agg("dossiers", sum) == (kind == DOSSIER).sum()
    assert citizens.agg("complaints", sum) == last["complaints_filed"] == (kind == COMPLAINT).sum() + pending
    assert citizens.agg("late_dossiers", sum) == last["late_dossiers"] > 0
    assert citizens.agg("escalations", sum) == last["escalations"] >= (led.view("escalations") > 0).sum() > 0
    assert last["backlog"] == sum(unit.backlog for unit in model.units) == (led.view("status") <= IN_SERVICE).sum()
    assert last["open_dossiers"] == ((kind == DOSSIER) & (led.view("status") != DONE)).sum()
    assert last["commune_backlog_max"] == communes.agg("backlog", max)


def test_requests_never_finish_before_they_start():
    r = run_scenario(small_cfg("tier=three_tier"), keep_model=True)
    t = requests_table(r.model).to_pandas()
    done = t[t["outcome"] != "open"]
    assert (done["delay_days"] >= 0).all()
    assert (done["completion_day"] >= done["arrival_day"]).all()
    led = r.model.ledger
    started = ~np.isnan(led.view("start_t"))
    assert (led.view("start_t")[started] >= led.view("arrival_t")[started] - 1e-9).all()
    shares = sum(r.summary[k] for k in ("resolved_early_share", "resolved_on_time_share", "resolved_late_share"))
    assert shares == pytest.approx(1.0, abs=1e-5)  # each share is rounded to 6 decimals


def test_escalation_climbs_the_chain():
    # Few officers and many complaints: complaints outlive their legal limit and climb commune -> district -> city.
    r = run_scenario(small_cfg("tier=three_tier", "complaints.letters_per_year=20000", "citizen.escalation_prob=1.0",
                               "run.days=200"), keep_model=True)
    t = requests_table(r.model).to_pandas()
    escalated = t[(t["kind"] == "complaint") & (t["escalations"] > 0)]
    assert len(escalated) > 0
    assert escalated["unit_path"].str.contains(">D").any()
    assert r.summary["complaints_escalated"] > 0


@pytest.mark.slow
def test_mmc_matches_erlang_c(one_commune):
    servers, lam, mu = 3, 2.4, 1.0   # per working hour: rho = 0.8
    warmup, waits = 20, []
    for seed in range(12):
        r = run_scenario(mmc_cfg(one_commune, servers, lam, 1 / mu, days=300, seed=seed), keep_model=True)
        led = r.model.ledger
        assert led.view("arrival_day").max() > warmup
        keep = (led.view("arrival_day") >= warmup) & ~np.isnan(led.view("start_t"))
        waits.append(np.mean(led.view("start_t")[keep] - led.view("arrival_t")[keep]))
        rate = r.model.cohorts.dossiers_per_day.sum() / 8.0
        assert rate == pytest.approx(lam)
    waits = np.array(waits)
    half = stats.t.ppf(0.975, len(waits) - 1) * waits.std(ddof=1) / np.sqrt(len(waits))
    expected = erlang_c_wait(servers, lam, mu)
    assert abs(waits.mean() - expected) <= half, (waits.mean(), half, expected)
    assert half < 0.25 * expected  # the check has teeth: the interval is tight


def test_more_staff_never_raises_mean_delay(one_commune):
    delays = []
    for servers in (3, 4, 5, 8):
        r = run_scenario(mmc_cfg(one_commune, servers, 2.4, 1.0, days=120, seed=7))
        delays.append(r.summary["mean_delay_days"])
    assert all(b <= a + 1e-12 for a, b in zip(delays, delays[1:])), delays
    assert delays[0] > delays[-1]


@pytest.mark.parametrize("tier", ["two_tier", "three_tier"])
def test_more_staff_never_raises_mean_delay_in_a_city(tier):
    # Load low enough that the work clears: in an overloaded world the mean over *resolved* dossiers is
    # censored (the slowest stay open), and more staff can raise it by finishing them.
    delays = [run_scenario(small_cfg(f"tier={tier}", f"quota.budget={b}", "demand.dossiers_per_year=25000",
                                     "officer.cross_field=false", "officer.absence_rate=0")).summary["mean_delay_days"]
              for b in (300, 350, 450, 600)]
    # Once staff cover the work, more of it only reorders events (who is called to the counter, who takes which
    # file): allow 1e-3 working days (about 30 seconds) between neighbouring budgets.
    assert all(b <= a + 1e-3 for a, b in zip(delays, delays[1:])), delays
    assert delays[-1] < delays[0]


def test_designs_see_the_same_citizens():
    """Common random numbers: designs that differ only in quota get identical demand."""
    a = run_scenario(small_cfg("quota=uniform"), keep_model=True)
    b = run_scenario(small_cfg("quota=area_grouped", "quota.floor_per_commune=10"), keep_model=True)
    da, db = (requests_table(r.model).to_pandas() for r in (a, b))
    da, db = (d[d["kind"] == "dossier"] for d in (da, db))
    assert len(da) == len(db)
    assert (da["type"].to_numpy() == db["type"].to_numpy()).all()
    assert (da["arrival_day"].to_numpy() == db["arrival_day"].to_numpy()).all()
