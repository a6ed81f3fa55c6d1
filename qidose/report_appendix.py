"""The board paper's appendices: the policy's numbers it used, the data it was made from, the warnings.

Each number of the policy is listed with what it is, its value, its key and YAML line, and its cited
source (or the assumption that stands in for one). Files are named by their name only, never by the
folders of the analyst's machine. `report.build` calls ``assumptions``, ``assumptions_intro``,
``data`` and ``warnings``.
Pure: no Click, no files, no matplotlib.
"""

from __future__ import annotations

import datetime as dt
import os

from qidose.config import numbered_keys
from qidose.render.columns import fmt
from qidose.report_types import Cell, Table, long_date, percent


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


def assumptions(planset) -> Table:
    config = planset.config
    rows = []
    for key in used_keys(planset):
        what, value = _describe_key(config, key)
        source = config.sources.get(key, "")
        rows.append((Cell(what, detail=f"{key}, line {config.lines.get(key, '?')}"), Cell(value),
                     Cell(source or "no source given in the policy")))
    return Table("assumptions-table", "The policy's numbers used in this paper", ("What", "Value", "Source"),
                 tuple(rows))


def assumptions_intro(planset) -> str:
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
        effect = effect_index(config)[key]
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


def effect_index(config) -> dict:
    """The effects of the policy's characteristics, by config key (as ``Effect.key`` names them)."""
    return {e.key: e for char in config.characteristics.values() for effects in (char.values or {}).values()
            for e in effects}



def warnings(planset) -> tuple[str, ...]:
    """Warnings about the inputs, each naming its file by name only (no folders of the analyst's machine)."""
    lines = planset.warning_lines() if hasattr(planset, "warning_lines") else planset.diagnostics.lines()
    out = []
    for line in lines:
        head, sep, rest = line.partition(": ")
        out.append(os.path.basename(head) + sep + rest if sep else line)
    return tuple(out)


def data(planset) -> tuple[tuple[str, str], ...]:
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
