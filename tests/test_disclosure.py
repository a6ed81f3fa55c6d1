"""`--suppress-below N`: no hidden count of people can be worked out from what a published plan shows.

Three ways of checking it, from the reader's side:

- **attack**: a reader who knows the policy (printed in the paper's appendix) enumerates, for every
  level, the (people, trained) that agree with its shown cells and markers (each candidate's figures
  worked out by the engine's own formulas), and combines the levels so that every shown total and the
  staff in post agree. A hidden count with a single consistent value is recovered (a reviewer's
  attack.py, which recovered a board's hidden gap from the totals: gap 10 in all and 1,005 hours =
  15b + 30s + 180e has one solution);
- **witness**: for every hidden count, an organisation that differs in that count (one person moved
  between two hidden cells, or around a rectangle of them) and publishes exactly the same plan;
- **twins**: two staff lists that differ only in hidden counts give the same published output, in
  every format.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import itertools
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import DATA, invoke
from qidose import config as config_mod
from qidose import plan as plan_mod
from qidose.census import FTE_UNIT, Census
from qidose.pipeline import Request, build, read_staff
from qidose.render import json_
from qidose.render.suppress import suppression

SMALL = DATA / "staff_small.csv"
AS_OF = dt.date(2026, 10, 1)
PRIMARY = {"role": ("headcount", "already_trained", "gap"), "capacity": ("headcount", "already_trained")}
FIG = ("headcount", "target_people", "already_trained", "gap", "training_hours", "cohorts", "facilitator_hours",
       "annual_upkeep_people", "annual_upkeep_hours")
HEADER = ["Employee Number", "Full Name", "Directorate", "Job Role", "Position Title", "Grade", "Assignment Status",
          "FTE", "Start Date", "QI Role", "QI Training"]
KINDS = {  # who a row is: job role, title, grade, and the training that covers the level's dose
    "board": ("Non Executive Director", "Non Executive Director", "", "Introduction to QI;Board QI development"),
    "senior_leaders": ("Senior Manager", "Head of Service", "Band 8C", "Introduction to QI;Measurement for Improvement"),
    "middle_managers": ("Ward Manager", "Ward Manager", "Band 7",
                        "Introduction to QI;Measurement for Improvement;Improvement Leaders Programme"),
    "all_staff": ("Staff Nurse", "Staff Nurse", "Band 5", "Introduction to QI"),
}


def staff_list(path: Path, groups: dict[str, dict[str, tuple[int, int]]], flagged: dict[str, dict[str, int]] = None):
    """A staff list: groups -> level -> (people, of whom trained); flagged: group -> QI role -> people
    (taken from the group's untrained all-staff people)."""
    rows, n = [], 40000000
    for group, levels in groups.items():
        roles = [r for role, count in (flagged or {}).get(group, {}).items() for r in [role] * count]
        for level, (people, trained) in levels.items():
            job, title, grade, course = KINDS[level]
            for i in range(people):
                n += 1
                role = roles.pop() if level == "all_staff" and i >= trained and roles else ""
                rows.append([n, f"Quuxley, Mr. Zebedee{n}", group, job, title, grade, "Active Assignment", "1",
                             "01/01/2015", role, course if i < trained else ""])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


# -- the attack ----------------------------------------------------------------------------------

def attack(planset, published: dict, below: int) -> list[str]:
    """Hidden counts of people a reader recovers from one published plan (whole or group) at a time."""
    config, organisation = planset.config, planset.organisation
    found = []
    for plan, data in [(planset.whole, published)] + list(zip(planset.groups, published.get("groups", []))):
        org = data["organisation"]
        staffs = [org["staff_in_post"]] if org["staff_in_post"] is not None else list(range(1, below))
        used = defaultdict(set)
        for staff in staffs:
            for level, rows in _solve(config, organisation, data, staff, org["services"], below).items():
                used[level] |= rows
        for lv in data["levels"]:
            for name, mark in lv.get("suppressed", {}).items():
                if name in PRIMARY[lv["kind"]] or (name == "target_people" and lv["kind"] == "role"):
                    values = {dict(zip(FIG, row))[name] for row in used[lv["level"]]}
                    if len(values) == 1:
                        found.append(f"{plan.group or 'whole'} / {lv['level']} / {name} shown {mark!r} = {values.pop()}")
    return found


def _candidates(config, organisation, lv: dict, staff: int, services: int, below: int) -> list[tuple]:
    """Every row of figures a level could have, given its shown cells and markers."""
    sup, kind, level = lv.get("suppressed", {}), lv["kind"], config.levels[lv["level"]]

    def ok(name, value):
        if name in sup:
            small = sup[name].startswith("<")
            return value < below if small else (value >= below or name not in PRIMARY[kind])
        return lv[name] is None or abs(lv[name] - value) < 1e-9

    def counts(name, top):
        if lv.get(name) is not None:
            return [lv[name]]
        return [v for v in range(0, top + 1) if ok(name, v)]

    out = []
    for h in counts("headcount", staff):
        for t in ([h] if kind == "capacity" else counts("already_trained", h)):
            census = Census()
            census.headcount[level.id], census.already_trained[level.id] = h, t
            if lv.get("fte") is not None:
                census.fte_units[level.id] = round(lv["fte"] * FTE_UNIT)
            lp = plan_mod._level_plan(config, level, organisation, census, staff, services, organisation.turnover.value)
            row = tuple(lp[name] for name in FIG)
            if all(ok(name, value) for name, value in zip(FIG, row)):
                out.append(row)
    return out


def _solve(config, organisation, data: dict, staff: int, services: int, below: int) -> dict[str, set]:
    """level -> the candidate rows that take part in a combination agreeing with every shown total."""
    shown = [i for i, name in enumerate(FIG) if data["totals"].get(name) is not None and name != "headcount"]
    kinds = {lv["level"]: lv["kind"] for lv in data["levels"]}
    layers, states = [], {(0,) * (1 + len(shown)): None}
    for lv in data["levels"]:
        rows = _candidates(config, organisation, lv, staff, services, below)
        step = defaultdict(list)
        for s in states:
            for i, row in enumerate(rows):
                key = ((s[0] + row[0]) if kinds[lv["level"]] == "role" else s[0],) + tuple(
                    s[1 + j] + row[k] for j, k in enumerate(shown))
                step[key].append((s, i))
        layers.append((lv["level"], rows, step))
        states = step
        assert len(states) < 2_000_000, "too many states for the test"
    target = (staff,) + tuple(data["totals"][FIG[k]] for k in shown)
    frontier = {s for s in states if s[0] == target[0] and all(abs(a - b) < 1e-6 for a, b in zip(s[1:], target[1:]))}
    used = {}
    for level, rows, step in reversed(layers):
        back, picked = set(), set()
        for s in frontier:
            for prev, i in step[s]:
                back.add(prev)
                picked.add(rows[i])
        used[level] = picked
        frontier = back
    return used


@pytest.fixture(scope="module")
def small_org(tmp_path_factory):
    """A reviewer's fixture, smaller: 3 board members, none trained; 40 senior leaders, 38 trained; ..."""
    return staff_list(tmp_path_factory.mktemp("org") / "staff.csv",
                      {"Surgery": {"board": (3, 0), "senior_leaders": (40, 38), "middle_managers": (60, 20),
                                   "all_staff": (197, 50)}},
                      {"Surgery": {"Quality Coach": 10}})


def publish(path, below, by=None, years=None, **characteristics):
    planset = build(Request(str(path), by=by, as_of=AS_OF, years=years,
                            characteristics={"turnover": 0.1, **characteristics}))
    return planset, json_.to_dict(planset, below)


def test_the_attack_recovers_no_hidden_count_from_the_whole_organisation(small_org):
    planset, published = publish(small_org, 5)
    assert any(lv.get("suppressed") for lv in published["levels"])           # the board's counts are hidden
    assert attack(planset, published, 5) == []


def test_the_attack_recovers_no_hidden_count_with_a_learning_budget(small_org):
    planset, published = publish(small_org, 5, learning_hours=20000)          # years to close the gap: a total too
    assert attack(planset, published, 5) == []


def test_the_attack_recovers_no_hidden_count_of_a_group(tmp_path):
    path = staff_list(tmp_path / "staff.csv", {
        "Surgery": {"board": (2, 0), "senior_leaders": (12, 9), "middle_managers": (30, 10), "all_staff": (90, 20)},
        "Medicine": {"board": (1, 1), "senior_leaders": (3, 1), "middle_managers": (25, 24), "all_staff": (80, 30)},
        "Estates": {"senior_leaders": (1, 0), "middle_managers": (4, 2), "all_staff": (30, 3)}},
        {"Surgery": {"Quality Coach": 3, "QI Lead": 1}, "Medicine": {"Quality Coach": 6}})
    planset, published = publish(path, 5, by="Directorate")
    assert attack(planset, published, 5) == []


# -- witnesses -----------------------------------------------------------------------------------

def _moves(target, fields, hidden: set, kinds: dict, by: bool):
    """Ways to move one count (`fields`: ('headcount',) an untrained person, ('already_trained',) a person's
    training; a capacity level's existing people are both) between hidden census cells, one of them
    `target` (group, level): each a list of (group or None, level, fields, step)."""
    group, level = target

    def has(g, lv):
        return all((g, lv, x) in hidden for x in (("headcount", "already_trained") if kinds[lv] == "capacity"
                                                  else fields))
    if not has(group, level):
        return
    for step in (1, -1):
        yield [(group, level, fields, step)]
    others = sorted({(g, lv) for g, lv, _ in hidden if (g, lv) != target and has(g, lv)}, key=str)
    for g, lv in others:                      # a pair: another level of the group, or the level in another group
        if not by or g == group or lv == level:
            for step in (1, -1):
                yield [(group, level, fields, step), (g, lv, fields, -step)]
    if by:                                    # a rectangle: two levels of two groups
        for (g1, l1), (g2, l2) in itertools.product(others, others):
            if g1 == group and l1 != level and g2 != group and l2 == level and has(g2, l1):
                for step in (1, -1):
                    yield [(group, level, fields, step), (g1, l1, fields, -step), (g2, level, fields, -step),
                           (g2, l1, fields, step)]


def _world(staff, move, kinds):
    """The staff list's census with the move made (the whole organisation's too, with --by); None if impossible."""
    alt = copy.deepcopy(staff)
    for group, level, fields, step in move:
        for census in [alt.whole] if group is None else [alt.groups[group], alt.whole]:
            for f in ("headcount", "already_trained") if kinds[level] == "capacity" else fields:
                getattr(census, f)[level] += step
    for census in [alt.whole] + list(alt.groups.values()):
        for level, kind in kinds.items():
            if census.headcount[level] < 0 or census.already_trained[level] < 0 or \
                    (kind == "role" and census.already_trained[level] > census.headcount[level]):
                return None
    return alt


def witnesses(path, below: int, by=None, years=None, **characteristics) -> tuple[list, int]:
    """Hidden counts of people with no other organisation publishing the same plan, and how many were checked.

    The other organisation is the staff list's census with one person moved between hidden cells,
    planned by the engine and published with the same cells hidden; it must publish exactly the same
    JSON (every value, working and note)."""
    request = Request(str(path), by=by, as_of=AS_OF, years=years, characteristics={"turnover": 0.1, **characteristics})
    config = config_mod.load(None)
    staff, records = read_staff(request, config)
    planset = build(request, config, staff_read=(staff, records))
    marks = suppression(planset, below)
    published = json_.to_dict(planset, below)
    kinds = {lp.level: lp.kind for lp in planset.whole.levels}
    hidden = {(g, r, n) for g, r, n in marks if r in kinds and n in ("headcount", "already_trained")}
    movable = {c for c in hidden if by is None or c[0] is not None}
    groups = {p.group: i for i, p in enumerate(planset.groups)}

    def same(move) -> dict | None:
        """The other organisation's plans ({group: Plan}) when it publishes the same, else None."""
        alt = _world(staff, move, kinds)
        if alt is None:
            return None
        touched = {g for g, *_ in move}
        if years is not None:
            other = build(request, config, staff_read=(alt, records))
            if json_.to_dict(other, below, marks=marks) != published:
                return None
            return {p.group: p for p in (other.whole,) + other.groups}
        out = {None: plan_mod.make_plan(config, planset.organisation, alt.whole)}
        if json_._suppressed(json_.plan_dict(out[None], config), out[None], marks) != \
                {k: v for k, v in published.items() if k in ("organisation", "levels", "totals", "notes")}:
            return None
        for g in touched - {None}:
            out[g] = plan_mod.make_plan(config, planset.organisation, alt.groups[g], group=g)
            if json_._suppressed(json_.plan_dict(out[g], config), out[g], marks) != published["groups"][groups[g]]:
                return None
        return out

    def changes(move, level, field) -> bool:             # the whole organisation's count changes
        return sum(step for _, lv, fields, step in move if lv == level and
                   (field in fields or kinds[lv] == "capacity")) != 0

    true = {}
    for plan in (planset.whole,) + tuple(planset.groups):
        true[(plan.group, "organisation", "staff_in_post")] = plan.organisation["staff_in_post"].value
        true[(plan.group, "total", "already_trained")] = plan.totals["already_trained"].value
        for lp in plan.levels:
            for name in ("headcount", "already_trained"):
                true[(plan.group, lp.level, name)] = lp[name]

    def shown_the_same(move) -> bool:
        """A quick look before planning it: the sums a move changes are hidden, and its cells keep their markers."""
        delta = defaultdict(int)
        for g, lv, fields, step in move:
            for f in ("headcount", "already_trained") if kinds[lv] == "capacity" else fields:
                for plan in {g, None}:
                    delta[(plan, lv, f)] += step
                    if f == "already_trained":
                        delta[(plan, "total", "already_trained")] += step
                    elif kinds[lv] == "role":
                        delta[(plan, "organisation", "staff_in_post")] += step
        for key, d in delta.items():
            if not d:
                continue
            if key not in marks:
                return False
            value, small = true[key] + d, marks[key] == f"<{below}"
            if value < 0 or (small and value >= below) or (not small and key[1] != "total" and value < below):
                return False
        return True

    def differs(plans, group, level, field) -> bool:
        return plans is not None and (field != "gap" or plans[group].level(level)["gap"] != true[(group, level, "gap")])

    missing = []
    targets = sorted(hidden | {(g, r, n) for g, r, n in marks if n == "gap" and kinds.get(r) == "role"}, key=str)
    for group, level, field in targets:
        for plan in (planset.whole,) + tuple(planset.groups):
            true[(plan.group, level, "gap")] = plan.level(level)["gap"]
        starts = sorted({(g, lv) for g, lv, _ in movable if lv == level}, key=str) \
            if by is not None and group is None else [(group, level)]

        def moves(fields):
            return [m for start in starts for m in _moves(start, fields, movable, kinds, by is not None)
                    if (by is None or group is not None or field == "gap" or changes(m, level, field))
                    and shown_the_same(m)]
        counts = ("headcount", "already_trained") if field == "gap" else (field,)
        found = any(differs(same(m), group, level, field) for f in counts for m in moves((f,)))
        if not found and kinds[level] == "role":         # a trained person: each count round its own rectangle
            mine, theirs = moves(("headcount",)), moves(("already_trained",))
            found = any(differs(same(a + b), group, level, field) for a in mine for b in theirs
                        if a[0][:2] == b[0][:2] and a[0][3] == b[0][3] and _world(staff, a + b, kinds) is not None)
        if not found:
            missing.append((group, level, field))
    return missing, len(targets)


def test_every_hidden_count_of_the_whole_organisation_could_be_another(small_org):
    missing, checked = witnesses(small_org, 5)
    assert checked and missing == []


def test_every_hidden_count_over_the_years_could_be_another(small_org):
    missing, checked = witnesses(small_org, 5, years=3)
    assert checked and missing == []


@pytest.mark.parametrize("below", [3, 5])
def test_every_hidden_count_of_every_directorate_could_be_another(below):
    missing, checked = witnesses(SMALL, below, by="Directorate")
    assert checked > 20 and missing == []


# -- twins ---------------------------------------------------------------------------------------

def outputs(path, *options) -> dict[str, str]:
    out = {}
    for fmt in ("json", "markdown", "csv", "table"):
        result = invoke(["plan", path, "--as-of", "2026-10-01", "--turnover", "0.1", "--suppress-below", "5",
                         *options, "--format", fmt])
        assert result.code == 0, result.stderr
        out[fmt] = result.stdout.replace(str(path), "staff.csv")
    return out


@pytest.mark.parametrize("options", [(), ("--years", "3"), ("--years", "3", "--learning-hours", "6000")])
def test_a_board_of_none_and_a_board_of_one_publish_the_same_plan(tmp_path, options):
    """One senior leader or one board member: the staff in post, the trained people, every total the
    same; the board's row is hidden either way, so nothing published may differ (it did: the note
    'No board members were found ... the board's figures are 0' and the totals)."""
    base = {"senior_leaders": (40, 38), "middle_managers": (60, 20), "all_staff": (197, 50)}
    none = staff_list(tmp_path / "a" / "staff.csv", {"Surgery": {"board": (0, 0), **base}})
    one = staff_list(tmp_path / "b" / "staff.csv",
                     {"Surgery": {"board": (1, 0), **base, "senior_leaders": (39, 38)}})
    assert outputs(none, *options) == outputs(one, *options)


@pytest.mark.parametrize("experts", [1, 2])
def test_no_expert_and_a_few_experts_publish_the_same_plan_over_the_years(tmp_path, experts):
    """'Year 1: ... of 600 facilitator hours (2 experts)' and 'No internal experts are in post at the
    start' gave a hidden count of experts away."""
    base = {"Surgery": {"board": (3, 0), "senior_leaders": (40, 38), "middle_managers": (60, 20),
                        "all_staff": (197, 50)}}
    none = staff_list(tmp_path / "a" / "staff.csv", base, {"Surgery": {"Quality Coach": 10}})
    some = staff_list(tmp_path / "b" / "staff.csv", base, {"Surgery": {"Quality Coach": 10, "QI Lead": experts}})
    assert outputs(none, "--years", "3") == outputs(some, "--years", "3")
