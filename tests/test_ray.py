"""The Ray launcher on a local Ray instance. Needs `pip install ".[ray]"`; skipped where Ray is absent (CI)."""
from __future__ import annotations

import subprocess
import sys

import pytest

from scenarios import SMALL

pytest.importorskip("ray", reason="Ray is an optional extra: pip install '.[ray]'")
pytest.importorskip("hydra_plugins.hydra_ray_launcher", reason="hydra-ray-launcher is not installed")

pytestmark = pytest.mark.ray


def test_small_sweep_on_local_ray(tmp_path):
    sweep = tmp_path / "sweep"
    proc = subprocess.run([sys.executable, "-m", "sim", "-m", "hydra/launcher=ray",
                           "+hydra.launcher.ray.init.num_cpus=2", *SMALL, "run.days=20",
                           "tier=three_tier,two_tier", f"hydra.sweep.dir={sweep}"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert len(list(sweep.glob("*/summary.json"))) == 2
