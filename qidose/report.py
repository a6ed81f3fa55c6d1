"""The board paper's content, assembled from a PlanSet: words, tables and chart data, no markup.

`render/html.py` and `render/paper_md.py` turn a ``Paper`` into a file. Every number here is a
figure the engine computed (or a value read from the policy), formatted for a reader; none is
worked out again. Under --suppress-below, level-row cells follow `render/suppress.py`.
With --years N the paper also has the plan over the years (``Years``), read from the engine's
``Trajectory``: its chart data, a table per level and a year-by-year table.
Pure: no Click, no files, no matplotlib (charts.py draws ``Chart``s and ``YearsChart``s).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import ClassVar

from qidose import __version__
from qidose.config import numbered_keys
from qidose.plan import people
from qidose.render.columns import coverage_text, fmt
from qidose.render.doses import LEGEND as DOSES_LEGEND
from qidose.render.doses import matrix
from qidose.render.suppress import (TOTAL, WITHHELD, YearsWithheld, legend, plan_notes, suppression, trajectory_notes,
                                    trajectory_statements, years_withheld)

TITLE = "Quality improvement training: how much each level of the organisation needs"
NO_NAME = "Your organisation"

# The capacity table's columns: (figure, heading).
CAPACITY = (
    ("headcount", "People"),
    ("dose_hours", "Dose (hours)"),
    ("target_people", "Target"),
    ("already_trained", "Already trained"),
    ("gap", "To train"),
    ("training_hours", "Training hours"),
    ("cohorts", "Cohorts"),
    ("facilitator_hours", "Facilitator hours"),
    ("annual_upkeep_people", "Upkeep: people a year"),
    ("annual_upkeep_hours", "Upkeep: hours a year"),
)
# The by-group table's columns: the capacity table's that a group's totals have, people as "in post".
GROUP_COLUMNS = tuple((name, "People in post" if name == "headcount" else heading) for name, heading in CAPACITY
                      if name not in ("dose_hours", "annual_upkeep_people"))


@dataclass(frozen=True)
class Cell:
    text: str
    ref: str | None = None        # "board.gap", "totals.gap", "organisation.staff_in_post": the figure shown
    numeric: bool = False
    detail: str | None = None     # a second, smaller line (a policy key and its YAML line)


@dataclass(frozen=True)
class Table:
    id: str
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total: tuple[Cell, ...] | None = None     # a last row in bold
    group: str | None = None                  # the --by value the table is about
    note: str | None = None


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]          # None: hidden by --suppress-below
    markers: tuple[str | None, ...]           # what to print instead of a hidden bar


@dataclass(frozen=True)
class Panel:
    title: str
    series: tuple[Series, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    categories: tuple[str, ...]
    panels: tuple[Panel, ...]
    alt: str                                  # a sentence for screen readers and the Markdown image
    kind: ClassVar[str] = "bars"


@dataclass(frozen=True)
class Line:
    label: str
    points: tuple[tuple[int, float], ...]     # (year, coverage of the level's target, 0 to 1); year 0 is now
    index: int                                # the level's place in the plan: its colour and marker


@dataclass(frozen=True)
class YearsChart:
    """The plan over the years: each level's coverage by year, and the hours used each year."""

    id: str
    title: str
    years: int
    lines: tuple[Line, ...]                   # levels withheld by --suppress-below are left out
    hours: tuple[float, ...] | None           # learning hours used in years 1..N; None: withheld (--suppress-below)
    budget: float | None                      # learning hours a year; None: no limit
    alt: str
    kind: ClassVar[str] = "years"


@dataclass(frozen=True)
class YearBlock:
    year: int
    line: tuple[Cell, ...]                    # the year's totals, as text and figure spans
    rows: tuple[tuple[Cell, ...], ...]        # one per level


@dataclass(frozen=True)
class Years:
    """The plan over the years (--years N), from the engine's Trajectory."""

    count: int
    title: str
    intro: str
    chart: YearsChart
    targets: Table
    header: tuple[str, ...]                   # the year-by-year table's columns
    blocks: tuple[YearBlock, ...]
    caption: str
    note: str
    budget: tuple[str, ...]                   # what budget would reach every target, in the engine's words
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Paper:
    title: str
    organisation: str
    date: str
    as_of: str
    summary: tuple[tuple[Cell, ...], ...]     # paragraphs of text and figure spans
    notes: tuple[str, ...]
    chart: Chart
    capacity: Table
    doses: Table
    doses_intro: str
    characteristics: Table
    effects: Table
    other_effects: tuple[str, ...]
    assumptions: Table
    assumptions_intro: str
    data: tuple[tuple[str, str], ...]
    warnings: tuple[str, ...]
    by: str | None = None
    groups: Table | None = None
    group_chart: Chart | None = None
    group_tables: tuple[Table, ...] = ()
    suppression: str | None = None
    years: Years | None = None                # --years N: the plan over the years
    generator: str = f"qidose {__version__}"
    policy: str = ""


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def plural(count: int, word: str) -> str:
    return f"{fmt(count)} {word}{'' if count == 1 else 's'}"


def percent(rate: float) -> str:
    return f"{rate:.1%}".replace(".0%", "%")


