"""The fast path (duckdb) gives the plain path's plan, figures and warnings alike, or hands the file back.

Every comparison runs the same command with --engine python and --engine duckdb and asks for the
same exit code, stdout and stderr. Timing is the benchmarks' business (benchmarks/), not this file's.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import random
from pathlib import Path

import pytest
import yaml

from conftest import DATA, TINY, invoke

pytest.importorskip("duckdb")

from qidose import config as config_mod  # noqa: E402
from qidose import fastpath  # noqa: E402
from qidose.staff_file import ReadOptions  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BAD = DATA / "bad"
AS_OF = ["--as-of", "2026-10-01"]
CASES = [c for c in yaml.safe_load((BAD / "cases.yaml").read_text(encoding="utf-8")) if c["args"][:1] == ["plan"]]


def both(*args, input=None):
    """Run a command with each engine; return both runs."""
    return invoke([*args, "--engine", "python"], input=input), invoke([*args, "--engine", "duckdb"], input=input)


def assert_same(python, duckdb):
    assert python.crashed() == "" and duckdb.crashed() == ""
    assert (duckdb.code, duckdb.stderr) == (python.code, python.stderr)
    assert duckdb.stdout == python.stdout


def assert_handed_back(path, reason: str) -> None:
    """The fast path refuses the file, saying `reason`, and the command prints what the plain path prints."""
    with pytest.raises(fastpath.Fallback, match=reason):
        fastpath.read(str(path), config_mod.load(), as_of=dt.date(2026, 10, 1))
    assert_same(*both("plan", path, "--format", "json", *AS_OF))


def used_duckdb(path, by=None, **options) -> bool:
    """Whether the fast path reads the file itself (rather than handing it back)."""
    try:
        fastpath.read(str(path), config_mod.load(), ReadOptions(**options), by=by, as_of=dt.date(2026, 10, 1))
    except fastpath.Fallback:
        return False
    return True


# -- the shipped fixtures ------------------------------------------------------------------------

@pytest.mark.parametrize("by", [None, "Directorate"])
def test_small_list_same_plan(by):
    path = DATA / "staff_small.csv"
    assert used_duckdb(path, by=by)
    assert_same(*both("plan", path, "--format", "json", *AS_OF, *(["--by", by] if by else [])))


def test_example_trust_with_training_records():
    staff, records = ROOT / "examples" / "staff.csv", ROOT / "examples" / "training-records.csv"
    assert used_duckdb(staff)
    assert_same(*both("plan", staff, "--trained", records, "--format", "json", *AS_OF))
    assert_same(*both("plan", staff, "--trained", records, "--by", "Directorate", "--format", "json", *AS_OF))


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_bad_input_corpus_alike(case):
    """Each case of the bad-input corpus: the fast path reads it alike, or hands it to the plain path."""
    values = {"file": str((BAD / case["file"]).resolve()) if case.get("file") else "", "tiny": str(TINY),
              "bad": str(BAD)}
    args = [a.format(**values) for a in case["args"]]
    stdin = (BAD / case["stdin"]).read_bytes() if case.get("stdin") else None
    assert_same(*both(*args, input=stdin))


# -- a generated messy national-style list, with every kind of warning -----------------------------

def _generator():
    spec = importlib.util.spec_from_file_location("esr_generator", ROOT / "benchmarks" / "esr_generator.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    """~4,000 people from the ESR-like generator's messy mode, plus the odd values it does not make:
    unknown grades, QI roles and training, unreadable dates and FTEs, a person with two QI roles and
    two services, a row three times over, and title rows above the header."""
    gen = _generator()
    rows = [list(r) for r in gen.generate_rows(4000, seed=7, messy=True)]
    rng = random.Random(7)
    col = {name: i for i, name in enumerate(gen.HEADER)}
    for i in rng.sample(range(len(rows)), 60):
        row = rows[i]
        kind = i % 6
        if kind == 0:
            row[col["Grade"]] = rng.choice(["Grade Q", "Band Z", "Level 12"])
        elif kind == 1:
            row[col["QI Role"]] = "QI Wizard"
        elif kind == 2:
            row[col["QI Training"]] = "Basket Weaving; Introduction to QI"
        elif kind == 3:
            row[col["Start Date"]] = rng.choice(["31/02/2020", "sometime", "2021-13-01", "45123"])
        elif kind == 4:
            row[col["FTE"]] = rng.choice(["n/a", "-1", "3.5", "80%", " 0.5 "])
        else:
            row[col["Assignment Status"]] = "Suspend No Pay"
    # one person, three rows: two QI roles and two services (the first row counts), and a repeat
    first = list(rows[10])
    second = list(first)
    second[col["Assignment Number"]] += "-2"
    second[col["Directorate"]] = "Somewhere Else"
    second[col["QI Role"]] = "Improvement Advisor"
    first[col["QI Role"]] = "Quality Coach"
    rows[10:11] = [first, second]
    rows.insert(500, list(rows[400]))
    rows.insert(900, list(rows[400]))          # the same row three times
    path = tmp_path_factory.mktemp("fast") / "messy.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        f.write("Staff in post report\r\n\r\nRun date:,01/10/2026\r\n")
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(gen.HEADER)
        writer.writerows(rows)
    records = path.parent / "records.csv"
    eids = sorted({r[0] for r in rows})
    with records.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Employee Number", "Course Name", "Completion Date"])
        for eid in eids[::37] + ["99999999"]:
            writer.writerow([eid, rng.choice(["Improvement Coaching", "Introduction to QI", "Bronze"]), "01/01/2024"])
    return path, records


def test_messy_list_uses_duckdb_and_warns_of_everything(messy):
    path, _ = messy
    assert used_duckdb(path)
    python, duckdb = both("plan", path, "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    for words in ("not a band", "QI role qidose does not know", "QI training qidose does not know",
                  "start date qidose cannot read", "FTE", "duplicate row", "more than one service"):
        assert words in python.stderr


@pytest.mark.parametrize("extra", [["--by", "Directorate"], ["--by", "Staff Group"], ["--format", "csv"]])
def test_messy_list_by_and_formats(messy, extra):
    path, _ = messy
    assert_same(*both("plan", path, *AS_OF, *(extra if "--format" in extra else ["--format", "json", *extra])))


def test_messy_list_with_training_records(messy):
    path, records = messy
    assert_same(*both("plan", path, "--trained", records, "--format", "json", *AS_OF))


# -- handing files back ----------------------------------------------------------------------------

def test_without_duckdb_the_plain_path_reads_it(monkeypatch):
    monkeypatch.setattr(fastpath, "available", lambda: False)
    path = DATA / "staff_small.csv"
    python, duckdb = both("plan", path, "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    verbose = invoke(["-v", "plan", path, "--format", "json", *AS_OF, "--engine", "duckdb"])
    assert "read by the plain path, not duckdb (duckdb is not installed" in verbose.stderr


@pytest.mark.parametrize("options, reason", [
    ({"encoding": "cp1252"}, "--encoding"),
    ({"delimiter": ";"}, "--delimiter"),
])
def test_unusual_options_hand_the_file_back(options, reason):
    with pytest.raises(fastpath.Fallback, match=reason):
        fastpath.read(str(DATA / "staff_small.csv"), config_mod.load(), ReadOptions(**options))


def _small_with(tmp_path, change) -> Path:
    """staff_small.csv with its rows changed by `change(header, rows)`."""
    with (DATA / "staff_small.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    change(header, rows)
    path = tmp_path / "changed.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *rows])
    return path


def test_a_total_row_at_the_foot_hands_the_file_back_before_any_scan(tmp_path, monkeypatch):
    path = _small_with(tmp_path, lambda header, rows: rows.extend([["Total"] + [""] * (len(header) - 1), [""] * 3]))
    python, duckdb = both("plan", path, "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    assert "a total row" in python.stderr

    def no_scan(*args, **kwargs):
        raise AssertionError("scanned a file the last row already hands back")
    monkeypatch.setattr(fastpath, "_Scan", no_scan)
    with pytest.raises(fastpath.Fallback, match="last row's employee number"):
        fastpath.read(str(path), config_mod.load(), as_of=dt.date(2026, 10, 1))


@pytest.mark.parametrize("odd, message", [(["T0042"], "1 row whose"), (["", " 10000002", "0042"], "3 rows whose")])
def test_employee_numbers_that_are_not_plain_numbers_hand_the_file_back(tmp_path, odd, message):
    """Text ids, blanks, spaces and leading zeros anywhere but the last row: scan 2 finds them."""
    def change(header, rows):
        eid = header.index("Employee Number")
        for k, text in enumerate(odd, 2):
            rows[k][eid] = text
    path = _small_with(tmp_path, change)
    assert_handed_back(path, message)


def test_a_last_row_with_thousands_of_digits_is_handed_back(tmp_path):
    """Python will not turn over 4,300 digits into a number: the last row's check must not try."""
    def change(header, rows):
        rows[-1][header.index("Employee Number")] = "9" * 4301
    path = _small_with(tmp_path, change)
    with pytest.raises(fastpath.Fallback, match="last row"):
        fastpath.read(str(path), config_mod.load(), as_of=dt.date(2026, 10, 1))
    assert_same(*both("plan", path, "--format", "json", *AS_OF))


