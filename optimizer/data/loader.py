"""Load a data folder (or uploaded files) into one validated ``PlanData``.

Every table is read, typed and cross-checked; all problems of all files are collected and raised
together as one ``InputError``. Names are resolved through ``names.NameIndex`` so every later stage
works on stable codes (prefecture adcodes, ``s01``, ``u01``, ``k01`` …).
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from optimizer import rules
from optimizer.data.calibration import check_ranges, read_ranges
from optimizer.data.names import NameIndex, normalise
from optimizer.data.schema import ANNEX5_COLUMNS, MAX_PERSONS, SCHEMAS, TABLE_ORDER, Column
from optimizer.data.tables import RawTable, check_header, convert_cell, parse_table, read_raw
from optimizer.errors import ProblemList
from optimizer.messages import msg

# Labels of the printed total rows / columns in the annexes' layout.
ANNEX1_TOTAL_ROW = "全省"
ANNEX2_TOTAL_ROW = "合计"
ANNEX4_TOTAL_ROW = "州市汇总"
ANNEX4_TOTAL_COLUMN = "全省合计"
ANNEX5_TOTAL_ROW = "合计"
PROVINCE_ADCODE = "530000"
# Tolerance for profession-focus shares of a prefecture summing to 1 (they are rounded to 0.001).
FOCUS_SHARE_TOLERANCE = 0.005

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class NoticeInfo:
    """The notice's identity and calendar (data/notice.csv): another year's notice is another data folder."""

    number: str
    title: str
    date: dt.date
    year: int
    breakdown_due: dt.date
    tracking_reports: tuple[dt.date, dt.date]
    subsidy_approval_working_days: int

    def default_as_of(self, today: dt.date | None = None) -> tuple[dt.date, str]:
        """Today while today lies in the plan's year, otherwise the notice's own date; with which one it is."""
        today = today or dt.date.today()
        return (today, "today") if today.year == self.year else (self.date, "notice")


@dataclass
class PlanData:
    """All inputs as validated frames keyed by stable codes; Chinese names kept as data columns."""

    source: str
    prefectures: pd.DataFrame  # adcode, name, full_name, aliases
    counties: pd.DataFrame  # adcode, county, prefecture_adcode, kind, lon, lat, population_2020
    annex1: pd.DataFrame  # label, prefecture (adcode; 530000 for 全省), is_total, col1..col9 (Decimal 万)
    annex2: pd.DataFrame  # seq, school, institution, quota_wan (Decimal), quota (persons)
    annex2_total_wan: Decimal | None
    annex3: pd.DataFrame
    annex4: pd.DataFrame  # long: label, prefecture, unit, header, trainees
    annex4_row_totals: pd.DataFrame  # label, prefecture, printed (全省合计 column)
    annex4_col_totals: pd.DataFrame  # unit, header, printed (州市汇总 row)
    annex4_grand_total: int | None
    annex5: pd.DataFrame  # seq, label, prefecture, total, siyb, college_siyb, online, college_online, livestream
    annex5_totals: dict[str, int]
    notice_figures: pd.DataFrame
    groups: pd.DataFrame
    courses: pd.DataFrame
    institutions: pd.DataFrame
    offers: pd.DataFrame
    units: pd.DataFrame
    unit_scope: pd.DataFrame
    unit_counties: pd.DataFrame
    focus: pd.DataFrame
    debarments: pd.DataFrame
    prefecture_names: NameIndex
    unit_names: NameIndex
    notice: NoticeInfo | None = None
    notes: list[str] = field(default_factory=list)
    # issue 20: the ranges public sources support for the assumed numbers (data/assumption_ranges.csv), or None
    assumption_ranges: pd.DataFrame | None = None

    def prefecture_name(self, adcode: str) -> str:
        return "全省" if adcode == PROVINCE_ADCODE else self.prefecture_names.canonical[adcode]

    def annex1_persons(self) -> pd.DataFrame:
        """Annex 1 in 人次 (exact: 0.85 万 → 8,500)."""
        persons = {k: [rules.wan_to_persons(v) for v in self.annex1[k]] for k in (f"col{i}" for i in range(1, 10))}
        # one concat, not nine column inserts (each insert copies the Arrow-string column index)
        return pd.concat([self.annex1[["label", "prefecture", "is_total"]],
                          pd.DataFrame(persons, index=self.annex1.index)], axis=1)


Source = Path | str | dict[str, tuple[str, bytes]]


def load_plan(source: Source = DEFAULT_DATA_DIR) -> PlanData:
    """Read and validate every table; raise ``InputError`` listing all problems found."""
    problems = ProblemList()
    raws = _read_all(source, problems)
    frames: dict[str, pd.DataFrame] = {}
    for name in TABLE_ORDER:
        raw = raws.get(name)
        if raw is not None and name != "annex4_project_trainees":
            frames[name] = parse_table(raw, SCHEMAS[name], problems)
    # Cross-table checks run on every table that was read and typed cleanly, so one pass lists a table's type
    # errors with another table's unknown names; a check needing a table with problems waits for its fix.
    bad = {name for name in TABLE_ORDER if raws.get(name) is None
           or any(p.file == raws[name].file for p in problems.items)}

    def ok(*names: str) -> bool:
        return not bad.intersection(names)

    pref_index = _prefecture_index(frames["prefectures"]) if ok("prefectures") else None
    unit_index = NameIndex("unit")
    if ok("units"):
        for r in frames["units"].itertuples():
            unit_index.add(r.code, r.name, [r.name_in_text])
    groups = frames.get("profession_groups")
    group_codes = set(groups["code"]) if ok("profession_groups") else set()
    counties = _counties(frames["counties"], pref_index, problems) if ok("counties", "prefectures") else None
    annex1 = _annex1(frames["annex1_targets"], pref_index, problems) if ok("annex1_targets", "prefectures") else None
    inst_ok = ok("institutions", "prefectures", "counties", "units")
    institutions = _institutions(frames, pref_index, counties, problems) if inst_ok else None
    annex2, annex2_total = (_annex2(frames["annex2_school_quotas"], institutions, problems)
                            if inst_ok and ok("annex2_school_quotas") else (None, None))
    annex4 = (_annex4(raws["annex4_project_trainees"], pref_index, unit_index, problems)
              if ok("annex4_project_trainees", "prefectures", "units") else None)
    annex5, annex5_totals = (_annex5(frames["annex5_entrepreneurship"], pref_index, problems)
                             if ok("annex5_entrepreneurship", "prefectures") else (None, None))
    courses = _courses(frames["courses"], group_codes, problems) if ok("courses", "profession_groups") else None
    offers = (_offers(frames["offers"], institutions, courses, group_codes, problems)
              if inst_ok and ok("offers", "courses", "profession_groups") else None)
    unit_scope = (_references(frames["unit_scope"], frames["unit_scope"].attrs.get("file", "unit_scope.csv"),
                              {"unit": set(frames["units"]["code"]), "group": group_codes}, problems)
                  if ok("unit_scope", "units", "profession_groups") else None)
    unit_counties = (_unit_counties(frames["unit_counties"], frames["units"], pref_index, counties, problems)
                     if ok("unit_counties", "units", "prefectures", "counties") else None)
    focus = (_focus(frames["profession_focus"], pref_index, group_codes, problems)
             if ok("profession_focus", "prefectures", "profession_groups") else None)
    debarments = (_references(frames["debarments"], frames["debarments"].attrs.get("file", "debarments.csv"),
                              {"institution": set(institutions["code"])}, problems)
                  if inst_ok and ok("debarments") else None)
    notice = _notice(frames["notice"], problems) if ok("notice") else None
    ranges = read_ranges(source, problems)  # issue 20: every assumed number within what a source supports
    for name, frame in frames.items():
        if SCHEMAS[name].assumed:
            check_ranges(frame, name, ranges, problems)
    problems.raise_if_any()  # none raised: every table was typed cleanly, so every check above ran

    notes = [n for raw in raws.values() if raw is not None for n in raw.notes]
    return PlanData(
        source=str(source) if not isinstance(source, dict) else "uploaded files",
        prefectures=_prefecture_frame(frames["prefectures"]), counties=counties, annex1=annex1,
        annex2=annex2, annex2_total_wan=annex2_total, annex3=frames["annex3_platforms"].drop(columns="src_row"),
        annex4=annex4[0], annex4_row_totals=annex4[1], annex4_col_totals=annex4[2], annex4_grand_total=annex4[3],
        annex5=annex5, annex5_totals=annex5_totals, notice_figures=frames["notice_figures"].drop(columns="src_row"),
        groups=groups.drop(columns="src_row"), courses=courses, institutions=institutions, offers=offers,
        units=frames["units"].drop(columns="src_row"), unit_scope=unit_scope, unit_counties=unit_counties,
        focus=focus, debarments=debarments, prefecture_names=pref_index, unit_names=unit_index, notice=notice,
        notes=notes, assumption_ranges=ranges,
    )


# The tables that name what a user's own file may refer to (a lots file: areas, courses, profession groups).
NAME_TABLES = ("prefectures", "counties", "profession_groups", "courses")


@dataclass
class PlanNames:
    """The naming tables alone, read and checked without the rest of the data, so that a file naming their
    entries (a lots file) is still checked by name when another data table is bad (issue 17: one pass)."""

    prefectures: pd.DataFrame
    counties: pd.DataFrame
    groups: pd.DataFrame
    courses: pd.DataFrame
    prefecture_names: NameIndex
    notice: NoticeInfo | None = None

    def prefecture_name(self, adcode: str) -> str:
        return "全省" if adcode == PROVINCE_ADCODE else self.prefecture_names.canonical[adcode]


def load_plan_names(source: Source = DEFAULT_DATA_DIR) -> PlanNames:
    """Read and check only ``NAME_TABLES`` (InputError when one of them is bad)."""
    problems = ProblemList()
    raws = _read_all(source, problems, NAME_TABLES)
    frames = {n: parse_table(raws[n], SCHEMAS[n], problems) for n in NAME_TABLES if raws.get(n) is not None}
    problems.raise_if_any()
    pref_index = _prefecture_index(frames["prefectures"])
    counties = _counties(frames["counties"], pref_index, problems)
    courses = _courses(frames["courses"], set(frames["profession_groups"]["code"]), problems)
    problems.raise_if_any()
    return PlanNames(_prefecture_frame(frames["prefectures"]), counties,
                     frames["profession_groups"].drop(columns="src_row"), courses, pref_index)


def _read_all(source: Source, problems: ProblemList, tables: tuple[str, ...] = TABLE_ORDER
              ) -> dict[str, RawTable | None]:
    raws: dict[str, RawTable | None] = {}
    if isinstance(source, dict):
        for name in tables:
            if name not in source:
                problems.add(f"{name}.csv", None, None, None, msg("data.missing_upload"))
                continue
            filename, data = source[name]
            raw, found = read_raw(filename, data, sheet=name)
            problems.extend(found)
            raws[name] = raw
        return raws
    folder = Path(source)
    if not folder.is_dir():
        problems.add(str(folder), None, None, None, msg("data.folder_missing"))
        problems.raise_if_any()
    for name in tables:
        candidates = [folder / f"{name}.csv", folder / f"{name}.xlsx"]
        present = [p for p in candidates if os.path.lexists(p)]  # a looping link is present, and refused
        if not present:
            problems.add(f"{name}.csv", None, None, None, msg("data.missing_in", folder=folder))
            continue
        if len(present) > 1:
            problems.add(present[1].name, None, None, None,
                         msg("data.both", a=present[0].name, b=present[1].name))
            continue
        raw, found = read_raw(present[0], sheet=name)
        problems.extend(found)
        raws[name] = raw
    return raws


NOTICE_KEYS = ("number", "title", "date", "year", "breakdown_due", "tracking_report_1", "tracking_report_2",
               "subsidy_approval_working_days")


def _notice(frame: pd.DataFrame, problems: ProblemList) -> NoticeInfo | None:
    """The notice's number, dates and deadlines; every key present once, dates real, all in or after its year."""
    file = frame.attrs.get("file", "notice.csv")
    rows = {r.key: (r.value, r.src_row) for r in frame.itertuples()}
    missing = [k for k in NOTICE_KEYS if k not in rows]
    for key in missing:
        problems.add(file, None, "key", key, msg("data.key_missing"))
    if missing:
        return None
    values: dict[str, object] = {}
    for key in NOTICE_KEYS:
        text, row = rows[key]
        text = str(text).strip()
        if key in ("number", "title"):
            values[key] = text
        elif key in ("year", "subsidy_approval_working_days"):
            if not text.isdigit() or not (1 <= int(text) <= 9999):
                problems.add(file, row, "value", text, msg("data.whole"))
                continue
            values[key] = int(text)
        else:
            try:
                values[key] = dt.date.fromisoformat(text)
            except ValueError:
                problems.add(file, row, "value", text, msg("data.expected_date"))
    if len(values) < len(NOTICE_KEYS):
        return None
    info = NoticeInfo(values["number"], values["title"], values["date"], values["year"], values["breakdown_due"],
                      (values["tracking_report_1"], values["tracking_report_2"]),
                      values["subsidy_approval_working_days"])
    for key in ("breakdown_due", "tracking_report_1", "tracking_report_2"):
        if values[key] < info.date:
            problems.add(file, rows[key][1], "value", values[key].isoformat(),
                         msg("data.deadline_before", date=info.date.isoformat()))
    if abs(info.date.year - info.year) > 1:
        problems.add(file, rows["date"][1], "value", info.date.isoformat(), msg("data.notice_year", year=info.year))
    return info


