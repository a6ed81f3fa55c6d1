"""The staff-list reader on the shapes ESR exports come in."""

import csv
import dataclasses
import datetime as dt
import io

import pytest

from qidose import config as config_mod
from qidose.classify import band_code
from qidose.errors import ConfigError, UsageError
from qidose.staff import read
from qidose.staff_file import ReadOptions

AS_OF = dt.date(2026, 10, 1)
HEADER = ["Employee Number", "Assignment Number", "Full Name", "Directorate", "Staff Group", "Job Role",
          "Position Title", "Grade", "Assignment Status", "FTE", "Start Date", "QI Role", "QI Training"]
PEOPLE = [  # one row per person, clean
    ["10000001", "10000001", "Zzyzx, Mrs. Quilla", "Corporate", "Administrative and Clerical", "Chair", "Chair", "Very Senior Manager", "Active Assignment", "0.20", "01/04/2019", "", "Introduction to QI; Board QI Development"],
    ["10000002", "10000002", "Zzyzx, Mr. A", "Corporate", "Administrative and Clerical", "Chief Executive", "Chief Executive", "Very Senior Manager", "Active Assignment", "1.00", "01/04/2018", "", ""],
    ["10000003", "10000003", "Zzyzx, Ms. B", "Surgery", "Administrative and Clerical", "Senior Manager", "Head of Surgery", "Band 8C", "Active Assignment", "1.00", "12/03/2015", "", ""],
    ["10000004", "10000004", "Zzyzx, Dr. C", "Medicine", "Nursing and Midwifery Registered", "Ward Manager", "Ward Manager", "Band 7", "Active Assignment", "1.00", "05/06/2012", "Quality Coach", ""],
    ["10000005", "10000005", "Zzyzx, Mr. D", "Medicine", "Nursing and Midwifery Registered", "Staff Nurse", "Staff Nurse Band 5", "Band 5", "Active Assignment", "0.80", "01/02/2026", "", "Introduction to QI"],
    ["10000006", "10000006", "Zzyzx, Mr. E", "Medicine", "Additional Clinical Services", "Healthcare Assistant", "Healthcare Assistant", "Band 3", "Active Assignment", "0.60", "01/09/2020", "", ""],
    ["10000007", "10000007", "Zzyzx, Ms. F", "Surgery", "Allied Health Professionals", "Physiotherapist", "Physiotherapist", "Band 6", "Active Assignment", "1.00", "14/11/2025", "", ""],
    ["10000008", "10000008", "Zzyzx, Dr. G", "Surgery", "Medical and Dental", "Consultant", "Consultant Surgeon", "Medical", "Active Assignment", "1.00", "01/08/2009", "", ""],
    ["10000009", "10000009", "Zzyzx, Mr. H", "Estates", "Estates and Ancillary", "Porter", "Porter", "Apprentice/Band 1", "Active Assignment", "1.00", "01/01/2024", "", ""],
    ["10000010", "10000010", "Zzyzx, Ms. I", "Corporate", "Administrative and Clerical", "Manager", "Finance Manager", "Band 8A", "Active Assignment", "1.00", "01/01/2017", "Improvement Advisor", "Improvement Advisor Programme"],
]


def write(tmp_path, name, rows, header=HEADER, encoding="utf-8", newline="\n", before=()):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    for line in before:
        writer.writerow(line)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


@pytest.fixture(scope="module")
def config():
    return config_mod.load()


def figures(staff_list):
    c = staff_list.whole
    return (dict(c.headcount), {k: round(v, 6) for k, v in c.fte.items()}, dict(c.already_trained),
            len(c.services), c.joiners, c.dated)


@pytest.mark.parametrize("raw, code", [
    ("Band 5", "5"), ("Band 8A", "8a"), ("Band 8a", "8a"), ("8a", "8a"), ("band 8c ", "8c"),
    ("NHS|XR05|Review Body Band 5", "5"), ("Apprentice/Band 1", "1"), ("AfC Band 6", "6"),
    ("Medical", "medical"), ("Very Senior Manager", "vsm"), ("Band 9", "9"), ("Nonsense grade", None), ("", None),
])
def test_band_codes(config, raw, code):
    assert band_code(raw, config.staff_list.band_words) == code


