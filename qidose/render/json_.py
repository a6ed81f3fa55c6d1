"""JSON: every figure's value, and its basis (formula, working, config keys with line and source)."""

from __future__ import annotations

import json

from qidose.plan import Figure, Plan


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


def to_dict(planset) -> dict:
    out = plan_dict(planset.whole, planset.config)
    out["source"] = planset.source
    out["warnings"] = planset.diagnostics.lines()
    if planset.by is not None:
        out["by"] = planset.by
        out["groups"] = [plan_dict(g, planset.config) for g in planset.groups]
    return out


def render(planset) -> str:
    return json.dumps(to_dict(planset), indent=2, ensure_ascii=False) + "\n"
