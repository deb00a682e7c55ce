"""Procurement shortlists for technical-school training lots (R12: 竞争性谈判 / 竞争性磋商).

For every lot and every Annex 2 school: each eligibility rule with a reason code and a sentence, then a
ranking by the lot's method — negotiation by quoted price, consultation by a comprehensive score out of
100 (price score + weighted technical scores, every part shown). Lots with fewer eligible schools than
the minimum are flagged with what would unlock them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from optimizer import rules
from optimizer.model.problem import AllocationProblem, debarred_on, haversine_km
from optimizer.model.solve import Solution

NEGOTIATION, CONSULTATION = "negotiation", "consultation"
METHOD_NAMES = {NEGOTIATION: "竞争性谈判", CONSULTATION: "竞争性磋商"}
# Government procurement of services by consultation: the price weight lies between 10% and 30%
# (财政部《政府采购竞争性磋商采购方式管理暂行办法》第二十四条, 服务项目).
PRICE_WEIGHT_RANGE_SERVICES = (0.10, 0.30)
DISTANCE_OFFSET_KM = 10.0  # distance score = (nearest + 10) / (own + 10): no division by zero at 0 km
TECHNICAL_CRITERIA = ("capacity_margin", "distance", "teachers_per_class")


class ShortlistParams(BaseModel):
    """Settings of a shortlist run; weights are points out of 100."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["negotiation", "consultation"] = CONSULTATION
    split: Literal["prefecture_group", "prefecture_course", "county_group"] = "prefecture_group"
    price_weight: float = Field(0.30, description="consultation: share of price in the score (services: 10%–30%)")
    technical_weights: dict[str, float] = Field(
        default_factory=lambda: {"capacity_margin": 30.0, "distance": 20.0, "teachers_per_class": 20.0},
        description="points of each technical criterion; with price_weight × 100 they make 100")
    capacity_share: float = Field(1.0, gt=0, le=1, description="a school must be able to take this share of a lot")
    min_suppliers: int = Field(3, ge=1, description="eligible schools a lot needs to proceed")
    lot_date: dt.date | None = Field(None, description="date of the lots, for debarments (R14); default: the "
                                     "allocation's as-of date")

    @model_validator(mode="after")
    def _check_weights(self) -> ShortlistParams:
        low, high = PRICE_WEIGHT_RANGE_SERVICES
        if self.method == CONSULTATION and not low <= self.price_weight <= high:
            raise ValueError(f"price weight {self.price_weight:.0%} is outside {low:.0%}–{high:.0%}, the range for "
                             "services bought by competitive consultation")
        for name, w in self.technical_weights.items():
            if name not in TECHNICAL_CRITERIA:
                raise ValueError(f"unknown technical criterion '{name}': choose from {', '.join(TECHNICAL_CRITERIA)}")
            if w < 0:
                raise ValueError(f"weight of {name} is negative ({w})")
        total = self.price_weight * 100 + sum(self.technical_weights.values())
        if self.method == CONSULTATION and abs(total - 100) > 1e-9:
            raise ValueError(f"price weight {self.price_weight * 100:g} and technical weights "
                             f"{sum(self.technical_weights.values()):g} make {total:g} points, not 100")
        return self


@dataclass
class ShortlistResult:
    lots: pd.DataFrame  # lot, area, area_name, group, courses, trainees, method, date
    entries: pd.DataFrame  # lot × school: eligible, reasons, flags, quote, scores, rank
    summary: pd.DataFrame  # lot, eligible count, flag, top three, unlock
    conflicts: pd.DataFrame  # schools likely to win more than their free capacity
    school_reach: pd.DataFrame  # school, lots it could serve
    notes: list[str] = field(default_factory=list)


def lots_from_allocation(problem: AllocationProblem, solution: Solution, params: ShortlistParams) -> pd.DataFrame:
    """Tech-school trainees per area × course group (or course), one lot each."""
    sch = solution.school_allocation
    group = problem.courses.set_index("code")["group"]
    pref_of = problem.counties.set_index("adcode")["prefecture_adcode"]
    frame = sch.assign(group=sch["course_code"].map(group), prefecture=sch["adcode"].map(pref_of))
    if params.split == "prefecture_group":
        keys = ["prefecture", "group"]
    elif params.split == "prefecture_course":
        keys = ["prefecture", "course_code"]
    else:
        keys = ["adcode", "group"]
    rows = []
    for key, part in frame.groupby(keys, sort=True):
        area, item = key
        grp = group[item] if params.split == "prefecture_course" else item
        courses = sorted(part["course_code"].unique()) if params.split != "prefecture_course" else [item]
        mix = part.groupby("course_code")["trainees"].sum()
        rows.append({"lot": f"L{area}_{item}", "area": area, "area_name": problem.names[area], "group": grp,
                     "group_name": problem.names.get(grp, grp),
                     "courses": ",".join(courses), "course_mix": ";".join(f"{k}:{int(v)}" for k, v in mix.items()),
                     "trainees": int(part["trainees"].sum()), "method": params.method,
                     "date": params.lot_date or problem.params.as_of})
    return pd.DataFrame(rows, columns=["lot", "area", "area_name", "group", "group_name", "courses", "course_mix",
                                       "trainees", "method", "date"])


