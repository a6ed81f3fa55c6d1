"""`qidose explain`: every figure's working reproduces the value `plan --format json` gives."""

from __future__ import annotations

import json
import math
import os
import re
from pathlib import Path

import pytest

from conftest import DATA, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "staff.csv"
SMALL = DATA / "staff_small.csv"
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = ("--as-of", "2026-10-01")
SETTINGS = (
    (),
    ("--maturity", "starting", "--leadership-commitment", "low", "--turnover", "15%"),
    ("--maturity", "embedded", "--learning-hours", "30000", "--services", "40"),
    ("--learning-hours", "100"),
)


def run_json(*args) -> dict:
    result = invoke(list(args))
    assert result.code == 0, result.stderr + result.crashed()
    return json.loads(result.stdout)


def figures(explained: dict):
    """(group, row, figure dict) for every level figure and total of every plan."""
    for plan in explained["plans"]:
        for lp in plan["levels"]:
            for f in lp["figures"]:
                yield plan["group"], lp["level"], f
        for f in plan.get("totals", []):
            yield plan["group"], "totals", f


def plan_value(plan: dict, group, row: str, name: str):
    if group is not None:
        plan = next(g for g in plan["groups"] if g["group"] == group)
    if row == "totals":
        return plan["totals"][name]
    return next(lp for lp in plan["levels"] if lp["level"] == row)[name]


def last_number(working: str) -> float:
    """The number after the last '= ' of a working: what the working says the figure is."""
    return float(working.rsplit("= ", 1)[1].replace(",", ""))


def evaluate(expression: str) -> float:
    """The arithmetic of a working's left-hand side, done again: × − round up() max() and 1,234."""
    text = expression.replace("×", "*").replace("−", "-").replace("round up(", "ceil(")
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)
    assert re.fullmatch(r"[0-9.+\-*/() ,a-z]*", text), text
    return eval(text, {"__builtins__": {}}, {"ceil": lambda x: max(0, math.ceil(x - 1e-9)), "max": max})


@pytest.mark.parametrize("settings", SETTINGS, ids=["defaults", "starting-low-15%", "embedded-budget", "small-budget"])
def test_every_working_reproduces_the_json_value(settings):
    explained = run_json("explain", EXAMPLE, *AS_OF, "--format", "json", *settings)
    plan = run_json("plan", EXAMPLE, *AS_OF, "--format", "json", *settings)
    checked = 0
    for group, row, f in figures(explained):
        value = plan_value(plan, group, row, f["figure"])
        assert f["value"] == value, (row, f["figure"])
        if "= " in f["working"]:
            assert last_number(f["working"]) == pytest.approx(value, abs=0.006), (row, f["figure"], f["working"])
            lhs = f["working"].rsplit("= ", 1)[0]
            assert evaluate(lhs) == pytest.approx(value, abs=0.006), (row, f["figure"], f["working"])
            checked += 1
    levels = {lp["level"] for p in explained["plans"] for lp in p["levels"]}
    assert len(levels) == 6 and checked >= 6 * 8


def test_every_figure_of_every_level_is_explained_with_keys_lines_and_sources():
    explained = run_json("explain", SMALL, *AS_OF, "--format", "json")
    plan = run_json("plan", SMALL, *AS_OF, "--format", "json")
    whole = explained["plans"][0]
    for lp, planned in zip(whole["levels"], plan["levels"]):
        assert [f["figure"] for f in lp["figures"]] == list(planned["basis"])
        for f in lp["figures"]:
            assert f["formula"] and f["working"]
            for key in f["keys"]:     # membership.all_staff: see the report; all_staff has no rules in the YAML
                assert key["line"] or key["key"] == "membership.all_staff", key
    sourced = {k["key"]: k["source"] for _, _, f in figures(explained) for k in f["keys"]}
    assert sourced["modules.improvement_coaching.hours"].startswith("evidence 3.12")
    assert sourced["levels.quality_coaches.capacity.per_1000_staff"].startswith("assumption")


def test_text_shows_value_formula_working_and_source():
    result = invoke(["explain", SMALL, *AS_OF])
    assert result.code == 0 and result.stdout.startswith("Policy: ")
    text = result.stdout
    explained = run_json("explain", SMALL, *AS_OF, "--format", "json")
    board = explained["plans"][0]["levels"][0]
    assert "Board members (board, role level)" in text
    for f in board["figures"]:
        assert f"  {f['figure']} = " in text
    assert "working: round up(" in text and "formula: gap × dose_hours" in text
    assert "from:    levels.board.coverage (line " in text and "evidence 2.2" in text
    for line in text.splitlines():
        assert len(line) <= 110 or " " not in line.strip(), line


def test_working_after_last_equals_matches_in_text_output():
    """The brief's check, on the text a person reads: the number after the last '= ' of each working."""
    text = invoke(["explain", EXAMPLE, *AS_OF]).stdout
    plan = run_json("plan", EXAMPLE, *AS_OF, "--format", "json")
    block, current, seen = None, None, 0
    labels = {lp["label"]: lp["level"] for lp in plan["levels"]}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        heading = re.match(r"^(.+) \((\w+), (role|capacity) level\)$", line)
        if heading:
            block = heading.group(2)
        elif line == "Totals":
            block = "totals"
        elif line.startswith("Organisation"):
            block = None
        figure = re.match(r"^  (\w+) = ", line)
        if figure:
            current = figure.group(1)
        if block and line.strip().startswith("working:"):
            working = line.strip().removeprefix("working:").strip()
            j = i + 1
            while j < len(lines) and lines[j].startswith("               "):
                working += " " + lines[j].strip()
                j += 1
            if "= " in working:
                assert last_number(working) == pytest.approx(plan_value(plan, None, block, current), abs=0.006)
                seen += 1
    assert labels and seen >= 6 * 8


