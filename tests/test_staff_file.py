"""staff_file.CsvRows: the rows, line numbers and errors of csv.reader(strict=True), from its own splitting."""

import csv
import gc
import io
import weakref

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qidose.staff_file import CsvRows

# Short texts from the characters that matter to a CSV reader, and a few that do not.
TEXT = st.text(alphabet='ab ,;\t"\r\n\x00é', max_size=60)


def read(reader, line_num):
    """Every record with the line count after it, and the error that ended the read, if any."""
    out = []
    try:
        for cells in reader:
            out.append((list(cells), line_num()))
    except csv.Error as e:
        return out, str(e), line_num()
    return out, None, line_num()


class Impatient(CsvRows):
    HARD_LINES, HARD_SHARE = 1, 0   # hands the rest to the csv module at its first hard line


def both(text, delimiter, kind=CsvRows):
    expected = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records = kind(io.StringIO(text, newline=""), delimiter)
    return read(records.rows, records.line_num), read(expected, lambda: expected.line_num)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([",", ";", "\t"]))
def test_the_same_rows_line_numbers_and_errors_as_the_csv_module(text, delimiter):
    mine, theirs = both(text, delimiter)
    assert mine == theirs


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT, st.sampled_from([",", ";"]))
def test_the_same_after_handing_the_rest_to_the_csv_module(text, delimiter):
    mine, theirs = both(text, delimiter, Impatient)
    assert mine == theirs


def test_a_file_with_every_cell_quoted_is_handed_to_the_csv_module():
    """Some exports quote every cell: after HARD_LINES such lines the csv module reads the rest (no slower
    than the csv module alone), with the same rows, line numbers and errors, a cell running on included."""
    lines = [f'"{n}","Smith, Ann","Band {n % 9}"\r\n' for n in range(1, 251)]
    lines[200] = '"201","two\r\nlines","Band 5"\r\n'
    text = "".join(lines) + '"999","never closed\r\n'
    records = CsvRows(io.StringIO(text, newline=""), ",")
    mine = read(records.rows, records.line_num)
    expected = csv.reader(io.StringIO(text, newline=""), strict=True)
    theirs = read(expected, lambda: expected.line_num)
    assert mine == theirs and records.ends.rest is not None
    assert mine[0][200] == (["201", "two\r\nlines", "Band 5"], 202) and mine[1] == "unexpected end of data"


@pytest.mark.parametrize("text", [
    'Employee Number,Full Name,Grade\r\n1,"Smith, Mrs Ann",Band 5\r\n2,Jones,8a\r\n',   # ESR: a quoted name
    '1,"",x\n',                            # an empty quoted cell
    '1,"He said ""no""",x\n',              # doubled quotes: the csv module's
    '1,"two\nlines",x\n2,y,z\n',           # a cell that runs on: the csv module's, and the count goes on
    '1,"a","b"\n',                         # two quoted cells
    '1,ab"c,d\n',                          # a quote inside a cell is a character
    '\n\r\n1,x\r2,y',                      # blank lines, a lone CR, no newline at the end
    '1,"open\n',                           # a quote never closed
    '1,"a"b,c\n',                          # text after a closing quote
])
def test_shapes_from_real_exports(text):
    mine, theirs = both(text, ",")
    assert mine == theirs


def test_each_kind_of_line_takes_the_path_meant_for_it():
    """The quicker paths are taken (the property above would pass if everything went to the csv module)."""
    records = CsvRows(io.StringIO('1,"Smith, Ann",5\n2,Jones,6\n3,"a""b",7\n', newline=""), ",")
    rows = records.rows
    assert next(rows) == ["1", "Smith, Ann", "5"] and next(rows) == ["2", "Jones", "6"]
    assert rows.gi_frame.f_locals["reader"].line_num == 0   # split here, not by the csv module
    assert next(rows) == ["3", 'a"b', "7"]
    assert rows.gi_frame.f_locals["reader"].line_num == 1   # the doubled quote: the csv module's


def test_a_read_left_unfinished_lets_go_of_its_lines_at_once():
    """As the csv module's reader did: nothing holds the rows in a cycle, so a read left unfinished (as
    the fast path leaves its look at the header) lets go of its file at once, not when the garbage
    collector next runs (a ResourceWarning under python -X dev)."""
    class Lines:   # stands for the open file
        def __init__(self):
            self.lines = iter(["a,b\n", "1,2\n", "3,4\n"])

        def __iter__(self):
            return self

        def __next__(self):
            return next(self.lines)

    lines = Lines()
    alive = weakref.ref(lines)
    rows = CsvRows(lines, ",")
    del lines
    next(rows.rows)
    gc.disable()
    try:
        del rows
        assert alive() is None
    finally:
        gc.enable()


@pytest.mark.parametrize("delimiter", ["ab", "", '"', "\r", "\n"])
def test_a_delimiter_that_cannot_separate_columns_is_refused_before_any_row_is_read(delimiter):
    with pytest.raises((TypeError, ValueError)):
        CsvRows(io.StringIO("a,b\n"), delimiter)
