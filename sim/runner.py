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
from sim.eras import build_run_world


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
    if cfg.timeline.name == "steady":  # a steady run reads neither: its hash is the same as before timelines existed
        data.pop("timeline"), data.pop("reform")
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

    world = build_run_world(cfg, data_dir)
    if echo:
        for era in world.eras or [None]:
            w = era.world if era else world
            rule = w.cfg.quota.name if staffing_rule(w.cfg) == "same_budget" else "historical"
            echo(print_allocation(w.quota_table, f"{w.cfg.tier.name}/{rule} staff allocation"))
    model = GovernanceModel(world)
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=model.calendar.n_days, desc=f"{design_label(cfg)} seed {cfg.run.seed}",
                   unit="day", leave=False)
    try:
        model.run_model(bar)
    finally:  # also on Ctrl-C: the bar clears its line
        if bar is not None:
            bar.close()
    result = with_staffing(summary(model, digest), cfg)
    if target is not None:
        _write_atomically(target, model, result, text)
    if not keep_model:
        release_model(model)
    return RunResult(summary=result, out_dir=target, model=model if keep_model else None,
                     wall_seconds=time.perf_counter() - started)


def staffing_rule(cfg: Config) -> str:
    """How the run's communes and district offices are staffed (tier.staffing; two tiers: same_budget)."""
    return cfg.tier.staffing if cfg.tier.districts else "same_budget"


def design_label(cfg: Config) -> str:
    """The run's design: `reform_2025/<quota>` (a run holding the reform: the quota rule applies from the
    switch), `three_tier/historical` (three tiers as staffed: posts from the decrees, no quota rule applies),
    else `<tier>/<quota>`."""
    if cfg.timeline.name != "steady":
        return f"{cfg.timeline.name}/{cfg.quota.name}"
    return f"{cfg.tier.name}/historical" if staffing_rule(cfg) == "historical" else f"{cfg.tier.name}/{cfg.quota.name}"


def with_staffing(result: dict, cfg: Config) -> dict:
    """The summary with its `staffing` key, right after `design`; three tiers as staffed are the design
    `three_tier/historical` (docs/run_contract.md)."""
    rule, out = staffing_rule(cfg), {}
    for key, value in result.items():
        out[key] = design_label(cfg) if key == "design" else value
        if key == "design":
            out["staffing"] = rule
    out.setdefault("staffing", rule)
    return out


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
        ("open dossiers at end: within deadline / overdue",
         f"{result['open_within_deadline']:,.0f} / {result['open_overdue']:,.0f}"),
        ("days from ready to hand-back (mean)", f"{result['mean_ready_to_return_days']:.2f}"),
        ("sent back for supplementation", f"{result['incomplete_returned']:,.0f}"),
        ("sign-off wait (mean working hours)", f"{result['signoff_wait_mean_hours']:.2f}"),
        ("complaints received / escalated", f"{result['complaints_received']:,.0f} / {result['complaints_escalated']:,.0f}"),
        ("max commune backlog (unit)", f"{result['max_commune_backlog']:,.0f} ({result['max_commune_backlog_unit']})"),
        ("officer utilisation: all / communes / max commune",
         f"{result['officer_utilisation_mean']:.1%} / {result['commune_utilisation_mean']:.1%} / "
         f"{result['commune_utilisation_max']:.1%}"),
    ]
    return pd.DataFrame(rows, columns=["metric", "value"]).set_index("metric")


def periods(result: dict) -> pd.DataFrame | None:
    """Before and after the reform's switch (and calendar 2025), for a run that holds the reform."""
    if "before_reform_on_time_rate" not in result:
        return None
    rows = [(f"before the switch (to {result['reform_date']})", f"{result['dossiers_resolved_before_reform']:,.0f}",
             f"{result['before_reform_on_time_rate']:.1%}"),
            (f"after the switch (from {result['reform_date']})", f"{result['dossiers_resolved_after_reform']:,.0f}",
             f"{result['after_reform_on_time_rate']:.1%}")]
    if "calendar_2025_on_time_rate" in result:
        rows.append(("calendar 2025", "", f"{result['calendar_2025_on_time_rate']:.1%}"))
    table = pd.DataFrame(rows, columns=["period", "dossiers handed back", "on time or early"]).set_index("period")
    return table

