"""report.md: what was optimised, the fitted rule, the comparison with CIs, who gains and who loses."""
from __future__ import annotations

import numpy as np
import pandas as pd

from sim.config import FIELDS
from sim.optimise.outputs import Result, comparison_markdown

OBJECTIVE = {"max_backlog": "the largest commune backlog (requests open, mean over the year)",
             "late_share": "the city's late share of resolved dossiers",
             "worst_on_time": "1 - the lowest commune on-time rate"}


def _table(df: pd.DataFrame) -> str:
    cols = list(df.columns)
    out = ["| " + " | ".join(cols) + " |", "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else ":---" for c in cols) + "|"]
    for row in df.itertuples(index=False):
        out.append("| " + " | ".join(f"{v:,.0f}" if isinstance(v, (int, np.integer)) else
                                     f"{v:,.1f}" if isinstance(v, float) else str(v) for v in row) + " |")
    return "\n".join(out)


def gainers_losers(communes: pd.DataFrame, k: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    cols = ["commune", "commune_name", "population", "area_km2", "uniform", "optimum", "change_vs_uniform"]
    t = communes[cols]
    gain = t.sort_values(["change_vs_uniform", "population"], ascending=[False, False]).head(k)
    lose = t.sort_values(["change_vs_uniform", "population"], ascending=[True, True]).head(k)
    return gain, lose


def report_markdown(r: Result, communes: pd.DataFrame, comp: pd.DataFrame | None, budget_section: str = "") -> str:
    cfg, o, p = r.cfg, r.cfg.optimise, r.problem
    lines = [f"# Quota optimiser: {cfg.tier.name}, objective `{o.objective}`", "",
             f"Objective: minimise {OBJECTIVE[o.objective]}. Budget {p.budget:,} posts over {p.n} communes; "
             f"floor {int(p.floor.min())} posts per commune, at least {p.min_per_field} officer per field, "
             f"chair + military + vice-chairs capped by class (I/II: 2, III: 1) [T24]"
             + (f", at most {o.max_change} posts gained or lost against uniform" if o.max_change >= 0 else "") + ".",
             "", "## Analytic stage", "",
             "Each commune-field desk is an M/M/c queue fed by govsim's workload model (sim/work.py) and the "
             "calendar (casework hours per officer, absence rate, month-of-year demand); officers do not help other "
             "fields here (they do in the simulation), so allocations that under-staff a field score badly. "
             "Greedy marginal allocation, "
             f"{r.seconds.get('analytic', 0):.1f} s.", "",
             "| allocation | analytic objective |", "|:---|---:|"]
    lines += [f"| {n} | {r.analytic[n]:.6g} |" for n in ("uniform", "area_grouped", "optimum", "rule") if n in r.analytic]
    lines += ["", "## The rule a decree can state", "", f"**{r.rule['text']['en']}**", "",
              f"*{r.rule['text']['vi']}*", "",
              f"It keeps {100 * r.rule['gain_kept']:.1f}% of the optimum's analytic gain over uniform "
              "(each commune splits its posts over fields as its workload asks). Rules tried:", "",
              "| rule | analytic objective | share of the gain kept |", "|:---|---:|---:|"]
    lines += [f"| {x['text']['en']} | {x['score']:.6g} | {100 * x['gain_kept']:.1f}% |" for x in r.rules]
    s = r.search
    lines += ["", "## Simulation stage", ""]
    if s is None or not s.runs:
        lines.append("Not run (optimise.simulate=false or optimise.sim_years too small for one evaluation).")
    else:
        acc = sum(x.accepted for x in s.rounds)
        lines.append(f"{s.runs} full runs ({s.years:.1f} simulated years) on seeds {list(o.seeds)}, common random "
                     f"numbers; {len(s.rounds)} candidate moves tried, {acc} kept (improvement beyond the 95% CI "
                     f"over seeds); {r.seconds.get('search', 0) / 60:.1f} min. Objective per seed: analytic optimum "
                     f"{_seeds(s.start_score)}, final {_seeds(s.score)}. Moves: search.csv.")
    lines += ["", "## Comparison on fresh seeds", ""]
    if comp is None:
        lines.append("Not run (optimise.evaluate=false). Commands to run it are in the README (Optimising the quota).")
    else:
        lines += [f"Means over eval seeds {list(o.eval_seeds)} with 95% t-intervals, full scale, "
                  f"{cfg.run.days} days ({r.seconds.get('evaluate', 0) / 60:.1f} min).", "", comparison_markdown(comp)]
        m = comp[comp["metric"] == o.objective].set_index("allocation")["mean"]
        sign = -1.0 if o.objective == "worst_on_time" else 1.0
        if {"uniform", "optimum", "rule"} <= set(m.index):
            from sim.optimise.rule import gain_kept

            kept = gain_kept(sign * m["uniform"], sign * m["optimum"], sign * m["rule"])
            lines += ["", f"In these runs the rule keeps {100 * kept:.1f}% of the optimum's gain over uniform on "
                          f"`{o.objective}`."]
    gain, lose = gainers_losers(communes)
    field_change = {f: int(r.casework["optimum"][:, j].sum() - r.casework["uniform"][:, j].sum())
                    for j, f in enumerate(FIELDS)}
    lines += ["", "## Who gains and who loses (optimum vs uniform)", "",
              "Casework officers by field, change: " + ", ".join(f"{f} {v:+d}" for f, v in field_change.items()), "",
              "Ten communes that gain most:", "", _table(gain), "", "Ten that lose most:", "", _table(lose)]
    if budget_section:
        lines += ["", budget_section]
    lines += ["", "![posts against population](officers_vs_population_en.png)", "",
              "Run any of these allocations like any other quota design:", "", "```bash",
              "govsim quota=from_file quota.file=<this folder>/allocation.csv quota.label=optimum",
              "govsim quota=from_file quota.file=<this folder>/rule_allocation.csv quota.label=rule", "```", ""]
    return "\n".join(lines)


def _seeds(x: pd.Series) -> str:
    return ", ".join(f"{v:.4g}" for v in x.to_numpy()) if len(x) else "–"


def budget_markdown(p, budget: int, target: float, uniform: np.ndarray, casework: np.ndarray,
                    confirm: pd.Series | None = None) -> str:
    """Minimal-budget mode: the budget found, its difference from today's, and where the extra posts go."""
    totals = casework.sum(axis=1) + p.non_casework
    today = uniform.sum(axis=1) + p.non_casework
    diff = totals - today
    t = pd.DataFrame({"commune": p.codes, "commune_name": p.names, "population": p.population.astype(int),
                      "uniform_today": today, "at_minimal_budget": totals, "change": diff})
    top = t.sort_values(["change", "population"], ascending=[False, False]).head(10)
    by_field = ", ".join(f"{f} {int(casework[:, j].sum() - uniform[:, j].sum()):+d}" for j, f in enumerate(FIELDS))
    lines = ["## Minimal budget", "",
             f"The smallest budget for which every commune reaches {100 * target:.1f}% on time (analytic, "
             f"worst_on_time optimum at each step of a bisection): **{budget:,} posts**, "
             f"{budget - int(today.sum()):+,} against today's {int(today.sum()):,}.", "",
             f"Change by field (casework officers) against today's uniform allocation: {by_field}.", "",
             f"{int((diff > 0).sum())} communes gain posts and {int((diff < 0).sum())} lose posts. Ten that gain most:",
             "", _table(top)]
    if confirm is not None and len(confirm):
        lines += ["", "Simulation check (lowest commune on-time rate per seed): " +
                  ", ".join(f"seed {k}: {100 * v:.2f}%" for k, v in confirm.items())]
    return "\n".join(lines)
