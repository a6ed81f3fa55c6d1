"""Check a dosing policy's YAML data and build the ``Config`` from it: the ``Checker`` that `config.load` uses.

Every key, type and value is checked: unknown keys (with a did-you-mean) and missing ones, numbers
out of range, words not among those allowed, modules and levels that are not defined, cycles of
`includes`, bands and regular expressions that are not valid. A problem is reported with the file,
the YAML line and the key path, what was found and, where it can be said, the fix:
`my-doses.yaml line 14: modules.intro_workshop.cohort_sise: unknown key 'cohort_sise'; did you mean
'cohort_size'?`. Text that may be a line of a staff list (long, or with a comma) is described by its
length, never quoted. All problems are collected, in line order, before one ConfigError is raised,
so a hand-edited file is fixed in one pass. Organisation profiles and scenario files use the same
``Checker``.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

from qidose.config import (BAND_CODES, DELIVERIES, LARGEST, LEVEL_IDS, LEVERS, MAX_YEARS, ROLE_LEVELS, STAFF_FIELDS,
                           Capacity, Characteristic, Config, Costs, Effect, Level, Module, Rule, StaffListRules, Step,
                           TrajectoryRules, fold, numbered_keys, rate_of, shown_number)
from qidose.errors import ConfigError


class Checker:
    """Walks the YAML data, collecting every problem with its line."""

    def __init__(self, name: str, lines: dict[tuple, int]):
        self.name = name
        self.lines = lines
        self.problems: list[tuple[int, str]] = []
        self.sources: dict[str, str] = {}
        self.cycles: set[tuple[str, ...]] = set()   # include cycles reported (each once)

    # -- reporting ---------------------------------------------------------------------------
    def line(self, path: tuple) -> int:
        """The line of a key path, or of the nearest block around it that the file has (0: none)."""
        for cut in range(len(path), -1, -1):
            if path[:cut] in self.lines:
                return self.lines[path[:cut]]
        return 0

    def fail(self, path: tuple, message: str) -> None:
        line = self.line(path)
        self.problems.append((line, f"{self.name} line {line}: {_dotted(path) or 'the file'}: {message}"))

    def raise_problems(self, again: str = "`qidose check-config FILE` checks again") -> None:
        """One error for every problem found, in line order; `again`: how to check once they are fixed."""
        if self.problems:
            messages = [m for _, m in sorted(self.problems)]
            raise ConfigError("\n".join(messages) + f"\nFix the lines above; {again}.")

    # -- shapes ------------------------------------------------------------------------------
    def mapping(self, value: Any, path: tuple, required: tuple = (), optional: tuple = ()) -> dict:
        if not isinstance(value, dict):
            self.fail(path, f"expected a mapping of keys, found {_describe(value)}")
            return {}
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), sorted(allowed), n=1)
                did = f"; did you mean '{hint[0]}'?" if hint else f"; allowed: {', '.join(sorted(allowed))}"
                self.fail(path + (key,), f"unknown key '{key}'{did}")
        for key in required:
            if key not in value:
                self.fail(path, f"missing key '{key}'")
        return value

    def number(self, value: Any, path: tuple, low: float = 0, high: float | None = None,
               integer: bool = False, low_open: bool = False, high_open: bool = False,
               fraction: bool = False) -> float:
        """A number from low to high (LARGEST when None). `fraction`: a share of 1 (coverage, a pace, a rate),
        so 80 or '80%' gets 'did you mean 0.8?'."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(path, f"expected a number, found {_number_text(value, fraction) or _describe(value)}")
            return 0
        if value != value or value in (float("inf"), float("-inf")):
            self.fail(path, f"expected a finite number, found {value}")
            return 0
        if integer and value != int(value):
            self.fail(path, f"expected a whole number, found {value}")
        top = LARGEST if high is None else high
        if value < low or (low_open and value == low) or value > top or (high_open and value == top):
            bound = f"more than {low}" if low_open else f"at least {low}"
            upper = f"under {top:g}" if high_open else f"at most {top:g}"
            hint = f" (did you mean {value / 100:g}?)" if fraction and 2 <= value <= 100 else ""   # a percentage
            self.fail(path, f"{shown_number(value)} is out of range: expected {bound} and {upper}{hint}")
            return 0
        return int(value) if integer else float(value)

    def word(self, value: Any, path: tuple, choices: tuple | None = None) -> str:
        if not isinstance(value, str) or not value.strip():
            hint = " (YAML reads true/false as booleans: quote the word)" if isinstance(value, bool) else ""
            self.fail(path, f"expected a word, found {_describe(value)}{hint}")
            return ""
        if choices is not None and value not in choices:
            hint = difflib.get_close_matches(value, choices, n=1)
            did = f"; did you mean '{hint[0]}'?" if hint else ""
            self.fail(path, f"'{value}' is not one of {', '.join(choices)}{did}")
        return value

    def words(self, value: Any, path: tuple, choices: tuple | None = None) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.fail(path, f"expected a list, found {_describe(value)}")
            return ()
        return tuple(self.word(str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v,
                               path + (i,), choices) for i, v in enumerate(value))

    def take_sources(self, value: Any, path: tuple, keys: dict[str, str]) -> None:
        """`sources:` maps a key of this block to its citation; keys maps names to config keys."""
        sources = self.mapping(value, path, optional=tuple(keys))
        for name, text in sources.items():
            if name in keys:
                self.sources[keys[name]] = self.word(text, path + (name,))

    # -- the policy --------------------------------------------------------------------------
    def config(self, data: Any) -> Config:
        if data is None:
            raise ConfigError(f"{self.name}: the file is empty (or only comments); start from the shipped "
                              f"config/doses.yaml")
        if not isinstance(data, dict):
            raise ConfigError(f"{self.name} line 1: expected a mapping of keys (schema, modules, levels, ...), "
                              f"found {_describe(data)}")
        top = self.mapping(data, (), required=("schema", "modules", "levels", "characteristics", "staff_list", "membership"),
                           optional=("hours_per_day", "sources", "trajectory", "costs", "training_records"))
        if top.get("schema") not in (None, 1):
            self.fail(("schema",), f"schema {top.get('schema')!r} is not one this qidose reads (1)")
        hours_per_day = 0.0
        if "hours_per_day" in top:
            hours_per_day = self.number(top["hours_per_day"], ("hours_per_day",), low=0, low_open=True, high=24)
        else:   # a policy number: no default in code
            self.fail((), "missing key 'hours_per_day': the hours in a training day, which the dosing matrix divides "
                          "dose hours by to show days; add it with its source under `sources:`, as the shipped "
                          "config/doses.yaml has it")
        self.take_sources(top.get("sources", {}), ("sources",), {"hours_per_day": "hours_per_day"})
        modules = self.modules(top.get("modules", {}))
        levels = self.levels(top.get("levels", {}), modules)
        characteristics = self.characteristics(top.get("characteristics", {}), levels)
        staff_list = self.staff_list(top.get("staff_list", {}))
        membership = self.membership(top.get("membership", {}), levels, staff_list.band_words)
        trajectory = self.trajectory(top["trajectory"], characteristics) if "trajectory" in top else None
        costs = self.costs(top["costs"]) if "costs" in top else None
        records_columns = self.records_columns(top.get("training_records", {}), staff_list)
        self.raise_problems()
        config = Config(self.name, hours_per_day, modules, levels, characteristics, staff_list, membership,
                        self.sources, {_dotted(k): v for k, v in self.lines.items()},
                        trajectory=trajectory, costs=costs, records_columns=records_columns)
        for key in numbered_keys(config):   # a number left out (capacity's per_service): the line of its block
            block = key
            while block not in config.lines and block:
                block = re.sub(r"(\.[^.\[]*|\[\d+\])$", "", block) if re.search(r"[.\[]", block) else ""
            config.lines.setdefault(key, config.lines.get(block, self.lines.get((), 0)))
        return config

    def modules(self, value: Any) -> dict[str, Module]:
        out = {}
        for mid, spec in self.mapping(value, ("modules",), optional=tuple(value) if isinstance(value, dict) else ()).items():
            path = ("modules", mid)
            spec = self.mapping(spec, path, required=("hours", "delivery"),
                                optional=("label", "cohort_size", "facilitators_per_cohort", "recorded_as", "sources"))
            delivery = self.word(spec.get("delivery", "virtual"), path + ("delivery",), DELIVERIES)
            face = delivery == "face_to_face"
            for key in ("cohort_size", "facilitators_per_cohort"):
                if face and key not in spec:
                    self.fail(path, f"missing key '{key}' (face_to_face modules need it)")
            cohort = self.number(spec.get("cohort_size", 1), path + ("cohort_size",), low=1, integer=True)
            facilitators = self.number(spec.get("facilitators_per_cohort", 0), path + ("facilitators_per_cohort",), integer=True)
            out[mid] = Module(
                id=mid,
                label=self.word(spec.get("label", mid), path + ("label",)),
                hours=self.number(spec.get("hours", 0), path + ("hours",)),
                delivery=delivery,
                cohort_size=cohort if face else None,
                facilitators_per_cohort=facilitators if face else 0,
                recorded_as=self.words(spec.get("recorded_as", []), path + ("recorded_as",)),
            )
            keys = {k: f"modules.{mid}.{k}" for k in ("hours", "cohort_size", "facilitators_per_cohort")}
            self.take_sources(spec.get("sources", {}), path + ("sources",), keys)
        if not out:
            self.fail(("modules",), "no modules defined")
        return out

    def levels(self, value: Any, modules: dict[str, Module]) -> dict[str, Level]:
        specs = self.mapping(value, ("levels",), required=LEVEL_IDS)
        raw = {}
        for lid in LEVEL_IDS:
            if lid not in specs:
                continue
            path = ("levels", lid)
            kind = "role" if lid in ROLE_LEVELS else "capacity"
            extra = ("rank", "coverage") if kind == "role" else ("capacity", "qi_role")
            spec = self.mapping(specs[lid], path, required=("kind", "dose") + extra[:1 if kind == "capacity" else 2],
                                optional=("label", "sources") + extra)
            self.word(spec.get("kind", kind), path + ("kind",), (kind,))
            dose = self.mapping(spec.get("dose", {}), path + ("dose",), optional=("includes", "modules"))
            includes = self.words(dose.get("includes", []), path + ("dose", "includes"), LEVEL_IDS)
            own = self.words(dose.get("modules", []), path + ("dose", "modules"), tuple(modules) or None)
            coverage = capacity = None
            source_keys = {}
            if kind == "role":
                coverage = self.number(spec.get("coverage", 1), path + ("coverage",), high=1, fraction=True)
                source_keys["coverage"] = f"levels.{lid}.coverage"
            else:
                cap = self.mapping(spec.get("capacity", {}), path + ("capacity",), required=("per_1000_staff",),
                                   optional=("per_service", "minimum"))
                capacity = Capacity(
                    per_1000_staff=self.number(cap.get("per_1000_staff", 0), path + ("capacity", "per_1000_staff"), high=1000),
                    per_service=self.number(cap.get("per_service", 0), path + ("capacity", "per_service")),
                    minimum=self.number(cap.get("minimum", 0), path + ("capacity", "minimum"), integer=True),
                )
                for k in ("per_1000_staff", "per_service", "minimum"):
                    source_keys[k] = f"levels.{lid}.capacity.{k}"
            self.take_sources(spec.get("sources", {}), path + ("sources",), source_keys)
            raw[lid] = dict(
                id=lid, label=self.word(spec.get("label", lid), path + ("label",)), kind=kind,
                rank=self.number(spec.get("rank", 0), path + ("rank",), low=1, integer=True) if kind == "role" else 0,
                includes=includes, own_modules=own, coverage=coverage, capacity=capacity,
                qi_role=self.words(spec.get("qi_role", []), path + ("qi_role",)),
            )
        ranks = sorted(r["rank"] for r in raw.values() if r["kind"] == "role")
        if len(set(ranks)) != len(ranks):
            self.fail(("levels",), f"role levels need different ranks, found {ranks}")
        elif "all_staff" in raw and raw["all_staff"]["rank"] != ranks[-1]:
            self.fail(("levels", "all_staff", "rank"), "all_staff is everyone no membership rule places, so it needs the "
                      f"lowest rank (the largest number; the others go up to {ranks[-1]})")
        out = {}
        for lid, r in raw.items():
            out[lid] = Level(modules=self._resolve(lid, raw, ()), **r)
        return out

    def _resolve(self, lid: str, raw: dict, seen: tuple) -> tuple[str, ...]:
        if lid in seen:
            # Reported once, at the include that closes it (every level that reaches the cycle meets it).
            cycle = seen[seen.index(lid):]
            first = cycle.index(min(cycle))
            if cycle[first:] + cycle[:first] not in self.cycles:
                self.cycles.add(cycle[first:] + cycle[:first])
                links = [(a, b, ("levels", a, "dose", "includes", raw[a]["includes"].index(b)))
                         for a, b in zip(cycle, cycle[1:] + (lid,))]
                if len(links) == 1:
                    text = f"includes form a cycle: {lid} includes itself; remove '{lid}' from its includes"
                else:
                    said = [f"{a} includes {b} (line {self.line(p)})" for a, b, p in links]
                    text = f"includes form a cycle: {', '.join(said[:-1])} and {said[-1]}; remove one of these includes"
                self.fail(links[-1][2], text)   # at the include that closes the cycle
            return ()
        if lid not in raw:
            return ()
        out: list[str] = []
        for inc in raw[lid]["includes"]:
            out += [m for m in self._resolve(inc, raw, seen + (lid,)) if m not in out]
        out += [m for m in raw[lid]["own_modules"] if m not in out]
        return tuple(out)

    def characteristics(self, value: Any, levels: dict[str, Level]) -> dict[str, Characteristic]:
        names = ("turnover", "learning_hours", "maturity", "leadership_commitment")
        specs = self.mapping(value, ("characteristics",), required=names)
        out = {}
        for name in names:
            if name not in specs:
                continue
            path = ("characteristics", name)
            worded = name in ("maturity", "leadership_commitment")
            spec = self.mapping(specs[name], path, required=("default",) + (("values",) if worded else ()),
                                optional=("sources",))
            self.take_sources(spec.get("sources", {}), path + ("sources",), {"default": f"characteristics.{name}.default"})
            default = spec.get("default")
            if not worded:
                if default is not None:
                    # turnover: a yearly leaver rate, from 0 to under 1, written as --turnover and a profile take
                    # it (0.12, '12%' or '0.12')
                    rate = name == "turnover"
                    default = self.number(_rate(default) if rate else default, path + ("default",),
                                          high=1 if rate else None, high_open=rate,
                                          fraction=rate and not isinstance(default, str))   # 150% is no 150
                out[name] = Characteristic(name, default, None)
                continue
            values = {}
            given = spec.get("values", {})
            for word, effects in self.mapping(given, path + ("values",),
                                              optional=tuple(given) if isinstance(given, dict) else ()).items():
                values[str(word)] = self.effects(name, str(word), effects, path + ("values", word), levels)
            if isinstance(given, dict) and not values:
                self.fail(path + ("values",), "no values defined")
            self.word(default, path + ("default",), tuple(values) or None)
            out[name] = Characteristic(name, default, values)
        return out

    def effects(self, name: str, word: str, value: Any, path: tuple, levels: dict[str, Level]) -> tuple[Effect, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.fail(path, f"expected a list of effects (or []), found {_describe(value)}")
            return ()
        out = []
        for i, spec in enumerate(value):
            p = path + (i,)
            spec = self.mapping(spec, p, required=("level", "multiply", "by"), optional=("source",))
            level = self.word(spec.get("level", ""), p + ("level",), LEVEL_IDS)
            lever = self.word(spec.get("multiply", ""), p + ("multiply",), ("coverage", "capacity"))
            if level in levels and lever and LEVERS[levels[level].kind] != lever:
                self.fail(p + ("multiply",), f"{level} is a {levels[level].kind} level: it has "
                          f"'{LEVERS[levels[level].kind]}', not '{lever}'")
            key = f"{_dotted(path)}[{i}]"
            source = "no source given"   # not a source: check-config counts the effect as without one
            if "source" in spec:
                source = self.sources[key] = self.word(spec["source"], p + ("source",))
            out.append(Effect(name, word, level, lever, self.number(spec.get("by", 1), p + ("by",), high=10), source, key))
        return tuple(out)

    def staff_list(self, value: Any) -> StaffListRules:
        path = ("staff_list",)
        spec = self.mapping(value, path, required=("columns",),
                            optional=("in_post", "not_in_post", "band_words", "training_separator", "never_group_by"))
        cols = self.mapping(spec.get("columns", {}), path + ("columns",), required=("employee_id",), optional=STAFF_FIELDS)
        columns = {f: self.words(cols[f], path + ("columns", f)) for f in STAFF_FIELDS if f in cols}
        for f, names in columns.items():
            if not names and isinstance(cols[f], list):
                self.fail(path + ("columns", f), "expected at least one header name (leave the key out if the "
                          "staff list has no such column)" if f != "employee_id" else "expected at least one header name")
        words = self.mapping(spec.get("band_words", {}), path + ("band_words",), optional=BAND_CODES)
        band_words = {code: frozenset(fold(w) for w in self.words(ws, path + ("band_words", code)))
                      for code, ws in words.items()}
        in_post = self.words(spec.get("in_post", []), path + ("in_post",))
        if "status" in columns and "in_post" not in spec:
            self.fail(path + ("in_post",), "missing: list the statuses of the status column that count as in post "
                      "(as [Active Assignment]); without it nobody is in post")
        elif "in_post" in spec and isinstance(spec["in_post"], list) and not in_post:
            self.fail(path + ("in_post",), "expected at least one status (with none, nobody is in post)")
        out_of_post = None
        if "not_in_post" in spec:
            out = self.words(spec["not_in_post"], path + ("not_in_post",))
            out_of_post = frozenset(fold(s) for s in out)
            both = [s for s in out if fold(s) in {fold(s) for s in in_post}]
            if both:
                self.fail(path + ("not_in_post",), f"{both[0]!r} is in in_post too: a status is in post or out of it")
        separator = self.word(spec.get("training_separator", ";"), path + ("training_separator",))
        never = self.words(spec.get("never_group_by", []), path + ("never_group_by",))
        personal = {fold(w) for w in never} | {fold(a) for f in ("employee_id", "assignment") for a in columns.get(f, ())}
        return StaffListRules(columns, frozenset(fold(s) for s in in_post), band_words, separator, frozenset(personal),
                              out_of_post)

    def membership(self, value: Any, levels: dict[str, Level], band_words: dict[str, frozenset[str]]) -> tuple[Rule, ...]:
        ruled = tuple(lid for lid in ROLE_LEVELS if lid != "all_staff")
        specs = self.mapping(value, ("membership",), optional=ruled)
        rules = []
        for lid, spec in specs.items():
            path = ("membership", lid)
            spec = self.mapping(spec, path, optional=("job_role", "staff_group", "band", "position_title"))
            patterns = []
            for i, text in enumerate(self.words(spec.get("position_title", []), path + ("position_title",))):
                try:
                    patterns.append(re.compile(text, re.IGNORECASE))
                except re.error as e:
                    self.fail(path + ("position_title", i), f"not a valid regular expression: {e}")
            rules.append(Rule(
                level=lid,
                job_role=frozenset(fold(w) for w in self.words(spec.get("job_role", []), path + ("job_role",))),
                staff_group=frozenset(fold(w) for w in self.words(spec.get("staff_group", []), path + ("staff_group",))),
                band=self.bands(spec.get("band", []), path + ("band",), band_words),
                position_title=tuple(patterns),
            ))
        rank = {lid: lvl.rank for lid, lvl in levels.items()}
        return tuple(sorted(rules, key=lambda r: rank.get(r.level, 99)))

    def bands(self, value: Any, path: tuple, band_words: dict[str, frozenset[str]]) -> frozenset[str]:
        """Band codes, compared as the comment in doses.yaml says, case and spacing ignored: '8C', 'Band 8c' and
        'VSM' are 8c, 8c and vsm; so are the words of staff_list.band_words ('Very Senior Manager')."""
        out = set()
        for i, raw in enumerate(self.words(value, path)):
            code = fold(raw)
            code = code[4:] if code.startswith("band") and code[4:] in BAND_CODES else code
            code = next((c for c, words in band_words.items() if code in words), code)
            if code in BAND_CODES:
                out.add(code)
            elif raw:
                hint = difflib.get_close_matches(code, BAND_CODES, n=1)
                did = f"; did you mean '{hint[0]}'?" if hint else ""
                self.fail(path + (i,), f"'{raw}' is not a band: use 1-7, 8a-8d, 9, medical or vsm{did}")
        return frozenset(out)

    # -- the plan over the years, costs, training records (all optional blocks) -----------------
    def trajectory(self, value: Any, characteristics: dict[str, Characteristic]) -> TrajectoryRules:
        path = ("trajectory",)
        spec = self.mapping(value, path, required=("priority", "levels"),
                            optional=("maturity", "facilitator_hours_per_expert", "delivered_externally", "sources"))
        priority = self.priority(spec.get("priority", []), path + ("priority",))
        given = self.mapping(spec.get("levels", {}), path + ("levels",), required=LEVEL_IDS)
        steps = {}
        for lid in LEVEL_IDS:
            changes = self.step(given[lid], path + ("levels", lid), required=("start_year",)) if lid in given else {}
            start = changes.get("start_year", (1, _dotted(path + ("levels", lid, "start_year"))))
            pace = changes.get("pace", (None, None))
            steps[lid] = Step(start[0], pace[0], start[1], pace[1])
        char = characteristics.get("maturity")
        words = tuple(char.values) if char is not None and char.values else ()
        given = spec.get("maturity", {})
        if not words and isinstance(given, dict):
            words = tuple(given)   # the maturity words are wrong themselves (reported there): no more here
        overrides, priorities = {}, {}
        for word, block in self.mapping(given, path + ("maturity",), optional=words).items():
            p = path + ("maturity", word)
            block = self.mapping(block if block is not None else {}, p, optional=LEVEL_IDS + ("priority",))
            if "priority" in block:
                priorities[str(word)] = self.priority(block["priority"], p + ("priority",))
            overrides[str(word)] = {lid: self.step(block[lid], p + (lid,)) for lid in LEVEL_IDS if lid in block}
        hours = spec.get("facilitator_hours_per_expert")
        if hours is not None:
            hours = self.number(hours, path + ("facilitator_hours_per_expert",), high=8760)
        external = self.words(spec.get("delivered_externally", []), path + ("delivered_externally",), LEVEL_IDS)
        self.take_sources(spec.get("sources", {}), path + ("sources",),
                          {k: f"trajectory.{k}" for k in ("priority", "facilitator_hours_per_expert", "delivered_externally")})
        return TrajectoryRules(priority, steps, overrides, priorities, hours, external)

    def priority(self, value: Any, path: tuple) -> tuple[str, ...]:
        order = self.words(value, path, LEVEL_IDS)
        missing = [lid for lid in LEVEL_IDS if lid not in order]
        twice = sorted({lid for lid in order if order.count(lid) > 1})
        if isinstance(value, list) and (missing or twice):
            self.fail(path, "list every level once" + (f"; missing: {', '.join(missing)}" if missing else "")
                      + (f"; twice: {', '.join(twice)}" if twice else ""))
        return order

    def step(self, value: Any, path: tuple, required: tuple = ()) -> dict[str, tuple]:
        """A level's start_year and pace, each as (value, config key); only the keys given."""
        spec = self.mapping(value if value is not None else {}, path, required=required,
                            optional=("start_year", "pace", "sources"))
        out = {}
        if "start_year" in spec:
            out["start_year"] = (self.number(spec["start_year"], path + ("start_year",), low=1, high=MAX_YEARS,
                                             integer=True), _dotted(path + ("start_year",)))
        if "pace" in spec:
            pace = spec["pace"]
            out["pace"] = (None if pace is None else self.number(pace, path + ("pace",), low=0, low_open=True, high=1,
                                                                 fraction=True),
                           _dotted(path + ("pace",)))
        self.take_sources(spec.get("sources", {}), path + ("sources",),
                          {k: _dotted(path + (k,)) for k in ("start_year", "pace")})
        return out

    def costs(self, value: Any) -> Costs:
        path = ("costs",)
        spec = self.mapping(value, path, required=("hourly_cost",), optional=("currency", "sources"))
        given = self.mapping(spec.get("hourly_cost", {}), path + ("hourly_cost",), required=LEVEL_IDS)
        hourly = {lid: self.number(given[lid], path + ("hourly_cost", lid), high=10000) for lid in LEVEL_IDS if lid in given}
        self.take_sources(spec.get("sources", {}), path + ("sources",), {lid: f"costs.hourly_cost.{lid}" for lid in LEVEL_IDS})
        return Costs(self.word(spec.get("currency", "GBP"), path + ("currency",)), hourly)

    def records_columns(self, value: Any, staff_list: StaffListRules) -> dict[str, tuple[str, ...]]:
        """Header names of a training-records file; by default the staff list's employee number and QI training."""
        path = ("training_records",)
        spec = self.mapping(value, path, optional=("columns",))
        cols = self.mapping(spec.get("columns", {}), path + ("columns",), optional=("employee_id", "course"))
        out = {"employee_id": staff_list.columns.get("employee_id", ()), "course": staff_list.columns.get("qi_training", ())}
        out.update({f: self.words(cols[f], path + ("columns", f)) for f in ("employee_id", "course") if f in cols})
        return out


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_PERCENT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)\s*%")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")
_NUMERIC = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

