"""From a finished model to tidy tables and the run's summary (the run contract, docs/run_contract.md)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json

import numpy as np
import pandas as pd
import pyarrow as pa

from sim.config import FIELDS
from sim.config_policy import policy_label
from sim.ledger import DONE, SIGN
from sim.work import CHANNELS, COMPLAINT, DOSSIER, KINDS, N_FIELDS, TASK
from sim.world import COMMUNE, UNIT_KINDS

OUTCOMES = ("early", "on_time", "late", "open")


def outcome_codes(deadline: np.ndarray, completion_day: np.ndarray) -> np.ndarray:
    """early (handed back before the appointment date), on_time (on it), late (after), open: 0..3."""
    out = np.full(len(deadline), 3, dtype=np.int8)
    done = completion_day >= 0
    out[done & (completion_day < deadline)] = 0
    out[done & (completion_day == deadline)] = 1
    out[done & (completion_day > deadline)] = 2
    return out


def completion_days(model) -> np.ndarray:
    """The working day each request left the offices: a dossier's hand-back, a complaint's or task's
    end; -1 while open."""
    return model.ledger.view("return_day").astype(np.int32)


def clock_days(model, t: np.ndarray) -> np.ndarray:
    """Working day of clock times (an instant at closing belongs to that day); -1 for NaN."""
    day = np.full(len(t), -1, dtype=np.int32)
    ok = ~np.isnan(t)
    day[ok] = np.maximum(np.ceil(t[ok] / model.workday_hours - 1e-9).astype(np.int32) - 1, 0)
    return day


def requests_table(model) -> pa.Table:
    """One row per request: the simulated sample (not scaled).

    Text columns are dictionary-encoded (pandas categoricals): a full-scale year has ~3,7 M rows.
    """
    led, world, cal = model.ledger, model.world, model.calendar
    cat = world.catalogue
    kind = led.view("kind")
    rtype = led.view("rtype").astype(np.int32)
    # One label list for all types: dossier procedures, complaint types (+ delay_complaint), task types.
    offsets = {DOSSIER: 0, COMPLAINT: len(cat.proc_names), TASK: len(cat.proc_names) + len(cat.complaint_names) + 1}
    labels = list(cat.proc_names) + list(cat.complaint_names) + ["delay_complaint"] + list(cat.task_names)
    type_code = np.empty(len(kind), dtype=np.int32)
    for k, offset in offsets.items():
        sel = kind == k
        code = rtype[sel]
        if k == COMPLAINT:
            code = np.where(code < 0, len(cat.complaint_names), code)  # -1: a complaint about a late dossier
        type_code[sel] = offset + code
    codes = list(world.unit_code)
    final = led.leg_unit[np.arange(led.n), led.view("leg")]
    # A request that never moved has a one-unit path: its first unit's code.
    path_code = led.leg_unit[: led.n, 0].astype(np.int64)
    moved = {}
    for rid, units in led.paths.items():
        path_code[rid] = len(codes) + moved.setdefault(">".join(codes[u] for u in units), len(moved))
    cday = completion_days(model)
    rday = clock_days(model, led.view("ready_t"))
    deadline = led.view("deadline_day")
    delay = (led.view("ready_t") - led.view("arrival_t")) / model.workday_hours
    signoff_wait = np.where(led.view("flags") & SIGN, led.view("ready_t") - led.view("completion_t"), np.nan)

    def categorical(values, categories):
        return pd.Categorical.from_codes(values, categories=categories)

    table = pd.DataFrame({
        "request_id": np.arange(led.n, dtype=np.int64),
        "kind": categorical(kind, KINDS),
        "type": categorical(type_code, labels),
        "field": categorical(led.view("field"), FIELDS),
        "channel": categorical(led.view("channel"), CHANNELS),
        "origin_unit": categorical(led.view("origin"), codes),
        "final_unit": categorical(final, codes),
        "unit_path": categorical(path_code, codes + list(moved)),
        "arrival_day": led.view("arrival_day"),
        "deadline_day": deadline,
        "completion_day": pd.arrays.IntegerArray(np.maximum(cday, 0).astype(np.int32), mask=cday < 0),
        "arrival_date": cal.to_dates(led.view("arrival_day")),
        "deadline_date": cal.to_dates(deadline),
        "completion_date": cal.to_dates(cday),
        "ready_hours": led.view("ready_t"),
        "ready_day": pd.arrays.IntegerArray(np.maximum(rday, 0), mask=rday < 0),
        "ready_date": cal.to_dates(rday),
        "supplements": led.view("supplements"),
        "supplement_days": np.where(led.view("supplements") > 0, led.view("supplement_days"), 0).astype(np.int16),
        "signoff_wait_hours": signoff_wait,
        "delay_days": delay,
        "outcome": categorical(outcome_codes(deadline, cday), OUTCOMES),
        "consultations": led.view("consultations"),
        "escalations": led.view("escalations"),
    })
    return as_dates(pa.Table.from_pandas(table, preserve_index=False),
                    ("arrival_date", "deadline_date", "completion_date", "ready_date"))


def as_dates(table: pa.Table, columns) -> pa.Table:
    """Calendar-day columns as date32, as the run contract says (pandas hands them over as timestamps)."""
    for name in columns:
        table = table.set_column(table.schema.get_field_index(name), name, table.column(name).cast(pa.date32()))
    return table


def unit_daily_table(model) -> pd.DataFrame:
    """Per unit x field x working day: arrivals, completions, backlog, overdue backlog, utilisation."""
    led, world, cal = model.ledger, model.world, model.calendar
    n_days, n_desks = led.day_arrivals.shape
    desk = np.tile(np.arange(n_desks), n_days)
    unit = desk // N_FIELDS
    busy, available = led.day_busy.ravel(), led.day_available.ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        util = np.where(available > 0, busy / available, np.nan)
    reform = model.reform
    officers = np.tile(world.staff.ravel(), n_days) if reform is None else reform.officers_by_day(n_days).ravel()
    table = pd.DataFrame({
        "date": np.repeat(cal.dates64[:n_days], n_desks),
        "day": np.repeat(np.arange(n_days, dtype=np.int32), n_desks),
        "unit": np.array(world.unit_code, dtype=object)[unit],
        "unit_name": np.array(world.unit_name, dtype=object)[unit],
        "unit_kind": np.array(UNIT_KINDS, dtype=object)[world.unit_kind[unit]],
        "field": np.array(FIELDS, dtype=object)[desk % N_FIELDS],
        "officers": officers.astype(np.int32),
        "arrivals": led.day_arrivals.ravel(),
        "completions": led.day_left.ravel(),
        "backlog": led.day_backlog.ravel(),
        "overdue_backlog": led.day_overdue.ravel(),
        "open_within_deadline": led.day_open_within.ravel(),
        "open_overdue": led.day_open_overdue.ravel(),
        "counter_officers": led.day_counter.ravel().astype(np.int32),
        "surge_officers": led.day_surge.ravel().astype(np.int32),
        "busy_hours": busy,
        "available_hours": available,
        "utilisation": util,
    })
    if reform is None:
        return table
    # One timeline: each unit has rows only while its design is in force.
    in_force = np.repeat(reform.unit_in_force(n_days), N_FIELDS, axis=1).ravel()
    return table[in_force].reset_index(drop=True)


def summary(model, config_hash: str) -> dict:
    """The run's headline figures. Counts are at full scale (simulated / scale)."""
    led, world, cfg = model.ledger, model.world, model.cfg
    s = cfg.run.scale
    kind = led.view("kind")
    status = led.view("status")
    cday = completion_days(model)
    deadline = led.view("deadline_day")
    outcome = outcome_codes(deadline, cday)
    dossier = kind == DOSSIER
    resolved = dossier & (status == DONE)
    n_resolved = int(resolved.sum())
    ready_t = led.view("ready_t")
    delay = (ready_t - led.view("arrival_t"))[resolved] / model.workday_hours
    to_return = (cday - clock_days(model, ready_t))[resolved]
    open_dossiers = dossier & (status != DONE)
    last_day = model.calendar.n_days - 1
    overdue = open_dossiers & (deadline <= last_day)
    signed = dossier & ((led.view("flags") & SIGN) > 0) & ~np.isnan(ready_t)
    supplements = led.view("supplements")
    commune_desks = np.flatnonzero(np.repeat(world.unit_kind == COMMUNE, N_FIELDS))
    commune_backlog = led.day_backlog[-1].reshape(-1, N_FIELDS).sum(axis=1)[world.unit_kind == COMMUNE]
    busy, available = led.day_busy.sum(axis=0), led.day_available.sum(axis=0)
    per_unit_busy = busy.reshape(-1, N_FIELDS).sum(axis=1)
    per_unit_avail = available.reshape(-1, N_FIELDS).sum(axis=1)
    commune_util = per_unit_busy[world.unit_kind == COMMUNE] / np.maximum(per_unit_avail[world.unit_kind == COMMUNE], 1e-9)
    complaints = kind == COMPLAINT
    tasks = kind == TASK

    def share(code: int) -> float:
        return float((outcome[resolved] == code).sum() / n_resolved) if n_resolved else 0.0

    def full(x) -> float:
        return round(float(x) / s, 1)

    out = {
        "tier": cfg.tier.name, "quota": cfg.quota.name, "design": f"{cfg.tier.name}/{cfg.quota.name}",
        "policy": policy_label(cfg),  # the policy levers in effect (conf/policy/), 'none' for today's practice
        "seed": cfg.run.seed, "scale": s, "days": cfg.run.days, "start_date": str(cfg.run.start_date),
        "config_hash": config_hash, "reported_at_full_scale": True,
        "dossiers_received": full(dossier.sum()),
        "dossiers_resolved": full(n_resolved),
        "resolved_early_share": share(0),
        "resolved_on_time_share": share(1),
        "resolved_late_share": share(2),
        "on_time_rate": share(0) + share(1),
        "backlog_end": full(open_dossiers.sum()),
        "backlog_end_overdue_share": float(overdue.sum() / max(open_dossiers.sum(), 1)),
        "open_within_deadline": full((open_dossiers & ~overdue).sum()),
        "open_overdue": full(overdue.sum()),
        "mean_delay_days": float(delay.mean()) if n_resolved else 0.0,
        "p90_delay_days": float(np.quantile(delay, 0.9)) if n_resolved else 0.0,
        "mean_ready_to_return_days": float(to_return.mean()) if n_resolved else 0.0,
        "incomplete_returned": full((supplements[dossier] > 0).sum()),
        "supplement_days_mean": float(led.view("supplement_days")[dossier & (supplements > 0)].mean())
        if (dossier & (supplements > 0)).any() else 0.0,
        "signoff_wait_mean_hours": float((ready_t - led.view("completion_t"))[signed].mean()) if signed.any() else 0.0,
        "signed_by_leaders": full(signed.sum()),
        "counter_officer_days": full(led.day_counter.sum()),
        "surge_officer_days": full(led.day_surge.sum()),
        "counter_shortfall_hours": full(model.counter_shortfall),
        "complaints_received": full(complaints.sum()),
        "complaints_resolved": full((complaints & (status == DONE)).sum()),
        "complaints_escalated": full((complaints & (led.view("escalations") > 0)).sum()),
        "tasks_received": full(tasks.sum()),
        "tasks_resolved": full((tasks & (status == DONE)).sum()),
        "max_commune_backlog": full(commune_backlog.max()) if len(commune_backlog) else 0.0,
        "max_commune_backlog_unit": world.unit_code[int(np.flatnonzero(world.unit_kind == COMMUNE)[np.argmax(commune_backlog)])]
        if len(commune_backlog) else "",
        "officer_utilisation_mean": float(busy.sum() / max(available.sum(), 1e-9)),
        "commune_utilisation_mean": float(busy[commune_desks].sum() / max(available[commune_desks].sum(), 1e-9)),
        "commune_utilisation_max": float(commune_util.max()) if len(commune_util) else 0.0,
        "online_share": float((led.view("channel")[dossier] == 1).mean()) if dossier.any() else 0.0,
        "consultations": full(led.view("consultations").sum()),
        "served_by_neighbour": full(model.policy.moved),  # policy location_independent
    }
    out.update(period_figures(model, resolved & dossier, outcome, cday))
    return {k: (round(v, 6) if isinstance(v, float) else v) for k, v in out.items()}


