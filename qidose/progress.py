"""A progress bar on stderr while a large staff list is read: only on a terminal, never in batch jobs.

It appears after a second (short reads never flash one), redraws five times a second from a thread,
and is wiped when the read ends, so the warnings and the plan that follow print on a clean line.
How far the read is comes from whoever knows: the fast path reports duckdb's query progress; for the
plain path the bar watches how far into the file the open file handle is (Linux /proc; elsewhere no
bar rather than a wrong one).
"""

from __future__ import annotations

import os
import sys
import threading
import time

MIN_BYTES = 20 * 2**20      # smaller files are read before a bar would be worth drawing
_DELAY = 1.0
_TICK = 0.2
_WIDTH = 30


def wanted(path: str, verbosity: int = 0, stream=None) -> bool:
    """A bar for this read? Only for a large file on disk, stderr a terminal, not -q, not CI or a dumb terminal."""
    stream = stream or sys.stderr
    if path == "-" or verbosity < 0 or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    if os.environ.get("QIDOSE_PROGRESS", "").lower() in ("0", "no", "off", "false"):
        return False
    try:
        return stream.isatty() and os.path.getsize(path) >= MIN_BYTES
    except (OSError, ValueError):
        return False


class Reading:
    """Context manager: `with Reading(path, on) as report:`; call `report(fraction)` if you know how far."""

    def __init__(self, path: str, enabled: bool, stream=None, label: str | None = None):
        self.path, self.enabled = path, enabled
        self.stream = stream or sys.stderr
        self.label = label or os.path.basename(path)
        self.reported: float | None = None
        self.done = threading.Event()
        self.thread = None
        self.drawn = False

    def __call__(self, fraction: float) -> None:
        self.reported = max(0.0, min(1.0, fraction))

    def expect(self, end: int) -> None:
        """This process reads the file only as far as byte `end` (other processes read the rest)."""
        self.size = end

    def __enter__(self):
        if self.enabled:
            self.size = os.path.getsize(self.path)
            self.start = time.monotonic()
            self.thread = threading.Thread(target=self._run, name="qidose-progress", daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        if self.thread is not None:
            self.thread.join()
        if self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        return False

    def _fraction(self) -> float | None:
        if self.reported is not None:
            return self.reported
        position = _file_position(self.path)
        return None if position is None or not self.size else min(1.0, position / self.size)

    def _run(self) -> None:
        if self.done.wait(_DELAY):
            return
        while not self.done.is_set():
            fraction = self._fraction()
            if fraction is not None:
                self._draw(fraction)
            self.done.wait(_TICK)

    def _draw(self, fraction: float) -> None:
        filled = int(fraction * _WIDTH)
        elapsed = time.monotonic() - self.start
        line = f"\rreading {self.label} [{'#' * filled}{'.' * (_WIDTH - filled)}] {fraction:4.0%} {elapsed:4.0f}s"
        try:
            self.stream.write(line)
            self.stream.flush()
            self.drawn = True
        except (OSError, ValueError):   # stderr closed under us
            self.done.set()


def _file_position(path: str) -> int | None:
    """How far this process has read into `path` (the largest offset of its open handles), if the OS says."""
    try:
        target = os.path.realpath(path)
        best = None
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") != target:
                    continue
                with open(f"/proc/self/fdinfo/{fd}") as info:
                    for line in info:
                        if line.startswith("pos:"):
                            best = max(best or 0, int(line.split()[1]))
            except (OSError, ValueError):
                continue
        return best
    except OSError:
        return None
