"""The board paper's content, assembled from a PlanSet: words, tables and chart data, no markup.

`render/html.py` and `render/paper_md.py` turn a ``Paper`` into a file. Every number here is a
figure the engine computed (or a value read from the policy), formatted for a reader; none is
worked out again. Under --suppress-below, level-row cells follow `render/suppress.py`.
Pure: no Click, no files, no matplotlib (charts.py draws ``Chart``s).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from qidose import __version__
from qidose.config import numbered_keys
from qidose.plan import num
from qidose.render.doses import LEGEND as DOSES_LEGEND
from qidose.render.doses import matrix
from qidose.render.suppress import TOTAL, legend, suppression

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
# The by-group table's columns, from each group's totals (and its staff in post).
GROUP_COLUMNS = (
    ("headcount", "People in post"),
    ("target_people", "Target"),
    ("already_trained", "Already trained"),
    ("gap", "To train"),
    ("training_hours", "Training hours"),
    ("cohorts", "Cohorts"),
    ("facilitator_hours", "Facilitator hours"),
    ("annual_upkeep_hours", "Upkeep: hours a year"),
)


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
    generator: str = f"qidose {__version__}"
    policy: str = ""


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def percent(rate: float) -> str:
    return f"{rate:.1%}".replace(".0%", "%")


def fmt(value) -> str:
    """A figure as the paper prints it: exactly the engine's value, with thousands separators."""
    if value is None:
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return num(value)
    return str(value)


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
        summary=_summary(planset, as_of),
        notes=tuple(plan.notes),
        chart=_level_chart(plan, marks),
        capacity=_capacity(plan, marks, "capacity", "Training capacity needed, by level"),
        doses=_doses(config),
        characteristics=_characteristics(planset),
        effects=_effects(plan, config, marks),
        other_effects=_other_effects(planset),
        assumptions=_assumptions(planset),
        assumptions_intro=_assumptions_intro(planset),
        data=_data(planset),
        warnings=_warnings(planset),
        by=planset.by,
        groups=groups,
        group_chart=_group_chart(planset, marks) if planset.by else None,
        group_tables=group_tables,
        suppression=legend(suppress_below) if suppress_below else None,
        policy=os.path.basename(config.path),
    )


# -- the summary -------------------------------------------------------------------------------

def _summary(planset, as_of: str) -> tuple[tuple[Cell, ...], ...]:
    plan, organisation = planset.whole, planset.organisation
    t = plan.totals

    def fig(name, unit=""):
        return Cell(fmt(t[name].value) + unit, f"totals.{name}", True)

    first = [Cell("To reach the target, "), fig("gap", " people"), Cell(" need QI training: "),
             fig("training_hours", " hours"), Cell(" of training")]
    years, budget = t["years_to_close_gap"].value, organisation.learning_hours.value
    if years is not None:
        first += [Cell(" over "), Cell(fmt(years) + " years", "totals.years_to_close_gap", True),
                  Cell(f" at the {fmt(budget)} learning hours a year the organisation can release")]
    turnover = organisation.turnover.value
    first += [Cell(", then "), fig("annual_upkeep_hours", " hours"),
              Cell(f" a year to keep pace with {percent(turnover)} staff turnover.")]
    second = [Cell("The face-to-face modules need "), fig("cohorts", " cohorts"), Cell(" and "),
              fig("facilitator_hours", " hours"), Cell(" of facilitators' time. "),
              fig("already_trained", " people"), Cell(" already have the training their level needs, and "),
              fig("annual_upkeep_people", " people"), Cell(" a year will need it as staff leave and join.")]
    o = plan.organisation
    third = [Cell("The plan covers "), Cell(fmt(o["staff_in_post"].value) + " people", "organisation.staff_in_post", True),
             Cell(" in post ("), Cell(fmt(o["fte"].value) + " FTE", "organisation.fte", True), Cell(") in "),
             Cell(fmt(o["services"].value) + " services", "organisation.services", True),
             Cell(f", from the staff list as at {as_of}. Each level gets a different 'dose' of the science of "
                  "improvement, as NHS Improvement's dosing guide (after Lloyd 2017) advises; every number of the "
                  "policy is listed with its source in the appendix, and the working of every figure can be "
                  "shown step by step (qidose explain).")]
    return tuple(tuple(p) for p in (first, second, third))


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
    return Table("doses", "The dose for each level: modules, hours and delivery", tuple(_dose_heading(h) for h in header),
                 cells, note=DOSES_LEGEND + ". Face-to-face modules are taught in cohorts; e-learning needs no facilitator.")


