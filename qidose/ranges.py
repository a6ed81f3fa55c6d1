"""Read a large CSV staff list in byte ranges, one process per range, on the cores the machine has.

The file is cut at newlines near equal fractions of its size. This process reads the first range;
a forked child reads each other range with its own csv reader and RowReader (rows.py) and sends
back what it reduced the rows to; this process merges it, in file order, so that the result is the
one a single read gives: the same people, figures and warnings.

A cut is only right if it falls between two records, not inside a quoted cell that holds a newline.
That is checked, not assumed: the range before a cut is read from a known record start, and a
strict csv reader that reaches its end inside quotes fails ("unexpected end of data"). A failed or
refused range is read again by this process, from the start of that range to the end of the file.

Only on Linux (fork), with 2 or more CPUs free to this process, for plain CSV files on disk.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import sys
from array import array
from typing import BinaryIO, Callable

from qidose.diagnostics import Diagnostics
from qidose.rows import CHECKS, PER_KEY, RowReader
from qidose.staff_file import open_range

BYTES_PER_PROCESS = 3 * 2**20     # a smaller part costs more to fork, send and merge than a second core saves
MAX_PROCESSES = 4
_BLOCK = 1 << 16             # bytes of a child's bitmap compared at a time
_NONZERO = re.compile(rb"[^\x00]+")


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
        import pickle   # here, not at the top: most files are read in one process
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
        import pickle
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


class ReadAgain(Exception):
    """A range of the file did not end cleanly (a cut inside a quoted cell), or a child's answer broke
    off: read the whole file in one process instead."""


def read_in_ranges(reader: RowReader, path: str, jobs: int | None, progress) -> bool:
    """Read a large CSV file in byte ranges, the first here and the others in forked children, and
    merge what they found in file order. False if the file is read in one process."""
    source = reader.source
    if source.dialect is None or source.size is None:
        return False
    parts = processes(source.size, jobs)
    offsets = cuts(path, source.size, parts, after=0) if parts > 1 else []
    if not offsets or not source.stop_at(offsets[0]):
        return False
    if progress is not None and hasattr(progress, "expect"):
        progress.expect(offsets[0])   # this process's file handle only goes as far as the first cut
    stops = offsets[1:] + [None]
    children = [Child(lambda k=k, start=start, stop=stop: read_range(reader, path, start, stop, k))
                for k, (start, stop) in enumerate(zip(offsets, stops), 1)]
    try:
        try:
            reader.read()
        except (UnicodeDecodeError, csv.Error):
            raise ReadAgain from None   # perhaps the first cut fell inside a quoted cell
        lines = source.line()
        for k, (child, start) in enumerate(zip(children, offsets)):
            try:
                part, stream = child.result()
            except Refused:   # read the rest here, as one range
                for other in children[k + 1:]:
                    other.cancel()
                children = []
                reader.source = open_range(path, source.dialect, start, None, first_line=lines)
                reader.read()
                break
            before, lines = lines, lines + part["lines"]
            try:
                absorb(reader, part, stream, before, last=k == len(children) - 1)
            except (EOFError, OSError):   # the child died while sending: start again, in one process
                raise ReadAgain from None
            finally:
                child.close()
    finally:
        for child in children:
            child.cancel()
    return True


# -- what a child sends, and how the first process merges it ----------------------------------

def read_range(reader: RowReader, path: str, start: int, stop: int | None, number: int) -> tuple[dict, list]:
    """In a child process: read range `number` of the file, bytes start..stop; what it found, and its
    arrays (employee numbers, codes, repeats, bitmap), sent raw after it."""
    source = open_range(path, reader.source.dialect, start, stop)
    child = RowReader(reader.config, reader.index, reader.by_index, Diagnostics(reader.diagnostics.source),
                      reader.as_of, source, number)
    child.read()
    codes = array("Q", map((child.base << 18).__add__, child.codes))   # its combination numbers, in its range
    arrays = [child.ids, codes, child.repeats, child.seen]
    header = {
        "lines": source.line(), "sizes": [len(a) for a in arrays], "base": child.base,
        "keys": [key for key, number in child.combination_of.items() if number >= 0],   # in number order
        "combinations": child.combinations, "people": array("Q", child.people),
        "fte_units": array("Q", child.fte_units), "not_in_post": child.not_in_post,
        "warnings": child.diagnostics.warnings, "key_events": child.key_events,
    }
    return header, arrays


def absorb(reader: RowReader, part: dict, stream, lines_before: int, last: bool = True) -> None:
    """Add what a child found in the next range of the file, as if this reader had read it
    (its arrays are read from `stream` straight onto this reader's)."""
    theirs, base = part["combinations"], part["base"]
    for number, key in enumerate(part["keys"]):   # its combinations, in the order it numbered them
        own = reader.combination_of.get(key)
        if own is None:
            reader.combinations.append(theirs[number])
            reader.check_limit()
            reader.people.extend((0, 0, 0, 0))
            reader.fte_units.append(0)
            own = reader.combination_of[key] = len(reader.combinations) - 1
        reader.canonical[base + number] = own
        for start in range(4):   # its rows counted as people so far, and their FTE
            reader.people[own << 2 | start] += part["people"][number << 2 | start]
        reader.fte_units[own] += part["fte_units"][number]
    reader.not_in_post += part["not_in_post"]
    _absorb_warnings(reader, part, lines_before)
    ids, codes, repeats, seen = part["sizes"]
    part.clear()   # free the child's tables before this reader's arrays grow
    if last:
        reader.free_tables()
    for array_, size in ((reader.ids, ids), (reader.codes, codes), (reader.repeats, repeats)):
        _read_onto(array_, stream, size)
    _absorb_seen(reader, stream, seen, last)


def _absorb_seen(reader: RowReader, stream, size: int, last: bool) -> None:
    """A child's bitmap of employee numbers, read in blocks: numbers met here and there are people
    with rows in both ranges (repeats); the rest are added for the ranges after it."""
    mine = reader.seen
    if not last and size > len(mine):
        mine.extend(bytes(size - len(mine)))
    for at in range(0, size, _BLOCK):
        theirs = stream.read(min(_BLOCK, size - at))
        if len(theirs) < min(_BLOCK, size - at):
            raise EOFError("a child's bitmap ended early")
        block = len(theirs)
        both = int.from_bytes(mine[at:at + block], "little") & int.from_bytes(theirs, "little")
        if both:
            both = both.to_bytes(block, "little")
            for run in _NONZERO.finditer(both):   # the bytes that hold a number met in both
                for byte in range(run.start(), run.end()):
                    reader.repeats.extend((at + byte) << 3 | bit for bit in range(8) if both[byte] >> bit & 1)
        if not last:
            mine[at:at + block] = (int.from_bytes(mine[at:at + block], "little")
                                   | int.from_bytes(theirs, "little")).to_bytes(block, "little")


def _absorb_warnings(reader: RowReader, part: dict, lines_before: int) -> None:
    """A child's warnings, as one read would give them: its row numbers moved on by the lines before
    its range, a value already warned about here not warned again, in the order rows are met."""
    kept: dict[str, list[int]] = {}
    for kind, row, value in part["key_events"]:
        if (kind, value) not in reader.warned:   # a value warns the first time it is met
            reader.warned.add((kind, value))
            kept.setdefault(kind, []).append(row)
            reader.key_events.append((kind, lines_before + row, value))
    for kind, w in part["warnings"].items():
        rows, count = (kept.get(kind, []), len(kept.get(kind, []))) if kind in PER_KEY else (w.rows, w.count)
        if count:
            reader.diagnostics.add(kind, w.what, w.action, [lines_before + r for r in rows], count, w.unit)
    rank = {kind: i for i, kind in enumerate(CHECKS)}

    def met(item):   # first row, then the order checks run in within a row ("fte-text" is an "fte" check)
        kind, w = item
        return w.rows[0] if w.rows else sys.maxsize, rank.get(kind, rank.get(kind.split("-")[0], len(rank)))
    reader.diagnostics.warnings = dict(sorted(reader.diagnostics.warnings.items(), key=met))


def _read_onto(numbers: array, stream, count: int) -> None:
    """Append `count` numbers from a binary stream, a megabyte at a time (array.fromfile would hold
    a copy of them all at once)."""
    left = count * numbers.itemsize
    while left:
        data = stream.read(min(left, 1 << 20))
        if not data:
            raise EOFError("a child's answer ended early")
        numbers.frombytes(data)
        left -= len(data)
