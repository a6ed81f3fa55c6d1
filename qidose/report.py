"""The board paper's content, assembled from a PlanSet: words, tables and chart data, no markup.

`render/html.py` and `render/paper_md.py` turn a ``Paper`` into a file. Every number here is a
figure the engine computed (or a value read from the policy), formatted for a reader; none is
worked out again. Under --suppress-below, level-row cells follow `render/suppress.py`.
This module builds the summary, the tables, the characteristics and the charts; the plan over the
years (--years N) is built in `report_years.py`, the appendices in `report_appendix.py`, and the
types they all fill in (``Paper``, ``Table``, ``Cell``, ...) are in `report_types.py`.
Pure: no Click, no files, no matplotlib (charts.py draws ``Chart``s and ``YearsChart``s).
"""

from __future__ import annotations

import datetime as dt
import os

from qidose import report_appendix, report_years
from qidose.plan import people
from qidose.render.columns import fmt, group_name
from qidose.render.doses import LEGEND as DOSES_LEGEND
from qidose.render.doses import matrix
from qidose.render.suppress import TOTAL, WITHHELD, legend, plan_notes, suppression
from qidose.report_types import Cell, Chart, Panel, Paper, Series, Table, long_date, percent, plural

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


def build(planset, today: dt.date | None = None, suppress_below: int | None = None) -> Paper:
    plan, config = planset.whole, planset.config
    marks = suppression(planset, suppress_below)
    name = plan.organisation["name"].value
    as_of = long_date(dt.date.fromisoformat(planset.source["as_of"]))
    groups = _group_table(planset, marks) if planset.by else None
    group_tables = tuple(_capacity(g, marks, f"group-{i}", f"{planset.by}: {group_name(g.group)}", note=False)
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
        assumptions=report_appendix.assumptions(planset),
        assumptions_intro=report_appendix.assumptions_intro(planset),
        data=report_appendix.data(planset),
        warnings=report_appendix.warnings(planset),
        by=planset.by,
        groups=groups,
        group_chart=_group_chart(planset, marks) if planset.by else None,
        group_tables=group_tables,
        suppression=legend(suppress_below) if suppress_below else None,
        years=report_years.build(planset, marks) if planset.trajectory is not None else None,
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
    paragraphs = [first] + ([report_years.summary(planset, marks)] if planset.trajectory is not None else []) + [second, third]
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
        row = [Cell(group_name(g.group))]
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


def _effects(plan, config, marks) -> Table:
    index = report_appendix.effect_index(config)
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
        tuple(group_name(g.group) for g in groups),
        (Panel("Hours", (series("To train now", "training_hours"), series("Each year after (upkeep)", "annual_upkeep_hours"))),),
        f"Bar chart of the hours of QI training each {planset.by} needs now and each year after.",
    )
