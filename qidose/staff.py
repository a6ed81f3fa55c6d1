"""Staff list -> people -> a census: how many people are in each level, and what they have done.

One row is an assignment, not a person: rows are merged by employee number (FTE summed, the
highest level of any in-post row wins, the earliest start date counts, QI roles and training
are pooled, the first row's service and --by group are kept). Only the columns the plan
aggregates are read; names and every other column are never looked at.

Memory stays flat whatever the size: a row is reduced to two numbers (its employee number,
and a packed "combination, FTE, start" code) kept in compact arrays, plus one bit per employee
number seen. The membership rules run once per distinct combination of the values they read.
Only people with several rows are merged one by one, after the read.

A large CSV file is read in byte ranges by several processes (ranges.py); each reduces its rows
the same way and the first merges the others' arrays, tallies and warnings in file order.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import re
import sys
from array import array
from collections import Counter
from dataclasses import dataclass, field
from typing import NamedTuple
from itertools import chain, compress
from operator import itemgetter

from qidose.classify import Classifier, band_code
from qidose.config import CAPACITY_LEVELS, ROLE_LEVELS, Config, fold
from qidose.diagnostics import Diagnostics
from qidose.errors import InputError, UsageError
from qidose.staff_file import ReadOptions, RowSource, open_range, open_rows

_HEADER_SEARCH = 30          # rows looked at for the header
_MAX_FTE = 2.0               # more than this on one assignment is taken as a typing error
FTE_UNIT = 10000             # FTE is kept in ten-thousandths
_BLOCK = 1 << 16             # bytes of a child's bitmap compared at a time
_SET_OF_REPEATS = 250_000   # fewer repeated people than this are looked up in a set (about 15 MB at most)
_NONZERO = re.compile(rb"[^\x00]+")
_TOTAL = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b", re.IGNORECASE)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ODD_IDS = 0xFFFFFFFF        # employee numbers that are not small whole numbers count down from here
_NOT_IN_POST = -1
_COMBINATION = (1 << 22) - 1   # bits 18-39 of a row's code
# Combination numbers: this process's below _IN_RANGES; a child reading range k of the file (ranges.py)
# numbers its own from _IN_RANGES + (k - 1) * _PER_RANGE, and they are mapped to this process's when merged.
_IN_RANGES, _PER_RANGE = 1 << 21, 1 << 19
_PER_KEY = ("band", "qi-role", "qi-training")   # warned once per distinct value, the first time it is met
_CHECKS = ("ragged", "total", "no-id", "band", "qi-role", "qi-training", "fte", "date")  # the order a row is checked in
# Start-date categories of a row, against the 12 months to as_of.
_UNDATED, _EARLIER, _RECENT, _LATER = 0, 1, 2, 3
_CATEGORICAL = ("status", "staff_group", "job_role", "position_title", "band", "qi_role", "qi_training", "service")


@dataclass
class Census:
    """What a staff list says about one group of people: counts only, no personal data."""

    headcount: Counter = field(default_factory=Counter)        # level -> people
    fte: Counter = field(default_factory=Counter)              # level -> FTE
    already_trained: Counter = field(default_factory=Counter)  # level -> people whose training covers the dose
    services: set = field(default_factory=set)                 # distinct service values
    joiners: int = 0                                           # people who started in the 12 months to as_of
    dated: int = 0                                             # people with a readable start date

    @property
    def people(self) -> int:
        return sum(self.headcount[lid] for lid in ROLE_LEVELS)


@dataclass
class StaffList:
    source: str
    whole: Census
    groups: dict[str, Census]          # --by value -> census ({} without --by)
    columns: dict[str, str]            # field -> header found
    rows_read: int
    rows_in_post: int
    as_of: dt.date
    diagnostics: Diagnostics
    unmatched_records: int = 0         # training records for nobody in post


def read(path: str, config: Config, options: ReadOptions = ReadOptions(), by: str | None = None,
         as_of: dt.date | None = None, trained: dict[str, frozenset[str]] | None = None,
         jobs: int | None = None, progress=None) -> StaffList:
    """Read a staff list into a census.

    `trained` maps employee numbers to modules done according to a separate training-records
    file; they are added to what the list's own QI training column says. Records whose
    employee number is not a person in post are counted in `StaffList.unmatched_records`.
    `jobs`: processes for a large CSV file (None: automatic; see ranges.py).
    """
    as_of = as_of or dt.date.today()
    source = open_rows(path, options)
    diagnostics = Diagnostics(source.name)
    try:
        header_row, header = _find_header(source, config, options, by)
        index = _map_columns(source.name, header, config, diagnostics)
        by_index = None
        if by is not None:
            if fold(by) in config.staff_list.never_group_by:
                raise UsageError(f"--by {by!r}: that column identifies people, and a breakdown by it would print "
                                 f"personal data; choose a column such as Directorate or Organisation")
            by_index = _find_column(header, by)
            if by_index is None:
                raise UsageError(_missing(source.name, by, header, f"the --by column {by!r}"))
        reader = _Reader(config, index, by_index, diagnostics, as_of, source)
        if not _read_in_ranges(reader, path, jobs, progress):
            reader.read()
    except _ReadAgain:
        return read(path, config, options, by, as_of, trained, jobs=1)
    except (UnicodeDecodeError, csv.Error) as e:
        raise source.explain(e) from None
    reader.rows_in_post = len(reader.ids)
    reader.rows_read = reader.rows_in_post + reader.not_in_post
    if reader.rows_read == 0:
        raise InputError(f"{source.name}: no staff rows under the header (row {header_row}); is this the whole export?")
    if reader.rows_in_post == 0:
        raise InputError(f"{source.name}: none of the {reader.rows_read:,} rows is a member of staff in post "
                         f"(statuses kept: staff_list.in_post in the config); check the status column")
    whole, groups, unmatched = reader.census(trained or {})
    if len(groups) > 20 and len(groups) > whole.people / 2:
        raise UsageError(f"--by {by!r}: {len(groups):,} groups for {whole.people:,} people; a column with a value "
                         f"for almost every person identifies people, so qidose will not break down by it")
    columns = {f: header[i] for f, i in index.items()}
    return StaffList(source.name, whole, groups, columns, reader.rows_read, reader.rows_in_post, as_of,
                     diagnostics, unmatched)


class _NotAlone(Exception):
    """Something a child reading one range of a file cannot count on its own; the parent reads it."""


class _ReadAgain(Exception):
    """A range of the file did not end cleanly (a cut inside a quoted cell), or a child's answer broke
    off: read the whole file in one process instead."""


def _read_in_ranges(reader: _Reader, path: str, jobs: int | None, progress) -> bool:
    """Read a large CSV file in byte ranges, the first here and the others in forked children, and
    merge what they found in file order. False if the file is read in one process."""
    source = reader.source
    if source.dialect is None or source.size is None:
        return False
    from qidose import ranges
    parts = ranges.processes(source.size, jobs)
    offsets = ranges.cuts(path, source.size, parts, after=0) if parts > 1 else []
    if not offsets or not source.stop_at(offsets[0]):
        return False
    if progress is not None and hasattr(progress, "expect"):
        progress.expect(offsets[0])   # this process's file handle only goes as far as the first cut
    stops = offsets[1:] + [None]
    children = [ranges.Child(lambda k=k, start=start, stop=stop: reader.read_range(path, start, stop, k))
                for k, (start, stop) in enumerate(zip(offsets, stops), 1)]
    try:
        try:
            reader.read()
        except (UnicodeDecodeError, csv.Error):
            raise _ReadAgain from None   # perhaps the first cut fell inside a quoted cell
        lines = source.line()
        for k, (child, start) in enumerate(zip(children, offsets)):
            try:
                part, stream = child.result()
            except ranges.Refused:   # read the rest here, as one range
                for other in children[k + 1:]:
                    other.cancel()
                children = []
                reader.source = open_range(path, source.dialect, start, None, first_line=lines)
                reader.read()
                break
            before, lines = lines, lines + part["lines"]
            try:
                reader.absorb(part, stream, before, last=k == len(children) - 1)
            except (EOFError, OSError):   # the child died while sending: start again, in one process
                raise _ReadAgain from None
            finally:
                child.close()
    finally:
        for child in children:
            child.cancel()
    return True


# -- the header ----------------------------------------------------------------------------------

def _find_header(source: RowSource, config: Config, options: ReadOptions, by: str | None):
    """The header: the first row naming the employee number column and another known column.

    Title rows above it (report names, filters such as 'Staff Group:, All') are skipped.
    A row that names no known column is never quoted back: it may be a row of data.
    """
    known = {fold(a) for aliases in config.staff_list.columns.values() for a in aliases}
    ids = {fold(a) for a in config.staff_list.columns["employee_id"]}
    if by:
        known.add(fold(by))
    seen, first, best, best_score = 0, None, None, 2
    for cells in source.rows:
        seen += 1
        if first is None and any(c.strip() for c in cells):
            first = cells
        folded = {fold(c) for c in cells}
        if options.skip_lines is not None:
            if seen > options.skip_lines:
                if not folded & known:
                    raise InputError(f"{source.name} row {source.line()}: the row after --skip-lines "
                                     f"{options.skip_lines} names no column qidose knows (such as Employee Number, "
                                     f"Staff Group, Grade), so it is not the header; leave out --skip-lines to "
                                     f"find the header row")
                return source.line(), cells
            continue
        score = len(folded & known)
        if folded & ids and score >= 2:
            return source.line(), cells
        if score > best_score:   # a header without a recognised employee number column, most likely
            best, best_score = (source.line(), cells), score
        if seen >= _HEADER_SEARCH:
            break
    if best is not None:
        return best
    if first is None:
        raise InputError(f"{source.name}: the file is empty; export the staff list again")
    if options.skip_lines is not None:
        raise InputError(f"{source.name}: --skip-lines {options.skip_lines} skips every row of the file")
    if len(first) == 1 and any(d in first[0] for d in ";|\t"):
        raise InputError(f"{source.name}: each row reads as a single column; set the separator with --delimiter")
    sheets = f"; the workbook's other sheets: {', '.join(source.sheets[1:])} (choose one with --sheet)" \
        if len(source.sheets) > 1 and options.sheet is None else ""
    raise InputError(
        f"{source.name}: no header row in the first {seen} rows names an employee number column "
        f"({', '.join(config.staff_list.columns['employee_id'])}) and another staff-list column (Staff Group, "
        f"Job Role, Grade, ...); is this a staff list? If the header is further down, give --skip-lines N; "
        f"if the employee number has another name, add it under staff_list.columns.employee_id{sheets}")


def _find_column(header: list[str], wanted: str) -> int | None:
    target = fold(wanted)
    return next((i for i, cell in enumerate(header) if fold(cell) == target), None)


def _map_columns(name, header, config: Config, diagnostics: Diagnostics) -> dict[str, int]:
    folded = [fold(c) for c in header]
    index = {}
    for field_name, aliases in config.staff_list.columns.items():
        for alias in aliases:
            if fold(alias) in folded:
                index[field_name] = folded.index(fold(alias))
                break
    if "employee_id" not in index:
        aliases = config.staff_list.columns["employee_id"]
        raise InputError(_missing(name, aliases[0], header, "the employee number column",
                                  f"(any of: {', '.join(aliases)}; or add yours under staff_list.columns.employee_id)"))
    missing = [f for f in ("job_role", "position_title", "band") if f not in index]
    if len(missing) == 3:
        raise InputError(f"{name}: no column to classify people by (Job Role, Position Title or Grade); "
                         f"columns found: {', '.join(_header_cells(header))}")
    for f in missing + [f for f in ("fte", "status", "service") if f not in index]:
        looked = ", ".join(config.staff_list.columns.get(f, ())[:3])
        diagnostics.note(f"{name}: no {f.replace('_', ' ')} column (looked for {looked})")
    return index


def _header_cells(header: list[str]) -> list[str]:
    """Cells that can be shown as column names: a broken header row can hold data (a name, a number)."""
    return [h.strip() for h in header if h.strip() and len(h) <= 40 and not re.search(r"[\d,@]", h)]


def _missing(name, wanted, header, what, extra=""):
    found = _header_cells(header)
    close = difflib.get_close_matches(wanted, found, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{name}: {what} is missing {extra}{hint}\n  columns found: {', '.join(found)}"


# -- rows to people ------------------------------------------------------------------------------

class _Combination(NamedTuple):
    """What one distinct combination of categorical values means."""

    level: int                      # index into ROLE_LEVELS
    qi_role: str | None             # a capacity level flagged by the QI role column
    trained: frozenset[str]         # modules recorded as done
    service: str
    group: str


class _Reader:
    def __init__(self, config: Config, index: dict[str, int], by_index: int | None, diagnostics: Diagnostics,
                 as_of: dt.date, source: RowSource, range_number: int = 0):
        self.config, self.index, self.by_index = config, index, by_index
        self.range_number = range_number   # 0: the whole file, or its first range; k: range k, read by a child
        self.base = 0 if range_number == 0 else _IN_RANGES + (range_number - 1) * _PER_RANGE
        self.limit = _IN_RANGES if range_number == 0 else _PER_RANGE
        self.alike: dict[tuple, list[int]] = {}   # (level, QI role, training, service, group) -> [people, FTE units, dated, joiners]
        self.canonical: dict[int, int] = {}   # a child's combination number -> this reader's
        self.key_events: list[tuple[str, int, tuple]] = []   # (kind, row, value) of each once-per-value warning
        self.classifier = Classifier(config)
        self.diagnostics = diagnostics
        self.source = source
        self.as_of = as_of
        self.year_ago = as_of - dt.timedelta(days=365)
        self.fields = [f for f in _CATEGORICAL if f in index] + (["by"] if by_index is not None else [])
        self.key_index = [index[f] for f in self.fields if f != "by"] + ([by_index] if by_index is not None else [])
        self.id_index = index["employee_id"]
        self.fte_index = index.get("fte", -1)           # -1: the empty cell appended to each row
        self.start_index = index.get("start_date", -1)
        self.assignment_index = index.get("assignment", -1)
        self.width = max(self.key_index + [self.id_index, self.fte_index, self.start_index, self.assignment_index]) + 1
        self.in_post = config.staff_list.in_post
        self.combinations: list[_Combination] = []
        self.people: list[int] = []         # per combination × start category: rows counted as people so far
        self.fte_units: list[int] = []      # per combination: their FTE units
        self.combination_of: dict[tuple, int] = {}   # the values a row's rules read -> combination
        self.values_of = itemgetter(*self.key_index) if len(self.key_index) > 1 else (lambda c, i=self.key_index[0]: (c[i],))
        # Where each field sits in a combination's values (a field the file lacks: the "" added last).
        at = {f: self.fields.index(f) if f in self.fields else len(self.fields) for f in _CATEGORICAL + ("by",)}
        self.status_of = (lambda v: None) if "status" not in self.fields else itemgetter(at["status"])
        self.role_of = itemgetter(at["staff_group"], at["job_role"], at["position_title"], at["band"])
        self.qi_key_of = itemgetter(at["qi_role"], at["qi_training"])
        self.place_of = itemgetter(at["service"], at["by"])
        self.in_post_of: dict[str | None, bool] = {}
        self.level_of: dict[tuple, int] = {}
        self.qi_of: dict[tuple, tuple] = {}
        self.fte_of: dict[str, int] = {"": 0} if "fte" not in index else {}
        self.start_of: dict[str, int] = {}
        self.ids = array("I")          # per in-post row: the employee number (or its stand-in)
        self.codes = array("Q")        # per in-post row: assignment hash << 40 | combination << 18 | FTE units << 2 | start
        self.seen = bytearray(1 << 20)  # one bit per employee number seen; grows to the largest number
        self.odd_ids: dict[str, int] = {}
        self.far_ids: set[int] = set()
        self.repeats = array("I")      # employee numbers met again (a set only after the read, to keep the peak low)
        self.whole: Census = Census()
        self.groups: dict[str, Census] = {}
        self.rows_read = 0
        self.rows_in_post = 0
        self.not_in_post = 0

    def read(self) -> None:
        """Reduce every row to (employee number, code). The hot loop: keep it lean."""
        ids_append, codes_append = self.ids.append, self.codes.append
        combination_get, fte_get, start_get = self.combination_of.get, self.fte_of.get, self.start_of.get
        values_of = self.values_of
        aux = itemgetter(self.id_index, self.fte_index, self.start_index, self.assignment_index)
        repeats_add, seen = self.repeats.append, self.seen
        width, limit = self.width, len(self.seen)
        people, fte_units = self.people, self.fte_units
        rows = self.source.rows
        if -1 in (self.fte_index, self.start_index, self.assignment_index):
            rows = (cells + [""] for cells in rows)   # a missing column reads the empty cell added last
        highest = _ODD_IDS - (1 << 24)
        for cells in rows:
            if len(cells) < width:
                cells = self._pad(cells)
            eid, fte_raw, start_raw, assignment = aux(cells)
            try:
                number = int(eid)
            except ValueError:
                number = self._odd_id(eid, cells)
                if number is None:
                    continue
            else:
                if not 0 <= number < highest:
                    number = self._odd_id(eid, cells)
                    if number is None:
                        continue
            key = values_of(cells)
            combination = combination_get(key)
            if combination is None:
                combination = self._combination(key)
            if combination < 0:
                self.not_in_post += 1
                continue
            fte = fte_get(fte_raw)
            if fte is None:
                fte = self._fte(fte_raw)
            start = start_get(start_raw)
            if start is None:
                start = self._start(start_raw)
            byte = number >> 3
            if byte < limit:
                bit = 1 << (number & 7)
                if seen[byte] & bit:
                    repeats_add(number)
                else:
                    seen[byte] |= bit
            else:
                self._seen_far(number)
                limit = len(seen)
            ids_append(number)
            codes_append((hash(assignment) & 0xFFFFFF) << 40 | combination << 18 | fte << 2 | start)
            people[combination << 2 | start] += 1
            fte_units[combination] += fte

    # -- the rare paths of the loop ----------------------------------------------------------
    def _pad(self, cells: list[str]) -> list[str]:
        """A short (ragged) row: pad it with empty cells (a row of one empty cell is a blank line)."""
        if len(cells) > 1 and any(cells):
            self.diagnostics.warn("ragged", self.source.line(), "fewer cells than the header", "read with the missing cells empty")
        return cells + [""] * (self.width - len(cells) + 1)

    def _odd_id(self, eid: str, cells: list[str]) -> int | None:
        """An employee number that is not a plain number: a blank row, a total row, or a text id."""
        text = eid.replace("\x00", "").strip()
        if not text:
            if not any(c.strip() for c in cells):
                return None  # a blank row
            first = next(c for c in cells if c.strip())
            if _TOTAL.match(first):
                self.diagnostics.warn("total", self.source.line(), "a total row", "skipped")
            else:
                self.not_in_post += 1   # read, but not a person in post
                self.diagnostics.warn("no-id", self.source.line(), "no employee number",
                                      "skipped: a person cannot be counted without one")
            return None
        if _TOTAL.match(text):
            self.diagnostics.warn("total", self.source.line(), "a total row", "skipped")
            return None
        if text.isdigit() and 0 <= int(text) < _ODD_IDS - (1 << 24):
            return int(text)     # it had a NUL or odd spaces in it
        number = self.odd_ids.get(text)
        if number is None:
            if self.range_number:
                raise _NotAlone("an employee number that is not a plain number")
            number = self.odd_ids[text] = _ODD_IDS - len(self.odd_ids)
        return number

    def _seen_far(self, number: int) -> None:
        if number >= (1 << 31) and self.range_number:
            raise _NotAlone("a very large employee number")
        if number < (1 << 31):   # grow the bitmap (doubling) to cover the number
            self.seen.extend(bytes(max((number >> 3) + 1, 2 * len(self.seen)) - len(self.seen)))
            bit = 1 << (number & 7)
            if self.seen[number >> 3] & bit:
                self.repeats.append(number)
            else:
                self.seen[number >> 3] |= bit
            return
        if number in self.far_ids:   # very large numbers and stand-ins for text ids
            self.repeats.append(number)
        else:
            self.far_ids.add(number)

    def _combination(self, key: tuple) -> int:
        """A new combination: classify it once."""
        key = tuple(map(sys.intern, key))   # shared strings: a national file has tens of thousands of keys
        number = self.combination_of[key] = self._classify(key)
        return number

    def _classify(self, values: tuple[str, ...]) -> int:
        values += ("",)   # a field the file does not have reads the empty cell added last
        status = self.status_of(values)
        in_post = self.in_post_of.get(status)
        if in_post is None:
            in_post = self.in_post_of[status] = status is None or fold(status) in self.in_post
        if not in_post:
            return _NOT_IN_POST
        role_key = self.role_of(values)
        level = self.level_of.get(role_key)
        if level is None:
            level = self.level_of[role_key] = self._level(*role_key)
        qi_key = self.qi_key_of(values)
        qi = self.qi_of.get(qi_key)
        if qi is None:
            qi = self.qi_of[qi_key] = self._qi(*qi_key)
        service, group = self.place_of(values)
        self.combinations.append(_Combination(level, qi[0], qi[1], service.strip(), group.strip()))
        self._check_limit()
        self.people.extend((0, 0, 0, 0))
        self.fte_units.append(0)
        return len(self.combinations) - 1

    def _check_limit(self) -> None:
        if len(self.combinations) >= self.limit:
            if self.range_number:
                raise _NotAlone("too many combinations for one range")
            raise InputError(f"{self.source.name}: more than {self.limit - 1:,} distinct combinations of the "
                             f"columns qidose reads; is the file a staff list?")

    def _level(self, staff_group: str, job_role: str, position_title: str, raw_band: str) -> int:
        band = None
        if raw_band.strip():
            band = band_code(raw_band, self.config.staff_list.band_words)
            if band is None:
                self._warn_once("band", (staff_group, job_role, position_title, raw_band),
                                "a grade that is not a band qidose knows",
                                "classified by job role and title alone (add the word under staff_list.band_words)")
        return ROLE_LEVELS.index(self.classifier.level(staff_group, job_role, position_title, band))

    def _qi(self, raw_role: str, raw_training: str) -> tuple[str | None, frozenset[str]]:
        role = self.classifier.qi_role(raw_role) if raw_role.strip() else None
        if raw_role.strip() and role is None:
            self._warn_once("qi-role", (raw_role, raw_training), "a QI role qidose does not know",
                            "ignored (add it under qi_role of a capacity level)")
        trained, unknown = self.classifier.trained_modules(raw_training)
        if unknown:
            self._warn_once("qi-training", (raw_role, raw_training), "QI training qidose does not know",
                            "ignored (add it under recorded_as of a module)")
        return role, trained

    def _warn_once(self, kind: str, value: tuple, what: str, action: str) -> None:
        """A warning about a value, made the first time the value is met (its row is noted for a merge)."""
        self.diagnostics.warn(kind, self.source.line(), what, action)
        self.key_events.append((kind, self.source.line(), value))

    def _fte(self, raw: str) -> int:
        value, problem = _parse_fte(raw)
        units = round(value * FTE_UNIT)
        if problem is None:
            self.fte_of[raw] = units
        else:  # not cached, so every such row is counted and named
            action = "counted as 0 FTE" if value == 0 else "read as shown"
            self.diagnostics.warn("fte-" + problem[0], self.source.line(), problem[1], action)
        return units

    def _start(self, raw: str) -> int:
        date = _parse_date(raw)
        if date is None:
            if raw.strip():
                self.diagnostics.warn("date", self.source.line(), "a start date qidose cannot read",
                                      "left out of the turnover estimate")
                return _UNDATED   # not cached, so every such row is counted
            category = _UNDATED
        elif date <= self.year_ago:
            category = _EARLIER
        elif date <= self.as_of:
            category = _RECENT
        else:
            category = _LATER
        self.start_of[raw] = category
        return category

    # -- a large file in ranges (ranges.py) --------------------------------------------------
    def read_range(self, path: str, start: int, stop: int | None, number: int) -> tuple[dict, list]:
        """In a child process: read range `number` of the file, bytes start..stop; what it found, and its
        arrays (employee numbers, codes, repeats, bitmap), sent raw after it."""
        source = open_range(path, self.source.dialect, start, stop)
        child = _Reader(self.config, self.index, self.by_index, Diagnostics(self.diagnostics.source), self.as_of,
                        source, number)
        child.read()
        codes = array("Q", map((child.base << 18).__add__, child.codes))   # its combination numbers, in its range
        arrays = [child.ids, codes, child.repeats, child.seen]
        return {"lines": source.line(), "sizes": [len(a) for a in arrays],
                "people": array("Q", child.people), "fte_units": array("Q", child.fte_units), "base": child.base,
                "not_in_post": child.not_in_post, "combinations": child.combinations,
                "keys": [key for key, number in child.combination_of.items() if number >= 0], "warnings": child.diagnostics.warnings, "key_events": child.key_events}, arrays

    def absorb(self, part: dict, stream, lines_before: int, last: bool = True) -> None:
        """Add what a child found in the next range of the file, as if this reader had read it
        (its arrays are read from `stream` straight onto this reader's)."""
        theirs, base = part["combinations"], part["base"]
        for number, key in enumerate(part["keys"]):   # its combinations, in the order it numbered them
            own = self.combination_of.get(key)
            if own is None:
                self.combinations.append(theirs[number])
                self._check_limit()
                self.people.extend((0, 0, 0, 0))
                self.fte_units.append(0)
                own = self.combination_of[key] = len(self.combinations) - 1
            self.canonical[base + number] = own
            for start in range(4):   # its rows counted as people so far, and their FTE
                self.people[own << 2 | start] += part["people"][number << 2 | start]
            self.fte_units[own] += part["fte_units"][number]
        self.not_in_post += part["not_in_post"]
        self._absorb_warnings(part, lines_before)
        ids, codes, repeats, seen = part["sizes"]
        part.clear()   # free the child's tables before this reader's arrays grow
        if last:
            self._free_tables()
        for array_, size in ((self.ids, ids), (self.codes, codes), (self.repeats, repeats)):
            _read_onto(array_, stream, size)
        self._absorb_seen(stream, seen, last)

    def _free_tables(self) -> None:
        """What only the read needed (the lookup tables of values): free it for the merge."""
        self.combination_of, self.start_of, self.fte_of, self.level_of, self.qi_of = {}, {}, {}, {}, {}

    def _absorb_seen(self, stream, size: int, last: bool) -> None:
        """A child's bitmap of employee numbers, read in blocks: numbers met here and there are people
        with rows in both ranges (repeats); the rest are added for the ranges after it."""
        mine = self.seen
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
                        self.repeats.extend((at + byte) << 3 | bit for bit in range(8) if both[byte] >> bit & 1)
            if not last:
                mine[at:at + block] = (int.from_bytes(mine[at:at + block], "little")
                                       | int.from_bytes(theirs, "little")).to_bytes(block, "little")

    def _absorb_warnings(self, part: dict, lines_before: int) -> None:
        """A child's warnings, as one read would give them: its row numbers moved on by the lines before
        its range, a value already warned about here not warned again, in the order rows are met."""
        warned = {(kind, value) for kind, _, value in self.key_events}   # a value warns the first time it is met
        kept: dict[str, list[int]] = {}
        for kind, row, value in part["key_events"]:
            if (kind, value) not in warned:
                kept.setdefault(kind, []).append(row)
                self.key_events.append((kind, lines_before + row, value))
        for kind, w in part["warnings"].items():
            rows, count = (kept.get(kind, []), len(kept.get(kind, []))) if kind in _PER_KEY else (w.rows, w.count)
            if count:
                self.diagnostics.add(kind, w.what, w.action, [lines_before + r for r in rows], count, w.unit)
        rank = {kind: i for i, kind in enumerate(_CHECKS)}

        def met(item):   # first row, then the order checks run in within a row ("fte-text" is an "fte" check)
            kind, w = item
            return w.rows[0] if w.rows else sys.maxsize, rank.get(kind, rank.get(kind.split("-")[0], len(rank)))
        self.diagnostics.warnings = dict(sorted(self.diagnostics.warnings.items(), key=met))

    # -- after the read ----------------------------------------------------------------------
    def census(self, trained: dict[str, frozenset[str]]) -> tuple[Census, dict[str, Census], int]:
        """Count people: single-row people from tallies of the rows, several-row people merged one by one."""
        people, fte_units, codes, canonical = self.people, self.fte_units, self.codes, self.canonical
        self.seen = bytearray()
        self._free_tables()
        extra = self._training_by_number(trained)
        # The rows of people with several rows (or in the training records), in 16 ranges of employee
        # number, so that sorting holds a sixteenth of them at a time and people still come in order.
        shift = max(max(self.ids, default=0).bit_length() - 4, 0)
        parts = [array("Q") for _ in range(16)]
        for k in compress(range(len(self.ids)), self._marked(extra)):
            parts[self.ids[k] >> shift].append(self.ids[k] << 32 | k)
        merged, matched = [], 0
        for part in parts:
            for key in sorted(part):   # their rows come out of the tallies and are added back merged
                code = codes[key & 0xFFFFFFFF]
                combination = code >> 18 & _COMBINATION
                if combination >= _IN_RANGES:   # a child's number
                    combination = canonical[combination]
                    code = code & ~(_COMBINATION << 18) | combination << 18
                people[combination << 2 | (code & 3)] -= 1
                fte_units[combination] -= (code >> 2) & 0xFFFF
                if merged and merged[0] == key >> 32:
                    merged[1].append(code)
                    continue
                if merged:
                    matched += self._add_person(merged[0], merged[1], extra)
                merged = [key >> 32, [code]]
        if merged:
            matched += self._add_person(merged[0], merged[1], extra)
        for combination, c in enumerate(self.combinations):
            counts = people[combination * 4:combination * 4 + 4]
            if any(counts):
                self._count((c.level, c.qi_role, c.trained, c.service, c.group), sum(counts), fte_units[combination],
                            counts[_EARLIER] + counts[_RECENT] + counts[_LATER], counts[_RECENT])
        for (level, role, modules, service, group), (count, fte, dated, joiners) in self.alike.items():
            add_people(self.classifier, self.whole, self.groups if "by" in self.fields else None, ROLE_LEVELS[level],
                       fte, role, modules, service, group, count, dated, joiners)
        return self.whole, self.groups, len(trained) - matched

    def _count(self, alike: tuple, people: int, fte_units: int, dated: int, joiners: int) -> None:
        """Count people alike in everything the census records (level, QI role, training, service,
        group) together: the census takes each kind once."""
        totals = self.alike.get(alike)
        if totals is None:
            self.alike[alike] = [people, fte_units, dated, joiners]
        else:
            totals[0] += people
            totals[1] += fte_units
            totals[2] += dated
            totals[3] += joiners

    def _marked(self, extra: dict[int, frozenset[str]]):
        """For each row: is its person one of the repeats or in the training records? Evaluated in C."""
        ids, top = self.ids, max(self.ids, default=0)
        if top >= 1 << 31 or len(self.repeats) + len(extra) < _SET_OF_REPEATS:
            special = set(self.repeats)   # one lookup a row; a bitmap (below) takes five
            special.update(extra)
            return map(special.__contains__, ids)
        marks = bytearray((top >> 3) + 1)
        for number in chain(self.repeats, extra):
            if number <= top:
                marks[number >> 3] |= 1 << (number & 7)
        return map(int.__and__, map(marks.__getitem__, map((3).__rrshift__, ids)),
                   map((1).__lshift__, map((7).__and__, ids)))

    def _training_by_number(self, trained: dict[str, frozenset[str]]) -> dict[int, frozenset[str]]:
        out = {}
        for eid, modules in trained.items():
            text = eid.strip()
            number = int(text) if text.isdigit() and int(text) < _ODD_IDS - (1 << 24) else self.odd_ids.get(text)
            if number is not None:
                out[number] = out.get(number, frozenset()) | modules
        return out

    def _add_person(self, number: int, person_codes: list[int], extra_by_number: dict) -> int:
        """Merge one person's rows into the census; 1 if a training record matched them."""
        unique = list(dict.fromkeys(person_codes))
        if len(unique) < len(person_codes):
            self.diagnostics.warn("duplicate", None, "the same as an earlier row of the same person (same "
                                  "assignment, same values in every column qidose reads)", "counted once", unit="duplicate row",
                                  count=len(person_codes) - len(unique))
        kinds = list(dict.fromkeys([code >> 18 & _COMBINATION for code in unique]))   # first row's first
        first = self.combinations[kinds[0]]
        level, role, modules = first.level, first.qi_role, first.trained
        if len(kinds) > 1:
            rows = [self.combinations[k] for k in kinds]
            level = min(c.level for c in rows)                             # the highest level of any row
            role = next((c.qi_role for c in rows if c.qi_role), None)      # the first QI role given
            modules = modules.union(*(c.trained for c in rows))
            if any((c.service, c.group) != (first.service, first.group) for c in rows):
                self.diagnostics.warn("conflict", None, "with assignments in more than one service or group",
                                      "each counted once, where their first row puts them", unit="person")
        if number in extra_by_number:
            modules = modules | extra_by_number[number]
        starts = {code & 3 for code in unique}
        starts.discard(_UNDATED)
        recent = int(_RECENT in starts and _EARLIER not in starts)   # the earliest start is in the last 12 months
        self._count((level, role, modules, first.service, first.group), 1, sum((code >> 2) & 0xFFFF for code in unique),
                    int(bool(starts)), recent)
        return int(number in extra_by_number)


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


def add_people(classifier: Classifier, whole: Census, groups: dict[str, Census] | None, level: str, fte_units: int,
               role: str | None, trained: frozenset[str], service: str, group: str, count: int, dated: int,
               joiners: int) -> None:
    """Count `count` people of one role level, QI role, training, service and start into the census
    (and their --by group's, when `groups` is given). Both engines count through here."""
    capacity = next((lid for lid in reversed(CAPACITY_LEVELS)   # the deepest capacity level they are in
                     if role == lid or classifier.covers(trained, lid)), None)
    fte = fte_units / FTE_UNIT
    for census in (whole,) if groups is None else (whole, groups.setdefault(group, Census())):
        census.headcount[level] += count
        census.fte[level] += fte
        if classifier.covers(trained, level):
            census.already_trained[level] += count
        if capacity is not None:
            census.headcount[capacity] += count
            census.fte[capacity] += fte
            census.already_trained[capacity] += count
        if service:
            census.services.add(service)
        census.dated += dated
        census.joiners += joiners


def _parse_fte(raw: str) -> tuple[float, tuple[str, str] | None]:
    text = raw.replace("\u00a0", "").replace("\x00", "").strip()
    if not text:
        return 0.0, ("empty", "no FTE")
    comma = "," in text and "." not in text
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", ".")) / (100 if percent else 1)
    except ValueError:
        return 0.0, ("text", "an FTE that is not a number")
    if value != value or value < 0:
        return 0.0, ("negative", "a negative FTE")
    if value > _MAX_FTE:
        return 0.0, ("absurd", f"an FTE over {_MAX_FTE:g} on one assignment")
    if comma:
        return value, ("comma", "an FTE with a decimal comma (as '0,8'; export with a decimal point)")
    return value, None


_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")
_YMD = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _parse_date(raw: str) -> dt.date | None:
    text = raw.replace("\x00", "").strip()
    if len(text) == 10 and text[2] == text[5] == "/" and (text[:2] + text[3:5] + text[6:]).isdecimal():
        try:   # dd/mm/yyyy, ESR's own shape, by slicing (most files hold thousands of distinct dates)
            return dt.date(int(text[6:]), int(text[3:5]), int(text[:2]))
        except ValueError:
            return None
    m = _DMY.match(text) or _YMD.match(text)
    if m:   # the two common shapes, without strptime's cost
        a, b, c = map(int, m.groups())
        try:
            return dt.date(c, b, a) if m.re is _DMY else dt.date(a, b, c)
        except ValueError:
            return None
    for candidate in (text, text[:10]) if len(text) > 10 else (text,):   # '2021-03-04 00:00:00'
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%b-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %b %Y", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                pass
    if text.isdigit() and 1 <= int(text) <= 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))  # an Excel serial day number
    return None
