"""The plan over the years: a Plan, the config's sequence and the organisation's resources ->
year-by-year entries per level.

Pure: no Click, no Rich, no files. Every figure is a ``Figure`` like plan.py's, with its formula,
its working and the config keys it used.

The model, for each level, with integers of people:

- the level starts the first year with `covered = target − gap` trained people in post and a
  `backlog = gap` (both from the plan);
- each year `upkeep = round up(covered at the start × turnover)` trained people leave and are
  replaced by untrained ones; the level can train up to `backlog + upkeep` people;
- what it trains is limited by its start year, its pace (new starters + a share of headcount a
  year), the learning budget (hours) and the facilitator hours of the internal experts in post at
  the start of the year. Upkeep of every started level is served first, in priority order, then
  new training, in the same order;
- `backlog(year) = backlog(year − 1) + upkeep − trained` and `covered = target − backlog`.

So over any number of years, for every level, by construction:
``sum(trained) + backlog at the end = gap + sum(upkeep)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from qidose.config import CAPACITY_LEVELS, MAX_YEARS, ROLE_LEVELS, Config
from qidose.errors import UsageError
from qidose.organisation import Organisation, Setting
from qidose.plan import Figure, Note, Plan, num, people, share, up

COST_LABEL = "estimate (backfill)"
EXPERTS = "internal_experts"
_INF = math.inf

REASONS = {   # limited_by -> words
    "not started": "its start year (the sequence)",
    "pace": "the pace of its programme (new starters + a share of headcount a year)",
    "budget": "the learning budget (upkeep and the levels before it in priority come first)",
    "facilitators": "facilitator hours (the internal experts in post × hours each can teach)",
}


@dataclass(frozen=True)
class Resources:
    """What a profile or scenario may set instead of the config: one hourly cost for every level,
    and the facilitator hours each internal expert gives a year."""

    hourly_cost: Setting | None = None
    facilitator_hours_per_expert: Setting | None = None


@dataclass(frozen=True)
class Entry:
    """One level in one year."""

    year: int
    level: str
    label: str
    figures: dict[str, Figure]
    limited_by: str | None       # not started, pace, budget, facilitators; None when the year's need was met

    def __getitem__(self, name: str):
        return self.figures[name].value


@dataclass(frozen=True)
class Sequenced:
    """A level's place in the sequence, as the config and the maturity make it."""

    level: str
    label: str
    priority: int                # 1 is served first
    start_year: Figure
    pace: Figure
    delivered_externally: bool


@dataclass(frozen=True)
class Trajectory:
    years: int
    entries: tuple[Entry, ...]                    # one per year and level: year 1's levels first
    year_totals: tuple[dict[str, Figure], ...]    # one per year
    sequence: tuple[Sequenced, ...]               # in priority order
    outcomes: dict[str, Figure]                   # level -> the year from which its target is reached and held
    totals: dict[str, Figure]
    statements: tuple[str, ...]                   # when each level reaches its target; the budget that would
    notes: tuple[str, ...]
    currency: str | None = None                   # None: no costs in the config
    shares: dict[str, tuple[str, ...]] | None = None  # level -> what it shares with other levels: "budget" (a
    #                                                  learning budget is set), "facilitators" (its face-to-face
    #                                                  training needs the internal experts' hours, or it gives them)

    def entry(self, year: int, level: str) -> Entry:
        return next(e for e in self.entries if e.year == year and e.level == level)

    def level_entries(self, level: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.level == level)

    def chart_data(self) -> dict[str, list[tuple[int, float | None]]]:
        """level -> [(year, coverage at the end of it)], year 0 being the start (for a chart);
        coverage is None for a level with no target."""
        out = {}
        for level in dict.fromkeys(e.level for e in self.entries):
            rows = self.level_entries(level)
            first = rows[0]
            start = first["covered"] - first["trained_people"] + first["upkeep_people"]
            target = first["covered"] + first["backlog"]
            out[level] = [(0, _ratio(start, target))] + [(e.year, e["coverage"]) for e in rows]
        return out


# -- the simulation ------------------------------------------------------------------------------

