"""Excel workbooks (.xlsx, .xlsm) as a source of rows, for staff_file.open_rows.

Two readers give the same rows: every row from row 1 and every cell from column A, as text
(``_cell_text``), an error value such as #N/A as an empty cell. tests/test_workbook.py holds them to it.

- python-calamine (Rust) reads a workbook of up to XLSX_WHOLE_BYTES whole: 0.7 s for 30,000 rows,
  against 9.5 s for openpyxl. It holds the sheet in memory (about 1.7 KB a row), and a workbook whose
  cells lie very far apart can make it ask for more memory than there is, which ends the process
  with no message. So where the system can fork, it reads in a child process under a memory limit,
  and sends the rows back; if the child dies, openpyxl reads the workbook instead.
- openpyxl streams any workbook in read-only mode, in little memory whatever its size.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Iterator

from qidose.errors import InputError, QidoseError, UsageError
from qidose.staff_file import ReadOptions, RowSource

# 10 MB of xlsx is about 90,000 rows; a workbook larger than that is streamed by openpyxl, so memory
# stays bounded whatever the size (benchmarks/README.md, "Excel workbooks").
XLSX_WHOLE_BYTES = 10 * 2**20
_CHILD_MEMORY = 2 << 30   # the calamine child's address space: a workbook that needs more is read by openpyxl
_CHUNK = 2000             # rows a message from the child


def excel_source(p: Path, name: str, options: ReadOptions) -> RowSource:
    size = p.stat().st_size
    if size <= XLSX_WHOLE_BYTES:
        try:
            import python_calamine
        except ImportError:   # a platform without its wheel: openpyxl reads it, only slower
            pass
        else:
            source = _calamine_source(python_calamine, p, name, options, size)
            if source is not None:
                return source
    return _openpyxl_source(p, name, options, size)


# -- errors, alike for both readers ----------------------------------------------------------------

def _unreadable(name: str, kind: str) -> InputError:
    return InputError(f"{name}: not a readable .xlsx workbook ({kind}); "
                      f"open it in Excel and save it again, or save the sheet as CSV")


def _missing_sheet(name: str, sheet: str, names: list[str]) -> UsageError:
    return UsageError(f"--sheet {sheet!r}: {name} has the sheets {', '.join(names)}")


def _chart_sheet(name: str, sheet: str | None) -> UsageError:
    return UsageError(f"--sheet {sheet!r}: that sheet of {name} is a chart, not cells; "
                      f"give the sheet that holds the staff list")


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


# -- python-calamine ---------------------------------------------------------------------------------

def _calamine_source(calamine, p: Path, name: str, options: ReadOptions, size: int) -> RowSource | None:
    """The sheet's rows read by calamine, in a child process where the system can fork; None if the
    child died (openpyxl reads the workbook then)."""
    if not hasattr(os, "fork"):
        names, rows = _read_whole(calamine, p, name, options)
        return _source(name, rows, size, names)
    from qidose.ranges import Child, Refused
    child = Child(lambda tell, ask: _send_rows(calamine, p, name, options, tell))
    try:
        (kind, value), _ = child.result()
    except Refused:   # it died loading the workbook
        child.cancel()
        return None
    if kind == "error":
        child.close()
        error, message = value
        raise (UsageError if error == "UsageError" else InputError)(message)

    def rows() -> Iterator[list[str]]:
        try:
            while True:
                try:
                    (kind, chunk), _ = child.result()
                except Refused:
                    raise InputError(f"{name}: the workbook's reader stopped part way; save the sheet as CSV") from None
                if kind == "end":
                    return
                yield from chunk
        finally:
            child.cancel()

    return _source(name, rows(), size, value)


def _send_rows(calamine, p: Path, name: str, options: ReadOptions, tell) -> None:
    """In the child: the sheet names once the sheet is loaded, then its rows, a chunk at a time."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (_CHILD_MEMORY, _CHILD_MEMORY))
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)   # Rust's last words on running out of memory are not the user's
    try:
        names, rows = _read_whole(calamine, p, name, options)
    except QidoseError as e:
        tell(("error", (type(e).__name__, str(e))))
        return
    tell(("names", names))
    while chunk := list(itertools.islice(rows, _CHUNK)):
        tell(("rows", chunk))
    tell(("end", None))


