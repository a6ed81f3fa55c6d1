"""A large CSV staff list read in byte ranges by several processes gives the one-process plan, word for word.

Every comparison runs the same command with --jobs 1 and --jobs N and asks for the same exit code,
stdout and stderr (warnings included: their counts and first rows). A spy counts the child processes
started and the ranges they refused, so a test cannot pass by quietly reading in one process.
"""

from __future__ import annotations

import csv
import importlib.util
import random
import sys

import pytest

from conftest import invoke
from clirun import EXAMPLE, ROOT
from qidose import ranges

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ranges are read in forked processes")
AS_OF = ["--as-of", "2026-10-01"]


@pytest.fixture
def spy(monkeypatch):
    """Counts of children started and ranges refused during a test."""
    seen = {"children": 0, "refused": 0}
    start, result = ranges.Child.__init__, ranges.Child.result

    def counting_start(self, work):
        seen["children"] += 1
        start(self, work)

    def counting_result(self):
        try:
            return result(self)
        except ranges.Refused:
            seen["refused"] += 1
            raise

    monkeypatch.setattr(ranges.Child, "__init__", counting_start)
    monkeypatch.setattr(ranges.Child, "result", counting_result)
    return seen


def same(*args, jobs: int):
    """Run a command with --jobs 1 and --jobs N; both must end alike, in every byte they print."""
    one, many = invoke([*args, "--jobs", "1"]), invoke([*args, "--jobs", str(jobs)])
    assert one.crashed() == "" and many.crashed() == ""
    assert (many.code, many.stderr) == (one.code, one.stderr)
    assert many.stdout == one.stdout
    return one


@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_example_list_same_plan(spy, jobs):
    one = same("-v", "plan", EXAMPLE, "--format", "json", *AS_OF, jobs=jobs)
    assert one.code == 0 and spy["children"] == jobs - 1 and spy["refused"] == 0


def test_example_list_by_directorate_and_trained_records(spy):
    same("plan", EXAMPLE, "--format", "json", *AS_OF, "--by", "Directorate",
         "--trained", ROOT / "examples" / "training-records.csv", jobs=3)
    assert spy["children"] == 2


# -- a messy list with something odd in every range ------------------------------------------------

def _generator():
    spec = importlib.util.spec_from_file_location("esr_generator", ROOT / "benchmarks" / "esr_generator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _messy_rows(seed: int = 11):
    gen = _generator()
    rows = [list(r) + [""] for r in gen.generate_rows(5000, seed=seed, messy=True)]
    header = list(gen.HEADER) + ["Notes"]
    col = {name: i for i, name in enumerate(header)}
    rng = random.Random(seed)
    n = len(rows)
    for i in sorted(rng.sample(range(n), 120)):   # spread over the whole file, so every range has some
        row = rows[i]
        kind = i % 7
        if kind == 0:
            row[col["Grade"]] = rng.choice(["Grade Q", "Band Z"])     # the same odd grades in several ranges
        elif kind == 1:
            row[col["QI Role"]] = "QI Wizard"
        elif kind == 2:
            row[col["QI Training"]] = "Basket Weaving"
        elif kind == 3:
            row[col["Start Date"]] = rng.choice(["31/02/2020", "sometime"])
        elif kind == 4:
            row[col["FTE"]] = rng.choice(["n/a", "3.5", "0,5"])
        elif kind == 5:
            row[col["Assignment Status"]] = rng.choice(["Suspend No Pay", "Actve Assignment"])   # a typo is warned about
        else:
            del row[col["Notes"]:]   # a ragged row
            if rng.random() < 0.5:   # and its name without quotes, split at its comma: skipped
                surname, forename = row[col["Full Name"]].split(",", 1)
                row[col["Full Name"]:col["Full Name"] + 1] = [surname, forename]
    # one person at both ends of the file (two services, two QI roles), and a row repeated far away
    first, last = list(rows[3]), list(rows[3])
    last[col["Assignment Number"]] += "-2"
    last[col["Directorate"]] = "Somewhere Else"
    first[col["QI Role"]], last[col["QI Role"]] = "Quality Coach", "Improvement Advisor"
    rows[3] = first
    rows.insert(n - 5, last)
    rows.insert(n - 50, list(rows[100]))
    return header, rows


def _write(path, header, rows, total=True):
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("Staff in post report\r\n\r\n")
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)
        if total:
            writer.writerow(["Total", "", "", str(len(rows))])
    return path


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    header, rows = _messy_rows()
    return _write(tmp_path_factory.mktemp("ranges") / "messy.csv", header, rows)


@pytest.mark.parametrize("jobs", [2, 4])
def test_messy_list_same_plan_and_warnings(spy, messy, jobs):
    one = same("-v", "plan", messy, "--format", "json", *AS_OF, jobs=jobs)
    assert one.code == 0 and spy["children"] == jobs - 1 and spy["refused"] == 0
    # the warnings this file must give, found in ranges other than the first too
    for words in ("a grade that is not a band", "a QI role qidose does not know", "QI training qidose does not know",
                  "a start date qidose cannot read", "fewer cells than the header", "a total row",
                  "more than one service", "the same as an earlier row", "an assignment status the policy does not list",
                  "the second half of a name"):
        assert words in one.stderr


