"""Rows of a staff list -> people -> a census.

One row is an assignment, not a person: rows are merged by employee number (FTE summed, the
highest level of any in-post row wins, the earliest start date counts, QI roles and training
are pooled, the first row's service and --by group are kept). Only the columns the plan
aggregates are read; names and every other column are never looked at.

Memory stays small: a row in post is reduced to four small numbers (its employee number, its
combination and start category, its FTE, a hash of its assignment number), 14 bytes in compact
arrays, plus one bit per employee number seen. The membership rules run once per distinct
combination of the values they read.
Only people with several rows are merged one by one, after the read. A large file can be read
in ranges by several processes (ranges.py), each with its own RowReader; the first merges the rest.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from array import array
from itertools import chain, compress
from operator import itemgetter
from typing import NamedTuple

from qidose.census import FTE_UNIT, Census, add_people, place
from qidose.classify import Classifier, band_code
from qidose.config import Config, fold
from qidose.diagnostics import Diagnostics
from qidose.errors import InputError
from qidose.staff_file import RowSource

_MAX_FTE = 2.0               # more than this on one assignment is a typing error (FTE units must fit 16 bits)
_SET_OF_REPEATS = 250_000   # fewer repeated people than this are looked up in a set (about 15 MB at most)
_TOTAL = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b", re.IGNORECASE)
_WORDS = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")   # words, as an employee number never has ('Report produced')
# Personal titles as ESR writes them in "Surname, Title Forename" (staff.py and fastpath.py build on them too).
TITLES = ("Mr", "Mrs", "Miss", "Ms", "Mx", "Dr", "Prof", "Professor", "Rev", "Revd", "Sir", "Dame", "Lady", "Lord")
# The second half of such a name written without its quotes, split at its comma: a space, a title as ESR
# writes it (not 'MS Service' or 'DR Screening'), then the forename.
_SPLIT_NAME = re.compile(rf"\s+({'|'.join(TITLES)})\.?(\s+[A-Z]|$)")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ODD_IDS = 0xFFFFFFFF        # employee numbers that are not small whole numbers count down from here
_BITMAP = 1 << 27            # numbers below this (ESR's have 8 digits) get a bit each: 16 MB at most; larger ones a set
_NOT_IN_POST = -1
_UNKNOWN_STATUS = -2   # not in post either, but by a status the policy does not list: each such row is warned about
# A row of a person with several rows, as the merge compares them (its code): assignment hash << 40 |
# combination << 18 | FTE units << 2 | start category.
COMBINATION = (1 << 22) - 1   # bits 18-39 of a row's code
# Combination numbers: this process's below IN_RANGES; a child reading range k of the file (ranges.py)
# numbers its own from IN_RANGES + (k - 1) * PER_RANGE, and they are mapped to this process's when merged.
IN_RANGES, PER_RANGE = 1 << 21, 1 << 19
PER_KEY = ("band", "qi-role", "qi-training")   # warned once per distinct value, the first time it is met
CHECKS = ("unquoted", "ragged", "first-row", "long", "total", "text", "no-id", "status", "band", "qi-role", "qi-training", "fte", "date")  # the order a row is checked in
# Start-date categories of a row, against the 12 months to as_of.
_UNDATED, _EARLIER, _RECENT, _LATER = 0, 1, 2, 3
_CATEGORICAL = ("status", "staff_group", "job_role", "position_title", "band", "qi_role", "qi_training", "service")


class NotAlone(Exception):
    """Something a child reading one range of a file cannot count on its own; the parent reads it."""


class ReadAgain(Exception):
    """A range of the file did not end cleanly (a cut inside a quoted cell), a child could not read
    its range alone (text employee numbers), or its answer broke off: read the whole file in one
    process instead."""


class Combination(NamedTuple):
    """What one distinct combination of categorical values means."""

    level: int                      # index into config.role_order (lower is higher: merging takes the least)
    qi_role: str | None             # a capacity level flagged by the QI role column
    trained: frozenset[str]         # modules recorded as done
    service: str
    group: str


class RowReader:
    """Reads rows into compact arrays and tallies, then counts them into a census (`census`)."""

    def __init__(self, config: Config, index: dict[str, int], by_index: int | None, diagnostics: Diagnostics,
                 as_of: dt.date, source: RowSource, columns: int, range_number: int = 0,
                 split_columns: tuple[int, ...] = ()):
        self.config, self.index, self.by_index = config, index, by_index
        self.split_columns = split_columns   # columns of names an unquoted comma can split (staff.split_name_columns)
        self.columns = columns   # the header's cells: the cells of a row that needs no second look
        self.trailing: int | None = None   # the cells of every row, when the file ends each with separators
        self.trailing_line = 0             # the first row, which said so
        self.range_number = range_number   # 0: the whole file, or its first range; k: range k, read by a child
        self.base = 0 if range_number == 0 else IN_RANGES + (range_number - 1) * PER_RANGE
        self.limit = IN_RANGES if range_number == 0 else PER_RANGE
        self.alike: dict[tuple, list[int]] = {}   # (level, QI role, training, service, group) -> [people, FTE units, dated, joiners]
        self.canonical: dict[int, int] = {}   # a child's combination number -> this reader's
        self.matched: int | None = None       # training records matched, once people are merged
        self.first_met: dict[str, int] = {}   # a merge warning's kind -> the first person (number) it was met at
        self.rows_elsewhere = 0               # rows in post read by children (ranges.py)
        self.key_events: list[tuple[str, int, tuple]] = []   # (kind, row, value) of each once-per-value warning
        self.warned: set[tuple[str, tuple]] = set()           # (kind, value) warned about here or in an earlier range
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
        self.role_order = config.role_order
        self.combinations: list[Combination] = []
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
        self.placed: dict[tuple, tuple[str, str]] = {}   # (service, group) as written -> as counted (census.place)
        self.fte_of: dict[str, int] = {"": 0} if "fte" not in index else {}
        self.start_of: dict[str, int] = {}
        # Per in-post row, in arrays. Kind, FTE and hash stay under 2**30, which Python adds and shifts without
        # its multi-digit arithmetic (1.3k instructions a row fewer than one packed 64-bit code, row_cost.py):
        self.ids = array("I")          # the employee number (or its stand-in)
        self.kinds = array("I")        # combination << 2 | start category
        self.ftes = array("H")         # FTE units
        self.assignments = array("I")  # a 24-bit hash of the assignment number (tells a repeated row from a second post)
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
        """Reduce every row to its small numbers (employee number, kind, FTE, assignment hash) and tally it.
        The hot loop: keep it lean (benchmarks/row_cost.py counts what each step costs)."""
        ids_append, kinds_append, ftes_append = self.ids.append, self.kinds.append, self.ftes.append
        assignments_append = self.assignments.append
        combination_get, fte_get, start_get = self.combination_of.get, self.fte_of.get, self.start_of.get
        values_of = self.values_of
        id_index, fte_index, start_index, assignment_index = (self.id_index, self.fte_index, self.start_index,
                                                              self.assignment_index)
        repeats_add, seen = self.repeats.append, self.seen
        limit = len(self.seen)
        people, fte_units = self.people, self.fte_units
        rows = self.source.rows
        expected = self.columns
        if -1 in (self.fte_index, self.start_index, self.assignment_index):
            rows = (cells + [""] for cells in rows)   # a missing column reads the empty cell added last
            expected += 1
        highest = _ODD_IDS - (1 << 24)
        width = expected   # a row of another width has a second look: the header's, or every row's (trailing)
        names = self.split_columns
        first_names, several = (names[0] if names else 0), len(names) > 1
        for cells in rows:
            if len(cells) != width:
                cells = self._odd_width(cells, expected)
                width = self.trailing or expected
                if cells is None:
                    continue
            if names and ("," not in cells[first_names] or several) and self._split_row(cells):   # moved along
                self.not_in_post += 1   # read, but not counted
                self._unquoted_name()
                continue
            eid = cells[id_index]
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
                if combination == _UNKNOWN_STATUS:
                    self._unknown_status()
                continue
            fte_raw = cells[fte_index]
            fte = fte_get(fte_raw)
            if fte is None:
                fte = self._fte(fte_raw)
            start_raw = cells[start_index]
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
            kind = combination << 2 | start
            ids_append(number)
            kinds_append(kind)
            ftes_append(fte)
            assignments_append(hash(cells[assignment_index]) & 0xFFFFFF)
            people[kind] += 1
            fte_units[combination] += fte

    # -- the rare paths of the loop ----------------------------------------------------------
    def _odd_width(self, cells: list[str], expected: int) -> list[str] | None:
        """A row with fewer cells than the header (padded), or more (None if its values are shifted)."""
        if len(cells) < expected and self.split_columns and self._split_row(cells):   # its empty last cells left off too
            self.not_in_post += 1   # read, but not counted
            self._unquoted_name()
            return None
        if len(cells) < self.width:
            return self._pad(cells)
        # In a delimited file, a row with more cells than the header has its values in the wrong columns
        # (a comma in an unquoted name), even when the cells past the header are empty (the name's row
        # had an empty last cell); a workbook's cells are cells. Only a file whose first row already
        # ends in empty cells writes a separator after every row, and its rows that long are read.
        if self.trailing and len(cells) == expected and self.trailing_line:
            self.diagnostics.warn("first-row", self.trailing_line, "a first row with more cells than the header, as "
                                  "when every row ends in a separator, where later rows do not (a name without its "
                                  "quotes in the first row?)", "read as it is: check that row; put such values in "
                                  "quotes, or export again")
            self.trailing_line = 0   # said once (the rows read as the first row's width stay so: switching now
            # would skip every later row of a file with one row short of its separator)
        if len(cells) > expected and not self.source.sheets and not self._trailing(cells):
            self.not_in_post += 1   # read, but not counted
            self.diagnostics.warn("long", self.source.line(), "more cells than the header (a separator inside a "
                                  "value that is not in quotes, as in an unquoted name or list of courses?)",
                                  "skipped, since its values would be read in the wrong columns; put such values "
                                  "in quotes, or export again")
            return None
        return cells

    def _trailing(self, cells: list[str]) -> bool:
        """Whether a row longer than the header ends in separators the file writes after every row."""
        if any(c.strip() for c in cells[self.columns:]):
            return False
        if self.trailing is None:
            if self.range_number:   # only the whole file's first row can say
                raise NotAlone("a row with more cells than the header")
            first = not self.ids and not self.not_in_post
            self.trailing = len(cells) if first else 0
            self.trailing_line = self.source.line() if first else 0
        return len(cells) <= self.trailing

    def _pad(self, cells: list[str]) -> list[str]:
        """A short (ragged) row: pad it with empty cells (a row of one value is a blank line, a title or a
        footer, which the checks after this one name; a sheet's row ends at its last value, so it is not ragged)."""
        if not self.source.sheets and sum(1 for c in cells if c.strip()) > 1:
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
        if (not any(c.strip() for i, c in enumerate(cells) if i != self.id_index)
                or (_WORDS.search(text) and sum(1 for c in cells if c.strip()) <= 3)):   # 'Report by Smith, J on 01/11'
            self.diagnostics.warn("text", self.source.line(), "a line of text, not a person's row (a title or a "
                                  "footer, as 'Report generated on ...')", "skipped: it is not a person")
            return None
        number = whole_number(text)
        if number is not None and number < _ODD_IDS - (1 << 24):
            return number     # it had a NUL or odd spaces in it
        number = self.odd_ids.get(text)
        if number is None:
            if self.range_number:
                raise NotAlone("an employee number that is not a plain number")
            number = self.odd_ids[text] = _ODD_IDS - len(self.odd_ids)
        return number

    def _seen_far(self, number: int) -> None:
        if number >= _BITMAP and self.range_number:
            raise NotAlone("a very large employee number")
        if number < _BITMAP:   # grow the bitmap (doubling, up to its largest) to cover the number
            size = min(max((number >> 3) + 1, 2 * len(self.seen)), _BITMAP >> 3)
            self.seen.extend(bytes(size - len(self.seen)))
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
            in_post = self.in_post_of[status] = self._in_post(status)
        if in_post is not True:   # a status out of post, listed or not
            return in_post
        role_key = self.role_of(values)
        level = self.level_of.get(role_key)
        if level is None:
            level = self.level_of[role_key] = self._level(*role_key)
        qi_key = self.qi_key_of(values)
        qi = self.qi_of.get(qi_key)
        if qi is None:
            qi = self.qi_of[qi_key] = self._qi(*qi_key)
        where = self.place_of(values)
        placed = self.placed.get(where)
        if placed is None:
            placed = self.placed[where] = place(*where)
        self.combinations.append(Combination(level, qi[0], qi[1], *placed))
        self.check_limit()
        self.people.extend((0, 0, 0, 0))
        self.fte_units.append(0)
        return len(self.combinations) - 1

    def _in_post(self, status: str | None) -> bool | int:
        """True for a status in post (or no status column); else why not: a status the policy lists as out
        of post, or one it does not list at all (a typing error, a blank, or a row read in the wrong columns)."""
        if status is None or fold(status) in self.in_post:
            return True
        known = self.config.staff_list.not_in_post
        return _NOT_IN_POST if known is None or fold(status) in known else _UNKNOWN_STATUS

    def _split_row(self, cells: list[str]) -> bool:
        """Whether a name in the row was split at its comma (an unquoted 'Surname, Mr. Forename'): a column of
        names (self.split_columns) holds no comma, and the cell after it starts like ' Mr. Forename'."""
        for i in self.split_columns:
            if len(cells) > i + 1 and "," not in cells[i] and half_a_name(cells[i + 1]):
                return True
        return False

    def _unknown_status(self) -> None:
        self.diagnostics.warn("status", self.source.line(), "an assignment status the policy does not list "
                              "(staff_list.in_post, staff_list.not_in_post), or none",
                              "counted as not in post; if they are in post, add the status to staff_list.in_post")

    def _unquoted_name(self) -> None:
        self.diagnostics.warn("unquoted", self.source.line(), "a cell that starts like the second half of a name "
                              "written 'Surname, Title Forename' without its quotes (' Mr', ' Mrs', ' Dr' ...), so "
                              "its values are in the wrong columns", "skipped; put such values in quotes, or export "
                              "again")

    def check_limit(self) -> None:
        if len(self.combinations) >= self.limit:
            if self.range_number:
                raise NotAlone("too many combinations for one range")
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
        return self.role_order.index(self.classifier.level(staff_group, job_role, position_title, band))

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
        """A warning about a value, made the first time the value is met (in this range or an earlier
        one); its row is noted for a merge."""
        if (kind, value) in self.warned:
            return
        self.warned.add((kind, value))
        self.diagnostics.warn(kind, self.source.line(), what, action)
        self.key_events.append((kind, self.source.line(), value))

    def _fte(self, raw: str) -> int:
        value, problem = parse_fte(raw)
        units = round(value * FTE_UNIT)
        if problem is None:
            self.fte_of[raw] = units
        else:  # not cached, so every such row is counted and named
            action = "counted as 0 FTE" if value == 0 else "read as shown"
            self.diagnostics.warn("fte-" + problem[0], self.source.line(), problem[1], action)
        return units

    def _start(self, raw: str) -> int:
        date = parse_date(raw)
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

    def free_tables(self) -> None:
        """What only the read needed (the lookup tables of values): free it for the merge."""
        self.combination_of, self.start_of, self.fte_of, self.level_of, self.qi_of, self.placed = {}, {}, {}, {}, {}, {}

    # -- after the read ----------------------------------------------------------------------
    def census(self, trained: dict[str, frozenset[str]]) -> tuple[Census, dict[str, Census], int]:
        """Count people: single-row people from tallies of the rows, several-row people merged one by one.
        Returns the whole census, the --by groups' and how many training records matched nobody."""
        if self.matched is None:   # one read of the whole file (ranges.py merges before this)
            self.matched = self.merge(self.training_by_number(trained))[0]
        whole, groups = self.count()
        return whole, groups, len(trained) - self.matched

    def merge(self, extra: dict[int, frozenset[str]], cross: set | frozenset = frozenset()) -> tuple[int, array, array]:
        """Merge the people with several rows here (or in the training records `extra`): their rows come
        out of the tallies and go into the census merged. People in `cross` also have rows in another
        range of the file: their rows come out of the tallies too, but are handed back (employee numbers
        and codes, in row order) to be merged with their other rows. Returns the training records matched,
        and those handed-back employee numbers and codes."""
        people, fte_units, ids = self.people, self.fte_units, self.ids
        kinds, ftes, assignments = self.kinds, self.ftes, self.assignments
        self.seen = bytearray()
        self.free_tables()
        # The rows of people with several rows (or in the training records), in 16 ranges of employee
        # number, so that sorting holds a sixteenth of them at a time and people still come in order.
        top = max(ids, default=0)   # one pass over the rows: used twice
        shift = max(top.bit_length() - 4, 0)
        parts = [array("Q") for _ in range(16)]
        for k in compress(range(len(ids)), self._marked(extra, cross, top)):
            parts[ids[k] >> shift].append(ids[k] << 32 | k)
        handed_ids, handed_codes = array("I"), array("Q")
        merged, matched = [], 0
        for part in parts:
            for key in sorted(part):   # their rows come out of the tallies and are added back merged
                number, k = key >> 32, key & 0xFFFFFFFF
                kind, fte = kinds[k], ftes[k]
                people[kind] -= 1
                fte_units[kind >> 2] -= fte
                code = assignments[k] << 40 | (kind >> 2) << 18 | fte << 2 | (kind & 3)   # the row, as merging compares rows
                if number in cross:
                    handed_ids.append(number)
                    handed_codes.append(code)
                elif merged and merged[0] == number:
                    merged[1].append(code)
                else:
                    if merged:
                        matched += self._add_person(merged[0], merged[1], extra)
                    merged = [number, [code]]
        if merged:
            matched += self._add_person(merged[0], merged[1], extra)
        return matched, handed_ids, handed_codes

    def merge_rows(self, rows: list[tuple[int, int]], extra: dict[int, frozenset[str]]) -> int:
        """Merge people from rows gathered from several ranges: (employee number << 32 | order in the
        file, code) pairs, codes in this reader's combination numbers. Returns the training records matched."""
        matched, merged = 0, []
        for key, code in sorted(rows):
            if merged and merged[0] == key >> 32:
                merged[1].append(code)
                continue
            if merged:
                matched += self._add_person(merged[0], merged[1], extra)
            merged = [key >> 32, [code]]
        if merged:
            matched += self._add_person(merged[0], merged[1], extra)
        return matched

    def count(self) -> tuple[Census, dict[str, Census]]:
        """The census: people with one row from the tallies, and everyone merged, counted in kinds."""
        self.fold_tallies()
        for (level, role, modules, service, group), (count, fte, dated, joiners) in self.alike.items():
            add_people(self.classifier, self.whole, self.groups if "by" in self.fields else None, self.role_order[level],
                       fte, role, modules, service, group, count, dated, joiners)
        return self.whole, self.groups

    def fold_tallies(self) -> None:
        """Count the people with one row (the tallies left after merging) into the kinds of people."""
        people, fte_units = self.people, self.fte_units
        for combination, c in enumerate(self.combinations):
            counts = people[combination * 4:combination * 4 + 4]
            if any(counts):
                self.add_alike((c.level, c.qi_role, c.trained, c.service, c.group), sum(counts), fte_units[combination],
                               counts[_EARLIER] + counts[_RECENT] + counts[_LATER], counts[_RECENT])
                people[combination * 4:combination * 4 + 4] = [0, 0, 0, 0]   # counted

    def add_alike(self, alike: tuple, people: int, fte_units: int, dated: int, joiners: int) -> None:
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

    def _marked(self, extra: dict[int, frozenset[str]], cross, top: int):
        """For each row: is its person a repeat, in the training records or in another range too?
        Evaluated in C. `top`: the largest employee number."""
        ids = self.ids
        if top >= _BITMAP or len(self.repeats) + len(extra) + len(cross) < _SET_OF_REPEATS:
            special = set(self.repeats)   # one lookup a row; a bitmap (below) takes five
            special.update(extra)
            special.update(cross)
            return map(special.__contains__, ids)
        marks = bytearray((top >> 3) + 1)
        for number in chain(self.repeats, extra, cross):
            if number <= top:
                marks[number >> 3] |= 1 << (number & 7)
        return map(int.__and__, map(marks.__getitem__, map((3).__rrshift__, ids)),
                   map((1).__lshift__, map((7).__and__, ids)))

    def training_by_number(self, trained: dict[str, frozenset[str]]) -> dict[int, frozenset[str]]:
        out = {}
        for eid, modules in trained.items():
            text = eid.strip()
            number = whole_number(text)
            if number is None or number >= _ODD_IDS - (1 << 24):
                number = self.odd_ids.get(text)
            if number is not None:
                out[number] = out.get(number, frozenset()) | modules
        return out

    def _add_person(self, number: int, person_codes: list[int], extra_by_number: dict) -> int:
        """Merge one person's rows into the census; 1 if a training record matched them.
        One pass over their distinct rows, then one over their distinct combinations (first row's first)."""
        unique = list(dict.fromkeys(person_codes)) if len(person_codes) > 1 else person_codes
        if len(unique) < len(person_codes):
            self.first_met["duplicate"] = min(number, self.first_met.get("duplicate", number))
            self.diagnostics.warn("duplicate", None, duplicate_words(self.assignment_index >= 0), "counted once",
                                  unit="duplicate row", count=len(person_codes) - len(unique))
        units = starts = 0   # FTE units summed; a bit per start category met
        kinds = {}
        for code in unique:
            units += (code >> 2) & 0xFFFF
            starts |= 1 << (code & 3)
            kinds[code >> 18 & COMBINATION] = None
        rows = [self.combinations[k] for k in kinds]
        first = rows[0]
        level, role, modules, moved = first.level, first.qi_role, first.trained, False
        for c in rows[1:]:
            level = min(level, c.level)            # the highest level of any row
            role = role or c.qi_role               # the first QI role given
            modules = modules | c.trained
            moved = moved or (c.service, c.group) != (first.service, first.group)
        if moved:
            self.first_met["conflict"] = min(number, self.first_met.get("conflict", number))
            self.diagnostics.warn("conflict", None, "with assignments in more than one service or group",
                                  "each counted once, where their first row puts them", unit="person")
        if number in extra_by_number:
            modules = modules | extra_by_number[number]
        dated = starts & ~(1 << _UNDATED)
        recent = dated & (1 << _RECENT) and not dated & (1 << _EARLIER)   # the earliest start is in the last 12 months
        self.add_alike((level, role, modules, first.service, first.group), 1, units, int(dated != 0), int(bool(recent)))
        return int(number in extra_by_number)


def duplicate_words(assignments: bool) -> str:
    """What a duplicate row is, as both engines say it: without an assignment column, two posts of one
    person with the same values in every column read cannot be told from a row written twice."""
    if assignments:
        return "the same as an earlier row of the same person (same assignment, same values in every column qidose reads)"
    return ("the same as an earlier row of the same person (same values in every column qidose reads; with no "
            "assignment column, two such posts cannot be told from one row written twice)")


def half_a_name(cell: str) -> bool:
    """Whether a cell is the second half of a name split at its comma (' Mrs. Jo')."""
    return cell[:1].isspace() and _SPLIT_NAME.match(cell) is not None


def whole_number(text: str) -> int | None:
    """Text of decimal digits (any script's, as int() reads them) as a number; None for anything else,
    or for more digits than Python turns into a number (4,300)."""
    return int(text) if text.isdecimal() and len(text) <= 4300 else None


def parse_fte(raw: str) -> tuple[float, tuple[str, str] | None]:
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
_iso_date = dt.date.fromisoformat


def parse_date(raw: str) -> dt.date | None:
    text = raw.replace("\x00", "").strip()
    if len(text) == 10 and text[2] == text[5] == "/":
        try:   # dd/mm/yyyy, ESR's own shape, rewritten for the quickest reader (most files hold thousands of dates)
            return _iso_date(f"{text[6:]}-{text[3:5]}-{text[:2]}")   # ASCII digits only
        except ValueError:
            pass
        if (text[:2] + text[3:5] + text[6:]).isdecimal():   # not a day of the calendar, or another script's digits
            try:
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
    serial = whole_number(text)
    if serial is not None and 1 <= serial <= 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=serial)  # an Excel serial day number
    return None
