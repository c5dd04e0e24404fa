"""The optimisation end to end: problem -> analytic optimum -> rule -> simulation stage -> evaluation -> files."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from sim.config import FIELDS, Config
from sim.optimise import analytic
from sim.optimise.desks import build_problem, full_world
from sim.optimise.outputs import Result, write_all
from sim.optimise.report import budget_markdown
from sim.optimise.rule import fit_groups, fit_linear, gain_kept
from sim.optimise.search import Evaluator, search


def default_out(cfg: Config) -> Path:
    o = cfg.optimise
    if o.out_dir:
        return Path(o.out_dir)
    tail = f"budget{o.target_on_time:g}" if o.target_on_time > 0 else o.objective
    return Path("results") / "optimise" / f"{cfg.tier.name}-{tail}"


def fit_rules(p, objective: str, optimum_totals: np.ndarray, cv, su: float, so: float, max_groups: int):
    t_max = int(optimum_totals.max() * 1.5) + 10
    cc = analytic.commune_curves(p, cv, t_max)
    minimax = objective in analytic.MINIMAX
    rules = [fit_linear(p, optimum_totals)] + [fit_groups(p, optimum_totals, k, cc, minimax)
                                               for k in range(3, max(3, max_groups) + 1)]
    rows = []
    for rule in rules:
        x = analytic.split_fields(p, rule.totals, objective, cv)
        sc = analytic.score(p, objective, x, cv)
        rows.append({"kind": rule.kind, "text": rule.text, "params": rule.params, "score": sc,
                     "gain_kept": gain_kept(su, so, sc), "_casework": x})
    best = min(rows, key=lambda r: (r["score"], r["kind"] != "groups"))
    return rows, best


def _bar(total: int, objective: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"optimise {objective}", unit="run", dynamic_ncols=True)


def optimise_quota(cfg: Config, out: Path, echo=print) -> Result:
    o = cfg.optimise
    t0 = time.perf_counter()
    uniform_world = full_world(cfg, "uniform")
    p = build_problem(cfg, uniform_world)
    grouped = full_world(cfg, "area_grouped").quota_table
    cv = analytic.curves(p, o.objective)
    x_opt = analytic.optimise(p, o.objective, cv)
    casework = {"uniform": p.uniform, "area_grouped": grouped[list(FIELDS)].to_numpy(dtype=int), "optimum": x_opt}
    non_casework = {"uniform": uniform_world.quota_table["non_casework"].to_numpy(dtype=int),
                    "area_grouped": grouped["non_casework"].to_numpy(dtype=int), "optimum": p.non_casework}
    scores = {k: analytic.score(p, o.objective, v, cv) for k, v in casework.items()}
    seconds = {"analytic": time.perf_counter() - t0}
    echo(f"analytic stage ({seconds['analytic']:.1f} s): {o.objective} uniform {scores['uniform']:.6g}, "
         f"area_grouped {scores['area_grouped']:.6g}, optimum {scores['optimum']:.6g}")

    result = Result(cfg=cfg, problem=p, casework=casework, non_casework=non_casework, analytic=scores,
                    rules=[], rule={}, seconds=seconds)
    runs_dir = out / "sim"
    if o.simulate and o.sim_years > 0:
        t1 = time.perf_counter()
        max_runs = int(np.floor(o.sim_years * 365 / cfg.run.days + 1e-9))
        bar = _bar(max_runs, o.objective)
        ev = Evaluator(cfg, p, runs_dir, bar)
        s = search(cfg, p, x_opt, ev, on_round=lambda v: bar.set_postfix(objective=f"{v:.4g}"))
        bar.close()
        result.search = s
        result.casework["optimum"] = s.casework
        scores["optimum"] = analytic.score(p, o.objective, s.casework, cv)
        seconds["search"] = time.perf_counter() - t1
        echo(f"simulation stage ({seconds['search'] / 60:.1f} min, {s.runs} runs = {s.years:.1f} simulated years): "
             f"{sum(r.accepted for r in s.rounds)} of {len(s.rounds)} moves kept")

    opt_totals = result.totals("optimum")
    rows, best = fit_rules(p, o.objective, opt_totals, cv, scores["uniform"], scores["optimum"], o.rule_groups)
    casework["rule"], non_casework["rule"] = best["_casework"], p.non_casework
    scores["rule"] = best["score"]
    result.rules = [{k: v for k, v in r.items() if k != "_casework"} for r in rows]
    result.rule = {k: v for k, v in best.items() if k != "_casework"}
    echo(f"rule: {best['text']['en']} (keeps {100 * best['gain_kept']:.1f}% of the analytic gain)")

    if o.evaluate and o.eval_seeds:
        t2 = time.perf_counter()
        n_runs = 4 * len(o.eval_seeds)
        bar = _bar(n_runs, "evaluation")
        ev = Evaluator(cfg, p, runs_dir, bar)
        allocations = {f"eval_{k}": (casework[k], non_casework[k]) for k in ("uniform", "area_grouped", "optimum", "rule")}
        runs = ev.evaluate(allocations, list(o.eval_seeds))
        bar.close()
        result.evaluation = {k.removeprefix("eval_"): v for k, v in runs.items()}
        seconds["evaluate"] = time.perf_counter() - t2
    seconds["total"] = time.perf_counter() - t0
    write_all(result, out)
    return result


def minimal_budget(cfg: Config, out: Path, echo=print) -> tuple[int, np.ndarray]:
    o = cfg.optimise
    p = build_problem(cfg)
    cv = analytic.curves(p, "worst_on_time")
    budget, x = analytic.minimal_budget(p, o.target_on_time, cv)
    echo(f"minimal budget for {100 * o.target_on_time:.1f}% on time in every commune (analytic): {budget:,} "
         f"({budget - p.budget:+,} against {p.budget:,})")
    confirm = None
    if o.confirm:
        import pandas as pd

        pb = p.with_budget(budget)
        bar = _bar(len(o.seeds), "confirm")
        ev = Evaluator(cfg_with_budget(cfg, budget), pb, out / "sim", bar)
        outs = ev.evaluate({f"budget{budget}": x}, list(o.seeds))[f"budget{budget}"]
        bar.close()
        confirm = pd.Series({r["seed"]: r["worst_on_time"] for r in outs})
    out.mkdir(parents=True, exist_ok=True)
    from sim.optimise.desks import allocation_frame

    allocation_frame(p, x).to_csv(out / "allocation.csv", index=False)
    text = budget_markdown(p, budget, o.target_on_time, p.uniform, x, confirm)
    (out / "report.md").write_text(f"# Minimal budget: {cfg.tier.name}\n\n{text}\n\nRun it: `govsim quota=from_file "
                                   f"quota.file=<this folder>/allocation.csv quota.budget={budget}`\n", encoding="utf-8")
    return budget, x


def cfg_with_budget(cfg: Config, budget: int) -> Config:
    import dataclasses

    return dataclasses.replace(cfg, quota=dataclasses.replace(cfg.quota, budget=int(budget)))
