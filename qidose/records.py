"""A training-records file (`--trained FILE`) -> the modules each employee number has done.

The file is CSV or xlsx (read by ``staff_file.open_rows``, so the same encodings, separators and
title rows work as for a staff list), e.g. an export of a QI project registry or of ESR learning
records. Its header is the first row, of the first 30, with an employee-number column and a course
column (names from ``training_records.columns`` in the config). One row is a person and a course; a
cell may hold several courses split at ``staff_list.training_separator``. A course maps to modules
through the modules' ``recorded_as`` words, as the staff list's QI training column does.

Only those two columns are read. The result is the ``trained`` mapping ``staff.read`` takes; the
staff list then says how many employee numbers matched nobody in post.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

from qidose.classify import Classifier
from qidose.config import Config, fold
from qidose.diagnostics import Diagnostics
from qidose.errors import InputError
from qidose.staff_file import ReadOptions, first_rows, open_rows

_HEADER_SEARCH = 30          # rows looked at for the header, as for a staff list


@dataclass
class Records:
    source: str
    trained: dict[str, frozenset[str]]   # employee number -> modules recorded as done (maybe none)
    rows: int                            # rows of records read (blank rows not counted)
    people: int                          # employee numbers with at least one course a module records
    unknown_course_rows: int             # rows with a course no module's recorded_as names
    diagnostics: Diagnostics
    unmatched: int | None = None         # employee numbers not in post in the staff list (set once it is read)

    def summary(self) -> dict:
        return {"file": self.source, "rows_read": self.rows, "employee_numbers": len(self.trained),
                "people_with_known_courses": self.people, "unknown_course_rows": self.unknown_course_rows,
                "unmatched_employee_numbers": self.unmatched}

    def matched(self, unmatched: int) -> None:
        """Record how many employee numbers the staff list did not have in post, as a warning."""
        self.unmatched = unmatched
        for _ in range(unmatched):
            self.diagnostics.warn("unmatched", None, "an employee number that is not a person in post in the staff "
                                  "list (a leaver, or a typing error)", "their records are not counted",
                                  unit="employee number")


def read(path: str, config: Config, options: ReadOptions = ReadOptions()) -> Records:
    """Read a training-records file. Raises InputError when it has no usable header or rows."""
    # Its own separator, sniffed: --delimiter is the staff list's (a records file may come from another
    # system), and is used here only when the records file is not comma- or tab-separated either.
    try:
        source = open_rows(path, ReadOptions(encoding=options.encoding))
    except InputError:
        if options.delimiter is None:
            raise
        source = open_rows(path, ReadOptions(encoding=options.encoding, delimiter=options.delimiter))
    diagnostics = Diagnostics(source.name)
    columns = config.records_columns
    classifier = Classifier(config)
    trained: dict[str, set[str]] = {}
    rows = unknown_rows = 0
    unknown_names: set[str] = set()
    try:
        header_row, id_col, course_col = _find_header(source, columns)
        width = max(id_col, course_col) + 1
        for cells in source.rows:
            if not any(c.strip() for c in cells):
                continue
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            rows += 1
            number, course = cells[id_col].strip(), cells[course_col]
            if not number:
                diagnostics.warn("no-id", source.line(), "no employee number", "skipped")
                continue
            modules = trained.setdefault(number, set())
            if not course.strip():
                diagnostics.warn("no-course", source.line(), "no course", "skipped")
                continue
            done, unknown = classifier.trained_modules(course)
            modules |= done
            if unknown:
                unknown_rows += 1
                unknown_names |= {fold(part) for part in unknown}
                diagnostics.warn("course", source.line(), "a course no module records",
                                 "ignored (add its name under recorded_as of a module in the config)")
    except (UnicodeError, csv.Error) as e:
        raise source.explain(e) from None
    if rows == 0:
        raise InputError(f"{source.name}: no training records under the header (row {header_row})")
    if unknown_names:
        diagnostics.note(f"{source.name}: {len(unknown_names):,} distinct course name(s) match no module's recorded_as")
    people = sum(1 for modules in trained.values() if modules)
    return Records(source.name, {k: frozenset(v) for k, v in trained.items()}, rows, people, unknown_rows,
                   diagnostics)


def _find_header(source, columns: dict[str, tuple[str, ...]]) -> tuple[int, int, int]:
    ids = [fold(a) for a in columns["employee_id"]]
    courses = [fold(a) for a in columns["course"]]
    seen, first = 0, None
    for cells in source.rows:
        seen += 1
        folded = [fold(c) for c in cells]
        if first is None and any(folded):
            first = cells
        id_col = _first(folded, ids)
        course_col = _first(folded, courses)
        if id_col is not None and course_col is not None:
            return source.line(), id_col, course_col
        if seen >= _HEADER_SEARCH:
            break
    if first is None:
        raise InputError(f"{source.name}: the file is empty; export the training records again")
    raise InputError(
        f"{source.name}: no header row with an employee number column and a course column in {first_rows(seen)} "
        f"(looked for: {', '.join(columns['employee_id'][:3])}; and {', '.join(columns['course'][:4])}, ...); "
        f"add your column names under training_records.columns in the config")


def _first(folded: list[str], aliases: list[str]) -> int | None:
    """The column of the first alias (in the config's order) the header has."""
    for alias in aliases:
        if alias in folded:
            return folded.index(alias)
    return None
