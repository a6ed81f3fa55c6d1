"""The plan over the years (qidose/trajectory.py, `plan --years N`): the model's invariants."""

import dataclasses
import datetime as dt
import math
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clirun import DATA, EXAMPLE, run
from qidose import config as config_mod
from qidose.errors import ConfigError, UsageError
from qidose.organisation import Setting
from qidose.plan import num
from qidose.pipeline import Request, build
from qidose.trajectory import Resources, make_trajectory

AS_OF = "2026-10-01"
SMALL = DATA / "staff_small.csv"


@pytest.fixture(scope="module")
def planset():
    return build(Request(str(EXAMPLE), as_of=dt.date(2026, 10, 1)))


def with_(planset, **values):
    """The organisation with some characteristics replaced (as a profile would set them)."""
    changes = {k: Setting(v, "test", None) for k, v in values.items()}
    return dataclasses.replace(planset.organisation, **changes)


def trajectory(planset, years=5, resources=Resources(), **values):
    return make_trajectory(planset.config, planset.whole, with_(planset, **values), years, resources)


def years_to(traj):
    """level -> the year its target is reached, or infinity when never."""
    return {lid: float("inf") if f.value is None else f.value for lid, f in traj.outcomes.items()}


# -- the bookkeeping ---------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(budget=st.one_of(st.none(), st.integers(0, 80_000)), turnover=st.floats(0, 0.4),
       maturity=st.sampled_from(["starting", "developing", "established", "embedded"]), years=st.integers(1, 12))
def test_trained_plus_backlog_is_gap_plus_upkeep_for_every_level(planset, budget, turnover, maturity, years):
    traj = trajectory(planset, years, learning_hours=budget, turnover=turnover, maturity=maturity)
    for lp in planset.whole.levels:
        rows = traj.level_entries(lp.level)
        assert [e.year for e in rows] == list(range(1, years + 1))
        trained = sum(e["trained_people"] for e in rows)
        upkeep = sum(e["upkeep_people"] for e in rows)
        assert trained + rows[-1]["backlog"] == lp["gap"] + upkeep, lp.level
        for e in rows:
            assert e["covered"] + e["backlog"] == lp["target_people"]
            assert e["trained_people"] == e["upkeep_trained"] + e["new_trained"]
            assert e["upkeep_trained"] <= e["upkeep_people"]
            assert e["hours"] == pytest.approx(e["trained_people"] * lp["dose_hours"])
            assert e["backlog"] >= 0


def test_year_one_starts_from_the_plans_gap_and_trained_people(planset):
    traj = trajectory(planset, 1, learning_hours=None)
    for lp in planset.whole.levels:
        e = traj.entry(1, lp.level)
        start = lp["target_people"] - lp["gap"]
        assert e["covered"] == start - e["upkeep_people"] + e["trained_people"]


def test_resources_are_never_overspent(planset):
    traj = trajectory(planset, 8, learning_hours=9000)
    for year, totals in enumerate(traj.year_totals, 1):
        rows = [e for e in traj.entries if e.year == year]
        assert sum(e["hours"] for e in rows) <= 9000 + 1e-6
        assert totals["hours"].value == pytest.approx(sum(e["hours"] for e in rows))
        assert totals["facilitator_hours_used"].value <= totals["facilitator_hours_available"].value + 1e-6


# -- the constraints --------------------------------------------------------------------------------

def test_halving_learning_hours_never_shortens_the_time_to_target(planset):
    for turnover in (0.05, 0.12, 0.2):
        for budget in (80_000, 40_000, 24_000, 16_000, 9_000, 5_000, 2_000):
            full = years_to(trajectory(planset, 0, learning_hours=budget, turnover=turnover))
            half = years_to(trajectory(planset, 0, learning_hours=budget / 2, turnover=turnover))
            for lid in full:
                assert half[lid] >= full[lid], (turnover, budget, lid)


