"""Staff list -> people -> a census: how many people are in each level, and what they have done.

One row is an assignment, not a person: rows are merged by employee number (FTE summed,
the highest level of any in-post row wins, the earliest start date kept). Only the columns
the plan aggregates are read; names and every other column are never looked at.
The rules run once per distinct value or combination of values, never once per row.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter
from dataclasses import dataclass, field

from qidose.classify import Classifier, band_code
from qidose.config import CAPACITY_LEVELS, ROLE_LEVELS, Config, fold
from qidose.diagnostics import Diagnostics
from qidose.errors import InputError, UsageError
from qidose.staff_file import ReadOptions, open_rows

_HEADER_SEARCH = 30          # rows looked at for the header
_MAX_FTE = 2.0               # more than this on one assignment is taken as a typing error
_TOTAL = re.compile(r"^\s*(grand\s+)?(sub)?totals?\b", re.IGNORECASE)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


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
         as_of: dt.date | None = None, trained: dict[str, frozenset[str]] | None = None) -> StaffList:
    """Read a staff list into a census.

    `trained` maps employee numbers to modules done according to a separate training-records
    file; they are added to what the list's own QI training column says. Records whose
    employee number is not a person in post are counted in `StaffList.unmatched_records`.
    """
    as_of = as_of or dt.date.today()
    name, rows = open_rows(path, options)
    diagnostics = Diagnostics(name)
    header_row, header, rows = _find_header(name, rows, config, options, by)
    index = _map_columns(name, header, config, diagnostics)
    by_index = None
    if by is not None:
        by_index = _find_column(header, by)
        if by_index is None:
            raise UsageError(_missing(name, by, header, f"--by {by!r}"))
    reader = _Reader(config, index, by_index, diagnostics, as_of)
    for number, cells in rows:
        reader.row(number, cells)
    if reader.rows_read == 0:
        raise InputError(f"{name}: no staff rows under the header (row {header_row}); is this the whole export?")
    if not reader.people:
        raise InputError(f"{name}: none of the {reader.rows_read:,} rows is a member of staff in post "
                         f"(statuses kept: staff_list.in_post in the config); check the status column")
    unmatched = reader.add_training(trained) if trained else 0
    whole, groups = reader.census()
    columns = {f: header[i] for f, i in index.items()}
    return StaffList(name, whole, groups, columns, reader.rows_read, reader.rows_in_post, as_of, diagnostics,
                     unmatched)


# -- the header ----------------------------------------------------------------------------------

def _find_header(name, rows, config: Config, options: ReadOptions, by):
    known = {fold(a) for aliases in config.staff_list.columns.values() for a in aliases}
    if by:
        known.add(fold(by))
    seen = []
    for number, cells in rows:
        seen.append((number, cells))
        if options.skip_lines is not None:
            if len(seen) > options.skip_lines:
                return number, cells, rows
            continue
        score = sum(1 for c in cells if fold(c) in known)
        if score >= 2:
            return number, cells, rows
        if len(seen) >= _HEADER_SEARCH:
            break
    if not seen:
        raise InputError(f"{name}: the file is empty; export the staff list again")
    if options.skip_lines is not None:
        raise InputError(f"{name}: --skip-lines {options.skip_lines} skips every row of the file")
    first = next((cells for _, cells in seen if any(c.strip() for c in cells)), [])
    if len(first) == 1 and any(d in first[0] for d in ";|\t"):
        raise InputError(f"{name}: each row reads as a single column; set the separator with --delimiter")
    raise InputError(
        f"{name}: no header row with staff-list columns in the first {len(seen)} rows "
        f"(looked for: {', '.join(config.staff_list.columns['employee_id'][:3])}, Staff Group, Grade, ...); "
        f"is this a staff list? If the header is further down, use --skip-lines N")


def _find_column(header: list[str], wanted: str) -> int | None:
    target = fold(wanted)
    for i, cell in enumerate(header):
        if fold(cell) == target:
            return i
    return None


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
                                  f"(any of: {', '.join(aliases)}; add yours under staff_list.columns.employee_id)"))
    missing = [f for f in ("job_role", "position_title", "band") if f not in index]
    if len(missing) == 3:
        raise InputError(f"{name}: no column to classify people by (Job Role, Position Title or Grade); "
                         f"columns found: {', '.join(h for h in header if h.strip())}")
    for f in missing + [f for f in ("fte", "status", "service") if f not in index]:
        diagnostics.note(f"{name}: no {f.replace('_', ' ')} column (looked for {', '.join(config.staff_list.columns.get(f, ())[:3])})")
    return index


def _missing(name, wanted, header, what, extra=""):
    found = [h for h in header if h.strip()]
    close = difflib.get_close_matches(wanted, found, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{name}: {what} is missing {extra}{hint}\n  columns found: {', '.join(found)}"


# -- rows to people ------------------------------------------------------------------------------

class _Reader:
    """Merges rows into people. Per-value work is cached in plain dicts."""

    def __init__(self, config: Config, index: dict[str, int], by_index: int | None, diagnostics: Diagnostics,
                 as_of: dt.date):
        self.config = config
        self.classifier = Classifier(config)
        self.diagnostics = diagnostics
        self.as_of = as_of
        self.index = index
        self.by_index = by_index
        self.width = max(list(index.values()) + [by_index or 0]) + 1
        self.people: dict[str, list] = {}
        self.rows_read = 0
        self.rows_in_post = 0
        self._levels: dict[tuple, int] = {}
        self._in_post: dict[str, bool] = {}
        self._fte: dict[str, float] = {}
        self._dates: dict[str, dt.date | None] = {}
        self._qi: dict[tuple, tuple] = {}
        self.level_ids = [lid for lid in ROLE_LEVELS]

    def row(self, number: int, cells: list[str]) -> None:
        if len(cells) < self.width:
            if not any(c.strip() for c in cells):
                return  # a blank row
            cells = cells + [""] * (self.width - len(cells))
        elif not any(c.strip() for c in cells):
            return
        first = next((c for c in cells if c.strip()), "")
        if _TOTAL.match(first):
            self.diagnostics.warn("total", number, "a total row", "skipped")
            return
        self.rows_read += 1
        get = self.index.get
        eid = cells[self.index["employee_id"]].strip()
        if not eid:
            self.diagnostics.warn("no-id", number, "no employee number", "skipped: a person cannot be counted without one")
            return
        status_i = get("status")
        if status_i is not None:
            status = cells[status_i]
            keep = self._in_post.get(status)
            if keep is None:
                keep = self._in_post[status] = fold(status) in self.config.staff_list.in_post
            if not keep:
                return
        self.rows_in_post += 1
        level = self._level(cells)
        fte = self._fte_of(number, cells)
        start = self._date_of(number, cells)
        qi = self._qi_of(number, cells)
        service = cells[get("service")].strip() if get("service") is not None else ""
        group = cells[self.by_index].strip() if self.by_index is not None else ""
        signature = hash(tuple(cells))
        person = self.people.get(eid)
        if person is None:
            self.people[eid] = [level, fte, start, qi[0], qi[1], service, group, signature]
            return
        if signature == person[7] or (isinstance(person[7], set) and signature in person[7]):
            self.diagnostics.warn("duplicate", number, "a duplicate of an earlier row", "counted once")
            return
        person[7] = (person[7] if isinstance(person[7], set) else {person[7]}) | {signature}
        if level < person[0]:
            person[0] = level
        person[1] += fte
        if start is not None and (person[2] is None or start < person[2]):
            person[2] = start
        person[3] = person[3] or qi[0]
        person[4] = person[4] | qi[1]
        if service != person[5] or group != person[6]:
            self.diagnostics.warn("conflict", number, "a second assignment of a person in another service or group",
                                  "the person is counted once, where their first row puts them")

    def _level(self, cells: list[str]) -> int:
        i = self.index
        key = tuple(cells[i[f]] if f in i else "" for f in ("staff_group", "job_role", "position_title", "band"))
        level = self._levels.get(key)
        if level is None:
            band = None
            if key[3].strip():
                band = band_code(key[3], self.config.staff_list.band_words)
                if band is None:
                    self.diagnostics.warn("band", None, "a grade that is not a band qidose knows",
                                          "classified by job role and title only (add the word under staff_list.band_words)",
                                          unit="distinct grade")
            level = self._levels[key] = self.level_ids.index(self.classifier.level(key[0], key[1], key[2], band))
        return level

    def _fte_of(self, number: int, cells: list[str]) -> float:
        i = self.index.get("fte")
        if i is None:
            return 0.0
        raw = cells[i]
        value = self._fte.get(raw)
        if value is None:
            value, problem = _parse_fte(raw)
            if problem is None:
                self._fte[raw] = value
            else:
                self.diagnostics.warn("fte-" + problem[0], number, problem[1], "counted as 0 FTE" if value == 0 else "read as shown")
        return value

    def _date_of(self, number: int, cells: list[str]) -> dt.date | None:
        i = self.index.get("start_date")
        if i is None:
            return None
        raw = cells[i]
        if raw not in self._dates:
            self._dates[raw] = _parse_date(raw)
            if self._dates[raw] is None and raw.strip():
                self.diagnostics.warn("date", number, "a start date qidose cannot read", "left out of the turnover estimate")
        return self._dates[raw]

    def _qi_of(self, number: int, cells: list[str]) -> tuple:
        role_i, training_i = self.index.get("qi_role"), self.index.get("qi_training")
        key = (cells[role_i] if role_i is not None else "", cells[training_i] if training_i is not None else "")
        value = self._qi.get(key)
        if value is None:
            role = self.classifier.qi_role(key[0]) if key[0].strip() else None
            if key[0].strip() and role is None:
                self.diagnostics.warn("qi-role", number, "a QI role qidose does not know",
                                      "ignored (add it under qi_role of a capacity level)")
            trained, unknown = self.classifier.trained_modules(key[1])
            if unknown:
                self.diagnostics.warn("qi-training", number, "QI training qidose does not know",
                                      "ignored (add it under recorded_as of a module)")
            value = self._qi[key] = (role, trained)
        return value

    def add_training(self, trained: dict[str, frozenset[str]]) -> int:
        """Add modules from training records to people in post; return how many records matched nobody."""
        unmatched = 0
        for eid, modules in trained.items():
            person = self.people.get(eid)
            if person is None:
                unmatched += 1
            else:
                person[4] = person[4] | modules
        return unmatched

    def census(self) -> tuple[Census, dict[str, Census]]:
        whole, groups = Census(), {}
        year_ago = self.as_of - dt.timedelta(days=365)
        covers = {}
        for level, fte, start, role, trained, service, group, _ in self.people.values():
            targets = [whole]
            if self.by_index is not None:
                targets.append(groups.setdefault(group, Census()))
            lid = self.level_ids[level]
            capacity = None
            key = (lid, role, trained)
            if key not in covers:
                covers[key] = (self.classifier.covers(trained, lid), self._capacity(role, trained))
            trained_here, capacity = covers[key]
            for census in targets:
                census.headcount[lid] += 1
                census.fte[lid] += fte
                if trained_here:
                    census.already_trained[lid] += 1
                if capacity is not None:
                    census.headcount[capacity] += 1
                    census.fte[capacity] += fte
                    census.already_trained[capacity] += 1
                if service:
                    census.services.add(service)
                if start is not None:
                    census.dated += 1
                    if year_ago < start <= self.as_of:
                        census.joiners += 1
        return whole, groups

    def _capacity(self, role: str | None, trained: frozenset) -> str | None:
        """The deepest capacity level a person is in: flagged by QI role, or trained for its dose."""
        for lid in reversed(CAPACITY_LEVELS):
            if role == lid or self.classifier.covers(trained, lid):
                return lid
        return None


def _parse_fte(raw: str) -> tuple[float, tuple[str, str] | None]:
    text = raw.strip().replace("\u00a0", "")
    if not text:
        return 0.0, ("empty", "no FTE")
    comma = "," in text and "." not in text
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").replace(",", ".")) / (100 if percent else 1)
    except ValueError:
        return 0.0, ("text", "an FTE that is not a number")
    if value < 0:
        return 0.0, ("negative", "a negative FTE")
    if value > _MAX_FTE:
        return 0.0, ("absurd", f"an FTE over {_MAX_FTE:g} on one assignment")
    if comma:
        return value, ("comma", "an FTE with a decimal comma (as '1,0')")
    return value, None


def _parse_date(raw: str) -> dt.date | None:
    text = raw.strip()
    for candidate in (text, text[:10]) if len(text) > 10 else (text,):   # '2021-03-04 00:00:00'
        for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%b-%Y", "%d.%m.%Y", "%d/%m/%y", "%d %b %Y", "%d-%m-%Y"):
            try:
                return dt.datetime.strptime(candidate, fmt).date()
            except ValueError:
                pass
    if text.isdigit() and 1 <= int(text) <= 80000:
        return _EXCEL_EPOCH + dt.timedelta(days=int(text))  # an Excel serial day number
    return None