@dataclass
class _Level:
    """What the simulation needs of one level (plain numbers)."""

    id: str
    label: str
    target: int
    gap: int
    headcount: int
    dose_hours: float
    face_to_face: tuple[tuple[int, int, float], ...]   # (cohort_size, facilitators_per_cohort, hours)
    external: bool
    start: int
    pace: float | None
    turnover: float

    def cap(self) -> float:
        if self.pace is None:
            return _INF
        return up(self.turnover * self.headcount) + up(self.pace * self.headcount)

    def facilitation(self, people: int) -> float:
        if self.external:
            return 0.0
        return sum(up(people / size) * facilitators * hours for size, facilitators, hours in self.face_to_face)


def _allot(lv: _Level, want: float, already: int, left: dict) -> tuple[int, dict]:
    """People of `lv` trained within `want`, the budget left and the facilitator hours left; spends them.

    Returns (people, limits): limits records what was left and what each resource allowed, and
    `reason`, the resource that stopped it short of `want` (None when `want` was met)."""
    limits = {"want": want, "budget_left": left["budget"], "facilitation_left": left["facilitation"], "reason": None}
    n = want
    if lv.dose_hours > 0 and left["budget"] < _INF:
        limits["budget"] = math.floor(left["budget"] / lv.dose_hours + 1e-9)
        if limits["budget"] < n:
            n, limits["reason"] = limits["budget"], "budget"
    if not lv.external and lv.face_to_face and left["facilitation"] < _INF:
        base = lv.facilitation(already)
        if lv.facilitation(already + int(n)) - base > left["facilitation"] + 1e-9:
            low, high = 0, int(n)              # the most people whose cohorts the hours left can facilitate
            while low < high:
                mid = (low + high + 1) // 2
                if lv.facilitation(already + mid) - base <= left["facilitation"] + 1e-9:
                    low = mid
                else:
                    high = mid - 1
            limits["facilitators"] = low
            n, limits["reason"] = low, "facilitators"
    n = int(n)
    left["budget"] -= n * lv.dose_hours
    left["facilitation"] -= lv.facilitation(already + n) - lv.facilitation(already)
    return n, limits


def _simulate(levels: dict[str, _Level], priority: tuple[str, ...], budget: float, per_expert: float,
              years: int, record: bool = False) -> tuple[list[dict], list[dict]]:
    """Run the model for `years`: per year, {level: its state} and the year's totals.

    Without `record` only what the outcome and budget searches need is kept."""
    covered = {lid: lv.target - lv.gap for lid, lv in levels.items()}
    backlog = {lid: lv.gap for lid, lv in levels.items()}
    history, year_totals = [], []
    for year in range(1, years + 1):
        experts = covered.get(EXPERTS, 0)
        available = experts * per_expert if per_expert < _INF else _INF
        left = {"budget": budget, "facilitation": available}
        state = {}
        for lid, lv in levels.items():
            state[lid] = {"covered_start": covered[lid], "backlog_start": backlog[lid],
                          "upkeep": up(covered[lid] * lv.turnover), "started": year >= lv.start, "cap": lv.cap(),
                          "upkeep_trained": 0, "new_trained": 0, "upkeep_limits": None, "new_limits": None}
        upkeep_need = sum(s["upkeep"] * levels[lid].dose_hours for lid, s in state.items() if s["started"])
        for lid in priority:                                   # upkeep first, for every started level
            s = state[lid]
            if s["started"] and s["upkeep"]:
                s["upkeep_trained"], s["upkeep_limits"] = _allot(levels[lid], min(s["upkeep"], s["cap"]), 0, left)
        for lid in priority:                                   # then new training
            s = state[lid]
            if s["started"] and s["backlog_start"]:
                s["room"] = s["cap"] - s["upkeep_trained"]
                s["new_trained"], s["new_limits"] = _allot(levels[lid], min(s["backlog_start"], s["room"]),
                                                           s["upkeep_trained"], left)
        for lid, s in state.items():
            trained = s["upkeep_trained"] + s["new_trained"]
            backlog[lid] = s["backlog_start"] + s["upkeep"] - trained
            covered[lid] = levels[lid].target - backlog[lid]
            s.update(trained=trained, backlog=backlog[lid], covered=covered[lid])
            s["limited_by"] = _limited_by(s)
        if record:
            history.append(state)
            year_totals.append({"budget_left": left["budget"], "experts": experts, "facilitation": available,
                                "upkeep_need": upkeep_need})
        else:
            history.append({lid: {k: s[k] for k in ("backlog", "new_trained", "trained", "limited_by")}
                            for lid, s in state.items()})
    return history, year_totals


