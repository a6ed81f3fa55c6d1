"""`--by COLUMN` (one plan per value) and `--suppress-below N` (small counts hidden in published output)."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
from pathlib import Path

import pytest

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "staff.csv"
SMALL = DATA / "staff_small.csv"
AS_OF = ("--as-of", "2026-10-01")
IN_POST = ("Active Assignment", "Internal Secondment", "Acting Up")
COUNTS = ("headcount", "target_people", "already_trained", "gap", "annual_upkeep_people")
SUMMED = COUNTS[:4] + ("training_hours", "cohorts", "facilitator_hours", "annual_upkeep_people", "annual_upkeep_hours")


def plan_json(*args) -> dict:
    result = invoke(["plan", *args, *AS_OF, "--format", "json"])
    assert result.code == 0, result.stderr + result.crashed()
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def by_directorate():
    return plan_json(EXAMPLE, "--by", "Directorate")


def directorates(path) -> set[str]:
    """Distinct Directorate values of in-post rows, read without qidose."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        return {r["Directorate"].strip() for r in csv.DictReader(f) if r["Assignment Status"] in IN_POST}


def test_one_block_per_directorate(by_directorate):
    assert by_directorate["by"] == "Directorate"
    assert [g["group"] for g in by_directorate["groups"]] == sorted(directorates(EXAMPLE))


def test_role_level_headcounts_of_the_groups_add_up_to_the_whole(by_directorate):
    whole = {lp["level"]: lp for lp in by_directorate["levels"]}
    for level, lp in whole.items():
        parts = [next(x for x in g["levels"] if x["level"] == level) for g in by_directorate["groups"]]
        assert sum(p["headcount"] for p in parts) == lp["headcount"], level
        assert sum(p["already_trained"] for p in parts) == lp["already_trained"], level
        assert sum(p["fte"] for p in parts) == pytest.approx(lp["fte"], abs=0.05), level
    assert sum(g["totals"]["headcount"] for g in by_directorate["groups"]) == by_directorate["totals"]["headcount"]
    assert sum(g["organisation"]["staff_in_post"] for g in by_directorate["groups"]) == \
        by_directorate["organisation"]["staff_in_post"]


def test_whole_plan_is_the_same_with_or_without_by(by_directorate):
    plain = plan_json(EXAMPLE)
    for key in ("levels", "totals", "organisation"):
        assert by_directorate[key] == plain[key], key


def test_capacity_levels_are_sized_per_group_by_the_same_rules(by_directorate):
    minimum = {"quality_coaches": 2, "internal_experts": 2}
    for g in by_directorate["groups"]:
        for lp in g["levels"]:
            if lp["kind"] == "capacity":
                assert lp["target_people"] >= minimum[lp["level"]]
                assert f"{g['organisation']['staff_in_post']:,} / 1000" in lp["basis"]["target_people"]["working"]


def test_every_text_format_has_a_block_per_group():
    names = sorted(directorates(SMALL))
    for fmt, marker in (("markdown", "## Directorate: "), ("table", "Directorate: ")):
        out = invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", fmt]).stdout
        for name in names:
            assert f"{marker}{name}" in out, (fmt, name)
    rows = list(csv.DictReader(io.StringIO(invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "csv"]).stdout)))
    assert {r["group"] for r in rows} == set(names) | {"(whole organisation)"}


def test_unknown_by_column_is_a_usage_error():
    result = invoke(["plan", SMALL, "--by", "Directorat"])
    assert result.code == 2 and "Directorate" in result.stderr and result.stdout == ""


# -- --suppress-below ------------------------------------------------------------------------

def rows_of(plan: dict):
    """(group, row name, values, suppressed markers, kind) for level rows and, for groups, totals."""
    for p in [plan] + plan.get("groups", []):
        group = p.get("group")
        for lp in p["levels"]:
            yield group, lp["level"], lp, lp.get("suppressed", {}), lp["kind"]
        if group is not None:
            yield group, "total", p["totals"], p["totals"].get("suppressed", {}), "total"