def test_clean_list_levels(config, tmp_path):
    result = read(write(tmp_path, "clean.csv", PEOPLE), config, as_of=AS_OF)
    h = result.whole.headcount
    assert (h["board"], h["senior_leaders"], h["middle_managers"], h["all_staff"]) == (2, 1, 2, 5)
    assert h["quality_coaches"] == 1 and h["internal_experts"] == 1
    assert result.whole.already_trained["board"] == 1      # the Chair's record covers the board dose
    assert result.whole.joiners == 2                         # started within 12 months of AS_OF


def test_messy_export_gives_the_same_census_as_its_clean_equivalent(config, tmp_path):
    clean = read(write(tmp_path, "clean.csv", PEOPLE), config, as_of=AS_OF)
    header = ["Unique Nhs Identifier", "Asg Number", "Full Name", "Directorate", "STAFF_GROUP", "Role",
              "PositionTitle", "AfC Band", "Status", "Contracted Wte", "Start Date", "QI Role", "QI Training"]
    rows = [list(r) for r in PEOPLE]
    rows[2][7] = "8c"
    rows[4][7] = "NHS|XR05|Review Body Band 5"
    rows[4][10] = "2026-02-01"
    rows[5][10] = "20200901"
    rows[6][10] = str((dt.date(2025, 11, 14) - dt.date(1899, 12, 30)).days)   # an Excel serial date
    split = list(rows[4])                     # the staff nurse's FTE split over two assignments
    rows[4][9], split[9], split[1] = "0.50", "0.30", "10000005-2"
    leaver = list(rows[3]); leaver[0], leaver[8] = "10000099", "Terminator"
    mat = list(rows[7]); mat[0], mat[8] = "10000098", "Maternity Leave"
    acting = list(rows[5]); acting[1], acting[6], acting[7], acting[9] = "10000006-2", "Ward Manager (acting)", "Band 7", "0"
    acting[8] = "Acting Up"
    messy = rows + [split, acting, leaver, mat, list(rows[0]), ["Total", "", "", "", "", "", "", "", "", "10.4"], []]
    path = write(tmp_path, "messy.csv", messy, header=header, encoding="utf-8-sig", newline="\r\n",
                 before=[["Staff in post report"], ["Run date: 01/10/2026"], []])
    result = read(path, config, as_of=AS_OF)
    expected_headcount = dict(clean.whole.headcount)
    expected_headcount["all_staff"] -= 1          # the HCA's acting-up row makes them a middle manager
    expected_headcount["middle_managers"] += 1
    assert dict(result.whole.headcount) == expected_headcount
    assert round(sum(result.whole.fte.values()), 6) == round(sum(clean.whole.fte.values()), 6)
    assert figures(result)[2:] == figures(clean)[2:]
    kinds = set(result.diagnostics.warnings)
    assert {"duplicate", "total"} <= kinds


def test_variant_headers_alone_change_nothing(config, tmp_path):
    clean = read(write(tmp_path, "clean.csv", PEOPLE), config, as_of=AS_OF)
    header = ["Employee Number", "Assignment Number", "Full Name", "Directorate", "StaffGroup", "Job Role",
              "Position Title", "Banding", "Assignment Status", "FTE", "Start Date", "QI Role", "QI Training"]
    variant = read(write(tmp_path, "variant.csv", PEOPLE, header=header, encoding="cp1252"), config,
                   as_of=AS_OF)
    assert figures(variant) == figures(clean)


def test_people_not_rows_are_counted(config, tmp_path):
    rows = [list(r) for r in PEOPLE] + [list(PEOPLE[6][:1]) + ["10000007-2"] + PEOPLE[6][2:9] + ["0.40"] + PEOPLE[6][10:]]
    result = read(write(tmp_path, "multi.csv", rows), config, as_of=AS_OF)
    assert result.whole.people == len(PEOPLE)
    assert result.rows_read == len(PEOPLE) + 1
    assert result.whole.fte["all_staff"] == pytest.approx(0.8 + 0.6 + 1.0 + 0.4 + 1.0 + 1.0)


