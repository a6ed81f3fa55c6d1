"""The engine on hand-built censuses: the arithmetic each figure's basis promises."""

import math

import pytest

from qidose import config as config_mod
from qidose.organisation import resolve
from qidose.plan import make_plan
from qidose.census import Census


@pytest.fixture(scope="module")
def config():
    return config_mod.load()


def census(board=12, senior=80, middle=600, staff=5800, coaches=10, experts=1, trained_middle=50, services=20):
    c = Census()
    c.headcount.update(board=board, senior_leaders=senior, middle_managers=middle, all_staff=staff,
                       quality_coaches=coaches, internal_experts=experts)
    c.fte_units.update({k: v * 9000 for k, v in c.headcount.items()})   # 0.9 FTE each
    c.already_trained.update(middle_managers=trained_middle, quality_coaches=coaches, internal_experts=experts)
    c.services = {f"service {i}" for i in range(services)}
    return c


def organisation(config, **options):
    return resolve(config, ({}, {}), options, None)


def test_role_targets_are_coverage_times_headcount(config):
    plan = make_plan(config, organisation(config, maturity="starting"), census(staff=101))
    all_staff = plan.level("all_staff")
    coverage = config.levels["all_staff"].coverage * 0.5   # the config's 'starting' effect on all_staff
    assert all_staff["coverage"] == coverage
    assert all_staff["target_people"] == math.ceil(coverage * 101)
    assert "characteristics.maturity.values.starting[1]" in all_staff.figures["coverage"].keys


def test_capacity_targets_come_from_ratios_and_services(config):
    c = census()
    plan = make_plan(config, organisation(config, maturity="established"), c)
    cap = config.levels["quality_coaches"].capacity
    expected = max(cap.minimum, math.ceil(cap.per_1000_staff * c.people / 1000 + cap.per_service * 20))
    assert plan.level("quality_coaches")["target_people"] == expected
    fewer_services = make_plan(config, organisation(config, maturity="established"), census(services=2))
    assert fewer_services.level("quality_coaches")["target_people"] < expected


def test_gap_hours_cohorts_and_facilitators_follow_the_modules(config):
    plan = make_plan(config, organisation(config), census())
    middle = plan.level("middle_managers")
    gap = 600 - 50
    assert middle["gap"] == gap
    assert middle["training_hours"] == gap * config.dose_hours("middle_managers")
    face = [config.modules[m] for m in config.levels["middle_managers"].modules
            if config.modules[m].delivery == "face_to_face"]
    assert middle["cohorts"] == sum(math.ceil(gap / m.cohort_size) for m in face)
    assert middle["facilitator_hours"] == sum(
        math.ceil(gap / m.cohort_size) * m.facilitators_per_cohort * m.hours for m in face)


def test_doubling_turnover_doubles_upkeep(config):
    low = make_plan(config, organisation(config, turnover=0.08), census())
    high = make_plan(config, organisation(config, turnover=0.16), census())
    for a, b in zip(low.levels, high.levels):
        assert abs(b["annual_upkeep_people"] - 2 * a["annual_upkeep_people"]) <= 1
        assert b["annual_upkeep_hours"] == b["annual_upkeep_people"] * b["dose_hours"]
    assert high.totals["annual_upkeep_hours"].value > 1.9 * low.totals["annual_upkeep_hours"].value


def test_low_leadership_commitment_changes_what_the_config_says(config):
    medium = make_plan(config, organisation(config), census())
    low = make_plan(config, organisation(config, leadership_commitment="low"), census())
    changed = {e.level for e in config.characteristics["leadership_commitment"].values["low"]}
    for lp_medium, lp_low in zip(medium.levels, low.levels):
        if lp_medium.level in changed:
            assert lp_low["target_people"] < lp_medium["target_people"]
            assert any("leadership_commitment.values.low" in k for k in lp_low.figures["target_people"].keys)
        else:
            assert lp_low["target_people"] == lp_medium["target_people"]


def test_totals_add_up_and_role_levels_partition_the_staff(config):
    c = census()
    plan = make_plan(config, organisation(config), c)
    assert plan.totals["headcount"].value == c.people == 12 + 80 + 600 + 5800
    for name in ("target_people", "gap", "training_hours", "annual_upkeep_hours"):
        assert plan.totals[name].value == sum(lp[name] for lp in plan.levels)


def test_learning_budget_sets_years_and_warns_when_it_cannot_keep_up(config):
    base = make_plan(config, organisation(config, learning_hours=20000), census())
    need, upkeep = base.totals["training_hours"].value, base.totals["annual_upkeep_hours"].value
    assert base.totals["years_to_close_gap"].value == round(need / (20000 - upkeep), 2)
    starved = make_plan(config, organisation(config, learning_hours=upkeep / 2), census())
    assert starved.totals["years_to_close_gap"].value is None
    assert any("never closes" in note for note in starved.notes)


def test_every_figure_working_ends_with_its_value(config):
    plan = make_plan(config, organisation(config, turnover=0.123, leadership_commitment="low"), census())
    for lp in plan.levels:
        for name, fig in lp.figures.items():
            if "=" in fig.working:
                shown = fig.working.rsplit("= ", 1)[1].replace(",", "")
                assert float(shown) == pytest.approx(fig.value), (lp.level, name, fig.working)
