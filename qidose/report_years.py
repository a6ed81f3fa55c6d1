"""The board paper's plan over the years (--years N): a ``Years``, read from the engine's ``Trajectory``.

Its chart data, a table of when each level reaches its target, a year-by-year table, and the
summary's sentences on when every level gets there. Every number is a figure the trajectory
computed (or a value read from the policy), formatted for a reader; none is worked out again.
Under --suppress-below, what `render/suppress.py` withholds (``years_withheld``) is shown as its
marker. `report.build` calls ``build`` and ``summary``.
Pure: no Click, no files, no matplotlib.
"""

from __future__ import annotations

from qidose.render.columns import coverage_text, fmt
from qidose.render.suppress import (TOTAL, WITHHELD, YearsWithheld, trajectory_notes, trajectory_statements,
                                    years_withheld)
from qidose.report_types import Cell, Line, Table, YearBlock, Years, YearsChart, percent, plural

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


def build(planset, marks) -> Years:
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


def summary(planset, marks) -> list[Cell]:
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