def _read_whole(calamine, p: Path, name: str, options: ReadOptions) -> tuple[list[str], Iterator[list[str]]]:
    """(the workbook's sheet names, the rows of the sheet to read) as openpyxl gives them."""
    try:
        with open(p, "rb") as f:   # by its bytes, so that a workbook saved with a .csv name is still read
            book = calamine.CalamineWorkbook.from_filelike(f)
        names = list(book.sheet_names)
        kinds = [meta.typ for meta in book.sheets_metadata]
        if not names:
            raise ValueError("no sheets")
    except Exception as e:
        raise _unreadable(name, type(e).__name__) from None
    cells = calamine.SheetTypeEnum.WorkSheet
    if options.sheet is not None and options.sheet not in names:
        raise _missing_sheet(name, options.sheet, names)
    if options.sheet is not None:
        index = names.index(options.sheet)
    else:   # the first sheet of cells, as openpyxl's book.worksheets[0]
        index = next((k for k, kind in enumerate(kinds) if kind == cells), 0)
    if kinds[index] != cells:
        raise _chart_sheet(name, options.sheet)
    try:
        sheet = book.get_sheet_by_index(index)
    except Exception as e:
        raise _unreadable(name, type(e).__name__) from None
    return names, _rows_of(sheet)


def _rows_of(sheet) -> Iterator[list[str]]:
    """calamine gives rows from the first and cells from the first column in use (python-calamine 0.9
    gives the empty rows before the first in use, not the empty columns): put back what is missing, so
    that rows and columns are the sheet's own."""
    start_row, start_column = sheet.start or (0, 0)
    values_of = iter(sheet.iter_rows())
    first = next(values_of, None)
    if first is None:
        return
    pad = [""] * start_column if start_column and len(first) == sheet.width else []
    if start_row and any(v != "" for v in first):
        for _ in range(start_row):
            yield [""] * (len(pad) + len(first))
    for values in itertools.chain((first,), values_of):
        yield pad + [_cell_text(v) for v in values]


def _source(name: str, rows: Iterator[list[str]], size: int, names: list[str]) -> RowSource:
    position = [0]

    def counted() -> Iterator[list[str]]:
        try:
            for row in rows:
                position[0] += 1
                yield row
        except QidoseError:
            raise
        except Exception as e:   # a sheet damaged part way (openpyxl parses it as it goes)
            position[0] += 1
            raise explain(e) from None

    def explain(error: Exception) -> InputError:
        return InputError(f"{name} row {position[0]}: cannot read the cell values ({type(error).__name__}); "
                          f"open it in Excel and save it again, or save the sheet as CSV")

    return RowSource(name, counted(), lambda: position[0], explain, size, tuple(names))


# -- openpyxl ------------------------------------------------------------------------------------------

def _openpyxl_source(p: Path, name: str, options: ReadOptions, size: int) -> RowSource:
    try:
        import openpyxl
    except ImportError:
        raise InputError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl), or save the sheet as CSV") from None
    try:   # a file object, so that a workbook saved with a .csv name is still read
        book = openpyxl.load_workbook(open(p, "rb"), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged or non-Excel file
        raise _unreadable(name, type(e).__name__) from None
    if options.sheet is not None and options.sheet not in book.sheetnames:
        book.close()
        raise _missing_sheet(name, options.sheet, book.sheetnames)
    sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
    if not hasattr(sheet, "iter_rows"):   # a chart sheet
        book.close()
        raise _chart_sheet(name, options.sheet)

    def rows() -> Iterator[list[str]]:
        try:
            for cells in sheet.iter_rows():   # an error value (#N/A, #REF!) is no value, as calamine reads it
                yield ["" if cell.data_type == "e" else _cell_text(cell.value) for cell in cells]
        finally:
            book.close()

    return _source(name, rows(), size, book.sheetnames)
