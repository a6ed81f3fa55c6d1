"""Read a large CSV staff list in byte ranges, one process per range, on the cores the machine has.

The file is cut at newlines near equal fractions of its size. This process reads the first range;
a forked child reads each other range with its own csv reader and sends back what it reduced the
rows to (qidose/staff.py merges it, in file order, so the result is the one a single read gives).

A cut is only right if it falls between two records, not inside a quoted cell that holds a newline.
That is checked, not assumed: the range before a cut is read from a known record start, and a
strict csv reader that reaches its end inside quotes fails ("unexpected end of data"). A failed or
refused range is read again by this process, from the start of that range to the end of the file.

Only on Linux (fork), with 2 or more CPUs free to this process, for plain CSV files on disk.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from typing import BinaryIO, Callable

BYTES_PER_PROCESS = 3 * 2**20     # a smaller part costs more to fork, send and merge than a second core saves
MAX_PROCESSES = 4


def processes(size: int, jobs: int | None) -> int:
    """How many processes to read a file of `size` bytes with (`jobs`: --jobs, None for automatic)."""
    if not sys.platform.startswith("linux"):
        return 1
    if jobs is None:
        cpus = len(os.sched_getaffinity(0))
        jobs = min(cpus, MAX_PROCESSES, size // BYTES_PER_PROCESS)
    return max(1, jobs)


def cuts(path: str, size: int, parts: int, after: int) -> list[int]:
    """Byte offsets that split the file into about `parts` equal ranges, each just after a newline,
    all beyond byte `after` (what has been read already)."""
    offsets = []
    with open(path, "rb") as f:
        for k in range(1, parts):
            f.seek(max(size * k // parts, after, offsets[-1] if offsets else 0))
            f.readline()
            if f.tell() >= size:
                break
            if not offsets or f.tell() > offsets[-1]:
                offsets.append(f.tell())
    return offsets


class Refused(Exception):
    """A range the child cannot read as the whole-file read would (the parent reads it instead)."""


class Child:
    """A forked process running `work()`, which returns a small header (pickled) and the arrays to
    send as they are in memory. `result()` gives the header and the stream the arrays follow on,
    or raises Refused; `close()` when they are read."""

    def __init__(self, work: Callable[[], tuple[object, list]]):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:   # the child: never returns, never writes to stdout or stderr
            os.close(read_end)
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl-C ends it at once; the parent reports it
                try:
                    header, blobs = work()
                    answer = ("ok", header)
                except Exception as e:   # anything the child cannot do, the parent does itself
                    answer, blobs = ("refused", type(e).__name__), []
                with os.fdopen(write_end, "wb") as out:
                    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
                    for blob in blobs:   # raw bytes, read straight into the parent's arrays
                        out.write(memoryview(blob).cast("B"))
            finally:
                os._exit(0)
        os.close(write_end)
        self.pid, self.stream = pid, os.fdopen(read_end, "rb")

    def result(self) -> tuple[object, BinaryIO]:
        try:
            status, value = pickle.load(self.stream)
        except (EOFError, pickle.UnpicklingError, OSError):
            status, value = "refused", "no answer"
        if status != "ok":
            self.close()
            raise Refused(value)
        return value, self.stream

    def close(self) -> None:
        """Wait for the child to end (it has written everything by then)."""
        if self.pid is not None:
            self.stream.close()
            os.waitpid(self.pid, 0)
            self.pid = None

    def cancel(self) -> None:
        if self.pid is None:   # already answered
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.close()
