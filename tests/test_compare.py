"""`qidose compare` (qidose/scenarios.py, render/compare.py): scenarios through the same engine."""

import pytest

from clirun import DATA, EXAMPLE, ROOT, run
from qidose.config import MOST_SERVICES
from qidose.errors import ConfigError, UsageError
from qidose import scenarios

SMALL = DATA / "staff_small.csv"
SCENARIOS = sorted((ROOT / "examples").glob("scenario-*.yaml"))


@pytest.fixture(scope="module")
def turnovers():
    result = run("compare", EXAMPLE, "--set", "turnover=0.08", "--set", "turnover=0.12", "--set", "turnover=0.16",
                 "--format", "json", "--as-of", "2026-10-01")
    assert result.code == 0, result.stderr
    return result.json()


def test_upkeep_rises_with_turnover(turnovers):
    columns = turnovers["scenarios"][1:]
    assert [c["turnover"] for c in columns] == [0.08, 0.12, 0.16]
    for name in ("annual_upkeep_people", "annual_upkeep_hours", "annual_upkeep_cost"):
        values = [c[name] for c in columns]
        assert values == sorted(values) and len(set(values)) == 3, name


def test_the_first_column_is_the_base_and_differences_are_against_it(turnovers):
    base, *others = turnovers["scenarios"]
    assert turnovers["reference"] == base["name"] == "base" and base["difference"] == {}
    for column in others:
        for name, delta in column["difference"].items():
            if delta is not None:
                assert column[name] - base[name] == pytest.approx(delta), name


def test_each_scenario_is_what_plan_gives_with_the_same_values(turnovers):
    plan = run("plan", EXAMPLE, "--turnover", "0.12", "--years", "1", "--format", "json", "--as-of", "2026-10-01").json()
    column = next(c for c in turnovers["scenarios"] if c["name"] == "turnover=0.12")
    assert column["annual_upkeep_people"] == plan["totals"]["annual_upkeep_people"]
    assert column["training_hours"] == plan["totals"]["training_hours"]
    assert column["years_to_target"] == plan["trajectory_summary"]["totals"]["years_to_target"]


def test_scenario_files_override_the_profile_and_say_where_values_came_from():
    result = run("compare", SMALL, "--org", ROOT / "examples" / "org.yaml", "--years", "4",
                 *[a for path in SCENARIOS for a in ("--scenario", path)], "--format", "json")
    assert result.code == 0, result.stderr
    data = result.json()
    assert len(data["scenarios"]) == len(SCENARIOS) + 1
    by_name = {c["name"]: c for c in data["scenarios"]}
    for path in SCENARIOS:
        scenario = scenarios.load(str(path))
        column = by_name[scenario.name]
        for key, setting in column["settings"].items():
            assert setting["value"] == scenario.values[key] and setting["origin"].startswith(str(path))
    assert any("budget_for_target" in c for c in data["scenarios"])


def test_table_markdown_and_csv_show_every_scenario_and_mark_differences():
    args = ("compare", SMALL, "--set", "turnover=0.2", "--set", "learning_hours=500,maturity=starting")
    table = run(*args, "--format", "table")
    markdown = run(*args, "--format", "markdown")
    rows = run(*args, "--format", "csv")
    assert table.code == markdown.code == rows.code == 0
    for name in ("base", "turnover=0.2", "learning_hours=500,maturity=starting"):
        assert name in table.stdout and name in markdown.stdout and name in rows.stdout
    assert "**starting (was" in markdown.stdout
    assert "estimate (backfill)" in table.stdout


@pytest.mark.parametrize("setting, message", [
    ("turnovr=0.1", "did you mean 'turnover'"),
    ("turnover", "write key=value"),
    ("turnover=12", "did you mean 12%"),
    ("learning_hours=lots", "learning_hours must be a number, found 'lots'"),
    ("maturity=great", "not one of"),
    ("services=2.5", "whole number"),
    ("services=2000000", "1,000,000"),
])
def test_a_bad_set_is_a_usage_error(setting, message):
    result = run("compare", SMALL, "--set", setting)
    assert result.code == 2 and message in result.stderr, result.stderr