def _limited_by(s: dict) -> str | None:
    """What kept the level from training all it could this year; None when nothing did."""
    if s["trained"] == s["backlog_start"] + s["upkeep"]:
        return None
    if not s["started"]:
        return "not started"
    for part, need in (("upkeep", s["upkeep"]), ("new", s["backlog_start"])):
        limits = s[f"{part}_limits"]
        if limits is not None and s[f"{part}_trained"] < need:
            return limits["reason"] or "pace"
    return "pace"  # pragma: no cover - every shortfall is one of the above


# -- building the trajectory ---------------------------------------------------------------------

def make_trajectory(config: Config, plan: Plan, organisation: Organisation, years: int,
                    resources: Resources = Resources()) -> Trajectory:
    """The plan over `years` (0 gives no entries, only when each level reaches its target)."""
    rules = config.trajectory
    if rules is None:
        raise UsageError(f"{config.path} has no `trajectory:` block, which --years and compare need; "
                         f"copy it from the doses.yaml shipped with qidose")
    if not 0 <= years <= MAX_YEARS:
        raise UsageError(f"--years {years}: give 1 to {MAX_YEARS}")
    maturity = organisation.maturity.value
    priority, priority_key, steps = rules.sequence(maturity)
    turnover = organisation.turnover.value or 0.0
    levels = {}
    for lp in plan.levels:
        step = steps[lp.level]
        levels[lp.level] = _Level(
            id=lp.level, label=lp.label, target=lp["target_people"], gap=lp["gap"], headcount=lp["headcount"],
            dose_hours=lp["dose_hours"],
            face_to_face=tuple((config.modules[m].cohort_size, config.modules[m].facilitators_per_cohort,
                                config.modules[m].hours) for m in lp.modules
                               if config.modules[m].delivery == "face_to_face"),
            external=lp.level in rules.delivered_externally, start=step.start_year, pace=step.pace, turnover=turnover)
    budget_setting = organisation.learning_hours
    budget = _INF if budget_setting.value is None else float(budget_setting.value)
    per_expert, per_expert_text, per_expert_keys = _per_expert(rules, resources)
    costs = _costs(config, resources)

    run = _Run(config, plan, organisation, levels, priority, priority_key, steps, budget, per_expert,
               per_expert_text, per_expert_keys, costs)
    history, year_totals = _simulate(levels, priority, budget, per_expert, max(years, 1), record=True)
    long_run, _ = _simulate(levels, priority, budget, per_expert, MAX_YEARS)
    entries = tuple(run.entry(year, lid, history[year - 1][lid])
                    for year in range(1, years + 1) for lid in (lp.level for lp in plan.levels))
    totals_by_year = tuple(run.year_totals(year, history[year - 1], year_totals[year - 1])
                           for year in range(1, years + 1))
    outcomes = {lid: run.outcome(lid, long_run) for lid in levels}
    totals = run.totals(entries, outcomes, years)
    sequence = tuple(run.sequenced(i + 1, lid) for i, lid in enumerate(priority))
    statements = tuple(run.statements(outcomes, totals, years, long_run))
    notes = tuple(run.notes(history, year_totals, years))
    shares = {lid: (("budget",) if budget < _INF else ())       # the internal experts give the facilitators' hours
              + (("facilitators",) if per_expert < _INF and (lid == EXPERTS or not lv.external and lv.face_to_face) else ())
              for lid, lv in levels.items()}
    return Trajectory(years, entries, totals_by_year, sequence, outcomes, totals, statements, notes,
                      config.costs.currency if costs else None, shares)


def _per_expert(rules, resources: Resources) -> tuple[float, str, tuple[str, ...]]:
    setting = resources.facilitator_hours_per_expert
    if setting is not None and setting.value is not None:
        return float(setting.value), f"{num(setting.value)} ({setting.origin})", ()
    if rules.facilitator_hours_per_expert is None:
        return _INF, "not a limit (trajectory.facilitator_hours_per_expert is not set)", ()
    value = rules.facilitator_hours_per_expert
    return value, num(value), ("trajectory.facilitator_hours_per_expert",)


def _costs(config: Config, resources: Resources) -> dict[str, tuple[float, str, tuple[str, ...]]] | None:
    """level -> (hourly cost, how it reads, config keys); None when the config has no costs."""
    if config.costs is None:
        return None
    setting = resources.hourly_cost
    if setting is not None and setting.value is not None:
        return {lid: (float(setting.value), f"{num(setting.value)} ({setting.origin})", ())
                for lid in ROLE_LEVELS + CAPACITY_LEVELS}
    return {lid: (config.costs.hourly_cost.get(lid, 0.0), num(config.costs.hourly_cost.get(lid, 0.0)),
                  (f"costs.hourly_cost.{lid}",)) for lid in ROLE_LEVELS + CAPACITY_LEVELS}


