"""Progress through the year: the plan against the actual records, R18's top five, overdue subsidy claims.

What a record counts toward (a record is one class, ``data/actuals.py``):
- Annex 1 column 1 every class; column 2 certificate-class courses; column 3 advanced ones (三级 and above);
  column 5 classes of the Annex 2 school programme; column 7 entrepreneurship courses. Columns 4, 6, 8, 9
  (rural labour, apprenticeship, college students) are not recorded per class, so they are not tracked.
- Annex 4 cell (unit, prefecture): unit-programme classes of that unit held in the prefecture.
- Annex 2 quota: school-programme classes of that school.
``done`` counts classes finished by the as-of date, ``running`` classes started but not finished.
A place lags when (done + running) / planned is below ``threshold`` × the share of the year's working days
elapsed (official calendar). R18 ranks institutions by subsidised trainees: trainees of finished classes
with a subsidy claimed (subsidy_yuan > 0); school quotas partly train unsubsidised, so the plan's volumes
are not used.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd

from optimizer import rules
from optimizer.data.loader import PROVINCE_ADCODE, PlanData
from optimizer.model.problem import AllocationProblem
from optimizer.outputs.breakdown import Breakdown
from optimizer.workdays import is_working_day, subsidy_approval_deadline

TRACKED_COLUMNS = (1, 2, 3, 5, 7)  # Annex 1 columns a class record can be counted toward
PROGRESS_COLUMNS = ["level", "prefecture", "adcode", "measure", "planned", "done", "running", "remaining",
                    "share_done", "share_expected", "lagging"]
TOP5_COLUMNS = ["area", "rank", "institution_code", "institution", "subsidised_trainees"]
DEFAULT_LAG_THRESHOLD = 0.8  # a setting of this report: lagging below 80% of the elapsed share


def annex1_measure(n: int) -> str:
    return f"附件1第{n}栏"


def annex4_measure(unit_name: str) -> str:
    return f"附件4 {unit_name}"


def annex2_measure(school_name: str) -> str:
    return f"附件2 {school_name}"


@functools.lru_cache(maxsize=8)
def working_days_of_year(year: int) -> tuple[dt.date, ...]:
    """Every working day of ``year`` by the official calendar."""
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if is_working_day(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return tuple(out)


def year_elapsed(as_of: dt.date, year: int | None = None) -> float:
    """Share of the plan ``year``'s working days on or before ``as_of`` (default: ``as_of``'s year); after the
    year's end, in its claims' approval period, all of it (it counted 2023's days: 14.5% on 2023-02-25)."""
    days = working_days_of_year(year or as_of.year)
    return sum(1 for d in days if d <= as_of) / len(days)


@dataclass
class Progress:
    """Everything the progress command writes."""

    as_of: dt.date
    elapsed: float
    table: pd.DataFrame  # PROGRESS_COLUMNS
    top5: pd.DataFrame  # TOP5_COLUMNS, areas: prefecture names and county adcodes
    overdue: pd.DataFrame  # subsidy claims past their approval limit
    records: pd.DataFrame
    threshold: float = DEFAULT_LAG_THRESHOLD


def record_measures(records: pd.DataFrame, plan: PlanData) -> pd.DataFrame:
    """Long table: one row per (record, measure) it counts toward, with its trainees and status."""
    courses = plan.courses.set_index("code")
    units = dict(zip(plan.units["code"], plan.units["name"], strict=True))
    names = dict(zip(plan.institutions["code"], plan.institutions["name"], strict=True))
    cert = records["course"].map(courses["certificate_class"]).astype(bool)
    adv = records["course"].map(courses["advanced"]).astype(bool)
    entre = records["course"].map(courses["certificate_type"]) == rules.ENTREPRENEURSHIP_TYPE
    parts = []
    for n, mask in ((1, pd.Series(True, index=records.index)), (2, cert), (3, adv),
                    (5, records["programme"] == "school"), (7, entre)):
        parts.append(records[mask].assign(measure=annex1_measure(n), level_scope="area"))
    unit = records[records["programme"] == "unit"]
    parts.append(unit.assign(measure=unit["unit"].map(units).map(annex4_measure), level_scope="area"))
    school = records[records["programme"] == "school"]
    parts.append(school.assign(measure=school["institution"].map(names).map(annex2_measure), level_scope="school"))
    cols = ["class_id", "prefecture", "adcode", "institution", "measure", "level_scope", "trainees", "status"]
    return pd.concat(parts, ignore_index=True)[cols] if parts else pd.DataFrame(columns=cols)


def planned_rows(plan: PlanData, problem: AllocationProblem, breakdown: Breakdown) -> pd.DataFrame:
    """Planned volume per (level, prefecture, adcode, measure): prefecture rows as printed, county rows from the
    county breakdown (column 5 and Annex 4 from the allocation), school quotas from Annex 2."""
    names = problem.names
    rows = []
    a1 = plan.annex1_persons()
    for r in a1[~a1["is_total"]].itertuples():
        for n in TRACKED_COLUMNS:
            rows.append(("prefecture", r.prefecture, r.prefecture, annex1_measure(n), int(getattr(r, f"col{n}"))))
    for r in plan.annex4[plan.annex4["trainees"] > 0].itertuples():
        rows.append(("prefecture", r.prefecture, r.prefecture, annex4_measure(names[r.unit]), int(r.trainees)))
    for r in breakdown.annex1.itertuples():
        for n in TRACKED_COLUMNS:
            rows.append(("county", r.prefecture, r.adcode, annex1_measure(n), int(getattr(r, f"col{n}"))))
    for r in breakdown.annex4.itertuples():
        rows.append(("county", r.prefecture, r.adcode, annex4_measure(r.unit_name), int(r.trainees)))
    inst = plan.institutions.set_index("code")
    for r in plan.annex2.dropna(subset=["institution"]).itertuples():
        rows.append(("school", inst.loc[r.institution, "prefecture_adcode"], r.institution,
                     annex2_measure(names[r.institution]), int(r.quota)))
    return pd.DataFrame(rows, columns=["level", "prefecture", "adcode", "measure", "planned"])


def actual_rows(long: pd.DataFrame, plan: PlanData) -> pd.DataFrame:
    """Done and running per (level, prefecture, adcode, measure) from the long record table."""
    inst_pref = plan.institutions.set_index("code")["prefecture_adcode"]
    area, school = long[long["level_scope"] == "area"], long[long["level_scope"] == "school"]
    keyed = [area.assign(level="prefecture", key=area["prefecture"]),
             area.assign(level="county", key=area["adcode"]),
             school.assign(level="school", key=school["institution"],
                           prefecture=school["institution"].map(inst_pref))]
    frame = pd.concat(keyed, ignore_index=True)
    frame["done"] = frame["trainees"].where(frame["status"] == "done", 0)
    frame["running"] = frame["trainees"].where(frame["status"] == "running", 0)
    out = frame.groupby(["level", "prefecture", "key", "measure"], as_index=False)[["done", "running"]].sum()
    return out.rename(columns={"key": "adcode"})


def progress_table(plan: PlanData, problem: AllocationProblem, breakdown: Breakdown, records: pd.DataFrame,
                   as_of: dt.date, threshold: float = DEFAULT_LAG_THRESHOLD) -> pd.DataFrame:
    """PROGRESS_COLUMNS, with a province row per measure (the sum of the prefecture rows)."""
    planned = planned_rows(plan, problem, breakdown)
    actual = actual_rows(record_measures(records, plan), plan)
    keys = ["level", "prefecture", "adcode", "measure"]
    table = planned.merge(actual, on=keys, how="outer").fillna({"planned": 0, "done": 0, "running": 0})
    province = table[table["level"] == "prefecture"].groupby("measure", as_index=False)[
        ["planned", "done", "running"]].sum()
    province = province.assign(level="province", prefecture=PROVINCE_ADCODE, adcode=PROVINCE_ADCODE)
    table = pd.concat([province, table], ignore_index=True)
    for c in ("planned", "done", "running"):
        table[c] = table[c].astype(int)
    table["remaining"] = (table["planned"] - table["done"] - table["running"]).clip(lower=0)
    elapsed = year_elapsed(as_of, plan.notice.year)
    positive = table["planned"].where(table["planned"] > 0)
    table["share_done"] = (table["done"] / positive).round(4).fillna(0.0)
    table["share_expected"] = round(elapsed, 4)
    started = (table["done"] + table["running"]) / positive
    table["lagging"] = (started < threshold * elapsed).fillna(False).astype(bool)
    table["prefecture"] = table["prefecture"].map(lambda p: plan.prefecture_name(p))
    order = {"province": 0, "prefecture": 1, "county": 2, "school": 3}
    table = table.assign(_o=table["level"].map(order)).sort_values(["_o", "adcode", "measure"], kind="stable")
    return table.drop(columns="_o")[PROGRESS_COLUMNS].reset_index(drop=True)


def subsidised_by_institution(records: pd.DataFrame) -> pd.DataFrame:
    """Trainees of finished, subsidised classes per (prefecture, county, institution)."""
    sub = records[(records["status"] == "done") & (records["subsidy_yuan"] > 0)]
    return sub.groupby(["prefecture", "adcode", "institution"], as_index=False)["trainees"].sum()


def top_five(records: pd.DataFrame, plan: PlanData, n: int = rules.TOP_INSTITUTIONS_TRACKED) -> pd.DataFrame:
    """R18: the ``n`` institutions with the most subsidised trainees per prefecture and per county (ties: code)."""
    names = dict(zip(plan.institutions["code"], plan.institutions["name"], strict=True))
    base = subsidised_by_institution(records)
    rows = []
    for level, key in (("prefecture", "prefecture"), ("county", "adcode")):
        totals = base.groupby([key, "institution"], as_index=False)["trainees"].sum()
        totals = totals.sort_values([key, "trainees", "institution"], ascending=[True, False, True])
        for area, group in totals.groupby(key, sort=True):
            label = plan.prefecture_name(area) if level == "prefecture" else area
            for rank, r in enumerate(group.head(n).itertuples(), start=1):
                rows.append((label, rank, r.institution, names[r.institution], int(r.trainees)))
    return pd.DataFrame(rows, columns=TOP5_COLUMNS)


@functools.lru_cache(maxsize=4096)
def _deadline(day: dt.date, working_days: int) -> dt.date:
    return subsidy_approval_deadline(day, working_days)


def overdue_claims(records: pd.DataFrame, plan: PlanData, as_of: dt.date) -> pd.DataFrame:
    """Claims not approved within the working days of 三(九) (30 in 2022, ``plan.notice``): pending past the
    limit, or approved late."""
    limit_days = plan.notice.subsidy_approval_working_days
    names = {**dict(zip(plan.institutions["code"], plan.institutions["name"], strict=True)),
             **dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True))}
    rows = []
    claims = records[records["claim_date"].notna() & (records["subsidy_yuan"] > 0)]
    for r in claims.itertuples():
        deadline = _deadline(r.claim_date, limit_days)
        approved = r.approval_date if isinstance(r.approval_date, dt.date) else None
        if (approved is None and as_of > deadline) or (approved is not None and approved > deadline):
            late_to = approved or as_of
            rows.append({"class_id": r.class_id, "prefecture": plan.prefecture_name(r.prefecture),
                         "county": names[r.adcode], "adcode": r.adcode, "institution": names[r.institution],
                         "institution_code": r.institution, "subsidy_yuan": r.subsidy_yuan,
                         "claim_date": r.claim_date, "deadline": deadline, "approval_date": approved,
                         "status": "approved late" if approved else "pending",
                         "days_late": (late_to - deadline).days})
    cols = ["class_id", "prefecture", "county", "adcode", "institution", "institution_code", "subsidy_yuan",
            "claim_date", "deadline", "approval_date", "status", "days_late"]
    return pd.DataFrame(rows, columns=cols).sort_values(["prefecture", "claim_date", "class_id"]).reset_index(drop=True)


def progress(plan: PlanData, problem: AllocationProblem, breakdown: Breakdown, records: pd.DataFrame,
             as_of: dt.date, threshold: float = DEFAULT_LAG_THRESHOLD) -> Progress:
    """Progress tables, R18 top five and overdue claims as of ``as_of`` (records after it are ignored)."""
    return Progress(as_of, year_elapsed(as_of, plan.notice.year),
                    progress_table(plan, problem, breakdown, records, as_of, threshold),
                    top_five(records, plan), overdue_claims(records, plan, as_of), records, threshold)


def records_as_of(records: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    """The records as they stood on ``day``: classes started by then; status, claims and approvals re-dated."""
    out = records[records["start_date"] <= day].copy()
    out["status"] = ["running" if e > day else "done" for e in out["end_date"]]
    out["claim_date"] = [c if c is not None and not pd.isna(c) and c <= day else None for c in out["claim_date"]]
    out["approval_date"] = [a if a is not None and not pd.isna(a) and a <= day else None for a in out["approval_date"]]
    return out.reset_index(drop=True)
