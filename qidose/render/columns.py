"""The figures shown in tables, their headings and how to print them: shared by the text renderers."""

from __future__ import annotations

import re

from qidose.plan import num, share

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def md(text) -> str:
    """Plain text for a Markdown line or table cell: Markdown and HTML characters escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")

COLUMNS = (  # (figure, heading)
    ("headcount", "People"),
    ("dose_hours", "Dose hours"),
    ("target_people", "Target"),
    ("already_trained", "Trained"),
    ("gap", "Gap"),
    ("training_hours", "Training hours"),
    ("cohorts", "Cohorts"),
    ("facilitator_hours", "Facilitator hours"),
    ("annual_upkeep_people", "Upkeep people/yr"),
    ("annual_upkeep_hours", "Upkeep hours/yr"),
)


def fmt(value) -> str:
    """A figure as every text format prints it: the engine's value exactly, with thousands separators
    (5.24 is 5.24 and 0.02 is 0.02, as in JSON and the paper), never rounded to another number."""
    if value is None:
        return "–"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return num(value)
    return str(value)


def coverage_text(value: float | None) -> str:
    """A share of a target, as a whole percentage that never rounds up to 100% or down to 0%
    (0.9952 is 99.5%): the plan's tables and the paper print coverage with this."""
    return share(value, 0)


def organisation_lines(plan, marks: dict | None = None) -> list[tuple[str, str]]:
    """(label, 'value (origin)') for the organisation's characteristics; `marks` from render.suppress."""
    labels = {"fte": "FTE", "staff_in_post": "Staff in post"}
    marks = marks or {}
    return [(labels.get(name, name.replace("_", " ").capitalize()), marks.get((plan.group, "organisation", name)) or fig.working)
            for name, fig in plan.organisation.items() if not (name == "name" and fig.value is None)]


def total_row(plan) -> list[str]:
    return [fmt(plan.totals[name].value) if name in plan.totals and name != "dose_hours" else ""
            for name, _ in COLUMNS]


def title(plan, by) -> str:
    return f"{by}: {group_name(plan.group)}" if plan.group is not None else "Whole organisation"


def group_name(group: str) -> str:
    """A --by group as a heading or label says it: the rows whose cell is empty are '(blank)'."""
    return group or "(blank)"
