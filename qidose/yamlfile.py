"""Read a YAML file safely, remembering the line of every key.

PyYAML's ``safe_load`` forgets where a value came from, keeps the last of two
duplicate keys without a word and reads ``no``/``on``/``yes``/``off`` as booleans.
Here the file is composed into nodes with the safe loader and turned into plain
Python by hand, so that:

- every mapping key and sequence item has its line (``lines[path]``, 1-based);
- a duplicate key is an error;
- only ``true``/``false`` are booleans; ``no``, ``on``, ``yes``, ``off`` stay words.

Nothing in the file can run code: only the safe loader's scalar types are built.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from qidose.errors import ConfigError

Path_ = tuple  # a key path such as ("levels", "board", "coverage")

_YAML_11_WORDS = {"yes", "no", "on", "off", "y", "n"}
_PLAIN_NUMBER = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]*)?([eE][-+]?[0-9]+)?|[-+]?\.[0-9]+|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)")
# libyaml's safe loader composes the same nodes, with the same line marks, about 15 times faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load(path: Path | str, text: str | None = None) -> tuple[Any, dict[Path_, int]]:
    """Return (data, lines) for a YAML file; raise ConfigError on any problem."""
    name = str(path)
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise ConfigError(f"{name}: no such file") from None
        except IsADirectoryError:
            raise ConfigError(f"{name}: is a directory, not a YAML file") from None
        except UnicodeDecodeError as e:
            raise not_utf8(name, e) from None
        except OSError as e:
            raise ConfigError(f"{name}: cannot read ({e.strerror})") from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        if mark and _tab_indented(text, mark.line):
            raise ConfigError(f"{name}{where}: a tab in the indentation: YAML indents with spaces only; "
                              f"replace the tabs at the start of the lines with spaces") from None
        raise ConfigError(f"{name}{where}: YAML syntax error: {e.problem or e.context}") from None
    except yaml.YAMLError as e:  # pragma: no cover - PyYAML raises marked errors for text
        raise ConfigError(f"{name}: YAML error: {e}") from None
    lines: dict[Path_, int] = {}
    if node is None:
        return None, lines
    builder = _Builder(name, lines)
    return builder.build(node, ()), lines


def not_utf8(name: str, e: UnicodeDecodeError) -> ConfigError:
    """The error for a file that is not UTF-8: where the first bad byte is (line and column), and what to do."""
    data, at = e.object, e.start
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ConfigError(f"{name}: the file is UTF-16 text ('Unicode'); save it as UTF-8")
    start = data.rfind(b"\n", 0, at) + 1
    line = data.count(b"\n", 0, at) + 1
    column = len(data[start:at].decode("utf-8", errors="replace")) + 1
    try:
        data.decode("cp1252")
        guess = "; the file looks saved as Windows-1252, 'ANSI'"
    except UnicodeDecodeError:
        guess = ""
    return ConfigError(f"{name} line {line}, column {column}: not UTF-8 text (the byte 0x{data[at]:02x}{guess}); "
                       f"save the file as UTF-8 (in Notepad: Save As, Encoding: UTF-8)")


def _tab_indented(text: str, line: int) -> bool:
    """Whether a line (0-based) starts with a tab among its indentation."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    body = lines[line]
    return "\t" in body[:len(body) - len(body.lstrip(" \t"))]


class _Builder:
    def __init__(self, name: str, lines: dict[Path_, int]):
        self.name = name
        self.lines = lines
        self.seen: set[int] = set()
        self.constructor = yaml.SafeLoader("")  # builds scalars with the safe rules only

    def build(self, node: yaml.Node, path: Path_) -> Any:
        self.lines.setdefault(path, node.start_mark.line + 1)
        if not isinstance(node, yaml.ScalarNode):
            if id(node) in self.seen:   # an alias (*name): refused, so no "billion laughs" blow-up
                self._fail(node, "anchors and aliases (&name, *name) are not supported; write the values out")
            self.seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                self._fail(node, f"the tag {node.tag} is not allowed; write a plain mapping")
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._fail(node, f"the tag {node.tag} is not allowed; write a plain list")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self._fail(key_node, "a key must be a plain word")
            if key_node.value == "<<":   # before building it: its tag (merge) is no value
                self._fail(key_node, "merge keys (<<) are not supported; write the values out")
            key = self._scalar(key_node)
            if not isinstance(key, (str, int, float)):
                key = str(key_node.value)
            if key in out:
                first = self.lines.get(path + (key,))
                self._fail(key_node, f"duplicate key '{key}' (first at line {first}); keep one")
            self.lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = self.build(value_node, path + (key,))
        return out

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        if node.tag == "tag:yaml.org,2002:bool" and node.value.lower() in _YAML_11_WORDS:
            return node.value  # YAML 1.2: yes/no/on/off are words
        if node.tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:binary"):
            return node.value
        if node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float") and not _PLAIN_NUMBER.fullmatch(node.value):
            # YAML 1.1 reads 010 as 8 (octal), 1:30 as 90 (base 60), 0x10 as 16 and 1_000 as 1000
            fix = ("without its leading zeros" if re.fullmatch(r"[-+]?0[0-9_]+(\.[0-9]*)?", node.value)
                   else "with digits and a decimal point only")
            self._fail(node, f"{node.value!r} is not a plain decimal number (YAML reads it as "
                             f"{self.constructor.construct_object(node)!r}); write it {fix}")
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError:
            self._fail(node, f"cannot read the value {node.value!r} (tag {node.tag}); write a plain value")

    def _fail(self, node: yaml.Node, message: str):
        mark = node.start_mark
        raise ConfigError(f"{self.name} line {mark.line + 1}, column {mark.column + 1}: {message}")
