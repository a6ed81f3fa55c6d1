"""Open a staff list (CSV, or xlsx) as a source of rows (lists of strings).

Handles what ESR, ESR BI and Excel produce: a BOM, cp1252, UTF-16 "Unicode text", CRLF or
CR line endings, `;` or tab separators, NUL bytes, huge fields. Nothing here knows what a
column means (``staff.py`` and ``rows.py`` do). A delimited file's rows come from ``CsvRows``, which
splits plain lines itself and hands the csv module only the lines that need it, with the csv module's
own answers (benchmarks/README.md: 30% fewer instructions a line than csv.reader on an ESR export).
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from qidose.errors import InputError, UsageError

csv.field_size_limit(2**31 - 1)   # ESR free-text fields can exceed the 128 KB default

_SNIFF = 65536
# Encodings in which the bytes of a newline or a quote never occur inside another character, so a file
# can be cut into byte ranges at a newline (UTF-16 cannot).
_BYTE_SAFE = {"utf-8", "utf-8-sig", "cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"}
_EXCEL = (".xlsx", ".xlsm")
# An OLE2 compound file's first bytes: what Excel saves a workbook with a password to open as (the zip
# encrypted inside it), and what an old .xls is (workbook.py says what to do with either).
COMPOUND = bytes.fromhex("d0cf11e0a1b11ae1")


@dataclass(frozen=True)
class ReadOptions:
    """How to read the staff file: --encoding, --delimiter, --skip-lines, --sheet."""

    encoding: str = "utf-8-sig"
    delimiter: str | None = None       # None: comma, or tab when the file is tab-separated
    skip_lines: int | None = None      # None: find the header row
    sheet: str | None = None


@dataclass
class RowSource:
    """A staff file opened for reading: its rows as lists of text, and what is known about it."""

    name: str                                        # the file as messages name it
    rows: Iterator[list[str]]
    line: Callable[[], int]                          # the row number of the row just read
    explain: Callable[[Exception], InputError]       # a decode or split error, as the user should see it
    size: int | None = None                          # bytes, when known (for progress)
    sheets: tuple[str, ...] = ()                     # an xlsx workbook's sheet names
    # A CSV file on disk that can be read in byte ranges (qidose/ranges.py): its encoding and separator,
    # and how to make this source end at a byte offset. None for stdin, xlsx, UTF-16 and files with NULs.
    dialect: tuple[str, str] | None = None
    stop_at: Callable[[int], bool] | None = None
    head: str = ""                                   # a delimited file's first 64 KB, decoded (its first rows)
    delimiter: str | None = None                     # a delimited file's separator



def first_rows(rows: int) -> str:
    """'the first row' or 'the first 30 rows', for a message about the rows searched for a header."""
    return "the first row" if rows == 1 else f"the first {rows:,} rows"

def open_rows(path: str, options: ReadOptions) -> RowSource:
    """Open a staff list or training-records file. Raises InputError for unreadable files."""
    name = "stdin" if path == "-" else path
    if path == "-":
        if options.sheet:
            raise UsageError("--sheet needs an .xlsx file, not stdin")
        return _csv_source(sys.stdin.buffer, name, None, options)
    if not path:
        raise UsageError("an empty file name was given (an unset variable in a script?)")
    p = Path(path)
    if p.is_dir():
        raise InputError(f"{name}: is a directory; give the file inside it")
    if not p.exists():
        raise InputError(f"{name}: no such file")
    suffix = p.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"{name}: old Excel .xls files cannot be read; open it in Excel and save it as .xlsx or CSV")
    try:
        raw = open(p, "rb")
    except OSError as e:
        raise InputError(f"{name}: cannot read ({e.strerror})") from None
    if suffix in _EXCEL or raw.read(8).startswith((b"PK\x03\x04", COMPOUND)):   # a workbook, whatever its name
        raw.close()
        from qidose.workbook import excel_source
        return excel_source(p, name, options)
    if options.sheet:
        raise UsageError(f"--sheet {options.sheet!r}: {name} is not an .xlsx file")
    raw.seek(0)
    return _csv_source(raw, name, p, options)


# -- CSV -----------------------------------------------------------------------------------------

def _csv_source(raw, name: str, path: Path | None, options: ReadOptions) -> RowSource:
    head = raw.read(_SNIFF)
    encoding = options.encoding
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"                      # Excel's "Unicode text"
    try:
        text_encoding = getattr(codecs.lookup(encoding), "_is_text_encoding", True)
    except LookupError:
        text_encoding = False
    if not text_encoding:   # unknown, or a codec such as rot13 or base64 that is not a text encoding
        raise UsageError(f"--encoding {encoding!r} is not a text encoding Python knows (try utf-8-sig or cp1252)")
    if path is None and head.startswith(b"PK\x03\x04"):
        raise InputError(f"{name}: an .xlsx workbook (or another zip file); qidose reads a workbook from its file, "
                         f"not from standard input: give its path")
    if not head.strip(b"\r\n\t ,;\x00\xef\xbb\xbf"):
        raise InputError(f"{name}: the file is empty; export it again")
    rejoined = _Rejoin(head, raw)
    stream = io.TextIOWrapper(rejoined, encoding=encoding, newline="", errors="strict")
    lines = _Lines(stream, name, encoding, head)
    text = lines.head
    delimiter = options.delimiter or _sniff_delimiter(text, name)
    source = itertools.chain(io.StringIO(text, newline=""), stream)
    if "\x00" in text:
        source = (line.replace("\x00", "") for line in source)
    csv_rows = CsvRows(source, delimiter)
    size = path.stat().st_size if path is not None else None

    def explain(error: Exception) -> InputError:
        if isinstance(error, UnicodeError):   # undecodable bytes, or a UTF-16 file without its byte-order mark
            if path is None:
                return _decode_error(name, encoding, f"after row {csv_rows.line_num()}")
            with open(path, "rb") as f:
                return _decode_error(name, encoding, f"row {_bad_line(f, encoding)}")
        row = _open_quote_row(path, encoding, delimiter) if path is not None else None
        where = f"row {row}" if row else f"row {csv_rows.line_num()}"
        return InputError(f"{name} {where}: a quoted field is not closed, or a quote is out of place ({error}); "
                          f"check the quotes on that row")

    splittable = path is not None and "\x00" not in text and codecs.lookup(encoding).name in _BYTE_SAFE
    return RowSource(name, csv_rows.rows, csv_rows.line_num, explain, size,
                     dialect=(encoding, delimiter) if splittable else None,
                     stop_at=rejoined.stop_at if splittable else None, head=text, delimiter=delimiter)


def open_range(path: str, dialect: tuple[str, str], start: int, stop: int | None, first_line: int = 0) -> RowSource:
    """The rows of a CSV file from byte `start` (the first byte of a record) to `stop` (or its end).
    Row numbers count on from `first_line`, the lines before the range."""
    encoding, delimiter = dialect
    if codecs.lookup(encoding).name == "utf-8-sig":
        encoding = "utf-8"   # a byte-order mark is only dropped at the start of the file, as one read does
    raw = open(path, "rb")
    raw.seek(start)
    rejoined = _Rejoin(b"", raw)
    if stop is not None:
        rejoined.stop_at(stop - start)
    csv_rows = CsvRows(io.TextIOWrapper(rejoined, encoding=encoding, newline="", errors="strict"), delimiter)
    return RowSource(path, csv_rows.rows, lambda: first_line + csv_rows.line_num(), lambda e: InputError(f"{path}: {e}"),
                     dialect=dialect)


class CsvRows:
    """The rows of delimited text lines, exactly as ``csv.reader(lines, delimiter=delimiter, strict=True)``
    reads them, with its ``line_num`` (``line_num()``), in about 30% fewer instructions a line on an ESR
    export (benchmarks/README.md, "Where a row's time goes").

    A line without a quote is split on the separator. A line with one quoted cell that starts and ends
    at cell edges (as ESR quotes "Surname, Title Forename") is split around that cell. Any other line (a
    doubled quote, a cell that runs on to the next line, a quote inside a cell, two quoted cells) goes to
    the csv module itself, which reads on from it as far as its record goes and raises as it always has:
    so a quote left open at the end of a range still fails there (ranges.py counts on it).
    A file where most lines need the csv module (more than HARD_SHARE of them, once HARD_LINES have)
    is handed to it whole, as every-cell-quoted exports would be, so as not to be slower than the csv
    module alone. `lines` must split lines as files opened with newline="" do, at \\n, \\r\\n and \\r.
    tests/test_staff_file.py holds the two to the same rows, line numbers and errors on random text.
    """

    HARD_LINES = 100
    HARD_SHARE = 0.5

    def __init__(self, lines: Iterator[str], delimiter: str):
        if delimiter in ('"', "\r", "\n"):   # the csv module would read them, but not as a separator
            raise ValueError(f"{delimiter!r} quotes cells or ends lines: it cannot separate columns")
        push_back = _PushBack(lines)
        reader = csv.reader(push_back, delimiter=delimiter, strict=True)   # refuses a bad delimiter here
        self.ends = _Ends()   # no reference back to the rows, so a read left unfinished is freed (and closed) at once
        self.rows = _rows(lines, delimiter, push_back, reader, self.ends, self.HARD_LINES, self.HARD_SHARE)

    def line_num(self) -> int:
        """Lines read so far, as csv.reader counts them: the last line of the record just given."""
        ends = self.ends
        if ends.rest is not None:
            return ends.before_rest + ends.rest.line_num
        if self.rows.gi_frame is None:
            return ends.lines_read
        import inspect   # only for a warning's row number (click has imported it already)
        if inspect.getgeneratorstate(self.rows) == inspect.GEN_CREATED:
            return 0
        counts = inspect.getgeneratorlocals(self.rows)   # _rows' own counts, by name
        return counts["number"] + counts["extra"]


class _Ends:
    """What the rows of a CsvRows leave for its line_num: the lines read when they end, or the csv
    module's reader they handed the rest of the lines to, and the lines read before it."""

    __slots__ = ("lines_read", "rest", "before_rest")

    def __init__(self):
        self.lines_read, self.rest, self.before_rest = 0, None, 0