def test_names_are_never_read(config, tmp_path):
    result = read(write(tmp_path, "clean.csv", PEOPLE), config, as_of=AS_OF)
    assert "Full Name" not in result.columns.values()



def _swapped_ranks(tmp_path):
    """The shipped policy with middle managers ranked above senior leaders."""
    text = config_mod.default_path().read_text(encoding="utf-8")
    senior, middle = text.index("  senior_leaders:\n"), text.index("  middle_managers:\n")
    text = (text[:senior] + text[senior:middle].replace("rank: 2", "rank: 3")
            + text[middle:].replace("rank: 3", "rank: 2", 1))
    path = tmp_path / "swapped.yaml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(str(path))


@pytest.mark.parametrize("swapped", [False, True])
def test_a_person_with_several_rows_is_in_the_highest_ranked_level_of_any(config, tmp_path, swapped):
    policy = _swapped_ranks(tmp_path) if swapped else config
    assert policy.role_order[1:3] == (("middle_managers", "senior_leaders") if swapped
                                      else ("senior_leaders", "middle_managers"))
    ward, senior = list(PEOPLE[3]), list(PEOPLE[2])
    one_row = [ward[:7] + ["Band 8C"] + ward[8:]]                     # a row that both levels' rules match
    two_rows = [ward, ward[:1] + ["10000004-2"] + senior[2:]]         # the same person: one row matches each
    expected = policy.role_order[1]
    for rows in (one_row, two_rows):
        census = read(write(tmp_path, "person.csv", rows), policy, as_of=AS_OF).whole
        assert census.people == 1
        assert census.headcount[expected] == 1, (rows, dict(census.headcount))


def test_all_staff_must_rank_lowest(tmp_path):
    text = config_mod.default_path().read_text(encoding="utf-8")
    path = tmp_path / "catch_all_high.yaml"
    path.write_text(text.replace("rank: 1", "rank: 9", 1), encoding="utf-8")   # the board below all_staff
    with pytest.raises(ConfigError, match="all_staff.*lowest rank"):
        config_mod.load(str(path))


def _text(rows, header=HEADER) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([header, *rows])
    return out.getvalue()


def test_an_unquoted_name_shifts_its_row_even_when_its_last_cell_is_empty(config, tmp_path):
    assert PEOPLE[1][-1] == ""   # the Chief Executive: no QI training, so the shifted row ends in an empty cell
    path = tmp_path / "unquoted.csv"
    path.write_text(_text(PEOPLE).replace('"Zzyzx, Mr. A"', "Zzyzx, Mr. A"), encoding="utf-8")
    result = read(str(path), config, as_of=AS_OF)
    assert result.whole.people == len(PEOPLE) - 1
    assert result.whole.headcount["board"] == 1
    warning = result.diagnostics.warnings["long"]
    assert (warning.count, warning.rows) == (1, [3])


def test_a_separator_after_every_row_is_read_but_after_one_row_is_a_shifted_row(config, tmp_path):
    header, *lines = _text(PEOPLE).splitlines()
    every = tmp_path / "every.csv"
    every.write_text("\n".join([header] + [line + "," for line in lines]) + "\n", encoding="utf-8")
    result = read(str(every), config, as_of=AS_OF)
    assert (result.whole.people, dict(result.diagnostics.warnings)) == (len(PEOPLE), {})
    one = tmp_path / "one.csv"
    one.write_text("\n".join([header] + lines[:4] + [lines[4] + ","] + lines[5:]) + "\n", encoding="utf-8")
    result = read(str(one), config, as_of=AS_OF)
    assert result.whole.people == len(PEOPLE) - 1
    assert result.diagnostics.warnings["long"].rows == [6]