def _prefecture_index(frame: pd.DataFrame) -> NameIndex:
    index = NameIndex("prefecture")
    for r in frame.itertuples():
        aliases = [a for a in str(r.aliases or "").split("|") if a]
        index.add(r.adcode, r.name, [r.full_name, *aliases])
    return index


def _prefecture_frame(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.drop(columns="src_row").copy()
    out["aliases"] = [[a for a in str(x or "").split("|") if a] for x in out["aliases"]]
    return out.reset_index(drop=True)


def _resolve(index: NameIndex, text: str, file: str, row: int, column: str, problems: ProblemList) -> str | None:
    key = index.resolve(text)
    if key is None:
        problems.add(file, row, column, text, index.unknown_message(text))
    return key


def _counties(frame: pd.DataFrame, prefs: NameIndex, problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "counties.csv")  # the name the user gave the file
    for r in frame.itertuples():
        key = _resolve(prefs, r.prefecture, file, r.src_row, "prefecture", problems)
        if key and key != r.prefecture_adcode:
            problems.add(file, r.src_row, "prefecture_adcode", r.prefecture_adcode,
                         msg("data.prefecture_mismatch", name=r.prefecture, code=key))
        if not str(r.adcode).startswith(str(r.prefecture_adcode)[:4]):
            problems.add(file, r.src_row, "adcode", r.adcode, msg("data.not_inside", name=prefs.canonical.get(
                r.prefecture_adcode, r.prefecture_adcode)))
    return frame.drop(columns="src_row").reset_index(drop=True)


def _annex1(frame: pd.DataFrame, prefs: NameIndex, problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "annex1_targets.csv")  # the name the user gave the file
    keys = []
    for r in frame.itertuples():
        if normalise(r.row) == ANNEX1_TOTAL_ROW:
            keys.append(PROVINCE_ADCODE)
        else:
            keys.append(_resolve(prefs, r.row, file, r.src_row, "row", problems))
    out = frame.rename(columns={"row": "label"}).copy()
    out["prefecture"] = keys
    out["is_total"] = out["prefecture"] == PROVINCE_ADCODE
    _require_all_prefectures(file, [k for k in keys if k != PROVINCE_ADCODE], prefs, problems)
    if PROVINCE_ADCODE not in keys:
        problems.add(file, None, "row", None, msg("data.total_row_missing", label=ANNEX1_TOTAL_ROW))
    for r in out.itertuples():
        for i in range(1, 10):
            value = getattr(r, f"col{i}")
            if value is not None and (value * rules.WAN) != (value * rules.WAN).to_integral_value():
                problems.add(file, r.src_row, f"col{i}", value, msg("data.wan_persons_times"))
    return out.drop(columns="src_row").reset_index(drop=True)


def _require_all_prefectures(file: str, keys: list[str | None], prefs: NameIndex, problems: ProblemList) -> None:
    missing = [name for code, name in prefs.canonical.items() if code not in keys]
    if missing and all(keys):
        problems.add(file, None, None, None,
                     msg("data.prefecture_rows_missing", names=msg("data.list_sep").join(missing)))


def _institutions(frames: dict[str, pd.DataFrame], prefs: NameIndex, counties: pd.DataFrame,
                  problems: ProblemList) -> pd.DataFrame:
    frame = frames["institutions"]
    file = frame.attrs.get("file", "institutions.csv")
    county_pref = dict(zip(counties["adcode"], counties["prefecture_adcode"], strict=True))
    units = set(frames["units"]["code"])
    keys = []
    for r in frame.itertuples():
        key = _resolve(prefs, r.prefecture, file, r.src_row, "prefecture", problems)
        keys.append(key)
        if r.county_adcode not in county_pref:
            problems.add(file, r.src_row, "county_adcode", r.county_adcode, msg("data.unknown_county_code_see"))
        elif key and county_pref[r.county_adcode] != key:
            problems.add(file, r.src_row, "county_adcode", r.county_adcode,
                         msg("data.county_not_in", name=r.prefecture))
        if r.unit and r.unit not in units:
            problems.add(file, r.src_row, "unit", r.unit, msg("data.unknown_unit_code"))
    out = frame.copy()
    out["prefecture_adcode"] = keys
    out["is_school"] = out["kind"].isin(rules.SCHOOL_TYPES)
    return out.drop(columns="src_row").reset_index(drop=True)


def _annex2(frame: pd.DataFrame, institutions: pd.DataFrame, problems: ProblemList):
    file = frame.attrs.get("file", "annex2_school_quotas.csv")  # the name the user gave the file
    index = NameIndex("school")
    for r in institutions.itertuples():
        index.add(r.code, r.name)
    total = None
    rows = []
    seen_rows: dict[str, int] = {}
    for r in frame.itertuples():
        if normalise(r.seq) == ANNEX2_TOTAL_ROW:
            total = r.quota_wan
            continue
        if not r.school:
            problems.add(file, r.src_row, "school", r.school, msg("data.value_missing"))
            continue
        code = _resolve(index, r.school, file, r.src_row, "school", problems)
        if r.quota_wan is not None and (r.quota_wan * rules.WAN) != (r.quota_wan * rules.WAN).to_integral_value():
            problems.add(file, r.src_row, "quota_wan", r.quota_wan, msg("data.wan_persons"))
            continue
        if code is not None and code in seen_rows:
            problems.add(file, r.src_row, "school", r.school, msg("data.school_twice", row=seen_rows[code]))
            continue
        seen_rows[code] = r.src_row
        rows.append({"seq": r.seq, "school": r.school, "institution": code, "quota_wan": r.quota_wan,
                     "quota": rules.wan_to_persons(r.quota_wan) if r.quota_wan is not None else None})
    if total is None:
        problems.add(file, None, "seq", None, msg("data.total_row_missing", label=ANNEX2_TOTAL_ROW))
    return pd.DataFrame(rows, columns=["seq", "school", "institution", "quota_wan", "quota"]), total


def _annex4(raw: RawTable | None, prefs: NameIndex, units: NameIndex, problems: ProblemList):
    """Annex 4 as printed is wide: one column per unit; returned long, with printed totals apart."""
    file = raw.file if raw else "annex4_project_trainees.csv"
    empty = (pd.DataFrame(columns=["label", "prefecture", "unit", "header", "trainees"]),
             pd.DataFrame(columns=["label", "prefecture", "printed"]),
             pd.DataFrame(columns=["unit", "header", "printed"]), None)
    if raw is None:
        return empty
    first = "州市"
    headers = [h for h in raw.header if h and h != first]
    check_header(raw, [first, *headers], problems)
    if first not in raw.header:
        return empty
    col_units: dict[str, str | None] = {}
    for h in headers:
        if normalise(h) == ANNEX4_TOTAL_COLUMN:
            col_units[h] = None
        else:
            col_units[h] = _resolve(units, h, file, 1, h, problems)
    if ANNEX4_TOTAL_COLUMN not in [normalise(h) for h in headers]:
        problems.add(file, 1, ANNEX4_TOTAL_COLUMN, None, msg("data.total_column_missing"))
    number = Column("n", "int", "trainees", "人次", maximum=MAX_PERSONS)
    cells, row_totals, col_totals, grand = [], [], [], None
    seen: dict[str, int] = {}
    positions = {h: raw.header.index(h) for h in headers}
    label_pos = raw.header.index(first)
    for row_no, row in raw.rows:
        label = row[label_pos] if label_pos < len(row) else ""
        is_total = normalise(label) == ANNEX4_TOTAL_ROW
        pref = None if is_total else _resolve(prefs, label, file, row_no, first, problems)
        key = ANNEX4_TOTAL_ROW if is_total else pref
        if key in seen:
            problems.add(file, row_no, first, label, msg("data.duplicate_row_at", row=seen[key]))
        seen.setdefault(key, row_no)
        for h in headers:
            text = row[positions[h]] if positions[h] < len(row) else ""
            value, error, note = convert_cell(text, number)
            if error:
                problems.add(file, row_no, h, text, error)
                continue
            if note:
                raw.notes.append(msg("data.note_cell", file=file, row=row_no, column=h, note=note))
            unit = col_units[h]
            if is_total and unit is None:
                grand = value
            elif is_total:
                col_totals.append({"unit": unit, "header": h, "printed": value})
            elif unit is None:
                row_totals.append({"label": label, "prefecture": pref, "printed": value})
            else:
                cells.append({"label": label, "prefecture": pref, "unit": unit, "header": h, "trainees": value})
    if ANNEX4_TOTAL_ROW not in seen:
        problems.add(file, None, first, None, msg("data.total_row_missing", label=ANNEX4_TOTAL_ROW))
    _require_all_prefectures(file, [k for k in seen if k != ANNEX4_TOTAL_ROW], prefs, problems)
    return (pd.DataFrame(cells, columns=empty[0].columns), pd.DataFrame(row_totals, columns=empty[1].columns),
            pd.DataFrame(col_totals, columns=empty[2].columns), grand)


def _annex5(frame: pd.DataFrame, prefs: NameIndex, problems: ProblemList):
    file = frame.attrs.get("file", "annex5_entrepreneurship.csv")  # the name the user gave the file
    totals: dict[str, int] = {}
    rows = []
    for r in frame.itertuples():
        if normalise(r.seq) == ANNEX5_TOTAL_ROW:
            totals = {k: getattr(r, k) for k in ANNEX5_COLUMNS}
            continue
        if not r.prefecture:
            problems.add(file, r.src_row, "prefecture", "", msg("data.value_missing"))
            continue
        key = _resolve(prefs, r.prefecture, file, r.src_row, "prefecture", problems)
        rows.append({"seq": r.seq, "label": r.prefecture, "prefecture": key,
                     **{k: getattr(r, k) for k in ANNEX5_COLUMNS}})
    if not totals:
        problems.add(file, None, "seq", None, msg("data.total_row_missing", label=ANNEX5_TOTAL_ROW))
    out = pd.DataFrame(rows, columns=["seq", "label", "prefecture", *ANNEX5_COLUMNS])
    for k, n in out["prefecture"].dropna().value_counts().items():
        if n > 1:
            problems.add(file, None, "prefecture", prefs.canonical[k], msg("data.prefecture_twice"))
    _require_all_prefectures(file, [r["prefecture"] for r in rows], prefs, problems)
    return out, totals


def _courses(frame: pd.DataFrame, groups: set[str], problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "courses.csv")  # the name the user gave the file
    for r in frame.itertuples():
        certificate_class = rules.is_certificate_class(r.certificate_type)  # the type decides, not the flag
        if r.group not in groups:
            problems.add(file, r.src_row, "group", r.group, msg("data.unknown_group"))
        if r.certificate_class != certificate_class:
            problems.add(file, r.src_row, "certificate_class", r.certificate_class,
                         msg("data.r1_types", types=msg("data.and").join(sorted(rules.CERTIFICATE_CLASS_TYPES))))
        if r.advanced != (certificate_class and rules.is_advanced(r.level)):
            problems.add(file, r.src_row, "advanced", r.advanced,
                         msg("data.advanced"))
        if certificate_class and not r.level:
            problems.add(file, r.src_row, "level", "", msg("data.level_needed"))
        if certificate_class and r.class_hours < rules.MIN_CERTIFICATE_CLASS_HOURS:
            problems.add(file, r.src_row, "class_hours", r.class_hours,
                         msg("data.r6_hours", hours=rules.MIN_CERTIFICATE_CLASS_HOURS))
        if r.max_class_size > rules.max_class_size(r.certificate_type) or r.max_class_size == 0:
            problems.add(file, r.src_row, "max_class_size", r.max_class_size,
                         msg("data.r5_size", kind=r.certificate_type, size=rules.max_class_size(r.certificate_type)))
        if r.class_hours == 0:
            problems.add(file, r.src_row, "class_hours", 0, msg("data.hours_positive"))
    return frame.drop(columns="src_row").reset_index(drop=True)


def _offers(frame: pd.DataFrame, institutions: pd.DataFrame, courses: pd.DataFrame, groups: set[str],
            problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "offers.csv")  # the name the user gave the file
    known_inst = set(institutions["code"])
    course_group = dict(zip(courses["code"], courses["group"], strict=True))
    for r in frame.itertuples():
        if r.institution not in known_inst:
            problems.add(file, r.src_row, "institution", r.institution,
                         msg("data.unknown_institution_code"))
        if r.course not in course_group:
            problems.add(file, r.src_row, "course", r.course, msg("data.unknown_course_code"))
        elif r.major != course_group[r.course]:
            problems.add(file, r.src_row, "major", r.major,
                         msg("data.r3_major", course=r.course, group=course_group[r.course]))
        if r.major not in groups:
            problems.add(file, r.src_row, "major", r.major, msg("data.unknown_group"))
    return frame.drop(columns="src_row").reset_index(drop=True)


def _references(frame: pd.DataFrame, file: str, refs: dict[str, set[str]], problems: ProblemList) -> pd.DataFrame:
    for r in frame.itertuples():
        for column, known in refs.items():
            value = getattr(r, column)
            if value not in known:
                table = {"unit": "units", "group": "profession_groups", "institution": "institutions"}[column]
                problems.add(file, r.src_row, column, value, msg("data.unknown_reference", column=column, table=table))
    return frame.drop(columns="src_row").reset_index(drop=True)


def _unit_counties(frame: pd.DataFrame, units: pd.DataFrame, prefs: NameIndex, counties: pd.DataFrame,
                   problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "unit_counties.csv")  # the name the user gave the file
    county_pref = dict(zip(counties["adcode"], counties["prefecture_adcode"], strict=True))
    keys = []
    for r in frame.itertuples():
        key = _resolve(prefs, r.prefecture, file, r.src_row, "prefecture", problems)
        keys.append(key)
        if r.unit not in set(units["code"]):
            problems.add(file, r.src_row, "unit", r.unit, msg("data.unknown_unit_code"))
        if r.county_adcode not in county_pref:
            problems.add(file, r.src_row, "county_adcode", r.county_adcode, msg("data.unknown_county_code"))
        elif key and county_pref[r.county_adcode] != key:
            problems.add(file, r.src_row, "county_adcode", r.county_adcode,
                         msg("data.county_not_in", name=r.prefecture))
    out = frame.copy()
    out["prefecture_adcode"] = keys
    return out.drop(columns="src_row").reset_index(drop=True)


def _focus(frame: pd.DataFrame, prefs: NameIndex, groups: set[str], problems: ProblemList) -> pd.DataFrame:
    file = frame.attrs.get("file", "profession_focus.csv")  # the name the user gave the file
    keys = []
    for r in frame.itertuples():
        keys.append(_resolve(prefs, r.prefecture, file, r.src_row, "prefecture", problems))
        if r.group not in groups:
            problems.add(file, r.src_row, "group", r.group, msg("data.unknown_group"))
    out = frame.copy()
    out["prefecture_adcode"] = keys
    for key, share in out.dropna(subset=["prefecture_adcode"]).groupby("prefecture_adcode")["share"].sum().items():
        if abs(share - 1.0) > FOCUS_SHARE_TOLERANCE:
            problems.add(file, None, "share", f"{share:.3f}",
                         msg("data.shares_sum", name=prefs.canonical[key]))
    return out.drop(columns="src_row").reset_index(drop=True)