@pytest.mark.parametrize("stop", ["Query interrupted", "InterruptException"])
def test_ctrl_c_during_a_query_stops_the_run(monkeypatch, stop):
    """duckdb turns Ctrl-C into an error of its own: that is an interrupt, not a reason to read the file
    again the plain way."""
    import duckdb

    def interrupted(self):
        raise RuntimeError(stop) if stop == "Query interrupted" else duckdb.InterruptException("interrupted")
    monkeypatch.setattr(fastpath._Scan, "_discover", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fastpath.read(str(DATA / "staff_small.csv"), config_mod.load(), as_of=dt.date(2026, 10, 1))
    monkeypatch.setattr(fastpath._Scan, "_discover", lambda self: (_ for _ in ()).throw(RuntimeError("other")))
    with pytest.raises(RuntimeError, match="other"):   # a bug stays a bug
        fastpath.read(str(DATA / "staff_small.csv"), config_mod.load(), as_of=dt.date(2026, 10, 1))


def test_stdin_is_the_plain_paths():
    path = DATA / "staff_small.csv"
    python, duckdb = both("plan", "-", "--format", "json", *AS_OF, input=path.read_bytes())
    assert_same(python, duckdb)
    assert not fastpath.wanted("-", "duckdb")


def test_auto_uses_duckdb_only_for_large_files(tmp_path, monkeypatch):
    small = DATA / "staff_small.csv"
    assert not fastpath.wanted(str(small), "auto")
    assert fastpath.wanted(str(small), "duckdb")
    assert not fastpath.wanted(str(small), "python")
    monkeypatch.setattr(fastpath, "AUTO_BYTES", 10)
    assert fastpath.wanted(str(small), "auto")
    assert_same(*both("plan", small, "--format", "json", *AS_OF))


def test_the_first_row_counts_for_a_person_in_two_places(tmp_path):
    """Row order decides a person's service, --by group and QI role when their rows disagree: the fast
    path asks duckdb for the file order of just those people."""
    with (DATA / "staff_small.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    col = {name: i for i, name in enumerate(header)}
    later = list(rows[3])
    later[col["Assignment Number"]] += "-2"
    later[col["Directorate"]] = "Somewhere Else"
    later[col["QI Role"]] = "Improvement Advisor"
    rows[3][col["QI Role"]] = "Quality Coach"
    earlier = list(rows[7])
    earlier[col["Assignment Number"]] += "-2"
    earlier[col["Directorate"]] = "First Place"
    rows.insert(0, earlier)          # this person's first row is now the other one
    rows.append(later)
    path = tmp_path / "order.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    assert used_duckdb(path, by="Directorate")
    python, duckdb = both("plan", path, "--by", "Directorate", "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    assert "2 people: with assignments in more than one service" in python.stderr


def test_training_records_match_employee_numbers_as_the_plain_path_does(tmp_path):
    """A records file's numbers match as the plain path matches them: leading zeros are ignored, except
    on numbers too large to be kept as numbers (ESR's have 8 digits), which match only as written."""
    with (DATA / "staff_small.csv").open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    eid = header.index("Employee Number")
    large, small = rows[0][eid], rows[5][eid]
    for row in rows:
        if row[eid] == large:
            row[eid] = "5000000001"
    staff = tmp_path / "staff.csv"
    with staff.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows])
    assert used_duckdb(staff)
    for number, matched in (("05000000001", False), (f"{small:0>24}", True)):
        records = tmp_path / "records.csv"
        records.write_text(f"Employee Number,Course Name\n{number},Introduction to QI\n", encoding="utf-8")
        python, duckdb = both("plan", staff, "--trained", records, "--format", "json", *AS_OF)
        assert_same(python, duckdb)
        assert ("not a person in post" in python.stderr) is not matched


def test_a_policy_that_ranks_middle_managers_higher_merges_people_alike(tmp_path):
    """A person's level is the highest-ranked of their rows', by the policy's `rank`, in both engines."""
    text = config_mod.default_path().read_text(encoding="utf-8")
    senior, middle = text.index("  senior_leaders:\n"), text.index("  middle_managers:\n")
    swapped = tmp_path / "swapped.yaml"
    swapped.write_text(text[:senior] + text[senior:middle].replace("rank: 2", "rank: 3")
                       + text[middle:].replace("rank: 3", "rank: 2", 1), encoding="utf-8")

    def second_posts(header, rows):   # senior people with a second, middle manager's post
        col = {name: i for i, name in enumerate(header)}
        for row in list(rows):
            if row[col["Grade"]] in ("Band 8C", "Band 8D", "Very Senior Manager"):
                post = list(row)
                post[col["Assignment Number"]] += "-2"
                post[col["Job Role"]], post[col["Grade"]] = "Ward Manager", "Band 7"
                rows.append(post)
    path = _small_with(tmp_path, second_posts)
    assert used_duckdb(path)
    shipped, ranked = (both("plan", path, "--format", "json", *AS_OF, *extra) for extra in ([], ["--config", swapped]))
    assert_same(*shipped)
    assert_same(*ranked)
    heads = [{lv["level"]: lv["headcount"] for lv in run[0].json()["levels"]} for run in (shipped, ranked)]
    assert heads[1]["middle_managers"] > heads[0]["middle_managers"]
    assert heads[1]["senior_leaders"] < heads[0]["senior_leaders"]


@pytest.mark.parametrize("change, reason", [
    (lambda header, rows: [row.append("") for row in rows], "rows with more cells than the header"),
    (lambda header, rows: rows[-20].append(""), "1 row with more cells than the header"),
    (lambda header, rows: rows[-20].pop(), "1 row with fewer cells than the header"),
])
def test_rows_of_another_width_hand_the_file_back(tmp_path, change, reason):
    """duckdb reads a row's empty cells past the header as nothing; the plain path must judge them
    (a separator after every row, or an unquoted name that shifts its row's values)."""
    path = _small_with(tmp_path, change)
    assert_handed_back(path, reason)


def test_a_service_typed_two_ways_is_one_place_for_a_person_in_both_engines(tmp_path):
    """A no-break space or capitals in a second row's service do not make a person 'in two services'."""
    def second_posts(header, rows):
        col = {name: i for i, name in enumerate(header)}
        for row in list(rows[:40]):
            post = list(row)
            post[col["Assignment Number"]] += "-2"
            post[col["Directorate"]] = post[col["Directorate"]].replace(" ", "\u00a0").upper()
            rows.append(post)
    path = _small_with(tmp_path, second_posts)
    assert used_duckdb(path)
    python, duckdb = both("plan", path, "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    assert "more than one service" not in python.stderr


def test_a_status_the_policy_does_not_list_hands_the_file_back(tmp_path):
    """The plain path names each such row; the fast path leaves that to it."""
    def change(header, rows):
        rows[-30][header.index("Assignment Status")] = "Actve Assignment"
    path = _small_with(tmp_path, change)
    assert_handed_back(path, "a status the policy does not list")
    python, _ = both("plan", path, "--format", "json", *AS_OF)
    assert "an assignment status the policy does not list" in python.stderr


@pytest.mark.parametrize("left_off, warning", [(0, "more cells than the header"),
                                               (1, "the second half of a name"),   # as wide as the header
                                               (2, "the second half of a name")])
def test_a_name_split_at_its_comma_hands_the_file_back(tmp_path, left_off, warning):
    """An unquoted 'Surname, Mr. Forename' moves its row's later values a column along, however many of
    its empty last cells are left off. The plain path skips the row, saying why."""
    def change(header, rows):
        row = rows[-40]
        name = header.index("Full Name")
        surname, forename = row[name].split(",", 1)
        row[name:name + 1] = [surname, forename]          # as a reader sees the name without its quotes
        row[len(row) - left_off:] = []
    path = _small_with(tmp_path, change)
    assert_handed_back(path, "half of an unquoted name")
    python, _ = both("plan", path, "--format", "json", *AS_OF)
    assert warning in python.stderr


@pytest.mark.parametrize("assignments", [True, False])
def test_a_duplicate_row_is_described_by_what_the_file_can_tell(tmp_path, assignments):
    """With no assignment column, two posts alike in every column read cannot be told from a row written twice."""
    header = ["Employee Number"] + (["Assignment Number"] if assignments else []) + ["Staff Group", "Grade", "Assignment Status", "FTE"]
    row = ["111"] + (["111"] if assignments else []) + ["Nursing and Midwifery Registered", "Band 5", "Active Assignment", "0.5"]
    path = tmp_path / "dup.csv"
    path.write_text("\n".join(",".join(r) for r in (header, row, row, ["222"] + row[1:])) + "\n", encoding="utf-8")
    python, duckdb = both("plan", path, "--format", "json", *AS_OF)
    assert_same(python, duckdb)
    assert ("with no assignment column" in python.stderr) is not assignments
    assert ("same assignment" in python.stderr) is assignments