def build(planset, today: dt.date | None = None, suppress_below: int | None = None) -> Paper:
    plan, config = planset.whole, planset.config
    marks = suppression(planset, suppress_below)
    name = plan.organisation["name"].value
    as_of = long_date(dt.date.fromisoformat(planset.source["as_of"]))
    groups = _group_table(planset, marks) if planset.by else None
    group_tables = tuple(_capacity(g, marks, f"group-{i}", f"{planset.by}: {g.group}", note=False)
                         for i, g in enumerate(planset.groups, 1))
    return Paper(
        title=TITLE,
        organisation=str(name) if name not in (None, "") else NO_NAME,
        date=long_date(today or dt.date.today()),
        as_of=as_of,
        summary=_summary(planset, as_of, marks, suppress_below),
        notes=tuple(plan_notes(plan, marks)),
        chart=_level_chart(plan, marks),
        capacity=_capacity(plan, marks, "capacity-table", "Training capacity needed, by level"),
        doses=_doses(config),
        doses_intro=_doses_intro(config),
        characteristics=_characteristics(planset),
        effects=_effects(plan, config, marks),
        other_effects=_other_effects(planset, marks),
        assumptions=_assumptions(planset),
        assumptions_intro=_assumptions_intro(planset),
        data=_data(planset),
        warnings=_warnings(planset),
        by=planset.by,
        groups=groups,
        group_chart=_group_chart(planset, marks) if planset.by else None,
        group_tables=group_tables,
        suppression=legend(suppress_below) if suppress_below else None,
        years=_years(planset, marks) if planset.trajectory is not None else None,
        policy=os.path.basename(config.path),
    )


# -- the summary -------------------------------------------------------------------------------

def _summary(planset, as_of: str, marks: dict, below: int | None) -> tuple[tuple[Cell, ...], ...]:
    """The summary, every sentence literally true: people in post are counted once (each is in one role
    level); coaches and experts, who are drawn from them, are said apart; figures withheld by
    --suppress-below are shown as their marker."""
    plan, organisation = planset.whole, planset.organisation
    t, o = plan.totals, plan.organisation
    capacity = [lp for lp in plan.levels if lp.kind == "capacity"]

    def fig(name, unit):
        """A total with its unit ('people', 'hours', ...), or its marker."""
        mark = marks.get((None, TOTAL, name))
        value = t[name].value
        if unit == "people":
            text = f"{mark} people" if mark else people(value)
        else:
            text = f"{mark or fmt(value)} {unit}"
        return Cell(text, f"totals.{name}", True)

    def level(lp, name):
        return Cell(marks.get((None, lp.level, name)) or fmt(lp.figures[name].value), f"{lp.level}.{name}", True)

    role_gap = fig("role_gap", "people")
    first = [Cell("To reach the target, "), role_gap,
             Cell(" in post need" if t["role_gap"].value != 1 or marks.get((None, TOTAL, "role_gap")) else " in post needs"),
             Cell(" QI training for their level")]
    more = [lp for lp in capacity if (None, lp.level, "gap") in marks or lp["gap"]]
    for i, lp in enumerate(more):
        first += [Cell(", and " if i == 0 else " and " if i == len(more) - 1 else ", "),
                  Cell(f"{lp.label.lower()} ("), level(lp, "gap"), Cell(" more)")]
    if more:
        first.append(Cell(" must be trained"))
    first += [Cell(": "), fig("training_hours", "hours"), Cell(" of training")]
    years, budget = t["years_to_close_gap"].value, organisation.learning_hours.value
    withheld = (None, TOTAL, "years_to_close_gap") in marks    # then whether the gap closes at all is not said
    if years is not None and planset.trajectory is None and not withheld:   # with one, the plan over the years says
        first += [Cell(" over "), fig("years_to_close_gap", "years"),
                  Cell(f" at the {fmt(budget)} learning hours a year the organisation can release")]
    first += [Cell(", then "), fig("annual_upkeep_hours", "hours"),
              Cell(f" a year to keep pace with {percent(organisation.turnover.value)} staff turnover.")]
    trained = fig("role_already_trained", "people")
    one = t["role_already_trained"].value == 1 and not marks.get((None, TOTAL, "role_already_trained"))
    second = [Cell("The face-to-face modules need "), fig("cohorts", "cohorts"), Cell(" and "),
              fig("facilitator_hours", "hours"), Cell(" of facilitators' time. "), trained,
              Cell(f" in post already {'has' if one else 'have'} the training their level needs")]
    for i, lp in enumerate(capacity):
        second += [Cell("; in post as " if i == 0 else "; as "), Cell(f"{lp.label.lower()}: "), level(lp, "headcount")]
    if capacity:
        second.append(Cell(" (flagged in the QI role column or trained for the dose)"))
    upkeep = t["annual_upkeep_people"].value
    places = marks.get((None, TOTAL, "annual_upkeep_people"))
    second += [Cell(". Replacing trained people who leave takes "),
               Cell(f"{places or fmt(upkeep)} training place{'' if upkeep == 1 and not places else 's'}",
                    "totals.annual_upkeep_people", True),
               Cell(" a year (the levels' upkeep, added up).")]
    third = [Cell("The plan covers "), Cell(people(o["staff_in_post"].value), "organisation.staff_in_post", True),
             Cell(" in post ("), Cell(fmt(o["fte"].value) + " FTE", "organisation.fte", True), Cell(") in "),
             Cell(plural(o["services"].value, "service"), "organisation.services", True),
             Cell(f", from the staff list as at {as_of}. Each level gets a different 'dose' of the science of "
                  "improvement, as NHS Improvement's dosing guide (after Lloyd 2017) advises; every number of the "
                  "policy is listed with its source in the appendix, and the working of every figure can be "
                  "shown step by step (qidose explain).")]
    paragraphs = [first] + ([_years_summary(planset, marks)] if planset.trajectory is not None else []) + [second, third]
    if any(c.text.startswith(WITHHELD) or c.text.startswith("<") for p in paragraphs for c in p if c.ref):
        paragraphs.append([Cell(f"Figures shown as <{below} or {WITHHELD} are not published, as they would give away a "
                                f"count of fewer than {below} people: see the note under the capacity table.")])
    return tuple(tuple(p) for p in paragraphs)


