"""Synthetic ESR-like staff lists for qidose tests and benchmarks (stdlib; openpyxl only for xlsx).

One row per *assignment*, as an ESR BI "staff list" export would give (research: nhs-staff-lists.md).
Every proportion below is the research doc's, section 7 unless a comment names another:

- Staff Group mix: the 7 "Staff Group headcount mix" table; Job Role names from 1b, each role with the
  bands of the nursing ladder in 2 (Staff Nurse 5, Sister 6, Ward Manager 7, Matron 8A/8B, ...).
  Role weights are tuned so the AfC band mix lands near the 7 "Band mix" table.
- Board: 1 Chair, 6 NEDs, Chief Executive, Finance, Medical, Nursing and 2 other executive directors
  (section 2 board sizes; 7 "target groups"), one board per simulated trust of ~6,500 people (3).
- Senior leaders ~1.2% (bands 8C-9, Senior Manager, Clinical Director - Medical) and middle managers ~10%
  (Ward Manager, Sister/Charge Nurse, Matron, team managers, Manager, Supervisor): 7 "target groups".
- Assignment Category / Status, Contracted Hours and FTE: the 7 schema table (values from 1c and 1d).
- Start dates: ~11% of people started in the 12 months before REF_DATE, matching the 10-12% leaver
  rates of section 4, so turnover can be estimated from start dates.
- Values: Organisation "<VPD> <cost centre> <name>", Full Name "Surname, Title Forename", 8-digit
  employee numbers (1c); grades "Band 8A", "Apprentice/Band 1", "Medical" (1e).
- ~5.7% of people have a second row (bank, a second post, locum/honorary for doctors, acting up), a few a
  third (1d, 7). QI Role and QI Training are local columns (6.6); they repeat on every row of a person.
- messy=True adds the 6.7 / 7 "dirty-file" variants from a separate random stream, so a messy file holds
  the same people as the clean file with the same seed.
- Above 100,000 people the file becomes a national extract: trusts of 2,500-10,500 people, each with its
  own VPD, board, and an Organisation value naming the trust (~230 trusts for 1.5m people).

Streaming: per-person state is O(1); only one trust's tables are held at a time.
"""
from __future__ import annotations

import argparse
import bisect
import csv
import datetime as dt
import random
import sys
import zlib
from typing import Iterator

HEADER = ["Employee Number", "Assignment Number", "Full Name", "Organisation", "Division", "Directorate",
          "Staff Group", "Job Role", "Position Title", "Grade", "Assignment Category", "Assignment Status",
          "Contracted Hours", "FTE", "Primary Assignment", "Start Date", "QI Role", "QI Training"]
REF_DATE = dt.date(2026, 10, 1)
TRUST_SIZE, NATIONAL_ABOVE = 6500, 100_000
ROWS_PER_PERSON = 1.06
_REF, _1990, _EXCEL0 = REF_DATE.toordinal(), dt.date(1990, 1, 1).toordinal(), dt.date(1899, 12, 30).toordinal()


class _Pick:
    """Weighted choice with one rng.random() call (faster than rng.choices for millions of draws)."""

    def __init__(self, pairs):
        self.items = [item for _, item in pairs]
        self.cum, total = [], 0.0
        for weight, _ in pairs:
            total += weight
            self.cum.append(total)
        self.total = total

    def __call__(self, rng):
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


# Staff groups, their share (section 7) and a one-letter code used by the directorate table.
GROUPS = [("Medical and Dental", 10.5, "M"), ("Nursing and Midwifery Registered", 25, "N"),
          ("Additional Clinical Services", 22, "C"), ("Administrative and Clerical", 21, "A"),
          ("Allied Health Professionals", 6, "H"), ("Add Prof Scientific and Technic", 4.5, "P"),
          ("Estates and Ancillary", 7, "E"), ("Healthcare Scientists", 2.5, "S"), ("Students", 1, "T")]
