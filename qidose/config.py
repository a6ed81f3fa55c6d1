"""Load a dosing policy (config/doses.yaml) into frozen dataclasses.

`load` reads the YAML (or, when the policy is the shipped one word for word, its parsed copy
`doses.parsed`, which spares importing PyYAML) and hands the data to `config_check.py`, which checks
it and builds the ``Config``, reporting every problem with the file, the YAML line and the key path.
This module also holds the dataclasses every other module reads, the policy's vocabulary (levels,
bands, the fields of a staff list) and the config keys of the numbers the plan uses, each of which
should cite a source (`numbered_keys`, `unsourced_warnings`).
"""

from __future__ import annotations

import marshal
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEVEL_IDS = ("board", "senior_leaders", "middle_managers", "all_staff", "quality_coaches", "internal_experts")
ROLE_LEVELS = ("board", "senior_leaders", "middle_managers", "all_staff")
CAPACITY_LEVELS = ("quality_coaches", "internal_experts")
STAFF_FIELDS = ("employee_id", "assignment", "staff_group", "job_role", "position_title", "band", "fte", "status",
                "service", "start_date", "qi_role", "qi_training")
BAND_CODES = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9", "medical", "vsm")
DELIVERIES = ("virtual", "face_to_face")
LEVERS = {"role": "coverage", "capacity": "capacity"}


@dataclass(frozen=True)
class Module:
    """A dose module: one course of the science of improvement, its hours and how it is delivered."""

    id: str
    label: str
    hours: float
    delivery: str
    cohort_size: int | None
    facilitators_per_cohort: int
    recorded_as: tuple[str, ...]


@dataclass(frozen=True)
class Capacity:
    """How many quality coaches or internal quality experts an organisation needs, by size and services."""

    per_1000_staff: float
    per_service: float
    minimum: int


@dataclass(frozen=True)
class Level:
    """An organisational level: a role level (board, senior leaders, ...) or a capacity level (coaches, experts)."""

    id: str
    label: str
    kind: str                      # "role" or "capacity"
    rank: int                      # role levels: 1 is the highest
    includes: tuple[str, ...]
    own_modules: tuple[str, ...]
    modules: tuple[str, ...]       # the whole dose, included levels' modules first
    coverage: float | None         # role levels
    capacity: Capacity | None      # capacity levels
    qi_role: tuple[str, ...]       # capacity levels: QI role column values that flag a person


@dataclass(frozen=True)
class Effect:
    """How one value of an organisational characteristic changes a level's coverage or capacity."""

    characteristic: str
    value: str
    level: str
    lever: str                     # "coverage" or "capacity"
    factor: float
    source: str
    key: str                       # where it is in the config, e.g. characteristics.maturity.values.starting[0]


@dataclass(frozen=True)
class Characteristic:
    """An organisational characteristic (maturity, turnover, ...), its default and its effects."""

    name: str
    default: Any
    values: dict[str, tuple[Effect, ...]] | None   # None for numeric characteristics


@dataclass(frozen=True)
class Rule:
    """A membership rule: the job roles, staff groups, bands and position titles that put a person in a level."""

    level: str
    job_role: frozenset[str]
    staff_group: frozenset[str]
    band: frozenset[str]
    position_title: tuple[re.Pattern, ...]


@dataclass(frozen=True)
class StaffListRules:
    """How a staff list is read: column names, statuses in post and out of it, band words, training separator."""

    columns: dict[str, tuple[str, ...]]
    in_post: frozenset[str]
    band_words: dict[str, frozenset[str]]
    training_separator: str
    never_group_by: frozenset[str] = frozenset()   # folded header names --by refuses (personal data)
    not_in_post: frozenset[str] | None = None     # folded statuses out of post; others not in post are warned about


MAX_YEARS = 50                     # the longest trajectory qidose works out (--years, start_year)


@dataclass(frozen=True)
class Step:
    """A level's place in the trajectory sequence; each value with its config key."""
    start_year: int
    pace: float | None             # share of the level's headcount a year on top of new starters; None: no cap
    start_key: str
    pace_key: str | None


