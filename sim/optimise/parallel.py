"""Run many scenarios at once: joblib processes on one machine, or Ray tasks (as sweeps do).

A job is (Config, run folder). Each job runs `sim.runner.run_scenario` and returns the run's outcomes
(sim/optimise/outcomes.py); a folder that already holds the same finished run is read, not re-run.
Results come back in the order given; `on_done` is called as each finishes (the progress bar).
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from sim.config import Config, ConfigError


def run_job(cfg: Config, out_dir: str) -> dict:
    """One full run in a worker: simulate (or find it finished), then read its outcomes."""
    import logging

    logging.getLogger("MESA").setLevel(logging.WARNING)
    from sim.optimise.outcomes import read_outcomes
    from sim.runner import run_scenario

    target = Path(out_dir)
    run_scenario(cfg, out_dir=target)  # skipped when the folder holds this very run already
    return read_outcomes(target)


def run_all(jobs: list[tuple[Config, str]], n_jobs: int = 2, launcher: str = "joblib",
            on_done: Callable[[int, dict], None] | None = None) -> list[dict]:
    if not jobs:
        return []
    if launcher == "ray":
        return _run_ray(jobs, on_done)
    if n_jobs == 1 or len(jobs) == 1:
        out = []
        for i, (cfg, folder) in enumerate(jobs):
            out.append(run_job(cfg, folder))
            if on_done:
                on_done(i, out[-1])
        return out
    from joblib import Parallel, delayed

    results: list[dict | None] = [None] * len(jobs)
    gen = Parallel(n_jobs=min(n_jobs, len(jobs)), return_as="generator_unordered")(
        delayed(_indexed)(i, cfg, folder) for i, (cfg, folder) in enumerate(jobs))
    for i, res in gen:
        results[i] = res
        if on_done:
            on_done(i, res)
    return results  # type: ignore[return-value]


def _indexed(i: int, cfg: Config, folder: str) -> tuple[int, dict]:
    return i, run_job(cfg, folder)


def _run_ray(jobs, on_done) -> list[dict]:
    try:
        import ray
    except ImportError:
        raise ConfigError("optimise.launcher=ray needs Ray: pip install '.[ray]'") from None
    if not ray.is_initialized():
        ray.init(address="auto" if _ray_running() else None, ignore_reinit_error=True, log_to_driver=False)
    remote = ray.remote(run_job)
    refs = {remote.remote(cfg, folder): i for i, (cfg, folder) in enumerate(jobs)}
    results: list[dict | None] = [None] * len(jobs)
    pending = list(refs)
    while pending:
        done, pending = ray.wait(pending, num_returns=1)
        i = refs[done[0]]
        results[i] = ray.get(done[0])
        if on_done:
            on_done(i, results[i])
    return results  # type: ignore[return-value]


def _ray_running() -> bool:
    import os

    return bool(os.environ.get("RAY_ADDRESS"))
