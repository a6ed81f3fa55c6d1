"""staff file -> people -> levels -> plan: the one path every command takes.

No Click and no Rich: the CLI passes plain values in and gets a ``PlanSet`` back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from qidose import config as config_mod
from qidose import organisation as org_mod
from qidose import staff as staff_mod
from qidose.config import Config
from qidose.diagnostics import Diagnostics
from qidose.organisation import Organisation, Setting
from qidose.plan import Plan, make_plan
from qidose.staff_file import ReadOptions

if TYPE_CHECKING:   # loaded only when --trained or --years asks for them (start-up time)
    from qidose.records import Records
    from qidose.trajectory import Resources, Trajectory


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
    trajectory: Trajectory | None = None       # --years N: the whole organisation's plan over the years
    records: Records | None = None            # --trained FILE: what the training-records file gave

    def warning_lines(self) -> list[str]:
        """Warnings about the inputs: the staff list's, then the training records'."""
        return self.diagnostics.lines() + (self.records.diagnostics.lines() if self.records else [])


@dataclass(frozen=True)
class Request:
    """What the command line asked for: the staff list, the policy, the profile and the options."""

    staff: str
    config: str | None = None
    org: str | None = None
    characteristics: dict[str, Any] = field(default_factory=dict)   # from options: turnover, maturity, ...
    read: ReadOptions = ReadOptions()
    by: str | None = None
    as_of: dt.date | None = None
    years: int | None = None                  # --years N: add the trajectory over N years
    trained: str | None = None                # --trained FILE: a training-records file
    engine: str = "auto"                      # --engine: auto, python or duckdb (qidose/fastpath.py)
    jobs: int | None = None                   # --jobs N: processes for the python engine (qidose/ranges.py)


def read_staff(request: Request, config: Config, progress=None) -> tuple[staff_mod.StaffList, Records | None]:
    """The staff list, with the training-records file's modules added when one is given."""
    records = None
    if request.trained is not None:   # "" is a mistake to say, not no file
        from qidose import records as records_mod
        records = records_mod.read(request.trained, config, request.read)
    staff = _staff_list(request, config, records.trained if records else None, progress)
    if records is not None:
        records.matched(staff.unmatched_records)
    return staff, records


def _staff_list(request: Request, config: Config, trained, progress) -> staff_mod.StaffList:
    """The plain path, or for a large plain CSV file the fast path (duckdb, when installed): the same
    StaffList either way. The fast path hands anything unusual back to the plain path, saying why under -v."""
    from qidose import fastpath
    reason = None
    if fastpath.wanted(request.staff, request.engine):
        try:
            return fastpath.read(request.staff, config, request.read, by=request.by, as_of=request.as_of,
                                 trained=trained, progress=progress)
        except fastpath.Fallback as e:
            reason = str(e)
    staff = staff_mod.read(request.staff, config, request.read, by=request.by, as_of=request.as_of, trained=trained,
                           jobs=request.jobs, progress=progress)
    if reason is not None:
        staff.diagnostics.note(f"{staff.source}: read by the plain path, not duckdb ({reason})")
    return staff


def resources(profile: tuple[dict, dict]) -> Resources:
    """What a profile (or scenario) sets for the trajectory: hourly_cost, facilitator_hours_per_expert."""
    from qidose.trajectory import Resources
    values, origins = profile
    return Resources(**{k: Setting(values[k], origins[k], None) for k in org_mod.RESOURCE_KEYS
                        if values.get(k) is not None})


def build(request: Request, config: Config | None = None, staff_read: tuple | None = None,
          profile: tuple[dict, dict] | None = None, progress=None) -> PlanSet:
    """Plan from a request. `compare` passes the staff list read once (`read_staff`) and each
    scenario's profile."""
    config = config or config_mod.load(request.config)
    profile = profile if profile is not None else org_mod.load_profile(request.org)
    staff, records = staff_read if staff_read is not None else read_staff(request, config, progress)
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
    if records is not None:
        source["training_records"] = records.summary()
    trajectory = None
    if request.years is not None:
        from qidose.trajectory import make_trajectory
        trajectory = make_trajectory(config, plan, organisation, request.years, resources(profile))
    return PlanSet(plan, groups, config, organisation, source, staff.diagnostics, request.by,
                   trajectory=trajectory, records=records)
