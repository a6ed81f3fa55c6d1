"""The shipped policy and the loader's handling of hand-edited YAML."""

import re

import pytest

from qidose import config as config_mod
from qidose.config import CAPACITY_LEVELS, LEVEL_IDS, ROLE_LEVELS
from qidose.errors import ConfigError


@pytest.fixture(scope="module")
def config():
    return config_mod.load()


def test_shipped_policy_has_the_six_levels(config):
    assert tuple(config.levels) == LEVEL_IDS
    assert {lid for lid, lvl in config.levels.items() if lvl.kind == "role"} == set(ROLE_LEVELS)
    assert {lid for lid, lvl in config.levels.items() if lvl.kind == "capacity"} == set(CAPACITY_LEVELS)


def test_middle_managers_get_the_senior_dose_plus_their_own(config):
    senior = config.levels["senior_leaders"].modules
    middle = config.levels["middle_managers"].modules
    assert middle[: len(senior)] == senior
    assert set(config.levels["middle_managers"].own_modules) <= set(middle) - set(senior)
    assert config.dose_hours("middle_managers") > config.dose_hours("senior_leaders")


def test_every_number_has_a_source_or_says_assumption(config):
    assert config_mod.unsourced_numbers(config) == []
    for key in config_mod.numbered_keys(config):
        text = config.sources[key]
        assert text.startswith("assumption") or re.search(r"\b(evidence|staff-lists) \d", text), (key, text)


def test_sources_are_tied_to_their_yaml_lines(config):
    line = config.lines["modules.improvement_coaching.hours"]
    text = config_mod.default_path().read_text().splitlines()[line - 1]
    assert text.strip().startswith("hours:")


def _load(tmp_path, text):
    path = tmp_path / "doses.yaml"
    path.write_text(text)
    return config_mod.load(path)


def _shipped_with(old, new):
    text = config_mod.default_path().read_text()
    assert old in text
    return text.replace(old, new, 1)


def test_out_of_range_coverage_names_key_and_line(tmp_path):
    text = _shipped_with("    coverage: 1.0\n", "    coverage: 1.5\n")
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    line = text.splitlines().index("    coverage: 1.5") + 1
    assert f"line {line}: levels.board.coverage: 1.5 is out of range" in str(e.value)


@pytest.mark.parametrize("old, new, message", [
    ("    cohort_size: 16\n", "    cohort_sise: 16\n", "unknown key 'cohort_sise'; did you mean 'cohort_size'"),
    ("    hours: 52.5\n", "    hours: 52.5\n    hours: 50\n", "duplicate key 'hours'"),
    ("    delivery: virtual\n", "    delivery: no\n", "'no' is not one of virtual, face_to_face"),  # yes/no stay words
], ids=["unknown key", "duplicate key", "no is a word"])
def test_a_hand_edit_mistake_is_named(tmp_path, old, new, message):
    with pytest.raises(ConfigError, match=message):
        _load(tmp_path, _shipped_with(old, new))


def test_include_cycle_is_reported(tmp_path):
    text = _shipped_with("dose: {includes: [all_staff], modules: [board_development]}",
                         "dose: {includes: [middle_managers], modules: [board_development]}")
    text = text.replace("dose: {includes: [senior_leaders], modules: [sponsoring_and_leading_improvement]}",
                        "dose: {includes: [board], modules: [sponsoring_and_leading_improvement]}")
    with pytest.raises(ConfigError, match="cycle"):
        _load(tmp_path, text)


def test_all_problems_reported_at_once(tmp_path):
    text = _shipped_with("    cohort_size: 16\n", "    cohort_size: 0\n")
    text = text.replace("    hours: 90\n", "    hours: -90\n")
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    assert "cohort_size: 0 is out of range" in str(e.value)
    assert "improvement_advisor.hours: -90" in str(e.value)


# -- the parsed copy of the shipped policy (qidose/doses.parsed) ---------------------------------

def test_the_parsed_copy_of_the_shipped_policy_is_current():
    """config.load reads the shipped policy from a parsed copy to spare PyYAML's import; it must be
    exactly what reading config/doses.yaml gives. After editing the policy, rerun with
    QIDOSE_REGEN_GOLDEN=1 to make the copy again."""
    import marshal
    import os

    from qidose import yamlfile

    fresh = config_mod.write_parsed_policy()
    if os.environ.get("QIDOSE_REGEN_GOLDEN"):
        config_mod.PARSED_POLICY.write_bytes(fresh)
    text, data, lines = marshal.loads(config_mod.PARSED_POLICY.read_bytes())
    assert text == config_mod.default_path().read_text(encoding="utf-8-sig"), \
        "config/doses.yaml changed: rerun with QIDOSE_REGEN_GOLDEN=1"
    assert (data, lines) == yamlfile.load(config_mod.default_path())