def _area_counties(problem: AllocationProblem, area: str) -> pd.DataFrame:
    c = problem.counties
    return c[c["adcode"] == area] if area in set(c["adcode"]) else c[c["prefecture_adcode"] == area]


def shortlist(problem: AllocationProblem, solution: Solution, params: ShortlistParams | None = None,
              lots: pd.DataFrame | None = None) -> ShortlistResult:
    """Eligibility, ranking and flags for every (school, lot)."""
    params = params or ShortlistParams()
    lots = lots if lots is not None else lots_from_allocation(problem, solution, params)
    schools = problem.institutions[problem.institutions["is_school"]].set_index("code")
    offers = problem.offers[problem.offers["is_school"]]
    load = solution.institution_load.set_index(["institution_code", "course_code"])
    free_at = (load["capacity"] - load["used"]).to_dict()
    price_at = offers.set_index(["institution", "course"])["price"].to_dict()
    majors = offers.groupby("institution")["group"].apply(set).to_dict()
    offered = offers.groupby("institution")["course"].apply(set).to_dict()
    own = solution.school_allocation
    pref_of = problem.counties.set_index("adcode")["prefecture_adcode"]
    own_at: dict[tuple[str, str, str], int] = {}  # (school, area, course) → trainees the allocation gives it
    for r in own.assign(prefecture=own["adcode"].map(pref_of)).itertuples():
        for area in (r.adcode, r.prefecture):
            own_at[(r.school_code, area, r.course_code)] = own_at.get((r.school_code, area, r.course_code), 0) \
                + int(r.trainees)
    courses = problem.courses.set_index("code")
    evaluators = offers[offers["evaluator"]].groupby("course")["institution"].apply(set).to_dict()
    seats = problem.counties.set_index("adcode")
    homes = seats.loc[schools["home_county"]]
    rows = []
    for lot in lots.itertuples():
        lot_courses = [c for c in str(lot.courses).split(",") if c]
        mix = _course_mix(lot, lot_courses)
        area = _area_counties(problem, lot.area)
        dist = _distances(homes, area)
        debarred = debarred_on(problem.debarments, lot.date)
        entrepreneurship = any(courses.loc[c, "certificate_type"] == rules.ENTREPRENEURSHIP_TYPE for c in lot_courses)
        size = min(int(courses.loc[c, "max_class_size"]) for c in lot_courses) if lot_courses else 60
        group_name = problem.names.get(lot.group, lot.group)
        need = math.ceil(params.capacity_share * lot.trainees)
        for k, (code, s) in enumerate(schools.iterrows()):
            mine = [c for c in lot_courses if c in offered.get(code, set())]
            reasons, flags = [], []
            if lot.group not in majors.get(code, set()):
                reasons.append(("R3", f"无{group_name}专业 does not offer the lot's major"))
            free = sum(int(free_at.get((code, c), 0)) for c in mine)
            in_lot = sum(own_at.get((code, lot.area, c), 0) for c in lot_courses)
            available = free + in_lot
            if available < need:
                reasons.append(("R5-R7", f"可用容量 {available:,} < 需 {need:,}: places left {available:,}, "
                                         f"lot needs {need:,} (short {need - available:,})"))
            if s["platform_teachers"] <= 0:
                reasons.append(("R15", "师资未进入省培训平台 no teachers registered on the provincial platform"))
            if code in debarred:
                reasons.append(("R14", f"{lot.date.isoformat()} 处于取消资格期内 debarred on the lot date"))
            if entrepreneurship and s["siyb_trainers"] <= 0:
                reasons.append(("R16", "无创业培训讲师 no entrepreneurship-trainer certified teachers"))
            for c in lot_courses:
                holders = evaluators.get(c, set())
                if code in holders and len(holders) > 1:
                    flags.append(("R13", f"考培分离: 本校为{courses.loc[c, 'profession']}评价机构，须安排其他机构评价 "
                                         "(also an evaluator for this course, and not the only one: trainees must "
                                         "be assessed elsewhere)"))
                    break
            classes = math.ceil(lot.trainees / size) if lot.trainees else 0
            rows.append({
                "lot": lot.lot, "method": lot.method, "school_code": code, "school": s["name"],
                "eligible": not reasons, "reasons": " | ".join(f"{c}: {t}" for c, t in reasons),
                "reason_codes": ",".join(c for c, _ in reasons), "flags": " | ".join(f"{c}: {t}" for c, t in flags),
                "quote": _quote([(price_at[(code, c)], mix.get(c, 0)) for c in mine]),
                "free": free, "own_in_lot": in_lot, "available": available,
                "needed": need, "distance_km": round(float(dist[k]), 1),
                "capacity_margin": round(available / lot.trainees, 4) if lot.trainees else 0.0,
                "teachers_per_class": round(s["platform_teachers"] / classes, 4) if classes else 0.0,
            })
    entries = pd.DataFrame(rows)
    entries = rank_entries(entries, lots, params)
    summary = _summary(entries, lots, params)
    reach, conflicts = _graph(entries, lots)
    notes = ["R4: geography never excludes a school; distance enters the consultation score only.",
             f"Capacity: free places after the allocation plus the places it already gives the school in the lot; "
             f"a school must be able to take {params.capacity_share:.0%} of the lot.",
             "Past pass rates are not in the data, so they are not a criterion; add them to the data to use them."]
    return ShortlistResult(lots.reset_index(drop=True), entries, summary, conflicts, reach, notes)


