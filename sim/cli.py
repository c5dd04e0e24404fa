"""`govsim`: run a scenario, or a Hydra multirun sweep of scenarios.

    govsim                                   # two-tier, uniform, all of Hanoi, a year from 2025-07-01, seed 0
    govsim tier=three_tier quota=area_grouped run.scale=0.2 run.seed=3
    govsim -m tier=three_tier,two_tier quota=uniform,area_grouped run.seed=0,1
    govsim -m +experiment=tier_x_quota

Every override (and every value of a sweep) is checked before anything runs: a bad one stops the
command with one line on stderr and exit code 2.
"""
from __future__ import annotations

import logging
import math
import os
import sys

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import ConfigError, compose, config_dir, describe_hydra_error, validate
from sim.runner import headline, run_scenario

log = logging.getLogger("govsim")
_INFO_FLAGS = {"--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--resolve", "--version",
               "--shell-completion", "-sc"}


def fail(message: str) -> None:
    print(f"govsim: error: {message}", file=sys.stderr)
    sys.exit(2)


def sweep_options(overrides: list[str]) -> list[list[str]]:
    """Each override as the list of `key=value` settings it stands for (one, or a sweep's values)."""
    from hydra.core.override_parser.overrides_parser import OverridesParser

    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
    except Exception as exc:  # noqa: BLE001 - Hydra's parser errors run to several lines
        raise ConfigError(f"cannot parse the overrides: {str(exc).splitlines()[0]}") from None
    return [[f"{o.get_key_element()}={v}" for v in o.sweep_string_iterator()] if o.is_sweep_override()
            else [o.input_line] for o in parsed]


def sweep_variants(overrides: list[str]) -> list[list[str]]:
    """Override lists that cover every value of every sweep (one sweep varied at a time)."""
    options = sweep_options(overrides)
    base = [opts[0] for opts in options]
    variants = [base]
    for i, opts in enumerate(options):
        for value in opts[1:]:
            variants.append(base[:i] + [value] + base[i + 1:])
    return variants


def count_jobs(overrides: list[str]) -> int:
    """How many runs the sweep launches: the product of every sweep's number of values."""
    return math.prod(len(opts) for opts in sweep_options(overrides))


def sweeper_params(overrides: list[str]) -> list[str]:
    """Sweeps an experiment preset declares in hydra.sweeper.params (the command line wins)."""
    if not any(o.lstrip("+").startswith("experiment=") for o in overrides):
        return []
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    GlobalHydra.instance().clear()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base=None):
            cfg = hydra_compose(config_name="config", overrides=sweep_variants(overrides)[0], return_hydra_config=True)
    except Exception as exc:  # noqa: BLE001
        raise ConfigError(describe_hydra_error(exc)) from None
    given = {o.split("=")[0].lstrip("+~") for o in overrides}
    params = cfg.hydra.sweeper.get("params") or {}
    return [f"{k}={v}" for k, v in params.items() if k not in given]


def preflight(argv: list[str]) -> int:
    """Compose and validate every scenario the command line describes; returns the number of jobs."""
    if any(a.split("=")[0] in _INFO_FLAGS for a in argv):
        return 0
    overrides = [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith(("hydra.", "hydra/"))]
    from sim.world import build_world

    try:
        overrides = overrides + sweeper_params(overrides)
        worlds_seen = set()
        for variant in sweep_variants(overrides):
            cfg = compose(variant)
            key = (cfg.tier.name, cfg.quota.name, str(cfg.quota), tuple(cfg.run.communes), cfg.run.geography_dir,
                   str(cfg.tier), cfg.officer.non_casework_per_commune)
            if key not in worlds_seen:  # unknown communes and budgets below the floors surface here
                worlds_seen.add(key)
                build_world(cfg)
        return count_jobs(overrides)
    except ConfigError as exc:
        fail(str(exc))


@hydra.main(config_path=str(config_dir()), config_name="config", version_base=None)
def run(cfg: DictConfig) -> float | None:
    """One Hydra job: validate, simulate, write the run folder, print the summary."""
    try:
        scenario = validate(cfg)
    except ConfigError as exc:
        fail(str(exc))
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    out_dir = scenario.run.out_dir or hc.runtime.output_dir
    try:
        result = run_scenario(scenario, out_dir=out_dir, progress=scenario.run.progress and not multirun,
                              echo=None if multirun else print)
    except ConfigError as exc:
        fail(str(exc))
    s = result.summary
    if result.skipped:
        log.info("already finished, skipped: %s", out_dir)
    elif multirun:
        log.info("%s seed %s: on time %.1f%%, mean delay %.2f d -> %s", s["design"], s["seed"],
                 100 * s["on_time_rate"], s["mean_delay_days"], out_dir)
    else:
        print(f"\n{s['design']}, seed {s['seed']}, scale {s['scale']} (counts at full scale), "
              f"{result.wall_seconds:.1f} s")
        print(headline(s).to_string())
        print(f"\nwritten to {out_dir}")
        if scenario.run.report:
            draw_charts(out_dir)
    return s["on_time_rate"]


def draw_charts(out_dir: str) -> None:
    """The chart pack for a single run (the same as `govsim-report OUT_DIR`)."""
    from pathlib import Path

    from sim.report import govsim_report

    target = Path(out_dir) / "report"
    try:
        govsim_report(out_dir, out=target)
    except Exception as exc:  # noqa: BLE001 - charts are a convenience; the run's tables are already written
        print(f"govsim: charts not drawn ({str(exc).splitlines()[0]}); try: govsim-report {out_dir}", file=sys.stderr)
        return
    print(f"charts and report: {target}")


def main() -> None:
    jobs = preflight(sys.argv[1:])
    if "-m" in sys.argv or "--multirun" in sys.argv:
        os.environ["GOVSIM_SWEEP_JOBS"] = str(jobs)  # read by the sweep progress callback
    run()


if __name__ == "__main__":
    main()
