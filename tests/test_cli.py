"""Every command through Click's runner: exit codes, stdout and stderr apart."""

import csv
import os
import shutil
import subprocess
import sys

import click
import pytest

from clirun import DATA, EXAMPLE, run
from qidose import __version__
from qidose.cli import cli

AS_OF = "2026-10-01"


@pytest.fixture(scope="module")
def example_json():
    result = run("plan", EXAMPLE, "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    return result.json()


def in_post_people(path):
    """Distinct employee numbers on in-post rows, counted without qidose."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.DictReader(f)
        return len({r["Employee Number"] for r in rows
                    if r["Assignment Status"] in ("Active Assignment", "Internal Secondment", "Acting Up")})


def test_version():
    result = run("--version")
    assert result.code == 0 and result.stdout.strip() == f"qidose {__version__}"


def test_every_command_and_option_has_help():
    for name, command in cli.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option):
                assert param.help, f"{name} {param.opts}"
        assert run(name, "-h").code == 0


def test_example_plan_has_six_levels_with_targets_and_hours(example_json):
    levels = example_json["levels"]
    assert [lp["level"] for lp in levels] == ["board", "senior_leaders", "middle_managers", "all_staff",
                                              "quality_coaches", "internal_experts"]
    for lp in levels:
        assert lp["target_people"] > 0 and lp["dose_hours"] > 0, lp["level"]
        assert lp["training_hours"] > 0, lp["level"]


def test_role_headcounts_add_up_to_people_in_post(example_json):
    role = [lp for lp in example_json["levels"] if lp["kind"] == "role"]
    people = in_post_people(EXAMPLE)
    assert sum(lp["headcount"] for lp in role) == people == example_json["totals"]["headcount"]


def test_turnover_option_doubles_upkeep(example_json):
    a = run("plan", EXAMPLE, "--format", "json", "--turnover", "6%").json()
    b = run("plan", EXAMPLE, "--format", "json", "--turnover", "0.12").json()
    for la, lb in zip(a["levels"], b["levels"]):
        assert abs(lb["annual_upkeep_people"] - 2 * la["annual_upkeep_people"]) <= 1
    assert a["organisation"]["basis"]["turnover"]["working"].endswith("(--turnover)")


def test_maturity_starting_changes_what_the_config_says_and_the_basis_shows_it(example_json):
    starting = run("plan", EXAMPLE, "--format", "json", "--as-of", AS_OF, "--maturity", "starting").json()
    coaches = {lp["level"]: lp for lp in starting["levels"]}["quality_coaches"]
    before = {lp["level"]: lp for lp in example_json["levels"]}["quality_coaches"]
    assert coaches["target_people"] < before["target_people"]
    keys = [k["key"] for k in coaches["basis"]["target_people"]["keys"]]
    assert "characteristics.maturity.values.starting[0]" in keys


def test_environment_variables_set_options():
    result = run("plan", EXAMPLE, "--format", "json", env={"QIDOSE_TURNOVER": "20%"})
    assert result.json()["organisation"]["turnover"] == 0.2


def test_bad_turnover_is_a_usage_error():
    result = run("plan", EXAMPLE, "--turnover", "1.7")
    assert result.code == 2 and "--turnover" in result.stderr and result.stdout == ""


def test_output_file_is_written_and_format_follows_extension(tmp_path):
    out = tmp_path / "plan.csv"
    result = run("plan", EXAMPLE, "-o", out)
    assert result.code == 0 and result.stdout == ""
    rows = list(csv.DictReader(out.open()))
    assert rows[0]["level"] == "board" and rows[-1]["level"] == "total"


def test_formats_agree_on_the_figures(tmp_path, example_json):
    md = run("plan", EXAMPLE, "--format", "markdown", "--as-of", AS_OF).stdout
    table = run("plan", EXAMPLE, "--format", "table", "--as-of", AS_OF).stdout
    for lp in example_json["levels"]:
        hours = f"{lp['training_hours']:,.1f}".removesuffix(".0")
        assert f"| {lp['label']} |" in md and hours in md
        assert lp["label"] in table and hours in table


def test_doses_matrix_lists_every_level_and_module():
    result = run("doses", "--format", "json")
    data = result.json()
    assert [lvl["level"] for lvl in data["levels"]][:1] == ["board"]
    assert {m["module"] for m in data["modules"]} >= {"improvement_coaching", "improvement_advisor"}
    assert "Dose hours" in run("doses", "--format", "table").stdout


def test_check_config_valid_and_invalid(tmp_path):
    assert run("check-config").code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nmodules: {}\n")
    result = run("check-config", bad)
    assert result.code == 2 and "bad.yaml" in result.stderr and "Traceback" not in result.stderr


def test_check_config_checks_the_policy_qidose_config_names(tmp_path):
    """Without PATH, check-config checks what plan would use: the file QIDOSE_CONFIG names, and says which."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nmodules: {}\n", encoding="utf-8")
    result = run("check-config", env={"QIDOSE_CONFIG": str(bad)})
    assert (result.code, result.stdout) == (2, "") and result.stderr.startswith(f"error: {bad} line 1: ")
    from qidose import config as config_mod
    good = tmp_path / "good.yaml"
    good.write_text(config_mod.default_path().read_text(encoding="utf-8"), encoding="utf-8")
    result = run("check-config", env={"QIDOSE_CONFIG": str(good)})
    assert result.code == 0 and result.stdout.startswith(f"{good}: valid: ")
    assert run("check-config", good, env={"QIDOSE_CONFIG": str(bad)}).code == 0   # PATH given: PATH is checked


