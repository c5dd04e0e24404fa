"""Sweep-wide progress: a Hydra callback that watches the sweep folder fill with finished runs.

It runs in the launching process, so it works alike for the basic, joblib and Ray launchers: each
finished run is a folder with summary.json (written last, atomically).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

from hydra.experimental.callback import Callback
from omegaconf import DictConfig


class SweepProgress(Callback):
    _active: list["SweepProgress"] = []  # watchers running in this process (Ctrl-C stops them)

    def __init__(self, every_seconds: float = 1.0):
        self.every = every_seconds
        self.folder: Path | None = None
        self._stop: threading.Event | None = None
        self._thread: threading.Thread | None = None

    @classmethod
    def stop_all(cls) -> str | None:
        """Stop every running watcher (its bar ends cleanly); the sweep folder of the last one, if any."""
        folder = None
        while cls._active:
            watcher = cls._active.pop()
            folder = folder or (str(watcher.folder) if watcher.folder else None)
            watcher.on_multirun_end(None)
        return folder

    def __getstate__(self) -> dict:
        # Launchers pickle callbacks into their workers; the watcher stays in the launching process.
        return {"every": self.every, "folder": self.folder, "_stop": None, "_thread": None}

    def on_multirun_start(self, config: DictConfig, **kwargs) -> None:
        total = int(os.environ.get("GOVSIM_SWEEP_JOBS", "0")) or None
        folder = Path(config.hydra.sweep.dir)
        self.folder = folder
        SweepProgress._active.append(self)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(folder, total), daemon=True)
        self._thread.start()

    def on_multirun_end(self, config: DictConfig | None, **kwargs) -> None:
        if self in SweepProgress._active:
            SweepProgress._active.remove(self)
        if self._stop is not None:
            self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _watch(self, folder: Path, total: int | None) -> None:
        from tqdm.auto import tqdm

        with tqdm(total=total, desc="sweep", unit="run") as bar:
            while True:
                stopping = self._stop.wait(self.every)
                done = sum(1 for _ in folder.glob("**/summary.json")) if folder.exists() else 0
                bar.update(done - bar.n)
                if stopping:
                    return
