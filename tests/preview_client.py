"""A running ``workbook preview`` seen from a test: its state and report over HTTP, and a wait
for a state (shared by the preview test modules)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

WAIT = 900.0  # a hang guard on a loaded machine, not a speed requirement


@dataclass
class Running:
    process: subprocess.Popen[str]
    base: str  # http://127.0.0.1:<port>
    root: Path  # the workspace it serves

    def state(self) -> dict:
        with urllib.request.urlopen(f"{self.base}/tillstand", timeout=WAIT) as response:
            return json.loads(response.read())

    def report(self) -> str:
        with urllib.request.urlopen(f"{self.base}/rapport", timeout=WAIT) as response:
            return response.read().decode("utf-8")

    def wait(self, predicate: Callable[[dict], bool], what: str) -> dict:
        """The first state ``predicate`` accepts; ``AssertionError`` when the preview ends or
        ``WAIT`` passes first."""
        end = time.monotonic() + WAIT
        while time.monotonic() < end:
            assert self.process.poll() is None, "the preview ended"
            try:
                state = self.state()
            except OSError:
                state = None
            if state is not None and predicate(state):
                return state
            time.sleep(0.1)
        raise AssertionError(f"the preview never showed {what}")
