"""Read a large CSV staff list in byte ranges, one process per range, on the cores the machine has.

The file is cut at newlines near equal fractions of its size. This process reads the first range;
a forked child reads each other range with its own reader of rows and RowReader (rows.py). In a first
round each child sends its combinations, warnings and bitmap of employee numbers, and this process
works out who has rows in more than one range; in a second round every process merges its own
people with several rows, at the same time, and the children send what they counted and the rows
of the people who cross ranges, merged here last. The result is the one a single read gives: the
same people, figures and warnings, word for word.

A cut is only right if it falls between two records, not inside a quoted cell that holds a newline.
That is checked, not assumed: the range before a cut is read from a known record start, and a
quoted cell that runs on past its end goes to the csv module's strict reader, which fails there
("unexpected end of data"). Then, or if
a child cannot read its range alone (text employee numbers) or its answer breaks off, the whole
file is read again in one process.

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
from qidose.rows import CHECKS, COMBINATION, PER_KEY, Combination, ReadAgain, RowReader
from qidose.staff_file import open_range

BYTES_PER_PROCESS = 3 * 2**20     # a smaller part costs more to fork, send and merge than a second core saves
# (benchmarks/README.md: at 7.4 MB two processes take 13-48% more CPU, are within 9% either way on a quiet
# machine and up to a fifth quicker on a busy one; QIDOSE_JOBS=1 for batch jobs that run files side by side)
MAX_PROCESSES = 4
_BLOCK = 1 << 16             # bytes of a child's bitmap compared at a time
_NONZERO = re.compile(rb"[^\x00]+")
_PARENT_ENDS: set[int] = set()   # this process's ends of the pipes to its children (a new child closes them)


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
    """A forked process running `work(tell, ask)`. `tell(header, blobs)` sends the parent a small
    pickled header and arrays as they lie in memory; `ask()` waits for what the parent sends back.
    The parent reads with `result()` (the next header and the stream its arrays follow on; Refused
    if the child could not do its part), answers with `send(obj)`, and `close()`s at the end."""

    def __init__(self, work: Callable[[Callable, Callable], None]):
        import pickle   # here, not at the top: most files are read in one process
        up_read, up_write = os.pipe()       # child -> parent
        down_read, down_write = os.pipe()   # parent -> child
        pid = os.fork()
        if pid == 0:   # the child: never returns, never writes to stdout or stderr
            os.close(up_read)
            os.close(down_write)
            for fd in _PARENT_ENDS:   # its elder siblings' pipes are not its business
                try:
                    os.close(fd)
                except OSError:
                    pass
            try:
                signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl-C ends it at once; the parent reports it
                out, inp = os.fdopen(up_write, "wb"), os.fdopen(down_read, "rb")

                def tell(header, blobs=()):
                    pickle.dump(("ok", header), out, protocol=pickle.HIGHEST_PROTOCOL)
                    for blob in blobs:   # raw bytes, read straight into the parent's arrays
                        out.write(memoryview(blob).cast("B"))
                    out.flush()

                try:
                    work(tell, lambda: pickle.load(inp))
                except Exception as e:   # anything the child cannot do, the parent does itself
                    pickle.dump(("refused", type(e).__name__), out, protocol=pickle.HIGHEST_PROTOCOL)
                out.close()
            finally:
                os._exit(0)
        os.close(up_write)
        os.close(down_read)
        self.pid, self.stream, self.to_child = pid, os.fdopen(up_read, "rb"), os.fdopen(down_write, "wb")
        self.ends = (up_read, down_write)
        _PARENT_ENDS.update(self.ends)

    def result(self) -> tuple[object, BinaryIO]:
        import pickle
        try:
            status, value = pickle.load(self.stream)
        except (EOFError, pickle.UnpicklingError, OSError):
            status, value = "refused", "no answer"
        if status != "ok":
            raise Refused(value)
        return value, self.stream

    def send(self, answer) -> None:
        import pickle
        pickle.dump(answer, self.to_child, protocol=pickle.HIGHEST_PROTOCOL)
        self.to_child.flush()

    def close(self) -> None:
        """Wait for the child to end."""
        if self.pid is not None:
            for stream in (self.stream, self.to_child):
                try:
                    stream.close()
                except OSError:
                    pass
            os.waitpid(self.pid, 0)
            _PARENT_ENDS.difference_update(self.ends)
            self.pid = None

    def cancel(self) -> None:
        if self.pid is None:   # already ended
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        self.close()


def read_in_ranges(reader: RowReader, path: str, jobs: int | None, progress,
                   trained: dict[str, frozenset[str]]) -> bool:
    """Read a large CSV file in byte ranges, the first here and the others in forked children, and
    merge what they found, in file order. False if the file is read in one process.

    Two rounds: each child reads its range and sends its combinations, warnings and bitmap of
    employee numbers; this process, having read its own, finds the people with rows in more than
    one range and tells the children. Then every process merges its own people with several rows
    at the same time, children send what they counted and the rows of the people who cross ranges,
    and this process merges those people."""
    source = reader.source
    parts = processes(source.size, jobs)
    offsets = cuts(path, source.size, parts, after=0) if parts > 1 else []
    if not offsets or not source.stop_at(offsets[0]):
        return False
    if progress is not None and hasattr(progress, "expect"):
        progress.expect(offsets[0])   # this process's file handle only goes as far as the first cut
    stops = offsets[1:] + [None]
    children = [Child(lambda tell, ask, k=k, start=start, stop=stop:
                      _read_range(reader, path, start, stop, k, trained, tell, ask))
                for k, (start, stop) in enumerate(zip(offsets, stops), 1)]
    try:
        try:
            reader.read()
        except (UnicodeError, csv.Error):
            raise ReadAgain from None   # perhaps the first cut fell inside a quoted cell
        lines, cross = source.line(), set()
        for k, child in enumerate(children):
            part, stream = _answer(child)
            before, lines = lines, lines + part["lines"]
            _absorb(reader, part, stream, before, cross, last=k == len(children) - 1)
        extra = reader.training_by_number(trained)
        crossing = array("I", sorted(cross))
        for child in children:
            try:
                child.send(crossing)
            except OSError:   # the child died between the rounds
                raise ReadAgain from None
        matched, ids, codes = reader.merge(extra, cross)   # while the children merge theirs
        rows = [(number << 32 | order, code) for order, (number, code) in enumerate(zip(ids, codes))]
        for child in children:
            part, stream = _answer(child)
            matched += _absorb_merged(reader, part, stream, rows)
            child.close()
        reader.matched = matched + reader.merge_rows(rows, extra)
        _order_merge_warnings(reader)
    finally:
        for child in children:
            child.cancel()
    return True


def _answer(child: Child) -> tuple[dict, BinaryIO]:
    try:
        return child.result()
    except Refused:
        raise ReadAgain from None


# -- a child's range ------------------------------------------------------------------------------

def _read_range(reader: RowReader, path: str, start: int, stop: int | None, number: int,
                trained: dict[str, frozenset[str]], tell, ask) -> None:
    """In a child process: read range `number` of the file, bytes start..stop, and say what it found;
    then, told who has rows in other ranges too, merge its other people and send what it counted."""
    source = open_range(path, reader.source.dialect, start, stop)
    child = RowReader(reader.config, reader.index, reader.by_index, Diagnostics(reader.diagnostics.source),
                      reader.as_of, source, reader.columns, number, reader.split_columns)
    child.read()
    # the bitmap's bytes in use only: ESR's employee numbers start in the millions
    first = len(child.seen) - len(child.seen.lstrip(b"\0"))
    end = max(len(child.seen.rstrip(b"\0")), first)
    tell({
        "lines": source.line(), "seen": (first, end - first), "base": child.base,
        "keys": [key for key, n in child.combination_of.items() if n >= 0],   # in number order
        "combinations": list(map(tuple, child.combinations)),   # plain tuples pickle in a fifth of the time
        "rows": len(child.ids), "not_in_post": child.not_in_post,
        "warnings": child.diagnostics.warnings, "key_events": child.key_events,
    }, [memoryview(child.seen)[first:end]])
    cross = set(ask())
    matched, ids, codes = child.merge(child.training_by_number(trained), cross)
    child.fold_tallies()
    merged = {kind: (w, child.first_met[kind]) for kind, w in child.diagnostics.warnings.items() if kind in child.first_met}
    codes = array("Q", map((child.base << 18).__add__, codes))   # its combination numbers, in its range
    tell({"alike": child.alike, "matched": matched, "merged": merged, "rows": len(ids)}, [ids, codes])


# -- merging what a child found -------------------------------------------------------------------

def _absorb(reader: RowReader, part: dict, stream, lines_before: int, cross: set, last: bool) -> None:
    """A child's first answer: its combinations (mapped to this reader's numbers), its read-time
    warnings, and its bitmap of employee numbers (numbers also met in an earlier range cross)."""
    theirs, base = part["combinations"], part["base"]
    for number, key in enumerate(part["keys"]):   # its combinations, in the order it numbered them
        own = reader.combination_of.get(key)
        if own is None:
            reader.combinations.append(Combination(*theirs[number]))
            reader.check_limit()
            reader.people.extend((0, 0, 0, 0))
            reader.fte_units.append(0)
            own = reader.combination_of[key] = len(reader.combinations) - 1
        reader.canonical[base + number] = own
    reader.rows_elsewhere += part["rows"]
    reader.not_in_post += part["not_in_post"]
    _absorb_warnings(reader, part, lines_before)
    try:
        _absorb_seen(reader, stream, *part["seen"], cross, last)
    except (EOFError, OSError):   # the child died while sending
        raise ReadAgain from None


def _absorb_merged(reader: RowReader, part: dict, stream, rows: list) -> int:
    """A child's second answer: the people it counted (added to this reader's kinds), the merge
    warnings, and the rows of people who cross ranges (added to `rows`, after the earlier ranges')."""
    for alike, totals in part["alike"].items():
        reader.add_alike(alike, *totals)
    for kind, (w, first) in part["merged"].items():
        reader.diagnostics.add(kind, w.what, w.action, [], w.count, w.unit)
        reader.first_met[kind] = min(first, reader.first_met.get(kind, first))
    ids, codes = array("I"), array("Q")
    try:
        _read_onto(ids, stream, part["rows"])
        _read_onto(codes, stream, part["rows"])
    except (EOFError, OSError):
        raise ReadAgain from None
    order, canonical = len(rows), reader.canonical
    for number, code in zip(ids, codes):
        combination = canonical[code >> 18 & COMBINATION]
        rows.append((number << 32 | order, code & ~(COMBINATION << 18) | combination << 18))
        order += 1
    return part["matched"]


def _absorb_seen(reader: RowReader, stream, start: int, size: int, cross: set, last: bool) -> None:
    """A child's bitmap of employee numbers (the `size` bytes of it from byte `start`; the rest are zero),
    read in blocks: numbers met here (or in an earlier range) and there are people with rows in more than
    one range; the rest are added for the ranges after it."""
    mine = reader.seen
    if not last and start + size > len(mine):
        mine.extend(bytes(start + size - len(mine)))
    for at in range(start, start + size, _BLOCK):
        want = min(_BLOCK, start + size - at)
        theirs = stream.read(want)
        if len(theirs) < want:
            raise EOFError("a child's bitmap ended early")
        both = int.from_bytes(mine[at:at + want], "little") & int.from_bytes(theirs, "little")
        if both:
            both = both.to_bytes(want, "little")
            for run in _NONZERO.finditer(both):   # the bytes that hold a number met in both
                for byte in range(run.start(), run.end()):
                    cross.update((at + byte) << 3 | bit for bit in range(8) if both[byte] >> bit & 1)
        if not last:
            mine[at:at + want] = (int.from_bytes(mine[at:at + want], "little")
                                  | int.from_bytes(theirs, "little")).to_bytes(want, "little")


def _absorb_warnings(reader: RowReader, part: dict, lines_before: int) -> None:
    """A child's read-time warnings, as one read would give them: its row numbers moved on by the lines
    before its range, a value already warned about here not warned again, in the order rows are met."""
    kept: dict[str, list[int]] = {}
    for kind, row, value in part["key_events"]:
        if (kind, value) not in reader.warned:   # a value warns the first time it is met
            reader.warned.add((kind, value))
            kept.setdefault(kind, []).append(row)
    for kind, w in part["warnings"].items():
        rows, count = (kept.get(kind, []), len(kept.get(kind, []))) if kind in PER_KEY else (w.rows, w.count)
        if count:
            reader.diagnostics.add(kind, w.what, w.action, [lines_before + r for r in rows], count, w.unit)
    rank = {kind: i for i, kind in enumerate(CHECKS)}

    def met(item):   # first row, then the order checks run in within a row ("fte-text" is an "fte" check)
        kind, w = item
        return w.rows[0] if w.rows else sys.maxsize, rank.get(kind, rank.get(kind.split("-")[0], len(rank)))
    reader.diagnostics.warnings = dict(sorted(reader.diagnostics.warnings.items(), key=met))


def _order_merge_warnings(reader: RowReader) -> None:
    """The warnings made while merging people (duplicate rows, people in two services) come last, in
    the order of the first person each was met at, as one read's merge (in employee-number order) gives them."""
    warnings = reader.diagnostics.warnings
    # one person can give both: one read warns of their duplicate rows first
    late = sorted((kind for kind in warnings if kind in reader.first_met),
                  key=lambda kind: (reader.first_met[kind], kind != "duplicate"))
    reader.diagnostics.warnings = {**{k: w for k, w in warnings.items() if k not in reader.first_met},
                                   **{k: warnings[k] for k in late}}


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
