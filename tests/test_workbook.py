"""The two Excel readers of qidose/workbook.py give the same rows, so the same plan, whichever reads a
workbook: python-calamine (workbooks up to XLSX_WHOLE_BYTES, in a child process) or openpyxl (larger
ones, and any that calamine's child dies on)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import pytest

from conftest import DATA, invoke

pytest.importorskip("python_calamine")
openpyxl = pytest.importorskip("openpyxl")

from qidose import workbook  # noqa: E402
from qidose.errors import InputError  # noqa: E402
from qidose.staff_file import ReadOptions  # noqa: E402

BAD = DATA / "bad"
AS_OF = ["--as-of", "2026-10-01"]


def rows_by(reader: str, path: Path, sheet: str | None = None) -> list[list[str]]:
    """The rows one reader gives, without the empty cells after a row's last value or the empty rows
    at the end (openpyxl pads rows to the sheet's recorded size, calamine to the cells in use)."""
    options = ReadOptions(sheet=sheet)
    if reader == "calamine":
        import python_calamine
        source = workbook._calamine_source(python_calamine, path, path.name, options, path.stat().st_size)
        assert source is not None, "calamine's child died"
    else:
        source = workbook._openpyxl_source(path, path.name, options, path.stat().st_size)
    rows = []
    for row in source.rows:
        while row and row[-1] == "":
            row = row[:-1]
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def awkward_workbook(path: Path, date1904: bool = False) -> Path:
    """Cells from C3, as a title block leaves them, of every kind a sheet holds: numbers, decimals,
    dates, a date and time, a time, a duration, booleans, a formula's cached value, errors, rich text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Staff"
    rows = [["Employee Number", "Start Date", "FTE", "Flag", "Sum", "Note", "Error"],
            [10000001, dt.datetime(2020, 2, 1), 1.0, True, 1, "x", 1],
            [10000002, dt.datetime(1999, 12, 31, 12, 30), 0.1 + 0.2, False, 1, "y", 1],
            [1e15, dt.time(9, 30), -0.0, None, 1, "  spaced \n text ", 1],
            [None, dt.timedelta(days=1, hours=2), 0.8, "True", 1, "z", 1]]
    for r, values in enumerate(rows, 3):
        for c, value in enumerate(values, 3):
            if value is not None:
                sheet.cell(row=r, column=c, value=value)
    raw = io.BytesIO()
    book.save(raw)
    source = zipfile.ZipFile(io.BytesIO(raw.getvalue()))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":   # what openpyxl cannot write: cached values, errors
                text = data.decode()
                text = re.sub(r'<c r="G4"[^>]*>.*?</c>', '<c r="G4"><f>1+1</f><v>2</v></c>', text)
                text = re.sub(r'<c r="H4"[^>]*>.*?</c>', '<c r="H4" t="str"><f>"a"&amp;"b"</f><v>a&amp;b</v></c>', text)
                text = re.sub(r'<c r="I4"[^>]*>.*?</c>', '<c r="I4" t="e"><v>#N/A</v></c>', text)
                text = re.sub(r'<c r="I5"[^>]*>.*?</c>', '<c r="I5" t="e"><v>#DIV/0!</v></c>', text)
                text = re.sub(r'<c r="H7"[^>]*>.*?</c>', '<c r="H7" t="inlineStr"><is><r><t xml:space="preserve">'
                              'rich </t></r><r><t>text</t></r></is></c>', text)
                data = text.encode()
            if name == "xl/workbook.xml" and date1904:
                data = re.sub(rb"<workbookPr\b", b'<workbookPr date1904="1"', data, count=1)
            out.writestr(name, data)
    return path


WORKBOOKS = [BAD / "staff_tiny.xlsx", BAD / "xlsx_named.csv", BAD / "empty_sheet.xlsx"]


@pytest.mark.parametrize("path", WORKBOOKS, ids=lambda p: p.name)
def test_both_readers_give_the_same_rows(path):
    assert rows_by("calamine", path) == rows_by("openpyxl", path)


@pytest.mark.parametrize("date1904", [False, True])
def test_both_readers_give_the_same_cells_of_every_kind(tmp_path, date1904):
    path = awkward_workbook(tmp_path / "awkward.xlsx", date1904)
    calamine = rows_by("calamine", path)
    assert calamine == rows_by("openpyxl", path)
    assert calamine[:2] == [[], []]                         # the rows and columns before the first in use
    assert calamine[2][:3] == ["", "", "Employee Number"]
    first, second, third, fourth = calamine[3:7]
    assert first[2:] == ["10000001", "2024-02-02" if date1904 else "2020-02-01", "1", "True", "2", "a&b"]
    assert second[2:] == ["10000002", "2004-01-01" if date1904 else "1999-12-31", "0.3", "False", "1", "y"]
    assert third[2:] == ["1000000000000000", "09:30:00", "0", "", "1", "  spaced \n text ", "1"]
    assert fourth[2:] == ["", "1 day, 2:00:00", "0.8", "True", "1", "rich text", "1"]   # #N/A, #DIV/0!: empty


def staff_workbook(path: Path, change) -> Path:
    """staff_tiny.xlsx with its first sheet's XML changed by `change(text) -> text`."""
    source = zipfile.ZipFile(BAD / "staff_tiny.xlsx")
    with zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = change(data.decode()).encode()
            out.writestr(name, data)
    return path


def test_a_whole_number_beyond_2_to_the_53_is_read_exactly(tmp_path):
    """calamine reads every number as a 64-bit float: 9007199254740993 would become ...992. openpyxl
    reads the digits as written, so it reads such a workbook."""
    path = staff_workbook(tmp_path / "big_id.xlsx",
                          lambda text: re.sub(r'(<c r="A2"[^>]*>)<v>\d+</v>', r"\1<v>9007199254740993</v>", text))
    import python_calamine
    assert workbook._calamine_source(python_calamine, path, path.name, ReadOptions(), 1) is None
    assert rows_by("openpyxl", path)[1][0] == "9007199254740993"


def test_a_stale_recorded_size_does_not_lose_rows(tmp_path):
    """A workbook records its sheet's size (<dimension>); openpyxl's read-only mode stopped there."""
    path = staff_workbook(tmp_path / "stale.xlsx", lambda text: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:C5"', text))
    assert rows_by("openpyxl", path) == rows_by("calamine", path) == rows_by("openpyxl", BAD / "staff_tiny.xlsx")


def test_a_carriage_return_is_read_alike(tmp_path):
    """Excel keeps a CR in a cell as _x000D_: both readers give the CR."""
    path = staff_workbook(tmp_path / "cr.xlsx", lambda text: re.sub(
        r'<c r="B2"([^>]*?)( t="\w+")?>.*?</c>', r'<c r="B2"\1 t="inlineStr"><is><t>A_x000D_B</t></is></c>', text, count=1))
    assert rows_by("calamine", path)[1][1] == rows_by("openpyxl", path)[1][1] == "A\rB"


def test_both_readers_read_the_named_sheet_and_refuse_a_missing_one():
    path = BAD / "titled.xlsx"
    assert rows_by("calamine", path, "Staff List") == rows_by("openpyxl", path, "Staff List")
    for reader in ("calamine", "openpyxl"):
        with pytest.raises(Exception, match="has the sheets Notes, Staff List"):
            rows_by(reader, path, "Staffing")


@pytest.mark.parametrize("args", [
    ["plan", BAD / "staff_tiny.xlsx", "--format", "json", *AS_OF],
    ["plan", BAD / "staff_tiny.xlsx", "--by", "Directorate", "--format", "csv", *AS_OF],
    ["plan", BAD / "titled.xlsx", "--sheet", "Staff List", "--format", "json", *AS_OF],
    ["plan", BAD / "titled.xlsx", "--format", "json", *AS_OF],
    ["plan", BAD / "truncated.xlsx", *AS_OF],
], ids=["json", "by", "sheet", "first-sheet-not-staff", "truncated"])
def test_the_same_plan_whichever_reader_reads_the_workbook(args, monkeypatch):
    calamine = invoke(args)
    monkeypatch.setattr(workbook, "XLSX_WHOLE_BYTES", 0)   # every workbook "too large": openpyxl streams it
    streamed = invoke(args)
    assert calamine.crashed() == "" and streamed.crashed() == ""
    assert (calamine.code, calamine.stdout) == (streamed.code, streamed.stdout)
    # a damaged workbook is named by the error of the reader that tried it (CalamineError, BadZipFile)
    assert re.sub(r"\(\w+\)", "", calamine.stderr) == re.sub(r"\(\w+\)", "", streamed.stderr)


def test_a_reader_that_dies_hands_the_workbook_to_openpyxl(monkeypatch):
    """A workbook whose cells lie far apart can make calamine ask for more memory than there is,
    which ends its process with no message: openpyxl reads the workbook then, with the same plan."""
    args = ["plan", BAD / "staff_tiny.xlsx", "--format", "json", *AS_OF]
    expected = invoke(args)
    streamed = []
    real = workbook._openpyxl_source

    def spy(*a, **k):
        streamed.append(True)
        return real(*a, **k)
    monkeypatch.setattr(workbook, "_openpyxl_source", spy)
    def dies(*args):
        import faulthandler
        faulthandler.disable()   # pytest's would report the abort
        os.abort()
    monkeypatch.setattr(workbook, "_send_rows", dies)
    died = invoke(args)
    assert streamed and died.crashed() == ""
    assert (died.code, died.stdout, died.stderr) == (expected.code, expected.stdout, expected.stderr)


def test_a_large_workbook_is_streamed_not_read_whole(monkeypatch):
    monkeypatch.setattr(workbook, "XLSX_WHOLE_BYTES", 100)
    monkeypatch.setattr(workbook, "_calamine_source", lambda *a: pytest.fail("read whole"))
    ran = invoke(["plan", BAD / "staff_tiny.xlsx", "--format", "json", *AS_OF])
    assert ran.code == 0, ran.stderr


def test_a_sheet_damaged_part_way_is_a_clear_error(tmp_path, monkeypatch):
    source = zipfile.ZipFile(BAD / "staff_tiny.xlsx")
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as out:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</c>", b"</x>", 3)   # not XML any more, a few cells in
            out.writestr(name, data)
    for whole in (workbook.XLSX_WHOLE_BYTES, 0):
        monkeypatch.setattr(workbook, "XLSX_WHOLE_BYTES", whole)
        ran = invoke(["plan", path, *AS_OF])
        assert ran.crashed() == ""
        assert ran.code == 1 and "damaged.xlsx" in ran.stderr and "save the sheet as CSV" in ran.stderr
    with pytest.raises(InputError, match="row 1: cannot read the cell values"):
        rows_by("openpyxl", path)