def test_a_budget_too_small_for_upkeep_is_reported(planset):
    traj = trajectory(planset, 3, learning_hours=500, turnover=0.12)
    need = traj.year_totals[0]["upkeep_hours_needed"].value
    assert need > 500
    assert any("too small to keep up with turnover" in n for n in traj.notes)
    assert traj.totals["years_to_target"].value is None
    never = [lid for lid, f in traj.outcomes.items() if f.value is None]
    assert never and all("never" in traj.outcomes[lid].working for lid in never)
    assert any("never" in s for s in traj.statements)


def test_the_budget_for_the_target_is_computed_by_re_running(planset):
    years = 12
    traj = trajectory(planset, years, learning_hours=1000)
    needed = traj.totals["budget_for_target"].value
    assert needed is not None and needed > 1000
    enough = trajectory(planset, years, learning_hours=needed)
    assert all(e["backlog"] == 0 for e in enough.entries if e.year == years)
    short = trajectory(planset, years, learning_hours=needed - 1)
    assert any(e["backlog"] > 0 for e in short.entries if e.year == years)
    assert any(f"{needed:,}" in s for s in traj.statements)


def test_no_budget_is_named_when_the_pace_alone_rules_it_out(planset):
    traj = trajectory(planset, 2, learning_hours=None)
    assert traj.totals["budget_for_target"].value is None
    assert "no budget reaches every target" in traj.totals["budget_for_target"].working


def test_without_a_budget_only_sequence_pace_and_facilitators_hold_a_level_back(planset):
    traj = trajectory(planset, 6, learning_hours=None)
    assert {e.limited_by for e in traj.entries} <= {None, "not started", "pace", "facilitators"}


def test_the_all_staff_pace_is_new_starters_plus_a_share_of_headcount(planset):
    step = planset.config.trajectory.sequence("developing")[2]["all_staff"]
    turnover = 0.1
    lp = planset.whole.level("all_staff")
    cap = math.ceil(turnover * lp["headcount"]) + math.ceil(step.pace * lp["headcount"])
    traj = trajectory(planset, 8, learning_hours=None, turnover=turnover)
    rows = traj.level_entries("all_staff")
    assert all(e["trained_people"] <= cap for e in rows)
    assert any(e.limited_by == "pace" for e in rows)


# -- the sequence -----------------------------------------------------------------------------------

def test_levels_train_nobody_before_their_start_year_and_maturity_moves_it(planset):
    rules = planset.config.trajectory
    for maturity in ("starting", "developing", "established"):
        steps = rules.sequence(maturity)[2]
        traj = trajectory(planset, 4, maturity=maturity, learning_hours=None)
        for e in traj.entries:
            if e.year < steps[e.level].start_year:
                assert e["trained_people"] == 0 and e.limited_by == "not started", (maturity, e.level)
    starting = rules.sequence("starting")[2]["quality_coaches"].start_year
    developing = rules.sequence("developing")[2]["quality_coaches"].start_year
    assert starting > developing   # the config: coaches "as the scale of improvement grows"


def test_board_starts_first_and_is_served_first(planset):
    traj = trajectory(planset, 1)
    assert traj.sequence[0].level == "board" and traj.sequence[0].start_year.value == 1


def test_experts_trained_this_year_facilitate_from_next_year(planset):
    traj = trajectory(planset, 3, learning_hours=None)
    per_expert = planset.config.trajectory.facilitator_hours_per_expert
    for year in (2, 3):
        experts_last_year = traj.entry(year - 1, "internal_experts")["covered"]
        totals = traj.year_totals[year - 1]
        assert totals["experts"].value == experts_last_year
        assert totals["facilitator_hours_available"].value == experts_last_year * per_expert


def test_more_facilitator_hours_never_slow_a_level(planset):
    less = years_to(trajectory(planset, 0, Resources(facilitator_hours_per_expert=Setting(150, "t", None))))
    more = years_to(trajectory(planset, 0, Resources(facilitator_hours_per_expert=Setting(600, "t", None))))
    assert all(more[lid] <= less[lid] for lid in less)


