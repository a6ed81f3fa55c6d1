"""`--suppress-below N`: which cells of a published plan to hide, so that no count of people under N
can be read from it or worked out from what it shows.

Published board papers are public, and a small count can identify people ("the one band 8a in
Pharmacy has not done the training"). This module decides, once, for every renderer. The rules:

1. **Small counts.** A count read from the staff list that is under N (0 included: "none of them"
   tells as much as "one of them") is shown as ``<N``: a level's people (``headcount``), the people
   already trained, a role level's gap (people still to train), and a plan's staff in post. The
   other figures are computed from these and from the published policy; they are never small
   counts themselves (a capacity level's target comes from the policy's ratios, upkeep from a
   target and the turnover), so they are hidden only under rule 2.
2. **What is computed from a hidden count is withheld** (``[c]``, the UK statistics symbol for
   "confidential"): in a role level whose people are hidden, every figure of the row (its target,
   trained, gap, hours, cohorts, upkeep: each is worked out from the people); where the trained
   people or the gap are hidden, both of them (gap = target − trained) and the hours, cohorts and
   facilitator hours worked out from the gap; where a group's staff in post is hidden, its FTE and
   its capacity levels' targets (and what is computed from those).
3. **A total is withheld when any figure it adds up is hidden.** The columns of a table weigh the
   levels differently (hours are people × each level's dose hours), so two totals of the same
   levels would give two hidden counts away together; no choice of extra cells to hide short of
   the whole column prevents that. This applies to the whole organisation's totals too.
4. **The people in post and the people trained add up** across levels (a plan's staff in post) and,
   with --by, across groups (the whole organisation's level rows). Those sums are kept, and instead
   every hidden count of people is made one corner of a rectangle of hidden cells (two levels × two
   groups, a group's staff in post or the whole organisation's row counting as a level or a group),
   whose other corners can give and take a person without leaving what a reader knows of them (a
   ``<N`` cell stays under N, a withheld count stays at N or more, trained people stay within the
   level's people): moving one person around the rectangle changes no figure that is shown, so
   every hidden count could be at least two numbers. Without --by the rectangle is a pair of
   levels of one plan. Cells are added to complete rectangles, the cheapest first (a group's level
   cell before a group's staff in post, before a whole-organisation figure; the whole
   organisation's staff in post never).

Rules 2-4 are applied until nothing more is hidden. `render/trajectory.py` and `report_years.py` apply
the same idea to the plan over the years (`years_withheld`): the levels hidden here, and the yearly
totals that add them up, are withheld there too. Nothing here changes a figure; it only says which
cells to hide. Pure: no Click, no Rich, no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

WITHHELD = "[c]"
TOTAL, ORGANISATION = "total", "organisation"     # row names beside the level ids

# Counts of people read from the staff list: shown as <N when under N, by kind of row.
PRIMARY = {"role": ("headcount", "already_trained", "gap"), "capacity": ("headcount", "already_trained")}
COUNTS = ("headcount", "already_trained", "gap", "staff_in_post")
# Every figure of a level row worked out from its people (rule 2), dose hours and coverage being policy.
ROW = ("headcount", "fte", "target_people", "already_trained", "gap", "training_hours", "cohorts",
       "facilitator_hours", "annual_upkeep_people", "annual_upkeep_hours")
FROM_GAP = ("already_trained", "gap", "training_hours", "cohorts", "facilitator_hours")
FROM_TARGET = ("gap", "annual_upkeep_people", "annual_upkeep_hours")
# Figures of the totals row that add up the level rows (rule 3); the headcount total is the staff
# in post (rule 4).
SUMMED = ("target_people", "already_trained", "gap", "training_hours", "cohorts", "facilitator_hours",
          "annual_upkeep_people", "annual_upkeep_hours")
_NEVER = float("inf")

Cell = tuple  # (group or None, row: a level id, TOTAL or ORGANISATION, figure name)


def legend(below: int) -> str:
    return (f"<{below}: a count of fewer than {below} people, not shown; {WITHHELD}: withheld, because it "
            f"would give such a count away (a figure worked out from it, or a total that adds it up).")


def suppression(planset, below: int | None) -> dict[Cell, str]:
    """{(group, row, figure): marker} for every cell to hide; {} when below is None."""
    if not below:
        return {}
    plans = (planset.whole,) + tuple(planset.groups)
    marks: dict[Cell, str] = {}
    for plan in plans:                                   # rule 1
        if plan.organisation["staff_in_post"].value < below:
            _mark(marks, (plan.group, ORGANISATION, "staff_in_post"), f"<{below}")
        for lp in plan.levels:
            for name in PRIMARY[lp.kind]:
                if lp[name] < below:
                    _mark(marks, (plan.group, lp.level, name), f"<{below}")
    tables = _tables(planset)
    size = -1
    while size != len(marks):                            # each pass only adds marks, so this ends
        size = len(marks)
        for plan in plans:
            _derived(plan, marks)                        # rule 2
            _totals(plan, marks)                         # rule 3
        for table in tables:
            table.protect(marks, below)                  # rule 4
    return marks


def _mark(marks: dict, cell: Cell, marker: str = WITHHELD) -> None:
    """Mark a cell (and the cell that is the same number under another name) if not marked yet."""
    group, row, name = cell
    for same in (cell,) + _ALIASES.get((row, name), lambda g: ())(group):
        marks.setdefault(same, marker)


# The same number under two names: a plan's staff in post is its headcount total.
_ALIASES = {
    (ORGANISATION, "staff_in_post"): lambda g: ((g, TOTAL, "headcount"),),
    (TOTAL, "headcount"): lambda g: ((g, ORGANISATION, "staff_in_post"),),
}


def _derived(plan, marks) -> None:
    """Rule 2: withhold what is worked out from a hidden figure, row by row."""
    g = plan.group

    def hidden(row, name):
        return (g, row, name) in marks

    if hidden(ORGANISATION, "staff_in_post"):
        _mark(marks, (g, ORGANISATION, "fte"))
    for lp in plan.levels:
        row = lp.level
        if lp.kind == "role" and hidden(row, "headcount"):
            names = ROW
        else:
            names = set()
            if lp.kind == "capacity" and (hidden(row, "headcount") or hidden(row, "already_trained")):
                names |= {"headcount", "already_trained", "fte"}        # the existing coaches or experts are both
            if lp.kind == "capacity" and hidden(ORGANISATION, "staff_in_post"):
                names.add("target_people")                             # ratios of the staff in post
            if hidden(row, "target_people") or "target_people" in names:
                names |= set(FROM_TARGET)
            if names & {"already_trained", "gap"} or hidden(row, "already_trained") or hidden(row, "gap"):
                names |= set(FROM_GAP)
            if hidden(row, "annual_upkeep_people"):
                names.add("annual_upkeep_hours")
        for name in names:
            if name in lp.figures:
                _mark(marks, (g, row, name))


def _totals(plan, marks) -> None:
    """Rule 3: a total with a hidden member is withheld, and so is the time to close the gap worked out from it."""
    g = plan.group
    for name in SUMMED:
        if any((g, lp.level, name) in marks for lp in plan.levels):
            _mark(marks, (g, TOTAL, name))
    for name in ("gap", "already_trained"):             # the role levels' people still to train, already trained
        if f"role_{name}" in plan.totals and any((g, lp.level, name) in marks for lp in plan.levels if lp.kind == "role"):
            _mark(marks, (g, TOTAL, f"role_{name}"))
    if (g, TOTAL, "training_hours") in marks or (g, TOTAL, "annual_upkeep_hours") in marks:
        _mark(marks, (g, TOTAL, "years_to_close_gap"))


# -- rule 4: the sums of people ------------------------------------------------------------------

@dataclass
class _Entry:
    """One cell of the additive tables: a number a reader may know, and what they know of it."""

    cell: Cell                  # its mark key
    value: int
    sign: int                   # +1 for an inner cell or the grand total, -1 for a margin (each line sums to 0)
    cost: float                 # of withholding it
    primary: bool               # a count of people, so a withheld one is known to be N or more
    lower: int = 0              # known besides: a --by group has someone in post


@dataclass
class _Table:
    """People ("h": the role levels', summed in the staff in post) and people trained ("t": every
    level's, summed in the totals' trained) as one table: rows are the --by groups and the whole
    organisation, columns the levels and the total. Written as a table whose every line sums to 0
    (margins negated), a move of +d, -d around a rectangle of cells changes no sum; it moves an
    untrained person ("h"), a person's training ("t") or a trained person (both). In a role level
    the people trained stay within its people."""

    rows: list
    cols: list
    cells: dict = field(default_factory=dict)          # (row, col, "h" or "t") -> _Entry
    free_columns: bool = False                         # one row (no --by): columns are not sums

    def protect(self, marks: dict, below: int) -> None:
        for key in sorted(self.cells, key=str):
            if self.cells[key].cell not in marks:
                continue
            best = self._best(key, marks, below)
            if best is None:      # no rectangle can be completed: withhold every cell of the table but the grand total
                for other in self.cells.values():
                    if other.cost != _NEVER:
                        _mark(marks, other.cell)
            else:
                for k in best[1]:
                    _mark(marks, self.cells[k].cell)

    def _best(self, key, marks: dict, below: int):
        """The cheapest move through the cell that it can make, as (cost of the cells it would withhold,
        move); cost 0 when they are all hidden already; None when there is none."""
        r, c, f = key
        best = None

        def cost(move):
            return sum(self.cells[k].cost for k in move if self.cells[k].cell not in marks)

        singles = sorted(((cost(m), i, m) for i, m in enumerate(self._single(r, c, f))), key=lambda x: x[:2])
        for price, _, move in singles:
            if best is not None and price >= best[0]:
                break
            if price < _NEVER and any(self._feasible(move, d, marks, below) for d in (1, -1)):
                best = (price, move)
        other = "t" if f == "h" else "h"
        if (best is not None and best[0] == 0) or (r, c, other) not in self.cells or c == TOTAL:
            return best
        # A trained person moved: people and people trained each go round a rectangle of their own
        # (needed where the cell has nobody untrained to give, or no room for one).
        pairs = sorted(((cost(m), i, m) for i, m in enumerate(self._single(r, c, other))), key=lambda x: x[:2])
        for d in (1, -1):
            mine = [(p, m) for p, _, m in singles if p < _NEVER and self._feasible(m, d, marks, below, {(r, c, other): 1})]
            theirs = [(p, m) for p, _, m in pairs if p < _NEVER and self._feasible(m, d, marks, below, {(r, c, f): 1})]
            for p1, a in mine:
                if best is not None and p1 >= best[0]:
                    break
                for p2, b in theirs:
                    move = {**a, **b}
                    price = cost(move)
                    if (best is None or price < best[0]) and self._feasible(move, d, marks, below):
                        best = (price, move)
                        if price == 0:
                            return best
        return best

    def _single(self, r, c, f):
        """Moves of one count round a rectangle (without --by: a pair of levels) through (r, c)."""
        if self.free_columns:
            shapes = (((r, c, 1), (r, c2, -1)) for c2 in self.cols if c2 != c)
        else:
            shapes = (((r, c, 1), (r, c2, -1), (r2, c, -1), (r2, c2, 1))
                      for r2 in self.rows if r2 != r for c2 in self.cols if c2 != c)
        for shape in shapes:
            move = {(rr, cc, f): step for rr, cc, step in shape}
            if all(k in self.cells for k in move):
                yield move

    def _feasible(self, move: dict, d: int, marks: dict, below: int, also: dict | None = None) -> bool:
        """Whether moving by d keeps every cell within what a reader knows of it: a <N count under N, a
        withheld count at N or more, a role level's people trained among its people (`also`: steps of
        the other count assumed, for that check only)."""
        for key, step in move.items():
            e = self.cells[key]
            value = e.value + d * step * e.sign
            small = marks.get(e.cell, WITHHELD) == f"<{below}"
            low = max(e.lower, 0 if small or not e.primary else below)
            high = below - 1 if small else _NEVER
            if not low <= value <= high:
                return False
        steps = {**(also or {}), **move}
        for (r, c, f) in steps:
            if c != TOTAL and (r, c, "h") in self.cells and (r, c, "t") in self.cells:
                h, t = self.cells[(r, c, "h")], self.cells[(r, c, "t")]
                if h.value + d * steps.get((r, c, "h"), 0) * h.sign < t.value + d * steps.get((r, c, "t"), 0) * t.sign:
                    return False
        return True


_COSTS = {"inner": 1, "group": 20, "whole": 50}


def _tables(planset) -> list[_Table]:
    """The table of people and people trained, with the staff in post and the totals of people trained."""
    whole, groups = planset.whole, tuple(planset.groups)
    rows = [g.group for g in groups] + [None]
    plans = {g.group: g for g in groups} | {None: whole}
    table = _Table(rows, [lp.level for lp in whole.levels] + [TOTAL], free_columns=not groups)
    for r in rows:
        plan = plans[r]
        inner = r is not None or not groups
        sign, cost = (1 if inner else -1), _COSTS["inner" if r is not None or not groups else "whole"]
        for lp in plan.levels:
            if lp.kind == "role":
                table.cells[(r, lp.level, "h")] = _Entry((r, lp.level, "headcount"), lp["headcount"], sign, cost, True)
            table.cells[(r, lp.level, "t")] = _Entry((r, lp.level, "already_trained"), lp["already_trained"], sign,
                                                     cost, True)
        staff, trained = plan.organisation["staff_in_post"].value, plan.totals["already_trained"].value
        if r is not None:
            table.cells[(r, TOTAL, "h")] = _Entry((r, ORGANISATION, "staff_in_post"), staff, -1, _COSTS["group"], True, 1)
            table.cells[(r, TOTAL, "t")] = _Entry((r, TOTAL, "already_trained"), trained, -1, _COSTS["inner"], False)
        else:
            corner = 1 if groups else -1
            table.cells[(r, TOTAL, "h")] = _Entry((r, ORGANISATION, "staff_in_post"), staff, corner, _NEVER, True)
            table.cells[(r, TOTAL, "t")] = _Entry((r, TOTAL, "already_trained"), trained, corner, _COSTS["inner"], False)
    return [table]


# -- reading the marks ---------------------------------------------------------------------------

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


def hidden_levels(marks: dict, group=None) -> frozenset[str]:
    """Levels of a plan (the whole organisation's by default) with a hidden cell."""
    return frozenset(row for g, row, _ in marks if g == group and row not in (TOTAL, ORGANISATION))


# -- notes ---------------------------------------------------------------------------------------

BOARD_WITHHELD = ("The board's figures are withheld (see the legend). Non-executive directors are often not in "
                  "the staff list (ESR): check that it includes the board.")
EXPERTS_WITHHELD = ("The internal quality experts in post are withheld (see the legend): face-to-face training "
                    "they facilitate is limited by how many there are, and grows as experts are trained (they "
                    "teach from the year after).")


def plan_notes(plan, marks: dict) -> list[str]:
    """The plan's notes as published: a note that depends on a hidden figure is left out (said without
    the number, whether it is there at all would still tell something of it)."""
    if not marks:
        return list(plan.notes)
    out = [str(note) for note in plan.notes
           if not any((plan.group, row, name) in marks for row, name in getattr(note, "figures", ()))]
    if plan.group is None and (None, "board", "headcount") in marks:
        out.insert(0, BOARD_WITHHELD)   # whatever the board's count, so its presence tells nothing
    return out


@dataclass(frozen=True)
class YearsWithheld:
    """What of the plan over the years (whole organisation) a published paper withholds.

    When the plan hides a cell of any level: that level's figures, every level's that draws on what
    the hidden levels draw on too (the learning budget, when one is set; the internal experts'
    facilitator hours, for face-to-face training they teach), since what one level is given of
    them depends on what the others took; and the yearly totals and the totals over the years,
    which add the levels up. Which levels these are follows from the policy and the options, never
    from a count, so what is withheld tells nothing either."""

    levels: frozenset = frozenset()
    totals: bool = False

    def entry(self, year: int, level: str) -> bool:
        return level in self.levels

    def outcome(self, level: str) -> bool:
        return level in self.levels

    def __bool__(self) -> bool:
        return bool(self.levels or self.totals)


def years_withheld(traj, marks: dict) -> YearsWithheld:
    hidden = hidden_levels(marks)
    if traj is None or not hidden:
        return YearsWithheld()
    shares = traj.shares or {}
    shared = {r for lid in hidden for r in shares.get(lid, ())}
    return YearsWithheld(frozenset(hidden | {lid for lid, r in shares.items() if shared & set(r)}), True)


def trajectory_statements(traj, withheld: YearsWithheld) -> list[str]:
    """The trajectory's statements as published: one per level (left out when its target year is
    withheld), then the budget that would reach every target (left out when the totals are)."""
    levels = list(traj.outcomes)
    out = [s for lid, s in zip(levels, traj.statements) if not withheld.outcome(lid)]
    if not withheld.totals:
        out += list(traj.statements[len(levels):])
    return out


def trajectory_notes(traj, withheld: YearsWithheld, marks: dict) -> list[str]:
    """The trajectory's notes as published: a note that depends on a withheld figure (a yearly total, a
    total of the plan, a hidden level's count) is left out."""
    if not withheld:
        return list(traj.notes)
    out = [str(note) for note in traj.notes
           if not any((row == "years_totals" and withheld.totals) or (None, row, name) in marks
                      for row, name in getattr(note, "figures", ()))]
    if "internal_experts" in withheld.levels and traj.year_totals and \
            traj.year_totals[0]["facilitator_hours_available"].value is not None:
        out.insert(0, EXPERTS_WITHHELD)   # whatever the experts' count, so its presence tells nothing
    return out