def _course_mix(lot, lot_courses: list[str]) -> dict[str, int]:
    mix = {}
    for part in str(getattr(lot, "course_mix", "") or "").split(";"):
        if ":" in part:
            k, v = part.split(":")
            mix[k] = int(v)
    return mix or {c: 1 for c in lot_courses}


def _quote(prices: list[tuple[float, int]]) -> float | None:
    """The school's quoted price per trainee for the lot: its prices weighted by the lot's course mix."""
    if not prices:
        return None
    total = sum(w for _, w in prices)
    if total == 0:
        return round(sum(p for p, _ in prices) / len(prices), 2)
    return round(sum(p * w for p, w in prices) / total, 2)


def _distances(homes: pd.DataFrame, area: pd.DataFrame):
    """Population-weighted mean distance from each school's home county seat to the lot's county seats."""
    d = haversine_km(homes["lon"].to_numpy()[:, None], homes["lat"].to_numpy()[:, None],
                     area["lon"].to_numpy()[None, :], area["lat"].to_numpy()[None, :])
    w = area["indicator"].to_numpy()
    return (d * w).sum(axis=1) / w.sum() if w.sum() > 0 else d.mean(axis=1)


def rank_entries(entries: pd.DataFrame, lots: pd.DataFrame, params: ShortlistParams) -> pd.DataFrame:
    """Rank the eligible schools of each lot by its method; adds the score breakdown and ``rank``.

    Negotiation: quoted price, lowest first; ties → more places available, then school code.
    Consultation: price score = lowest eligible quote / quote × price weight × 100; capacity margin and
    teachers per class score weight × value / best value; distance scores weight × (nearest + 10 km) /
    (own + 10 km); total = sum; ties → higher price score, then school code.
    """
    out = []
    for lot in lots.itertuples():
        e = entries[entries["lot"] == lot.lot].copy()
        elig = e[e["eligible"]]
        e["price_score"] = 0.0
        for c in TECHNICAL_CRITERIA:
            e[f"{c}_score"] = 0.0
        e["total_score"] = 0.0
        if lot.method == CONSULTATION and not elig.empty:
            low = elig["quote"].min()
            e.loc[elig.index, "price_score"] = (low / elig["quote"] * params.price_weight * 100).round(4)
            best_margin = elig["capacity_margin"].max()
            best_teachers = elig["teachers_per_class"].max()
            nearest = elig["distance_km"].min()
            tw = params.technical_weights
            e.loc[elig.index, "capacity_margin_score"] = (
                elig["capacity_margin"] / best_margin * tw.get("capacity_margin", 0)).round(4) if best_margin else 0.0
            e.loc[elig.index, "distance_score"] = ((nearest + DISTANCE_OFFSET_KM)
                                                   / (elig["distance_km"] + DISTANCE_OFFSET_KM)
                                                   * tw.get("distance", 0)).round(4)
            e.loc[elig.index, "teachers_per_class_score"] = (
                elig["teachers_per_class"] / best_teachers * tw.get("teachers_per_class", 0)).round(4) \
                if best_teachers else 0.0
            parts = ["price_score", *(f"{c}_score" for c in TECHNICAL_CRITERIA)]
            e.loc[elig.index, "total_score"] = e.loc[elig.index, parts].sum(axis=1).round(4)
            order = e[e["eligible"]].sort_values(["total_score", "price_score", "school_code"],
                                                 ascending=[False, False, True])
        else:
            order = e[e["eligible"]].sort_values(["quote", "available", "school_code"], ascending=[True, False, True])
        e["rank"] = pd.NA
        e.loc[order.index, "rank"] = range(1, len(order) + 1)
        ineligible = e[~e["eligible"]].sort_values(["school_code"])
        out.append(pd.concat([e.loc[order.index], ineligible]))
    result = pd.concat(out, ignore_index=True) if out else entries
    result["rank"] = result["rank"].astype("Int64")
    return result