def _rate(value: Any) -> Any:
    """A policy's rate written as text ('12%', '0.12') as a number; anything else as it is, for the check."""
    if isinstance(value, str) and (_PERCENT.fullmatch(value.strip()) or _NUMERIC.fullmatch(value.strip())):
        return rate_of(value)
    return value


def _number_text(value: Any, fraction: bool = False) -> str:
    """For text where a number should be that looks like one, what it is and how to write it ('' otherwise).
    Only text made of digits is quoted back: a line of a staff list given by mistake never is."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if _THOUSANDS.fullmatch(text):
        return f"the text {text!r}: write numbers without a thousands comma, as {text.replace(',', '')}"
    if _DECIMAL_COMMA.fullmatch(text):
        return f"the text {text!r}: write a decimal point, not a comma, as {text.replace(',', '.')}"
    if _PERCENT.fullmatch(text):
        share = float(text[:-1]) / 100
        return f"the text {text!r}" + (f": write a share as a fraction of 1 (did you mean {share:g}?)" if fraction else
                                        ": write a plain number, without %")
    match = _NUMERIC.fullmatch(text)
    if match and match.group(2):
        mantissa, exponent = re.split("[eE]", text)
        yaml_form = (mantissa if "." in mantissa else mantissa + ".0") + "e" + \
            (exponent if exponent[0] in "+-" else "+" + exponent)
        number = float(text)
        plain = str(int(number)) if number.is_integer() else f"{number:.15f}".rstrip("0")
        plain = "" if plain.endswith(".") else f"{plain} or "
        return (f"the text {text!r}: YAML reads a number with an exponent only with a dot and a signed exponent; "
                f"write {plain}{yaml_form}")
    if match:
        return f"the text {text!r}, not a number: write {float(text):g} without quotes"
    return ""


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (dict, list)):
        return "a mapping" if isinstance(value, dict) else "a list"
    if isinstance(value, str) and (len(value) > 40 or "," in value or "\n" in value):
        # not quoted: it may be a line of a staff list given by mistake, names and all
        return f"text of {len(value):,} characters (is this the right file?)"
    return f"{type(value).__name__} {value!r}"