def _rows(lines: Iterator[str], sep: str, push_back: _PushBack, reader, ends: _Ends,
          hard_lines: int, hard_share: float) -> Iterator[list[str]]:
    """CsvRows' rows (its docstring); `reader` is the csv module's reader of `push_back`."""
    number = extra = 0   # lines this loop took; lines the csv module read after a record's first (both read
    #                      by name in CsvRows.line_num)
    hard = 0             # lines handed to the csv module
    edges = (sep, "")    # what may stand before an opening quote and after a closing one
    try:
        for number, line in enumerate(lines, 1):
            text = line.rstrip("\r\n")
            if '"' not in text:
                yield text.split(sep) if text else []
                continue
            before, _, tail = text.partition('"')
            quoted, closed, after = tail.partition('"')
            # one quoted cell, its quotes at cell edges: split around it
            if closed and before[-1:] in edges and after[:1] in edges and '"' not in after:
                cells = (before + after).split(sep)   # the quoted cell's place is left empty ...
                cells[before.count(sep)] = quoted     # ... and filled
                yield cells
                continue
            push_back.line = line
            start = reader.line_num
            try:
                cells = next(reader)
            finally:   # the lines it read count, even for a record it refuses
                extra += reader.line_num - start - 1
            yield cells
            hard += 1
            if hard >= hard_lines and hard > hard_share * number:   # mostly hard lines: the csv module reads the rest
                ends.before_rest, ends.rest = number + extra, csv.reader(lines, delimiter=sep, strict=True)
                yield from ends.rest
                return
    finally:
        ends.lines_read = number + extra


