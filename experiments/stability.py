"""Is a design stable over a year? Mean total backlog of the last quarter against the second (issue 11).

    python experiments/stability.py RUN_DIR [RUN_DIR ...]        # finished runs (unit_daily.parquet)
    python experiments/stability.py --seeds 0 1 2 --out DIR [OVERRIDE ...]
        # runs `tier=three_tier` (historical staffing) at full scale for each seed, one after the other,
        # into DIR/s<seed>, then reports; extra Hydra overrides are passed on (e.g. tier.staffing=same_budget)

The run's days are cut into four equal quarters from its start date. A design passes when, on every run,
the mean total backlog (open requests at all units, all fields) of the last quarter is at most
`--limit` (1,2) times that of the second quarter. For each run the table also lists the desks
(unit x field) whose backlog grew most between those quarters, with their utilisation in the last quarter:
the units that saturate, when a design fails.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def quarter_means(run_dir: Path) -> tuple[pd.Series, pd.DataFrame]:
    """Mean total backlog per quarter (1-4), and per desk the Q2 / Q4 backlog and Q4 utilisation."""
    daily = pd.read_parquet(run_dir / "unit_daily.parquet",
                            columns=["day", "unit", "unit_name", "unit_kind", "field", "backlog",
                                     "busy_hours", "available_hours"])
    n_days = int(daily["day"].max()) + 1
    daily["quarter"] = 1 + (daily["day"] * 4 // n_days)
    total = daily.groupby(["quarter", "day"])["backlog"].sum().groupby("quarter").mean()
    desks = daily[daily["quarter"].isin([2, 4])].groupby(["unit", "unit_name", "unit_kind", "field", "quarter"]).agg(
        backlog=("backlog", "mean"), busy=("busy_hours", "sum"), available=("available_hours", "sum")).unstack("quarter")
    out = pd.DataFrame({"backlog_q2": desks[("backlog", 2)], "backlog_q4": desks[("backlog", 4)],
                        "util_q4": desks[("busy", 4)] / desks[("available", 4)].where(desks[("available", 4)] > 0)})
    out["growth"] = out["backlog_q4"] - out["backlog_q2"]
    return total, out.sort_values("growth", ascending=False).reset_index()


def report(run_dirs: list[Path], limit: float, top: int) -> bool:
    rows, ok = [], True
    for run in run_dirs:
        summary = json.loads((run / "summary.json").read_text())
        q, desks = quarter_means(run)
        ratio = q.get(4) / q.get(2) if q.get(2) else float("inf")
        ok &= bool(ratio <= limit)
        rows.append({"run": str(run), "design": summary.get("design"), "staffing": summary.get("staffing", ""),
                     "seed": summary.get("seed"), **{f"Q{k}": round(float(v), 1) for k, v in q.items()},
                     "Q4/Q2": round(float(ratio), 3), "stable": bool(ratio <= limit)})
        print(f"\n{run}: fastest-growing desks (backlog, mean per day; utilisation in the last quarter)")
        print(desks.head(top).round(3).to_string(index=False))
    table = pd.DataFrame(rows)
    print("\nmean total backlog per quarter (open requests, all units; simulated, i.e. at run.scale):")
    print(table.to_string(index=False))
    print(f"\n{'STABLE' if ok else 'NOT STABLE'}: last quarter within {limit}x the second on every run")
    return ok


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="*", help="finished run folders, or Hydra overrides with --seeds")
    ap.add_argument("--seeds", type=int, nargs="+", help="run tier=three_tier for these seeds first")
    ap.add_argument("--out", type=Path, default=Path("results/stability"), help="where --seeds runs go")
    ap.add_argument("--limit", type=float, default=1.2)
    ap.add_argument("--top", type=int, default=8, help="desks listed per run")
    args = ap.parse_args(argv)
    if args.seeds:
        from sim.config import compose
        from sim.runner import run_scenario

        run_dirs = []
        for seed in args.seeds:
            cfg = compose(["tier=three_tier", f"run.seed={seed}", "run.report=false", "run.write_requests=false",
                           *args.runs])
            result = run_scenario(cfg, out_dir=args.out / f"s{seed}")
            print(f"seed {seed}: {result.out_dir} ({result.wall_seconds:.0f} s{', reused' if result.skipped else ''})")
            run_dirs.append(result.out_dir)
    else:
        run_dirs = [Path(r) for r in args.runs]
    if not run_dirs:
        ap.error("give run folders or --seeds")
    return 0 if report(run_dirs, args.limit, args.top) else 1


if __name__ == "__main__":
    sys.exit(main())