def _summary(entries: pd.DataFrame, lots: pd.DataFrame, params: ShortlistParams) -> pd.DataFrame:
    rows = []
    for lot in lots.itertuples():
        e = entries[entries["lot"] == lot.lot]
        elig = e[e["eligible"]].sort_values("rank")
        n = len(elig)
        flag = n < params.min_suppliers
        unlock = ""
        if flag:
            near = e[~e["eligible"]].sort_values("distance_km")
            hints = []
            for r in near.itertuples():
                if r.reason_codes == "R5-R7":
                    hints.append(f"{r.school} short {r.needed - r.available:,} places ({r.distance_km:.0f} km)")
                elif r.reason_codes in ("R15", "R16", "R14"):
                    hints.append(f"{r.school} misses {r.reason_codes} only")
                if len(hints) == params.min_suppliers - n + 2:
                    break
            unlock = ("; ".join(hints) or "no school misses a single rule only") + (
                ". The rules allow two suppliers only in named special cases (e.g. 竞争性磋商 for services "
                "with too few qualified suppliers); the minimum here is a parameter")
        rows.append({"lot": lot.lot, "area": lot.area_name, "group": getattr(lot, "group_name", lot.group),
                     "trainees": lot.trainees,
                     "method": METHOD_NAMES.get(lot.method, lot.method), "eligible": n,
                     "flag": f"fewer than {params.min_suppliers} eligible" if flag else "",
                     "top_three": ", ".join(elig["school"].head(3)), "unlock": unlock})
    return pd.DataFrame(rows)


