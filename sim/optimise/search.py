"""The simulation stage: refine the analytic optimum with full runs under common random numbers.

Every candidate allocation runs on the same seeds (`optimise.seeds`), so two candidates differ by their
allocation, not by luck, and their per-seed difference is the quantity to test. A round proposes
`optimise.candidates` moves of `optimise.move` officers each, from the communes with most slack (lowest
utilisation, or best outcome) to the commune with the worst outcome (the largest backlog, the lowest on-time
rate) or, for the city's late share, with the most late dossiers: from a donor's field with the least backlog
per officer to the receiver's field with the most. The best candidate is kept when it improves the objective
by more than its 95% CI over the seeds (the paired difference's upper bound is below zero); when no move
does, the move is halved, and the search stops at one officer. It also stops when the next round would
exceed `optimise.sim_years` simulated years (or, if set, end past `optimise.max_minutes` of wall time).
"""
from __future__ import annotations

import dataclasses
import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sim.config import FIELDS, Config
from sim.optimise.desks import Problem, allocation_frame
from sim.optimise.outcomes import commune_frame, paired, scores
from sim.optimise.parallel import run_all


@dataclass
class Round:
    step: int
    candidate: str
    receiver: str
    donor: str
    diff: float
    ci_low: float
    ci_high: float
    accepted: bool


@dataclass
class SearchResult:
    casework: np.ndarray
    score: pd.Series                 # per seed, of the final allocation
    start_score: pd.Series           # per seed, of the analytic optimum
    rounds: list[Round] = field(default_factory=list)
    runs: int = 0
    years: float = 0.0


def run_config(cfg: Config, file: Path, label: str, seed: int) -> Config:
    """cfg with a saved allocation as its quota, one seed, no charts, the request table written."""
    q = dataclasses.replace(cfg.quota, name="from_file", file=str(file), label=label, field_mix={}, method="none",
                            n_groups=1, bands=[], area_hours_per_km2=0.0, overrides=[])
    run = dataclasses.replace(cfg.run, seed=int(seed), out_dir="", progress=False, report=False, write_requests=True)
    return dataclasses.replace(cfg, quota=q, run=run)


class Evaluator:
    """Runs allocations on seeds in parallel, counting simulated years; updates a progress bar."""

    def __init__(self, cfg: Config, p: Problem, workdir: Path, bar=None):
        self.cfg, self.p, self.workdir, self.bar = cfg, p, Path(workdir), bar
        self.runs = 0
        self.years_per_run = cfg.run.days / 365.0

    def save(self, casework, label: str) -> Path:
        """Write an allocation (casework array, or (casework, non_casework)) for quota=from_file. The name
        carries a digest of the content: a run's config names the file, not what is in it, so a folder is
        reused only for the very same allocation."""
        x, nc = casework if isinstance(casework, tuple) else (casework, None)
        text = allocation_frame(self.p, x, nc).to_csv(index=False)
        path = self.workdir / "allocations" / f"{label}-{hashlib.sha256(text.encode()).hexdigest()[:10]}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def evaluate(self, allocations: dict, seeds: list[int]) -> dict[str, list[dict]]:
        jobs, keys = [], []
        for label, casework in allocations.items():
            file = self.save(casework, label)
            for s in seeds:
                jobs.append((run_config(self.cfg, file, label, s), str(self.workdir / "runs" / file.stem / f"seed{s}")))
                keys.append(label)

        def done(i, _res):
            self.runs += 1
            if self.bar is not None:
                self.bar.update(1)

        results = run_all(jobs, self.cfg.optimise.n_jobs, self.cfg.optimise.launcher, done)
        out: dict[str, list[dict]] = {k: [] for k in allocations}
        for k, r in zip(keys, results):
            out[k].append(r)
        return out


def _pick_field(counts: np.ndarray, backlog: np.ndarray, most: bool, minimum: int) -> int | None:
    per = backlog / np.maximum(counts, 1)
    ok = counts > minimum if not most else np.ones_like(counts, dtype=bool)
    if not ok.any():
        return None
    per = np.where(ok, per, -np.inf if most else np.inf)
    return int(np.argmax(per) if most else np.argmin(per))


