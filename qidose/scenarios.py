"""Scenarios: the same staff list through the same engine under other assumptions, side by side.

A scenario is a YAML file of organisation-profile keys (turnover, learning_hours, maturity,
leadership_commitment, services, hourly_cost, facilitator_hours_per_expert, name) with an
optional `scenario:` label, or a `--set key=value[,key=value]` variant. It overrides the base,
which is what `plan` would use (config default < start-date estimate < --org profile < options).
The staff list is read once; each scenario goes through ``pipeline.build`` and the trajectory.

Pure apart from reading scenario files: no Click, no Rich.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qidose import config as config_mod
from qidose import organisation as org_mod
from qidose import pipeline, yamlfile
from qidose.config_check import Checker
from qidose.errors import UsageError
from qidose.plan import Figure
from qidose.trajectory import COST_LABEL

KEYS = org_mod.PROFILE_KEYS + org_mod.RESOURCE_KEYS
_NUMBERS = ("learning_hours", "services") + org_mod.RESOURCE_KEYS
_WORDS = ("name", "maturity", "leadership_commitment")
BASE = "base"


@dataclass(frozen=True)
class Scenario:
    name: str
    values: dict[str, Any]
    origins: dict[str, str]        # key -> "a.yaml line 3" or "--set turnover=0.08"


@dataclass(frozen=True)
class Column:
    scenario: Scenario
    planset: Any                   # pipeline.PlanSet
    headline: dict[str, Figure]
    difference: dict[str, float | None]   # vs the first column: value − first value (None: not a number)
    changed: dict[str, bool]


@dataclass(frozen=True)
class Comparison:
    rows: tuple[tuple[str, str], ...]   # (headline figure, label)
    columns: tuple[Column, ...]
    years: int | None
    currency: str | None


# -- reading scenarios ---------------------------------------------------------------------------

def load(path: str) -> Scenario:
    """A scenario YAML file: profile keys and an optional `scenario:` label; problems with their line."""
    data, lines = yamlfile.load(Path(path))
    checker = Checker(path, lines)
    data = checker.mapping(data if data is not None else {}, (), optional=KEYS + ("scenario",))
    values = {}
    for key, value in data.items():
        if key not in KEYS:   # `scenario:`, or an unknown key: the mapping's did-you-mean is all there is to say
            continue
        if key == "turnover" or key in _NUMBERS:   # checked as a profile's values are
            try:
                values[key] = org_mod.check_setting(key, value, f"{path} line {lines.get((key,), '?')}")
            except UsageError as e:
                checker.problems.append((lines.get((key,), 0), str(e)))
        else:
            values[key] = checker.word(value, (key,))
    label = checker.word(data.get("scenario", Path(path).stem), ("scenario",))
    checker.raise_problems("running the command again checks them")
    return Scenario(label, values, {k: f"{path} line {lines.get((k,), '?')}" for k in values})


def parse_set(text: str) -> Scenario:
    """`--set turnover=0.08` or `--set turnover=12%,learning_hours=20000`: one scenario."""
    values, origins = {}, {}
    for part in (p.strip() for p in text.split(",")):
        key, sep, raw = part.partition("=")
        key, raw = key.strip().replace("-", "_"), raw.strip()
        if not sep or not key or not raw:
            raise UsageError(f"--set {text!r}: write key=value, e.g. --set turnover=0.12")
        if key not in KEYS:
            hint = difflib.get_close_matches(key, KEYS, n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else f"; keys: {', '.join(KEYS)}"
            raise UsageError(f"--set {text!r}: unknown key '{key}'{did}")
        where = f"--set {key}={raw}"
        if key == "turnover":
            values[key] = org_mod.parse_turnover(raw, where)
        elif key in _NUMBERS:
            values[key] = org_mod.setting_from_text(key, raw, where)   # as in a profile (services: a whole number)
        else:
            values[key] = raw
        origins[key] = where
    return Scenario(text, values, origins)


# -- comparing -----------------------------------------------------------------------------------

def compare(request: pipeline.Request, scenarios: list[Scenario]) -> Comparison:
    """The base and each scenario through the same engine; headline figures and differences."""
    if request.by is not None:
        raise UsageError("--by: compare shows the whole organisation; use `qidose plan --by` for groups")
    config = config_mod.load(request.config)
    staff_read = pipeline.read_staff(request, config)
    base_values, base_origins = org_mod.load_profile(request.org)
    base_request = dataclasses.replace(request, years=request.years if request.years is not None else 0)
    columns, first = [], None
    for scenario in [Scenario(BASE, {}, {})] + list(scenarios):
        profile = ({**base_values, **scenario.values}, {**base_origins, **scenario.origins})
        options = {k: v for k, v in request.characteristics.items() if k not in scenario.values}
        planset = pipeline.build(dataclasses.replace(base_request, characteristics=options), config, staff_read,
                                 profile)
        figures = headline(planset, request.years)
        if first is None:
            first = figures
        difference = {name: _difference(fig.value, first[name].value) for name, fig in figures.items()}
        changed = {name: fig.value != first[name].value for name, fig in figures.items()}
        columns.append(Column(scenario, planset, figures, difference, changed))
    return Comparison(_rows(columns[0].headline, request.years), tuple(columns), request.years,
                      config.costs.currency if config.costs else None)


def headline(planset, years: int | None) -> dict[str, Figure]:
    """The figures a board compares: inputs that differ, people, hours, years to target, upkeep, cost."""
    plan, traj = planset.whole, planset.trajectory
    out = {name: plan.organisation[name] for name in ("turnover", "learning_hours", "maturity")}
    out["people_to_train"] = plan.totals["gap"]
    out["training_hours"] = plan.totals["training_hours"]
    out["years_to_target"] = traj.totals["years_to_target"]
    out["annual_upkeep_people"] = plan.totals["annual_upkeep_people"]
    out["annual_upkeep_hours"] = plan.totals["annual_upkeep_hours"]
    for name in ("gap_cost", "annual_upkeep_cost"):
        if name in traj.totals:
            out[name] = traj.totals[name]
    if years:
        out["budget_for_target"] = traj.totals["budget_for_target"]
        if "cost" in traj.totals:
            out["cost_over_years"] = traj.totals["cost"]
    return out


def _rows(figures: dict, years: int | None) -> tuple[tuple[str, str], ...]:
    labels = {
        "turnover": "Turnover", "learning_hours": "Learning hours a year", "maturity": "Maturity",
        "people_to_train": "People to train (gap)", "training_hours": "Training hours (gap)",
        "years_to_target": "Years until every level is at target",
        "annual_upkeep_people": "Upkeep people a year", "annual_upkeep_hours": "Upkeep hours a year",
        "gap_cost": f"Cost of the gap, {COST_LABEL}", "annual_upkeep_cost": f"Upkeep cost a year, {COST_LABEL}",
        "budget_for_target": f"Learning hours a year for every target in {years} years",
        "cost_over_years": f"Cost over {years} years, {COST_LABEL}",
    }
    return tuple((name, labels[name]) for name in figures)


def _difference(value, first) -> float | None:
    numbers = (int, float)
    if isinstance(value, numbers) and isinstance(first, numbers) and not isinstance(value, bool):
        return value - first
    return None
