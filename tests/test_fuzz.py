"""Fuzz: mutated staff lists (CSV and xlsx bytes) and mutated YAML, through the command line.

Fixed seeds, bounded (the file runs in well under 30 s). The only acceptable outcomes are a
documented exit code with no exception escaping and no traceback; a plan on stdout must be
valid JSON, and no message may quote a name from the file. A failure lists every bad input
of its seed with the mutations that made it, so `random.Random(seed)` reproduces it.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from conftest import DATA, TINY, invoke, leaks

CONFIG = Path(__file__).resolve().parents[1] / "config" / "doses.yaml"
XLSX = DATA / "bad" / "staff_tiny.xlsx"
AS_OF = ["--as-of", "2026-10-01"]


def _strict_json(text: str) -> None:
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    json.loads(text, parse_constant=refuse)


def _check(args, allowed=(0, 1, 2), json_out=False) -> str:
    """'' if the run was acceptable, else what went wrong."""
    return _checked(invoke(args), allowed, json_out)


def _checked(ran, allowed=(0, 1, 2), json_out=False) -> str:
    if ran.exception is not None:
        return ran.crashed().splitlines()[0] + " | " + " / ".join(ran.trace.strip().splitlines()[-3:])
    if "Traceback" in ran.stdout + ran.stderr:
        return "a traceback was printed"
    if ran.code not in allowed:
        return f"exit {ran.code}: {ran.stderr[-300:]}"
    if ran.code != 0 and ran.stdout:
        return f"exit {ran.code} with output on stdout"
    if ran.code == 0 and json_out:
        try:
            _strict_json(ran.stdout)
        except ValueError as e:
            return f"stdout is not valid JSON: {e}"
    leaked = leaks(ran.stdout + ran.stderr)
    if leaked:
        return f"personal data in the output: {leaked[:3]}"
    return ""


# -- staff lists ---------------------------------------------------------------------------------

_INSERTS = [b'"', b'""', b"\x00", b"\x00\x00\x00", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\r", b"\n",
            b"\r\n", b",", b";", b"\t", b"=", b"%", b"-1", b"1e999", b"nan", b"Total", b'"\n"', b"\xa3"]


def mutate_bytes(data: bytes, rng: random.Random) -> tuple[bytes, list[str]]:
    ops = []
    for _ in range(rng.randint(1, 5)):
        data = data or b"x"
        at = rng.randrange(len(data) + 1)
        op = rng.choice(["flip", "insert", "insert", "delete", "duplicate", "truncate", "random", "swap"])
        if op == "flip":
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ (1 << rng.randrange(8))]) + data[at + 1:]
        elif op == "insert":
            piece = rng.choice(_INSERTS)
            data = data[:at] + piece + data[at:]
            op += f" {piece!r}"
        elif op == "delete":
            data = data[:at] + data[at + rng.randint(1, 200):]
        elif op == "duplicate":
            data = data[:at] + data[at:at + rng.randint(1, 400)] * rng.randint(2, 4) + data[at:]
        elif op == "truncate":
            data = data[:at]
        elif op == "random":
            data = data[:at] + rng.randbytes(rng.randint(1, 50)) + data[at + rng.randint(0, 50):]
        else:  # swap two slices
            b = rng.randrange(len(data) + 1)
            a, b = sorted((at, b))
            data = data[:a] + data[b:b + 30] + data[a + 30:b] + data[a:a + 30] + data[b + 30:]
        ops.append(f"{op}@{at}")
    return data, ops


@pytest.mark.parametrize("seed", range(8))
def test_mutated_staff_lists(seed, tmp_path):
    rng = random.Random(seed)
    clean = TINY.read_bytes()
    failures = []
    for i in range(25):
        if i % 10 == 9:
            data, ops = rng.randbytes(rng.randint(0, 3000)), ["random file"]
        else:
            data, ops = mutate_bytes(clean, rng)
        path = tmp_path / f"staff_{i}.csv"
        path.write_bytes(data)
        encoding = ["--encoding", "cp1252"] if i % 7 == 3 else []
        problem = _check(["plan", path, "--format", "json", *AS_OF, *encoding], json_out=True)
        if problem:
            failures.append(f"seed {seed} #{i} {ops}{' --encoding cp1252' if encoding else ''}: {problem}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("seed", range(3))
def test_mutated_xlsx(seed, tmp_path):
    rng = random.Random(1000 + seed)
    clean = XLSX.read_bytes()
    failures = []
    for i in range(8):
        data, ops = mutate_bytes(clean, rng)
        path = tmp_path / f"staff_{i}.xlsx"
        path.write_bytes(data)
        problem = _check(["plan", path, "--format", "json", *AS_OF], json_out=True)
        if problem:
            failures.append(f"seed {1000 + seed} #{i} {ops}: {problem}")
    assert not failures, "\n".join(failures)


# -- YAML: the dosing policy and organisation profiles -------------------------------------------

_VALUES = ["some words", "[a, b]", "[]", "{x: 1}", "{}", "-1", "0", "1e400", ".nan", ".inf", "null", "true", "no", "on",
           "'12%'", "170%", "&anchor 3", "*anchor", "!!str 5", "!!binary aGk=", "2026-10-01", "|\n  text", "~", "0x1F"]
_JUNK = [":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!python/object/apply:os.system ['true'] ", "%YAML 1.1", "@", "`",
         "\t", "? ", "'", '"', "#", "<<: *a"]


def mutate_yaml(text: str, rng: random.Random) -> tuple[str, list[str]]:
    lines = text.splitlines()
    ops = []
    for _ in range(rng.randint(1, 3)):
        if not lines:
            lines = ["x: 1"]
        i = rng.randrange(len(lines))
        op = rng.choice(["delete", "duplicate", "indent", "dedent", "value", "value", "junk", "swap", "truncate"])
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "indent":
            lines[i] = rng.choice(["  ", "    ", "\t", " "]) + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][rng.choice([1, 2, 4]):]
        elif op == "value":
            head, colon, _ = lines[i].partition(":")
            value = rng.choice(_VALUES)
            lines[i] = f"{head}: {value}" if colon else f"{lines[i]} {value}"
            op += f" {value!r}"
        elif op == "junk":
            at = rng.randrange(len(lines[i]) + 1)
            piece = rng.choice(_JUNK)
            lines[i] = lines[i][:at] + piece + lines[i][at:]
            op += f" {piece!r}"
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            op += f" with {j + 1}"
        else:
            lines = lines[:i]
        ops.append(f"{op} line {i + 1}")
    return "\n".join(lines) + "\n", ops


@pytest.mark.parametrize("seed", range(8))
def test_mutated_config(seed, tmp_path):
    rng = random.Random(2000 + seed)
    clean = CONFIG.read_text(encoding="utf-8")
    failures = []
    for i in range(12):
        text, ops = mutate_yaml(clean, rng)
        path = tmp_path / f"policy_{i}.yaml"
        path.write_text(text, encoding="utf-8")
        ran = invoke(["check-config", path])
        problem = _checked(ran, allowed=(0, 2))
        if not problem and ran.code == 0:
            # a policy that checks out must also plan (or fail cleanly)
            problem = _check(["plan", TINY, "--config", path, "--format", "json", *AS_OF], json_out=True)
        if problem:
            failures.append(f"seed {2000 + seed} #{i} {ops}: {problem}")
    assert not failures, "\n".join(failures)


PROFILE = """\
# An organisation profile
name: Example NHS Foundation Trust
turnover: 12%
learning_hours: 4000
maturity: developing
leadership_commitment: high
services: 14
"""


@pytest.mark.parametrize("seed", range(3))
def test_mutated_profile(seed, tmp_path):
    rng = random.Random(3000 + seed)
    failures = []
    for i in range(12):
        text, ops = mutate_yaml(PROFILE, rng)
        path = tmp_path / f"org_{i}.yaml"
        path.write_text(text, encoding="utf-8")
        problem = _check(["plan", TINY, "--org", path, "--format", "json", *AS_OF], json_out=True)
        if problem:
            failures.append(f"seed {3000 + seed} #{i} {ops}: {problem}")
    assert not failures, "\n".join(failures)