class _Run:
    """Turns the simulation's numbers into Figures with their basis."""

    def __init__(self, config, plan, organisation, levels, priority, priority_key, steps, budget, per_expert,
                 per_expert_text, per_expert_keys, costs):
        self.config, self.plan, self.organisation = config, plan, organisation
        self.levels, self.priority, self.priority_key, self.steps = levels, priority, priority_key, steps
        self.budget, self.per_expert = budget, per_expert
        self.per_expert_text, self.per_expert_keys = per_expert_text, per_expert_keys
        self.costs = costs
        self.turnover = organisation.turnover
        self.turnover_keys = (organisation.turnover.key,) if organisation.turnover.key else ()
        self.budget_keys = (organisation.learning_hours.key,) if organisation.learning_hours.key else ()

    # -- one level in one year --------------------------------------------------------------------
    def entry(self, year: int, lid: str, s: dict) -> Entry:
        lv, step = self.levels[lid], self.steps[lid]
        f: dict[str, Figure] = {}
        t = self.turnover.value or 0.0
        f["upkeep_people"] = Figure(s["upkeep"], "round up(trained people in post at the start of the year × turnover)",
                                    f"round up({num(s['covered_start'])} × {_rate(t)}) = {num(s['upkeep'])}",
                                    self.turnover_keys)
        sequence_keys = (step.start_key, self.priority_key) + ((step.pace_key,) if step.pace_key else ())
        f["upkeep_trained"] = Figure(s["upkeep_trained"], "min(upkeep_people, pace, budget left ÷ dose hours, "
                                     "facilitator hours left), levels in priority order",
                                     self._allotted(lv, s, "upkeep"), sequence_keys + self.budget_keys)
        f["new_trained"] = Figure(s["new_trained"], "min(backlog at the start, pace room left, budget left ÷ dose "
                                  "hours, facilitator hours left), after every level's upkeep, in priority order",
                                  self._allotted(lv, s, "new"), sequence_keys + self.budget_keys)
        trained = s["trained"]
        f["trained_people"] = Figure(trained, "upkeep_trained + new_trained",
                                     f"{num(s['upkeep_trained'])} + {num(s['new_trained'])} = {num(trained)}")
        f["hours"] = Figure(trained * lv.dose_hours, "trained_people × dose_hours",
                            f"{num(trained)} × {num(lv.dose_hours)} = {num(trained * lv.dose_hours)}")
        f["upkeep_hours"] = Figure(s["upkeep_trained"] * lv.dose_hours, "upkeep_trained × dose_hours",
                                   f"{num(s['upkeep_trained'])} × {num(lv.dose_hours)} = "
                                   f"{num(s['upkeep_trained'] * lv.dose_hours)}")
        f["facilitator_hours"] = self._facilitation(lv, trained)
        f["covered"] = Figure(s["covered"], "covered at the start − upkeep_people + trained_people",
                              f"{num(s['covered_start'])} − {num(s['upkeep'])} + {num(trained)} = {num(s['covered'])}")
        f["coverage"] = Figure(_ratio(s["covered"], lv.target), "covered / target_people",
                               f"{num(s['covered'])} / {num(lv.target)} = {_pct(_ratio(s['covered'], lv.target))}"
                               if lv.target else "no target: nobody to train")
        f["backlog"] = Figure(s["backlog"], "backlog at the start + upkeep_people − trained_people",
                              f"{num(s['backlog_start'])} + {num(s['upkeep'])} − {num(trained)} = {num(s['backlog'])}")
        if self.costs is not None:
            rate, rate_text, keys = self.costs[lid]
            cost = money(trained * lv.dose_hours * rate)
            f["cost"] = Figure(cost, f"hours × hourly cost, rounded to a whole {self.config.costs.currency} (half up): "
                               f"an {COST_LABEL}",
                               f"{num(trained * lv.dose_hours)} × {rate_text} = {_rounded(trained * lv.dose_hours * rate)}",
                               keys)
        return Entry(year, lid, lv.label, f, s["limited_by"])

    def _allotted(self, lv, s: dict, part: str) -> str:
        done = s[f"{part}_trained"]
        if not s["started"]:
            return f"0: {lv.label} start in year {lv.start}"
        limits = s[f"{part}_limits"]
        if limits is None:
            return "0: no upkeep" if part == "upkeep" else "0: no backlog"
        terms = [f"upkeep {num(s['upkeep'])}" if part == "upkeep" else f"backlog {num(s['backlog_start'])}"]
        room = s["cap"] if part == "upkeep" else s["room"]
        if room < _INF:
            terms.append(f"pace room {num(room)}")
        if "budget" in limits:
            terms.append(f"budget {num(round(limits['budget_left'], 2))} h left ÷ {num(lv.dose_hours)} = "
                         f"{num(limits['budget'])}")
        if "facilitators" in limits:
            terms.append(f"facilitator hours left {num(round(limits['facilitation_left'], 2))} → "
                         f"{num(limits['facilitators'])}")
        return f"min({'; '.join(terms)}) = {num(done)}"

    def _facilitation(self, lv, trained: int) -> Figure:
        if lv.external:
            return Figure(0.0, "delivered externally: no internal facilitator hours",
                          f"{lv.label} are trained outside the organisation: 0", ("trajectory.delivered_externally",))
        parts = [f"round up({num(trained)} / {size}) × {fac} × {num(hours)}" for size, fac, hours in lv.face_to_face]
        value = lv.facilitation(trained)
        return Figure(value, "for each face-to-face module: round up(trained / cohort_size) × facilitators_per_cohort "
                      "× hours, summed", (" + ".join(parts) or "no face-to-face modules") + f" = {num(value)}")

    # -- one year, all levels ---------------------------------------------------------------------
    def year_totals(self, year: int, state: dict, totals: dict) -> dict[str, Figure]:
        out = {}
        hours = sum(s["trained"] * self.levels[lid].dose_hours for lid, s in state.items())
        if self.budget < _INF:
            out["budget"] = Figure(self.budget, "learning_hours a year", f"{num(self.budget)} ({self.organisation.learning_hours.origin})",
                                   self.budget_keys)
        else:
            out["budget"] = Figure(None, "learning_hours a year", "not set: no budget limit", self.budget_keys)
        out["hours"] = Figure(hours, "sum of the levels' hours", " + ".join(num(s["trained"] * self.levels[lid].dose_hours)
                                                                            for lid, s in state.items()) + f" = {num(hours)}")
        left = totals["budget_left"]
        out["budget_left"] = Figure(None if left == _INF else round(left, 2), "budget − hours",
                                    "no budget limit" if left == _INF else f"{num(self.budget)} − {num(hours)} = {num(round(left, 2))}")
        out["upkeep_hours_needed"] = Figure(totals["upkeep_need"], "sum over started levels of upkeep_people × dose_hours",
                                            f"{num(totals['upkeep_need'])} hours")
        out["experts"] = Figure(totals["experts"], "internal experts in post at the start of the year (up to their target)",
                                people(totals["experts"]))
        available = totals["facilitation"]
        out["facilitator_hours_available"] = Figure(
            None if available == _INF else available, "experts × facilitator_hours_per_expert",
            "not a limit" if available == _INF else f"{num(totals['experts'])} × {self.per_expert_text} = {num(available)}",
            self.per_expert_keys)
        used = sum(self.levels[lid].facilitation(s["trained"]) for lid, s in state.items())
        out["facilitator_hours_used"] = Figure(used, "sum of the levels' facilitator_hours", f"{num(used)} hours")
        if self.costs is not None:
            parts = [money(s["trained"] * self.levels[lid].dose_hours * self.costs[lid][0]) for lid, s in state.items()]
            cost = sum(parts)
            out["cost"] = Figure(cost, f"sum of the levels' cost (each rounded to a whole "
                                 f"{self.config.costs.currency}): an {COST_LABEL}",
                                 " + ".join(num(p) for p in parts) + f" = {num(cost)}")
        return out

    # -- when each level gets there ------------------------------------------------------------------
    def outcome(self, lid: str, long_run: list) -> Figure:
        lv = self.levels[lid]
        backlogs = [year[lid]["backlog"] for year in long_run]
        if backlogs[-1] > 0:
            last = long_run[-1][lid]
            never = last["new_trained"] == 0
            reason = REASONS.get(last["limited_by"] or "", "")
            text = (f"never at these resources: held back by {reason}" if never else
                    f"not within {MAX_YEARS} years: held back by {reason}")
            return Figure(None, "the first year from which the backlog stays 0", text + f" (backlog {num(backlogs[-1])} "
                          f"in year {MAX_YEARS})")
        year = len(backlogs)
        while year > 1 and backlogs[year - 2] == 0:
            year -= 1
        return Figure(year, "the first year from which the backlog stays 0",
                      f"year {year}: target of {num(lv.target)} reached and held")

    def totals(self, entries, outcomes, years) -> dict[str, Figure]:
        out = {}
        reached = [f.value for f in outcomes.values()]
        worst = None if any(v is None for v in reached) else max(reached)
        out["years_to_target"] = Figure(worst, "the latest year a level reaches its target and holds it",
                                        "a level never reaches its target at these resources" if worst is None else
                                        f"max({', '.join(num(v) for v in reached)}) = {num(worst)}")
        for name in ("trained_people", "upkeep_people", "hours", "upkeep_hours", "facilitator_hours") + (
                ("cost",) if self.costs is not None else ()):
            total = sum(e[name] for e in entries)
            total = round(total, 2) if isinstance(total, float) else total
            out[name] = Figure(total, f"sum of {name} over the {years} years and the levels", f"{num(total)}")
        if years:
            out["budget_for_target"] = self.budget_for_target(years)
        if self.costs is not None:
            for name, figure in (("gap_cost", "training_hours"), ("annual_upkeep_cost", "annual_upkeep_hours")):
                parts = [(lp[figure], self.costs[lp.level]) for lp in self.plan.levels]
                exact = sum(h * rate for h, (rate, _, _) in parts)
                value = money(exact)
                out[name] = Figure(value, f"sum over levels of {figure} × hourly cost, rounded to a whole "
                                   f"{self.config.costs.currency} (half up): an {COST_LABEL}",
                                   " + ".join(f"{num(h)} × {text}" for h, (_, text, _) in parts) + f" = {_rounded(exact)}",
                                   tuple(k for _, (_, _, keys) in parts for k in keys))
        return out

    def budget_for_target(self, years: int) -> Figure:
        """The smallest yearly budget (whole hours) with every level's backlog 0 at the end of `years`,
        found by re-running the trajectory; None when no budget does (sequence, pace or facilitators)."""
        formula = f"the smallest learning_hours a year with every level at its target at the end of year {years}"
        free, free_totals = _simulate(self.levels, self.priority, _INF, self.per_expert, years)
        stuck = [lid for lid in self.priority if free[-1][lid]["backlog"] > 0]
        if stuck:
            reasons = "; ".join(f"{self.levels[lid].label}: {REASONS.get(_last_reason(free, lid), 'its sequence')}"
                                for lid in stuck)
            free_long, _ = _simulate(self.levels, self.priority, _INF, self.per_expert, MAX_YEARS)
            done = [y for y in range(1, MAX_YEARS + 1)
                    if all(free_long[y - 1][lid]["backlog"] == 0 for lid in self.levels)]
            earliest = (f"; with no budget limit every target is reached by the end of year {done[0]}" if done
                        else f"; even with no budget limit not every target is reached within {MAX_YEARS} years")
            return Figure(None, formula, f"no budget reaches every target in {years} years, held back by what "
                          f"hours do not buy: {reasons}{earliest}")

        def reaches(budget: float) -> bool:
            run, _ = _simulate(self.levels, self.priority, budget, self.per_expert, years)
            return all(run[-1][lid]["backlog"] == 0 for lid in self.levels)

        high = max(1, math.ceil(max(sum(s["trained"] * self.levels[lid].dose_hours for lid, s in year.items())
                                    for year in free)))
        low = 0
        if reaches(low):
            high = 0
        while high - low > 1:
            mid = (low + high) // 2
            if reaches(mid):
                high = mid
            else:
                low = mid
        return Figure(high, formula, f"{num(high)} hours a year: re-running the trajectory, every backlog is 0 "
                      f"at the end of year {years}" + (f" ({num(high - 1)} is not enough)" if high else ""))

    def sequenced(self, rank: int, lid: str) -> Sequenced:
        lv, step = self.levels[lid], self.steps[lid]
        maturity = self.organisation.maturity.value
        why = f" (maturity {maturity})" if ".maturity." in step.start_key else ""
        start = Figure(step.start_year, "the first year the level trains anyone", f"year {step.start_year}{why}",
                       (step.start_key,))
        if step.pace is None:
            pace = Figure(None, "no cap on the people trained a year", "no cap")
        else:
            cap = lv.cap()
            pace = Figure(step.pace, "new starters + pace × headcount a year: round up(turnover × headcount) + "
                          "round up(pace × headcount)",
                          f"round up({_rate(lv.turnover)} × {num(lv.headcount)}) + round up({num(step.pace)} × "
                          f"{num(lv.headcount)}) = {num(cap)} people a year", (step.pace_key,))
        return Sequenced(lid, lv.label, rank, start, pace, lv.external)

    # -- words ------------------------------------------------------------------------------------------
    def statements(self, outcomes, totals, years, long_run):
        for lid in self.levels:
            lv, figure = self.levels[lid], outcomes[lid]
            if figure.value is None:
                yield f"{lv.label}: {figure.working}."
            elif years and figure.value > years:
                yield f"{lv.label}: target reached in year {figure.value}, after the {years} years shown."
            else:
                yield f"{lv.label}: target reached in year {figure.value}."
        budget = totals.get("budget_for_target")
        if budget is None:
            return
        if budget.value is None:
            yield f"Budget: {budget.working}."
            return
        current = self.budget
        verdict = ("" if current == _INF else
                   f"; the budget set ({num(current)}) is enough" if current >= budget.value else
                   f"; the budget set ({num(current)}) is {num(budget.value - current)} short")
        yield (f"Budget: {num(budget.value)} learning hours a year would reach every level's target by the end of "
               f"year {years} (computed by re-running the trajectory){verdict}.")

    def notes(self, history, year_totals, years):
        if self.budget < _INF:
            short = [y + 1 for y, totals in enumerate(year_totals[:years]) if totals["upkeep_need"] > self.budget]
            if short:
                when = f"year{'s' if len(short) > 1 else ''} {', '.join(map(str, short))}"
                yield Note(f"The learning budget ({num(self.budget)} hours a year) is too small to keep up with "
                           f"turnover alone in {when}: upkeep needs "
                           f"{num(year_totals[short[0] - 1]['upkeep_need'])} hours in year {short[0]}.",
                           "upkeep_short", (("years_totals", "upkeep_hours_needed"),))
            steady = self.plan.totals["annual_upkeep_hours"].value
            if steady > self.budget and not short:
                yield Note(f"The learning budget ({num(self.budget)} hours a year) is less than upkeep at the targets "
                           f"({num(steady)} hours a year): once the levels near their targets it cannot keep up with "
                           f"turnover.", "upkeep_at_targets", (("total", "annual_upkeep_hours"),))
        if EXPERTS in self.levels and self.levels[EXPERTS].target - self.levels[EXPERTS].gap == 0 \
                and self.per_expert < _INF:
            yield Note("No internal experts are in post at the start: training they must facilitate waits until the "
                       "first experts are trained (they teach from the year after).", "no_experts",
                       ((EXPERTS, "headcount"),))
        if self.costs is not None:
            yield Note(f"Costs are an {COST_LABEL}: hours of training × an hourly cost per level "
                       f"({self.config.costs.currency}); facilitators' time is not costed.", "costs")