def test_each_level_says_when_it_reaches_its_target(planset):
    traj = trajectory(planset, 3, learning_hours=30000)
    assert len(traj.statements) >= len(planset.whole.levels)
    for lp in planset.whole.levels:
        line = next(s for s in traj.statements if s.startswith(lp.label + ":"))
        year = traj.outcomes[lp.level].value
        assert (f"year {year}" in line) if year is not None else ("never" in line or "not within" in line)


# -- cost -------------------------------------------------------------------------------------------

def test_cost_is_hours_times_the_hourly_cost_and_a_profile_may_override_it(planset):
    costs = planset.config.costs.hourly_cost
    traj = trajectory(planset, 2)
    for e in traj.entries:
        assert e["cost"] == math.floor(e["hours"] * costs[e.level] + 0.5)       # .5 rounds up
        assert "estimate" in e.figures["cost"].formula
    one = trajectory(planset, 2, Resources(hourly_cost=Setting(10, "org.yaml line 9", None)))
    for e in one.entries:
        assert e["cost"] == math.floor(e["hours"] * 10 + 0.5)
        assert "org.yaml line 9" in e.figures["cost"].working


def test_a_cost_working_shows_the_exact_product_and_every_cost_rounds_half_up(planset):
    """4,687.5 hours × 35 is 164,062.5: the working says so and that it was rounded, and level costs,
    yearly costs and the cost of the gap all round .5 the same way (up)."""
    traj = trajectory(planset, 2)
    halves = 0
    for e in traj.entries:
        exact = e["hours"] * planset.config.costs.hourly_cost[e.level]
        working = e.figures["cost"].working
        if exact != int(exact):
            halves += exact % 1 == 0.5
            assert f"= {num(round(exact, 6))}, rounded to {num(e['cost'])}" in working, working
            assert e["cost"] == (math.ceil(exact) if exact % 1 >= 0.5 else math.floor(exact))
        else:
            assert working.endswith(f"= {num(e['cost'])}"), working
    assert halves, "the example should have a cost ending in .5"
    for year in traj.year_totals:
        assert year["cost"].value == sum(e["cost"] for e in traj.entries if e.year == traj.year_totals.index(year) + 1)
    gap = traj.totals["gap_cost"]
    exact = sum(lp["training_hours"] * planset.config.costs.hourly_cost[lp.level] for lp in planset.whole.levels)
    assert gap.value == math.floor(exact + 0.5) and "half up" in gap.formula


def test_every_figure_has_a_formula_and_a_working(planset):
    traj = trajectory(planset, 2, learning_hours=20000)
    for e in traj.entries:
        for name, f in e.figures.items():
            assert f.formula and f.working, (e.level, name)
    for f in list(traj.totals.values()) + list(traj.outcomes.values()):
        assert f.formula and f.working


# -- the command line -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def years_json():
    result = run("plan", EXAMPLE, "--years", "3", "--format", "json", "--as-of", AS_OF)
    assert result.code == 0, result.stderr
    return result.json()


def test_plan_years_json_has_one_entry_per_year_and_level(years_json):
    levels = [lp["level"] for lp in years_json["levels"]]
    entries = years_json["trajectory"]
    assert sorted((e["year"], e["level"]) for e in entries) == sorted((y, lid) for y in (1, 2, 3) for lid in levels)
    for e in entries:
        assert {"trained_people", "upkeep_people", "hours", "upkeep_hours", "coverage", "backlog", "basis"} <= set(e)


def test_plan_years_json_is_consistent_with_the_plans_totals(years_json):
    gaps = {lp["level"]: lp["gap"] for lp in years_json["levels"]}
    for level, gap in gaps.items():
        rows = [e for e in years_json["trajectory"] if e["level"] == level]
        last = max(rows, key=lambda e: e["year"])
        assert sum(e["trained_people"] for e in rows) + last["backlog"] == gap + sum(e["upkeep_people"] for e in rows)
    summary = years_json["trajectory_summary"]
    assert summary["years"] == 3 and len(summary["years_totals"]) == 3
    assert summary["statements"] and set(summary["target_year"]) == set(gaps)
    keys = {k["key"] for e in years_json["trajectory"] for b in e["basis"].values() for k in b["keys"]}
    assert "trajectory.priority" in keys