def test_an_edited_policy_is_read_from_its_yaml_not_the_parsed_copy(tmp_path):
    text = config_mod.default_path().read_text(encoding="utf-8")
    edited = tmp_path / "doses.yaml"
    old, new = "per_1000_staff: 10,", "per_1000_staff: 25,"
    assert text.count(old) == 1
    edited.write_text(text.replace(old, new), encoding="utf-8")
    shipped, mine = config_mod.load(), config_mod.load(edited)
    assert shipped.levels["quality_coaches"].capacity.per_1000_staff == 10
    assert mine.levels["quality_coaches"].capacity.per_1000_staff == 25


def test_a_damaged_parsed_copy_is_ignored(tmp_path, monkeypatch):
    from_copy = config_mod.load()
    damaged = tmp_path / "doses.parsed"
    damaged.write_bytes(b"\x00not marshal data")
    monkeypatch.setattr(config_mod, "PARSED_POLICY", damaged)
    assert config_mod.load() == from_copy   # read from the YAML instead, to the same policy


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")
def test_a_policy_from_a_pipe_is_read_once(tmp_path):
    """`--config <(...)`: a pipe can be read only once, so the comparison with the shipped text and
    the YAML reader must share one read."""
    import os
    import threading

    text = config_mod.default_path().read_text(encoding="utf-8").replace("per_1000_staff: 10,", "per_1000_staff: 25,")
    fifo = tmp_path / "policy.yaml"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(text, encoding="utf-8"), daemon=True)
    loaded: list = []
    reader = threading.Thread(target=lambda: loaded.append(config_mod.load(fifo)), daemon=True)
    writer.start()
    reader.start()
    reader.join(timeout=10)   # a second read of the pipe would wait for ever: fail instead of hanging
    assert loaded, "the policy was not read from the pipe (read twice?)"
    assert loaded[0].levels["quality_coaches"].capacity.per_1000_staff == 25


# -- fixes from a config review ------------------------------------------------------------------

def _check_config(tmp_path, text):
    """check-config on `text`: (exit code, stderr, stdout); a traceback fails the test."""
    from conftest import invoke

    path = tmp_path / "doses.yaml"
    path.write_text(text, encoding="utf-8")
    ran = invoke(["check-config", path])
    assert ran.exception is None, ran.crashed()
    return ran.code, ran.stderr, ran.stdout


def _problems(text: str) -> list[str]:
    """The problem lines of a ConfigError's message (without the closing 'Fix the lines above')."""
    return [line for line in text.splitlines() if " line " in line and "check-config FILE" not in line]


@pytest.mark.parametrize("name", ["maturity", "leadership_commitment"])
@pytest.mark.parametrize("value", ["3", "1.5", "true", "-1", "[low, high]", "[{level: board}]", "words"])
def test_values_of_a_characteristic_that_are_not_a_mapping_are_a_config_error(tmp_path, name, value):
    """`values: 3` under maturity once ended in a TypeError traceback (tuple(3)); now it is one problem,
    at its line, and nothing cascades from it (no 'no values defined', no unknown trajectory words)."""
    text = config_mod.default_path().read_text(encoding="utf-8")
    start = text.index(f"  {name}:\n")
    head, block = text[:start], text[start:]
    values_at = block.index("    values:\n")
    end = block.index("\n\n", values_at) if "\n\n" in block[values_at:] else len(block)
    removed = block[values_at:end].count("\n")
    block = block[:values_at] + f"    values: {value}" + "\n" * removed + block[end:]   # keep the line numbers
    text = head + block
    line = text[:text.index(f"    values: {value}")].count("\n") + 1
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    problems = _problems(stderr)
    assert len(problems) == 1, stderr
    assert f"line {line}: characteristics.{name}.values: expected a mapping of keys" in problems[0]