# -- tables ------------------------------------------------------------------------------------

def _capacity(plan, marks, table_id: str, caption: str, note: bool = True) -> Table:
    rows = []
    for lp in plan.levels:
        row = [Cell(lp.label)]
        for name, _ in CAPACITY:
            text = marks.get((plan.group, lp.level, name)) or fmt(lp.figures[name].value)
            row.append(Cell(text, f"{lp.level}.{name}", True))
        rows.append(tuple(row))
    total = [Cell("Total")]
    for name, _ in CAPACITY:
        if name == "dose_hours":
            total.append(Cell("", None, True))
        else:
            total.append(Cell(marks.get((plan.group, TOTAL, name)) or fmt(plan.totals[name].value), f"totals.{name}", True))
    text = ("People is the staff in post in each role level; for quality coaches and internal quality experts it is "
            "those already flagged or trained, and their target comes from ratios (per 1,000 staff, per service). "
            "Coaches and experts are drawn from the staff above, so one person can be counted at two levels. "
            "Upkeep is the trained people who leave each year and must be replaced.")
    return Table(table_id, caption, ("Level",) + tuple(h for _, h in CAPACITY), tuple(rows), tuple(total),
                 plan.group, text if note else None)


def _doses(config) -> Table:
    header, rows = matrix(config)
    cells = tuple(tuple(Cell(_dose_text(v), None, i in (1, 3, 4) or (i >= 5 and isinstance(v, (int, float))))
                        for i, v in enumerate(row)) for row in rows)
    return Table("doses-table", "The dose for each level: modules, hours and delivery",
                 tuple(_dose_heading(h) for h in header), cells,
                 note=DOSES_LEGEND + ". Face-to-face modules are taught in cohorts; e-learning needs no facilitator.")


def _doses_intro(config) -> str:
    """What a dose is, in the policy's own terms: which level's dose includes which (from `dose.includes`)."""
    levels, by_includes = config.levels, {}
    for lv in levels.values():
        if lv.includes:
            by_includes.setdefault(lv.includes, []).append(lv.label.lower())
    built = [f"the dose{'s' if len(whose) > 1 else ''} of {_and(whose)} include{'' if len(whose) > 1 else 's'} the dose "
             f"of {_and([levels[i].label.lower() for i in includes])}" for includes, whose in by_includes.items()]
    text = ("Not everyone needs the same depth of the science of improvement. Each level's dose is its own modules "
            "plus the dose of the levels it includes")
    return text + (f" ({'; '.join(built)})." if built else ".")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _dose_heading(h: str) -> str:
    return {"module": "Module", "hours": "Hours", "delivery": "Delivery", "cohort_size": "Cohort size",
            "facilitators": "Facilitators"}.get(h, h)


def _dose_text(v) -> str:
    if isinstance(v, float):
        return f"{v:,g}"
    return str(v)


def _group_table(planset, marks) -> Table:
    """One row per --by group, its figures named 'groups.2.totals.gap' (the second group's, as in
    `plan --format json`'s `groups`, counted from 1 like the detail tables 'group-2')."""
    rows = []
    for i, g in enumerate(planset.groups, 1):
        row = [Cell(str(g.group))]
        for name, _ in GROUP_COLUMNS:
            text = marks.get((g.group, TOTAL, name)) or fmt(g.totals[name].value)
            row.append(Cell(text, f"groups.{i}.totals.{name}", True))
        rows.append(tuple(row))
    whole = planset.whole
    total = (Cell("Whole organisation"),) + tuple(Cell(marks.get((None, TOTAL, n)) or fmt(whole.totals[n].value),
                                                       f"totals.{n}", True) for n, _ in GROUP_COLUMNS)
    note = (f"Each {planset.by} is planned by the same rules as the whole organisation. Quality coaches and "
            f"internal experts are sized for each {planset.by} separately, with each minimum applying per "
            f"{planset.by}, so the rows add up to more than the whole organisation's target; role-level people "
            f"add up exactly.")
    return Table("groups-table", f"Totals for each {planset.by}", (planset.by,) + tuple(h for _, h in GROUP_COLUMNS), tuple(rows),
                 total, None, note)


# -- characteristics ---------------------------------------------------------------------------

_CHARACTERISTICS = (("turnover", "Staff turnover"), ("learning_hours", "Learning hours a year"),
                    ("maturity", "Quality-journey maturity"), ("leadership_commitment", "Senior leaders' commitment"))