def test_level_option_explains_one_level_only():
    explained = run_json("explain", SMALL, *AS_OF, "--level", "quality_coaches", "--format", "json")
    assert [lp["level"] for lp in explained["plans"][0]["levels"]] == ["quality_coaches"]
    assert "totals" not in explained["plans"][0]


def test_unknown_level_is_a_usage_error_with_a_suggestion():
    result = invoke(["explain", SMALL, "--level", "coaches"])
    assert result.code == 2 and "did you mean 'quality_coaches'" in result.stderr and result.stdout == ""


def test_explain_by_group_explains_each_group():
    explained = run_json("explain", SMALL, *AS_OF, "--by", "Directorate", "--format", "json")
    plan = run_json("plan", SMALL, *AS_OF, "--by", "Directorate", "--format", "json")
    assert [p["group"] for p in explained["plans"]] == [None] + [g["group"] for g in plan["groups"]]
    for group, row, f in figures(explained):
        assert f["value"] == plan_value(plan, group, row, f["figure"])


def test_json_output_file_from_extension(tmp_path):
    out = tmp_path / "explain.json"
    result = invoke(["explain", SMALL, *AS_OF, "-o", out])
    assert result.code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["plans"][0]["group"] is None


@pytest.mark.parametrize("name", ["explain.xlsx", "explain.csv", "explain.md"])
def test_an_output_file_explain_does_not_write_is_a_bad_call(tmp_path, name):
    """explain writes text or JSON: -o explain.xlsx (or .csv) is refused as plan refuses it, not filled with text."""
    out = tmp_path / name
    result = invoke(["explain", SMALL, *AS_OF, "-o", out])
    suffix = out.suffix
    assert (result.code, result.stdout) == (2, "") and not out.exists()
    assert result.stderr == (f"error: -o {out}: qidose explain does not write {suffix} files; "
                             f"name it .json or .txt, or give --format\n")
    for kept in ("explain.txt", "explain"):   # text, as on stdout
        assert invoke(["explain", SMALL, *AS_OF, "-o", tmp_path / kept]).code == 0
        assert (tmp_path / kept).read_text(encoding="utf-8").startswith("Policy: ")


def test_the_readme_says_what_already_trained_counts_for_each_kind_of_level():
    """explain says a capacity level's already_trained is its existing people (flagged or trained); the README's
    table of figures said only 'training covers every module of the dose', the role levels' rule."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `already_trained` |"))
    assert "role levels: people whose recorded QI training covers every module of the dose" in row
    assert "capacity levels:" in row and "`QI Role` column" in row and "trained to its dose" in row


def test_golden_explain_text():
    text = invoke(["explain", SMALL, *AS_OF, "--level", "quality_coaches"]).stdout
    text = re.sub(r"^Policy: .*$", "Policy: doses.yaml", text, count=1, flags=re.M)
    text = re.sub(r"^Staff list: .*?(staff_small\.csv)", r"Staff list: \1", text, count=1, flags=re.M)
    text = re.sub(r"\(line \d+\)", "(line N)", text)     # the policy's line numbers move as it is edited
    golden = GOLDEN / "explain_small_quality_coaches.txt"
    if os.environ.get("QIDOSE_REGEN_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8"), "rerun with QIDOSE_REGEN_GOLDEN=1 if the change is intended"


def test_upkeep_working_reproduces_its_value_with_a_precise_turnover():
    target = plan_value(run_json("plan", EXAMPLE, *AS_OF, "--format", "json"), None, "all_staff", "target_people")
    # a turnover just above k/target whose 4-decimal form is below it: the working's product lands under k
    turnover = next(k / target + 1e-7 for k in range(target // 10, target // 5)
                    if round(k / target + 1e-7, 4) < k / target and round(k / target, 4) * target > k - 1)
    explained = run_json("explain", EXAMPLE, *AS_OF, "--turnover", f"{turnover:.9f}", "--level", "all_staff",
                         "--format", "json")
    upkeep = next(f for f in explained["plans"][0]["levels"][0]["figures"] if f["figure"] == "annual_upkeep_people")
    assert evaluate(upkeep["working"].rsplit("= ", 1)[0]) == upkeep["value"], upkeep["working"]


def test_a_cost_working_states_its_exact_product_and_the_rounding():
    """'4,687.5 × 35 = 164,062' read as a wrong product: the working now ends '= 164,062.5, rounded to
    164,063', and every cost rounds .5 up (the cost of the gap did, the levels' costs rounded half-even)."""
    data = run_json("explain", EXAMPLE, *AS_OF, "--years", "2", "--format", "json")
    costs = [f for e in data["trajectory"]["entries"] for f in e["figures"] if f["figure"] == "cost"]
    costs += [f for f in data["trajectory"]["totals"] if f["figure"] in ("gap_cost", "annual_upkeep_cost")]
    halves = 0
    for f in costs:
        product, _, rest = f["working"].rpartition(" = ")[2].partition(", rounded to ")
        exact = float(product.replace(",", ""))
        shown = float((rest or product).replace(",", ""))
        assert shown == f["value"] == math.floor(exact + 0.5), f["working"]
        halves += exact % 1 == 0.5
        assert "half up" in f["formula"], f["formula"]
    assert halves
