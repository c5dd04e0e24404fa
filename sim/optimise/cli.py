"""`govsim-optimise`: how many officers each commune should get, and a rule a decree can state.

    govsim-optimise                                        # two-tier, max_backlog, both stages, evaluation
    govsim-optimise optimise.objective=worst_on_time optimise.max_change=10
    govsim-optimise optimise.simulate=false optimise.evaluate=false   # the analytic stage alone (seconds)
    govsim-optimise optimise.target_on_time=0.98           # minimal-budget mode
    govsim-optimise run.communes='["00004","00008"]' run.days=60 optimise.sim_years=1   # a quick try

The same config and overrides as `govsim` (conf/config.yaml, section `optimise`); every bad one stops with
one line on stderr and exit code 2. The output folder: optimise.out_dir, else results/optimise/<tier>-<objective>.
"""
from __future__ import annotations

import logging
import sys

import hydra
from omegaconf import DictConfig

from sim.cli import INFO_FLAGS
from sim.cli import fail as govsim_fail
from sim.config import ConfigError, compose, config_dir, validate

log = logging.getLogger("govsim")


def fail(message: str) -> None:
    govsim_fail(message, program="govsim-optimise")


def preflight(argv: list[str]) -> str | None:
    """Validate the overrides before Hydra starts; returns the output folder (None for info flags)."""
    if any(a.split("=")[0] in INFO_FLAGS for a in argv):
        return None
    if "-m" in argv or "--multirun" in argv:
        fail("govsim-optimise runs one optimisation (no -m); it runs its candidates in parallel itself")
    overrides = [a for a in argv if not a.startswith("-") and not a.lstrip("+~").startswith(("hydra.", "hydra/"))]
    from sim.optimise.desks import build_problem
    from sim.optimise.pipeline import default_out

    try:
        cfg = compose(overrides)
        build_problem(cfg)  # unknown communes, infeasible floors and the like surface here, in one line
        return str(default_out(cfg))
    except ConfigError as exc:
        fail(str(exc))


@hydra.main(config_path=str(config_dir()), config_name="config", version_base=None)
def run(cfg: DictConfig) -> None:
    from pathlib import Path

    from sim.optimise.pipeline import default_out, minimal_budget, optimise_quota

    try:
        scenario = validate(cfg)
        out = default_out(scenario)
        if scenario.optimise.target_on_time > 0:
            minimal_budget(scenario, out)
        else:
            result = optimise_quota(scenario, out)
            ev = result.evaluation
            if ev:
                from sim.optimise.outputs import comparison

                comp = comparison(result)
                m = comp[comp["metric"] == scenario.optimise.objective].set_index("allocation")
                print(m[["n", "mean", "ci_low", "ci_high", "diff_vs_uniform", "diff_vs_area_grouped",
                         "diff_vs_area_grouped_ci_low", "diff_vs_area_grouped_ci_high"]]
                      .to_string(float_format=lambda v: f"{v:.4g}"))
    except ConfigError as exc:
        fail(str(exc))
    print(f"written to {Path(out)} (report.md)")


def main() -> None:
    argv = sys.argv[1:]
    out = preflight(argv)
    if out is not None and not any(a.startswith("hydra.run.dir=") for a in argv):
        sys.argv.append(f"hydra.run.dir={out}")
    run()


if __name__ == "__main__":
    main()