def _characteristics(planset) -> Table:
    o, org = planset.whole.organisation, planset.organisation
    rows = [
        (Cell("Size: staff in post"), Cell(fmt(o["staff_in_post"].value), "organisation.staff_in_post"),
         Cell("the staff list")),
        (Cell("FTE"), Cell(fmt(o["fte"].value), "organisation.fte"), Cell("the staff list")),
        (Cell("Mix of services"), Cell(fmt(o["services"].value), "organisation.services"),
         Cell(o["services"].formula)),
    ]
    for key, label in _CHARACTERISTICS:
        setting = getattr(org, key)
        value = setting.value
        text = ("not set" if value is None else percent(value) if key == "turnover"
                else fmt(value) if isinstance(value, (int, float)) else str(value))
        rows.append((Cell(label), Cell(text, f"organisation.{key}"), Cell(setting.origin)))
    return Table("organisation-table", "The organisation's characteristics", ("Characteristic", "Value", "Where it comes from"),
                 tuple(rows))


def _effect_index(config) -> dict:
    return {e.key: e for char in config.characteristics.values() for effects in (char.values or {}).values()
            for e in effects}


def _effects(plan, config, marks) -> Table:
    index = _effect_index(config)
    rows, seen = [], set()
    for lp in plan.levels:
        for name in ("coverage", "target_people"):
            figure = lp.figures.get(name)
            if figure is None:
                continue
            for key in figure.keys:
                if key not in index or (lp.level, key) in seen:
                    continue
                seen.add((lp.level, key))
                e = index[key]
                target = lp.figures["target_people"]
                hidden = (plan.group, lp.level, "target_people") in marks
                result = (f"target: {target.formula} (not shown: small numbers)" if hidden
                          else f"target: {target.working}")
                if "coverage" in lp.figures:
                    result = f"coverage: {lp.figures['coverage'].working}; {result}"
                rows.append((Cell(f"{e.characteristic.replace('_', ' ')} = {e.value}"), Cell(lp.label),
                             Cell(f"{e.lever} × {fmt(e.factor)}"), Cell(result), Cell(e.source)))
    return Table("effects", "What the characteristics changed",
                 ("Characteristic", "Level", "Multiplies", "Result", "Source"), tuple(rows),
                 note=None if rows else "No characteristic changed a target: the policy's effects for these values are empty.")


def _other_effects(planset, marks: dict) -> tuple[str, ...]:
    plan, org, config = planset.whole, planset.organisation, planset.config
    t, o = plan.totals, plan.organisation
    capacity = [lv for lv in config.levels.values() if lv.kind == "capacity" and lv.capacity]

    def total(name):
        return marks.get((None, TOTAL, name)) or fmt(t[name].value)

    out = [f"Size: the {people(o['staff_in_post'].value)} in post set every role level's target, and the "
           f"per-1,000-staff part of the targets of {_and([lv.label.lower() for lv in capacity])}."
           if capacity else f"Size: the {people(o['staff_in_post'].value)} in post set every role level's target."]
    per_service = [f"{lv.label.lower()} {fmt(lv.capacity.per_service)}" for lv in capacity if lv.capacity.per_service]
    if per_service:
        out.append(f"Mix of services: {plural(o['services'].value, 'service')} add to the capacity targets per service "
                   f"({', '.join(per_service)} per service).")
    out.append(f"Turnover: {percent(org.turnover.value)} a year sets the yearly upkeep, round up(target × turnover) "
               f"people per level: {total('annual_upkeep_people')} training places and "
               f"{total('annual_upkeep_hours')} hours a year in all.")
    years = t["years_to_close_gap"]
    if org.learning_hours.value is None:
        out.append("Learning hours: not set, so the paper does not say how long closing the gap takes; "
                   "give --learning-hours to see it.")
    elif (None, TOTAL, "years_to_close_gap") in marks:
        out.append(f"Learning hours: {fmt(org.learning_hours.value)} hours a year; the years they take to close the "
                   f"gap are withheld ({WITHHELD}), as they are worked out from totals that add up small numbers.")
    elif years.value is not None:
        out.append(f"Learning hours: {fmt(org.learning_hours.value)} hours a year close the gap in "
                   f"{fmt(years.value)} years ({years.working})"
                   + ("; that is on hours alone: the plan over the years adds the order of training, each "
                      "programme's pace and facilitators' time." if planset.trajectory is not None else "."))
    else:
        out.append(f"Learning hours: {fmt(org.learning_hours.value)} hours a year: {years.working}.")
    for key in ("maturity", "leadership_commitment"):
        char = config.characteristics.get(key)
        setting = getattr(org, key)
        if char is not None and char.values is not None and not char.values.get(setting.value):
            out.append(f"{key.replace('_', ' ').capitalize()}: '{setting.value}' changes no target "
                       f"(the policy gives it no effects).")
    return tuple(out)


# -- the plan over the years (--years N) -------------------------------------------------------

# What kept a level from training all it needed in a year (the Trajectory's limited_by), for a board.
HELD_BACK = {
    "not started": "its place in the sequence",
    "pace": "the pace of its programme",
    "budget": "the learning budget",
    "facilitators": "facilitators' time",
}
# The year-by-year table: (figure of a Trajectory entry, heading).
YEAR_COLUMNS = (
    ("upkeep_people", "Upkeep: leavers to replace"),
    ("trained_people", "Trained"),
    ("hours", "Hours"),
    ("coverage", "Coverage at year end"),
    ("backlog", "Backlog at year end"),
)