def test_messy_list_report_and_explain(spy, messy, tmp_path):
    same("explain", messy, *AS_OF, "--level", "board", jobs=2)
    same("plan", messy, "--format", "csv", *AS_OF, "--by", "Directorate", "--years", "3", jobs=3)
    assert spy["children"] == 3


def test_a_cut_inside_a_quoted_cell_is_found_and_the_file_read_in_one_process(spy, tmp_path):
    """A cell holding a newline where the file would be cut: the first process's strict reader ends
    inside quotes, so the whole file is read again in one process."""
    header, rows = _messy_rows(seed=12)
    path = tmp_path / "quoted.csv"
    col = header.index("Notes")
    for _ in range(5):   # put a two-line note in the row the middle of the file falls in
        text = _write(path, header, rows).read_bytes()
        middle_row = text[:len(text) // 2].count(b"\r\n") - 3   # title rows and header before the data
        rows[middle_row][col:] = ["x" * 400 + "\nsee above"]
        _write(path, header, rows)
        cut = ranges.cuts(str(path), path.stat().st_size, 2, 0)[0]
        if path.read_bytes()[cut - 2:cut] == b"x\n":
            break
    assert path.read_bytes()[cut - 2:cut] == b"x\n"   # the cut does fall inside the quoted cell
    same("plan", path, "--format", "json", *AS_OF, jobs=2)
    assert spy["children"] == 1


def test_a_range_with_text_employee_numbers_is_read_by_the_first_process(spy, tmp_path):
    header, rows = _messy_rows(seed=13)
    rows[-40][0] = "TEMP-0001"         # a text id in the last range: a child cannot number it alone
    rows.insert(len(rows) - 10, list(rows[-40]))
    path = _write(tmp_path / "text-ids.csv", header, rows)
    same("-v", "plan", path, "--format", "json", *AS_OF, jobs=3)
    assert spy["children"] == 2 and spy["refused"] == 1


def test_a_broken_quote_late_in_the_file_is_reported_with_its_row(spy, tmp_path):
    header, rows = _messy_rows(seed=14)
    path = _write(tmp_path / "broken.csv", header, rows, total=False)
    data = path.read_bytes()
    at = data.rindex(b"\r\n", 0, len(data) - 5000) + 2
    path.write_bytes(data[:at] + b'"' + data[at:])   # an opening quote that never closes
    one = same("plan", path, "--format", "json", *AS_OF, jobs=2)
    assert one.code == 1 and "a quoted field is not closed" in one.stderr
    row = data[:at].count(b"\r\n") + 1
    assert f"row {row}" in one.stderr


def test_small_files_are_read_in_one_process_by_default(spy):
    assert ranges.processes(EXAMPLE.stat().st_size, None) == 1
    invoke(["plan", EXAMPLE, "--format", "json", *AS_OF])
    assert spy["children"] == 0


def test_a_child_whose_answer_breaks_off_means_one_read_of_the_whole_file(spy, messy, monkeypatch):
    """A child that dies while sending its arrays (killed, out of memory) must not leave half a merge:
    the file is read again in one process, and the plan is the one a single read gives."""
    import os

    whole = ranges._read_range

    def dies_while_sending(reader, path, start, stop, number, trained, tell, ask):
        def tell_half(header, blobs=()):
            tell(header, [memoryview(blob).cast("B")[:len(blob) // 2] for blob in blobs])
            os._exit(1)   # killed half way through its bitmap

        whole(reader, path, start, stop, number, trained, tell_half, ask)

    monkeypatch.setattr(ranges, "_read_range", dies_while_sending)
    one = same("plan", messy, "--format", "json", *AS_OF, jobs=2)
    assert one.code == 0 and spy["children"] == 1


def test_a_shuffled_list_same_plan(spy, tmp_path):
    """Rows in no order: most people with several rows have them in different ranges."""
    header, rows = _messy_rows(seed=15)
    random.Random(15).shuffle(rows)
    path = _write(tmp_path / "shuffled.csv", header, rows)
    same("-v", "plan", path, "--format", "json", *AS_OF, "--by", "Directorate",
         "--trained", ROOT / "examples" / "training-records.csv", jobs=3)
    assert spy["children"] == 2 and spy["refused"] == 0


def test_a_value_warned_about_in_an_earlier_range_is_not_warned_again_in_a_range_read_here(spy, tmp_path):
    """An odd grade in the second range (a child's) and again, in another combination, in the third,
    which the first process reads itself because that child refuses (a text employee number)."""
    header, rows = _messy_rows(seed=16)
    col = {name: i for i, name in enumerate(header)}
    for at, directorate in ((0.45, "Directorate One"), (0.85, "Directorate Two")):
        row = rows[int(len(rows) * at)]
        row[col["Grade"]], row[col["Directorate"]] = "Grade Omega", directorate
    rows[int(len(rows) * 0.8)][0] = "TEMP-0002"
    path = _write(tmp_path / "twice.csv", header, rows)
    one = same("-v", "plan", path, "--format", "json", *AS_OF, jobs=3)
    assert spy["refused"] == 1
    assert "a grade that is not a band" in one.stderr


def test_a_byte_order_mark_where_a_range_starts_is_read_as_one_read_reads_it(spy, tmp_path):
    """Two exports glued together: the second's byte-order mark, mid-file, is part of a cell for a
    single read (utf-8-sig drops only the file's first), so it must be for a range that starts on it."""
    header, rows = _messy_rows(seed=17)
    data = _write(tmp_path / "one.csv", header, rows, total=False).read_bytes()
    size = len(data) + 3
    cut = data.index(b"\n", size // 2) + 1
    # the row the second range starts with: another assignment of a person met earlier
    at = data[:cut].count(b"\r\n") - 3
    again = list(rows[10])
    again[header.index("Assignment Number")] += "-2"
    rows[at] = again
    data = _write(tmp_path / "one.csv", header, rows, total=False).read_bytes()
    size = len(data) + 3
    assert data.index(b"\n", size // 2) + 1 == cut
    path = tmp_path / "glued.csv"
    path.write_bytes(data[:cut] + b"\xef\xbb\xbf" + data[cut:])
    assert ranges.cuts(str(path), size, 2, 0) == [cut]   # the second range starts on the mark
    same("-v", "plan", path, "--format", "json", *AS_OF, jobs=2)
    assert spy["children"] == 1


def test_employee_numbers_beyond_eight_digits_in_a_later_range(spy, tmp_path):
    """Numbers too large for the bitmap of employee numbers (they get a set instead): a child hands
    its range back, and the plan is the one a single read gives."""
    header, rows = _messy_rows(seed=18)
    for at in (0.7, 0.9):
        big = list(rows[int(len(rows) * at)])
        big[0] = big[1] = "2000000123"   # beyond 2^27, below 2^31
        rows.insert(int(len(rows) * at), big)   # the same big number twice: one person, two rows
    path = _write(tmp_path / "big-ids.csv", header, rows)
    same("-v", "plan", path, "--format", "json", *AS_OF, jobs=2)
    assert spy["refused"] == 1


def test_one_person_with_both_merge_warnings_in_a_later_range(spy, tmp_path):
    """The smallest employee number, late in the file, with a duplicate row and a second service;
    a larger number early with two services: one read (in employee-number order) warns of the
    duplicate rows first, and so must several processes."""
    gen = _generator()
    header, rows, seen = list(gen.HEADER), [], set()
    for row in gen.generate_rows(4000, seed=19, messy=False):   # one row a person: no other merge warnings
        if row[0] not in seen:
            seen.add(row[0])
            rows.append(list(row))
    col = header.index("Directorate")
    late = list(rows[-20])
    late[0] = late[1] = "5"
    moved = list(late)
    moved[col], moved[1] = "Somewhere Else", "5-2"
    rows[-20:-20] = [late, list(late), moved]
    early = list(rows[20])
    early[0] = early[1] = "99999990"
    other = list(early)
    other[col], other[1] = "Another Place", "99999990-2"
    rows[20:20] = [early, other]
    path = _write(tmp_path / "both.csv", header, rows)
    one = same("-v", "plan", path, "--format", "json", *AS_OF, jobs=2)
    assert one.stderr.index("duplicate row") < one.stderr.index("more than one service")


def test_a_child_that_dies_between_the_rounds_means_one_read_of_the_whole_file(spy, messy, monkeypatch):
    import os

    whole = ranges._read_range

    def dies_after_round_one(reader, path, start, stop, number, trained, tell, ask):
        def tell_then_die(header, blobs=()):
            tell(header, blobs)
            os._exit(1)   # killed (say, out of memory) before it is told who crosses ranges

        whole(reader, path, start, stop, number, trained, tell_then_die, ask)

    monkeypatch.setattr(ranges, "_read_range", dies_after_round_one)
    one = same("plan", messy, "--format", "json", *AS_OF, jobs=3)
    assert one.code == 0 and spy["children"] == 2


@pytest.mark.parametrize("every", [True, False])
def test_rows_longer_than_the_header_with_empty_ends_are_read_by_the_first_process(spy, tmp_path, every):
    """Only the file's first row tells a separator after every row from a shifted row (an unquoted
    name whose row ends in an empty cell): a range that meets one hands the file back."""
    header, rows = _messy_rows(seed=17)
    rows = [row + [""] * (len(header) - len(row)) for row in rows]   # no ragged rows here
    if every:
        rows = [row + [""] for row in rows]
    else:
        rows[-30] = rows[-30] + [""]
    path = _write(tmp_path / "long.csv", header, rows, total=False)
    one = same("-v", "plan", path, "--format", "json", *AS_OF, jobs=2)
    assert spy["children"] == 1 and spy["refused"] == 1
    assert ("more cells than the header" in one.stderr) is not every
