"""Training-records files (`--trained FILE`, qidose/records.py): read, mapped to modules, joined."""

import csv

import pytest

from clirun import DATA, EXAMPLE, ROOT, run
from qidose import config as config_mod
from qidose import records
from qidose.config import fold
from qidose.errors import InputError

RECORDS = ROOT / "examples" / "training-records.csv"
SMALL = DATA / "staff_small.csv"
IN_POST = ("Active Assignment", "Internal Secondment", "Acting Up")


def in_post_numbers(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["Employee Number"] for r in csv.DictReader(f) if r["Assignment Status"] in IN_POST}


def small_numbers(n):
    return sorted(in_post_numbers(SMALL))[:n]


@pytest.fixture(scope="module")
def config():
    return config_mod.load()


def recorded_words(config):
    return {fold(w) for m in config.modules.values() for w in m.recorded_as}


def test_the_example_records_are_read_and_unknown_courses_counted(config):
    with open(RECORDS, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    unknown = sum(1 for r in rows if fold(r["Course Name"]) not in recorded_words(config))
    got = records.read(str(RECORDS), config)
    assert got.rows == len(rows)
    assert set(got.trained) == {r["Employee Number"] for r in rows}
    assert got.unknown_course_rows == unknown > 0
    assert any("course no module records" in line for line in got.diagnostics.lines())


@pytest.fixture(scope="module")
def with_records():
    result = run("plan", EXAMPLE, "--trained", RECORDS, "--format", "json", "--as-of", "2026-10-01")
    assert result.code == 0, result.stderr
    return result


def test_unknown_employee_numbers_are_counted_and_reported_on_stderr(with_records):
    with open(RECORDS, encoding="utf-8", newline="") as f:
        numbers = {r["Employee Number"] for r in csv.DictReader(f)}
    strangers = len(numbers - in_post_numbers(EXAMPLE))
    assert strangers > 0
    assert f"{strangers} employee numbers: an employee number that is not a person in post" in with_records.stderr
    data = with_records.json()
    assert data["source"]["training_records"]["unmatched_employee_numbers"] == strangers
    assert any(f"{strangers} employee numbers" in w for w in data["warnings"])


def test_records_add_to_the_training_already_done(with_records):
    without = run("plan", EXAMPLE, "--format", "json", "--as-of", "2026-10-01").json()
    before = {lp["level"]: lp["already_trained"] for lp in without["levels"]}
    after = {lp["level"]: lp["already_trained"] for lp in with_records.json()["levels"]}
    assert all(after[lid] >= before[lid] for lid in before)
    assert after["all_staff"] > before["all_staff"]


def _write(tmp_path, text, name="records.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_several_courses_in_a_cell_and_a_title_row_above_the_header(tmp_path, config):
    a, b = small_numbers(2)
    path = _write(tmp_path, f"QI registry export\n\nStaff Number,Training\n{a},Introduction to QI; Improvement Coaching\n"
                            f"{b},Lean for Leaders\n,Introduction to QI\n")
    got = records.read(str(path), config)
    intro = {m for m, mod in config.modules.items() if "introductiontoqi" in {fold(w) for w in mod.recorded_as}}
    coaching = {m for m, mod in config.modules.items() if "improvementcoaching" in {fold(w) for w in mod.recorded_as}}
    assert got.trained[a] == frozenset(intro | coaching)
    assert got.trained[b] == frozenset() and got.unknown_course_rows == 1
    assert any("no employee number" in line and "row 6" in line for line in got.diagnostics.lines())


def test_an_xlsx_records_file(tmp_path, config):
    openpyxl = pytest.importorskip("openpyxl")
    (a,) = small_numbers(1)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Employee Number", "Course Name"])
    sheet.append([int(a), "Improvement Advisor Programme"])
    path = tmp_path / "records.xlsx"
    book.save(path)
    got = records.read(str(path), config)
    assert got.trained[a] and got.rows == 1


def test_a_file_without_the_columns_is_an_input_error(tmp_path, config):
    path = _write(tmp_path, "Name,Date\nx,2024-01-01\n")
    with pytest.raises(InputError, match="employee number column and a course column"):
        records.read(str(path), config)
    result = run("plan", SMALL, "--trained", path)
    assert result.code == 1 and "records.csv" in result.stderr and "Traceback" not in result.stderr


def test_an_empty_records_file_is_an_input_error(tmp_path):
    result = run("plan", SMALL, "--trained", _write(tmp_path, "Employee Number,Course\n"))
    assert result.code == 1 and "no training records" in result.stderr


def test_strict_makes_unmatched_records_an_error(tmp_path):
    (a,) = small_numbers(1)
    path = _write(tmp_path, f"Employee Number,Course\n{a},Introduction to QI\n99999999,Introduction to QI\n")
    assert run("plan", SMALL, "--trained", path, "--format", "json").code == 0
    result = run("plan", SMALL, "--trained", path, "--format", "json", "--strict")
    assert result.code == 1 and "1 employee number:" in result.stderr and result.stdout == ""


def test_records_never_print_what_a_row_holds(tmp_path):
    (a,) = small_numbers(1)
    path = _write(tmp_path, f"Employee Number,Course\n{a},Secret Course Name For Mr Smith\n")
    result = run("-v", "plan", SMALL, "--trained", path, "--format", "json")
    assert result.code == 0 and "Smith" not in result.stderr + result.stdout


def test_a_title_row_does_not_make_semicolons_between_courses_look_like_the_separator(tmp_path, config):
    """Every data row holds more ';' (between courses) than ',' (between columns), and the title row
    holds neither: the comma of the header decides."""
    a, b, c = small_numbers(3)
    path = _write(tmp_path, f"QI training records export\nEmployee Number,Course\n"
                            f"{a},Introduction to QI; Improvement Coaching; Silver\n{b},Introduction to QI; Lean for Leaders\n"
                            f"{c},Introduction to QI; Improvement Coaching; Lean for Leaders\n")
    got = records.read(str(path), config)
    assert set(got.trained) == {a, b, c}