def _reached(outcome, years: int) -> str:
    """When a level reaches its target, from its outcome Figure."""
    if outcome.value is None:
        return outcome.working.split(":")[0]            # "never at these resources", "not within 50 years"
    if outcome.value > years:
        return f"year {fmt(outcome.value)}, after the {plural(years, 'year')} planned"
    return f"year {fmt(outcome.value)}"


def _held_back(traj, entry) -> str:
    """What held a level back in a year, for a board: the sequence and pace in the policy's numbers."""
    step = next(s for s in traj.sequence if s.level == entry.level)
    if entry.limited_by == "not started":
        return f"its place in the sequence (it starts in year {fmt(step.start_year.value)})"
    if entry.limited_by == "pace" and step.pace.value is not None:
        return f"the pace of its programme (at most new starters plus {percent(step.pace.value)} of its people a year)"
    return HELD_BACK.get(entry.limited_by, "")


def _years(planset, marks) -> Years:
    traj = planset.trajectory
    withheld = years_withheld(traj, marks)
    n = traj.years
    blocks = []
    for year in range(1, n + 1):
        rows = []
        for e in (e for e in traj.entries if e.year == year):
            cells = [Cell(e.label)]
            hide = withheld.entry(year, e.level)
            for name, _ in YEAR_COLUMNS:
                if hide:
                    cells.append(Cell(WITHHELD, None, True))
                else:
                    text = coverage_text(e[name]) if name == "coverage" else fmt(e[name])
                    cells.append(Cell(text, f"trajectory.{year}.{e.level}.{name}", True))
            cells.append(Cell(WITHHELD if hide else _short_reason(traj, e)))
            rows.append(tuple(cells))
        blocks.append(YearBlock(year, _year_line(traj, year, withheld), tuple(rows)))
    facilitation = traj.year_totals[0]["facilitator_hours_available"].value is not None if n else False
    intro = ("Each year the learning budget goes first to upkeep, replacing trained people who leave, then to new "
             "training, level by level in this order: " + "; ".join(_sequence(traj)) + "."
             + (" Face-to-face modules also need facilitators: the internal quality experts in post at the start of "
                "a year teach them, so training they facilitate grows as experts are trained." if facilitation else ""))
    note = ("Upkeep: trained people who leave during the year and are replaced. Trained: upkeep and new training "
            "together. Backlog: people still to train at the end of the year to reach the target. Held back by: what "
            "kept the level from training all it needed that year.")
    if withheld:
        note += (f" {WITHHELD}: withheld: a level whose row in the capacity table has small numbers, a level that "
                 f"shares the learning budget or the facilitators' hours with it (what one is given depends on what "
                 f"the other took), and the year's totals, which add them up.")
    title = f"The plan over the next {plural(n, 'year')}" if n > 1 else "The plan for the next year"
    if planset.by:
        title += " (whole organisation)"
    statements = trajectory_statements(traj, withheld)
    return Years(n, title, intro, _years_chart(planset, withheld), _targets(planset, withheld, marks),
                 ("Level",) + tuple(h for _, h in YEAR_COLUMNS) + ("Held back by",), tuple(blocks),
                 "Year by year: people trained, hours and coverage of each level's target", note,
                 tuple(s for s in statements if s in traj.statements[len(traj.outcomes):]),
                 tuple(trajectory_notes(traj, withheld, marks)))


def _short_reason(traj, entry) -> str:
    if entry.limited_by == "not started":
        step = next(s for s in traj.sequence if s.level == entry.level)
        return f"starts in year {fmt(step.start_year.value)}"
    return HELD_BACK.get(entry.limited_by, "") if entry.limited_by else ""


def _sequence(traj) -> list[str]:
    out = []
    for s in traj.sequence:
        text = f"{s.priority}. {s.label}, from year {fmt(s.start_year.value)}"
        if s.pace.value is not None:
            text += f", at most new starters plus {percent(s.pace.value)} of its people a year"
        if s.delivered_externally:
            text += ", trained outside the organisation"
        out.append(text)
    return out


def _year_line(traj, year: int, withheld: YearsWithheld) -> tuple[Cell, ...]:
    t = traj.year_totals[year - 1]

    def fig(name, text):
        return Cell(text, f"trajectory.{year}.total.{name}", True)

    if withheld.totals:
        out = [Cell(f"Year {year}: "), Cell(f"{WITHHELD} learning hours")]
    else:
        out = [Cell(f"Year {year}: "), fig("hours", f"{fmt(t['hours'].value)} learning hours")]
    if t["budget"].value is None:
        out.append(Cell(" used (no budget limit)"))
    else:
        out += [Cell(" used of a budget of "), fig("budget", fmt(t["budget"].value))]
    if withheld.totals:
        out.append(Cell("; the year's totals are withheld, as they add up levels with small numbers"))
        return tuple(out)
    available = t["facilitator_hours_available"].value
    if available is None:
        out.append(Cell("; facilitators' time not a limit"))
    else:
        experts = t["experts"].value
        out += [Cell("; "), fig("facilitator_hours_used", fmt(t["facilitator_hours_used"].value)), Cell(" of "),
                fig("facilitator_hours_available", fmt(available)), Cell(" facilitator hours ("),
                fig("experts", f"{fmt(experts)} internal expert{'' if experts == 1 else 's'}"), Cell(")")]
    if "cost" in t and traj.currency:
        out += [Cell("; backfill cost "), fig("cost", f"{fmt(t['cost'].value)} {traj.currency}"), Cell(" (estimate)")]
    return tuple(out)


