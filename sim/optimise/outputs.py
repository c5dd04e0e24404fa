"""What govsim-optimise writes, all in one folder.

  allocation.parquet / .csv   commune, field, officers (the optimum: `quota=from_file` reads this column),
                              officers_uniform, officers_area_grouped, officers_rule; one row per commune and
                              field, plus a `non_casework` row per commune (chair, vice-chairs, military)
  rule_allocation.csv         the fitted rule's allocation, ready for quota=from_file
  rule.json                   the rule (en/vi text, parameters, share of the optimum's gain it keeps)
  communes.csv                posts per commune under each allocation, and the optimum's change vs uniform
  comparison.csv              per allocation and metric: mean and 95% CI over eval seeds, paired diff vs uniform
  search.csv                  the simulation stage's rounds
  optimise.json               objective values, wall seconds per stage, runs and simulated years
  officers_vs_population_{en,vi}.{png,svg,pdf}
  report.md
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import FIELDS, Config
from sim.optimise.desks import Problem
from sim.optimise.outcomes import paired
from sim.report.stats import mean_ci

NAMES = ("uniform", "area_grouped", "optimum", "rule")
METRICS = ("max_backlog", "late_share", "worst_on_time", "on_time_rate", "mean_delay_days")
SHARES = ("late_share", "worst_on_time", "on_time_rate")


@dataclass
class Result:
    cfg: Config
    problem: Problem
    casework: dict[str, np.ndarray]          # name -> (n, fields)
    non_casework: dict[str, np.ndarray]      # name -> (n,)
    analytic: dict[str, float]               # name -> analytic score (lower is better)
    rules: list[dict]                        # every rule tried: kind, text, analytic score, gain kept
    rule: dict                               # the chosen one
    search: object | None = None             # search.SearchResult
    evaluation: dict[str, list[dict]] = field(default_factory=dict)  # name -> outcomes per eval seed
    seconds: dict[str, float] = field(default_factory=dict)

    def totals(self, name: str) -> np.ndarray:
        return self.casework[name].sum(axis=1) + self.non_casework[name]


def allocation_table(r: Result) -> pd.DataFrame:
    p = r.problem
    cols = [*FIELDS, "non_casework"]
    table = pd.DataFrame({"commune": np.repeat(p.codes, len(cols)), "commune_name": np.repeat(p.names, len(cols)),
                          "population": np.repeat(p.population, len(cols)).astype(int),
                          "area_km2": np.repeat(p.area_km2, len(cols)), "field": np.tile(cols, p.n)})
    for name in ("optimum", "uniform", "area_grouped", "rule"):
        if name in r.casework:
            values = np.column_stack([r.casework[name], r.non_casework[name]]).ravel().astype(int)
            table["officers" if name == "optimum" else f"officers_{name}"] = values
    return table


def commune_table(r: Result) -> pd.DataFrame:
    p = r.problem
    t = pd.DataFrame({"commune": p.codes, "commune_name": p.names, "population": p.population.astype(int),
                      "area_km2": p.area_km2})
    for name in NAMES:
        if name in r.casework:
            t[name] = r.totals(name)
    t["change_vs_uniform"] = t["optimum"] - t["uniform"]
    return t


def comparison(r: Result) -> pd.DataFrame:
    """Per allocation and metric: mean and 95% CI over the eval seeds, and paired differences (same seeds)
    against uniform and against area_grouped."""
    def series(name, m):
        return pd.Series({o["seed"]: o[m] for o in r.evaluation.get(name, [])}, dtype=float)

    rows = []
    for name in NAMES:
        for m in METRICS:
            vals = series(name, m)
            n, mean, lo, hi = mean_ci(vals.to_numpy()) if len(vals) else (0, np.nan, np.nan, np.nan)
            row = {"allocation": name, "metric": m, "n": n, "mean": mean, "ci_low": lo, "ci_high": hi}
            for base, col in (("uniform", "diff_vs_uniform"), ("area_grouped", "diff_vs_area_grouped")):
                d = paired(vals, series(base, m)) if len(vals) and name != base else (np.nan,) * 3
                row.update({col: d[0], f"{col}_ci_low": d[1], f"{col}_ci_high": d[2]})
            row["analytic_score"] = r.analytic.get(name, np.nan) if m == r.cfg.optimise.objective else np.nan
            rows.append(row)
    return pd.DataFrame(rows)


def _num(x: float, metric: str) -> str:
    if not np.isfinite(x):
        return "–"
    return f"{100 * x:.2f}%" if metric in SHARES else f"{x:,.1f}"


def _cell(mean, lo, hi, metric, signed=False) -> str:
    text = _num(mean, metric)
    if signed and np.isfinite(mean) and mean > 0:
        text = "+" + text
    return text if not np.isfinite(lo) else f"{text} [{_num(lo, metric)}; {_num(hi, metric)}]"


def comparison_markdown(comp: pd.DataFrame) -> str:
    names = [n for n in NAMES if n in set(comp["allocation"])]
    head = "| metric | " + " | ".join(names) + " |\n|:---|" + "---:|" * len(names)
    lines = [head]
    for m in METRICS:
        sub = comp[comp["metric"] == m].set_index("allocation")
        lines.append(f"| {m} | " + " | ".join(_cell(*sub.loc[n, ["mean", "ci_low", "ci_high"]], m) for n in names) + " |")
    for base in ("uniform", "area_grouped"):
        col = f"diff_vs_{base}"
        lines += ["", f"Paired difference against {base} (same seeds), 95% CI:", "", head]
        for m in METRICS:
            sub = comp[comp["metric"] == m].set_index("allocation")
            lines.append(f"| {m} | " + " | ".join(
                _cell(*sub.loc[n, [col, f"{col}_ci_low", f"{col}_ci_high"]], m, signed=True) for n in names) + " |")
    return "\n".join(lines)


def write_all(r: Result, out: Path, budget_section: str = "") -> list[Path]:
    from sim.optimise.figure import draw

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    alloc = allocation_table(r)
    alloc.to_parquet(out / "allocation.parquet", index=False)
    alloc.to_csv(out / "allocation.csv", index=False)
    rule = alloc[["commune", "field", "officers_rule"]].rename(columns={"officers_rule": "officers"})
    rule.to_csv(out / "rule_allocation.csv", index=False)
    (out / "rule.json").write_text(json.dumps({"chosen": r.rule, "tried": r.rules}, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    communes = commune_table(r)
    communes.to_csv(out / "communes.csv", index=False)
    paths += [out / n for n in ("allocation.parquet", "allocation.csv", "rule_allocation.csv", "rule.json", "communes.csv")]
    comp = comparison(r) if r.evaluation else None
    if comp is not None:
        comp.to_csv(out / "comparison.csv", index=False)
        paths.append(out / "comparison.csv")
    if r.search is not None and r.search.rounds:
        pd.DataFrame([vars(x) for x in r.search.rounds]).to_csv(out / "search.csv", index=False)
        paths.append(out / "search.csv")
    s = r.search
    info = {"objective": r.cfg.optimise.objective, "analytic": r.analytic, "seconds": r.seconds,
            "search_runs": s.runs if s else 0, "search_years": s.years if s else 0.0,
            "evaluation_runs": sum(len(v) for v in r.evaluation.values()),
            "evaluation_years": sum(len(v) for v in r.evaluation.values()) * r.cfg.run.days / 365.0,
            "rule": r.rule["text"]["en"], "rule_gain_kept": r.rule["gain_kept"]}
    (out / "optimise.json").write_text(json.dumps(info, indent=2) + "\n")
    paths.append(out / "optimise.json")
    totals = {n: r.totals(n) for n in ("uniform", "area_grouped", "optimum", "rule") if n in r.casework}
    for lang in ("en", "vi"):
        paths += draw(out, r.problem.population, totals, r.cfg.optimise.objective, lang)
    from sim.optimise.report import report_markdown

    (out / "report.md").write_text(report_markdown(r, communes, comp, budget_section), encoding="utf-8")
    paths.append(out / "report.md")
    return paths