def test_no_name_in_any_output(tmp_path):
    with open(EXAMPLE, encoding="utf-8-sig", newline="") as f:
        surnames = {row["Full Name"].split(",")[0] for row in csv.DictReader(f)}
    for fmt in ("json", "csv", "markdown", "table"):
        result = run("plan", EXAMPLE, "--format", fmt, "--by", "Directorate")
        words = set(result.stdout.replace('"', " ").replace(",", " ").split()) | set(result.stderr.split())
        assert not (surnames & words), fmt


def test_stdin_is_read():
    data = (DATA / "staff_small.csv").read_bytes()
    result = run("plan", "-", "--format", "json", input=data)
    assert result.code == 0 and result.json()["source"]["file"] == "stdin"


def test_a_staff_list_given_as_a_profile_or_config_is_refused_without_quoting_it():
    with open(EXAMPLE, encoding="utf-8-sig", newline="") as f:
        first_name = next(csv.DictReader(f))["Full Name"]
    for args in (("plan", EXAMPLE, "--org", EXAMPLE), ("check-config", EXAMPLE), ("plan", EXAMPLE, "--config", EXAMPLE)):
        result = run(*args)
        assert result.code == 2 and result.stdout == ""
        assert first_name.split(",")[0] not in result.stderr and "10007810" not in result.stderr
        assert "is this the right file?" in result.stderr


@pytest.mark.parametrize("option", [[], ["--trained"]])
def test_an_unreadable_file_is_bad_data_with_qidose_s_own_message(tmp_path, option):
    """Exit 1 and 'cannot read', not click's usage text and exit 2. As root, permissions only bind
    without the capabilities that override them (setpriv), so the command runs as a subprocess."""
    locked = tmp_path / "locked.csv"
    shutil.copy(DATA / "staff_tiny.csv", locked)
    locked.chmod(0)
    command = [sys.executable, "-m", "qidose", "plan", *(option and [str(DATA / "staff_tiny.csv")]), *option, str(locked)]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: every file is readable")
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path)
    if done.returncode == 0:
        pytest.skip("permissions do not bind here")
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == f"error: {locked}: cannot read (Permission denied)\n"


def test_strict_and_quiet_say_the_warnings_in_the_error(tmp_path):
    path = tmp_path / "footer.csv"
    path.write_text((DATA / "staff_tiny.csv").read_text(encoding="utf-8") + "Report generated on 01/06/2026\n",
                    encoding="utf-8")
    loud, quiet = run("plan", str(path), "--strict"), run("-q", "plan", str(path), "--strict")
    assert (loud.code, quiet.code, loud.stdout, quiet.stdout) == (1, 1, "", "")
    assert "1 kind of warning above and --strict" in loud.stderr
    assert quiet.stderr.startswith(f"error: {path}: 1 kind of warning and --strict: no output written\n{path}: 1 row: a line of text")


@pytest.mark.parametrize("args", [["plan", ""], ["plan", str(DATA / "staff_tiny.csv"), "--trained", ""]])
def test_an_empty_file_name_is_a_bad_call(args):
    result = run(*args)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == "error: an empty file name was given (an unset variable in a script?)\n"