def _targets(planset, withheld: YearsWithheld, marks) -> Table:
    traj, plan = planset.trajectory, planset.whole
    n = traj.years
    start = traj.chart_data()
    sequence = {s.level: s for s in traj.sequence}
    rows = []
    for lp in plan.levels:
        lid, outcome, last = lp.level, traj.outcomes[lp.level], traj.entry(n, lp.level)
        late = outcome.value is None or outcome.value > n
        hidden = any(g is None and row == lid for g, row, _ in marks)      # now: from the plan's row
        hide_last, hide_outcome = withheld.entry(n, lid), withheld.outcome(lid)
        rows.append((
            Cell(lp.label),
            Cell(marks.get((None, lid, "target_people")) or fmt(lp["target_people"]), f"{lid}.target_people", True),
            Cell(fmt(sequence[lid].start_year.value), f"trajectory.sequence.{lid}.start_year", True),
            Cell(WITHHELD, None, True) if hidden else Cell(coverage_text(start[lid][0][1]), f"trajectory.0.{lid}.coverage", True),
            Cell(WITHHELD, None, True) if hide_last else Cell(coverage_text(last["coverage"]), f"trajectory.{n}.{lid}.coverage", True),
            Cell(WITHHELD) if hide_outcome else Cell(_reached(outcome, n), f"trajectory.target_year.{lid}"),
            Cell(WITHHELD if hide_last else _held_back(traj, last) if late and last.limited_by else ""),
        ))
    years = traj.totals["years_to_target"]
    target = marks.get((None, TOTAL, "target_people"))
    total = (Cell("Every level"), Cell(target or fmt(plan.totals["target_people"].value), "totals.target_people", True),
             Cell("", None, True), Cell("", None, True), Cell("", None, True),
             Cell(WITHHELD) if withheld.totals else
             Cell(_reached(years, n) if years.value is not None else "not every level", "trajectory.totals.years_to_target"),
             Cell(""))
    return Table("trajectory-targets", "When each level reaches its target",
                 ("Level", "Target (people)", "Starts in year", "Coverage now", f"Coverage at the end of year {n}",
                  "Target reached", "Held back by"), tuple(rows), total,
                 note=f"A target is reached in the first year from which the level's backlog stays at 0; years after "
                      f"the {plural(n, 'year')} planned are worked out the same way, at the same resources. Held back by: what kept the "
                      f"level short of its target in year {n}.")


def _never(outcome) -> str:
    """An outcome that is never reached, in the engine's words: 'never at these resources, held back by ...'."""
    when, _, why = outcome.working.split(" (backlog")[0].partition(": ")
    return f"{when}, {why}" if why else when


def _years_summary(planset, marks) -> list[Cell]:
    """The summary's sentences on the plan over the years: when every level reaches its target."""
    traj, plan = planset.trajectory, planset.whole
    n = traj.years
    withheld = years_withheld(traj, marks)
    reached = traj.totals["years_to_target"]
    budget = planset.organisation.learning_hours.value
    at = f"at {fmt(budget)} learning hours a year" if budget is not None else "with no limit on learning hours"
    if withheld.totals:
        return [Cell(f"Planned year by year {at}, in the order set out below. Levels with small numbers, and what "
                     "depends on them, are withheld, and so are the year every level reaches its target and the "
                     "budget that would get them there.")]
    out = [Cell(f"Planned year by year {at}, in the order set out below, ")]

    def why(lp) -> str:
        last = traj.entry(n, lp.level)
        cover = f", at {coverage_text(last['coverage'])} of its target at the end of year {n}"
        return f"{lp.label}{cover}, held back by {_held_back(traj, last)}"

    if reached.value is not None:
        year = Cell(f"year {fmt(reached.value)}", "trajectory.totals.years_to_target", True)
        if reached.value <= n:
            out += [Cell("every level reaches its target by "), year, Cell(f" of the {plural(n, 'year')} planned.")]
        else:
            last = [lp for lp in plan.levels if traj.outcomes[lp.level].value == reached.value]
            out += [Cell("every level reaches its target by "), year,
                    Cell(f", after the {plural(n, 'year')} planned. Last: " + "; ".join(why(lp) for lp in last) + ".")]
    else:
        never = [lp for lp in plan.levels if traj.outcomes[lp.level].value is None]
        out.append(Cell("not every level reaches its target. " + "; ".join(
            f"{lp.label}: {_never(traj.outcomes[lp.level])}" for lp in never) + "."))
    close = plan.totals["years_to_close_gap"]
    alone = close.value is not None and (reached.value is None or reached.value > close.value)
    if alone:
        out += [Cell(" The learning hours alone would cover the gap in "),
                Cell(f"{fmt(close.value)} years", "totals.years_to_close_gap", True)]
    needed = traj.totals.get("budget_for_target")
    if (reached.value is None or reached.value > n) and needed is not None:
        joint = "; " if alone else " "
        within = f"within {plural(n, 'year')}" if n > 1 else "within the year"
        if needed.value is not None:
            out += [Cell(joint + ("a" if alone else "A") + " learning budget of "),
                    Cell(f"{fmt(needed.value)} hours a year", "trajectory.totals.budget_for_target", True),
                    Cell(f" would get every level there {within}.")]
        else:
            out.append(Cell(joint + ("e" if alone else "E") + f"ven an unlimited learning budget would not get every "
                            f"level there {within}: the order of training, each programme's pace and facilitators' "
                            f"time limit it."))
    elif alone:
        out.append(Cell("."))
    return out


