"""`qidose explain`: every figure of the plan with its derivation, for a sceptical reader.

With --years N it also explains the plan over the years: each level's place in the sequence,
every figure of every year and level, each year's totals, when each level reaches its target.

For each figure: the value, the formula in words, the working with the numbers put in (the
engine's own ``Figure.working``, so the numbers are the plan's, not recomputed here), and each
config key it used with its YAML line and the source the config cites. Pure: no Click.
"""

from __future__ import annotations

import difflib
import json
import textwrap

from qidose.config import LEVEL_IDS
from qidose.errors import UsageError
from qidose.plan import Figure, Plan, num
from qidose.render.json_ import basis

_WIDTH = 100


def figure_dict(name: str, figure: Figure, config) -> dict:
    return {"figure": name, "value": figure.value, **basis(figure, config)}


def check_level(level: str) -> None:
    if level not in LEVEL_IDS:
        close = difflib.get_close_matches(level, LEVEL_IDS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise UsageError(f"--level {level}: not a level{hint} (levels: {', '.join(LEVEL_IDS)})")


def explain(planset, level: str | None = None) -> dict:
    """The explanation as plain data: the whole organisation, then each --by group, then (--years)
    the whole organisation's plan over the years."""
    if level is not None:
        check_level(level)
    out = {
        "config": planset.config.path,
        "source": planset.source,
        "by": planset.by,
        "plans": [_plan(plan, planset.config, level) for plan in (planset.whole,) + tuple(planset.groups)],
    }
    if planset.trajectory is not None:
        out["trajectory"] = _trajectory(planset.trajectory, planset.config, level)
    return out


def _trajectory(traj, config, level: str | None) -> dict:
    """Every figure of the plan over the years, as the engine worked it out (the same as
    `plan --years N --format json`). With --level, only that level's figures."""
    def mine(lid):
        return level in (None, lid)

    out = {
        "years": traj.years,
        "sequence": [{"level": s.level, "label": s.label, "priority": s.priority,
                      "figures": [figure_dict("start_year", s.start_year, config), figure_dict("pace", s.pace, config)]}
                     for s in traj.sequence if mine(s.level)],
        "entries": [{"year": e.year, "level": e.level, "label": e.label, "limited_by": e.limited_by,
                     "figures": [figure_dict(n, f, config) for n, f in e.figures.items()]}
                    for e in traj.entries if mine(e.level)],
        "target_year": [figure_dict(lid, f, config) for lid, f in traj.outcomes.items() if mine(lid)],
    }
    if level is None:
        out["years_totals"] = [{"year": i, "figures": [figure_dict(n, f, config) for n, f in t.items()]}
                               for i, t in enumerate(traj.year_totals, 1)]
        out["totals"] = [figure_dict(n, f, config) for n, f in traj.totals.items()]
    out["statements"] = list(traj.statements)
    out["notes"] = list(traj.notes)
    return out


def _plan(plan: Plan, config, level: str | None) -> dict:
    out = {"group": plan.group,
           "organisation": [figure_dict(n, f, config) for n, f in plan.organisation.items()],
           "levels": [{"level": lp.level, "label": lp.label, "kind": lp.kind,
                       "figures": [figure_dict(n, f, config) for n, f in lp.figures.items()]}
                      for lp in plan.levels if level in (None, lp.level)]}
    if level is None:
        out["totals"] = [figure_dict(n, f, config) for n, f in plan.totals.items()]
    out["notes"] = list(plan.notes)
    return out


def render_json(data: dict) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_text(data: dict) -> str:
    out = [f"Policy: {data['config']}", f"Staff list: {data['source']['file']} (as at {data['source']['as_of']})", ""]
    for plan in data["plans"]:
        heading = "Whole organisation" if plan["group"] is None else f"{data['by']}: {plan['group']}"
        out += [heading, "=" * len(heading), ""]
        out += _block("Organisation (the inputs every level uses)", plan["organisation"])
        for lp in plan["levels"]:
            out += _block(f"{lp['label']} ({lp['level']}, {lp['kind']} level)", lp["figures"])
        if "totals" in plan:
            out += _block("Totals", plan["totals"])
        out += [f"Note: {note}" for note in plan["notes"]]
        if plan["notes"]:
            out.append("")
    if "trajectory" in data:
        out += _trajectory_text(data["trajectory"])
    return "\n".join(out).rstrip("\n") + "\n"


def _trajectory_text(traj: dict) -> list[str]:
    n = traj["years"]
    heading = f"Over the next {n} year{'' if n == 1 else 's'} (whole organisation)"
    out = [heading, "=" * len(heading), ""]
    for s in traj["sequence"]:
        out += _block(f"{s['label']} ({s['level']}): place {s['priority']} in the sequence", s["figures"], "no cap")
    labels = {s["level"]: s["label"] for s in traj["sequence"]}
    totals = {t["year"]: t["figures"] for t in traj.get("years_totals", [])}
    for year in range(1, n + 1):
        for e in (e for e in traj["entries"] if e["year"] == year):
            held = f", held back by {e['limited_by']}" if e["limited_by"] else ""
            out += _block(f"Year {year}: {e['label']} ({e['level']}{held})", e["figures"], "none")
        if year in totals:
            out += _block(f"Year {year}: all levels", totals[year], "no limit")
    out += _block("When each level reaches its target (target_year: the first year from which its backlog stays 0)",
                  [{**f, "figure": f"{labels.get(f['figure'], f['figure'])} ({f['figure']})"} for f in traj["target_year"]],
                  "never")
    if "totals" in traj:
        out += _block(f"Totals over the {n} year{'' if n == 1 else 's'}", traj["totals"], "none")
    out += [f"Note: {line}" for line in traj["statements"] + traj["notes"]]
    return out


def _block(title: str, figures: list[dict], none: str = "not set") -> list[str]:
    out = [title, "-" * len(title)]
    for f in figures:
        out.append(f"  {f['figure']} = {_value(f['value'], none)}")
        out += _wrapped("formula: ", f["formula"])
        out += _wrapped("working: ", f["working"])
        for k in f["keys"]:
            line = f"line {k['line']}" if k["line"] else "no line"
            out += _wrapped("from:    ", f"{k['key']} ({line}): {k['source'] or 'no source cited (a rule, not a number)'}")
    out.append("")
    return out


def _wrapped(label: str, text: str) -> list[str]:
    return textwrap.wrap(text, _WIDTH, initial_indent="      " + label, subsequent_indent=" " * (6 + len(label)),
                         break_on_hyphens=False, break_long_words=False) or ["      " + label.rstrip()]


def _value(value, none: str = "not set") -> str:
    if value is None:
        return none
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    return num(value)
