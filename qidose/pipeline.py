"""staff file -> people -> levels -> plan: the one path every command takes.

No Click and no Rich: the CLI passes plain values in and gets a ``PlanSet`` back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from qidose import config as config_mod
from qidose import organisation as org_mod
from qidose import staff as staff_mod
from qidose.config import Config
from qidose.diagnostics import Diagnostics
from qidose.organisation import Organisation
from qidose.plan import Plan, make_plan
from qidose.staff_file import ReadOptions


@dataclass(frozen=True)
class PlanSet:
    """The whole organisation's plan, one per --by group, and what they were made from."""

    whole: Plan
    groups: tuple[Plan, ...]
    config: Config
    organisation: Organisation
    source: dict[str, Any]            # the staff list: file, rows, columns used, as_of
    diagnostics: Diagnostics
    by: str | None = None
    extra_notes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Request:
    staff: str
    config: str | None = None
    org: str | None = None
    characteristics: dict[str, Any] = field(default_factory=dict)   # from options: turnover, maturity, ...
    read: ReadOptions = ReadOptions()
    by: str | None = None
    as_of: dt.date | None = None


def build(request: Request, config: Config | None = None) -> PlanSet:
    config = config or config_mod.load(request.config)
    profile = org_mod.load_profile(request.org)
    staff = staff_mod.read(request.staff, config, request.read, by=request.by, as_of=request.as_of)
    whole = staff.whole
    estimate = org_mod.estimate_turnover(whole.joiners, whole.dated, whole.people, staff.as_of)
    organisation = org_mod.resolve(config, profile, request.characteristics, estimate)
    plan = make_plan(config, organisation, whole)
    groups = tuple(make_plan(config, organisation, census, group=value)
                   for value, census in sorted(staff.groups.items()))
    source = {
        "file": staff.source,
        "rows_read": staff.rows_read,
        "rows_in_post": staff.rows_in_post,
        "people_in_post": whole.people,
        "columns": staff.columns,
        "as_of": staff.as_of.isoformat(),
        "config": config.path,
    }
    return PlanSet(plan, groups, config, organisation, source, staff.diagnostics, request.by)