def _years_chart(planset, withheld: YearsWithheld) -> YearsChart:
    traj, plan = planset.trajectory, planset.whole
    n, data = traj.years, traj.chart_data()
    lines = tuple(Line(lp.label, tuple((y, c) for y, c in data[lp.level] if c is not None), i)
                  for i, lp in enumerate(plan.levels)
                  if lp.level not in withheld.levels and any(c is not None for _, c in data[lp.level]))
    budget = traj.year_totals[0]["budget"].value if n else None
    hours = None if withheld.totals else tuple(t["hours"].value for t in traj.year_totals)
    reached = traj.totals["years_to_target"].value
    alt = (f"Line chart of each level's coverage of its target from now to the end of year {n}, and bar chart of the "
           f"learning hours used each year" + (f" against the budget of {fmt(budget)} hours a year" if budget is not None else "")
           + (f": {', '.join(fmt(h) for h in hours)} hours in years 1 to {n}. " if hours is not None
              else ": the hours are withheld, as they add up levels with small numbers. ")
           + ("" if withheld.totals else "Not every level reaches its target." if reached is None else
              f"Every level reaches its target by year {fmt(reached)}" + (f", after the {plural(n, 'year')} shown." if reached > n else "."))
           + (" Levels with small numbers, and levels sharing resources with them, are not drawn." if withheld else ""))
    return YearsChart("chart-years", f"Coverage of each level's target and learning hours used, over {plural(n, 'year')}",
                      n, lines, hours, budget, alt)


# -- appendices --------------------------------------------------------------------------------

def used_keys(planset) -> list[str]:
    """The policy's numbers this paper used, in the order of the YAML file."""
    config = planset.config
    used = set()
    for plan in (planset.whole,) + tuple(planset.groups):
        for figures in [plan.organisation, plan.totals] + [lp.figures for lp in plan.levels]:
            for figure in figures.values():
                used.update(figure.keys)
    for mid, module in config.modules.items():     # the dosing table shows every module
        used.update(k for k in (f"modules.{mid}.hours", f"modules.{mid}.cohort_size",
                                f"modules.{mid}.facilitators_per_cohort"))
    used.add("hours_per_day")                      # the dosing table's days
    traj = planset.trajectory
    if traj is not None:                           # the plan over the years: its sequence, pace, facilitators, costs
        figures = [f for e in traj.entries for f in e.figures.values()]
        figures += [f for t in traj.year_totals for f in t.values()] + list(traj.totals.values())
        figures += list(traj.outcomes.values()) + [f for s in traj.sequence for f in (s.start_year, s.pace)]
        for figure in figures:
            used.update(figure.keys)
    numbered = numbered_keys(config)
    rules = [k for k in sorted(used) if k.startswith("trajectory.") and k not in numbered and k in config.sources]
    order = {k: i for i, k in enumerate(numbered + rules)}
    return sorted((k for k in order if k in used), key=lambda k: (config.lines.get(k, 0), order[k]))


def _assumptions(planset) -> Table:
    config = planset.config
    rows = []
    for key in used_keys(planset):
        what, value = _describe_key(config, key)
        source = config.sources.get(key, "")
        rows.append((Cell(what, detail=f"{key}, line {config.lines.get(key, '?')}"), Cell(value),
                     Cell(source or "no source given in the policy")))
    return Table("assumptions-table", "The policy's numbers used in this paper", ("What", "Value", "Source"),
                 tuple(rows))


def _assumptions_intro(planset) -> str:
    config = planset.config
    keys = used_keys(planset)
    assumed = sum(1 for k in keys if config.sources.get(k, "").lower().startswith("assumption"))
    return (f"Every number in the plan comes from the dosing policy ({os.path.basename(config.path)}) or from the "
            f"staff list. This paper used {len(keys)} of the policy's numbers; {len(keys) - assumed} cite published "
            f"evidence, and {assumed} are assumptions where nothing published gives a number, each saying why. "
            f"The dosing approach is not a statistical formula: these are a stated policy to argue with.")


def _describe_key(config, key: str) -> tuple[str, str]:
    parts = key.split(".")
    if key == "hours_per_day":
        return "Hours in a training day", fmt(config.hours_per_day)
    if parts[0] == "modules":
        module = config.modules[parts[1]]
        attr = parts[2]
        label = {"hours": "hours", "cohort_size": "cohort size", "facilitators_per_cohort": "facilitators per cohort"}[attr]
        return f"{module.label}: {label}", fmt(getattr(module, attr))
    if parts[0] == "levels":
        level = config.levels[parts[1]]
        if parts[2] == "coverage":
            return f"{level.label}: coverage", percent(level.coverage)
        attr = parts[3]
        label = {"per_1000_staff": "per 1,000 staff", "per_service": "per service", "minimum": "minimum"}[attr]
        return f"{level.label}: {label}", fmt(getattr(level.capacity, attr))
    if parts[0] == "trajectory":
        return _describe_trajectory_key(config, parts)
    if parts[0] == "costs":
        level = config.levels[parts[2]]
        return (f"{level.label}: backfill cost of an hour of training ({config.costs.currency}, an estimate)",
                fmt(config.costs.hourly_cost[parts[2]]))
    if parts[0] == "characteristics":
        char = config.characteristics[parts[1]]
        name = parts[1].replace("_", " ")
        if parts[2] == "default":
            value = char.default
            shown = "none" if value is None else percent(value) if parts[1] == "turnover" else str(value)
            return f"Default {name}", shown
        effect = _effect_index(config)[key]
        return (f"{name.capitalize()} '{effect.value}': {config.levels[effect.level].label.lower()}",
                f"{effect.lever} × {fmt(effect.factor)}")
    return key, ""