PRIMARY = {"role": ("headcount", "already_trained", "gap"), "capacity": ("headcount", "already_trained")}
ROW = ("headcount", "fte", "target_people", "already_trained", "gap", "training_hours", "cohorts", "facilitator_hours",
       "annual_upkeep_people", "annual_upkeep_hours")


@pytest.mark.parametrize("below", [2, 5, 10, 50])
def test_no_count_under_n_is_shown_and_none_can_be_worked_out(below):
    plain = plan_json(SMALL, "--by", "Directorate")
    hidden = plan_json(SMALL, "--by", "Directorate", "--suppress-below", below)
    assert hidden["suppression"]["below"] == below
    true = {(g, r): v for g, r, v, _, _ in rows_of(plain)}
    for group, row, values, marks, kind in rows_of(hidden):
        for name in PRIMARY.get(kind, ()):
            if name in marks:
                assert values[name] is None and marks[name] in (f"<{below}", "[c]")
                # <N is a count under N; [c] on a count of people is one of N or more
                assert (true[(group, row)][name] < below) == (marks[name] == f"<{below}"), (group, row, name)
            else:
                assert values[name] >= below, (group, row, name)      # no small count shown
        for name, value in values.items():
            if name in marks:
                assert value is None
            elif name not in ("basis", "suppressed", "level", "label", "kind", "modules", "coverage", "dose_hours"):
                assert value == true[(group, row)][name], (group, row, name)    # what is shown is true
        if kind == "role" and "headcount" in marks:                        # every figure is worked out from it
            assert set(ROW) <= set(marks), (group, row)
        if "gap" in marks or "already_trained" in marks:                   # gap = target − trained; hours = gap × dose
            assert {"gap", "already_trained", "training_hours", "cohorts", "facilitator_hours"} <= set(marks)
        if "target_people" in marks:
            assert {"annual_upkeep_people", "annual_upkeep_hours"} <= set(marks)
        if "suppressed" in values:
            for name in values["basis"]:
                assert values["basis"][name]["working"] is None or row == "total"
    # a total with a hidden member is withheld, in every plan (the whole organisation's too)
    for p in [hidden] + hidden["groups"]:
        for name in SUMMED[1:]:
            if any(name in lp.get("suppressed", {}) for lp in p["levels"]):
                assert name in p["totals"].get("suppressed", {}), (p.get("group"), name)
        staff = p["organisation"]["staff_in_post"]
        assert (staff is None) == ("headcount" in p["totals"].get("suppressed", {}))
        # the staff in post adds up the role levels' people: never exactly one of them hidden
        if staff is not None:
            assert sum("headcount" in lp.get("suppressed", {}) for lp in p["levels"] if lp["kind"] == "role") != 1
    # with --by, the groups' people and people trained add up to the whole's: never exactly one hidden
    for level in hidden["levels"]:
        for name in ("headcount", "already_trained"):
            if name in level.get("suppressed", {}) or (name == "headcount" and level["kind"] == "capacity"):
                continue
            parts = [next(x for x in g["levels"] if x["level"] == level["level"]) for g in hidden["groups"]]
            assert sum(name in x.get("suppressed", {}) for x in parts) != 1, (level["level"], name)


def test_suppression_in_every_text_format():
    for fmt in ("table", "markdown", "csv"):
        out = invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--suppress-below", "5", "--format", fmt]).stdout
        assert "<5" in out and "[c]" in out, fmt
    out = invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--suppress-below", "5", "--format", "csv"]).stdout
    for row in csv.DictReader(io.StringIO(out)):
        for name in PRIMARY.get(row["kind"], ()):
            cell = row[name]
            assert cell in ("<5", "[c]") or float(cell) >= 5, (row["group"], row["level"], name, cell)