def test_an_empty_training_records_file_is_not_called_a_staff_list(tmp_path):
    empty = tmp_path / "records.csv"
    empty.write_text("", encoding="utf-8")
    result = run("plan", str(DATA / "staff_tiny.csv"), "--trained", str(empty))
    assert (result.code, result.stderr) == (1, f"error: {empty}: the file is empty; export it again\n")


def test_an_output_name_qidose_cannot_write_is_a_bad_call(tmp_path):
    result = run("plan", str(DATA / "staff_tiny.csv"), "-o", str(tmp_path / "plan.xlsx"))
    assert (result.code, result.stdout) == (2, "")
    assert "qidose plan does not write .xlsx files" in result.stderr and not (tmp_path / "plan.xlsx").exists()
    assert run("plan", str(DATA / "staff_tiny.csv"), "-o", str(tmp_path / "plan")).code == 0   # no suffix: JSON
    assert (tmp_path / "plan").read_text(encoding="utf-8").startswith("{")


@pytest.mark.parametrize("day, says", [("2026-02-30", "'2026-02-30' is not a date: day is out of range for month"),
                                       ("26/11/2026", "'26/11/2026' is not a date: write it YYYY-MM-DD"),
                                       ("1899-12-31", "1899-12-31 is before 1900")])
def test_as_of_says_what_is_wrong_with_the_date(day, says):
    result = run("plan", str(DATA / "staff_tiny.csv"), "--as-of", day)
    assert (result.code, result.stdout) == (2, "")
    assert says in result.stderr


def test_check_config_says_where_a_missing_source_goes(tmp_path):
    """An effect takes `source:`, other numbers a block's `sources:` (check-config said `sources:` for all)."""
    from qidose import config as config_mod
    text = config_mod.default_path().read_text(encoding="utf-8")
    effect = next(line for line in text.splitlines() if line.strip().startswith("source:"))
    policy = tmp_path / "policy.yaml"
    policy.write_text(text.replace(effect + "\n", "", 1), encoding="utf-8")
    result = run("check-config", str(policy))
    assert result.code == 0 and "1 without a source" in result.stdout
    assert "has no source; add `source:` to this effect" in result.stderr


def test_a_bad_profile_is_not_sent_to_check_config(tmp_path):
    """check-config reads a policy: a profile's errors say to run the command again instead."""
    profile = tmp_path / "org.yaml"
    profile.write_text("nmae: Test Trust\n", encoding="utf-8")
    result = run("plan", str(DATA / "staff_tiny.csv"), "--org", str(profile))
    assert result.code == 2
    assert result.stderr == (f"error: {profile} line 1: nmae: unknown key 'nmae'; did you mean 'name'?\n"
                             "Fix the lines above; running the command again checks them.\n")


# -- the same value at the same precision in every format -------------------------------------

FIVE = """Employee Number,Full Name,Directorate,Job Role,Position Title,Grade,Assignment Status,FTE,Start Date,QI Role,QI Training
1001,"Quuxley, Mr. Zebedee",Surgery,Staff Nurse,Staff Nurse,Band 5,Active Assignment,1,01/01/2015,QI Lead,
1002,"Snorkelwick, Ms. Ottoline",Surgery,Ward Manager,Ward Manager,Band 7,Active Assignment,1,01/01/2015,,Introduction to QI;Improvement Leaders Programme;Improvement Coaching
1003,"Fizzlethorpe, Mr. Peregrine",Surgery,Staff Nurse,Staff Nurse,Band 5,Active Assignment,1,01/01/2015,,
1004,"Grumbleweed, Mrs. Wilhelmina",Surgery,Staff Nurse,Staff Nurse,Band 5,Active Assignment,1,01/01/2015,,
1005,"Wobblecombe, Dr. Horatio",Surgery,Staff Nurse,Staff Nurse,Band 5,Active Assignment,1,01/01/2015,,
"""


@pytest.fixture
def five(tmp_path):
    """Five people in one service: a reviewer's hand-written list (a QI lead, a coach who is a ward manager)."""
    path = tmp_path / "staff.csv"
    path.write_text(FIVE, encoding="utf-8")
    return path


