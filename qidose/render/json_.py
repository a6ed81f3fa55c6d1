"""JSON: every figure's value, and its basis (formula, working, config keys with line and source)."""

from __future__ import annotations

import json

from qidose.plan import Figure, Plan
from qidose.render.suppress import WITHHELD, legend, plan_notes, suppression


def basis(figure: Figure, config) -> dict:
    return {
        "formula": figure.formula,
        "working": figure.working,
        "keys": [{"key": key, "line": config.lines.get(key), "source": config.sources.get(key)}
                 for key in figure.keys],
    }


def plan_dict(plan: Plan, config) -> dict:
    out = {}
    if plan.group is not None:
        out["group"] = plan.group
    out["organisation"] = {name: fig.value for name, fig in plan.organisation.items()}
    out["organisation"]["basis"] = {name: basis(fig, config) for name, fig in plan.organisation.items()}
    out["levels"] = [
        {"level": lp.level, "label": lp.label, "kind": lp.kind, "modules": list(lp.modules),
         **{name: fig.value for name, fig in lp.figures.items()},
         "basis": {name: basis(fig, config) for name, fig in lp.figures.items()}}
        for lp in plan.levels
    ]
    out["totals"] = {name: fig.value for name, fig in plan.totals.items()}
    out["totals"]["basis"] = {name: basis(fig, config) for name, fig in plan.totals.items()}
    out["notes"] = list(plan.notes)
    return out


def to_dict(planset, suppress_below: int | None = None, marks: dict | None = None) -> dict:
    """The plan as JSON data; `marks` (from render.suppress) hides cells as another plan's were hidden:
    a test of the suppression publishes a different organisation the same way."""
    marks = suppression(planset, suppress_below) if marks is None else marks
    out = _suppressed(plan_dict(planset.whole, planset.config), planset.whole, marks)
    out["source"] = planset.source
    out["warnings"] = planset.warning_lines()
    if planset.by is not None:
        out["by"] = planset.by
        out["groups"] = [_suppressed(plan_dict(g, planset.config), g, marks) for g in planset.groups]
    if suppress_below:
        out["suppression"] = {"below": suppress_below, "markers": {f"<{suppress_below}": "a count under "
                              f"{suppress_below}", WITHHELD: "withheld: it would give such a count away"},
                              "legend": legend(suppress_below)}
    if planset.trajectory is not None:
        from qidose.render.trajectory import json_section
        out.update(json_section(planset.trajectory, planset.config, marks))
    return out


def _suppressed(out: dict, plan: Plan, marks: dict) -> dict:
    """--suppress-below: a hidden figure's value becomes null, its marker goes in `suppressed`, and
    the workings that would show it (its row's, and its column total's) become null."""
    hidden_columns = set()
    rows = [(level["level"], level) for level in out["levels"]] + [("total", out["totals"]), ("organisation", out["organisation"])]
    for row, block in rows:
        hidden = {name: marks[(plan.group, row, name)] for name in block["basis"] if (plan.group, row, name) in marks}
        if hidden:
            block.update({name: None for name in hidden}, suppressed=hidden)
            for name, basis_ in block["basis"].items():
                if row not in ("total", "organisation") or name in hidden:
                    basis_["working"] = None
            hidden_columns |= set(hidden) if row not in ("total", "organisation") else set()
    for name in hidden_columns & set(out["totals"]["basis"]):
        out["totals"]["basis"][name]["working"] = None
    for name, short in (("role_gap", "gap"), ("role_already_trained", "already_trained")):
        if short in hidden_columns and name in out["totals"]["basis"]:
            out["totals"]["basis"][name]["working"] = None
    out["notes"] = plan_notes(plan, marks)
    return out


def render(planset, suppress_below: int | None = None) -> str:
    return json.dumps(to_dict(planset, suppress_below), indent=2, ensure_ascii=False) + "\n"
