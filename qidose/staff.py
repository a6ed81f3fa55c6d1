"""Read a staff list into a census: find the header, map the columns, then count the rows
(rows.py; for a large CSV file, in ranges by several processes: ranges.py).

Only the columns the plan aggregates are read; names and every other column are never looked at.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass

from qidose.census import Census
from qidose.config import Config, fold
from qidose.diagnostics import Diagnostics
from qidose.errors import InputError, UsageError
from qidose.rows import TITLES, ReadAgain, RowReader
from qidose.staff_file import ReadOptions, RowSource, first_rows, open_rows

_HEADER_SEARCH = 30          # rows looked at for the header


@dataclass
class StaffList:
    """What qidose read from a staff list: counts by level (no personal data), columns, warnings."""

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
            refusal = header_refusal(by, config.staff_list.never_group_by)
            if refusal:
                raise UsageError(refusal)
            by_index = _find_column(header, by)
            if by_index is None:
                raise UsageError(_missing(source.name, by, header, f"the --by column {by!r}"))
        reader = RowReader(config, index, by_index, diagnostics, as_of, source, len(header),
                           split_columns=split_name_columns(source, header_row, index, by_index))
        if not _read_in_ranges(reader, path, jobs, progress, trained or {}):
            reader.read()
    except ReadAgain:   # in one process this time; the progress bar counts the whole file again
        if progress is not None and hasattr(progress, "expect") and source.size:
            progress.expect(source.size)
        return read(path, config, options, by, as_of, trained, jobs=1, progress=progress)
    except (UnicodeError, csv.Error) as e:
        raise source.explain(e) from None
    reader.rows_in_post = len(reader.ids) + reader.rows_elsewhere
    reader.rows_read = reader.rows_in_post + reader.not_in_post
    if reader.rows_read == 0:
        raise InputError(f"{source.name}: no staff rows under the header (row {header_row}); is this the whole export?")
    if reader.rows_in_post == 0:
        unnumbered = diagnostics.warnings.get("no-id")
        if unnumbered is not None and unnumbered.count == reader.rows_read:
            raise InputError(f"{source.name}: {_rows_that(reader.rows_read, 'has no', 'has an')} employee number (column "
                             f"{header[index['employee_id']]!r} is empty; in a workbook its cells may be formulas "
                             f"saved without their values: open it in Excel and save it again, or export again)")
        raise InputError(f"{source.name}: {_rows_that(reader.rows_read, 'is not a', 'is a')} member of staff in post "
                         f"(statuses kept: staff_list.in_post in the config); check the status column")
    whole, groups, unmatched = reader.census(trained or {})
    refusal = group_refusal(by, groups, whole.people)
    if refusal:
        raise UsageError(refusal)
    group_cautions(by, groups, diagnostics)
    columns = {f: header[i] for f, i in index.items()}
    return StaffList(source.name, whole, groups, columns, reader.rows_read, reader.rows_in_post, as_of,
                     diagnostics, unmatched)


# ESR writes a person as "Surname, Title Forename" (and a supervisor or line manager the same way)
_PERSON = re.compile(rf"^[^,]+,\s*({'|'.join(TITLES)})\b", re.IGNORECASE)


# ... or, in other exports, "Surname, Forename" or "Surname, F": most values of such a column have that shape
_SURNAME_FIRST = re.compile(r"^[A-Z][\w'’-]+(?:[ -][A-Z][\w'’-]+)?, ?[A-Z](?:[\w'’-]+|\.)?(?: [A-Z][\w'’.-]*)?$")


# ... and anywhere in a value, a title before a capitalised word names a person: 'PA to Dr Quigley', 'Mr. Squirrel'
# (the half of an unquoted "Surname, Mr. Squirrel" that slid into the next column). One such value refuses the
# column. The title must be written as one ('Dr', 'Dr.'; in capitals only in a value all in capitals), so that
# 'MS Service' (multiple sclerosis), 'DR Screening' (diabetic retinopathy), 'Drive' and 'Professional' pass.
# A building named after a person ("Dr Gray's Hospital", "Sir Robert Peel Community Hospital") passes: a value
# ending in a word for a building (_PLACES) names the building. Teams, services, clinics and practices are named
# after the consultants and GPs who run them ("Mr Lark Team", "Dr Okonjo Clinic"): those are refused.
_PLACES = frozenset({"hospital", "hospitals", "hospice", "infirmary", "centre", "center", "house", "wing", "building",
                     "campus", "institute"})
_TITLED = re.compile(rf"(?<!\w)(?:{'|'.join(TITLES)})(?:\.\s*|\s+)([^\W\d_])")
_TITLED_CAPITALS = re.compile(rf"(?<!\w)(?:{'|'.join(t.upper() for t in TITLES)})(?:\.\s*|\s+)([^\W\d_])")


def _titled(label: str) -> bool:
    """Whether a --by value holds a title before a capitalised word ('PA to Dr Quigley')."""
    words = label.split()
    if words and fold(words[-1]) in _PLACES:
        return False   # a place named after someone
    pattern = _TITLED_CAPITALS if label.isupper() else _TITLED
    return any(m.group(1).isupper() for m in pattern.finditer(label))


# A never_group_by column with one of these after its name is the same people: 'Line Manager Full Name'
_PERSON_SUFFIXES = ("name", "fullname", "names", "id", "number", "employeenumber", "email", "emailaddress", "code")

# Words for a person's role towards others: a column headed by one holds the people in that role, however their
# names are written ('Reporting Manager', "Supervisor's Name", 'Budget Holder', 'Named Mentor'), so --by refuses
# a header with one of these as whole words anywhere in it (plurals too). 'Line Manager' is a manager.
_ROLE_WORDS = ("manager", "supervisor", "appraiser", "mentor", "assessor", "approver", "budget holder", "reports to",
               "responsible officer", "business partner", "lead", "leader", "matron", "coach", "sponsor", "champion",
               "owner", "holder", "named nurse")
# 'Consultant' is also a grade and a kind of post ('Consultant Specialty', 'Consultant Grade' hold no one), so it
# counts only as the header's last word ('Named Consultant') or before one of _PERSON_SUFFIXES ('Consultant Code',
# the NHS name for a consultant's GMC number).
_LAST_ROLE_WORDS = ("consultant",)
# ... but a role word followed by one of these describes the post or where it is, not its holder: 'Supervisor
# Flag' (ESR's yes/no), 'Manager Level', 'Line Manager Directorate', 'Budget Holder Cost Centre'.
_ROLE_QUALIFIERS = frozenset({"flag", "level", "grade", "band", "type", "directorate", "division", "department",
                              "organisation", "organization", "org", "area", "site", "location", "cost", "costcentre",
                              "specialty", "service", "indicator", "status", "employer", "commissioner", "provider",
                              "group", "cohort", "ward", "unit", "team", "trust", "hospital", "ccg", "icb", "locality",
                              "region", "role", "category", "business"})


def _header_words(header: str) -> list[str]:
    """A header's words, folded: no possessive 's ("Manager's" -> manager), punctuation or case; CamelCase and
    snake_case split ('ReportingManager', 'reporting_manager' -> reporting, manager)."""
    text = re.sub(r"(?<=\w)['’`]s\b", "", header)
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", text)
    return [fold(w) for w in re.split(r"[^0-9A-Za-z]+", text) if fold(w)]


def _role_at(words: list[str], role: str, i: int) -> bool:
    """Whether the role's words (the last one perhaps plural) start at words[i]."""
    want = role.split()
    got = words[i:i + len(want)]
    return len(got) == len(want) and got[:-1] == want[:-1] and got[-1] in (want[-1], want[-1] + "s")