def test_years_to_close_the_gap_is_printed_as_json_gives_it_never_as_0(five):
    """300 hours / (30,000 − 315) is 0.01 years: the table and Markdown said 'Years to close the gap: 0'."""
    args = ("plan", five, "--turnover", "0.1", "--learning-hours", "30000", "--as-of", AS_OF)
    years = run(*args, "--format", "json").json()["totals"]["years_to_close_gap"]
    assert years == 0.01
    for fmt in ("table", "markdown"):
        out = run(*args, "--format", fmt).stdout
        assert "Years to close the gap: 0.01 (300 / (30,000 − 315) = 0.01)" in out, fmt


def test_every_text_format_prints_a_figure_to_the_engines_precision():
    """FTE 248.32 and 5.24 years were printed 248.3 and 5.2 by the table and Markdown."""
    args = ("plan", DATA / "staff_small.csv", "--learning-hours", "2000", "--as-of", AS_OF)
    plan = run(*args, "--format", "json").json()
    years, fte = plan["totals"]["years_to_close_gap"], plan["organisation"]["fte"]
    assert years != round(years, 1) and fte != round(fte, 1)       # the example needs more than one decimal
    for fmt in ("table", "markdown"):
        out = run(*args, "--format", fmt).stdout
        assert f"Years to close the gap: {years:g} (" in out and f"FTE: {fte:g} FTE" in out, fmt


def test_one_person_and_one_service_are_singular(five, tmp_path):
    one = tmp_path / "one.csv"
    one.write_text("".join(FIVE.splitlines(keepends=True)[:2]), encoding="utf-8")
    out = run("plan", one, "--turnover", "0.1", "--as-of", AS_OF, "--format", "markdown").stdout
    assert "Staff in post: 1 person" in out and "Services: 1 service" in out and "1 people" not in out
    text = run("explain", one, "--turnover", "0.1", "--as-of", AS_OF).stdout
    assert "working: 1 person" in text and "1 people" not in text


def test_turnover_the_config_default_when_as_of_is_before_every_start_date(five):
    """--as-of 1990-01-01: nobody started in the 12 months to it, so the estimate from start dates falls
    back to the policy's default; the plan says so instead of silently using it."""
    plan = run("plan", five, "--as-of", "1990-01-01", "--format", "json").json()
    assert plan["organisation"]["basis"]["turnover"]["working"] == "10.1% (config default)"
    assert any("turnover is not estimated from start dates" in n and "10.1%" in n and "--as-of" in n
               for n in plan["notes"])
    estimated = run("plan", five, "--as-of", "2015-06-01", "--format", "json").json()   # everyone joined then
    assert "estimated from start dates" in estimated["organisation"]["basis"]["turnover"]["working"]
    assert not any("not estimated" in n for n in estimated["notes"])
    given = run("plan", five, "--as-of", "1990-01-01", "--turnover", "0.1", "--format", "json").json()
    assert not any("not estimated" in n for n in given["notes"])


def test_doses_json_gives_e_learning_neither_a_cohort_size_nor_facilitators():
    modules = run("doses", "--format", "json").json()["modules"]
    for m in modules:
        if m["delivery"] == "face_to_face":
            assert m["cohort_size"] >= 1 and m["facilitators_per_cohort"] >= 0, m["module"]
        else:
            assert m["cohort_size"] is None and m["facilitators_per_cohort"] is None, m["module"]
    assert any(m["delivery"] != "face_to_face" for m in modules)


@pytest.mark.parametrize("command", ["plan", "compare"])
def test_a_bad_output_name_is_said_before_the_staff_list_is_read(tmp_path, command):
    """A national file takes seconds to read: an -o qidose cannot write is refused first."""
    result = run(command, str(tmp_path / "not-there.csv"), "-o", str(tmp_path / "plan.xlsx"))
    assert result.code == 2 and f"qidose {command} does not write .xlsx files" in result.stderr


@pytest.mark.parametrize("command, start", [("plan", "{"), ("explain", "Policy: ")])
def test_an_output_name_ending_in_a_date_has_no_extension(tmp_path, command, start):
    """plan_26.11.2025 is a name with a date in it, not a file of type '.2025': the default format is written."""
    out = tmp_path / f"{command}_26.11.2025"
    result = run(command, str(DATA / "staff_tiny.csv"), "-o", str(out))
    assert result.code == 0 and out.read_text(encoding="utf-8").startswith(start)