@pytest.mark.parametrize("value, valid", [("1", False), ("1.0", False), ("0.999", True), ("0", True)])
def test_a_turnover_default_of_100_percent_is_refused_as_the_command_line_refuses_it(tmp_path, run, value, valid):
    """--turnover 1 and a profile's `turnover: 1` are refused (from 0 to under 1); the policy's default of
    1 was accepted. Now the three agree."""
    text = _shipped_with("    default: 0.101\n", f"    default: {value}\n")
    code, stderr, _ = _check_config(tmp_path, text)
    if valid:
        assert code == 0, stderr
        return
    line = text.splitlines().index(f"    default: {value}") + 1
    assert code == 2
    assert f"line {line}: characteristics.turnover.default: {value} is out of range: expected at least 0 " \
           f"and under 1" in stderr
    refused = run(["plan", "--turnover", value, "x.csv"])
    assert refused.code == 2 and "under 1" in refused.stderr


@pytest.mark.parametrize("old, new, expected", [
    # a thousands comma: the user's own number, shown, and how to write it (it used to be hidden as
    # 'text of 5 characters (is this the right file?)', a guard meant for names from a staff list)
    ("    board: 80\n", "    board: 1,200\n",
     "costs.hourly_cost.board: expected a number, found the text '1,200': write numbers without a thousands comma, as 1200"),
    ("    default: 0.101\n", "    default: 3,000\n",
     "characteristics.turnover.default: expected a number, found the text '3,000': write numbers without a thousands "
     "comma, as 3000"),
    ("    hours: 3.5\n", "    hours: 3,5\n", "hours: expected a number, found the text '3,5': write a decimal point, "
     "not a comma, as 3.5"),
    # a share written as a percentage
    ("    coverage: 1.0\n", "    coverage: 80\n",
     "levels.board.coverage: 80 is out of range: expected at least 0 and at most 1 (did you mean 0.8?)"),
    ("    coverage: 1.0\n", "    coverage: 80%\n",
     "levels.board.coverage: expected a number, found the text '80%': write a share as a fraction of 1 (did you mean 0.8?)"),
    ("      pace: 0.1\n", "      pace: 20\n",
     "trajectory.levels.all_staff.pace: 20 is out of range: expected more than 0 and at most 1 (did you mean 0.2?)"),
    ("    default: 0.101\n", "    default: 15\n",
     "characteristics.turnover.default: 15 is out of range: expected at least 0 and under 1 (did you mean 0.15?)"),
    ("    default: 0.101\n", "    default: 150%\n",
     "characteristics.turnover.default: 1.5 is out of range: expected at least 0 and under 1\n"),
    # YAML 1.1 reads 1e9 as text: a float needs a dot and a signed exponent
    ("minimum: 2}", "minimum: 1e9}",
     "capacity.minimum: expected a number, found the text '1e9': YAML reads a number with an exponent only with a dot "
     "and a signed exponent; write 1000000000 or 1.0e+9"),
    ("    hours: 3.5\n", "    hours: '3.5'\n", "hours: expected a number, found the text '3.5', not a number: write 3.5 "
     "without quotes"),
    # text that is not a number is still never quoted back (it may be a line of a staff list)
    ("    hours: 3.5\n", "    hours: 'Smith, Mrs. Jo'\n", "hours: expected a number, found text of 14 characters"),
], ids=["cost 1,200", "turnover 3,000", "hours 3,5", "coverage 80", "coverage 80%", "pace 20", "turnover 15",
        "turnover 150%", "minimum 1e9", "quoted 3.5", "a name"])
def test_a_number_typed_the_wrong_way_says_how_to_write_it(tmp_path, old, new, expected):
    text = _shipped_with(old, new)
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    line = text.splitlines().index(new.rstrip("\n")) + 1 if new.endswith("\n") else None
    assert expected in stderr, stderr
    if line:
        assert f"line {line}: " in stderr
    assert "Smith" not in stderr


@pytest.mark.parametrize("written", ["15%", "15 %", "'15%'", "'0.15'"])
def test_a_turnover_default_is_read_as_a_profile_reads_it(tmp_path, written):
    """A profile's turnover and --turnover take 12%; the policy's default said "found str '15%'"."""
    path = tmp_path / "doses.yaml"
    path.write_text(_shipped_with("    default: 0.101\n", f"    default: {written}\n"), encoding="utf-8")
    assert config_mod.load(path).characteristics["turnover"].default == pytest.approx(0.15)