def _last_reason(run: list, lid: str) -> str:
    for year in reversed(run):
        if year[lid]["limited_by"]:
            return year[lid]["limited_by"]
    return ""


def money(x: float) -> int:
    """A cost in whole units of the currency, .5 rounded up (float noise ignored: 164,062.49999999999 is .5)."""
    return math.floor(x + 0.5 + 1e-9)


def _rounded(x: float) -> str:
    """The end of a cost's working: '164,062.5, rounded to 164,063', or '164,062' when it is whole."""
    exact = round(x, 6)
    return num(money(x)) if exact == money(x) else f"{num(exact)}, rounded to {num(money(x))}"


def _ratio(a: int, b: int) -> float | None:
    """a / b to 4 decimals, 1 only when a is b and 0 only when a is 0 (29,999 of 30,000 is 0.9999)."""
    if not b:
        return None
    ratio = round(a / b, 4)
    if ratio == 1 and a < b:
        return 0.9999
    if ratio == 0 and a > 0:
        return 0.0001
    return ratio


def _rate(x: float) -> str:
    """A rate with enough digits that the working reproduces its result (an estimated turnover is long)."""
    return f"{x:.6f}".rstrip("0").rstrip(".") or "0"


def _pct(x: float | None) -> str:
    return share(x, 1)
