"""Actual training records: the classes done and running, as the provincial platform exports them.

One row per class (``schema.ACTUALS``), CSV or .xlsx. Read like every other table (every problem with file,
spreadsheet row, column and value), then checked against the plan's names and the calendar: institutions,
courses, counties and units by code or name (an unknown name suggests the closest known one), dates inside
the plan year and not after the as-of date (a class still in training ends after it), end not before start,
certified ≤ trainees, a class no larger than R5 allows, school classes run by an Annex 2 school and unit
classes naming their unit.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from optimizer import rules
from optimizer.data.loader import PlanData
from optimizer.data.names import NameIndex
from optimizer.data.schema import ACTUALS
from optimizer.data.tables import parse_table, read_raw
from optimizer.errors import ProblemList
from optimizer.messages import msg

COLUMNS = ["class_id", "institution", "course", "adcode", "prefecture", "programme", "unit", "start_date",
           "end_date", "trainees", "certified", "subsidy_yuan", "claim_date", "approval_date", "status", "src_row"]


def _index(kind: str, codes, names, aliases=()) -> NameIndex:
    index = NameIndex(kind)
    for i, (code, name) in enumerate(zip(codes, names, strict=True)):
        index.add(code, name, [code, *(aliases[i] if aliases else [])])
    return index


def name_indexes(plan: PlanData) -> dict[str, NameIndex]:
    """Every accepted spelling of an institution, course, county and unit (code, name, aliases)."""
    c = plan.courses
    full = c["profession"] + "（" + c["certificate_type"] + c["level"].fillna("").map(lambda s: f"·{s}" if s else "") \
        + "）"
    # a bare profession name is accepted only where it names one course
    unique = c["profession"].map(c["profession"].value_counts()) == 1
    course_aliases = [[f] + ([p] if u else []) for f, p, u in zip(full, c["profession"], unique, strict=True)]
    return {
        "institution": _index("institution", plan.institutions["code"], plan.institutions["name"]),
        "course": _index("course", c["code"], full, course_aliases),
        "county": _index("county", plan.counties["adcode"], plan.counties["county"]),
        "unit": _index("unit", plan.units["code"], plan.units["name"], [[t] for t in plan.units["name_in_text"]]),
    }


def _unknown(index: NameIndex, text: str, key: str) -> str:
    hint = index.suggest(text)
    return msg(key, hint=msg("track.did_you_mean", name=hint) if hint else "")


def check_as_of(as_of: dt.date, year: int, approval_working_days: int) -> None:
    """Progress and re-plans are of one plan year: an as-of date from 1 January of it to the last day a claim of
    its last day can still be approved (R17: the approval limit in working days after the claim, counted here as
    calendar days × 7/5 with two weeks for the Spring Festival) — a date in another year ran silently (全年已过
    49.4% of 2023 for the 2022 plan)."""
    first = dt.date(year, 1, 1)
    last = dt.date(year, 12, 31) + dt.timedelta(days=approval_working_days * 7 // 5 + 14)
    if not first <= as_of <= last:
        from optimizer.errors import InputError, Problem

        raise InputError([Problem("--as-of", None, None, as_of.isoformat(), msg(
            "track.as_of_outside", year=year, first=first.isoformat(), last=last.isoformat()))])


def load_actuals(source: Path | str, plan: PlanData, as_of: dt.date, data: bytes | None = None,
                 year: int | None = None) -> pd.DataFrame:
    """The records with codes resolved and a ``status`` (done | running); ``InputError`` lists every problem.
    ``year``: the plan year (default: the notice's)."""
    year = year or plan.notice.year
    check_as_of(as_of, year, plan.notice.subsidy_approval_working_days)
    raw, problems = read_raw(source, data, sheet=ACTUALS.name)
    problems.raise_if_any()
    frame = parse_table(raw, ACTUALS, problems)
    if frame.empty:
        problems.raise_if_any()
        return pd.DataFrame(columns=COLUMNS)
    indexes = name_indexes(plan)
    schools = set(plan.annex2["institution"].dropna())
    county_pref = dict(zip(plan.counties["adcode"], plan.counties["prefecture_adcode"], strict=True))
    courses = plan.courses.set_index("code")
    rows = []
    ints = {c.name for c in ACTUALS.columns if c.kind == "int"}
    for r in (_plain(rec, ints) for rec in frame.to_dict("records")):
        resolved = _check_row(r, raw.file, indexes, schools, courses, as_of, year, problems)
        if resolved is not None:
            resolved["prefecture"] = county_pref[resolved["adcode"]]
            rows.append(resolved)
    problems.items.sort(key=lambda p: p.row or 0)  # read top to bottom, as the file is
    problems.raise_if_any()
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["status"] = ["running" if e > as_of else "done" for e in out["end_date"]]
    return out.sort_values(["start_date", "class_id"]).reset_index(drop=True)


def _plain(record: dict, ints: set[str]) -> dict:
    """A frame row as the parser typed it: pandas turns a blank beside numbers into NaN and ints into floats."""
    out = {}
    for k, v in record.items():
        if v is not None and not isinstance(v, str | dt.date) and pd.isna(v):
            v = None
        elif k in ints and v is not None:
            v = int(v)
        out[k] = v
    return out


def _check_row(r: dict, file: str, indexes: dict[str, NameIndex], schools: set[str], courses: pd.DataFrame,
               as_of: dt.date, year: int, problems: ProblemList) -> dict | None:
    """One record's names, dates and counts; problems are added, the resolved record returned when clean."""
    row, before = r["src_row"], len(problems.items)
    codes = {}
    for column, kind, key in (("institution_code", "institution", "track.unknown_institution"),
                              ("course_code", "course", "track.unknown_course"),
                              ("adcode", "county", "track.unknown_county")):
        text = r[column]
        if text in (None, ""):
            continue  # "value is missing" already reported
        codes[kind] = indexes[kind].resolve(text)
        if codes[kind] is None:
            problems.add(file, row, column, text, _unknown(indexes[kind], text, key))
    unit = None
    if r["unit_code"]:
        unit = indexes["unit"].resolve(r["unit_code"])
        if unit is None:
            problems.add(file, row, "unit_code", r["unit_code"], _unknown(indexes["unit"], r["unit_code"],
                                                                         "track.unknown_unit"))
    if r["programme"] == "unit" and not r["unit_code"]:
        problems.add(file, row, "unit_code", "", msg("track.unit_required"))
    if r["programme"] in ("school", "other") and r["unit_code"]:
        problems.add(file, row, "unit_code", r["unit_code"], msg("track.unit_not_allowed"))
    if r["programme"] == "school" and codes.get("institution") and codes["institution"] not in schools:
        problems.add(file, row, "institution_code", r["institution_code"], msg("track.not_a_school"))
    _check_dates(r, file, as_of, year, problems)
    _check_counts(r, file, codes.get("course"), courses, problems)
    if len(problems.items) > before or None in (r["start_date"], r["end_date"], r["trainees"]) or len(codes) < 3:
        return None
    claim = r["claim_date"] or (r["end_date"] if (r["subsidy_yuan"] or 0) > 0 else None)
    return {"class_id": r["class_id"], "institution": codes["institution"], "course": codes["course"],
            "adcode": codes["county"], "programme": r["programme"], "unit": unit or "",
            "start_date": r["start_date"], "end_date": r["end_date"], "trainees": int(r["trainees"]),
            "certified": int(r["certified"] or 0), "subsidy_yuan": float(r["subsidy_yuan"] or 0.0),
            "claim_date": claim, "approval_date": r["approval_date"], "src_row": row}


def _check_dates(r: dict, file: str, as_of: dt.date, year: int, problems: ProblemList) -> None:
    """Inside the plan year; a class starts by the as-of date; claims and approvals not in the future."""
    start, end = r["start_date"], r["end_date"]
    for column in ("start_date", "end_date"):
        day = r[column]
        if day is not None and day.year != year:
            problems.add(file, r["src_row"], column, day.isoformat(), msg("track.outside_year", year=year))
    if start is not None and start > as_of:
        problems.add(file, r["src_row"], "start_date", start.isoformat(), msg("track.future_start",
                                                                             as_of=as_of.isoformat()))
    if start is not None and end is not None and end < start:
        problems.add(file, r["src_row"], "end_date", end.isoformat(), msg("track.end_before_start",
                                                                         start=start.isoformat()))
    for column in ("claim_date", "approval_date"):
        day = r[column]
        if day is not None and day > as_of:
            problems.add(file, r["src_row"], column, day.isoformat(), msg("track.future_date",
                                                                         as_of=as_of.isoformat()))
    claim, approval = r["claim_date"] or end, r["approval_date"]
    if approval is not None and claim is not None and approval < claim:
        problems.add(file, r["src_row"], "approval_date", approval.isoformat(),
                     msg("track.approval_before_claim", claim=claim.isoformat()))


def _check_counts(r: dict, file: str, course: str | None, courses: pd.DataFrame, problems: ProblemList) -> None:
    """certified ≤ trainees; R5: no larger class than the course's certificate type allows."""
    trainees, certified = r["trainees"], r["certified"]
    if trainees is not None and certified is not None and certified > trainees:
        problems.add(file, r["src_row"], "certified", certified, msg("track.certified_over", trainees=trainees))
    if trainees is not None and course is not None:
        kind = courses.loc[course, "certificate_type"]
        size = rules.max_class_size(kind)
        if trainees > size:
            problems.add(file, r["src_row"], "trainees", trainees, msg("track.class_too_big", type=kind, size=size))