def test_a_policy_saved_as_windows_1252_names_the_line_and_column_of_the_bad_byte(tmp_path):
    """It said 'not UTF-8 text (byte 1088)': a byte count nobody can find in an editor."""
    text = _shipped_with("# Dose modules.", "# Dose modules \u2013 caf\u00e9.")
    path = tmp_path / "doses.yaml"
    path.write_bytes(text.encode("cp1252"))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "caf\u00e9" in t)
    column = text.splitlines()[line - 1].index("\u2013") + 1
    from qidose import yamlfile

    for load in (config_mod.load, yamlfile.load):   # the policy, and a profile or scenario file
        with pytest.raises(ConfigError) as e:
            load(path)
        assert f"line {line}, column {column}: not UTF-8 text" in str(e.value)
        assert "Windows-1252" in str(e.value) and "save the file as UTF-8" in str(e.value)
    from conftest import invoke
    ran = invoke(["check-config", path])
    assert ran.code == 2 and f"line {line}, column {column}" in ran.stderr


def test_a_merge_key_gets_the_loaders_own_message(tmp_path):
    """`<<: *x` said "cannot read the value '<<' (tag tag:yaml.org,2002:merge)"."""
    text = _shipped_with("    capacity: {per_1000_staff: 10,", "    capacity: &x {per_1000_staff: 10,")
    text = text.replace("    capacity: {per_1000_staff: 1, per_service: 0, minimum: 2}", "    capacity: {<<: *x, per_1000_staff: 1}")
    line = text.splitlines().index("    capacity: {<<: *x, per_1000_staff: 1}") + 1
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    assert f"line {line}, column 16: merge keys (<<) are not supported; write the values out" in stderr


def test_a_policy_saved_as_utf_16_says_so(tmp_path):
    path = tmp_path / "doses.yaml"
    path.write_text(config_mod.default_path().read_text(encoding="utf-8"), encoding="utf-16")
    with pytest.raises(ConfigError, match="the file is UTF-16 text .*save it as UTF-8"):
        config_mod.load(path)


def test_a_policy_indented_with_tabs_says_yaml_indents_with_spaces(tmp_path):
    """It said 'YAML syntax error: found character that cannot start any token'."""
    text = re.sub(r"(?m)^  ", "\t", config_mod.default_path().read_text(encoding="utf-8"))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("\t"))
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    assert f"line {line}, column 1: a tab in the indentation: YAML indents with spaces only" in stderr
    assert "cannot start any token" not in stderr


def test_an_include_cycle_is_reported_once_at_the_include_that_closes_it(tmp_path):
    """all_staff including itself was reported six times (once per level whose dose reaches all_staff), mostly
    at the first line of a level that was not wrong; now once, at the include itself."""
    old = "dose: {modules: [qi_foundations_online"
    text = _shipped_with(old, "dose: {includes: [all_staff], modules: [qi_foundations_online")
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "includes: [all_staff], modules: [qi_foundations" in t)
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    assert _problems(stderr) == [
        f"error: {tmp_path / 'doses.yaml'} line {line}: levels.all_staff.dose.includes[0]: includes form a cycle: "
        f"all_staff includes itself; remove 'all_staff' from its includes"]


def test_a_longer_include_cycle_is_reported_once_with_the_line_of_each_include(tmp_path):
    old = "dose: {includes: [all_staff], modules: [measurement_for_improvement]}"
    text = _shipped_with(old, "dose: {includes: [all_staff, quality_coaches], modules: [measurement_for_improvement]}")
    lines = text.splitlines()
    senior = next(i for i, t in enumerate(lines, 1) if "[all_staff, quality_coaches]" in t)
    coaches = next(i for i, t in enumerate(lines, 1) if "includes: [middle_managers], modules: [improvement_coaching]" in t)
    middle = next(i for i, t in enumerate(lines, 1) if "includes: [senior_leaders]" in t)
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    problems = _problems(stderr)
    assert len(problems) == 1, stderr
    assert f"line {middle}: levels.middle_managers.dose.includes[0]: includes form a cycle: senior_leaders includes " \
           f"quality_coaches (line {senior}), quality_coaches includes middle_managers (line {coaches}) and " \
           f"middle_managers includes senior_leaders (line {middle}); remove one of these includes" in problems[0]