def split_name_columns(source: RowSource, header_row: int, index: dict[str, int], by_index: int | None) -> tuple[int, ...]:
    """The columns where an unquoted name can split its row: in a comma-separated file, those most of whose
    values in its first 64 KB are names as ESR writes them ('Surname, Title Forename'), whatever the header
    calls them ('Full Name', 'Line Manager'), with a column qidose reads after them (before them, a split
    moves nothing qidose reads). Both engines and every range use these."""
    read = [i for i in [*index.values(), by_index] if i is not None]
    if source.sheets or source.delimiter != "," or not source.head or not read:
        return ()
    reader = csv.reader(io.StringIO(source.head.replace("\x00", ""), newline=""))   # as the rows are read: no NULs
    try:
        rows = [row for row in reader if reader.line_num > header_row]   # some hundreds of rows
    except csv.Error:
        return ()
    columns = []
    for i in range(max(read)):
        values = [row[i] for row in rows if len(row) > i and row[i].strip()]
        if len(values) >= 3 and 2 * sum(1 for v in values if _PERSON.match(v)) > len(values):
            columns.append(i)
    return tuple(columns)


def header_refusal(by: str, never: frozenset[str]) -> str | None:
    """Why --by must not break down by a column, from its header alone (it names people), or None.

    Refused: one of never_group_by (the config's list, which users extend), alone or followed by Name, Full Name,
    ID, Number, Email or Code ('Appraiser Name'); and any header with a word for a role towards others
    (_ROLE_WORDS; 'consultant' as in _LAST_ROLE_WORDS)."""
    words = _header_words(by)
    why = None
    if fold(by) in never or "".join(words) in never or any(
            "".join(words[:k]) in never and "".join(words[k:]) in _PERSON_SUFFIXES for k in range(1, len(words))):
        why = "its header is listed under staff_list.never_group_by in the config, or names the employee number " \
              "or assignment column"
    else:
        for i in range(len(words)):
            role = next((r for r in _ROLE_WORDS if _role_at(words, r, i)
                         and (words[i + len(r.split()):] or [""])[0] not in _ROLE_QUALIFIERS), None) or next(
                (r for r in _LAST_ROLE_WORDS if _role_at(words, r, i)
                 and (i == len(words) - 1 or "".join(words[i + 1:]) in _PERSON_SUFFIXES)), None)
            if role:
                why = f"its header has the word {role!r}, a role whose holders are people"
                break
    if why is None:
        return None
    return (f"--by {by!r}: that column identifies people ({why}), and a breakdown by it would print personal "
            f"data; {_choose(by)}")


