"""Run one scenario end to end: config -> world -> model -> tables -> files on disk.

A run's files are written into a temporary sibling folder and renamed into place, so a folder holding
`summary.json` is always a finished run; an interrupted sweep keeps every finished run, and a re-run
skips any run whose `summary.json` was written for the same resolved config.
"""
from __future__ import annotations

import gc
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import mesa
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from omegaconf import OmegaConf

from sim.config import Config
from sim.metrics import as_dates, config_hash, requests_table, summary, to_json, unit_daily_table
from sim.model import GovernanceModel
from sim.quotas import print_allocation
from sim.world import build_world


@dataclass
class RunResult:
    summary: dict
    out_dir: Path | None
    model: GovernanceModel | None = None
    skipped: bool = False
    wall_seconds: float = 0.0


def resolved_yaml(cfg: Config) -> str:
    """The resolved config, without the run's own output settings (they do not change results)."""
    data = OmegaConf.to_container(OmegaConf.structured(cfg))
    data["run"] = {k: v for k, v in data["run"].items() if k not in ("out_dir", "progress", "report")}
    data.pop("optimise", None)  # govsim-optimise's settings do not change a run
    return OmegaConf.to_yaml(data)


def finished(out_dir: Path, digest: str) -> dict | None:
    """The summary of a finished run of this same config, if there is one."""
    path = out_dir / "summary.json"
    try:
        done = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return done if done.get("config_hash") == digest else None


def run_scenario(cfg: Config, out_dir: str | Path | None = None, data_dir: str | Path | None = None,
                 progress: bool = False, keep_model: bool = False, echo=None) -> RunResult:
    """Simulate `cfg`; write the run contract's files to out_dir (None: write nothing)."""
    started = time.perf_counter()
    text = resolved_yaml(cfg)
    digest = config_hash(text)
    target = Path(out_dir) if out_dir else None
    if target is not None and (done := finished(target, digest)) is not None:
        return RunResult(summary=done, out_dir=target, skipped=True)

    world = build_world(cfg, data_dir)
    if echo:
        echo(print_allocation(world.quota_table, f"{cfg.tier.name}/{cfg.quota.name} staff allocation"))
    model = GovernanceModel(world)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=model.calendar.n_days, desc=f"{cfg.tier.name}/{cfg.quota.name} seed {cfg.run.seed}",
                   unit="day", leave=False)
    model.run_model(bar)
    if bar is not None:
        bar.close()
    result = summary(model, digest)
    if target is not None:
        _write_atomically(target, model, result, text)
    if not keep_model:
        release_model(model)
    return RunResult(summary=result, out_dir=target, model=model if keep_model else None,
                     wall_seconds=time.perf_counter() - started)


def release_model(model: GovernanceModel) -> None:
    """Let a finished model be garbage-collected.

    Mesa 3.3's `Agent._ids` is a class-level dict keyed by model, so every model ever built stays in memory
    (mesa issue #3179, fixed upstream by PR #3180): a sweep worker or a calibration loop running many models
    would grow by a model per run. Call this when done with a model kept by `run_scenario(keep_model=True)`.
    """
    ids = getattr(mesa.Agent, "_ids", None)
    if isinstance(ids, dict):
        ids.pop(model, None)
    gc.collect()


def _write_atomically(target: Path, model: GovernanceModel, result: dict, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    (tmp / "config.yaml").write_text(text)
    if model.cfg.run.write_requests:
        pq.write_table(requests_table(model), tmp / "requests.parquet")
    daily = pa.Table.from_pandas(unit_daily_table(model), preserve_index=False)
    pq.write_table(as_dates(daily, ("date",)), tmp / "unit_daily.parquet")
    model.world.allocation.to_parquet(tmp / "allocation.parquet", index=False)
    (tmp / "summary.json").write_text(to_json(result))  # last: its presence marks a finished run
    if target.exists():
        # Hydra may already have made the folder (its .hydra/ and log): move our files into it.
        for item in tmp.iterdir():
            os.replace(item, target / item.name)
        tmp.rmdir()
    else:
        os.replace(tmp, target)


def headline(result: dict) -> pd.DataFrame:
    """The short table the CLI prints."""
    rows = [
        ("dossiers received (full scale)", f"{result['dossiers_received']:,.0f}"),
        ("dossiers resolved", f"{result['dossiers_resolved']:,.0f}"),
        ("early / on time / late", f"{result['resolved_early_share']:.1%} / {result['resolved_on_time_share']:.1%} / "
                                   f"{result['resolved_late_share']:.1%}"),
        ("mean / p90 delay (working days)", f"{result['mean_delay_days']:.2f} / {result['p90_delay_days']:.2f}"),
        ("backlog at end (overdue share)", f"{result['backlog_end']:,.0f} ({result['backlog_end_overdue_share']:.1%})"),
        ("complaints received / escalated", f"{result['complaints_received']:,.0f} / {result['complaints_escalated']:,.0f}"),
        ("max commune backlog (unit)", f"{result['max_commune_backlog']:,.0f} ({result['max_commune_backlog_unit']})"),
        ("officer utilisation: all / communes / max commune",
         f"{result['officer_utilisation_mean']:.1%} / {result['commune_utilisation_mean']:.1%} / "
         f"{result['commune_utilisation_max']:.1%}"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value"]).set_index("metric")
