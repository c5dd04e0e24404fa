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
import shlex
import sys
import tempfile
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig
from hydra.types import RunMode
from omegaconf import DictConfig

from sim.config import ConfigError, compose, config_dir, describe_hydra_error, validate
from sim.runner import headline, periods, run_scenario

log = logging.getLogger("govsim")
INFO_FLAGS = {"--help", "-h", "--hydra-help", "--info", "-i", "--cfg", "-c", "--resolve", "--version",
               "--shell-completion", "-sc"}


def fail(message: str, program: str = "govsim") -> None:
    """One line on stderr, exit code 2: every bad input ends here (govsim-optimise too)."""
    print(f"{program}: error: {message}", file=sys.stderr)
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


def check_writable(path: str, key: str) -> None:
    """Raise one ConfigError line unless a folder can be made and written at `path`."""
    target = Path(path).expanduser()
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{key} {path!r} is a file, not a folder")
    base = target
    while not base.exists():
        base = base.parent
    if not base.is_dir():
        raise ConfigError(f"{key} {path!r} cannot be created: {base} is a file")
    try:
        tempfile.TemporaryDirectory(dir=base, prefix=".govsim-probe-").cleanup()
    except OSError as exc:
        raise ConfigError(f"{key} {path!r} cannot be written ({exc.strerror or type(exc).__name__} in {base})") from None


def hydra_output_dir(argv: list[str], multirun: bool) -> str:
    """The folder Hydra makes for a run (or sweep), up to the first part it only fills in at run time."""
    key = "sweep" if multirun else "run"
    given = [a.split("=", 1)[1] for a in argv if a.startswith(f"hydra.{key}.dir=")]
    if given:
        raw = given[-1]
    else:
        import yaml

        raw = str(yaml.safe_load((config_dir() / "config.yaml").read_text())["hydra"][key]["dir"])
    if "${" not in raw:
        return raw
    static = raw[:raw.index("${")]
    return static[:static.rindex("/")] if "/" in static else "."


def preflight(argv: list[str]) -> int:
    """Compose and validate every scenario the command line describes; returns the number of jobs."""
    if any(a.split("=")[0] in INFO_FLAGS for a in argv):
        return 0
    overrides = [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith(("hydra.", "hydra/"))]
    multirun = "-m" in argv or "--multirun" in argv
    from sim.eras import build_run_world

    try:
        if not multirun:
            swept = [opts for opts in sweep_options(overrides) if len(opts) > 1]
            if swept:
                key = swept[0][0].split("=")[0]
                raise ConfigError(f"{key} is given {len(swept[0])} values: add -m to sweep over them "
                                  f"(govsim -m ...), or write a list as {key}=[a,b]")
        overrides = overrides + sweeper_params(overrides)
        check_writable(hydra_output_dir(argv, multirun), "hydra.sweep.dir" if multirun else "hydra.run.dir")
        worlds_seen = set()
        for variant in sweep_variants(overrides):
            cfg = compose(variant)
            if cfg.run.out_dir:
                check_writable(cfg.run.out_dir, "run.out_dir")
            key = (cfg.tier.name, cfg.quota.name, str(cfg.quota), tuple(cfg.run.communes), cfg.run.geography_dir,
                   str(cfg.tier), cfg.officer.non_casework_per_commune, cfg.timeline.name, str(cfg.reform.after))
            if key not in worlds_seen:  # unknown communes and budgets below the floors surface here
                worlds_seen.add(key)
                build_run_world(cfg)
        return count_jobs(overrides)
    except ConfigError as exc:
        fail(str(exc))


def _after_ctrl_c(exc: BaseException) -> bool:
    """Did this error come out of a Ctrl-C? (OmegaConf can replace a KeyboardInterrupt that lands inside it
    with an error of its own; the interrupt stays in the error's context.)"""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if isinstance(exc, KeyboardInterrupt):
            return True
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return False


@hydra.main(config_path=str(config_dir()), config_name="config", version_base=None)
def run(cfg: DictConfig) -> float | None:
    """One Hydra job: validate, simulate, write the run folder, print the summary."""
    try:
        return _run(cfg)
    except Exception as exc:  # noqa: BLE001 - only to recognise a Ctrl-C in disguise
        if _after_ctrl_c(exc):
            raise KeyboardInterrupt from None
        raise


def _run(cfg: DictConfig) -> float | None:
    try:
        scenario = validate(cfg)
    except ConfigError as exc:
        fail(str(exc))
    hc = HydraConfig.get()
    multirun = hc.mode == RunMode.MULTIRUN
    out_dir = scenario.run.out_dir or hc.runtime.output_dir
    _RUNNING["out_dir"] = out_dir
    try:
        result = run_scenario(scenario, out_dir=out_dir, progress=scenario.run.progress and not multirun,
                              echo=None if multirun else print)
    except ConfigError as exc:
        fail(str(exc))
    except OSError as exc:  # a disk that fills or a folder removed mid-run: the checks above cannot foresee it
        fail(f"cannot write the run folder {out_dir}: {exc.strerror or exc}")
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
        if (table := periods(s)) is not None:
            print(f"\nthe reform inside the run: {s['files_carried_over']:,.0f} open files carried over on "
                  f"{s['reform_date']}, {s['added_officers']:,.0f} officers added after it")
            print(table.to_string())
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


_RUNNING: dict[str, str] = {}  # the single run's folder, once Hydra has made it


def interrupted(argv: list[str], multirun: bool, jobs: int) -> None:
    """Ctrl-C: one line with how many runs finished and the command that resumes; exit code 2."""
    from sim.sweep import SweepProgress

    folder = SweepProgress.stop_all()
    command = ["govsim", *argv]
    if multirun:
        done = sum(1 for _ in Path(folder).glob("**/summary.json")) if folder else 0
        if folder and not any(a.startswith("hydra.sweep.dir=") for a in argv):
            command.append(f"hydra.sweep.dir={folder}")
        where = f" in {folder}" if folder else ""
        print(f"govsim: interrupted: {done} of {jobs or '?'} runs finished{where}; to resume (finished runs "
              f"are skipped): {shlex.join(command)}", file=sys.stderr)
    else:
        out_dir = _RUNNING.get("out_dir")
        done = int(bool(out_dir) and (Path(out_dir) / "summary.json").is_file())
        print(f"govsim: interrupted: {done} of 1 runs finished (a run stopped midway keeps nothing); to run it "
              f"again: {shlex.join(command)}", file=sys.stderr)
    sys.exit(2)


def main() -> None:
    argv = sys.argv[1:]
    multirun = "-m" in argv or "--multirun" in argv
    jobs = 0
    try:
        jobs = preflight(argv)
        if multirun:
            os.environ["GOVSIM_SWEEP_JOBS"] = str(jobs)  # read by the sweep progress callback
        run()
    except KeyboardInterrupt:
        interrupted(argv, multirun, jobs)


if __name__ == "__main__":
    main()