def test_table_and_markdown_have_a_trajectory_section_only_with_years():
    table = run("plan", SMALL, "--years", "2", "--format", "table")
    markdown = run("plan", SMALL, "--years", "2", "--format", "markdown")
    plain = run("plan", SMALL, "--format", "markdown")
    assert table.code == markdown.code == plain.code == 0
    assert "Over the next 2 years" in table.stdout and "## Over the next 2 years" in markdown.stdout
    assert "Over the next" not in plain.stdout
    assert "trajectory" not in run("plan", SMALL, "--format", "json").json()


def test_years_out_of_range_is_a_usage_error():
    assert run("plan", SMALL, "--years", "0").code == 2
    result = run("plan", SMALL, "--years", "51", "--format", "json")
    assert result.code == 2 and "--years 51" in result.stderr


def test_suppressed_levels_have_their_trajectory_withheld():
    result = run("plan", SMALL, "--years", "2", "--format", "json", "--suppress-below", "10")
    assert result.code == 0, result.stderr
    data = result.json()
    hidden = {lp["level"] for lp in data["levels"] if lp.get("suppressed")}
    assert hidden
    for e in data["trajectory"]:
        if e["level"] in hidden:
            assert e["backlog"] is None and e["trained_people"] is None and e["suppressed"]


# -- the config -------------------------------------------------------------------------------------

def test_the_shipped_trajectory_and_costs_have_a_source_for_every_number():
    config = config_mod.load()
    keys = config_mod.numbered_keys(config)
    assert "trajectory.facilitator_hours_per_expert" in keys and "costs.hourly_cost.board" in keys
    assert any(k.startswith("trajectory.maturity.") for k in keys)
    assert config_mod.unsourced_numbers(config) == []


def _edited(tmp_path, old, new):
    text = config_mod.default_path().read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "doses.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("old, new, expected", [
    ("  facilitator_hours_per_expert: 300", "  facilitator_hours_per_expert: 300\n  facilitator_hours: 3",
     r"line \d+: trajectory.facilitator_hours: unknown key 'facilitator_hours'; did you mean 'facilitator_hours_per_expert'"),
    ("  priority: [board, internal_experts,", "  priority: [board,", r"trajectory.priority: list every level once; missing: internal_experts"),
    ("    quality_coaches:\n      start_year: 2", "    quality_coaches:\n      start_year: 0",
     r"trajectory.levels.quality_coaches.start_year: 0 is out of range"),
    ("    established:\n      quality_coaches:", "    establisht:\n      quality_coaches:",
     r"trajectory.maturity.establisht: unknown key 'establisht'; did you mean 'established'"),
    ("    all_staff: 20\n", "    all_staff: cheap\n", r"costs.hourly_cost.all_staff: expected a number"),
])
def test_a_bad_trajectory_or_costs_block_names_the_line(tmp_path, old, new, expected):
    path = _edited(tmp_path, old, new)
    with pytest.raises(ConfigError) as e:
        config_mod.load(path)
    assert re.search(expected, str(e.value)), str(e.value)
    result = run("check-config", path)
    assert result.code == 2 and re.search(expected, result.stderr)


def test_a_number_without_a_source_is_reported_by_check_config(tmp_path):
    text = config_mod.default_path().read_text(encoding="utf-8")
    line = next(line for line in text.splitlines(keepends=True)
                if line.strip().startswith('facilitator_hours_per_expert: "assumption'))
    path = tmp_path / "doses.yaml"
    path.write_text(text.replace(line, ""), encoding="utf-8")
    assert config_mod.unsourced_numbers(config_mod.load(path)) == ["trajectory.facilitator_hours_per_expert"]
    result = run("check-config", path)
    assert result.code == 0 and "trajectory.facilitator_hours_per_expert has no source" in result.stderr