def test_footer_lines_are_not_people_even_without_a_status_column(config, tmp_path):
    header = ["Employee Number", "Staff Group", "Job Role", "Grade", "FTE"]
    rows = [[str(6000 + i), "Nursing", "Staff Nurse", "Band 5", "1"] for i in range(5)]
    rows += [[], ["Report generated by ESR BI on 01/06/2026", "", "", "", ""], ["Records: 5", "", "", "", ""],
             ["Prepared by Zebedee Quuxley"]]
    result = read(write(tmp_path, "footer.csv", rows, header=header), config, as_of=AS_OF)
    assert result.whole.people == 5
    warning = result.diagnostics.warnings["text"]
    assert (warning.count, warning.rows) == (3, [8, 9, 10])
    assert "Zebedee" not in "\n".join(result.diagnostics.lines())   # the text itself is never quoted


def test_a_service_typed_with_other_spaces_or_capitals_is_one_service(config, tmp_path):
    rows = [list(r) for r in PEOPLE[4:7]]
    for row, spelling in zip(rows, ["Acute Medicine", "Acute\u00a0Medicine", " acute  medicine"]):
        row[3] = spelling
    result = read(write(tmp_path, "services.csv", rows), config, as_of=AS_OF, by="Directorate")
    assert len(result.whole.services) == 1
    assert sorted(result.groups) == ["Acute Medicine", "acute medicine"]   # a --by group keeps its capitals


@pytest.mark.parametrize("names", [
    ["Quuxley, Zebedee", "Xanthippe, Ottoline", "Grimthorpe, Algernon", "Smethwick, Drusilla"],   # no titles
    ["Quuxley, Mr. Zebedee", "Surgery"],
])
def test_by_refuses_a_column_of_names_written_surname_first(config, tmp_path, names):
    rows = [list(r) for r in PEOPLE]
    for i, row in enumerate(rows):
        row[3] = names[i % len(names)]
    path = write(tmp_path, "names.csv", rows, header=HEADER[:3] + ["Ward"] + HEADER[4:])
    with pytest.raises(UsageError, match="look like people's names") as refused:
        read(path, config, as_of=AS_OF, by="Ward")
    assert not any(name.split(",")[0] in str(refused.value) for name in names)
    path = write(tmp_path, "names.csv", rows, header=HEADER[:3] + ["Educational Supervisor"] + HEADER[4:])
    with pytest.raises(UsageError, match="that column identifies people"):   # by its header, whatever it holds
        read(path, config, as_of=AS_OF, by="Educational Supervisor")


def test_by_refuses_a_column_with_a_value_for_most_people_even_in_a_small_list(config, tmp_path):
    rows = [list(r) for r in PEOPLE]
    for i, row in enumerate(rows):
        row[3] = f"Zebedee Quuxley {i}"   # names written forename first have no telling shape
    with pytest.raises(UsageError, match="10 groups for 10 people"):
        read(write(tmp_path, "colleague.csv", rows), config, as_of=AS_OF, by="Directorate")


@pytest.mark.parametrize("services", [["Surgery, Anaesthetics and Critical Care", "Medicine", "Women, Children"],
                                      ["Surgery", "Medicine", "Corporate", "Estates"]])
def test_by_accepts_services_with_commas_and_a_group_for_few_people(config, tmp_path, services):
    rows = [list(r) for r in PEOPLE]
    for i, row in enumerate(rows):
        row[3] = services[i % len(services)]
    result = read(write(tmp_path, "services.csv", rows), config, as_of=AS_OF, by="Directorate")
    assert sorted(result.groups) == sorted(services)


def test_missing_columns_that_change_the_plan_are_said_with_the_warnings(config, tmp_path):
    keep = [i for i, h in enumerate(HEADER) if h not in ("Job Role", "Assignment Status")]
    path = write(tmp_path, "bare.csv", [[r[i] for i in keep] for r in PEOPLE], header=[HEADER[i] for i in keep])
    lines = read(path, config, as_of=AS_OF).diagnostics.lines()
    assert lines[0] == f"{path}: no job role column: people are placed by position title and grade alone, so board " \
                       "members and managers are found only by the title patterns under membership in the config"
    assert lines[1].startswith(f"{path}: no assignment status column: every row counts as in post")
    assert read(write(tmp_path, "full.csv", PEOPLE), config, as_of=AS_OF).diagnostics.lines() == []


