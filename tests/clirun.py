"""`run(*args)`: conftest's `invoke` with the arguments spread out, and the paths the CLI tests use."""

from __future__ import annotations

from pathlib import Path

from conftest import DATA, Ran, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "staff.csv"
__all__ = ["DATA", "EXAMPLE", "ROOT", "Ran", "run"]


def run(*args, env=None, input=None) -> Ran:
    return invoke(args, input=input, env=env)

