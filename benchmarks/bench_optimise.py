"""How long a full-scale quota optimisation takes, and how many simulated years it spends (issue 12).

    python benchmarks/bench_optimise.py [--quick] [--evaluate] [--out results/bench/bench_optimise.json]

Runs `govsim-optimise` on the default two-tier world at run.scale 1 for 365 days, both stages (analytic, then
the simulation stage with its default budget of optimise.sim_years simulated years, candidates in parallel
with joblib), in a fresh process, and reports the wall time of each stage, the number of full runs and of
simulated years, and the load average before and after (the machine may be shared). The target is 20
minutes for both stages. --evaluate also times the comparison on fresh seeds (4 allocations x
optimise.eval_seeds), which is not part of the target. --quick: three communes, 30 days (a smoke test).
Extra arguments after -- are passed to govsim-optimise (e.g. -- optimise.objective=worst_on_time).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MINUTES = 20.0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--evaluate", action="store_true")
    ap.add_argument("--out", default="results/bench/bench_optimise.json")
    ap.add_argument("extra", nargs="*")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench_optimise_"))
    argv = [sys.executable, "-m", "sim.optimise", f"optimise.out_dir={work}", f"optimise.evaluate={str(args.evaluate).lower()}"]
    if args.quick:
        argv += ["run.communes=['00004','09661','09700']", "run.days=30", "optimise.sim_years=0.9",
                 "optimise.eval_seeds=[0,1]"]
    argv += args.extra
    load_before = os.getloadavg()
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        sys.exit(f"govsim-optimise failed:\n{proc.stderr[-2000:]}")
    info = json.loads((work / "optimise.json").read_text())
    sec = info["seconds"]
    both = sec.get("analytic", 0) + sec.get("search", 0)
    result = {"quick": args.quick, "argv": argv[3:], "wall_s": round(wall, 1),
              "analytic_s": round(sec.get("analytic", 0), 1), "search_s": round(sec.get("search", 0), 1),
              "both_stages_min": round(both / 60, 2), "evaluate_s": round(sec.get("evaluate", 0), 1),
              "search_runs": info["search_runs"], "search_simulated_years": round(info["search_years"], 2),
              "evaluation_simulated_years": round(info["evaluation_years"], 2),
              "target_min": TARGET_MINUTES, "meets_target": both / 60 <= TARGET_MINUTES,
              "load_before": [round(x, 2) for x in load_before], "load_after": [round(x, 2) for x in os.getloadavg()],
              "cpus": os.cpu_count(), "output": str(work)}
    out = ROOT / args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    for k, v in result.items():
        print(f"{k:>28}: {v}")


if __name__ == "__main__":
    main()