F, MID, SEN = "frontline", "middle", "senior"
# staff group -> (weight, Job Role, tier, bands (repeats = weight), position titles)
ROLES = {
    "M": [(38, "Consultant", F, "M", ("Consultant Physician", "Consultant Surgeon", "Consultant Anaesthetist",
                                      "Consultant Paediatrician", "Consultant Psychiatrist", "Consultant Radiologist")),
          (24, "Specialist Registrar", F, "M", ("Specialty Registrar",)),
          (7, "Foundation Year 1", F, "M", ("Foundation Year 1 Doctor",)),
          (8, "Foundation Year 2", F, "M", ("Foundation Year 2 Doctor",)),
          (12, "Staff Grade", F, "M", ("Specialty Doctor",)),
          (5, "Associate Specialist", F, "M", ("Associate Specialist",)),
          (2.5, "Clinical Director - Medical", SEN, "M", ("Clinical Director",))],
    "N": [(44, "Staff Nurse", F, "5", ("Staff Nurse", "Registered Nurse")),
          (8, "Community Nurse", F, "5 6 6", ("Community Nurse", "District Nurse")),
          (7, "Midwife", F, "5 6 6 7", ("Midwife",)),
          (13, "Sister/Charge Nurse", MID, "6", ("Sister", "Charge Nurse", "Deputy Ward Manager")),
          (10, "Specialist Nurse Practitioner", F, "6 7 7",
           ("Clinical Nurse Specialist", "Advanced Nurse Practitioner")),
          (5.5, "Ward Manager", MID, "7", ("Ward Manager",)),
          (1.5, "Midwife - Sister/Charge Nurse", MID, "7", ("Midwifery Sister",)),
          (2, "Community Team Manager", MID, "7 7 8A", ("Community Team Leader",)),
          (1.6, "Modern Matron", MID, "8A 8A 8B", ("Matron",)),
          (1.2, "Nurse Manager", MID, "8A 8B", ("Lead Nurse",)),
          (0.6, "Nurse Consultant", F, "8A 8B", ("Nurse Consultant",)),
          (0.5, "Nurse Manager", SEN, "8C 8C 8D", ("Head of Nursing", "Deputy Director of Nursing"))],
    "C": [(52, "Healthcare Assistant", F, "2 3", ("Healthcare Assistant", "Healthcare Support Worker")),
          (1, "Healthcare Assistant", F, "1", ("Apprentice Healthcare Assistant",)),
          (22, "Health Care Support Worker", F, "3 3 4", ("Clinical Support Worker", "Maternity Support Worker")),
          (10, "Support Worker", F, "3 4", ("Support Worker", "Therapy Assistant")),
          (9, "Assistant Practitioner", F, "4", ("Assistant Practitioner", "Nursing Associate")),
          (4, "Phlebotomist", F, "2 3", ("Phlebotomist",))],
    "A": [(26, "Clerical Worker", F, "2 3 3 4", ("Administrator", "Ward Clerk", "Medical Records Clerk")),
          (1, "Clerical Worker", F, "1", ("Apprentice Administrator",)),
          (9, "Receptionist", F, "2 3", ("Receptionist",)),
          (4, "Secretary", F, "3 4", ("Secretary",)),
          (8, "Medical Secretary", F, "4", ("Medical Secretary",)),
          (3, "Personal Assistant", F, "4 5", ("Personal Assistant", "Executive Assistant")),
          (14, "Officer", F, "4 5 6 6", ("HR Officer", "Finance Officer", "Project Officer", "Governance Officer")),
          (6, "Analyst", F, "5 6 7 7", ("Information Analyst", "Business Intelligence Analyst")),
          (3, "Accountant", F, "6 7 7", ("Accountant",)),
          (5, "Technician - Admin & Clerical", F, "4 5", ("IT Technician",)),
          (10, "Manager", MID, "7 8A 8A 8B", ("Service Manager", "Operational Manager", "Finance Manager",
                                                "Project Manager", "HR Manager")),
          (3.2, "Senior Manager", SEN, "8C 8C 8D 8D 9", ("Head of Finance", "Head of Workforce",
                                                    "Associate Director of Operations", "Deputy Director of Finance"))],
    "H": [(28, "Physiotherapist", F, "5 6 6 7 7", ("Physiotherapist",)),
          (22, "Occupational Therapist", F, "5 6 6 7 7", ("Occupational Therapist",)),
          (18, "Radiographer - Diagnostic", F, "5 6 6 7 7", ("Diagnostic Radiographer",)),
          (7, "Dietitian", F, "5 6 7", ("Dietitian",)),
          (7, "Speech and Language Therapist", F, "5 6 7", ("Speech and Language Therapist",)),
          (4, "Operating Department Practitioner", F, "5 6", ("Operating Department Practitioner",)),
          (4, "Physiotherapist Manager", MID, "7 8A", ("Physiotherapy Team Manager",)),
          (3, "Occupational Therapist Manager", MID, "7 8A", ("Occupational Therapy Team Manager",)),
          (1, "Senior Manager", SEN, "8C", ("Head of Therapies",))],
    "P": [(28, "Pharmacist", F, "6 7 7 8A", ("Pharmacist", "Clinical Pharmacist")),
          (22, "Technician - Add'l Prof Scientific and Technical", F, "4 5", ("Pharmacy Technician",)),
          (15, "Clinical Psychologist", F, "7 8A 8B", ("Clinical Psychologist",)),
          (10, "Social Worker", F, "6 7", ("Social Worker",)),
          (8, "Counsellor", F, "5 6", ("Counsellor",)),
          (4, "Chaplain", F, "5 6", ("Chaplain",)),
          (6, "Clinical Team Manager", MID, "7 8A 8B", ("Lead Pharmacist", "Psychology Team Lead")),
          (1.5, "Senior Manager", SEN, "8C 8D 9", ("Chief Pharmacist", "Head of Psychology"))],
    "E": [(25, "Porter", F, "2", ("Porter",)),
          (1, "Porter", F, "1", ("Apprentice Porter",)),
          (28, "Domestic", F, "2", ("Domestic Assistant",)),
          (8, "Housekeeper", F, "2 3", ("Ward Housekeeper",)),
          (9, "Chef/Cook", F, "2 3", ("Cook",)),
          (10, "Craftsperson", F, "4 5", ("Electrician", "Maintenance Craftsperson")),
          (4, "Driver", F, "2 3", ("Driver",)),
          (6, "Supervisor", MID, "3 4", ("Domestic Supervisor", "Portering Supervisor")),
          (4, "Manager", MID, "6 7 8A", ("Estates Manager", "Hotel Services Manager"))],
    "S": [(45, "Biomedical Scientist", F, "5 6 6 7 7", ("Biomedical Scientist",)),
          (22, "Healthcare Science Practitioner", F, "5 6 7", ("Cardiac Physiologist", "Audiologist")),
          (12, "Clinical Scientist", F, "7 7 8A", ("Clinical Scientist",)),
          (14, "Healthcare Science Associate", F, "3 4", ("Medical Laboratory Assistant",)),
          (5, "Manager", MID, "7 8A 8B", ("Laboratory Manager",)),
          (1, "Senior Manager", SEN, "8C 8D", ("Head of Pathology",))],
    "T": [(60, "Student Nurse - Adult Branch", F, "3", ("Student Nurse Degree Apprentice",)),
          (15, "Student Nurse - Mental Health Branch", F, "3", ("Student Nurse Degree Apprentice",)),
          (10, "Student Nurse - Child Branch", F, "3", ("Student Nurse Degree Apprentice",)),
          (15, "Student Midwife", F, "3", ("Student Midwife Degree Apprentice",))],
}
GROUP_NAME = {code: name for name, _, code in GROUPS}
_GROUP = _Pick([(share, code) for _, share, code in GROUPS])
_ROLE = {code: _Pick([(w, (role, tier, bands.split(), titles)) for w, role, tier, bands, titles in roles])
         for code, roles in ROLES.items()}