def _choose(by: str | None) -> str:
    """What to do instead: another column (not the refused one: a name can slide into a Directorate column)."""
    others = [c for c in ("Directorate", "Organisation") if fold(c) != fold(by or "")]
    return f"choose a column such as {' or '.join(others)}"


def group_cautions(by: str | None, groups: dict, diagnostics: Diagnostics) -> None:
    """Groups whose names differ only in capitals ('Surgery', 'surgery'): planned apart, each with its own
    minimum of coaches and experts, which the analyst should know (services are counted once either way).
    Both engines call it, after group_refusal has passed the column (so its values are not names)."""
    spellings: dict[str, list[str]] = {}
    for name in groups:
        spellings.setdefault(name.casefold(), []).append(name)
    alike = [sorted(names) for names in spellings.values() if len(names) > 1]
    if alike:
        example = " and ".join(repr(n) for n in alike[0][:2])
        diagnostics.caution(f"--by {by!r}: {sum(map(len, alike)):,} groups differ from another only in capitals (as "
                            f"{example}): each is planned as a group of its own; make the column's values agree "
                            f"if they are one group")


def group_refusal(by: str | None, groups: dict, people: int) -> str | None:
    """Why --by must not break down by this column (it would print personal data), or None.
    The message never quotes a value."""
    choose = f"and a breakdown by it would print them; {_choose(by)}"
    named = sum(1 for label in groups if _PERSON.match(label))
    if named:
        return (f"--by {by!r}: {named:,} of its {len(groups):,} values look like people's names as ESR writes "
                f"them ('Surname, Title Forename'), {choose}")
    titled = sum(1 for label in groups if _titled(label))
    if titled:
        return (f"--by {by!r}: {titled:,} of its {len(groups):,} values look like people's names (a title before "
                f"a name, as 'Dr Surname' or 'PA to Mr Surname'; a place named after a person counts too), {choose} "
                f"(in a column that should hold no names, one may have slid in from an unquoted 'Surname, Mr. "
                f"Forename' cell before it: check the export)")
    if len(groups) > 1:
        shaped = sum(1 for label in groups if _SURNAME_FIRST.match(" ".join(label.split())))
        if shaped >= 2 and shaped * 2 >= len(groups):
            return (f"--by {by!r}: {shaped:,} of its {len(groups):,} values look like people's names ('Surname, "
                    f"Forename' or 'Surname, F'), {choose}")
    if len(groups) > max(4, people / 2):
        return (f"--by {by!r}: {len(groups):,} groups for {people:,} people; a column with more than one value "
                f"for every two people identifies people, so qidose will not break down by it")
    return None


def _read_in_ranges(reader: RowReader, path: str, jobs: int | None, progress, trained) -> bool:
    """Read a large CSV file in byte ranges by several processes (ranges.py); False if it is not one."""
    if reader.source.dialect is None or reader.source.size is None:
        return False
    from qidose import ranges
    return ranges.read_in_ranges(reader, path, jobs, progress, trained)


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
        f"{source.name}: no header row in {first_rows(seen)} names an employee number column "
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
    # What changes the plan without a row to warn about: said with the warnings, not under -v only
    if "job_role" not in index:
        diagnostics.caution("no job role column: people are placed by position title and grade alone, so board "
                            "members and managers are found only by the title patterns under membership in the config")
    if "status" not in index:
        diagnostics.caution("no assignment status column: every row counts as in post (leavers too, if the export "
                            "has them)")
    if "service" in index and fold(header[index["service"]]).startswith("organi"):
        diagnostics.caution(f"services are counted from the {header[index['service']].strip()!r} column, which in "
                            f"ESR exports is the cost centre (often a ward or team): give --services N if the "
                            f"organisation has fewer services")
    return index


def _header_cells(header: list[str]) -> list[str]:
    """Cells that can be shown as column names: a broken header row can hold data (a name, a number)."""
    return [h.strip() for h in header if h.strip() and len(h) <= 40 and not re.search(r"[\d,@]", h)]


def _missing(name, wanted, header, what, extra=""):
    found = _header_cells(header)
    close = difflib.get_close_matches(wanted, found, n=1, cutoff=0.5)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"{name}: {what} is missing {extra}{hint}\n  columns found: {', '.join(found)}"


def _rows_that(rows: int, one: str, many: str) -> str:
    """'the one row has no', or 'none of the 22 rows has an'."""
    return f"the one row {one}" if rows == 1 else f"none of the {rows:,} rows {many}"