class _PushBack:
    """A line pushed back, then the lines after it: what the csv module reads a record from."""

    def __init__(self, lines: Iterator[str]):
        self.lines, self.line = lines, None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line, self.line = self.line, None
        return next(self.lines) if line is None else line


class _Lines:
    """Decode the first 64 KB (to the end of a line) for sniffing, with a clear error if it fails."""

    def __init__(self, stream: io.TextIOWrapper, name: str, encoding: str, head: bytes):
        try:
            self.head = stream.read(_SNIFF) + stream.readline()
        except UnicodeError:
            raise _decode_error(name, encoding, f"row {_bad_line(io.BytesIO(head), encoding)}") from None


def _decode_error(name: str, encoding: str, where: str) -> InputError:
    utf = "utf" in encoding.replace("-", "").lower()
    hint = "try --encoding cp1252 (Excel's 'CSV' on Windows)" if utf else "try --encoding utf-8-sig"
    return InputError(f"{name} {where}: bytes that are not {encoding} text; {hint}")


class _Rejoin(io.RawIOBase):
    """The sniffed head followed by the rest of the stream, as one readable stream."""

    def __init__(self, head: bytes, rest):
        self.head, self.rest = head, rest
        self.given, self.stop = 0, None   # bytes handed on so far; where to end (None: at the end of the file)

    def stop_at(self, offset: int) -> bool:
        """End the stream at byte `offset` of the file; False if it has already been read past it."""
        if offset < self.given:
            return False
        self.stop = offset
        return True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = len(buffer) if self.stop is None else min(len(buffer), self.stop - self.given)
        if self.head:
            n = min(want, len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
        else:
            data = self.rest.read(want)
            n = len(data)
            buffer[:n] = data
        self.given += n
        return n

    def close(self) -> None:
        self.rest.close()
        super().close()


def _sniff_delimiter(head: str, name: str) -> str:
    sample = [line for line in head.splitlines()[:30] if line.strip()]
    sample = [line for line in sample if any(c in line for c in ",;\t")] or sample   # not a title row's words
    tabs, semis, commas = (sum(line.count(c) for line in sample) for c in ("\t", ";", ","))
    if tabs > commas and tabs >= semis:
        return "\t"
    per_line = {line.count(",") for line in sample}
    if semis > commas and min(per_line) > 0 and len(per_line) == 1 and len({line.count(";") for line in sample}) > 1:
        return ","   # the same commas on every line, ';' in some cells only (as "Course A;Course B")
    if semis > commas:
        raise InputError(f"{name}: the columns look separated by ';', not ',' (as Excel writes CSV in some "
                         f"locales); try --delimiter ';'")
    return ","


def _bad_line(lines, encoding: str) -> int:
    """The first line (of a binary file or stream) that does not decode."""
    decoder = codecs.getincrementaldecoder(encoding)()
    number = 0
    for number, line in enumerate(lines, 1):
        try:
            decoder.decode(line)
        except UnicodeError:
            return number
    return number


def _open_quote_row(path: Path, encoding: str, delimiter: str) -> int | None:
    """Where the record that broke the strict reader starts: read it again, noting where each starts."""
    start = 1
    try:
        with open(path, encoding=encoding, newline="", errors="replace") as f:
            reader = csv.reader((line.replace("\x00", "") for line in f), delimiter=delimiter, strict=True)
            for _ in reader:
                start = reader.line_num + 1
    except csv.Error:
        return start
    except OSError:
        return None
    return None

