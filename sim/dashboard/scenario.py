"""The "Run a scenario" form's back end: check the request, refuse large runs, run ``govsim`` in the
background and report its progress.

A run is the ordinary command line (``python -m sim ...``) in a child process, so it writes the run
contract's folder exactly as ``govsim`` does, into ``DIR/dashboard-runs/<name>``; the dashboard then rescans
its catalog. Its size is measured in shares of a full-scale Hanoi year (population simulated x scale x
days / 365); above ``MAX_YEAR_SHARE`` the form refuses it with a one-line hint at the command line.
"""

from __future__ import annotations

import datetime as dt
import re
import shlex
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd

from sim.config import QUOTAS, TIERS, ConfigError

MAX_YEAR_SHARE = 0.1  # a tenth of a full-scale year: seconds to a minute on a laptop
MAX_DAYS = 366
TIER_TABLES = {"two_tier": "communes_2tier", "three_tier": "communes_3tier"}
_PROGRESS = re.compile(r"(\d+)/(\d+) \[")


@lru_cache(maxsize=4)
def communes_of(tier: str) -> pd.DataFrame:
    """unit_code, name, population of the tier's communes (the geography shipped in sim/data)."""
    from sim.world import load_tables

    table = load_tables()[TIER_TABLES[tier]]
    from .data import fold

    table = table[["unit_code", "name", "population"]]
    return table.sort_values("name", key=lambda s: s.map(fold)).reset_index(drop=True)


@dataclass(frozen=True)
class Request:
    tier: str = "two_tier"
    quota: str = "uniform"
    communes: tuple[str, ...] = ()  # commune codes; empty = all of Hanoi
    scale: float = 1.0
    days: int = 30
    seed: int = 0

    def overrides(self) -> list[str]:
        out = [f"tier={self.tier}", f"quota={self.quota}", f"run.days={self.days}", f"run.seed={self.seed}",
               f"run.scale={self.scale:g}"]
        if self.communes:
            out.append("run.communes=[" + ",".join(f'"{c}"' for c in self.communes) + "]")
        return out

    def name(self) -> str:
        where = f"{len(self.communes)}communes" if self.communes else f"scale{self.scale:g}"
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        return f"{self.tier}-{self.quota}-seed{self.seed}-{self.days}d-{where}-{stamp}"

    def year_share(self) -> float:
        """The run's size: share of Hanoi's population simulated x scale x days / 365."""
        table = communes_of(self.tier)
        total = float(table["population"].sum())
        part = float(table.loc[table["unit_code"].isin(self.communes), "population"].sum()) if self.communes else total
        return part / total * self.scale * self.days / 365


def check(req: Request) -> None:
    """Raise ConfigError (one line) for a bad or too large request."""
    if req.tier not in TIERS:
        raise ConfigError(f"unknown tier {req.tier!r} (choose from {', '.join(TIERS)})")
    if req.quota not in QUOTAS:
        raise ConfigError(f"unknown quota {req.quota!r} (choose from {', '.join(QUOTAS)})")
    if not (isinstance(req.days, int) and 1 <= req.days <= MAX_DAYS):
        raise ConfigError(f"days must be a whole number from 1 to {MAX_DAYS}, got {req.days}")
    if not (isinstance(req.seed, int) and req.seed >= 0):
        raise ConfigError(f"seed must be a whole number >= 0, got {req.seed}")
    if not 0 < req.scale <= 1:
        raise ConfigError(f"scale must be in (0, 1], got {req.scale}")
    known = set(communes_of(req.tier)["unit_code"])
    unknown = [c for c in req.communes if c not in known]
    if unknown:
        raise ConfigError(f"not communes of {req.tier}: {', '.join(unknown)}")
    share = req.year_share()
    if share > MAX_YEAR_SHARE:
        cmd = "govsim " + " ".join(shlex.quote(o) for o in req.overrides())
        raise ConfigError(f"too large for the dashboard ({share:.2f} of a full-scale year, limit {MAX_YEAR_SHARE:g}): "
                          f"run it from the command line: {cmd}")


@dataclass
class Job:
    """One background run: ``fraction`` (0-1) while it runs; ``ok`` and ``message`` when done."""

    request: Request
    out_dir: Path
    fraction: float = 0.0
    done: bool = False
    ok: bool = False
    message: str = ""
    _lines: list[str] = field(default_factory=list)

    def command(self) -> list[str]:
        out = str(self.out_dir)
        return [sys.executable, "-m", "sim", *self.request.overrides(), f"run.out_dir={out}",
                f"hydra.run.dir={out}", "run.report=false", "run.progress=true"]

    def run(self) -> "Job":
        """Run to the end in this thread (call from a background thread)."""
        try:
            proc = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    stdin=subprocess.DEVNULL, text=True, errors="replace", bufsize=1)
        except OSError as exc:
            self.done, self.message = True, f"could not start govsim: {exc}"
            return self
        buf = ""
        while True:
            chunk = proc.stderr.read(256)
            if not chunk:
                break
            buf += chunk
            parts = re.split(r"[\r\n]", buf)
            buf = parts.pop()
            for part in parts:
                self._line(part)
            self._line(buf, partial=True)
        proc.wait()
        self._line(buf)
        self.done = True
        self.ok = proc.returncode == 0 and (self.out_dir / "summary.json").exists()
        if self.ok:
            self.fraction, self.message = 1.0, f"finished: {self.out_dir.name}"
        else:
            errors = [ln for ln in self._lines if "error" in ln.lower()] or self._lines or [f"exit {proc.returncode}"]
            self.message = errors[-1].strip()[:300]
        return self

    def _line(self, text: str, partial: bool = False) -> None:
        found = _PROGRESS.findall(text)
        if found:
            n, total = map(int, found[-1])
            if total:
                self.fraction = min(1.0, n / total)
        elif text.strip() and not partial:
            self._lines.append(text.strip())


def start(req: Request, runs_dir: Path, on_done=None) -> Job:
    """Check ``req`` (ConfigError when it is bad or too large) and start it in a background thread."""
    check(req)
    job = Job(req, Path(runs_dir) / req.name())

    def work():
        job.run()
        if on_done is not None:
            on_done(job)

    threading.Thread(target=work, name=f"govsim-run-{job.out_dir.name}", daemon=True).start()
    return job