TRAINEES = {"Specialist Registrar", "Foundation Year 1", "Foundation Year 2"}

# (Division, Directorate, weight, staff-group codes hosted; a repeated code = more of that group there)
DIRECTORATES = [
    ("Medicine", "Emergency Medicine", 6, "MNNCCAHT"), ("Medicine", "Acute Medicine", 5, "MNNCCAHT"),
    ("Medicine", "Specialist Medicine", 5, "MNNCCAHST"), ("Medicine", "Elderly Care", 4, "MNNCCAHT"),
    ("Surgery", "General Surgery", 4, "MNNCCAT"), ("Surgery", "Trauma and Orthopaedics", 3, "MNNCCAHT"),
    ("Surgery", "Theatres and Anaesthetics", 5, "MNNCCAHH"), ("Surgery", "Critical Care", 2, "MNNCAH"),
    ("Women and Children", "Maternity", 4, "MNNCCAT"), ("Women and Children", "Paediatrics and Neonates", 3, "MNNCCAT"),
    ("Community", "Adult Community Services", 5, "NNCCAHHP"), ("Community", "Out of Hours and Urgent Care", 2, "MNNCA"),
    ("Community", "Children's Community Services", 1.5, "NNCAH"),
    ("Mental Health", "Adult Mental Health", 3, "MNNCCAPPT"),
    ("Mental Health", "Older People's Mental Health", 1.5, "MNCAP"),
    ("Clinical Support", "Pathology", 3, "MASSSS"), ("Clinical Support", "Imaging", 2.5, "MCAHHH"),
    ("Clinical Support", "Pharmacy", 1.5, "APPPP"), ("Clinical Support", "Therapies", 3, "CAHHHH"),
    ("Corporate", "Finance", 1.5, "AAAA"), ("Corporate", "Workforce and OD", 1.5, "AAAA"),
    ("Corporate", "Estates and Facilities", 6, "AEEEEE"), ("Corporate", "Digital Services", 1.5, "AAAA"),
    ("Corporate", "Nursing and Quality", 1, "NAAP"), ("Corporate", "Chief Executive's Office", 0.5, "AAAA"),
]
_DIRECTORATE = {code: _Pick([(w * hosts.count(code), i) for i, (_, _, w, hosts) in enumerate(DIRECTORATES)
                             if code in hosts]) for _, _, code in GROUPS}
