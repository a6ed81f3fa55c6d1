"""The dosing engine: a census and the organisation's characteristics -> the training each level needs.

Pure functions: no Click, no Rich, no files. Every figure is a ``Figure`` that carries its
formula, the formula with the numbers put in, and the config keys it used, so `plan`,
`explain`, JSON and the board paper all tell the same story from one computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from qidose.config import CAPACITY_LEVELS, ROLE_LEVELS, Config, Level
from qidose.organisation import MIN_DATED, Organisation
from qidose.census import Census

_EPS = 1e-9
_MAX_YEARS = 100   # beyond this a plan is not a plan: say the gap does not close


@dataclass(frozen=True)
class Figure:
    """A number in the plan with how it was obtained: formula, working and config keys."""

    value: float | int | None
    formula: str                 # in words: "target_people × dose_hours"
    working: str                 # with the numbers: "120 × 7.5 = 900"
    keys: tuple[str, ...] = ()   # config keys the figure used


@dataclass(frozen=True)
class LevelPlan:
    """The plan for one level: its dose modules and its figures by name."""

    level: str
    label: str
    kind: str
    modules: tuple[str, ...]
    figures: dict[str, Figure]

    def __getitem__(self, name: str):
        return self.figures[name].value


@dataclass(frozen=True)
class Plan:
    """The plan for the whole organisation or one --by group: organisation figures, levels, totals."""

    group: str | None            # the --by value, or None for the whole organisation
    organisation: dict[str, Figure]
    levels: tuple[LevelPlan, ...]
    totals: dict[str, Figure]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def level(self, level_id: str) -> LevelPlan:
        return next(lp for lp in self.levels if lp.level == level_id)


def up(x: float) -> int:
    """Whole people or cohorts: round up, ignoring float noise (100.0000001 is 100)."""
    return max(0, math.ceil(x - _EPS))


def people(n: int) -> str:
    """'1 person', '2 people', '1,234 people'."""
    return f"{num(n)} {'person' if n == 1 else 'people'}"


class Note(str):
    """A note of the plan, as text, with what a published paper needs to know of it: its `kind` and
    the figures it depends on (`figures`: (row, figure) of the plan, or ("years_totals", figure) of
    the plan over the years). Under --suppress-below a note that depends on a withheld figure is left
    out: said without the number, whether it is there at all would still tell something of it."""

    kind: str
    figures: tuple

    def __new__(cls, text: str, kind: str, figures: tuple = ()):
        note = super().__new__(cls, text)
        note.kind, note.figures = kind, figures
        return note

    def __reduce__(self):
        return Note, (str(self), self.kind, self.figures)


def share(value: float | None, decimals: int = 0) -> str:
    """A share as a percentage that never rounds up to 100% or down to 0% when it is not: at 0
    decimals 0.874 is '87%', 0.9952 is '99.5%' and 0.004 is '0.4%'."""
    if value is None:
        return "–"
    text = f"{value:.{decimals}%}"
    if 0 < value < 1 and text in (f"{100:.{decimals}f}%", f"{0:.{decimals}f}%"):
        scale = 10 ** (decimals + 1)
        value = (math.floor if value > 0.5 else math.ceil)(value * 100 * scale) / scale
        return f"{value:.{decimals + 1}f}%"
    return text


def num(x: float) -> str:
    """A number as a reader writes it: 1,234 or 7.5 or 0.101."""
    if isinstance(x, float) and not x.is_integer():
        return f"{x:,.8f}".rstrip("0").rstrip(".")   # enough digits that the working reproduces the value
    return f"{int(x):,}"


def make_plan(config: Config, organisation: Organisation, census: Census, group: str | None = None) -> Plan:
    staff = census.people
    services = organisation.services.value if organisation.services.value is not None else len(census.services)
    turnover = organisation.turnover.value
    org = _organisation_figures(config, organisation, census, staff, services)
    levels = tuple(_level_plan(config, config.levels[lid], organisation, census, staff, services, turnover)
                   for lid in ROLE_LEVELS + CAPACITY_LEVELS)
    totals = _totals(levels, organisation)
    return Plan(group, org, levels, totals, tuple(_notes(config, organisation, levels, totals, census, group)))


def _organisation_figures(config, organisation, census, staff, services) -> dict[str, Figure]:
    fte = round(sum(census.fte[lid] for lid in ROLE_LEVELS), 2)
    counted = f"{num(services)} service{'' if services == 1 else 's'}"
    set_by_hand = organisation.services.value is not None
    out = {
        "staff_in_post": Figure(staff, "distinct people in post in the staff list",
                                people(staff), ("staff_list.in_post",)),
        "fte": Figure(fte, "sum of in-post FTE", f"{num(fte)} FTE", ("staff_list.columns.fte",)),
        "services": Figure(services, "services as set" if set_by_hand else "distinct values of the service column",
                           f"{counted} ({organisation.services.origin})" if set_by_hand else counted,
                           ("staff_list.columns.service",)),
    }
    for key, setting in organisation.settings().items():
        if key == "services":
            continue
        if setting.value is None:
            out[key] = Figure(None, key.replace("_", " "), f"not set ({setting.origin})" if setting.key else "not set",
                              (setting.key,) if setting.key else ())
            continue
        shown = (
            f"{setting.value:.1%}" if key == "turnover" else str(setting.value) if isinstance(setting.value, str)
            else num(setting.value))
        out[key] = Figure(setting.value, key.replace("_", " "), f"{shown} ({setting.origin})",
                          (setting.key,) if setting.key else ())
    return out


def _level_plan(config: Config, level: Level, organisation: Organisation, census: Census, staff: int,
                services: int, turnover: float) -> LevelPlan:
    lid, key = level.id, f"levels.{level.id}"
    f: dict[str, Figure] = {}
    headcount = census.headcount[lid]
    f["headcount"] = Figure(headcount, "people in the level" if level.kind == "role"
                            else "people flagged by QI role or trained for the dose",
                            people(headcount),
                            ((f"membership.{lid}",) if lid in config.membership_levels else (key,)) if level.kind == "role"
                            else (f"{key}.qi_role",))
    f["fte"] = Figure(round(census.fte[lid], 2), "sum of their FTE", f"{num(round(census.fte[lid], 2))} FTE")
    dose = level.modules
    hours = config.dose_hours(lid)
    f["dose_hours"] = Figure(hours, "sum of the hours of the dose's modules",
                             " + ".join(num(config.modules[m].hours) for m in dose) + f" = {num(hours)}",
                             tuple(f"modules.{m}.hours" for m in dose) + (f"{key}.dose",))
    effects = _effects(config, organisation, lid)
    factor = math.prod(e.factor for e in effects)
    factor_text = "".join(f" × {num(e.factor)}" for e in effects)
    effect_keys = tuple(e.key for e in effects)
    if level.kind == "role":
        coverage = min(1.0, level.coverage * factor)
        f["coverage"] = Figure(coverage, "configured coverage × characteristic effects (at most 1)",
                               f"{num(level.coverage)}{factor_text} = {num(coverage)}", (f"{key}.coverage",) + effect_keys)
        target = up(coverage * headcount)
        f["target_people"] = Figure(target, "round up(coverage × headcount)",
                                    f"round up({num(coverage)} × {num(headcount)}) = {num(target)}", (f"{key}.coverage",) + effect_keys)
    else:
        cap = level.capacity
        raw = cap.per_1000_staff * staff / 1000 + cap.per_service * services
        target = max(cap.minimum, up(raw * factor))
        f["target_people"] = Figure(
            target, "max(minimum, round up((per_1000_staff × staff / 1000 + per_service × services) × effects))",
            f"max({cap.minimum}, round up(({num(cap.per_1000_staff)} × {num(staff)} / 1000 + {num(cap.per_service)} × "
            f"{num(services)}){factor_text})) = {num(target)}",
            tuple(f"{key}.capacity.{k}" for k in ("per_1000_staff", "per_service", "minimum")) + effect_keys)
    trained = census.already_trained[lid]
    f["already_trained"] = Figure(trained, "people whose recorded QI training covers the dose"
                                  if level.kind == "role" else "existing people (flagged or trained)",
                                  people(trained), tuple(f"modules.{m}.recorded_as" for m in dose))
    gap = max(0, target - trained)
    f["gap"] = Figure(gap, "max(0, target_people − already_trained)", f"max(0, {num(target)} − {num(trained)}) = {num(gap)}")
    f["training_hours"] = Figure(gap * hours, "gap × dose_hours", f"{num(gap)} × {num(hours)} = {num(gap * hours)}")
    cohorts, facilitator_hours, parts_c, parts_h, keys = 0, 0.0, [], [], []
    for m in dose:
        module = config.modules[m]
        if module.delivery != "face_to_face":
            continue
        n = up(gap / module.cohort_size)
        cohorts += n
        facilitator_hours += n * module.facilitators_per_cohort * module.hours
        parts_c.append(f"round up({num(gap)} / {module.cohort_size})")
        parts_h.append(f"{n} × {module.facilitators_per_cohort} × {num(module.hours)}")
        keys += [f"modules.{m}.cohort_size", f"modules.{m}.facilitators_per_cohort", f"modules.{m}.hours"]
    f["cohorts"] = Figure(cohorts, "for each face-to-face module: round up(gap / cohort_size), summed",
                          (" + ".join(parts_c) or "no face-to-face modules") + f" = {num(cohorts)}", tuple(keys))
    f["facilitator_hours"] = Figure(facilitator_hours, "for each face-to-face module: cohorts × facilitators_per_cohort × hours, summed",
                                    (" + ".join(parts_h) or "no face-to-face modules") + f" = {num(facilitator_hours)}", tuple(keys))
    upkeep = up(target * turnover)
    turnover_key = (organisation.turnover.key,) if organisation.turnover.key else ()
    f["annual_upkeep_people"] = Figure(upkeep, "round up(target_people × turnover)",
                                       f"round up({num(target)} × {num(turnover)}) = {num(upkeep)}", turnover_key)
    f["annual_upkeep_hours"] = Figure(upkeep * hours, "annual_upkeep_people × dose_hours",
                                      f"{num(upkeep)} × {num(hours)} = {num(upkeep * hours)}")
    return LevelPlan(lid, level.label, level.kind, dose, f)


def _effects(config: Config, organisation: Organisation, level_id: str):
    out = []
    for name in ("maturity", "leadership_commitment"):
        char = config.characteristics.get(name)
        setting = getattr(organisation, name)
        if char is None or char.values is None:
            continue
        out += [e for e in char.values.get(setting.value, ()) if e.level == level_id]
    return out


_SUMMED = ("target_people", "already_trained", "gap", "training_hours", "cohorts", "facilitator_hours",
           "annual_upkeep_people", "annual_upkeep_hours")


def _totals(levels: tuple[LevelPlan, ...], organisation: Organisation) -> dict[str, Figure]:
    out = {}
    role = [lp for lp in levels if lp.kind == "role"]
    staff = sum(lp["headcount"] for lp in role)
    out["headcount"] = Figure(staff, "sum of role levels' headcounts (each person is in one role level)",
                              " + ".join(num(lp["headcount"]) for lp in role) + f" = {num(staff)}")
    for name in _SUMMED:
        total = sum(lp[name] for lp in levels)
        out[name] = Figure(total, f"sum of the levels' {name} (a coach or expert is also in a role level: "
                           f"their capacity dose is counted on top)",
                           " + ".join(num(lp[name]) for lp in levels) + f" = {num(total)}")
    for name, what in (("gap", "people in post still to train for their level's dose"),
                       ("already_trained", "people in post already trained for their level's dose")):
        total = sum(lp[name] for lp in role)
        out[f"role_{name}"] = Figure(total, f"sum of the role levels' {name}: {what} (each person is in one role level)",
                                     " + ".join(num(lp[name]) for lp in role) + f" = {num(total)}")
    budget = organisation.learning_hours.value
    need, upkeep = out["training_hours"].value, out["annual_upkeep_hours"].value
    if budget is None:
        years, working = None, "no learning_hours set: the time to close the gap is not limited by a budget"
    elif budget <= upkeep:
        years, working = None, (f"learning_hours {num(budget)} ≤ annual_upkeep_hours {num(upkeep)}: "
                                f"the budget never gets ahead of turnover")
    elif need / (budget - upkeep) > _MAX_YEARS:
        years, working = None, (f"{num(need)} / ({num(budget)} − {num(upkeep)}) is more than {_MAX_YEARS} years: "
                                f"the budget barely gets ahead of turnover")
    else:
        years = round(need / (budget - upkeep), 2)
        working = f"{num(need)} / ({num(budget)} − {num(upkeep)}) = {num(years)}"
    out["years_to_close_gap"] = Figure(years, "training_hours / (learning_hours − annual_upkeep_hours)", working,
                                       (organisation.learning_hours.key,) if organisation.learning_hours.key else ())
    return out


def _notes(config, organisation, levels, totals, census, group):
    board = next(lp for lp in levels if lp.level == "board")
    if board["headcount"] == 0:
        yield Note("No board members were found in the staff list (non-executives are often not in ESR): the "
                   "board's figures are 0.", "no_board", (("board", "headcount"),))
    turnover = organisation.turnover
    if group is None and turnover.key == "characteristics.turnover.default" and census.joiners == 0 \
            and census.people and census.dated >= MIN_DATED * census.people:   # an estimate but for joiners
        yield Note(f"None of the {people(census.dated)} with a start date started in the 12 months to the "
                   f"as-at date, so turnover is not estimated from start dates: the policy's default "
                   f"({num(round(turnover.value * 100, 4))}%) is used. An as-at date (--as-of) before the start dates "
                   f"gives this; give --turnover for the organisation's own rate.", "turnover_default")
    budget = organisation.learning_hours.value
    upkeep = totals["annual_upkeep_hours"].value
    if budget is not None and budget <= upkeep:
        yield Note(f"The learning budget ({num(budget)} hours a year) does not cover upkeep for turnover alone "
                   f"({num(upkeep)} hours a year): the gap never closes.", "budget_below_upkeep",
                   (("total", "annual_upkeep_hours"), ("total", "years_to_close_gap")))
    elif budget is not None and totals["years_to_close_gap"].value is None and totals["training_hours"].value:
        yield Note(f"At {num(budget)} learning hours a year the gap would take more than {_MAX_YEARS} years to close.",
                   "budget_too_small", (("total", "years_to_close_gap"),))
