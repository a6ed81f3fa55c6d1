"""A census: how many people of each level a staff list holds, and what they have done.

Counts only, never personal data. Both ways of reading a list (rows.py, and the duckdb fast path)
count people into a census through `add_people`, so they cannot disagree on what a person adds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from qidose.classify import Classifier
from qidose.config import CAPACITY_LEVELS, ROLE_LEVELS

FTE_UNIT = 10000             # FTE is kept in ten-thousandths


@dataclass
class Census:
    """What a staff list says about one group of people: counts only, no personal data."""

    headcount: Counter = field(default_factory=Counter)        # level -> people
    fte_units: Counter = field(default_factory=Counter)        # level -> FTE in ten-thousandths, summed exactly
    already_trained: Counter = field(default_factory=Counter)  # level -> people whose training covers the dose
    services: set = field(default_factory=set)                 # distinct service values, as `place` folds them
    joiners: int = 0                                           # people who started in the 12 months to as_of
    dated: int = 0                                             # people with a readable start date

    @property
    def fte(self) -> Counter:
        """level -> FTE."""
        return Counter({lid: units / FTE_UNIT for lid, units in self.fte_units.items()})

    @property
    def people(self) -> int:
        return sum(self.headcount[lid] for lid in ROLE_LEVELS)


def place(service: str, group: str) -> tuple[str, str]:
    """A row's service and --by group as they are counted: one service however its spaces (a no-break
    space inside it) or capitals are typed, one group however its spaces are ('Acute\u00a0Medicine' is
    'Acute Medicine'). Both engines place rows through here."""
    return " ".join(service.split()).casefold(), " ".join(group.split())


def add_people(classifier: Classifier, whole: Census, groups: dict[str, Census] | None, level: str, fte_units: int,
               role: str | None, trained: frozenset[str], service: str, group: str, count: int, dated: int,
               joiners: int) -> None:
    """Count `count` people of one role level, QI role, training, service and start into the census
    (and their --by group's, when `groups` is given). Both engines count through here."""
    capacity = next((lid for lid in reversed(CAPACITY_LEVELS)   # the deepest capacity level they are in
                     if role == lid or classifier.covers(trained, lid)), None)
    for census in (whole,) if groups is None else (whole, groups.setdefault(group, Census())):
        for lid in (level,) if capacity is None else (level, capacity):
            census.headcount[lid] += count
            census.fte_units[lid] += fte_units   # whole units: the same sum in any order, in any process
        if classifier.covers(trained, level):
            census.already_trained[level] += count
        if capacity is not None:
            census.already_trained[capacity] += count
        if service:
            census.services.add(service)
        census.dated += dated
        census.joiners += joiners