BOARD_DIRECTORATE = DIRECTORATES.index(next(d for d in DIRECTORATES if d[1] == "Chief Executive's Office"))
UNITS = {"M": ("Medical Staff",), "A": ("Admin", "Business Support"), "H": ("Therapy Services",),
         "P": ("Clinical Services",), "E": ("Portering", "Domestic Services", "Catering", "Maintenance"),
         "S": ("Blood Sciences", "Microbiology", "Cellular Pathology")}
# (Job Role, Position Title, Staff Group code, hours); a trust picks 2 of OTHER_EXECUTIVES.
BOARD = ([("Chair", "Chair", "A", 22.5)] + [("Non Executive Director", "Non Executive Director", "A", 0)] * 6
         + [("Chief Executive", "Chief Executive", "A", 37.5), ("Finance Director", "Director of Finance", "A", 37.5),
            ("Medical Director", "Medical Director", "M", 37.5),
            ("Director of Nursing", "Director of Nursing", "N", 37.5)])
ACTING_UP = {"Staff Nurse": ("Sister/Charge Nurse", "Sister"), "Sister/Charge Nurse": ("Ward Manager", "Ward Manager"),
             "Ward Manager": ("Modern Matron", "Matron")}  # Job Role -> (acting Job Role, title)
OTHER_EXECUTIVES = ("Director of People", "Director of Strategy", "Chief Operating Officer",
                    "Director of Digital Services")
PART_TIME = _Pick([(1, 7.5), (1, 11.25), (3, 15), (2, 18.75), (4, 22.5), (2, 24), (2, 26.25), (2, 27.5), (4, 30)])

COURSES = ("Introduction to QI", "Measurement for Improvement", "Improvement Leaders Programme",
           "Improvement Coaching", "Improvement Advisor Programme", "Board QI Development")