def test_a_config_without_a_trajectory_block_says_so(tmp_path):
    text = config_mod.default_path().read_text(encoding="utf-8")
    start = text.index("\n# ---------------------------------------------------------------------------------------------\n# The plan over the years")
    end = text.index("\ncosts:")
    path = tmp_path / "doses.yaml"
    path.write_text(text[:start] + "\n" + text[end:], encoding="utf-8")
    config = config_mod.load(path)
    assert config.trajectory is None
    planset = build(Request(str(SMALL), config=str(path)))
    with pytest.raises(UsageError, match="trajectory"):
        make_trajectory(config, planset.whole, planset.organisation, 2)


def test_an_org_profiles_hourly_cost_and_facilitator_hours_reach_the_trajectory(tmp_path):
    profile = tmp_path / "org.yaml"
    profile.write_text("name: Test Trust\nhourly_cost: 10\nfacilitator_hours_per_expert: 0\n", encoding="utf-8")
    result = run("plan", SMALL, "--org", profile, "--years", "1", "--format", "json")
    assert result.code == 0, result.stderr
    data = result.json()
    for e in data["trajectory"]:
        assert e["cost"] == round(e["hours"] * 10)
        assert f"({profile.name} line 2)" in e["basis"]["cost"]["working"]   # its name: papers are published
    # no facilitator hours: only training delivered externally can happen
    external = set(data_external(data))
    assert all(e["facilitator_hours"] == 0 for e in data["trajectory"])
    assert all(e["new_trained"] == 0 for e in data["trajectory"] if e["level"] not in external and e["backlog"])
    bad = tmp_path / "bad.yaml"
    bad.write_text("hourly_cost: -1\n", encoding="utf-8")
    result = run("plan", SMALL, "--org", bad, "--years", "1")
    assert result.code == 2 and "hourly_cost" in result.stderr


def data_external(data):
    return [s["level"] for s in data["trajectory_summary"]["sequence"] if s["delivered_externally"]]


# -- coverage as printed ------------------------------------------------------------------------

def test_coverage_is_printed_as_the_paper_prints_it_never_rounded_up_to_100():
    """All staff at 99.52% of their target in year 7: the plan's table said 100%, the paper 99.5%."""
    args = ("plan", EXAMPLE, "--org", EXAMPLE.parent / "org.yaml", "--turnover", "14%", "--learning-hours", "30000",
            "--years", "7", "--as-of", "2026-11-25")
    entries = run(*args, "--format", "json").json()["trajectory"]
    assert any(0.995 <= e["coverage"] < 1 for e in entries if e["coverage"] is not None)
    lines = run(*args, "--format", "markdown").stdout.splitlines()
    from qidose.render.columns import coverage_text
    for e in entries:
        row = next(line for line in lines if line.startswith(f"| {e['year']} | {e['label']} |"))
        cell = row.split(" | ")[7]
        assert cell == coverage_text(e["coverage"]), (e["year"], e["level"], cell)
        assert cell != "100%" or e["coverage"] == 1, (e["year"], e["level"])
    assert "| 7 | All staff |" in "\n".join(lines) and "99.5%" in next(l for l in lines if l.startswith("| 7 | All staff |"))


def test_a_share_never_rounds_to_a_whole_target_or_to_nothing():
    from qidose.plan import share
    from qidose.trajectory import _ratio
    assert _ratio(29999, 30000) == 0.9999 and _ratio(1, 30000) == 0.0001
    assert _ratio(30000, 30000) == 1 and _ratio(0, 30000) == 0
    assert share(0.9952) == "99.5%" and share(0.874) == "87%" and share(0.004) == "0.4%" and share(1.0) == "100%"
    assert share(0.99995, 1) == "99.99%" and share(0.0) == "0%"
