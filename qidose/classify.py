"""Membership rules: a staff record -> an organisational level.

Every function here works on one distinct value (or one distinct combination of values)
and is cached by the caller, so a 1.6-million-row file runs the rules a few thousand times.
"""

from __future__ import annotations

import re

from qidose.config import CAPACITY_LEVELS, Config, fold

_BAND = re.compile(r"(?:^|[^0-9a-z])(?:band|xr|b)?\s*0?([1-9])\s*([a-d])?(?![0-9a-z])")


def band_code(raw: str, words: dict[str, frozenset[str]]) -> str | None:
    """'Band 8A', '8a', 'NHS|XR05|Review Body Band 5', 'Apprentice/Band 1' -> '8a', '5', '1'.

    Words such as 'Medical' or 'Very Senior Manager' map through the config's band_words.
    Returns None for a value it cannot read (the caller counts those).
    """
    folded = fold(raw)
    if not folded:
        return None
    for code, options in words.items():
        if folded in options:
            return code
    text = raw.lower()
    found = list(_BAND.finditer(text))
    # Prefer an explicit "band N" (ESR writes 'Review Body Band 5' after the 'XR05' code).
    explicit = [m for m in found if "band" in text[max(0, m.start() - 6):m.end()]]
    for m in explicit[:1] or found[-1:]:
        if m.group(1) == "8":
            return "8" + m.group(2) if m.group(2) else None   # band 8 needs its letter, a-d
        return m.group(1)
    return None


class Classifier:
    """Applies the config's membership rules; caches by distinct combination."""

    def __init__(self, config: Config):
        self.config = config
        self.rank = {lid: lvl.rank for lid, lvl in config.levels.items() if lvl.kind == "role"}
        self.fallback = "all_staff"
        self.qi_roles = {fold(word): lid for lid in CAPACITY_LEVELS for word in config.levels[lid].qi_role}
        self.recorded = {}
        for mid, module in config.modules.items():
            for word in module.recorded_as:
                self.recorded.setdefault(fold(word), set()).add(mid)

    def level(self, staff_group: str, job_role: str, position_title: str, band: str | None) -> str:
        """The highest role level any rule matches, or all_staff."""
        role, group = fold(job_role), fold(staff_group)
        for rule in self.config.membership:
            if (role in rule.job_role or group in rule.staff_group or band in rule.band
                    or any(p.search(position_title) for p in rule.position_title)):
                return rule.level
        return self.fallback

    def qi_role(self, raw: str) -> str | None:
        """The capacity level a QI role value flags, if any."""
        return self.qi_roles.get(fold(raw))

    def trained_modules(self, raw: str) -> tuple[frozenset[str], tuple[str, ...]]:
        """Modules a QI training value records as done, and the parts not recognised."""
        done: set[str] = set()
        unknown = []
        for part in raw.split(self.config.staff_list.training_separator):
            key = fold(part)
            if not key:
                continue
            if key in self.recorded:
                done |= self.recorded[key]
            else:
                unknown.append(part.strip())
        return frozenset(done), tuple(unknown)

    def covers(self, trained: frozenset[str], level_id: str) -> bool:
        modules = self.config.levels[level_id].modules
        return bool(modules) and all(m in trained for m in modules)