COACH = _Pick([(70, "Quality Coach"), (15, "QI Coach"), (15, "Improvement Coach")])
EXPERT = _Pick([(60, "Internal Expert"), (20, "Improvement Advisor"), (20, "QI Expert")])
QI_ODDS = {F: (0.004, 0.0004), MID: (0.012, 0.002), SEN: (0.01, 0.002)}  # tier -> (coach, expert): a trust partway to its targets

SURNAMES = ("Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson "
            "Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin "
            "Cooper Hill Ward Morris Moore King Baker Morgan Allen James Scott Phillips Watson Price Bennett "
            "Griffiths Mitchell Kelly Carter Bailey Collins Bell Shah Khan Ali Begum Singh Kaur Gill Okafor "
            "Adeyemi Mensah Nair Fernandes Santos Kowalski Murphy O'Brien").split()
WOMEN = ("Catherine Sarah Emma Laura Rebecca Claire Rachel Hannah Jessica Sophie Charlotte Amy Lucy Helen "
         "Joanne Nicola Michelle Karen Susan Julie Priya Aisha Fatima Mary Grace Chloe Olivia Zoe Anna Maria "
         "Ngozi Siobhan").split()
MEN = ("James David John Michael Paul Mark Andrew Richard Daniel Thomas Matthew Christopher Peter Stephen "
       "Robert Mohammed Ahmed Raj Sanjay Oliver Samuel Benjamin Joseph Gareth Ian Kevin Tunde Chinedu").split()
PLACES = ("Northfield Eastbrook Westmoor Southvale Ashford Bramley Castleton Dunmore Elmbridge Fairhaven "
          "Glenwood Hartley Ivybridge Kingsmere Langley Marlow Newbury Oakham Penrith Queensbury Redcliffe "
          "Stanford Thornbury Upton Wexford Yarrow Abbotsley Beckford Coldstream Dalton Everton Foxley "
          "Greystone Holbrook Kenwood Lynford Millbrook Norwood Oldcastle Pembury Rowley Seaton Tilbury "
          "Underwood Valebridge Whitmore Ashcombe Brookfield Carrow Denholm").split()
TRUST_KINDS = ("Hospitals NHS Foundation Trust", "Teaching Hospitals NHS Trust", "Community Healthcare NHS Trust",
               "Partnership NHS Foundation Trust", "University Hospitals NHS Foundation Trust")


def _abbr(name, size):
    """'Out of Hours and Urgent Care' -> 'OUHO' (4) or 'OH' (2): cost-centre code letters."""
    words = [w.replace("'", "") for w in name.split() if w[0].isupper()]
    half = size // 2
    return (words[0][:half] + words[1][:half] if len(words) > 1 else words[0][:size]).upper()


