"""Excel workbooks (.xlsx, .xlsm) as a source of rows, for staff_file.open_rows.

Two readers give the same rows: every row from row 1 and every cell from column A, as text
(``_cell_text``), an error value such as #N/A as an empty cell. tests/test_workbook.py holds them to it.

- python-calamine (Rust) reads a workbook of up to XLSX_WHOLE_BYTES whole: 0.7 s for 30,000 rows,
  against 3.4-9.5 s for openpyxl. It holds the sheet in memory (about 1.7 KB a row), and a workbook whose
  cells lie very far apart can make it ask for more memory than there is, which ends the process
  with no message. So where the system can fork, it reads in a child process under a memory limit,
  and sends the rows back. openpyxl reads the workbook instead if the child dies, if calamine cannot
  read it, or if it holds a whole number too large for calamine's 64-bit floats to keep exactly.
- openpyxl streams any workbook in read-only mode, in little memory whatever its size, and reads every
  row there is, whatever size the workbook records for the sheet.
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path
from typing import Iterator

from qidose.errors import InputError, QidoseError, UsageError
from qidose.staff_file import COMPOUND, ReadOptions, RowSource

# 10 MB of xlsx is about 90,000 rows; a workbook larger than that is streamed by openpyxl, so memory
# stays bounded whatever the size (benchmarks/README.md, "Excel workbooks").
XLSX_WHOLE_BYTES = 10 * 2**20
_CHILD_MEMORY = 2 << 30   # the calamine child's address space: a workbook that needs more is read by openpyxl
_CHUNK = 2000             # rows a message from the child


def excel_source(p: Path, name: str, options: ReadOptions) -> RowSource:
    if _compound_file(p):
        raise InputError(f"{name}: a password-protected (encrypted) workbook, or an old .xls workbook renamed "
                         f"{p.suffix}, which qidose cannot read; in Excel, remove the password (File > Info > "
                         f"Protect Workbook > Encrypt with Password, clear it, save), or save it as an Excel "
                         f"Workbook (.xlsx) or as CSV")
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

def _compound_file(p: Path) -> bool:
    """Whether the file is an OLE2 compound file (staff_file.COMPOUND): neither reader opens one, and each
    would say only that it is not a zip file."""
    try:
        with open(p, "rb") as f:
            return f.read(len(COMPOUND)) == COMPOUND
    except OSError:   # the readers say what is wrong with it
        return False


def _unreadable(name: str, kind: str) -> InputError:
    return InputError(f"{name}: not a readable .xlsx workbook ({kind}); "
                      f"open it in Excel and save it again, or save the sheet as CSV")


def _missing_sheet(name: str, sheet: str, names: list[str]) -> UsageError:
    return UsageError(f"--sheet {sheet!r}: {name} has the sheets {', '.join(names)}")


def _chart_sheet(name: str, sheet: str | None) -> QidoseError:
    if sheet is None:
        return InputError(f"{name}: the workbook has no sheet of cells, only charts; save the staff list as CSV")
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
    """The sheet's rows read by calamine, in a child process where the system can fork; None when openpyxl
    is to read the workbook (the child died, calamine cannot read it, or a number it cannot keep exactly)."""
    if not hasattr(os, "fork"):
        try:
            names, sheet = _read_whole(calamine, p, name, options)
            _check_exact(sheet)
        except (_Unread, _Inexact):
            return None
        return _source(name, _rows_of(sheet), size, names)
    from qidose.ranges import Child, Refused
    child = Child(lambda tell, ask: _send_rows(calamine, p, name, options, tell))
    try:
        (kind, value), _ = child.result()
    except Refused:   # it died loading the workbook
        kind = "died"
    except BaseException:   # Ctrl-C: the child ends with us
        child.cancel()
        raise
    if kind != "names":
        child.cancel()
        if kind == "error":
            error, message = value
            raise (UsageError if error == "UsageError" else InputError)(message)
        return None   # it died, could not read the workbook, or found a number it cannot keep exactly

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
    try:
        resource.setrlimit(resource.RLIMIT_AS, (_CHILD_MEMORY, _CHILD_MEMORY))
    except (ValueError, OSError):   # a system that will not set it: read without the limit
        pass
    os.dup2(os.open(os.devnull, os.O_WRONLY), 2)   # Rust's last words on running out of memory are not the user's
    try:
        names, sheet = _read_whole(calamine, p, name, options)
        _check_exact(sheet)
    except (_Unread, _Inexact):
        tell(("openpyxl", None))
        return
    except QidoseError as e:
        tell(("error", (type(e).__name__, str(e))))
        return
    tell(("names", names))
    rows = _rows_of(sheet)
    while chunk := list(itertools.islice(rows, _CHUNK)):
        tell(("rows", chunk))
    tell(("end", None))


class _Unread(Exception):
    """calamine cannot read the workbook (openpyxl may: it says what is wrong if it cannot)."""


def _read_whole(calamine, p: Path, name: str, options: ReadOptions):
    """(the workbook's sheet names, the sheet to read), loaded whole."""
    try:
        with open(p, "rb") as f:   # by its bytes, so that a workbook saved with a .csv name is still read
            book = calamine.CalamineWorkbook.from_filelike(f)
        names = list(book.sheet_names)
        kinds = [meta.typ for meta in book.sheets_metadata]
    except Exception:
        raise _Unread from None
    if not names:
        raise _Unread
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
        return names, book.get_sheet_by_index(index)
    except Exception:
        raise _Unread from None


class _Inexact(Exception):
    """A whole number beyond 2**53 in a cell: calamine's float has lost its last digits."""


_EXACT = 2.0 ** 53


def _check_exact(sheet) -> None:
    """_Inexact if a cell holds a whole number calamine cannot keep exactly (over 2**53: openpyxl reads
    the digits as written; Excel itself keeps 15)."""
    for values in sheet.iter_rows():
        for value in values:
            if value.__class__ is float and (value >= _EXACT or value <= -_EXACT) and value.is_integer():
                raise _Inexact


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
        yield pad + [v if v.__class__ is str else _cell_text(v) for v in values]   # most cells are text


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
    from openpyxl.utils.escape import unescape
    if options.sheet is not None and options.sheet not in book.sheetnames:
        book.close()
        raise _missing_sheet(name, options.sheet, book.sheetnames)
    try:
        sheet = book[options.sheet] if options.sheet is not None else book.worksheets[0]
    except Exception as e:   # no sheet of cells at all, or a sheet part missing
        book.close()
        if options.sheet is None and book.sheetnames:
            raise _chart_sheet(name, None) from None
        raise _unreadable(name, type(e).__name__) from None
    if not hasattr(sheet, "iter_rows"):   # a chart sheet
        book.close()
        raise _chart_sheet(name, options.sheet)
    sheet.reset_dimensions()   # the size a workbook records can be stale: read every row there is

    def text(cell) -> str:   # an error value (#N/A, #REF!) is no value; _x000D_ is a CR: as calamine reads them
        if cell.data_type == "e":
            return ""
        value = cell.value
        return unescape(value) if value.__class__ is str and "_x" in value else _cell_text(value)

    def rows() -> Iterator[list[str]]:
        try:
            for cells in sheet.iter_rows():
                yield [text(cell) for cell in cells]
        finally:
            book.close()

    return _source(name, rows(), size, book.sheetnames)
