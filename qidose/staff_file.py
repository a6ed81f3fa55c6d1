"""Open a staff list (CSV, or xlsx) and stream its rows as lists of strings.

Handles what ESR, ESR BI and Excel produce: a BOM, cp1252, UTF-16 "Unicode text", CRLF or
CR line endings, `;` or tab separators, NUL bytes, huge fields and title rows above the
header. Nothing here knows what a column means; ``staff.py`` does.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from qidose.errors import InputError, UsageError

csv.field_size_limit(2**31 - 1)   # ESR free-text fields can exceed the 128 KB default

_SNIFF = 65536
_EXCEL = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class ReadOptions:
    encoding: str = "utf-8-sig"
    delimiter: str | None = None       # None: comma, or tab for Excel's "Unicode text"
    skip_lines: int | None = None      # None: find the header row
    sheet: str | None = None


Rows = Iterator[tuple[int, list[str]]]   # (row number as a spreadsheet shows it, cells)


def open_rows(path: str, options: ReadOptions) -> tuple[str, Rows]:
    """Return (display name, rows). Raises InputError for unreadable files."""
    name = "stdin" if path == "-" else path
    if path != "-":
        p = Path(path)
        if p.is_dir():
            raise InputError(f"{name}: is a directory; give the staff list file inside it")
        if not p.exists():
            raise InputError(f"{name}: no such file")
        suffix = p.suffix.lower()
        if suffix == ".xls":
            raise InputError(f"{name}: old Excel .xls files cannot be read; open it in Excel and save as .xlsx or CSV")
        if suffix in _EXCEL or _is_zip(p):
            return name, _excel_rows(p, name, options)
    elif options.sheet:
        raise UsageError("--sheet needs an .xlsx file, not stdin")
    return name, _csv_rows(path, name, options)


def _is_zip(p: Path) -> bool:
    try:
        with p.open("rb") as f:
            return f.read(4) == b"PK\x03\x04"
    except OSError as e:
        raise InputError(f"{p}: cannot read ({e.strerror})") from None


# -- CSV -----------------------------------------------------------------------------------------

def _csv_rows(path: str, name: str, options: ReadOptions) -> Rows:
    raw = sys.stdin.buffer if path == "-" else _open_binary(path, name)
    head = raw.read(_SNIFF)
    encoding = options.encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif head and head.count(b"\x00") > len(head) // 4:
        encoding = "utf-16-le" if head[1:2] == b"\x00" else "utf-16-be"
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"--encoding {encoding!r} is not an encoding Python knows (try utf-8-sig or cp1252)") from None
    stream = io.TextIOWrapper(_Rejoin(head, raw), encoding=encoding, newline="", errors="strict")
    return _decode_guard(name, encoding, path, _parse(stream, name, encoding, options))


def _open_binary(path: str, name: str):
    try:
        return open(path, "rb")
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None


class _Rejoin(io.RawIOBase):
    """The sniffed head followed by the rest of the stream, as one readable stream."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def _parse(stream: io.TextIOWrapper, name: str, encoding: str, options: ReadOptions) -> Rows:
    head = stream.read(_SNIFF)
    head += stream.readline()
    delimiter = options.delimiter or _sniff_delimiter(head, name, encoding)
    lines = itertools.chain(io.StringIO(head, newline=""), stream)
    reader = csv.reader(_strip_nul(lines) if "\x00" in head else lines, delimiter=delimiter)
    start = 1
    try:
        for cells in reader:
            yield start, cells
            start = reader.line_num + 1
    except csv.Error as e:
        raise InputError(f"{name} row {start}: cannot split into columns ({e}); check the quotes on that row") from None


def _strip_nul(lines):
    for line in lines:
        yield line.replace("\x00", "")


def _sniff_delimiter(head: str, name: str, encoding: str) -> str:
    sample = [line for line in head.splitlines()[:30] if line.strip()]
    tabs, semis, commas = (sum(line.count(c) for line in sample) for c in ("\t", ";", ","))
    if tabs > commas and tabs >= semis:
        return "\t"
    if semis > commas:
        raise InputError(
            f"{name}: the rows look separated by ';', not ',' (as Excel writes CSV in some locales); "
            f"try --delimiter ';'")
    return ","


def _decode_guard(name: str, encoding: str, path: str, rows: Rows) -> Rows:
    last = 0
    try:
        for row in rows:
            last = row[0]
            yield row
    except UnicodeDecodeError:
        where = f"row {_bad_line(path, encoding)}" if path != "-" else f"after row {last}"
        hint = "try --encoding cp1252 (Excel's 'CSV' on Windows)" if "utf" in encoding.replace("-", "").lower() \
            else "try --encoding utf-8-sig"
        raise InputError(f"{name} {where}: bytes that are not {encoding} text; {hint}") from None


def _bad_line(path: str, encoding: str) -> int:
    decoder = codecs.getincrementaldecoder(encoding)()
    with open(path, "rb") as f:
        for number, line in enumerate(f, 1):
            try:
                decoder.decode(line)
            except UnicodeDecodeError:
                return number
    return number  # pragma: no cover - the error was at the very end


# -- Excel ---------------------------------------------------------------------------------------

def _excel_rows(p: Path, name: str, options: ReadOptions) -> Rows:
    try:
        import openpyxl
    except ImportError:
        raise InputError(f"{name}: reading .xlsx needs openpyxl (pip install openpyxl), or save the sheet as CSV") from None
    try:
        book = openpyxl.load_workbook(p, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a damaged or non-Excel file
        raise InputError(f"{name}: not a readable .xlsx workbook ({type(e).__name__}); "
                         f"open it in Excel and save it again, or save the sheet as CSV") from None
    try:
        if options.sheet is not None:
            if options.sheet not in book.sheetnames:
                raise UsageError(f"--sheet {options.sheet!r}: {name} has the sheets {', '.join(book.sheetnames)}")
            sheet = book[options.sheet]
        else:
            sheet = book.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
            yield number, [_cell_text(v) for v in values]
    finally:
        book.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)