@dataclass(frozen=True)
class TrajectoryRules:
    """The plan over the years: the order levels are trained in, their start years and paces."""

    priority: tuple[str, ...]
    steps: dict[str, Step]
    maturity: dict[str, dict[str, dict[str, tuple]]]   # maturity word -> level -> {name: (value, config key)}
    maturity_priority: dict[str, tuple[str, ...]]      # maturity word -> another priority order
    facilitator_hours_per_expert: float | None         # None: facilitation is not a limit
    delivered_externally: tuple[str, ...]

    def sequence(self, maturity: str | None) -> tuple[tuple[str, ...], str, dict[str, Step]]:
        """(priority, its config key, level -> step) as this maturity word makes them."""
        steps = dict(self.steps)
        for lid, changes in self.maturity.get(maturity, {}).items():
            base = steps[lid]
            start = changes.get("start_year", (base.start_year, base.start_key))
            pace = changes.get("pace", (base.pace, base.pace_key))
            steps[lid] = Step(start[0], pace[0], start[1], pace[1])
        if maturity in self.maturity_priority:
            return self.maturity_priority[maturity], f"trajectory.maturity.{maturity}.priority", steps
        return self.priority, "trajectory.priority", steps


@dataclass(frozen=True)
class Costs:
    """Backfill estimates: the cost of an hour of training, by level."""

    currency: str
    hourly_cost: dict[str, float]  # level -> backfill cost of an hour of training (an estimate)


@dataclass(frozen=True)
class Config:
    """The whole policy, checked: every number qidose uses, with its config key, line and source."""

    path: str
    hours_per_day: float
    modules: dict[str, Module]
    levels: dict[str, Level]
    characteristics: dict[str, Characteristic]
    staff_list: StaffListRules
    membership: tuple[Rule, ...]   # by rank, highest first
    sources: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    trajectory: TrajectoryRules | None = None        # the `trajectory:` block (plan --years, compare)
    costs: Costs | None = None                       # the `costs:` block (backfill estimates)
    records_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)   # `training_records.columns`

    @property
    def role_order(self) -> tuple[str, ...]:
        """The role levels by rank, highest first: a person with several rows is in the first one any row reaches."""
        return tuple(sorted((lid for lid in ROLE_LEVELS if lid in self.levels), key=lambda lid: self.levels[lid].rank))

    @property
    def membership_levels(self) -> frozenset[str]:
        return frozenset(rule.level for rule in self.membership)

    def source(self, key: str) -> str:
        return self.sources.get(key, "no source given in the config")

    def dose_hours(self, level_id: str) -> float:
        return sum(self.modules[m].hours for m in self.levels[level_id].modules)


def fold(text: str) -> str:
    """The matching form of a header or value: lower case, letters and digits only."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


def default_path() -> Path:
    """The policy shipped with qidose (inside the wheel, or config/ in a source tree)."""
    here = Path(__file__).resolve().parent
    packaged = here / "doses.yaml"
    return packaged if packaged.exists() else here.parent / "config" / "doses.yaml"


# The shipped policy as yamlfile.load reads it, with the text it was read from (made by
# write_parsed_policy; tests/test_config.py checks it is current). It spares loading PyYAML, a fifth
# of qidose's start-up, whenever the policy in use is the shipped one, unedited.
PARSED_POLICY = Path(__file__).resolve().parent / "doses.parsed"


LARGEST = 1e12   # no count, hour or cost qidose reads is larger: a number beyond it is a typing error
MOST_SERVICES = 1_000_000   # --services and a profile's services: a count of services, not an amount


def shown_number(value: float) -> str:
    """A number for a message, however many digits it was typed with."""
    text = str(value)
    return text if len(text) <= 24 else f"{text[:12]}... ({len(text)} digits)"


def load(path: Path | str | None = None) -> Config:
    from qidose.config_check import Checker   # it imports this module's dataclasses: imported here, not at the top
    path = default_path() if path is None else Path(path)
    data, lines = _read(path)
    return Checker(str(path), lines).config(data)


def _read(path: Path) -> tuple[Any, dict[tuple, int]]:
    """(data, lines) of a policy file: from the parsed copy when the file's text is the shipped
    policy's, word for word; otherwise (or at any doubt) by reading the YAML."""
    from_yaml = None   # read once: the file may be a pipe (--config <(...))
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")   # as read_text
    except OSError:
        from_yaml = {}   # yamlfile says what is wrong with it
    except UnicodeDecodeError as e:
        from qidose import yamlfile
        raise yamlfile.not_utf8(str(path), e) from None
    else:
        try:
            made_from, data, lines = marshal.loads(PARSED_POLICY.read_bytes())
            if text == made_from:
                return data, lines
        except (OSError, ValueError, EOFError, TypeError):
            pass
        from_yaml = {"text": text}
    from qidose import yamlfile
    return yamlfile.load(path, **from_yaml)


