"""Validate the calibrated defaults against the calibration targets of docs/sources.md, with several seeds.

    python experiments/validate.py [--seeds K] [--scale S] [--subset K] [--jobs J] [--with-sensitivity]
                                   [--reform-seeds K | --no-reform]

Writes results/validation/validation.md (and .json): one row per target (source tag, reported value, model
mean, 95% t-interval over seeds, the tolerance stated below, inside yes/no), the queueing-theory check
(M/M/c against Erlang C), conservation of requests (received = resolved + open, per unit and in total), and,
if results/sensitivity/sensitivity.json exists (or --with-sensitivity), the sensitivity ranking and chart.

Default runs: the two-tier default (uniform quota) at run.scale=1.0 on the whole city (--subset 1), one run per
seed; pilot-ward complaints from the three-tier default at scale 1.0 on four whole urban districts (54 wards).
With --scale < 1 the whole city runs at that scale (see experiments/common.py on why that distorts staffing).
Across the switch: the calendar-2025 on-time rate [R26 L309] from runs that hold the reform
(timeline=reform_2025, 365 days from 2025-01-01, whole city, run.scale as above), reported with its January-June
(three tiers) and July-December (two tiers) halves and the July-August commune figure [N25] of the same runs.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# ------------------------------------------------------------------------------------------------------------
# Tolerances, stated before the validation runs: ("abs", x) = model within target +- x; ("rel", x) = within
# target x (1 +- x). Rates get absolute tolerances in percentage points, counts relative ones.
# - volumes: +-3% (a year's Poisson noise is < 0.1%; the rest allows for calendar-2025 vs Jul-Jun mismatch)
# - online share: +-1.5 pp (cohorts' online propensity is random around the sourced share)
# - Jul-Aug commune volume: +-5% ("over 523,000" is a lower bound; the commune share of dossiers is assumed)
# - on-time rates: +-1.5 pp (the sources give one decimal, the model's seed-to-seed spread is ~0.3 pp)
# - complaint letters: +-10% (the 11-month window is approximate: "01/7/2025-5/2026")
# - pilot-ward complaints: +-15% (the source's own 2021-2022 range is 10,3-13,4 per ward)
TOLERANCES: dict[str, tuple[str, float]] = {
    "dossiers_received": ("rel", 0.03),
    "online_share": ("abs", 0.015),
    "julaug_commune_dossiers": ("rel", 0.05),
    "julaug_on_time": ("abs", 0.015),
    "on_time_2025": ("abs", 0.015),
    "complaints_11m": ("rel", 0.10),
    "pilot_ward_complaints": ("rel", 0.15),
}

# The reduced validation that CI runs (tests/test_validation.py): the two-tier default at run.scale=1.0 on a
# 1-in-REDUCED_SUBSET stratified subset of communes (6-7 communes, ~5% of the city), REDUCED_DAYS days,
# REDUCED_SEEDS seeds (seed s uses subset offset s). The mean over seeds must lie within these wider
# tolerances. A 1-in-20 subset is a noisy sample of the city: offsets 0-5 each hold one of the six largest
# (overloaded) communes and read 1-4 pp below the whole city's on-time rates, offsets 6-19 hold none and read
# 1-3 pp above (measured at the calibrated defaults: 2025 on-time 91.5-94.7% and 95.0-98.9%; whole city 95.9%).
# Seeds 2 and 8 pair one of each; their means were within 0.3 pp of the whole-city validation. On-time rates get
# +-2 pp: first set at +-3 pp, tightened because casework hours 12% below the calibrated value (3.2 h) still
# passed at +-3 pp and fail at +-2 pp (the defaults keep a margin of 1.6 pp).
REDUCED_SUBSET = 20
REDUCED_DAYS = 335          # 1/7/2025 - 31/5/2026: every two-tier window (Jul-Aug, 2025, 11 months)
REDUCED_SEEDS = (2, 8)
REDUCED_TOLERANCES: dict[str, tuple[str, float]] = {
    "dossiers_received": ("rel", 0.06),
    "online_share": ("abs", 0.03),
    "julaug_commune_dossiers": ("rel", 0.08),
    "julaug_on_time": ("abs", 0.02),
    "complaints_11m": ("rel", 0.20),
}
# Targets the calibrated model is known not to reach (reported, not enforced in CI): see calibration.md.
KNOWN_MISSES = ("pilot_ward_complaints",)
# ------------------------------------------------------------------------------------------------------------

from experiments.common import (PILOT_DISTRICTS, RESULTS, TARGETS, be_nice, configure,  # noqa: E402
                                district_communes, fmt, measure, pool_map, rank_subset, release, simulate,
                                t_ci)


def bounds(key: str, tolerances=TOLERANCES) -> tuple[float, float]:
    kind, tol = tolerances[key]
    t = TARGETS[key].value
    return (t - tol, t + tol) if kind == "abs" else (t * (1 - tol), t * (1 + tol))


def inside(key: str, value: float, tolerances=TOLERANCES) -> bool:
    lo, hi = bounds(key, tolerances)
    return bool(value == value and lo <= value <= hi)


def tol_text(key: str, tolerances=TOLERANCES) -> str:
    kind, tol = tolerances[key]
    if kind == "abs":
        return f"+-{100 * tol:.1f} pp"
    return f"+-{100 * tol:.0f}%"


# ------------------------------------------------------------ runs
def two_tier_run(job: dict) -> dict:
    """One two-tier default run; also its conservation check when asked."""
    be_nice()
    communes = rank_subset(job["subset"], job["seed"]) if job["subset"] > 1 else None
    ov = [f"run.seed={job['seed']}", f"run.scale={job['scale']}", f"run.days={job['days']}"] + job.get("overrides", [])
    cfg = configure(ov, communes=communes)
    summary, model, wall = simulate(cfg)
    out = {"seed": job["seed"], "wall": wall, "measures": measure(model, summary), "summary": summary}
    if job.get("conservation"):
        out["conservation"] = conservation(model)
    release(model)
    return out


def three_tier_run(job: dict) -> dict:
    be_nice()
    ov = ["tier=three_tier", f"run.seed={job['seed']}", f"run.scale={job['scale']}", f"run.days={job['days']}"]
    cfg = configure(ov, communes=district_communes(PILOT_DISTRICTS) if job["scale"] >= 1 else None)
    summary, model, wall = simulate(cfg)
    out = {"seed": job["seed"], "wall": wall, "measures": measure(model, summary)}
    release(model)
    return out


def reform_run(job: dict) -> dict:
    """A run that holds the reform: three tiers from 1/1/2025, two from 1/7/2025, 365 days."""
    be_nice()
    ov = ["timeline=reform_2025", f"run.seed={job['seed']}", f"run.scale={job['scale']}", "run.days=365"]
    summary, model, wall = simulate(configure(ov))
    out = {"seed": job["seed"], "wall": wall, "measures": measure(model, summary),
           "summary": {k: summary.get(k) for k in REFORM_KEYS}}
    release(model)
    return out


REFORM_KEYS = ("calendar_2025_on_time_rate", "before_reform_on_time_rate", "after_reform_on_time_rate",
               "files_carried_over", "dossiers_carried_over", "added_officers", "on_time_rate", "backlog_end")


def conservation(model) -> dict:
    """received = resolved + open, per unit (requests by the unit where filed; desk flows) and in total."""
    import numpy as np

    from sim.ledger import DONE
    from sim.work import N_FIELDS

    led, world = model.ledger, model.world
    status, origin, kind = led.view("status"), led.view("origin"), led.view("kind")
    n_units = world.n_units
    received = np.bincount(origin, minlength=n_units)
    resolved = np.bincount(origin[status == DONE], minlength=n_units)
    open_ = np.bincount(origin[status != DONE], minlength=n_units)
    by_origin_ok = bool(np.all(received == resolved + open_))
    # Desk flows: everything that entered a unit's desks either left them or is still there at the end.
    arrivals = led.day_arrivals.sum(axis=0).reshape(-1, N_FIELDS).sum(axis=1)
    left = led.day_left.sum(axis=0).reshape(-1, N_FIELDS).sum(axis=1)
    backlog = led.day_backlog[-1].reshape(-1, N_FIELDS).sum(axis=1)
    desk_gap = arrivals - left - backlog
    in_transit = int((status == 2).sum())
    from sim.ledger import READY, SIGNING, WAITING, WITH_CITIZEN
    away = {name: int((status == code).sum()) for name, code in
            (("with_citizen", WITH_CITIZEN), ("waiting", WAITING), ("signing", SIGNING), ("ready", READY))}
    per_kind = {}
    for k, name in enumerate(("dossier", "complaint", "task")):
        sel = kind == k
        per_kind[name] = {"received": int(sel.sum()), "resolved": int((sel & (status == DONE)).sum()),
                          "open": int((sel & (status != DONE)).sum())}
    return {
        "requests": int(led.n), "resolved": int((status == DONE).sum()), "open": int((status != DONE).sum()),
        "in_transit_at_end": in_transit, "ledger_in_transit_counter": int(led.in_transit),
        "units": int(n_units), "units_balanced_by_origin": int((received == resolved + open_).sum()),
        "by_origin_ok": by_origin_ok,
        "desk_units_balanced": int((desk_gap == 0).sum()), "desk_max_abs_gap": int(np.abs(desk_gap).max()),
        # ledger.load now: the last day's snapshot (day_backlog) is taken before that day's escalations move
        # complaints off their desks, so it can count an escalated complaint both at a desk and in transit.
        "open_at_desks": int(sum(led.load)), "open_at_desks_last_snapshot": int(backlog.sum()), "per_kind": per_kind,
        "open_away": sum(away.values()), "open_away_by_status": away,
        "away_counters_ok": all(led.away[code] == away[name] for name, code in
                                (("with_citizen", WITH_CITIZEN), ("waiting", WAITING), ("signing", SIGNING),
                                 ("ready", READY))),
    }


# ------------------------------------------------------------ queueing-theory check
def erlang_c(lam: float, mu: float, c: int) -> tuple[float, float]:
    """(P(wait), mean wait Wq) of an M/M/c queue with arrival rate lam, service rate mu per server."""
    a = lam / mu
    rho = a / c
    if rho >= 1:
        return 1.0, math.inf
    term = 1.0
    total = 1.0
    for k in range(1, c):
        term *= a / k
        total += term
    last = term * a / c / (1 - rho)  # a^c / c! / (1 - rho)
    pw = last / (total + last)
    return pw, pw / (c * mu - lam)


MMC_COMMUNE = "00004"  # Ba Dinh ward; its justice desk has 12 casework officers under the uniform quota


def mmc_overrides(rho: float, c: int, seed: int, days: int, daily: float, workday: float = 8.0,
                  casework: float = 8.0) -> tuple[list[str], float, float]:
    """Overrides for an M/M/c desk: one commune, one field, one procedure, exponential effort, none of absences,
    holidays, cross-field help, consultations, complaints, top-down tasks or night-time batches."""
    lam = daily / workday                 # arrivals per clock hour (Poisson within the working day)
    mu = lam / (rho * c)                  # services per clock hour per officer
    effort = casework / workday / mu      # officer hours (clock_factor = workday / casework)
    proc = ("{name: mmc, field: justice_civil_status, function: justice, weight: 1, "
            "tier: {three_tier: commune, two_tier: commune}, deadline_days: 5, effort_hours: %r}" % effort)
    ov = [f"run.seed={seed}", f"run.days={days}", "run.scale=1.0", f"run.communes=[{MMC_COMMUNE}]",
          "officer.absence_rate=0.0", "officer.cross_field=false", "officer.effort_cv=1.0",
          f"officer.workday_hours={workday}", f"officer.casework_hours_per_day={casework}",
          "calendar.holidays=[]", "calendar.arrival_resolution_minutes=0", "demand.online_after_hours_share=0.0",
          "demand.seasonality=[1,1,1,1,1,1,1,1,1,1,1,1]", "complaints.letters_per_year=0",
          "citizen.late_complaint_prob=0.0", "catalogue.tasks=[]", f"catalogue.procedures=[{proc}]",
          # the specialist's desk alone: no desk check, supplementation, sign-off or wait for a hand-back date
          "catalogue.desk_check_hours=0", "demand.incomplete_share=0", "leaders.sign_off=false",
          "handback.early_share_online=1", "handback.early_share_in_person=1",
          "officer.surge_hours_per_day=0"]  # a constant service rate: nobody works longer when files are overdue
    return ov, lam, mu


def mmc_run(job: dict) -> dict:
    """Simulated mean wait (ledger start_t - arrival_t, after a warm-up) against Erlang C."""
    import numpy as np

    from sim.world import build_world

    be_nice()
    probe = configure(mmc_overrides(0.8, 1, 0, 10, 1.0)[0])
    world = build_world(probe)
    c = int(world.staff[0, 1])                          # justice_civil_status officers at the commune
    share = float(world.cohort_demand.sum())            # the commune's dossiers per year at full scale
    from sim.calendar import WorkingCalendar
    cal = WorkingCalendar(probe.run.start_date, 365, [], 8.0)
    wd_year = sum(1 for d in cal.dates if (d - cal.start).days < 365)
    ov, lam, mu = mmc_overrides(job["rho"], c, job["seed"], job["days"], share / wd_year)
    cfg = configure(ov)
    summary, model, wall = simulate(cfg)
    led = model.ledger
    arr, start = led.view("arrival_t"), led.view("start_t")
    keep = (led.view("arrival_day") >= job["warmup"]) & ~np.isnan(start)
    waits = start[keep] - arr[keep]
    release(model)
    pw, wq = erlang_c(lam, mu, c)
    # Batch means over 10 consecutive blocks of arrivals: a CI that allows for autocorrelation.
    blocks = np.array_split(waits, 10)
    bm = np.array([b.mean() for b in blocks])
    return {"seed": job["seed"], "rho": job["rho"], "c": c, "lam_per_hour": lam, "mu_per_hour": mu,
            "n": int(keep.sum()), "sim_wq_hours": float(waits.mean()), "sim_pwait": float((waits > 1e-9).mean()),
            "erlang_wq_hours": wq, "erlang_pwait": pw, "batch_means": bm.tolist(), "wall": wall,
            "utilisation": float(summary["commune_utilisation_mean"])}


# ------------------------------------------------------------ report
def target_rows(runs: list[dict], three: list[dict], reform: list[dict] | None = None) -> list[dict]:
    rows = []
    sources = {"two_tier": runs, "three_tier": three, "reform_2025": reform or None}
    for key, t in TARGETS.items():
        source = sources.get(t.design)
        row = {"key": key, "label": t.label, "tag": t.tag, "reported": t.value, "tolerance": tol_text(key),
               "bounds": bounds(key), "note": t.note}
        if source is None:  # a period no run here covers: reported, not measured
            rows.append({**row, "model_mean": math.nan, "ci_low": math.nan, "ci_high": math.nan, "n_seeds": 0,
                         "inside": None})
            continue
        vals = [r["measures"].get(key, math.nan) for r in source]
        m, lo, hi = t_ci(vals)
        rows.append({**row, "model_mean": m, "ci_low": lo, "ci_high": hi,
                     "n_seeds": len([v for v in vals if v == v]), "inside": inside(key, m)})
    return rows


def write_report(out: Path, args, rows, runs, three, mmc, cons, elapsed: float, reform=None) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sens = RESULTS / "sensitivity" / "sensitivity.json"
    sens_data = json.loads(sens.read_text()) if sens.is_file() else None
    calib = RESULTS / "calibration" / "calibration.json"
    calib_data = json.loads(calib.read_text()) if calib.is_file() else None
    L = []
    L.append("# Validation of the calibrated defaults\n")
    mode = ("whole city" if args.subset <= 1 else f"1-in-{args.subset} stratified commune subset (seed s: offset s)")
    L.append(f"Two-tier default (uniform quota), run.scale={args.scale}, {mode}, {args.days} days from 2025-07-01, "
             f"seeds {', '.join(str(r['seed']) for r in runs)}. Pilot-ward complaints: three-tier default, "
             f"run.scale={args.scale}, " + ("whole urban districts " + ", ".join(PILOT_DISTRICTS) +
                                             " (54 wards)" if args.scale >= 1 else "whole city") +
             f", {args.days} days, same seeds. Wall time {elapsed / 60:.1f} min.\n")
    if calib_data:
        fv = calib_data["fitted"]
        L.append("Calibrated values in force: " + ", ".join(f"`{k}` = {v['value']}" for k, v in fv.items()) + ".\n")
    L.append("Tolerances were fixed in `experiments/validate.py` (`TOLERANCES`) before these runs. "
             "Model counts are at full scale. 95% CI: t over seeds.\n")
    L.append("| target | source | reported | model mean | 95% CI | tolerance | inside |")
    L.append("|---|---|---:|---:|---|---|---|")
    for r in rows:
        pct = r["key"] in ("online_share", "julaug_on_time", "on_time_2025")
        f = (lambda x: fmt(x, "pct")) if pct else fmt
        L.append(f"| {r['label']} | [{r['tag']}] | {f(r['reported'])} | {f(r['model_mean'])} | "
                 f"{f(r['ci_low'])} - {f(r['ci_high'])} | {r['tolerance']} | "
                 f"{'not measured' if r['inside'] is None else 'yes' if r['inside'] else '**no**'} |")
    L.append("")
    L.append("How each model value is measured:\n")
    for r in rows:
        L.append(f"- **{r['label']}**: {r['note']}.")
    L.append("")
    misses = [r for r in rows if r["inside"] is False]
    if misses:
        L.append("Out of tolerance: " + "; ".join(r["label"] for r in misses) + ". See calibration.md for why.\n")
    other = ["on_time_rate", "mean_delay_days", "p90_delay_days", "complaints_received", "delay_complaints",
             "complaints_escalated", "backlog_end", "max_commune_backlog", "commune_utilisation_mean",
             "commune_utilisation_max"]
    L.append("Other two-tier outputs (mean [95% CI] over seeds; not targets):\n")
    for k in other:
        m, lo, hi = t_ci([r["measures"].get(k, math.nan) for r in runs])
        pct = k.endswith(("_rate", "_mean", "_max")) and "backlog" not in k
        f = (lambda x: fmt(x, "pct")) if pct else fmt
        L.append(f"- `{k}`: {f(m)} [{f(lo)} - {f(hi)}]")
    L.append("")

    if reform:
        L.append(reform_section(reform))

    # Queueing theory
    L.append("## Queueing-theory check: an M/M/c desk against Erlang C\n")
    L.append(f"One commune ({MMC_COMMUNE}), one field (justice and civil status), one procedure with exponential "
             "effort (effort_cv = 1), the whole working day for casework, no absences, holidays, cross-field help, "
             "consultations, complaints, top-down tasks or night-time online batches; arrivals at exact times "
             "(arrival_resolution_minutes = 0). SimPy's clock counts working hours, so arrivals are Poisson in "
             "that clock. Effort is set so that the offered load is rho. Simulated wait = ledger `start_t - arrival_t` "
             f"for arrivals after a {mmc[0]['warmup'] if mmc else 0}-day warm-up; CI from 10 batch means per run, "
             "pooled over seeds.\n")
    L.append("| rho | c | lambda (/h) | mu (/h) | arrivals | Erlang C P(wait) | sim P(wait) | Erlang C Wq (h) "
             "| sim Wq (h) [95% CI] | inside CI |")
    L.append("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
    by_rho: dict[float, list] = {}
    for m in mmc:
        by_rho.setdefault(m["rho"], []).append(m)
    for rho, ms in sorted(by_rho.items()):
        bm = [b for m in ms for b in m["batch_means"]]
        mean, lo, hi = t_ci(bm)
        wq = ms[0]["erlang_wq_hours"]
        L.append(f"| {rho:.2f} | {ms[0]['c']} | {ms[0]['lam_per_hour']:.3f} | {ms[0]['mu_per_hour']:.4f} | "
                 f"{sum(m['n'] for m in ms):,} | {ms[0]['erlang_pwait']:.3f} | "
                 f"{sum(m['sim_pwait'] * m['n'] for m in ms) / sum(m['n'] for m in ms):.3f} | {wq:.3f} | "
                 f"{mean:.3f} [{lo:.3f} - {hi:.3f}] | {'yes' if lo <= wq <= hi else '**no**'} |")
    L.append("")

    # Conservation
    L.append("## Conservation: received = resolved + open\n")
    if cons:
        c = cons
        L.append(f"On the seed-{runs[0]['seed']} run: {c['requests']:,} requests = {c['resolved']:,} resolved + "
                 f"{c['open']:,} open (of which {c['open_at_desks']:,} at desks and {c['in_transit_at_end']:,} in "
                 f"transit between tiers; the ledger's own transit counter says {c['ledger_in_transit_counter']:,}).\n")
        L.append("| kind | received | resolved | open | balanced |")
        L.append("|---|---:|---:|---:|---|")
        for k, v in c["per_kind"].items():
            L.append(f"| {k} | {v['received']:,} | {v['resolved']:,} | {v['open']:,} | "
                     f"{'yes' if v['received'] == v['resolved'] + v['open'] else '**no**'} |")
        L.append("")
        L.append(f"Per unit, by the unit where each request was filed: {c['units_balanced_by_origin']} of "
                 f"{c['units']} units balance. Per unit, desk flows (arrivals - departures - end backlog, summed over "
                 f"fields and days): {c['desk_units_balanced']} of {c['units']} units balance exactly "
                 f"(largest gap {c['desk_max_abs_gap']}).\n")

    if sens_data:
        L.append(sensitivity_section(sens_data))
    (out / "validation.md").write_text("\n".join(L) + "\n")
    (out / "validation.json").write_text(json.dumps(
        {"args": vars(args), "rows": rows, "runs": [{k: v for k, v in r.items() if k != "summary"} for r in runs],
         "three_tier": three, "mmc": mmc, "conservation": cons, "elapsed_seconds": elapsed,
         "reform": reform or []}, indent=1, default=str))


def reform_section(reform: list[dict]) -> str:
    """Calendar 2025 across the switch: the halves and the July-August figure, from the same reform runs."""
    L = ["## Across the switch: calendar 2025 in runs that hold the reform\n",
         f"`timeline=reform_2025`: three tiers from 1/1/2025, two tiers from 1/7/2025, 365 days, seeds "
         f"{', '.join(str(r['seed']) for r in reform)}. Dossiers count in the half of their hand-back day; on time "
         "means on time or early. The halves have no separate target: the source gives calendar 2025 alone "
         "[R26 L309]. The July-August row is measured as in the two-tier runs above (commune-competent dossiers "
         "received 1/7-31/8/2025), here on the reform runs, whose communes start the half with the files carried "
         "over and with staff still learning.\n",
         "| period | model mean | 95% CI | target | tolerance | inside |", "|---|---:|---|---:|---|---|"]
    rows = [("calendar 2025 [R26 L309]", "on_time_2025", "on_time_2025"),
            ("January-June 2025 (three tiers)", "on_time_2025_h1", None),
            ("July-December 2025 (two tiers)", "on_time_2025_h2", None),
            ("July-August 2025, commune dossiers [N25]", "julaug_on_time", "julaug_on_time")]
    for label, key, target in rows:
        m, lo, hi = t_ci([r["measures"].get(key, math.nan) for r in reform])
        pct = lambda x: fmt(x, "pct")  # noqa: E731
        if target:
            ok = "yes" if inside(target, m) else "**no**"
            L.append(f"| {label} | {pct(m)} | {pct(lo)} - {pct(hi)} | {pct(TARGETS[target].value)} | "
                     f"{tol_text(target)} | {ok} |")
        else:
            L.append(f"| {label} | {pct(m)} | {pct(lo)} - {pct(hi)} | - | - | - |")
    carried = t_ci([r["summary"]["files_carried_over"] for r in reform])[0]
    L.append(f"\nOpen files carried over the switch (mean over seeds, full scale): {fmt(carried)}.\n")
    return "\n".join(L)


def sensitivity_section(s: dict) -> str:
    L = ["## Sensitivity of the outputs to the assumptions\n"]
    L.append(s["method_text"] + "\n")
    L.append("![sensitivity](../sensitivity/sensitivity.png)\n")
    L.append(s["table_md"] + "\n")
    if s.get("sobol_md"):
        L.append(s["sobol_md"] + "\n")
    L.append("### What an analyst must state when quoting results\n")
    L.append(s["paragraph"] + "\n")
    return "\n".join(L)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--subset", type=int, default=1, help="1-in-K commune subset at scale 1.0 (1: whole city)")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--mmc-days", type=int, default=365)
    ap.add_argument("--reform-seeds", type=int, default=None, help="runs holding the reform (default: --seeds)")
    ap.add_argument("--no-reform", action="store_true", help="skip the runs that hold the reform")
    ap.add_argument("--reform-only", action="store_true",
                    help="only the runs that hold the reform (rewrites the report's rows from the saved runs)")
    ap.add_argument("--with-sensitivity", action="store_true", help="run experiments/sensitivity.py first")
    ap.add_argument("--out", default=str(RESULTS / "validation"))
    ap.add_argument("--report-only", action="store_true", help="rewrite validation.md from validation.json (no runs)")
    args = ap.parse_args(argv)
    be_nice()
    t0 = time.time()
    if args.report_only:
        saved = json.loads((Path(args.out) / "validation.json").read_text())
        for k, v in saved["args"].items():
            if k not in ("report_only", "out"):
                setattr(args, k, v)
        runs, three, mmc, cons = saved["runs"], saved["three_tier"], saved["mmc"], saved["conservation"]
        reform = saved.get("reform", [])
        write_report(Path(args.out), args, target_rows(runs, three, reform), runs, three, mmc, cons,
                     saved["elapsed_seconds"], reform)
        print(f"rewrote {args.out}/validation.md")
        return 0
    if args.with_sensitivity:
        from experiments import sensitivity
        sensitivity.main(["--jobs", str(args.jobs)])
    subset = args.subset if args.scale >= 1 else 1
    args.subset = subset
    seeds = list(range(args.seeds))
    jobs = [dict(seed=s, scale=args.scale, subset=subset, days=args.days, conservation=(s == 0)) for s in seeds]
    jobs += [dict(kind="three", seed=s, scale=args.scale, days=args.days) for s in seeds]
    jobs += [dict(kind="mmc", seed=s, rho=rho, days=args.mmc_days, warmup=20) for s in range(3) for rho in (0.7, 0.9)]
    n_reform = 0 if args.no_reform else (args.seeds if args.reform_seeds is None else args.reform_seeds)
    reform_jobs = [dict(kind="reform", seed=s, scale=args.scale) for s in range(n_reform)]
    if args.reform_only:  # the other runs come from a saved validation.json, if there is one
        reform = pool_map(_dispatch, reform_jobs, args.jobs)
        out, section = Path(args.out), reform_section(reform)
        out.mkdir(parents=True, exist_ok=True)
        (out / "reform.json").write_text(json.dumps(reform, indent=1, default=str))
        (out / "reform.md").write_text(section + "\n")
        if (out / "validation.json").is_file():
            saved = json.loads((out / "validation.json").read_text())
            runs, three, mmc, cons = saved["runs"], saved["three_tier"], saved["mmc"], saved["conservation"]
            write_report(out, args, target_rows(runs, three, reform), runs, three, mmc, cons,
                         saved["elapsed_seconds"], reform)
        print(section)
        return 0
    jobs = reform_jobs + jobs  # the longest runs first
    # The long whole-city runs first, so that the two workers finish together.
    results = pool_map(_dispatch, jobs, args.jobs)
    runs = [r for j, r in zip(jobs, results) if "kind" not in j]
    three = [r for j, r in zip(jobs, results) if j.get("kind") == "three"]
    reform = [r for j, r in zip(jobs, results) if j.get("kind") == "reform"]
    mmc = [dict(r, warmup=j["warmup"]) for j, r in zip(jobs, results) if j.get("kind") == "mmc"]
    cons = next((r["conservation"] for r in runs if "conservation" in r), None)
    rows = target_rows(runs, three, reform)
    elapsed = time.time() - t0
    write_report(Path(args.out), args, rows, runs, three, mmc, cons, elapsed, reform)
    for r in rows:
        print(f"{r['key']:26s} reported {r['reported']:>12.4g}  model {r['model_mean']:>12.4g} "
              f"[{r['ci_low']:.4g}, {r['ci_high']:.4g}]  {r['tolerance']:>8s}  {'-' if r['inside'] is None else 'ok' if r['inside'] else 'OUT'}")
    print(f"wrote {args.out}/validation.md in {elapsed / 60:.1f} min")
    return 0


def _dispatch(job: dict) -> dict:
    kind = job.get("kind")
    if kind == "three":
        return three_tier_run(job)
    if kind == "mmc":
        return mmc_run(job)
    if kind == "reform":
        return reform_run(job)
    return two_tier_run(job)


if __name__ == "__main__":
    raise SystemExit(main())
