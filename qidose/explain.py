"""`qidose explain`: every figure of the plan with its derivation, for a sceptical reader.

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
    """The explanation as plain data: the whole organisation, then each --by group."""
    if level is not None:
        check_level(level)
    return {
        "config": planset.config.path,
        "source": planset.source,
        "by": planset.by,
        "plans": [_plan(plan, planset.config, level) for plan in (planset.whole,) + tuple(planset.groups)],
    }


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
    return "\n".join(out).rstrip("\n") + "\n"


def _block(title: str, figures: list[dict]) -> list[str]:
    out = [title, "-" * len(title)]
    for f in figures:
        out.append(f"  {f['figure']} = {_value(f['value'])}")
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


def _value(value) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool) or isinstance(value, str):
        return str(value)
    return num(value)
