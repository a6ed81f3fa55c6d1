"""One renderer per format, all reading the same PlanSet; none computes a figure.

Each module has ``render(planset) -> str``. They are imported only when asked for,
so `qidose --version` never loads Rich.
"""

from __future__ import annotations

import importlib

FORMATS = ("table", "json", "csv", "markdown")
EXTENSIONS = {".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown", ".txt": "table"}


def render(fmt: str, planset, **options) -> str:
    module = importlib.import_module(f"qidose.render.{'json_' if fmt == 'json' else fmt}")
    return module.render(planset, **options)
