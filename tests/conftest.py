"""Session fixtures; the scenario builders live in scenarios.py."""
from __future__ import annotations

from pathlib import Path

import pytest

from scenarios import one_commune_dir


@pytest.fixture(scope="session")
def one_commune(tmp_path_factory) -> Path:
    return one_commune_dir(tmp_path_factory.mktemp("one_commune"))