@pytest.mark.parametrize("column, refused", [("Appraiser Name", True), ("Line Manager Full Name", True),
                                             ("Supervisor ID", True), ("Assignment Category", False),
                                             ("Organisation Name", False), ("Site Name", False)])
def test_by_refuses_a_never_group_by_column_by_its_header_with_name_after_it(config, tmp_path, column, refused):
    rows = [list(r) for r in PEOPLE]
    for i, row in enumerate(rows):
        row[3] = ("Surgery", "Medicine", "Corporate")[i % 3]   # values that would be allowed
    path = write(tmp_path, "cols.csv", rows, header=HEADER[:3] + [column] + HEADER[4:])
    if refused:
        with pytest.raises(UsageError, match="that column identifies people"):
            read(path, config, as_of=AS_OF, by=column)
    else:
        assert sorted(read(path, config, as_of=AS_OF, by=column).groups) == ["Corporate", "Medicine", "Surgery"]


def test_by_refuses_names_written_surname_and_initial(config, tmp_path):
    rows = [list(r) for r in PEOPLE]
    for i, row in enumerate(rows):
        row[3] = ("Adeyemi, D", "Ali, C.", "Nair, A")[i % 3]
    with pytest.raises(UsageError, match="look like people's names"):
        read(write(tmp_path, "initials.csv", rows), config, as_of=AS_OF, by="Directorate")


def test_a_shifted_first_row_is_warned_about_when_later_rows_are_the_header_s_width(config, tmp_path):
    """The first row decides whether every row ends in a separator: when it is a shifted row (an unquoted
    name, an empty last cell), the later rows of the header's width say so."""
    rows = [list(PEOPLE[1])] + [list(r) for r in PEOPLE[:1] + PEOPLE[2:]]
    path = tmp_path / "first.csv"
    path.write_text(_text(rows).replace('"Zzyzx, Mr. A"', "Zzyzx, Mr. A"), encoding="utf-8")
    warning = read(str(path), config, as_of=AS_OF).diagnostics.warnings["first-row"]
    assert (warning.count, warning.rows) == (1, [2])
    header, *lines = _text(PEOPLE).splitlines()
    every = tmp_path / "every.csv"
    every.write_text("\n".join([header] + [line + "," for line in lines]) + "\n", encoding="utf-8")
    assert "first-row" not in read(str(every), config, as_of=AS_OF).diagnostics.warnings


def test_a_status_the_policy_does_not_list_is_warned_about_row_by_row(config, tmp_path):
    """A typo, a blank or a bank status is not in post, said for every row; ESR's own statuses out of post are silent."""
    statuses = ["Active Assignment", "ACTIVE  ASSIGNMENT", "Actve Assignment", "Maternity Leave", "",
                "Active Assignment - Bank", "Suspend No Pay", "Career Break"]
    rows = [[str(7000 + i), "", "Zzyzx, Ms. Q", "Surgery", "Nursing and Midwifery Registered", "Staff Nurse",
             "Staff Nurse", "Band 5", status, "1", "", "", ""] for i, status in enumerate(statuses)]
    result = read(write(tmp_path, "statuses.csv", rows), config, as_of=AS_OF)
    assert (result.whole.people, result.rows_read) == (2, 8)
    warning = result.diagnostics.warnings["status"]
    assert (warning.count, warning.rows) == (3, [4, 6, 7])
    assert "add the status to staff_list.in_post" in warning.action


def test_a_policy_without_not_in_post_warns_about_no_status(config, tmp_path):
    rows = [[str(7100 + i), "", "", "Surgery", "", "Porter", "Porter", "Band 2", status, "1", "", "", ""]
            for i, status in enumerate(["Active Assignment", "Actve Assignment"])]
    rules = dataclasses.replace(config.staff_list, not_in_post=None)
    result = read(write(tmp_path, "old.csv", rows), dataclasses.replace(config, staff_list=rules), as_of=AS_OF)
    assert (result.whole.people, dict(result.diagnostics.warnings)) == (1, {})