def _dose_heading(h: str) -> str:
    return {"module": "Module", "hours": "Hours", "delivery": "Delivery", "cohort_size": "Cohort size",
            "facilitators": "Facilitators"}.get(h, h)


def _dose_text(v) -> str:
    if isinstance(v, float):
        return f"{v:,g}"
    return str(v)


def _group_table(planset, marks) -> Table:
    rows = []
    for g in planset.groups:
        row = [Cell(str(g.group))]
        for name, _ in GROUP_COLUMNS:
            text = marks.get((g.group, TOTAL, name)) or fmt(g.totals[name].value)
            row.append(Cell(text, f"totals.{name}", True))
        rows.append(tuple(row))
    whole = planset.whole
    total = (Cell("Whole organisation"),) + tuple(Cell(fmt(whole.totals[n].value), f"totals.{n}", True)
                                                  for n, _ in GROUP_COLUMNS)
    note = (f"Each {planset.by} is planned by the same rules as the whole organisation. Quality coaches and "
            f"internal experts are sized for each {planset.by} separately, with each minimum applying per "
            f"{planset.by}, so the rows add up to more than the whole organisation's target; role-level people "
            f"add up exactly.")
    return Table("groups", f"Totals for each {planset.by}", (planset.by,) + tuple(h for _, h in GROUP_COLUMNS), tuple(rows),
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


def _other_effects(planset) -> tuple[str, ...]:
    plan, org, config = planset.whole, planset.organisation, planset.config
    t, o = plan.totals, plan.organisation
    out = [f"Size: the {fmt(o['staff_in_post'].value)} people in post set every role level's target, and the "
           f"per-1,000-staff part of the quality coaches' and internal experts' targets."]
    per_service = [f"{config.levels[lid].label.lower()} {fmt(config.levels[lid].capacity.per_service)}"
                   for lid in ("quality_coaches", "internal_experts")
                   if lid in config.levels and config.levels[lid].capacity and config.levels[lid].capacity.per_service]
    if per_service:
        out.append(f"Mix of services: {fmt(o['services'].value)} services add to the capacity targets per service "
                   f"({', '.join(per_service)} per service).")
    out.append(f"Turnover: {percent(org.turnover.value)} a year sets the yearly upkeep, round up(target × turnover) "
               f"people per level: {fmt(t['annual_upkeep_people'].value)} people and "
               f"{fmt(t['annual_upkeep_hours'].value)} hours a year in all.")
    years = t["years_to_close_gap"]
    if org.learning_hours.value is None:
        out.append("Learning hours: not set, so the paper does not say how long closing the gap takes; "
                   "give --learning-hours to see it.")
    elif years.value is not None:
        out.append(f"Learning hours: {fmt(org.learning_hours.value)} hours a year close the gap in "
                   f"{fmt(years.value)} years ({years.working}).")
    else:
        out.append(f"Learning hours: {fmt(org.learning_hours.value)} hours a year: {years.working}.")
    for key in ("maturity", "leadership_commitment"):
        char = config.characteristics.get(key)
        setting = getattr(org, key)
        if char is not None and char.values is not None and not char.values.get(setting.value):
            out.append(f"{key.replace('_', ' ').capitalize()}: '{setting.value}' changes no target "
                       f"(the policy gives it no effects).")
    return tuple(out)


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
    numbered = numbered_keys(config)
    return sorted((k for k in numbered if k in used), key=lambda k: (config.lines.get(k, 0), numbered.index(k)))


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
    t = plan.totals
    return Chart(
        "chart-levels", "People and hours of training, by level",
        tuple(lp.label for lp in plan.levels),
        (Panel("People", (_series("To train now", plan, "gap", marks),
                          _series("Each year after (upkeep)", plan, "annual_upkeep_people", marks))),
         Panel("Hours", (_series("To train now", plan, "training_hours", marks),
                         _series("Each year after (upkeep)", plan, "annual_upkeep_hours", marks)))),
        f"Bar chart of the people and hours of QI training each level needs: {fmt(t['gap'].value)} people and "
        f"{fmt(t['training_hours'].value)} hours now, then {fmt(t['annual_upkeep_people'].value)} people and "
        f"{fmt(t['annual_upkeep_hours'].value)} hours a year.",
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
