"""``govsim-dashboard DIR``: serve the dashboard on a sweep folder (or one run folder) at 127.0.0.1.

A bad DIR or option is one line on stderr and exit code 2. Problems inside the folder (no runs, corrupt
runs, no catalog) are shown on the page instead.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path

HOST = "127.0.0.1"  # local only: the dashboard can start runs


def fail(message: str) -> int:
    print(f"govsim-dashboard: error: {message}", file=sys.stderr)
    return 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="govsim-dashboard",
                                description="Explore a govsim sweep in the browser (Compare, Communes, Run a scenario).")
    p.add_argument("dir", help="sweep folder (run folders at any depth) or a single run folder")
    p.add_argument("--port", type=int, default=8765, help="port on 127.0.0.1 (default 8765; 0: any free port)")
    return p


def server_command(root: Path, port: int) -> tuple[list[str], dict]:
    """The solara command line and environment that serve the dashboard on ``root``."""
    env = {**os.environ, "GOVSIM_DASHBOARD_DIR": str(root.resolve()),
           "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False"}  # a local tool: no usage pings
    cmd = [sys.executable, "-m", "solara", "run", "sim.dashboard.app", "--host", HOST, "--port", str(port),
           "--production", "--no-open", "--log-level", "warning"]
    return cmd, env


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    root = Path(args.dir)
    if not root.exists():
        return fail(f"no such directory: {root}")
    if not root.is_dir():
        return fail(f"not a directory: {root} (give the sweep folder or a run folder)")
    if not 0 <= args.port <= 65535:
        return fail(f"--port must be in 0-65535, got {args.port}")
    if importlib.util.find_spec("solara") is None:
        return fail('the dashboard needs its optional dependencies: pip install ".[dashboard]"')
    cmd, env = server_command(root, args.port)
    print(f"govsim-dashboard: serving {root.resolve()} at http://{HOST}:{args.port} (Ctrl-C to stop)", flush=True)
    try:
        os.execve(cmd[0], cmd, env)  # the server replaces this process: Ctrl-C stops it directly
    except OSError as exc:
        return fail(f"cannot start the server: {exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
