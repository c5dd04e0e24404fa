"""Per-commune outcomes of a finished run, read from its files (docs/run_contract.md), not from the model.

For each run: the objectives (`max_backlog`: the largest commune backlog, mean over the run's working days;
`late_share`: the city's late share of resolved dossiers; `worst_on_time`: the lowest commune on-time rate
of the dossiers it resolved) and, per commune, what the search needs to choose its moves: mean backlog per
field, on-time rate, late dossiers and utilisation. Kept in `outcomes.json` next to the run's summary, so a
re-run reads it instead of the big tables.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import FIELDS

SCORES = ("max_backlog", "late_share", "worst_on_time")


def score_of(outcome: dict, objective: str) -> float:
    """Lower is better: worst_on_time becomes 1 - the lowest commune on-time rate."""
    v = outcome[objective]
    return 1.0 - v if objective == "worst_on_time" else v


def read_outcomes(run_dir: Path) -> dict:
    run_dir = Path(run_dir)
    cache = run_dir / "outcomes.json"
    summary = json.loads((run_dir / "summary.json").read_text())
    if cache.is_file():
        done = json.loads(cache.read_text())
        if done.get("config_hash") == summary.get("config_hash"):
            return done
    scale = float(summary.get("scale", 1.0))
    daily = pd.read_parquet(run_dir / "unit_daily.parquet",
                            columns=["day", "unit", "unit_kind", "field", "backlog", "busy_hours", "available_hours"])
    daily = daily[daily["unit_kind"].astype(str) == "commune"]
    daily = daily.assign(unit=daily["unit"].astype(str), field=daily["field"].astype(str))
    per_field = (daily.groupby(["unit", "field"], observed=True)["backlog"].mean() / scale).unstack("field")
    per_field = per_field.reindex(columns=list(FIELDS)).fillna(0.0)
    backlog = per_field.sum(axis=1)
    use = daily.groupby("unit", observed=True)[["busy_hours", "available_hours"]].sum()
    utilisation = use["busy_hours"] / use["available_hours"].clip(lower=1e-9)

    req = pd.read_parquet(run_dir / "requests.parquet", columns=["kind", "final_unit", "outcome"])
    req = req[(req["kind"].astype(str) == "dossier") & (req["outcome"].astype(str) != "open")]
    req = req[req["final_unit"].astype(str).isin(set(backlog.index))]
    good = req["outcome"].astype(str).isin(["early", "on_time"])
    by = pd.DataFrame({"unit": req["final_unit"].astype(str).to_numpy(), "good": good.to_numpy()})
    counts = by.groupby("unit")["good"].agg(["sum", "size"]).reindex(backlog.index).fillna(0)
    on_time = (counts["sum"] / counts["size"].clip(lower=1)).where(counts["size"] > 0, 1.0)
    late = (counts["size"] - counts["sum"]) / scale

    out = {
        "config_hash": summary.get("config_hash"),
        "seed": summary.get("seed"),
        "max_backlog": float(backlog.max()) if len(backlog) else 0.0,
        "max_backlog_unit": str(backlog.idxmax()) if len(backlog) else "",
        "late_share": float(summary["resolved_late_share"]),
        "worst_on_time": float(on_time.min()) if len(on_time) else 1.0,
        "worst_on_time_unit": str(on_time.idxmin()) if len(on_time) else "",
        "on_time_rate": float(summary["on_time_rate"]),
        "mean_delay_days": float(summary["mean_delay_days"]),
        "communes": {
            u: {"backlog": float(backlog[u]), "backlog_by_field": [float(v) for v in per_field.loc[u]],
                "on_time": float(on_time[u]), "late": float(late[u]), "utilisation": float(utilisation.get(u, 0.0))}
            for u in backlog.index},
    }
    cache.write_text(json.dumps(out))
    (run_dir / "requests.parquet").unlink(missing_ok=True)  # up to ~4 M rows a run: the outcomes are kept
    return out


def commune_frame(outcomes: list[dict]) -> pd.DataFrame:
    """Per commune, the mean over seeds: backlog, on_time, late, utilisation, and backlog per field."""
    rows = []
    for o in outcomes:
        for u, v in o["communes"].items():
            rows.append({"unit": u, "backlog": v["backlog"], "on_time": v["on_time"], "late": v["late"],
                         "utilisation": v["utilisation"], **dict(zip(FIELDS, v["backlog_by_field"]))})
    return pd.DataFrame(rows).groupby("unit").mean()


def scores(outcomes: list[dict], objective: str) -> pd.Series:
    """The objective per seed (lower is better)."""
    return pd.Series({o["seed"]: score_of(o, objective) for o in outcomes}).sort_index()


def paired(candidate: pd.Series, current: pd.Series) -> tuple[float, float, float]:
    """Mean paired difference candidate - current over common seeds, and its 95% CI."""
    from scipy import stats as sps

    d = (candidate - current).dropna().to_numpy(dtype=float)
    if len(d) < 2:
        return float(d.mean()) if len(d) else np.nan, np.nan, np.nan
    half = float(sps.t.ppf(0.975, len(d) - 1)) * float(d.std(ddof=1)) / np.sqrt(len(d))
    return float(d.mean()), float(d.mean() - half), float(d.mean() + half)
