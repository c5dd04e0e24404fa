"""How fast is a full-scale Hanoi year, measured honestly (issue 6).

    python benchmarks/bench_year.py [--repeats 3] [--quick] [--out results/bench/bench_year.json]

Every measured simulation runs in a fresh Python process, one after the other (never two at once), so
each figure has its own peak resident memory (the child's ru_maxrss, read with os.wait4) and no run
inherits another's warm caches or heap. Repeats are interleaved (all jobs once, then all jobs again, ...)
so that a burst of load from other users of the machine spreads over all figures instead of hitting one;
each figure is the median over the repeats.

Measured:
  - govsim two-tier and three-tier defaults at run.scale=1.0 for 365 days: world building (world + agents)
    and simulation wall time (out_dir=None: no Parquet written, no summary), the simulation's CPU time,
    peak memory, and requests simulated per second (requests = ledger rows: dossiers, complaints, tasks);
  - the bare SimPy baseline: M/M/c with c=10, lambda=9, mu=1, one process per customer, simpy.Resource,
    the simplest possible loop: customers per second;
  - govsim's requests/s over the baseline's customers/s, two ways: the medians' ratio, and the median of
    paired ratios (the baseline runs just before and just after each headline run; the target uses this one,
    as it is least sensitive to the machine's speed drifting over the minutes of a benchmark);
  - two-tier wall time at run.scale 0.1, 0.25, 0.5 and 1.0, wall time per request at each, and the ratio
    per-request(1.0) / per-request(0.1).

--before DIR also runs the two-tier headline job on the code in DIR (e.g. a `git worktree` of an earlier
commit), interleaved with the others, and reports the speed-up of this checkout over it: a before/after
figure measured in the same run, under the same load.

--quick is a smoke test: scale 0.05 instead of 1.0 (the scaling ladder becomes 0.005 .. 0.05), one
repeat, 50.000 baseline customers. The machine may be shared, so the table also prints the load average
seen before and after; CPU seconds next to wall seconds show how much of a wall time was waiting.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCALES = (0.1, 0.25, 0.5, 1.0)
TARGETS = {
    "two_tier_wall_s": 60.0,              # full-scale two-tier year
    "two_tier_peak_mib": 2048.0,
    "three_tier_over_two_tier": 1.5,      # three-tier wall within 1.5x of two-tier
    "requests_per_s_over_baseline": 1.0,  # govsim requests/s over bare SimPy customers/s
    "per_request_1_over_0_1": 1.3,        # wall per request at scale 1.0 over that at 0.1
}


# ------------------------------------------------------------ what runs in a child process
def child_govsim(tier: str, scale: float, days: int) -> dict:
    from sim.config import compose
    from sim.metrics import config_hash
    from sim.model import GovernanceModel
    from sim.runner import resolved_yaml
    from sim.world import build_world

    cfg = compose([f"tier={tier}", f"run.scale={scale}", f"run.days={days}", "run.progress=false"])
    t0 = time.perf_counter()
    world = build_world(cfg)
    model = GovernanceModel(world)
    t1, c1 = time.perf_counter(), time.process_time()
    model.run_model()
    t2, c2 = time.perf_counter(), time.process_time()
    return {"build_s": t1 - t0, "sim_s": t2 - t1, "sim_cpu_s": c2 - c1, "requests": int(model.ledger.n),
            "officers": len(model.officer_desk), "units": int(world.n_units),
            "config_hash": config_hash(resolved_yaml(cfg))}


def child_baseline(customers: int, servers: int = 10, lam: float = 9.0, mu: float = 1.0, seed: int = 0) -> dict:
    """The bare SimPy M/M/c loop: one process per customer, a simpy.Resource, exponential times."""
    import random

    import simpy

    rng = random.Random(seed)
    env = simpy.Environment()
    desk = simpy.Resource(env, capacity=servers)
    served = 0

    def customer():
        nonlocal served
        with desk.request() as turn:
            yield turn
            yield env.timeout(rng.expovariate(mu))
        served += 1

    def arrivals():
        for _ in range(customers):
            yield env.timeout(rng.expovariate(lam))
            env.process(customer())

    env.process(arrivals())
    t0, c0 = time.perf_counter(), time.process_time()
    env.run()
    t1, c1 = time.perf_counter(), time.process_time()
    assert served == customers
    return {"sim_s": t1 - t0, "sim_cpu_s": c1 - c0, "customers": served}


def child_main(spec: str) -> None:
    job = json.loads(spec)
    out = child_govsim(job["tier"], job["scale"], job["days"]) if job["kind"] == "govsim" \
        else child_baseline(job["customers"])
    sys.stdout.write(json.dumps(out) + "\n")


# ------------------------------------------------------------ the parent: run jobs, one fresh process each
def run_child(job: dict) -> dict:
    """Run one job in a fresh interpreter; add its peak resident memory (MiB) from the kernel's rusage."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    if job.get("root"):  # the `sim` package of another checkout
        env["PYTHONPATH"] = os.pathsep.join([job["root"], env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    proc = subprocess.Popen([sys.executable, __file__, "--child", json.dumps(job)], stdout=subprocess.PIPE,
                            cwd=job.get("root") or ROOT, env=env)
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark job {job} failed with exit code {proc.returncode}")
    result = json.loads(out.decode().strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024  # Linux reports KiB
    return result


def median_of(runs: list[dict]) -> dict:
    keys = [k for k, v in runs[0].items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    # spread: slowest over fastest repeat. Other users of the machine only ever add time, so a spread well
    # above 1 says the medians carry their noise (and the fastest repeat is the better guess of the cost).
    return {**{k: statistics.median(r[k] for r in runs) for k in keys},
            "spread": max(r["sim_s"] for r in runs) / min(r["sim_s"] for r in runs)}


def git_commit(root: Path = ROOT) -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=3, help="runs per figure; each figure is their median")
    ap.add_argument("--quick", action="store_true", help="smoke test: scale 0.05, 1 repeat, 50.000 customers")
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--out", default=str(ROOT / "results" / "bench" / "bench_year.json"))
    ap.add_argument("--before", help="a checkout of earlier code: also time its two-tier headline run")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child_main(args.child)
        return {}

    full = 0.05 if args.quick else 1.0
    repeats = 1 if args.quick else args.repeats
    customers = 50_000 if args.quick else 200_000
    ladder = [round(s * full, 6) for s in SCALES]
    jobs = {("govsim", "two_tier", full): {"kind": "govsim", "tier": "two_tier", "scale": full, "days": args.days},
            ("govsim", "three_tier", full): {"kind": "govsim", "tier": "three_tier", "scale": full, "days": args.days},
            ("baseline",): {"kind": "baseline", "customers": customers}}
    for s in ladder:  # the ladder's top rung is the two-tier headline run itself
        jobs.setdefault(("govsim", "two_tier", s), {"kind": "govsim", "tier": "two_tier", "scale": s, "days": args.days})
    if args.before:
        before = str(Path(args.before).resolve())
        if not (Path(before) / "sim" / "model.py").is_file():
            sys.exit(f"bench_year: error: --before {args.before} is not a govsim checkout (no sim/model.py)")
        jobs[("before", "two_tier", full)] = {"kind": "govsim", "tier": "two_tier", "scale": full, "days": args.days,
                                              "root": before}

    # One repeat: the baseline runs just before and just after each headline run, so that each headline run
    # has a baseline measured under the same load, minutes apart at most (machines drift).
    headline = [("govsim", "two_tier", full), ("govsim", "three_tier", full)]
    order = [("baseline",)] + [k for h in headline for k in (h, ("baseline",))] \
        + [k for k in jobs if k not in headline and k != ("baseline",)]
    load_before = os.getloadavg()
    started = time.time()
    runs: dict[tuple, list[dict]] = {key: [] for key in jobs}
    paired: dict[tuple, list[float]] = {h: [] for h in headline}
    for r in range(repeats):
        sequence = []
        for key in order:
            res = run_child(jobs[key])
            runs[key].append(res)
            sequence.append((key, res))
            print(f"  [{r + 1}/{repeats}] {' '.join(map(str, key)):<28} {res['sim_s']:7.2f} s wall, "
                  f"{res['sim_cpu_s']:7.2f} s cpu, {res['peak_mib']:6.0f} MiB", file=sys.stderr, flush=True)
        for i, (key, res) in enumerate(sequence):
            if key in paired:  # its neighbours in the sequence are baselines
                around = [sequence[i - 1][1], sequence[i + 1][1]]
                base_rate = statistics.mean(b["customers"] / b["sim_s"] for b in around)
                paired[key].append(res["requests"] / res["sim_s"] / base_rate)
    load_after = os.getloadavg()
    med = {key: median_of(rs) for key, rs in runs.items()}

    base = med[("baseline",)]
    base_rate = base["customers"] / base["sim_s"]
    designs = {}
    for tier in ("two_tier", "three_tier"):
        key = ("govsim", tier, full)
        rate = statistics.median(r["requests"] / r["sim_s"] for r in runs[key])
        designs[tier] = {**med[key], "requests_per_s": rate, "requests_per_s_over_baseline": rate / base_rate,
                         "paired_over_baseline": statistics.median(paired[key]),
                         "paired_over_baseline_runs": paired[key], "config_hash": runs[key][0]["config_hash"]}
    scaling = []
    for s in ladder:
        rs = runs[("govsim", "two_tier", s)]
        per_request = statistics.median(r["sim_s"] / r["requests"] for r in rs)
        fastest = min(r["sim_s"] / r["requests"] for r in rs)
        scaling.append({"scale": s, **med[("govsim", "two_tier", s)], "wall_per_request_us": per_request * 1e6,
                        "fastest_per_request_us": fastest * 1e6})
    ratio = scaling[-1]["wall_per_request_us"] / scaling[0]["wall_per_request_us"]
    fastest_ratio = scaling[-1]["fastest_per_request_us"] / scaling[0]["fastest_per_request_us"]
    two, three = designs["two_tier"], designs["three_tier"]
    checks = {
        "two_tier_wall_s": (two["sim_s"], two["sim_s"] <= TARGETS["two_tier_wall_s"]),
        "two_tier_peak_mib": (two["peak_mib"], two["peak_mib"] <= TARGETS["two_tier_peak_mib"]),
        "three_tier_over_two_tier": (three["sim_s"] / two["sim_s"],
                                     three["sim_s"] / two["sim_s"] <= TARGETS["three_tier_over_two_tier"]),
        "requests_per_s_over_baseline": (two["paired_over_baseline"],
                                         two["paired_over_baseline"] >= TARGETS["requests_per_s_over_baseline"]),
        "per_request_1_over_0_1": (ratio, ratio <= TARGETS["per_request_1_over_0_1"]),
    }
    report = {
        "quick": args.quick, "repeats": repeats, "days": args.days, "scale": full,
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
        "minutes": round((time.time() - started) / 60, 1),
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform(),
                    "load_avg_before": load_before, "load_avg_after": load_after},
        "versions": _versions(), "git_commit": git_commit(),
        "designs": designs,
        "baseline": {**base, "customers_per_s": base_rate, "servers": 10, "lambda": 9.0, "mu": 1.0},
        "scaling": scaling, "per_request_ratio_1_over_0_1": ratio, "fastest_per_request_ratio_1_over_0_1": fastest_ratio,
        "targets": {k: {"value": v, "target": TARGETS[k], "met": ok} for k, (v, ok) in checks.items()}
        if not args.quick else {},
        "runs": {" ".join(map(str, k)): v for k, v in runs.items()},
    }
    if args.before:
        b = med[("before", "two_tier", full)]
        same = runs[("before", "two_tier", full)][0]["config_hash"] == two["config_hash"]
        report["before"] = {**b, "root": before, "git_commit": git_commit(Path(before)), "same_config": same,
                            "speedup": b["sim_s"] / two["sim_s"],
                            "requests_per_s": statistics.median(r["requests"] / r["sim_s"]
                                                                for r in runs[("before", "two_tier", full)])}
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    print(f"\nwritten: {out}")
    return report


def _versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version
    out = {}
    for pkg in ("simpy", "mesa", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def render(rep: dict) -> str:
    n = rep["repeats"]
    lines = [f"govsim: a {rep['days']}-day year at run.scale={rep['scale']} "
             f"(median of {n} run{'s' if n > 1 else ''}, each in a fresh process)", ""]
    lines.append(f"{'design':<12}{'build s':>9}{'sim s':>9}{'cpu s':>9}{'peak MiB':>10}{'requests':>11}"
                 f"{'req/s':>10}{'vs SimPy':>10}{'paired':>9}{'best':>7}{'spread':>8}")
    for tier, d in rep["designs"].items():
        lines.append(f"{tier:<12}{d['build_s']:>9.2f}{d['sim_s']:>9.2f}{d['sim_cpu_s']:>9.2f}{d['peak_mib']:>10.0f}"
                     f"{d['requests']:>11,.0f}{d['requests_per_s']:>10,.0f}{d['requests_per_s_over_baseline']:>9.2f}x"
                     f"{d['paired_over_baseline']:>8.2f}x{max(d['paired_over_baseline_runs']):>6.2f}x{d['spread']:>8.2f}")
    lines.append("vs SimPy: median req/s over the median baseline customers/s; paired: median over repeats of each "
                 "run's req/s over the mean of the baselines run just before and after it; best: the highest paired "
                 "ratio (the repeat least slowed by other users of the machine); spread: slowest over fastest repeat")
    two, three = rep["designs"]["two_tier"], rep["designs"]["three_tier"]
    lines.append(f"three-tier / two-tier wall: {three['sim_s'] / two['sim_s']:.2f}x")
    b = rep["baseline"]
    lines += ["", f"bare SimPy M/M/{b['servers']} (lambda={b['lambda']:g}, mu={b['mu']:g}, one process per customer, "
                  f"{b['customers']:,.0f} customers): {b['sim_s']:.2f} s wall, {b['sim_cpu_s']:.2f} s cpu, "
                  f"{b['customers_per_s']:,.0f} customers/s, {b['peak_mib']:.0f} MiB", ""]
    lines.append(f"{'two-tier scale':<16}{'requests':>11}{'sim s':>9}{'cpu s':>9}{'us/request':>12}{'vs first':>10}"
                 f"{'spread':>8}{'fastest':>9}")
    first = rep["scaling"][0]["wall_per_request_us"]
    for s in rep["scaling"]:
        lines.append(f"{s['scale']:<16g}{s['requests']:>11,.0f}{s['sim_s']:>9.2f}{s['sim_cpu_s']:>9.2f}"
                     f"{s['wall_per_request_us']:>12.2f}{s['wall_per_request_us'] / first:>9.2f}x{s['spread']:>8.2f}"
                     f"{s['fastest_per_request_us']:>9.2f}")
    lines.append(f"spread: slowest over fastest repeat; fastest: the fastest repeat's us/request "
                 f"(scale 1 over the first: {rep['fastest_per_request_ratio_1_over_0_1']:.2f}x)")
    if rep.get("before"):
        b = rep["before"]
        lines += ["", f"before (git {b['git_commit']}, two-tier, same config: {'yes' if b['same_config'] else 'NO'}): "
                      f"{b['sim_s']:.2f} s wall, {b['requests_per_s']:,.0f} req/s, {b['peak_mib']:.0f} MiB; "
                      f"this checkout is {b['speedup']:.2f}x faster"]
    if rep["targets"]:
        lines += ["", "targets:"]
        for k, t in rep["targets"].items():
            cmp = ">=" if k == "requests_per_s_over_baseline" else "<="
            lines.append(f"  {k:<30}{t['value']:>10.2f}  ({cmp} {t['target']:g})  {'met' if t['met'] else 'NOT met'}")
    m = rep["machine"]
    lines += ["", f"load average before {m['load_avg_before'][0]:.2f}, after {m['load_avg_after'][0]:.2f} "
                  f"on {m['cpus']} CPUs; python {m['python']}, simpy {rep['versions']['simpy']}, "
                  f"mesa {rep['versions']['mesa']}, git {rep['git_commit']}; {rep['minutes']} min"]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