CALENDAR_2025 = (dt.date(2025, 1, 1), dt.date(2026, 1, 1))


def period_figures(model, resolved: np.ndarray, outcome: np.ndarray, cday: np.ndarray) -> dict:
    """On-time rates of the periods a run covers: before and after the reform's switch (a run holding it),
    and calendar 2025 (a run from 1/1/2025 through 31/12/2025). A dossier counts in the period of its
    hand-back day; on time means on time or early."""
    cal, s, out = model.calendar, model.cfg.run.scale, {}

    def rate(sel: np.ndarray) -> float:
        return float((outcome[sel] <= 1).mean()) if sel.any() else 0.0

    reform = model.reform
    if reform is not None:
        before = resolved & (cday < reform.switch_day)
        out.update({"timeline": model.cfg.timeline.name, "design": f"{model.cfg.timeline.name}/{model.cfg.quota.name}",
                    "tier": f"{model.cfg.tier.name}>{model.cfg.reform.after.name}",
                    "reform_date": str(cal.dates[reform.switch_day]),
                    "before_reform_on_time_rate": rate(before), "after_reform_on_time_rate": rate(resolved & ~before),
                    "dossiers_resolved_before_reform": round(before.sum() / s, 1),
                    "dossiers_resolved_after_reform": round((resolved & ~before).sum() / s, 1),
                    "files_carried_over": round(reform.carried_over["all"] / s, 1),
                    "dossiers_carried_over": round(reform.carried_over[DOSSIER] / s, 1),
                    "added_officers": round(reform.posts_arrived / s, 1)})
    first, end = (cal.day_on_or_after(d) for d in CALENDAR_2025)
    if cal.start <= CALENDAR_2025[0] and first < cal.n_days and end <= cal.n_days:
        out["calendar_2025_on_time_rate"] = rate(resolved & (cday >= first) & (cday < end))
    return out


def config_hash(resolved_yaml: str) -> str:
    return hashlib.sha256(resolved_yaml.encode()).hexdigest()[:16]


def to_json(summary_dict: dict) -> str:
    return json.dumps(summary_dict, indent=2, sort_keys=False) + "\n"