def propose(p: Problem, casework: np.ndarray, communes: pd.DataFrame, objective: str, step: int,
            n_candidates: int) -> list[tuple[np.ndarray, str, str]]:
    """Candidate allocations: `step` officers from slack communes to the worst one (or most late)."""
    index = {c: i for i, c in enumerate(p.codes)}
    sim = communes[communes.index.isin(index)]
    if sim.empty:
        return []
    if objective == "max_backlog":
        worst = sim["backlog"].idxmax()
    elif objective == "worst_on_time":
        worst = sim["on_time"].idxmin()
    else:
        worst = sim["late"].idxmax()
    totals = casework.sum(axis=1) + p.non_casework
    lower_total = np.maximum(p.floor, p.non_casework + p.lower())
    slack = sim.drop(index=worst).sort_values(["utilisation", "backlog"])
    r = index[worst]
    out = []
    for donor in slack.index:
        d = index[donor]
        if totals[d] - step < lower_total[d] or totals[r] + step > p.cap[r]:
            continue
        x = casework.copy()
        backlog_r = sim.loc[worst, list(FIELDS)].to_numpy(dtype=float)
        backlog_d = sim.loc[donor, list(FIELDS)].to_numpy(dtype=float)
        moved = 0
        for _ in range(step):
            fd = _pick_field(x[d], backlog_d, most=False, minimum=p.min_per_field)
            fr = _pick_field(x[r], backlog_r, most=True, minimum=0)
            if fd is None or fr is None:
                break
            x[d, fd] -= 1
            x[r, fr] += 1
            moved += 1
        if moved:
            out.append((x, worst, donor))
        if len(out) >= n_candidates:
            break
    return out


def search(cfg: Config, p: Problem, start: np.ndarray, ev: Evaluator, on_round=None) -> SearchResult:
    o = cfg.optimise
    started = time.perf_counter()
    seeds = list(o.seeds)
    max_runs = int(np.floor(o.sim_years / ev.years_per_run + 1e-9))
    if max_runs < len(seeds):
        return SearchResult(casework=start, score=pd.Series(dtype=float), start_score=pd.Series(dtype=float))
    current = start.copy()
    res = ev.evaluate({"r00_start": current}, seeds)["r00_start"]
    current_scores = scores(res, o.objective)
    result = SearchResult(casework=current, score=current_scores, start_score=current_scores)
    communes = commune_frame(res)
    if on_round:
        on_round(float(current_scores.mean()))
    step = o.move
    k = 0
    last = 0.0
    while ev.runs + o.candidates * len(seeds) <= max_runs:
        if o.max_minutes > 0 and time.perf_counter() - started + last > 60 * o.max_minutes:
            break
        t_round = time.perf_counter()
        k += 1
        cands = propose(p, current, communes, o.objective, step, o.candidates)
        if not cands:
            break
        labels = [f"r{k:02d}_c{j}" for j in range(len(cands))]
        runs = ev.evaluate({lab: x for lab, (x, _, _) in zip(labels, cands)}, seeds)
        best = None
        for lab, (x, receiver, donor) in zip(labels, cands):
            diff, lo, hi = paired(scores(runs[lab], o.objective), current_scores)
            rnd = Round(step, lab, receiver, donor, diff, lo, hi, accepted=False)
            result.rounds.append(rnd)
            if np.isfinite(hi) and hi < 0 and (best is None or diff < best[0].diff):
                best = (rnd, x, runs[lab])
        if best is not None:
            best[0].accepted = True
            current, current_scores = best[1], scores(best[2], o.objective)
            communes = commune_frame(best[2])
        elif step > 1:
            step = max(1, step // 2)
        else:
            break
        if on_round:
            on_round(float(current_scores.mean()))
        last = time.perf_counter() - t_round
    result.casework, result.score = current, current_scores
    result.runs, result.years = ev.runs, ev.runs * ev.years_per_run
    return result