def test_membership_bands_are_compared_with_case_and_spacing_ignored(tmp_path):
    """doses.yaml says bands are compared with case and spacing ignored, yet band: [8C, 8D, 9, VSM] was refused
    ("'8C' is not one of ..."). Now they are the canonical codes, and people are placed alike."""
    from qidose.classify import Classifier

    path = tmp_path / "doses.yaml"
    path.write_text(_shipped_with("band: [8c, 8d, 9, vsm]", "band: [8C, Band 8D, ' 9 ', Very Senior Manager]")
                    .replace("band: [8a, 8b]", "band: [Band 8A, 8 B]"), encoding="utf-8")
    mine, shipped = config_mod.load(path), config_mod.load()
    # the same codes as the shipped policy's (a word of staff_list.band_words is its code)
    assert {rule.level: rule.band for rule in mine.membership} == {rule.level: rule.band for rule in shipped.membership}
    classify = Classifier(mine)
    assert classify.level("", "", "", "8c") == classify.level("", "", "", "vsm") == "senior_leaders"
    assert classify.level("", "", "", "8a") == "middle_managers"


def test_a_band_that_is_none_says_which_are(tmp_path):
    text = _shipped_with("band: [8c, 8d, 9, vsm]", "band: [8c, 8e, 9, vsm]")
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 2
    assert "membership.senior_leaders.band[1]: '8e' is not a band: use 1-7, 8a-8d, 9, medical or vsm" in stderr


_EFFECT_SOURCE = '          source: "assumption: coaches still growing with the scale of improvement (evidence 2.2)"\n'


def test_an_effect_without_a_source_is_not_counted_as_sourced(tmp_path):
    """check-config said '61 sourced values, 1 without a source' for the shipped policy less one effect's
    source: the effect counted on both sides."""
    shipped = len(config_mod.load().sources)
    code, stderr, stdout = _check_config(tmp_path, _shipped_with(_EFFECT_SOURCE, ""))
    assert code == 0
    assert f"{shipped - 1} sourced values, 1 without a source" in stdout
    mine = config_mod.load(tmp_path / "doses.yaml")
    assert config_mod.unsourced_numbers(mine) == ["characteristics.maturity.values.developing[0]"]
    assert "characteristics.maturity.values.developing[0]" not in mine.sources


def test_a_number_left_out_is_placed_at_the_line_of_its_block(tmp_path):
    """capacity's per_service may be left out (it is then 0); check-config's warning that it has no source said
    'line ?'. The key now has the line of the block it belongs in."""
    text = _shipped_with("    capacity: {per_1000_staff: 10, per_service: 1, minimum: 2}",
                         "    capacity:\n      per_1000_staff: 10\n      minimum: 2")
    text = re.sub(r"(?m)^      per_service: \"assumption: at least one coach.*\n", "", text)
    line = text.splitlines().index("    capacity:") + 1
    code, stderr, _ = _check_config(tmp_path, text)
    assert code == 0
    assert f"line {line}: levels.quality_coaches.capacity.per_service has no source" in stderr
    assert "line ?" not in stderr
    assert config_mod.load(tmp_path / "doses.yaml").lines["levels.quality_coaches.capacity.per_service"] == line


def test_hours_per_day_is_required_not_a_number_in_code(tmp_path):
    """config.py read top.get('hours_per_day', 7.5): a policy without it silently had 7.5-hour days, a policy
    number with no source in the file."""
    code, stderr, _ = _check_config(tmp_path, _shipped_with("hours_per_day: 7.5\n", ""))
    assert code == 2
    assert "the file: missing key 'hours_per_day': the hours in a training day" in stderr
    assert "Traceback" not in stderr


def test_the_place_named_for_a_missing_source_is_where_the_shipped_policy_has_it(config):
    """check-config told to 'add one under `sources:`' for an effect, which takes `source:` (and refuses
    `sources:`). config.unsourced_warnings names the key each block takes: for every number of the shipped
    policy, the place it names holds that number's source there."""
    from qidose import yamlfile

    data, _ = yamlfile.load(config_mod.default_path())
    for key in config_mod.numbered_keys(config):
        place = config_mod.source_place(key)
        if place == "add `source:` to this effect":
            name, word, i = re.fullmatch(r"characteristics\.(\w+)\.values\.(\w+)\[(\d+)\]", key).groups()
            held = data["characteristics"][name]["values"][word][int(i)]["source"]
        else:
            name, block = re.fullmatch(r"add `(\w+):` under `([\w.]+)`", place).groups()
            held = data
            for part in block.split("."):
                held = held[part]
            held = held[name]
        assert held == config.sources[key], (key, place)


def test_check_configs_warning_for_an_effect_without_a_source_names_source(tmp_path):
    path = tmp_path / "doses.yaml"
    path.write_text(_shipped_with(_EFFECT_SOURCE, ""), encoding="utf-8")
    mine = config_mod.load(path)
    line = mine.lines["characteristics.maturity.values.developing[0]"]
    assert config_mod.unsourced_warnings(mine) == [
        f"{path} line {line}: characteristics.maturity.values.developing[0] has no source; add `source:` to this "
        f"effect (or say 'assumption: why')"]