def write_parsed_policy(path: Path | None = None) -> bytes:
    """The parsed copy of the shipped policy (or of `path`), as PARSED_POLICY holds it."""
    from qidose import yamlfile
    path = path or default_path()
    return marshal.dumps((path.read_text(encoding="utf-8-sig"), *yamlfile.load(path)), 4)


def rate_of(text: Any) -> float:
    """A rate as --turnover, a profile and the policy take it: '12%' -> 0.12, '0.12' or 0.12 -> 0.12.
    Raises ValueError for anything else."""
    raw = str(text).strip()
    return float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)


def numbered_keys(config: Config) -> list[str]:
    """The config keys that hold a number the plan uses (each should have a source)."""
    keys = ["hours_per_day"]
    for mid, module in config.modules.items():
        keys.append(f"modules.{mid}.hours")
        if module.delivery == "face_to_face":
            keys += [f"modules.{mid}.cohort_size", f"modules.{mid}.facilitators_per_cohort"]
    for lid, level in config.levels.items():
        if level.kind == "role":
            keys.append(f"levels.{lid}.coverage")
        else:
            keys += [f"levels.{lid}.capacity.{k}" for k in ("per_1000_staff", "per_service", "minimum")]
    for name, char in config.characteristics.items():
        if char.default is not None:
            keys.append(f"characteristics.{name}.default")
        for effects in (char.values or {}).values():
            keys += [e.key for e in effects]
    if config.trajectory is not None:
        rules = config.trajectory
        for step in rules.steps.values():
            keys += [step.start_key] + ([step.pace_key] if step.pace is not None else [])
        for levels in rules.maturity.values():
            keys += [key for changes in levels.values() for value, key in changes.values() if value is not None]
        if rules.facilitator_hours_per_expert is not None:
            keys.append("trajectory.facilitator_hours_per_expert")
    if config.costs is not None:
        keys += [f"costs.hourly_cost.{lid}" for lid in config.costs.hourly_cost]
    return keys


def unsourced_numbers(config: Config) -> list[str]:
    return [k for k in numbered_keys(config) if not config.sources.get(k, "").strip()
            or config.sources[k] == "no source given"]


def source_place(key: str) -> str:
    """Where the source of a numbered key is written: an effect takes `source:`; every other number is named
    under its block's `sources:` (capacity's and hourly_cost's numbers under their level's or costs')."""
    if re.search(r"^characteristics\.[^.]+\.values\..+\[\d+\]$", key):
        return "add `source:` to this effect"
    parent, _, name = key.rpartition(".")
    if parent.endswith((".capacity", ".hourly_cost")) or parent in ("costs.hourly_cost",):
        parent = parent.rpartition(".")[0]
    return f"add `{name}:` under `{parent + '.sources' if parent else 'sources'}`"


def unsourced_warnings(config: Config) -> list[str]:
    """check-config's warnings: each number without a source, with its line and where its source goes."""
    return [f"{config.path} line {config.lines.get(key, '?')}: {key} has no source; {source_place(key)} "
            f"(or say 'assumption: why')" for key in unsourced_numbers(config)]