@pytest.mark.parametrize("left_off", [1, 2])
def test_an_unquoted_name_in_a_row_whose_last_cells_were_left_off_is_skipped(config, tmp_path, left_off):
    """'Zzyzx, Mr. D' without quotes adds a cell; leaving off the empty last cells (as Excel does for
    some rows) brings the row back to the header's width or under it. Either way the row's values are
    in the wrong columns: its service would be ' Mr. D' and its status 'Medicine'."""
    rows = [list(p) for p in PEOPLE]
    rows[4][-1] = rows[4][-2] = ""
    lines = _text(rows).splitlines()
    shifted = lines[5].replace('"Zzyzx, Mr. D"', "Zzyzx, Mr. D")[:-left_off]   # its last empty cells left off
    path = tmp_path / "shifted.csv"
    path.write_text("\n".join(lines[:5] + [shifted] + lines[6:]) + "\n", encoding="utf-8")
    result = read(str(path), config, as_of=AS_OF)
    assert result.whole.people == len(PEOPLE) - 1
    assert len(result.whole.services) == 4                  # Corporate, Surgery, Medicine, Estates: no ' mr. d'
    assert list(result.diagnostics.warnings) == ["unquoted"]   # nothing about its shifted grade, status or QI role
    assert result.diagnostics.warnings["unquoted"].rows == [6]
    assert "Zzyzx" not in "\n".join(result.diagnostics.lines())


def test_half_a_name_after_the_names_column_is_skipped_in_any_row(config, tmp_path):
    """A row of the header's width whose cell after the names reads ' Mrs. Q' and whose names cell lost its
    comma (a name split at it) is skipped; values that merely start with a title, or with a space and a
    word in capitals (' MS Specialist Nurse', ' DR Screening'), are values."""
    header = ["Employee Number", "Assignment Status", "Full Name", "Directorate", "Job Role", "Position Title", "Grade", "FTE"]
    rows = [["501", "Active Assignment", "Zzyzx", " Mrs. Q", "Surgery", "Staff Nurse", "Staff Nurse", "Band 5"],
            ["502", "Active Assignment", "Zzyzx, Mr. R", "Dr Gray's Hospital", "Staff Nurse", "Staff Nurse", "Band 5", "1"],
            ["503", "Active Assignment", "Zzyzx, Ms. S", "Neurology", "Nurse Specialist", " MS Specialist Nurse Band 6", "Band 6", "1"],
            ["504", "Active Assignment", "Zzyzx, Mr. T", "Ophthalmology", "Screener", " DR Screening Grader", "Band 4", "1"],
            ["505", "Active Assignment", "Zzyzx, Dr. U", " Mrs. Jo", "Staff Nurse", "Staff Nurse", "Band 5", "1"]]   # a comma: a value
    result = read(write(tmp_path, "width.csv", rows, header=header), config, as_of=AS_OF)
    assert result.whole.people == 4
    assert list(result.diagnostics.warnings) == ["unquoted"]
    assert result.diagnostics.warnings["unquoted"].rows == [2]


def test_a_footer_line_with_a_comma_is_not_a_person(config, tmp_path):
    """Without a status column, 'Report produced by Zebedee Quuxley, Finance on ...' split at its comma
    was a person with a text employee number; a text id (no spaces) still is one."""
    header = ["Employee Number", "Staff Group", "Job Role", "Grade", "FTE"]
    rows = [[str(6000 + i), "Nursing", "Staff Nurse", "Band 5", "1"] for i in range(3)] + [["E6003", "Nursing", "Staff Nurse", "Band 5", "1"]]
    rows += [["Report produced by Zebedee Quuxley", " Finance on 01/11/2026"], ["Prepared for the Board", "2026", "v2"]]
    result = read(write(tmp_path, "footer.csv", rows, header=header), config, as_of=AS_OF)
    assert result.whole.people == 4
    assert result.diagnostics.warnings["text"].rows == [6, 7]
    assert "Zebedee" not in "\n".join(result.diagnostics.lines())


def test_a_terminated_assignment_is_out_of_post_without_a_warning(config, tmp_path):
    rows = [[str(7200 + i), "", "", "Surgery", "", "Porter", "Porter", "Band 2", status, "1", "", "", ""]
            for i, status in enumerate(["Active Assignment", "Terminate Assignment"])]
    result = read(write(tmp_path, "leavers.csv", rows), config, as_of=AS_OF)
    assert (result.whole.people, result.rows_read, dict(result.diagnostics.warnings)) == (1, 2, {})


