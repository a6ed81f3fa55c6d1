"""`--suppress-below N`: which cells of the plan a published paper must not show.

Published board papers are public, and a small count can identify people ("the one band 8a
in Pharmacy has not done the training"). This module decides, once, for every renderer:

- a count of people under N in a breakdown cell (a level row; with --by, also a group's total
  and its staff in post) is shown as ``<N``; 0 included, as "none of them" tells as much as
  "one of them";
- a cell that would give such a count away is withheld and shown as ``[c]`` (the UK statistics
  symbol for "confidential"): figures computed from it (training hours = gap × dose hours),
  its partner in the row (gap = target − trained, so two of the three are hidden), and, where
  a total would let a reader subtract their way to it, the smallest other cell of that sum.

The whole organisation's totals are never suppressed: they are the true totals. Nothing here
changes a figure; it only says which cells to hide. Pure: no Click, no Rich, no files.
"""

from __future__ import annotations

WITHHELD = "[c]"
TOTAL, ORGANISATION = "total", "organisation"     # row names beside the level ids

# Counts of people: shown as <N when under N.
COUNTS = ("headcount", "target_people", "already_trained", "gap", "annual_upkeep_people", "staff_in_post")
# A hidden figure -> figures worked out from it, which would give it away.
_DERIVED = {
    "headcount": ("fte",),
    "staff_in_post": ("fte",),
    "gap": ("training_hours", "cohorts", "facilitator_hours"),
    "training_hours": ("years_to_close_gap",),
    "annual_upkeep_people": ("annual_upkeep_hours",),
    "annual_upkeep_hours": ("years_to_close_gap",),
}
# Figures hidden together (one can be read off the other), by kind of row.
_PAIRS = {
    "role": ("headcount", "target_people"),            # target = round up(coverage × headcount)
    "capacity": ("headcount", "already_trained"),      # the existing coaches or experts are both
}
# gap = target − trained: if one of the three is hidden, a second must be (the one named here).
_IDENTITY = {"target_people": "already_trained", "already_trained": "gap", "gap": "already_trained"}
# Figures a totals row adds up (headcount over role levels only): a lone hidden cell could be
# found by subtraction.
_SUMMED = ("headcount", "target_people", "already_trained", "gap", "training_hours", "cohorts",
           "facilitator_hours", "annual_upkeep_people", "annual_upkeep_hours")

Cell = tuple  # (group or None, row: a level id, TOTAL or ORGANISATION, figure name)


def legend(below: int) -> str:
    return (f"<{below}: a count of fewer than {below} people, not shown; {WITHHELD}: withheld, because it "
            f"would give such a count away. The whole organisation's totals are the true totals.")


def suppression(planset, below: int | None) -> dict[Cell, str]:
    """{(group, row, figure): marker} for every cell to hide; {} when below is None."""
    if not below:
        return {}
    plans = (planset.whole,) + tuple(planset.groups)
    marks: dict[Cell, str] = {}
    for plan, row, kind, figures in _rows(plans):
        for name in COUNTS:
            value = figures[name].value if name in figures else None
            if value is not None and value < below:
                marks[(plan.group, row, name)] = f"<{below}"
    sums = _sums(plans)
    size = -1
    while size != len(marks):          # each pass only adds marks, so this ends
        size = len(marks)
        for plan, row, kind, figures in _rows(plans):
            _row(plan.group, row, kind, figures, marks)
        for total, members in sums:
            _complement(total, members, marks)
    return marks


def _rows(plans):
    """(plan, row, kind, figures): every level row; with --by, each group's totals and organisation too."""
    for plan in plans:
        for lp in plan.levels:
            yield plan, lp.level, lp.kind, lp.figures
        if plan.group is not None:
            yield plan, TOTAL, TOTAL, plan.totals
            yield plan, ORGANISATION, ORGANISATION, {k: plan.organisation[k] for k in ("staff_in_post", "fte")}


def _row(group, row, kind, figures, marks) -> None:
    hidden = lambda name: (group, row, name) in marks   # noqa: E731
    pair = _PAIRS.get(kind, ())
    if any(hidden(name) for name in pair):
        for name in pair:
            marks.setdefault((group, row, name), WITHHELD)
    alone = [name for name in _IDENTITY if hidden(name)]
    if len(alone) == 1 and _IDENTITY[alone[0]] in figures:
        marks[(group, row, _IDENTITY[alone[0]])] = WITHHELD
    for name, derived in _DERIVED.items():
        if hidden(name):
            for d in derived:
                if d in figures and figures[d].value is not None:
                    marks.setdefault((group, row, d), WITHHELD)


def _sums(plans) -> list[tuple]:
    """(the total's cell, [(cell, value)] of the cells it adds up), for every sum a reader can see."""
    def value(figures, name):
        return figures[name].value if name in figures else None
    out = []
    for plan in plans:
        for name in _SUMMED:
            members = [((plan.group, lp.level, name), value(lp.figures, name))
                       for lp in plan.levels if lp.kind == "role" or name != "headcount"]
            out.append(((plan.group, TOTAL, name), members))
        if plan.group is not None:     # a group's staff in post is its total headcount
            out.append(((plan.group, TOTAL, "headcount"), [((plan.group, ORGANISATION, "staff_in_post"), 0)]))
            out.append(((plan.group, ORGANISATION, "staff_in_post"), [((plan.group, TOTAL, "headcount"), 0)]))
    whole, groups = plans[0], plans[1:]
    if groups:
        for lp in whole.levels:
            for name in _SUMMED + ("fte",):
                out.append(((None, lp.level, name),
                            [((g.group, lp.level, name), value(g.level(lp.level).figures, name)) for g in groups]))
        for name in _SUMMED:
            out.append(((None, TOTAL, name), [((g.group, TOTAL, name), value(g.totals, name)) for g in groups]))
    return out


def _complement(total: Cell, members: list, marks) -> None:
    """If exactly one member of a sum is hidden and the sum is shown, hide the smallest other one too."""
    if total in marks:
        return
    hidden = [cell for cell, _ in members if cell in marks]
    shown = [(value, str(cell), cell) for cell, value in members if cell not in marks and value is not None]
    if len(hidden) == 1:
        if shown:
            marks[min(shown)[2]] = WITHHELD
        elif total[:2] != (None, TOTAL):
            marks[total] = WITHHELD    # the sum is the hidden cell itself: hide the sum


def show(marks: dict, plan, lp, name: str, fmt) -> str:
    """A level row's cell as printed: its marker if hidden, else the value through `fmt`."""
    return marks.get((plan.group, lp.level, name)) or fmt(lp.figures[name].value if name in lp.figures else None)


def total_cells(marks: dict, plan, columns, fmt) -> list[str]:
    """The totals row as printed (the dose-hours column left blank)."""
    return [marks.get((plan.group, TOTAL, name))
            or (fmt(plan.totals[name].value) if name in plan.totals and name != "dose_hours" else "")
            for name, _ in columns]


def shown_total(marks: dict, plan, name: str, fmt) -> str:
    return marks.get((plan.group, TOTAL, name)) or fmt(plan.totals[name].value)