def _describe_trajectory_key(config, parts: list[str]) -> tuple[str, str]:
    rules = config.trajectory

    def labels(ids) -> str:
        return ", ".join(config.levels[i].label for i in ids)

    def step(name: str, value) -> tuple[str, str]:
        if name == "start_year":
            return "first year of training", fmt(value)
        return "share of its people trained a year, on top of new starters", percent(value)

    if parts[1] == "priority":
        return "Order the levels are trained in, each year", labels(rules.priority)
    if parts[1] == "delivered_externally":
        return "Trained outside the organisation (no internal facilitators)", labels(rules.delivered_externally)
    if parts[1] == "facilitator_hours_per_expert":
        return "Facilitator hours an internal expert gives a year", fmt(rules.facilitator_hours_per_expert)
    if parts[1] == "levels":
        s = rules.steps[parts[2]]
        what, value = step(parts[3], s.start_year if parts[3] == "start_year" else s.pace)
        return f"{config.levels[parts[2]].label}: {what}", value
    if parts[1] == "maturity" and parts[3] == "priority":
        return f"Maturity '{parts[2]}': order the levels are trained in", labels(rules.maturity_priority[parts[2]])
    if parts[1] == "maturity":
        what, value = step(parts[4], rules.maturity[parts[2]][parts[3]][parts[4]][0])
        return f"Maturity '{parts[2]}': {config.levels[parts[3]].label.lower()}: {what}", value
    return ".".join(parts), ""


def _warnings(planset) -> tuple[str, ...]:
    """Warnings about the inputs, each naming its file by name only (no folders of the analyst's machine)."""
    lines = planset.warning_lines() if hasattr(planset, "warning_lines") else planset.diagnostics.lines()
    out = []
    for line in lines:
        head, sep, rest = line.partition(": ")
        out.append(os.path.basename(head) + sep + rest if sep else line)
    return tuple(out)


def _data(planset) -> tuple[tuple[str, str], ...]:
    s = planset.source
    names = {"fte": "FTE", "qi_role": "QI role", "qi_training": "QI training"}
    columns = ", ".join(f"{names.get(field, field.replace('_', ' '))}: {header}" for field, header in s["columns"].items())
    return (
        ("Staff list", os.path.basename(str(s["file"]))),
        ("As at", long_date(dt.date.fromisoformat(s["as_of"]))),
        ("Rows read", fmt(s["rows_read"])),
        ("Rows of staff in post", fmt(s["rows_in_post"])),
        ("People in post", fmt(s["people_in_post"])),
        ("Columns used", columns + ". No other column is read: names never are."),
        ("Dosing policy", os.path.basename(str(s["config"]))),
    ) + _records(s.get("training_records"))


def _records(records: dict | None) -> tuple[tuple[str, str], ...]:
    if not records:
        return ()
    return (("Training records", f"{os.path.basename(str(records.get('file', '')))}: "
                                 f"{fmt(records.get('rows_read'))} rows, "
                                 f"{fmt(records.get('people_with_known_courses'))} people with QI courses qidose knows"),)


# -- charts ------------------------------------------------------------------------------------

def _series(label, plan, name, marks) -> Series:
    values, markers = [], []
    for lp in plan.levels:
        mark = marks.get((plan.group, lp.level, name))
        values.append(None if mark else lp.figures[name].value)
        markers.append(mark)
    return Series(label, tuple(values), tuple(markers))


def _level_chart(plan, marks) -> Chart:
    def t(name):
        return marks.get((plan.group, TOTAL, name)) or fmt(plan.totals[name].value)

    return Chart(
        "chart-levels", "People and hours of training, by level",
        tuple(lp.label for lp in plan.levels),
        (Panel("People", (_series("To train now", plan, "gap", marks),
                          _series("Each year after (upkeep)", plan, "annual_upkeep_people", marks))),
         Panel("Hours", (_series("To train now", plan, "training_hours", marks),
                         _series("Each year after (upkeep)", plan, "annual_upkeep_hours", marks)))),
        f"Bar chart of the people and hours of QI training each level needs: {t('gap')} training places (the "
        f"levels' people to train, added up) and {t('training_hours')} hours now, then {t('annual_upkeep_people')} "
        f"places and {t('annual_upkeep_hours')} hours a year.",
    )


def _group_chart(planset, marks) -> Chart:
    groups = planset.groups

    def series(label, name):
        marked = [marks.get((g.group, TOTAL, name)) for g in groups]
        return Series(label, tuple(None if m else g.totals[name].value for g, m in zip(groups, marked)), tuple(marked))

    return Chart(
        "chart-groups", f"Hours of training, by {planset.by}",
        tuple(str(g.group) for g in groups),
        (Panel("Hours", (series("To train now", "training_hours"), series("Each year after (upkeep)", "annual_upkeep_hours"))),),
        f"Bar chart of the hours of QI training each {planset.by} needs now and each year after.",
    )