def _split_case(tmp_path, header, rows, name="split.csv", sep=","):
    path = tmp_path / name
    path.write_text("\n".join(sep.join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_a_name_split_under_any_header_is_found_by_the_shape_of_the_names(config, tmp_path):
    """No Full Name column: 'Line Manager' holds names written as ESR writes them, and one unquoted one moves
    its row's Directorate along. Forename-first names, and a cell after them starting ' Dr ...', move nothing."""
    header = ["Employee Number", "Line Manager", "Directorate", "Job Role", "Grade", "Assignment Status", "FTE"]
    rows = [[str(800 + i), '"Zzyzx, Mr. P"', "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1"] for i in range(4)]
    rows.insert(2, ["899", "Zzyzx", " Mr. Q", "Surgery", "Staff Nurse", "Band 5", "Active Assignment"])   # its FTE left off
    result = read(_split_case(tmp_path, header, rows), config, as_of=AS_OF)
    assert (result.whole.people, len(result.whole.services)) == (4, 1)
    assert result.diagnostics.warnings["unquoted"].rows == [4]
    header = ["Employee Number", "Employee Name", "Educational Supervisor", "Directorate", "Job Role", "Grade", "FTE"]
    rows = [[str(900 + i), f"Jo Zzyzx{i}", " Dr Amaka Zzyzx", "Surgery", "Staff Nurse", "Band 5", "1"] for i in range(5)]
    result = read(_split_case(tmp_path, header, rows, "forename.csv"), config, as_of=AS_OF)
    assert result.whole.people == 5 and "unquoted" not in result.diagnostics.warnings


@pytest.mark.parametrize("layout", ["names last", "semicolons"])
def test_a_row_with_a_name_that_cannot_move_what_is_read_is_counted(config, tmp_path, layout):
    """Names after every column read: an unquoted one moves nothing read, so the row is counted. With
    another separator a comma cannot split a cell at all."""
    header = ["Employee Number", "Directorate", "Job Role", "Grade", "Assignment Status", "FTE", "Full Name", "Known As"]
    rows = [[str(700 + i), "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1", '"Zzyzx, Mr. P"', ""] for i in range(4)]
    rows.append(["799", "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1", "Zzyzx", " Mr. Q"])
    sep = ";" if layout == "semicolons" else ","
    if layout == "semicolons":
        header = ["Employee Number", "Full Name", "Next", "Directorate", "Job Role", "Grade", "Assignment Status", "FTE"]
        rows = [[r[0], r[6].strip('"'), "", *r[1:6]] for r in rows[:4]] + [["799", "Zzyzx", " Mr. Q", "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1"]]
    result = read(_split_case(tmp_path, header, rows, sep=sep), config, ReadOptions(delimiter=sep), as_of=AS_OF)
    assert result.whole.people == 5 and "unquoted" not in result.diagnostics.warnings


@pytest.mark.parametrize("odd", ["blank names first", "NULs"])
def test_the_names_columns_are_found_past_blank_names_and_through_nuls(config, tmp_path, odd):
    """The names are judged over the file's first 64 KB, as its rows are read (without NULs): 60 rows with no
    name, or a NUL after every name's comma, still leave a split name found and its row skipped."""
    header = ["Employee Number", "Full Name", "Directorate", "Job Role", "Grade", "Assignment Status", "FTE", "QI Role"]
    rows = [[str(600 + i), "" if odd == "blank names first" and i < 60 else f'"Zzyzx,{chr(0) if odd == "NULs" else ""} Mr. P{i}"',
             "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1", ""] for i in range(80)]
    rows[70] = ["670", "Zzyzx", " Mr. Q", "Surgery", "Staff Nurse", "Band 5", "Active Assignment", "1"]   # QI Role left off
    result = read(_split_case(tmp_path, header, rows), config, as_of=AS_OF)
    assert result.whole.people == 79
    assert result.diagnostics.warnings["unquoted"].rows == [72]