# -- board members found by their position title alone (an export without a Job Role column) ----------------

BOARD_TITLES = ["Chief Executive", "Chief Operating Officer", "Chief Nurse", "Chief Medical Officer", "Chief Finance Officer",
                "Chief Financial Officer", "Chief People Officer", "Chief Nursing Officer", "Executive Chief Nurse",
                "Chief Nurse and Director of Quality", "Interim Chief Executive", "Acting Chief Nurse", "Trust Chair",
                "Chairman", "Chair", "Chair of the Board", "Vice Chair", "Non-Executive Director",
                "Associate Non-Executive Director", "Director of Finance", "Interim Director of Finance", "Medical Director"]
NOT_BOARD_TITLES = ["Chief Pharmacist", "Deputy Chief Nurse", "Assistant Chief Nurse", "Deputy Chief Operating Officer",
                    "Deputy Chief Finance Officer", "Chief Nurse Information Officer", "Chief Nursing Information Officer",
                    "Chief Clinical Information Officer", "Chief Medical Information Officer", "Chief Registrar",
                    "Chief Biomedical Scientist", "Chief Physiotherapist", "Chief Executive's PA",
                    "Chief Executive Office Manager", "PA to the Chief Executive", "Assistant Director of Nursing",
                    "Deputy Director of Finance", "Associate Medical Director", "Chair of the Staff Network",
                    "Vice Chair of the Staff Network", "Staff Side Chair", "Chair's PA", "Personal Assistant to the Chair"]


@pytest.mark.parametrize("title", BOARD_TITLES)
def test_a_board_title_alone_puts_a_person_on_the_board(config, title):
    """Without a Job Role column only the title can place a board member; 'Chief Operating Officer', 'Chief Nurse',
    'Trust Chair' and 'Chairman' were in all_staff."""
    from qidose.classify import Classifier

    assert Classifier(config).level("", "", title, None) == "board"


@pytest.mark.parametrize("title", NOT_BOARD_TITLES)
def test_a_title_like_a_board_title_is_not_the_board(config, title):
    """Deputies, assistants, the Chief Pharmacist and chairs of other bodies stay off the board ('Chair of the
    Staff Network' was on it: '^chair\\b' matched any title that began with Chair)."""
    from qidose.classify import Classifier

    assert Classifier(config).level("", "", title, None) != "board"


def test_a_list_without_job_roles_finds_its_board_by_title(tmp_path, config):
    import csv
    import datetime as dt

    from qidose.staff import read

    path = tmp_path / "no_job_role.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["Employee Number", "Position Title", "Grade", "Assignment Status", "FTE"])
        for i, title in enumerate(BOARD_TITLES + NOT_BOARD_TITLES):
            writer.writerow([str(10000100 + i), title, "", "Active Assignment", "1"])
    result = read(str(path), config, as_of=dt.date(2026, 10, 1))
    assert result.whole.headcount["board"] == len(BOARD_TITLES)


@pytest.mark.parametrize("text, read_as", [("010", 8), ("1:30", 90), ("0x10", 16), ("1_000", 1000), ("010.5", 10.5)])
def test_numbers_yaml_would_read_otherwise_are_refused(tmp_path, text, read_as):
    """YAML 1.1 reads a cohort size of 010 as 8 (octal) and 1:30 as 90 (base 60), silently."""
    shipped = config_mod.default_path().read_text(encoding="utf-8")
    policy = tmp_path / "policy.yaml"
    policy.write_text(shipped.replace("cohort_size: 30", f"cohort_size: {text}", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"'{re.escape(text)}' is not a plain decimal number \(YAML reads it as {read_as}\)") as e:
        config_mod.load(str(policy))
    assert str(e.value).split("; write it ")[1].startswith("without its leading zeros" if text.startswith("0") and
                                                          text[1:2].isdigit() else "with digits")


def test_a_status_both_in_post_and_out_of_post_is_refused_at_its_line(tmp_path):
    text = _shipped_with("  not_in_post: [Maternity Leave,", "  not_in_post: [Acting up, Maternity Leave,")
    with pytest.raises(ConfigError) as e:
        _load(tmp_path, text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if t.startswith("  not_in_post:"))
    assert f"line {line}: staff_list.not_in_post: 'Acting up' is in in_post too" in str(e.value)