def test_a_bad_scenario_file_names_its_line(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenario: x\nturnover: 10%\nlearning_hour: 100\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"line 3: learning_hour: unknown key 'learning_hour'; did you mean 'learning_hours'"):
        scenarios.load(str(path))
    for text, message in [("learning_hours: -5\n", "from 0 to"), ("services: 500000000000\n", "1,000,000"),
                          ("services: 2.5\n", "whole number"), ("services: '12'\n", "without quotes"), ("services: 1e6\n", "read as text"),
                          ("turnover: 12\n", "did you mean 12%")]:
        path.write_text("scenario: x\n" + text, encoding="utf-8")
        result = run("compare", SMALL, "--scenario", path)
        assert result.code == 2 and "line 2" in result.stderr and message in result.stderr, (text, result.stderr)


def test_a_misspelt_scenario_key_gets_only_its_did_you_mean(tmp_path):
    """`learnig_hours: 100` said first that 100 is not a word (the key was checked as one), then the did-you-mean."""
    path = tmp_path / "sc.yaml"
    path.write_text("scenario: X\nlearnig_hours: 100\n", encoding="utf-8")
    result = run("compare", SMALL, "--scenario", path)
    assert (result.code, result.stdout) == (2, "")
    assert result.stderr == (f"error: {path} line 2: learnig_hours: unknown key 'learnig_hours'; "
                             f"did you mean 'learning_hours'?\nFix the lines above; running the command again checks them.\n")


def test_compare_is_for_the_whole_organisation():
    result = run("compare", SMALL, "--by", "Directorate", "--set", "turnover=0.1")
    assert result.code == 2 and "--by" in result.stderr
    with pytest.raises(UsageError):
        scenarios.parse_set("nothing")


def test_services_given_three_ways_is_the_same_count(tmp_path):
    """--services, a profile's services (12.0 in YAML is a whole number), --set services=12 and a scenario
    file agree."""
    profile = tmp_path / "org.yaml"
    profile.write_text("services: 12.0\n")
    by_option = run("plan", SMALL, "--services", "12", "--format", "json").json()
    by_profile = run("plan", SMALL, "--org", profile, "--format", "json").json()
    scenario = tmp_path / "scenario.yaml"
    scenario.write_text("services: 12\n")
    by_set = run("compare", SMALL, "--set", "services=12", "--scenario", scenario, "--format", "json")
    assert by_set.code == 0, by_set.stderr
    for column in by_set.json()["scenarios"][1:]:   # the file's scenario, then --set's
        assert column["settings"]["services"]["value"] == 12
    assert by_option["organisation"]["services"] == by_profile["organisation"]["services"] == 12
    assert by_option["totals"] == by_profile["totals"]
    assert f"(0 to {MOST_SERVICES:,})" in " ".join(run("plan", "-h").stdout.split())   # the help says the bound


def test_a_value_is_shown_to_its_precision_and_differences_without_float_noise():
    """learning_hours=1234.56 was shown as 1,234.6; CSV wrote 0.12 − 0.08 as 0.04000000000000001."""
    args = ("compare", SMALL, "--as-of", "2026-10-01", "--set", "turnover=0.08", "--set", "turnover=0.12",
            "--set", "learning_hours=1234.56")
    for fmt in ("table", "markdown"):
        assert "1,234.56" in run(*args, "--format", fmt).stdout, fmt
    rows = {r["figure"]: r for r in __import__("csv").DictReader(run(*args, "--format", "csv").stdout.splitlines())}
    assert rows["learning_hours"]["learning_hours=1234.56"] == "1234.56"
    diff = rows["turnover"]["difference: turnover=0.12"]
    base = float(rows["turnover"]["base"])
    assert float(diff) == pytest.approx(0.12 - base, abs=1e-12) and len(diff) <= 16, diff
    data = run(*args, "--format", "json").json()
    assert all(len(repr(v)) <= 16 for s in data["scenarios"] for v in s["difference"].values() if isinstance(v, float))


def test_csv_difference_of_two_round_turnovers_is_round():
    result = run("compare", SMALL, "--as-of", "2026-10-01", "--turnover", "0.08", "--set", "turnover=0.12",
                 "--format", "csv")
    rows = {r["figure"]: r for r in __import__("csv").DictReader(result.stdout.splitlines())}
    assert rows["turnover"]["difference: turnover=0.12"] == "0.04"