def _graph(entries: pd.DataFrame, lots: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Bipartite school–lot eligibility graph: reach per school; schools likely to win more than they hold."""
    g = nx.Graph()
    for r in entries[entries["eligible"]].itertuples():
        g.add_edge(("school", r.school_code), ("lot", r.lot), rank=r.rank)
    names = dict(zip(entries["school_code"], entries["school"], strict=False))
    reach = pd.DataFrame([{"school_code": code, "school": names[code],
                           "lots": g.degree(("school", code)) if ("school", code) in g else 0}
                          for code in sorted(names)]).sort_values(["lots", "school_code"], ascending=[False, True])
    trainees = lots.set_index("lot")["trainees"]
    rows = []
    for code in sorted(names):
        node = ("school", code)
        if node not in g:
            continue
        likely = [lot for _, (_, lot) in g.edges(node) if g.edges[node, ("lot", lot)]["rank"] <= 3]
        mine = entries[(entries["school_code"] == code) & entries["lot"].isin(likely)]
        demand = int(trainees[likely].sum())
        # its free places are shared by every lot it might win (the largest figure counts once), plus the places
        # the allocation already gives it inside those lots
        pool = int(mine["free"].max() + mine["own_in_lot"].sum()) if not mine.empty else 0
        if len(likely) > 1 and demand > pool:
            rows.append({"school_code": code, "school": names[code], "lots_in_top_three": len(likely),
                         "their_trainees": demand, "places": pool, "over_by": demand - pool,
                         "lots": ", ".join(sorted(likely))})
    return reach.reset_index(drop=True), pd.DataFrame(rows, columns=["school_code", "school", "lots_in_top_three",
                                                                     "their_trainees", "places", "over_by", "lots"])


def load_lots(path, problem: AllocationProblem, params: ShortlistParams) -> pd.DataFrame:
    """A user's lots table: lot, area (prefecture or county, name or code), course_or_group, trainees,
    method (negotiation/consultation or 竞争性谈判/竞争性磋商), date (optional)."""
    from optimizer.data.schema import Column, TableSchema
    from optimizer.data.tables import parse_table, read_raw

    schema = TableSchema("lots", "procurement lots", (
        Column("lot", "code", "lot id"), Column("area", "text", "prefecture or county (name or adcode)"),
        Column("course_or_group", "text", "a course code (k01…) or a profession group code"),
        Column("trainees", "int", "trainees in the lot", "人次"),
        Column("method", "text", "negotiation / consultation", required=False,
               choices=(NEGOTIATION, CONSULTATION, "竞争性谈判", "竞争性磋商")),
        Column("date", "date", "date of the lot (for debarments)", required=False),
    ), key=("lot",))
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    frame = parse_table(raw, schema, problems)
    by_name = {v: k for k, v in problem.names.items() if k.isdigit()}
    courses = problem.courses.set_index("code")
    groups = set(problem.courses["group"])
    rows = []
    for r in frame.itertuples():
        if r.area is None or r.trainees is None:  # a cell already reported (not a name, not a sane number)
            continue
        area = r.area if r.area in problem.names else by_name.get(r.area)
        if area is None:
            from optimizer.data.names import suggest_word

            hint = suggest_word(r.area, list(by_name))
            problems.add(raw.file, r.src_row, "area", r.area,
                         f"unknown prefecture or county{f'; did you mean {hint}?' if hint else ''}")
            continue
        item = r.course_or_group
        if item in courses.index:
            group, lot_courses = courses.loc[item, "group"], [item]
        elif item in groups:
            group, lot_courses = item, sorted(courses.index[courses["group"] == item])
        else:
            problems.add(raw.file, r.src_row, "course_or_group", item, "not a course code or a profession group")
            continue
        method = {"竞争性谈判": NEGOTIATION, "竞争性磋商": CONSULTATION}.get(r.method, r.method) or params.method
        rows.append({"lot": r.lot, "area": area, "area_name": problem.names[area], "group": group,
                     "group_name": problem.names.get(group, group),
                     "courses": ",".join(lot_courses), "course_mix": "", "trainees": int(r.trainees),
                     "method": method, "date": r.date or params.lot_date or problem.params.as_of})
    problems.raise_if_any()
    return pd.DataFrame(rows)


def write_shortlists(result: ShortlistResult, out) -> list:
    """Excel (a summary sheet, one sheet per lot, conflicts, reach) and CSV; all or nothing."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    import xlsxwriter

    from optimizer.outputs.files import write_csv

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".shortlist-", dir=out))
    try:
        write_csv(result.summary, staging / "shortlist_summary.csv")
        write_csv(result.entries, staging / "shortlist_entries.csv")
        write_csv(result.lots, staging / "lots.csv")
        wb = xlsxwriter.Workbook(str(staging / "shortlists.xlsx"), {"strings_to_formulas": False,
                                                                      "strings_to_urls": False})
        head = wb.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#E8EEF7"})
        flag = wb.add_format({"bg_color": "#F8D0D0"})

        def sheet(name: str, frame: pd.DataFrame, highlight: str | None = None) -> None:
            ws = wb.add_worksheet(name[:31])
            for j, col in enumerate(frame.columns):
                ws.write_string(0, j, str(col), head)
                ws.set_column(j, j, min(50, max(10, len(str(col)) + 2)))
            for i, row in enumerate(frame.itertuples(index=False), start=1):
                fmt = flag if highlight and getattr(row, highlight) else None
                for j, v in enumerate(row):
                    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
                        ws.write_blank(i, j, None, fmt)
                    elif isinstance(v, bool):
                        ws.write_string(i, j, "是" if v else "否", fmt)
                    elif isinstance(v, int | float):
                        ws.write_number(i, j, v, fmt)
                    else:
                        ws.write_string(i, j, str(v), fmt)
            ws.freeze_panes(1, 0)

        sheet("汇总 Summary", result.summary, "flag")
        sheet("冲突 Conflicts", result.conflicts)
        sheet("覆盖 Reach", result.school_reach)
        for lot in result.lots["lot"]:
            e = result.entries[result.entries["lot"] == lot].drop(columns=["lot"])
            sheet(lot, e)
        wb.close()
        names = ["shortlist_summary.csv", "shortlist_entries.csv", "lots.csv", "shortlists.xlsx"]
        for name in names:
            os.replace(staging / name, out / name)
        return [out / n for n in names]
    finally:
        shutil.rmtree(staging, ignore_errors=True)