def test_without_suppress_below_nothing_is_hidden():
    plan = plan_json(SMALL, "--by", "Directorate")
    assert "suppression" not in plan
    assert not any(marks for *_, marks, _ in rows_of(plan))
    out = invoke(["plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "markdown"]).stdout
    assert "<5" not in out and "[c]" not in out


def test_suppress_below_must_be_a_positive_whole_number():
    for bad in ("0", "-3", "five"):
        result = invoke(["plan", SMALL, "--suppress-below", bad])
        assert result.code == 2 and "--suppress-below" in result.stderr


@pytest.mark.parametrize("command", [["plan", "--format", "json"], ["report", "-o", "paper.md"]])
def test_an_organisation_smaller_than_n_cannot_be_published_under_suppress_below(tmp_path, command):
    """The whole organisation's staff in post is always shown, so a list of fewer than N people is refused."""
    with SMALL.open(encoding="utf-8-sig", newline="") as f:
        header, *rows = list(csv.reader(f))
    path = tmp_path / "team.csv"
    path.write_text("\n".join(",".join(f'"{c}"' for c in row) for row in [header] + rows[:4]) + "\n", encoding="utf-8")
    args = [c if c != "paper.md" else str(tmp_path / "paper.md") for c in command]
    result = invoke([args[0], str(path), *args[1:], *AS_OF, "--suppress-below", "10"])
    assert (result.code, result.stdout) == (2, "")
    assert "fewer than 10 people in post" in result.stderr and not (tmp_path / "paper.md").exists()
    assert invoke([args[0], str(path), *args[1:], *AS_OF, "--suppress-below", "2"]).code == 0


@pytest.mark.parametrize("command", ["plan", "report"])
def test_suppress_below_help_says_totals_with_a_hidden_member_are_withheld(command):
    """The help said "Totals stay true." while a total with a hidden member is withheld (README, rule 3)."""
    text = " ".join(invoke([command, "-h"]).stdout.split())
    assert "Totals stay true" not in text
    assert "withhold as [c] the cells that would give them away, including every total with a hidden member" in text


# -- --by refuses columns that name people: by header words, and by a title in a value ---------

TEAM = ["Zebedee Quuxley", "Ottoline Xanthippe", "Algernon Grimthorpe"]   # invented, written forename first


def _team_csv(tmp_path, column: str, values: list[str], name: str = "team.csv") -> Path:
    """12 people in post, one Directorate, and `column` holding `values` in turn."""
    rows = [["Employee Number", "Full Name", "Directorate", "Job Role", "Grade", "FTE", "Assignment Status", column]]
    rows += [[str(5000 + i), f"Zzyzx, Mr. P{i}", "Medicine", "Staff Nurse", "Band 5", "1", "Active Assignment",
              values[i % len(values)]] for i in range(12)]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path = tmp_path / name
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def by_both_engines(path, column: str, *options: str, quiet: bool = True, fmt: str = "csv"):
    """`plan --by column` with each engine (duckdb too when it is installed); they must agree."""
    args = ["-q"] * quiet + ["plan", path, "--by", column, *AS_OF, "--format", fmt, *options]
    runs = [invoke([*args, "--engine", "python"])]
    if importlib.util.find_spec("duckdb") is not None:
        runs.append(invoke([*args, "--engine", "duckdb"]))
    for ran in runs:
        assert ran.crashed() == ""
        assert (ran.code, ran.stdout, ran.stderr) == (runs[0].code, runs[0].stdout, runs[0].stderr)
    return runs[0]


def assert_refused(ran, column: str, values: list[str], why: str):
    assert (ran.code, ran.stdout) == (2, ""), ran.stdout
    assert f"--by {column!r}" in ran.stderr and why in ran.stderr
    other = "Organisation" if column == "Directorate" else "Directorate or Organisation"   # never the column itself
    assert f"choose a column such as {other}" in ran.stderr
    assert not any(word in ran.stderr for v in values for word in v.replace(".", " ").split() if len(word) > 3
                   and word not in column)   # a value is never quoted back: it may be a name


@pytest.mark.parametrize("column", ["Manager's Name", "Supervisor's Name", "Supervisor\u2019s Name", "Managers' Name",
                                    "Reporting Manager", "Assignment Supervisor", "Approver", "Budget Holder",
                                    "ReportingManager", "Named Mentor", "Practice Assessor", "HR Business Partner",
                                    "Reports To (Position)", "Responsible Officer Contact", "Clinical Lead", "QI Coach",
                                    "Matron", "Team Leader", "Post Holder", "Cost Centre Owner"])
def test_by_refuses_a_header_naming_a_role_towards_others(tmp_path, column):
    """Possessives, plurals, punctuation and CamelCase aside, a header with a word for someone's role towards
    others ('manager', 'supervisor', 'budget holder') holds people, written any way: 'Forename Surname' too."""
    ran = by_both_engines(_team_csv(tmp_path, column, TEAM), column)
    assert_refused(ran, column, TEAM, "that column identifies people")
    assert not any(name in ran.stdout + ran.stderr for name in TEAM)


def test_consultant_is_refused_as_the_person_and_passes_as_the_kind_of_post(tmp_path):
    """'Consultant' is also a grade and a kind of post: a header ending in it ('Named Consultant'), or with only
    Name, Code, ... after it, holds people; 'Consultant Specialty' holds specialties and is allowed."""
    for column in ("Named Consultant", "Responsible Consultant", "Consultant Code", "Consultant's Full Name"):
        ran = by_both_engines(_team_csv(tmp_path, column, TEAM), column)
        assert_refused(ran, column, TEAM, "that column identifies people")
    for column in ("Consultant Specialty", "Consultant Grade"):
        ran = by_both_engines(_team_csv(tmp_path, column, ["Cardiology", "Urology"]), column)
        assert ran.code == 0, ran.stderr
        groups = {r["group"] for r in csv.DictReader(io.StringIO(ran.stdout))}
        assert groups == {"(whole organisation)", "Cardiology", "Urology"}


@pytest.mark.parametrize("values", [
    ["Ward 1", "Ward 2", "PA to Dr Quuxley"],            # a post named after the person it serves
    ["Surgery", "Medicine", "Mr. Zebedee"],              # half of an unquoted "Surname, Mr. Forename"
    ["Surgery", "Mrs Ottoline"],
    ["Surgery", "Dr.Quuxley's Firm", "Medicine"],
    ["Mr Quuxley Team", "Medicine"], ["Surgery", "Dr Quuxley Clinic"], ["PA to Dr Quuxley Service", "Surgery"],   # run by them
    ["Surgery", "Secretary to Prof Grimthorpe"],
    ["Surgery", "Mx Quuxley", "Medicine"],
    ["SURGERY", "PA TO DR QUUXLEY"],                     # a value in capitals: a title in capitals
])
def test_by_refuses_a_column_with_a_title_before_a_name_in_any_value(tmp_path, values):
    ran = by_both_engines(_team_csv(tmp_path, "Cost Centre", values), "Cost Centre")
    assert_refused(ran, "Cost Centre", values, "a title before a name")


@pytest.mark.parametrize("allowed, refused", [("MS Service", "Ms Quuxley"),            # multiple sclerosis
                                              ("DR Screening", "Dr Quuxley"),          # diabetic retinopathy
                                              ("Professional Development", "Prof Quuxley"),
                                              ("Drive Unit", "Dr. Quuxley"),
                                              ("Sirius Ward", "Sir Zebedee"),
                                              ("Ward Mr", "Mr Zebedee")])
def test_a_title_counts_only_as_a_word_written_as_a_title_before_a_capitalised_word(tmp_path, allowed, refused):
    ran = by_both_engines(_team_csv(tmp_path, "Cost Centre", ["Surgery", allowed]), "Cost Centre")
    assert ran.code == 0, ran.stderr
    assert {r["group"] for r in csv.DictReader(io.StringIO(ran.stdout))} == {"(whole organisation)", "Surgery", allowed}
    ran = by_both_engines(_team_csv(tmp_path, "Cost Centre", ["Surgery", allowed, refused]), "Cost Centre")
    assert_refused(ran, "Cost Centre", [refused], "a title before a name")


def test_a_shifted_name_never_becomes_a_group(tmp_path):
    """An unquoted 'Surname, Mr. Forename' makes its row one cell wider: in a file whose rows leave out their
    empty last cells, it is read, and the forename slides into the next column, here the Directorate."""
    path = tmp_path / "shifted.csv"
    path.write_text("Employee Number,Assignment Status,Full Name,Directorate,Job Role,Grade,FTE,QI Role,QI Training\n"
                    '1001,Active Assignment,"Quuxley, Mrs. Ottoline",Medicine,Staff Nurse,Band 5,1.0,,\n'
                    '1002,Active Assignment,"Zzyzx, Ms. Q",Medicine,Staff Nurse,Band 5,1.0\n'
                    "1003,Active Assignment,Xanthippe, Mr. Zebedee,Surgery,Staff Nurse,Band 5,1.0\n"
                    '1004,Active Assignment,"Grimthorpe, Dr. Algernon",Surgery,Staff Nurse,Band 5,1.0\n'
                    '1005,Active Assignment,"Zzyzx, Mr. R",Surgery,Staff Nurse,Band 5,1.0\n'
                    '1006,Active Assignment,"Zzyzx, Mr. S",Estates,Porter,Band 2,1.0\n', encoding="utf-8")
    ran = by_both_engines(path, "Directorate", quiet=False)   # the shifted row is skipped as it is read (rows.py)
    assert ran.code == 0 and "Zebedee" not in ran.stdout + ran.stderr
    assert "1 row: a cell that starts like the second half of a name" in ran.stderr
    groups = {r["group"] for r in csv.DictReader(io.StringIO(ran.stdout))}
    assert groups == {"(whole organisation)", "Medicine", "Surgery", "Estates"}


def test_groups_that_differ_only_in_capitals_are_said_and_a_blank_group_is_labelled(tmp_path):
    """'Surgery' and 'surgery ' are one service but two groups: the analyst is told, by both engines;
    rows with no value in the column are the group '(blank)' in headings, not 'Directorate: '."""
    path = tmp_path / "groups.csv"
    path.write_text("Employee Number,Job Role,Grade,FTE,Assignment Status,Directorate\n"
                    "1,Clerk,Band 3,1,Active Assignment,Surgery\n2,Clerk,Band 3,1,Active Assignment,surgery \n"
                    "3,Clerk,Band 3,1,Active Assignment,\n4,Clerk,Band 3,1,Active Assignment,Medicine\n", encoding="utf-8")
    ran = by_both_engines(path, "Directorate", quiet=False, fmt="markdown")
    assert "2 groups differ from another only in capitals (as 'Surgery' and 'surgery')" in ran.stderr
    headings = [line for line in ran.stdout.splitlines() if line.startswith("## Directorate")]
    assert headings == ["## Directorate: (blank)", "## Directorate: Medicine", "## Directorate: Surgery",
                        "## Directorate: surgery"]


@pytest.mark.parametrize("values", [
    ["Medicine", "Dr Gray's Hospital"], ["Sir Robert Peel Community Hospital", "Medicine"],   # buildings named after people
    ["St Quuxley's Hospice", "Medicine"], ["Surgery", "Dr Quuxley Centre"]])
def test_by_accepts_buildings_named_after_people(tmp_path, values):
    """A value ending in a word for a building names the building, not someone on the list."""
    ran = by_both_engines(_team_csv(tmp_path, "Cost Centre", values), "Cost Centre")
    assert ran.code == 0, ran.stderr
    assert {r["group"] for r in csv.DictReader(io.StringIO(ran.stdout))} == {"(whole organisation)", *values}


@pytest.mark.parametrize("column", ["Supervisor Flag", "Manager Level", "Line Manager Directorate", "Budget Holder Cost Centre",
                                    "Lead Employer", "Coach Cohort", "Lead Commissioner", "Matron Group"])
def test_by_accepts_a_role_word_that_describes_the_post(tmp_path, column):
    """'Supervisor Flag' (ESR's yes/no) and 'Manager Level' hold no one's name."""
    ran = by_both_engines(_team_csv(tmp_path, column, ["Yes", "No"]), column)
    assert ran.code == 0, ran.stderr
