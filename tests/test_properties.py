"""Property tests (hypothesis) of the dosing engine, the staff reader's counts and band parsing.

The engine is fed a Census built by hand and the shipped policy; the invariants are the
issue's: for role levels already_trained <= headcount and target <= headcount; gap <= target;
training_hours = gap x dose_hours; no figure negative; more turnover never means less upkeep;
adding a person never lowers a target; role levels partition the staff in post.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from qidose import config as config_mod
from qidose import staff as staff_mod
from qidose.classify import band_code
from qidose.config import BAND_CODES, CAPACITY_LEVELS, ROLE_LEVELS
from qidose.organisation import resolve
from qidose.plan import make_plan
from qidose.rows import parse_date
from qidose.census import Census

CONFIG = config_mod.load()
LEVELS = ROLE_LEVELS + CAPACITY_LEVELS
BOUNDED = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SUMMED = ("target_people", "already_trained", "gap", "training_hours", "cohorts", "facilitator_hours",
          "annual_upkeep_people", "annual_upkeep_hours")


# -- strategies -----------------------------------------------------------------------------------

@st.composite
def censuses(draw) -> Census:
    c = Census()
    sizes = {"board": 40, "senior_leaders": 400, "middle_managers": 3000, "all_staff": 30000}
    for lid in ROLE_LEVELS:
        n = draw(st.integers(0, sizes[lid]))
        c.headcount[lid] = n
        c.fte_units[lid] = draw(st.integers(0, 15000 * n))   # FTE in ten-thousandths
        c.already_trained[lid] = draw(st.integers(0, n))
    for lid in CAPACITY_LEVELS:
        n = draw(st.integers(0, min(c.people, 300)))
        c.headcount[lid] = n
        c.fte_units[lid] = draw(st.integers(0, 15000 * n))   # FTE in ten-thousandths
        c.already_trained[lid] = draw(st.integers(0, n))
    c.services = set(range(draw(st.integers(0, 80))))
    c.dated = draw(st.integers(0, c.people))
    c.joiners = draw(st.integers(0, c.dated))
    return c


def _words(name):
    return list(CONFIG.characteristics[name].values)


options = st.fixed_dictionaries({}, optional={
    "turnover": st.floats(0, 0.99),
    "maturity": st.sampled_from(_words("maturity")),
    "leadership_commitment": st.sampled_from(_words("leadership_commitment")),
    "learning_hours": st.floats(0, 1e6),
    "services": st.integers(0, 200),
})


def organisation(opts):
    return resolve(CONFIG, ({}, {}), opts, None)


def figures(plan, lid):
    return plan.level(lid).figures


# -- the engine ----------------------------------------------------------------------------------

@BOUNDED
@given(censuses(), options)
def test_plan_invariants(census, opts):
    plan = make_plan(CONFIG, organisation(opts), census)
    for lid in LEVELS:
        f = {name: fig.value for name, fig in figures(plan, lid).items()}
        for name, value in f.items():
            assert value is not None and value >= 0 and math.isfinite(value), f"{lid}.{name} = {value}"
        if lid in ROLE_LEVELS:
            assert f["already_trained"] <= f["headcount"], lid
            assert f["target_people"] <= f["headcount"], lid
        assert f["gap"] <= f["target_people"], lid
        assert f["gap"] == max(0, f["target_people"] - f["already_trained"]), lid
        assert f["training_hours"] == pytest.approx(f["gap"] * f["dose_hours"]), lid
        assert f["annual_upkeep_hours"] == pytest.approx(f["annual_upkeep_people"] * f["dose_hours"]), lid
        assert f["dose_hours"] == pytest.approx(CONFIG.dose_hours(lid)), lid
    role_heads = sum(figures(plan, lid)["headcount"].value for lid in ROLE_LEVELS)
    assert plan.totals["headcount"].value == role_heads == census.people
    assert plan.organisation["staff_in_post"].value == role_heads
    for name in SUMMED:
        assert plan.totals[name].value == pytest.approx(sum(figures(plan, lid)[name].value for lid in LEVELS)), name
    years = plan.totals["years_to_close_gap"].value
    assert years is None or (years >= 0 and math.isfinite(years))


@BOUNDED
@given(censuses(), options, st.floats(0, 0.99), st.floats(0, 0.99))
def test_more_turnover_never_means_less_upkeep(census, opts, t1, t2):
    low, high = sorted((t1, t2))
    plan_low = make_plan(CONFIG, organisation({**opts, "turnover": low}), census)
    plan_high = make_plan(CONFIG, organisation({**opts, "turnover": high}), census)
    for lid in LEVELS:
        for name in ("annual_upkeep_people", "annual_upkeep_hours"):
            assert figures(plan_low, lid)[name].value <= figures(plan_high, lid)[name].value, (lid, name)
    assert plan_low.totals["annual_upkeep_hours"].value <= plan_high.totals["annual_upkeep_hours"].value


@BOUNDED
@given(censuses(), options, st.sampled_from(ROLE_LEVELS), st.floats(0, 1.5), st.booleans(),
       st.sampled_from((None,) + CAPACITY_LEVELS), st.booleans())
def test_adding_a_person_never_lowers_a_target(census, opts, lid, fte, trained, capacity, new_service):
    before = make_plan(CONFIG, organisation(opts), census)
    more = copy.deepcopy(census)
    more.headcount[lid] += 1
    more.fte_units[lid] += round(fte * 10000)
    if trained:
        more.already_trained[lid] += 1
    if capacity:
        more.headcount[capacity] += 1
        more.already_trained[capacity] += 1
    if new_service:
        more.services.add("a new service")
    after = make_plan(CONFIG, organisation(opts), more)
    for level in LEVELS:
        assert figures(after, level)["target_people"].value >= figures(before, level)["target_people"].value, level
    assert after.totals["target_people"].value >= before.totals["target_people"].value


# -- the staff reader's counts ------------------------------------------------------------------

HEADER = ["Employee Number", "Full Name", "Directorate", "Staff Group", "Job Role", "Position Title", "Grade",
          "Assignment Status", "FTE", "Start Date", "QI Role", "QI Training"]
ROLES = ["Chief Executive", "Non Executive Director", "Senior Manager", "Ward Manager", "Staff Nurse", "Porter",
         "Healthcare Assistant", "Consultant", "Modern Matron", "Manager", ""]
TITLES = ["Director of Finance", "Head of Estates", "Ward Manager", "Staff Nurse Band 5", "Porter", "Team Leader", ""]
GRADES = ["Band 2", "Band 5", "Band 7", "Band 8A", "8b", "Band 8C", "Band 9", "Medical", "Very Senior Manager", "Band 8E", ""]
STATUSES = ["Active Assignment", "Active Assignment", "Acting Up", "Internal Secondment", "Maternity Leave", "Career Break"]
QI_ROLES = ["", "", "Quality Coach", "Improvement Advisor", "Lean Ninja"]
TRAINING = ["", "Pocket QI", "IHI Open School", "Board QI Development", "Measurement for Improvement",
            "Improvement Leaders Programme", "Improvement Coaching", "Improvement Advisor Programme", "Yellow Belt"]

rows = st.lists(st.tuples(
    st.integers(1, 40),                       # employee: few ids, so people have several rows
    st.sampled_from(["Medicine", "Surgery", "Estates", "Corporate"]),
    st.sampled_from(["Administrative and Clerical", "Nursing and Midwifery Registered", "Medical and Dental"]),
    st.sampled_from(ROLES), st.sampled_from(TITLES), st.sampled_from(GRADES), st.sampled_from(STATUSES),
    st.sampled_from(["1", "0.6", "0,8", "", "80%", "-1"]),
    st.sampled_from(["01/04/2015", "2026-03-03", "20251101", "45000", "soon", ""]),
    st.sampled_from(QI_ROLES), st.lists(st.sampled_from(TRAINING), max_size=3).map(";".join),
), min_size=1, max_size=60)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows)
def test_reader_counts(table):
    in_post = {e for e, _, _, _, _, _, status, *_ in table if status in ("Active Assignment", "Acting Up", "Internal Secondment")}
    assume(in_post)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "staff.csv"
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            for e, service, group, role, title, grade, status, fte, start, qi_role, trained in table:
                w.writerow([str(10_000_000 + e), "Zzyzx, Mrs. Quilla", service, group, role, title, grade, status,
                            fte, start, qi_role, trained])
        staff = staff_mod.read(str(path), CONFIG, as_of=dt.date(2026, 10, 1))
    census = staff.whole
    assert census.people == len(in_post)
    assert sum(census.headcount[lid] for lid in ROLE_LEVELS) == len(in_post)
    for lid in LEVELS:
        assert 0 <= census.already_trained[lid] <= census.headcount[lid], lid
        assert census.fte[lid] >= 0 and math.isfinite(census.fte[lid]), lid
    for lid in CAPACITY_LEVELS:
        assert census.headcount[lid] <= census.people, lid
    assert 0 <= census.joiners <= census.dated <= census.people
    plan = make_plan(CONFIG, organisation({}), census)
    for lid in ROLE_LEVELS:
        f = figures(plan, lid)
        assert f["already_trained"].value <= f["headcount"].value <= census.people
        assert f["target_people"].value <= f["headcount"].value


# -- bands ----------------------------------------------------------------------------------------

WORDS = CONFIG.staff_list.band_words
NUMBERED = ["1", "2", "3", "4", "5", "6", "7", "9"]
EIGHTS = ["8a", "8b", "8c", "8d"]


def _case(text, how):
    return {"upper": text.upper(), "lower": text.lower(), "title": text.title(), "as is": text}[how]


@st.composite
def written_bands(draw):
    """A band as real files write it (research: nhs-staff-lists.md sections 1c, 1e and 6.7), and its code."""
    code = draw(st.sampled_from(NUMBERED + EIGHTS))
    shown = code.upper() if draw(st.booleans()) else code
    forms = [f"Band {shown}", f"band {shown}", shown, f"AfC Band {shown}"]
    if code in NUMBERED:
        forms += [f"XR0{code}|Review Body Band {code}", f"NHS|XR0{code}|Review Body Band {code}"]
    if code == "1":
        forms.append("Apprentice/Band 1")
    text = _case(draw(st.sampled_from(forms)), draw(st.sampled_from(["upper", "lower", "title", "as is"])))
    pad = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
    return draw(pad) + text + draw(pad), code


@BOUNDED
@given(written_bands())
def test_band_code_reads_real_formats(band):
    text, code = band
    assert band_code(text, WORDS) == code, text


@BOUNDED
@given(st.sampled_from(["Medical", "Medical and Dental", "Consultant", "Very Senior Manager", "VSM"]),
       st.sampled_from(["upper", "lower", "title", "as is"]))
def test_band_code_reads_the_config_words(word, how):
    expected = "medical" if word in ("Medical", "Medical and Dental", "Consultant") else "vsm"
    assert band_code(_case(word, how), WORDS) == expected


@pytest.mark.parametrize("text", ["", "   ", "N/A", "Unknown", "Band 10", "Band 0", "Band 8E", "Grade X", "Locum"])
def test_band_code_refuses_what_is_not_a_band(text):
    assert band_code(text, WORDS) is None


@BOUNDED
@given(st.text(max_size=40) | st.from_regex(r"(?i)(afc |nhs\|xr\d\d\|review body )?band ?\d{1,2}[a-f]?( - range [a-f])?",
                                             fullmatch=True))
def test_band_code_answers_a_code_or_none(text):
    """Whatever the cell holds: a code the membership rules use (config.BAND_CODES), or None to be counted."""
    assert band_code(text, WORDS) in BAND_CODES + (None,), text


# -- start dates ------------------------------------------------------------------------------------

def _calendar_day(day: str, month: str, year: str) -> dt.date | None:
    """What dd/mm/yyyy means, read the slow, plain way: the day, or None when the calendar has no such day."""
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


_DIGITS = st.text("0123456789", min_size=2, max_size=2)


@BOUNDED
@given(_DIGITS, _DIGITS, st.text("0123456789", min_size=4, max_size=4) | st.integers(1900, 2030).map(str),
       st.sampled_from(["", " ", "\x00"]))
def test_esr_dates_read_as_the_calendar_says(day, month, year, pad):
    """ESR's dd/mm/yyyy, read by parse_date's quick path: the calendar's day, or None (31/02, 00/13, year 0000)."""
    assert parse_date(f"{pad}{day}/{month}/{year}{pad}") == _calendar_day(day, month, year)


@pytest.mark.parametrize("text, expected", [
    ("\u0661\u0666/\u0660\u0662/\u0661\u0669\u0669\u0665", dt.date(1995, 2, 16)),   # Arabic-Indic digits, as int() reads them
    ("1/2/2020", dt.date(2020, 2, 1)), ("2020-01-05", dt.date(2020, 1, 5)), ("01-02-2020", dt.date(2020, 2, 1)),
    ("1 /02/2021", None), ("16/02/95x", None), ("+6/02/1995", None)])
def test_dates_in_other_shapes(text, expected):
    assert parse_date(text) == expected
