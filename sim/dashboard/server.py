"""Start the dashboard's server in a child process and wait until it answers (for tests and scripts)."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from .cli import HOST, server_command


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def running(root, port: int | None = None, timeout: float = 60.0, log=None):
    """``with running(DIR) as url:`` the dashboard on DIR at ``url`` (127.0.0.1), stopped on exit."""
    port = port or free_port()
    cmd, env = server_command(Path(root), port)
    cache = tempfile.mkdtemp(prefix="govsim-dashboard-")
    env["GOVSIM_DASHBOARD_CACHE"] = cache  # the figures it draws; removed with the server
    out = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"the dashboard server exited with code {proc.returncode}"
                                   + (f" (log: {log})" if log else ""))
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"the dashboard did not answer at {url} within {timeout:.0f} s")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if log:
            out.close()
        shutil.rmtree(cache, ignore_errors=True)