class _Trust:
    """One employer: VPD, wards per directorate, cost-centre names, board slots. Held one at a time."""

    def __init__(self, rng, idx, vpd_offset, size, national):
        self.vpd = 100 + (vpd_offset + idx * 389) % 900  # 389 is prime to 900: unique for 900 trusts
        place, kind = PLACES[idx % len(PLACES)], TRUST_KINDS[(idx // len(PLACES)) % len(TRUST_KINDS)]
        lap = idx // (len(PLACES) * len(TRUST_KINDS))
        self.name = f"{place} {kind}" + (f" {lap + 1}" if lap else "") if national else None
        self.wards = [[f"Ward {n}" for n in rng.sample(range(1, 60), 3)] for _ in DIRECTORATES]
        self.orgs = {}
        executives = rng.sample(OTHER_EXECUTIVES, 2)
        board = BOARD + [("Other Executive Director", title, "A", 37.5) for title in executives]
        self.board = dict(zip(rng.sample(range(size), min(len(board), size)), board))

    def organisation(self, d, unit):
        key = (d, unit)
        if key not in self.orgs:
            division, name = DIRECTORATES[d][:2]
            crc = zlib.crc32(f"{self.vpd}|{name}|{unit}".encode())
            cc = f"L{crc % 9 + 1} {_abbr(division, 2)}-{_abbr(name, 4)}-{crc % 9000 + 1000}"
            self.orgs[key] = f"{self.vpd} {self.name}" if self.name else f"{self.vpd} {cc} {name} {unit}"
        return self.orgs[key]


def _date(ordinal):
    d = dt.date.fromordinal(ordinal)
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _grade(band):
    """The clean Grade text of a band code ('8A' -> 'Band 8A'; NEDs may have none)."""
    if not band:
        return ""
    return {"M": "Medical", "VSM": "Very Senior Manager", "1": "Apprentice/Band 1"}.get(band, f"Band {band}")


def _one(rng, seq):
    return seq[int(rng.random() * len(seq))]


def _post(rng, code, frontline_only=False):
    """A post in staff group `code`: (Job Role, tier, band, title, Position Title)."""
    role, tier, bands, titles = _ROLE[code](rng)
    while frontline_only and tier != F:
        role, tier, bands, titles = _ROLE[code](rng)
    band, title = _one(rng, bands), _one(rng, titles)
    return role, tier, band, title, title if band == "M" or tier == SEN else f"{title} Band {band}"


def _contract(rng, code, role, female):
    """(Assignment Category, Assignment Status) of a primary assignment (research 7 schema table)."""
    x = rng.random()
    if code == "M" and role in TRAINEES:  # doctors in training rotate on fixed-term contracts
        category = "Fixed Term Temp" if x < 0.93 else "Locum" if x < 0.98 else "Honorary"
    elif code == "M":
        category = "Permanent" if x < 0.86 else "Locum" if x < 0.95 else "Honorary" if x < 0.98 else "Fixed Term Temp"
    else:
        category = "Permanent" if x < 0.967 else "Fixed Term Temp" if x < 0.983 else "Bank" if x < 0.995 else "Honorary"
    x = rng.random()
    if female and x < 0.032:
        return category, "Maternity Leave"
    if x < 0.983 or category == "Bank":
        return category, "Active Assignment"
    return category, ("Internal Secondment" if x < 0.986 else "Career Break" if x < 0.993
                      else "Suspend with Pay" if x < 0.9965 else "Suspend No Pay")


def _full_name(rng, female, medical):
    """ "Surname, Title Forename [Middle]" as ESR writes it (research 1c)."""
    r = rng.random
    if medical and r() < 0.9:
        title = "Dr."
    elif female:
        title = "Mrs." if r() < 0.45 else "Miss" if r() < 0.45 else "Ms."
    else:
        title = "Mr."
    names = WOMEN if female else MEN
    middle = " " + _one(rng, names) if r() < 0.25 else ""
    return f"{_one(rng, SURNAMES)}, {title} {_one(rng, names)}{middle}"


def _start(rng):
    """Start date ordinal: 11% in the last 12 months, the rest tailing back (mean ~8 years) to 1990."""
    if rng.random() < 0.11:
        return _REF - int(rng.random() * 365)
    days = 365 + int(rng.expovariate(1 / 2900))
    return _REF - (days if days <= _REF - _1990 else 365 + int(rng.random() * (_REF - _1990 - 365)))


def _qi(rng, tier):
    """(QI Role, QI Training); bit i of `done` means COURSES[i] was completed."""
    qi_role, done, y = "", 0, rng.random()
    if tier == "board":
        done = 0b100001 if y < 0.6 else 0b1 if y < 0.75 else 0
    else:
        p_coach, p_expert = QI_ODDS[tier]
        x = rng.random()
        if x < p_expert:
            qi_role, done = EXPERT(rng), 0b11011
        elif x < p_expert + p_coach:
            qi_role, done = COACH(rng), 0b1001
        if tier == MID:
            done |= 0b111 if y < 0.10 else 0b11 if y < 0.20 else 0b1 if y < 0.35 else 0
        elif tier == SEN:
            done |= 0b11 if y < 0.30 else 0b1 if y < 0.45 else 0
        elif y < 0.11:
            done |= 0b1
    return qi_role, "; ".join(c for i, c in enumerate(COURSES) if done >> i & 1)


def _extra(rng, code, role, tier, band, title, hours):
    """An extra assignment: (Job Role, Position Title, band, category, status, hours)."""
    x, part_time = rng.random(), PART_TIME(rng)
    if code == "M":  # doctors: a locum or an honorary (e.g. university) contract
        return (role, f"Locum {title}", band, "Locum", "Active Assignment", part_time) if x < 0.6 \
            else (role, f"Honorary {title}", band, "Honorary", "Active Assignment", 0)
    if x < 0.55 or tier == SEN:  # a zero-hours bank post doing the group's frontline work
        if tier != F:
            _, role, _, bands, _ = ROLES[code][0]
            band = _one(rng, bands.split())
        word = {"N": "Nurse", "C": "Healthcare Assistant", "A": "Administrator"}.get(code, role)
        return role, f"Bank {word} Band {band}", band, "Bank", "Active Assignment", 0
    if x < 0.67 and band in ("2", "3", "4", "5", "6", "7"):  # acting up one band higher
        role, title = ACTING_UP.get(role, (role, title))
        band = "8A" if band == "7" else str(int(band) + 1)
        return role, f"{title} Band {band}", band, "Fixed Term Temp", "Acting Up", hours
    role, _, band, _, position = _post(rng, code, frontline_only=True)  # a second part-time post
    return role, position, band, "Permanent" if x < 0.88 else "Fixed Term Temp", "Active Assignment", part_time


def _person(rng, trust, emp, slot):
    """The 1-3 assignment rows of one person; `slot` is a board seat or None."""
    female = rng.random() < 0.77
    if slot:
        role, position, code, hours = slot
        title, tier, d, unit, status = position, "board", BOARD_DIRECTORATE, "Trust Board", "Active Assignment"
        if role in ("Chair", "Non Executive Director"):  # office holders on fixed terms, a few hours a week
            band, category = ("VSM" if rng.random() < 0.5 else ""), "Fixed Term Temp"
            hours = hours or 3.75 * (1 + int(rng.random() * 3))
        else:
            band, category = "VSM", "Permanent"
    else:
        code = _GROUP(rng)
        role, tier, band, title, position = _post(rng, code)
        d = _DIRECTORATE[code](rng)
        if code in "NCT":
            unit = "Nursing" if DIRECTORATES[d][0] in ("Corporate", "Clinical Support") else _one(rng, trust.wards[d])
        else:
            unit = "Management" if code == "A" and tier != F else _one(rng, UNITS[code])
        hours = 37.5 if rng.random() < 0.65 else PART_TIME(rng)
        category, status = _contract(rng, code, role, female)
    full = _full_name(rng, female, code == "M")
    start = _start(rng)
    qi_role, training = _qi(rng, tier)
    emp_s, division, directorate = str(emp), *DIRECTORATES[d][:2]
    person = [full, trust.organisation(d, unit), division, directorate, GROUP_NAME[code]]
    rows = [[emp_s, emp_s, *person, role, position, _grade(band), category, status, f"{hours:g}",
             f"{hours / 37.5:.2f}", "Yes", _date(start), qi_role, training]]
    x = rng.random()
    for n in range(2, 2 + (0 if slot or x >= 0.057 else 2 if x < 0.005 else 1)):
        e_role, e_position, e_band, e_category, e_status, e_hours = _extra(rng, code, role, tier, band, title, hours)
        e_start = start + int(rng.random() * (_REF - start))
        rows.append([emp_s, f"{emp_s}-{n}", *person, e_role, e_position, _grade(e_band), e_category,
                     e_status, f"{e_hours:g}", f"{e_hours / 37.5:.2f}", "No", _date(e_start), qi_role, training])
    return rows


class _Mess:
    """Dirty-file variants (research 6.7 and 7), drawn from their own random stream."""

    TEXT_COLUMNS = (3, 5, 6, 7, 8)

    def __init__(self, seed):
        self.rng = random.Random(seed * 7919 + 17)

    def rows(self, row):
        r = self.rng.random
        grade = row[9]
        if grade.startswith("Band ") and r() < 0.3:
            b = grade[5:]
            options = [f"Band {b.lower()}", b.lower(), f"AfC Band {b.lower()}", f"band {b.lower()} "]
            if b.isdigit():
                options.append(f"NHS|XR{int(b):02d}|Review Body Band {b}")
            row[9] = options[int(r() * len(options))]
        elif grade == "Medical" and r() < 0.2:
            row[9] = {"Consultant": "Consultant", "Staff Grade": "Specialty Doctor"}.get(row[7], "Medical and Dental")
        if r() < 0.04:
            col = self.TEXT_COLUMNS[int(r() * len(self.TEXT_COLUMNS))]
            x = r()
            text = row[col]
            row[col] = text + " " if x < 0.4 else text + "\u00a0" if x < 0.7 else text.replace(" ", "\u00a0", 1)
        x = r()
        if x < 0.01:
            row[13] = ""
        elif x < 0.013:
            row[13] = f"{float(row[13]):g}".replace(".", ",")
        x = r()
        if x < 0.12:
            date = dt.date(int(row[15][6:]), int(row[15][3:5]), int(row[15][:2]))
            row[15] = (date.isoformat() if x < 0.04 else date.strftime("%Y%m%d") if x < 0.08
                       else str(date.toordinal() - _EXCEL0))
        return [row, list(row)] if r() < 0.003 else [row]


def generate_rows(people: int, seed: int = 2026, messy: bool = False) -> Iterator[list[str]]:
    """Yield the data rows (HEADER order) of a staff list of `people` people; deterministic per seed."""
    rng = random.Random(seed)
    mess = _Mess(seed) if messy else None
    national = people > NATIONAL_ABOVE
    emp, vpd_offset = 10_000_000 + rng.randrange(50_000), rng.randrange(900)
    done = idx = 0
    while done < people:
        size = people - done
        if national:
            size = min(size, rng.randint(TRUST_SIZE - 4000, TRUST_SIZE + 4000))
            if people - done - size < 2500:
                size = people - done
        trust = _Trust(rng, idx, vpd_offset, size, national)
        for i in range(size):
            emp += rng.randint(1, 9)
            for row in _person(rng, trust, emp, trust.board.get(i)):
                if mess:
                    yield from mess.rows(row)
                else:
                    yield row
        done, idx = done + size, idx + 1


def write_csv(path, people, seed=2026, messy=False, encoding="utf-8-sig", newline="\r\n") -> int:
    """Write HEADER and rows to `path`; returns the number of data rows."""
    count = 0
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f, lineterminator=newline)
        writer.writerow(HEADER)
        for row in generate_rows(people, seed, messy):
            writer.writerow(row)
            count += 1
    return count


def write_xlsx(path, people, seed=2026) -> int:
    """Write an xlsx (one sheet "Staff List") with numbers as numbers and Start Date as a date."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Staff List")
    ws.append(HEADER)
    count = 0
    for row in generate_rows(people, seed):
        cells = list(row)
        cells[0], cells[12], cells[13] = int(row[0]), float(row[12]), float(row[13])
        date = WriteOnlyCell(ws, dt.date(int(row[15][6:]), int(row[15][3:5]), int(row[15][:2])))
        date.number_format = "dd/mm/yyyy"
        cells[15] = date
        ws.append(cells)
        count += 1
    wb.save(path)
    return count


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Write a synthetic ESR-like staff list (one row per assignment).")
    size = parser.add_mutually_exclusive_group(required=True)
    size.add_argument("--people", type=int, help="number of people")
    size.add_argument("--rows", type=int, help=f"about this many assignment rows (people = rows / {ROWS_PER_PERSON})")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--messy", action="store_true", help="mix in dirty-file variants (csv only)")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    parser.add_argument("-o", "--output", required=True, help="file to write")
    args = parser.parse_args(argv)
    people = args.people if args.people is not None else round(args.rows / ROWS_PER_PERSON)
    if people < 1:
        parser.error("need at least one person")
    if args.format == "xlsx":
        if args.messy:
            parser.error("--messy is for csv output only")
        count = write_xlsx(args.output, people, args.seed)
    else:
        count = write_csv(args.output, people, args.seed, args.messy)
    print(f"wrote {count} rows for {people} people to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
