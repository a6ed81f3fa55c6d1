"""The organisation's characteristics, and where each value came from.

In rising priority: the config's default, an estimate from the staff list (turnover only),
an organisation profile (--org org.yaml), a command-line option. Each value keeps its
origin so the plan can say "12% turnover (from --turnover)".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qidose.config import LARGEST, MOST_SERVICES, Config, rate_of, shown_number
from qidose.config_check import Checker
from qidose.errors import ConfigError, UsageError

PROFILE_KEYS = ("name", "turnover", "learning_hours", "maturity", "leadership_commitment", "services")
# Read by the trajectory (plan --years, compare), not by the plan: kept out of `Organisation`.
RESOURCE_KEYS = ("hourly_cost", "facilitator_hours_per_expert")
MIN_DATED = 0.5   # share of people with a start date needed to estimate turnover from them


@dataclass(frozen=True)
class Setting:
    """One organisational characteristic's value and where it came from."""

    value: Any
    origin: str          # "config default", "estimated from start dates", "org.yaml line 3", "--turnover"
    key: str | None      # the config key of the default, when it is one


@dataclass(frozen=True)
class Organisation:
    """The organisation's characteristics for this plan, each with where it came from."""

    name: Setting
    turnover: Setting
    learning_hours: Setting
    maturity: Setting
    leadership_commitment: Setting
    services: Setting    # a count set by hand, or None to count the service column

    def settings(self) -> dict[str, Setting]:
        return {k: getattr(self, k) for k in PROFILE_KEYS}


def parse_turnover(text: Any, where: str) -> float:
    """'12%', '0.12' or 0.12 -> 0.12. Raises UsageError naming `where`."""
    raw = str(text).strip()
    try:
        value = rate_of(raw)
    except ValueError:
        raise UsageError(f"{where}: {raw!r} is not a rate; write it as 0.12 or 12%") from None
    if not 0 <= value < 1:
        hint = f" (did you mean {value:g}%?)" if 1 <= value <= 100 and not raw.endswith("%") else ""
        raise UsageError(f"{where}: {raw} is out of range: a yearly leaver rate is from 0 to under 1 (0% to under 100%){hint}")
    return value


def load_profile(path: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    """Values and their origins ("org.yaml line 3") from an organisation profile."""
    if path is None:
        return {}, {}
    from qidose import yamlfile   # PyYAML only when there is a profile to read
    data, lines = yamlfile.load(Path(path))
    checker = Checker(path, lines)
    data = checker.mapping(data if data is not None else {}, (), optional=PROFILE_KEYS + RESOURCE_KEYS)
    checker.raise_problems("running the command again checks them")
    values, origins = {}, {}
    for key, value in data.items():
        origin = f"{Path(path).name} line {lines.get((key,), '?')}"   # a name, not a path: papers are published
        try:
            values[key] = check_setting(key, value, origin)
        except UsageError as e:
            raise ConfigError(str(e)) from None
        origins[key] = origin
    return values, origins


def setting_from_text(key: str, raw: str, where: str) -> Any:
    """A number typed on the command line (--services, --learning-hours, --set key=value), checked as a
    profile's is; kept as typed (12 stays 12, 12.0 a float) so a message shows it so."""
    try:
        number = int(raw) if raw.lstrip("+-").isdecimal() else float(raw)
    except ValueError:
        raise UsageError(f"{where}: {key} must be a number, found {raw!r}") from None
    return check_setting(key, number, where)


def check_setting(key: str, value: Any, where: str) -> Any:
    """A profile's (or --set's) value for `key`, checked; raises UsageError naming `where`."""
    if value is None:
        return None
    if key == "turnover":
        return parse_turnover(value, where)
    if key in ("learning_hours", "services") + RESOURCE_KEYS:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            hint = " (read as text: write a plain number such as 12 or 1000000, without quotes)" \
                if isinstance(value, str) else ""
            raise UsageError(f"{where}: {key} must be a number, found {shown_number(value)!r}{hint}")
        if key == "services":   # a count, as --services takes it
            if not 0 <= value <= MOST_SERVICES or value != int(value):
                raise UsageError(f"{where}: services must be a whole number from 0 to {MOST_SERVICES:,}, "
                                 f"found {shown_number(value)}")
            return int(value)
        if not 0 <= value <= LARGEST:
            raise UsageError(f"{where}: {key} must be a number from 0 to {LARGEST:g}, found {shown_number(value)}")
        return value
    if not isinstance(value, str):
        raise UsageError(f"{where}: {key} must be a word, found {value!r} (quote it)")
    return value


def resolve(config: Config, profile: tuple[dict, dict], options: dict[str, Any],
            estimate: tuple[float, str] | None) -> Organisation:
    """Merge defaults < estimate < profile < options, checking words against the config."""
    values, origins = profile
    out = {}
    for key in PROFILE_KEYS:
        char = config.characteristics.get(key)
        setting = Setting(char.default if char else None, "config default" if char else "not set",
                          f"characteristics.{key}.default" if char else None)
        if key == "turnover" and estimate is not None:
            setting = Setting(estimate[0], estimate[1], None)
        if values.get(key) is not None:
            setting = Setting(values[key], origins[key], None)
        if options.get(key) is not None:
            setting = Setting(options[key], "--" + key.replace("_", "-"), None)
        if char is not None and char.values is not None and setting.value not in char.values:
            choices = ", ".join(char.values)
            message = f"{setting.origin}: {key.replace('_', ' ')} {setting.value!r} is not one of {choices} (the words in {config.path})"
            raise (UsageError if setting.origin.startswith("--") else ConfigError)(message)
        out[key] = setting
    return Organisation(**out)


def estimate_turnover(joiners: int, dated: int, people: int, as_of) -> tuple[float, str] | None:
    """Joiners in the last 12 months as a share of people: a proxy for the leaver rate."""
    if people == 0 or dated < MIN_DATED * people or joiners == 0:
        return None
    rate = joiners / dated
    return rate, (f"estimated from start dates: {joiners:,} of {dated:,} dated people in post started in the "
                  f"12 months to {as_of:%d %b %Y} (joiners stand in for leavers; give --turnover to override)")
