"""Procurement of technical-school training (R12): lots, qualified schools, methods, ceilings, simulated scores.

``shortlist`` runs the stages in order — subsidised demand (lots.py), qualification (eligibility.py), method
and ceiling (methods.py), lawful scoring (scoring.py) — and returns one ``ShortlistResult``; the award
simulation (awards.py) and the evaluation of real quotes (evaluation.py) build on it. ``filter_summary`` is
the pure, fast filter the workspace calls on a cached result.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.errors import ProblemList
from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution
from optimizer.procurement.eligibility import (
    Qualification,
    course_qualified,
    lot_eligibility,
    lot_matrix,
    qualification,
    r13_flags,
    reasons,
)
from optimizer.procurement.lots import design_lots, parse_mix, subsidised_demand
from optimizer.procurement.methods import (
    NEGOTIATION,
    ceilings,
    choose_methods,
    exception_routes,
    method_name,
)
from optimizer.procurement.scoring import CRITERIA, ShortlistParams, criteria_table, score_entries
from optimizer.procurement.tables import ProcurementTables, load_procurement_tables

__all__ = ["ShortlistParams", "ShortlistResult", "filter_summary", "shortlist"]


@dataclass
class ShortlistResult:
    lots: pd.DataFrame  # lot, area…, courses, course_mix, trainees, classes, ceiling_yuan, method, method_rule,
    #                     eligible_count, exception, route
    entries: pd.DataFrame  # lot × school: eligible, reasons, flags, quote, responsive, <criterion>_score, rank
    summary: pd.DataFrame  # one row per lot for people: names, method, ceiling, eligible, top three, route
    criteria: pd.DataFrame  # criterion, name, max_points, scored_by, standard
    demand: pd.DataFrame  # the allocation's school demand with its subsidised part
    params: ShortlistParams
    qualification: Qualification
    names: dict[str, str] = field(default_factory=dict)  # code → name (courses, counties, prefectures)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def shortlist(problem: AllocationProblem, solution: Solution, params: ShortlistParams | None = None,
              lots: pd.DataFrame | None = None, tables: ProcurementTables | None = None) -> ShortlistResult:
    """Design (or take) the lots, qualify every school for every lot, choose methods and ceilings, score."""
    t0 = time.perf_counter()
    params = params or ShortlistParams()
    if params.lot_date is None:
        params = params.model_copy(update={"lot_date": problem.params.as_of})
    q = qualification(problem)
    tables = tables or load_procurement_tables(None, problem.courses, set(q.schools["code"]))
    demand = subsidised_demand(problem, solution, tables)
    requested = None
    if lots is None:
        lots = design_lots(demand, q, course_qualified(q, params.lot_date), problem, params.min_suppliers,
                           params.area, params.lot_date, params.thin_lots)
    else:
        lots = lots.copy()
        requested = lots.pop("requested_method") if "requested_method" in lots else None
    lots = lots.reset_index(drop=True)
    lots["ceiling_yuan"] = ceilings(lots, q.courses, tables).round(2)
    lots = lots.join(choose_methods(lots, tables, params.method, requested))
    if requested is not None:
        _refuse_unlawful_methods(lots, requested, lots.attrs.get("file", "lots"))
    m = lot_matrix(q, lots)
    el = lot_eligibility(q, lots, m)
    ok = el.eligible
    counts = ok.sum(axis=1)
    lots["eligible_count"] = counts
    limiting = [_limiting(q, el, m, i, problem.names) if counts[i] < params.min_suppliers else ""
                for i in range(len(lots))]
    lots = lots.join(exception_routes(lots, lots["eligible_count"].to_numpy(), limiting, params.min_suppliers))
    entries = score_entries(_entries(q, lots, m, el, problem.names), params)
    summary = _summary(lots, entries, params)
    notes = [msg("proc.note.no_size"), msg("proc.note.simulated"), *tables.notes]
    seconds = {"shortlist": round(time.perf_counter() - t0, 4)}
    return ShortlistResult(lots, entries, summary, criteria_table(params), demand, params, q, problem.names, notes,
                           seconds)


def check_lot_methods(lots: pd.DataFrame, courses: pd.DataFrame, tables: ProcurementTables, default: str) -> None:
    """A lots file's own methods against the open-tender threshold, before any solve: the ceilings need only
    the lots, the courses' certificate types and levels, and the subsidy standards (InputError)."""
    if "requested_method" not in lots or lots.empty:
        return
    file = lots.attrs.get("file", "lots")
    lots = lots.reset_index(drop=True)
    requested = lots["requested_method"]
    lots = lots.assign(ceiling_yuan=ceilings(lots, courses, tables).round(2))
    lots = lots.join(choose_methods(lots, tables, default, requested))
    _refuse_unlawful_methods(lots, requested, file)


def _refuse_unlawful_methods(lots: pd.DataFrame, requested: pd.Series, file: str) -> None:
    """A lots file may choose the method below the threshold, never a non-tender method above it."""
    problems = ProblemList()
    for i, r in enumerate(lots.itertuples()):
        ask = requested.iloc[i]
        if ask and ask != r.method:
            problems.add(file, int(getattr(r, "src_row", 0)) or None, "method", ask, r.method_rule)
    problems.raise_if_any()


def _mix_matrix(q: Qualification, lots: pd.DataFrame, m: np.ndarray) -> np.ndarray:
    """Lot × course trainees; a lot without a mix spreads its trainees evenly over its courses."""
    k_at = q.course_index()
    w = np.zeros(m.shape, float)
    for i, r in enumerate(lots.itertuples()):
        mix = parse_mix(r.course_mix)
        if mix:
            for k, v in mix.items():
                w[i, k_at[k]] = v
        else:
            w[i, m[i] > 0] = r.trainees / max(1, m[i].sum())
    return w


def _entries(q: Qualification, lots: pd.DataFrame, m: np.ndarray, el, names: dict[str, str]) -> pd.DataFrame:
    """Lot × school rows, lot-major, built from matrices."""
    n_lots, n_schools = len(lots), len(q.schools)
    ok = el.eligible
    w = _mix_matrix(q, lots, m)
    classes = np.ceil(w / q.courses["class_size"].to_numpy()[None, :])
    quote = w @ np.nan_to_num(q.price).T  # yuan for the whole lot at the school's assumed prices
    lot_classes = classes.sum(axis=1)
    teachers = q.schools["platform_teachers"].to_numpy(float)
    teachers_value = np.minimum(1.0, teachers[None, :] / np.maximum(lot_classes, 1)[:, None])
    # equipment: share of the lot's classes the school's sets can run within the year (capped per course)
    covered = np.minimum(classes[:, None, :], q.capacity_classes[None, :, :]).sum(axis=2)
    equipment_value = covered / np.maximum(lot_classes, 1)[:, None]
    flags = r13_flags(q, m)
    course_names = q.courses["name"].tolist()
    ceiling = lots["ceiling_yuan"].to_numpy()
    responsive = quote <= ceiling[:, None] + 1e-6
    codes, texts = reasons(q, el, lots, m)
    for i, j in zip(*np.nonzero(ok & ~responsive), strict=True):
        codes[i, j] = "ceiling"
        texts[i, j] = msg("proc.reason.quote_over_ceiling", quote=f"{quote[i, j]:,.0f}", ceiling=f"{ceiling[i]:,.0f}")
    flag_msgs = np.array([msg("proc.flag.R13", course=n) for n in course_names] + [""], dtype=object)
    flag_text = flag_msgs[flags]  # -1 picks the trailing ""
    e = pd.DataFrame({
        "lot": np.repeat(lots["lot"].to_numpy(), n_schools),
        "method": np.repeat(lots["method"].to_numpy(), n_schools),
        "school_code": np.tile(q.schools["code"].to_numpy(), n_lots),
        "school": np.tile(q.schools["name"].to_numpy(), n_lots),
        "eligible": ok.ravel(),
        "reason_codes": codes.ravel(), "reasons": texts.ravel(), "flags": flag_text.ravel(),
        "quote_yuan": np.where(ok, quote, np.nan).ravel().round(2),
        "responsive": (ok & responsive).ravel(),
        "teachers_value": teachers_value.ravel().round(4), "equipment_value": equipment_value.ravel().round(4),
    })
    return e


def _limiting(q: Qualification, el, m: np.ndarray, i: int, names: dict[str, str]) -> str:
    """Why lot i has few qualified schools: how many teach all its courses, how many of those fail a rule."""
    ks = np.flatnonzero(m[i])
    what = "、".join(q.courses["name"].iloc[k] for k in ks)
    teach = (~el.no_major[i]) & (el.missing[i] == 0)
    ok = el.eligible[i]
    text = msg("proc.exception.few", n=int(ok.sum()), what=what)
    failing = teach & ~ok
    if failing.any():
        codes = sorted({c for j in np.flatnonzero(failing)
                        for c, hit in (("R5-R7", el.cannot_run[i, j]), ("R14", el.debarred[i, j]),
                                       ("R15", el.no_teachers[i, j]), ("R16", el.no_siyb[i, j]),
                                       ("scenario", el.excluded[i, j])) if hit})
        text += msg("proc.exception.excluded", m=int(failing.sum()), codes="、".join(codes))
    return text


def _summary(lots: pd.DataFrame, entries: pd.DataFrame, params: ShortlistParams) -> pd.DataFrame:
    ranked = entries[entries["rank"].notna()].sort_values(["lot", "rank"])
    top = ranked[ranked["rank"] <= 3].groupby("lot")["school"].agg("、".join)
    few = lots["eligible_count"] < params.min_suppliers
    return pd.DataFrame({
        "lot": lots["lot"], "area": lots["area_name"], "group": lots["group_name"], "courses": lots["course_names"],
        "trainees": lots["trainees"], "ceiling_yuan": lots["ceiling_yuan"],
        "method": lots["method"].map(method_name), "eligible": lots["eligible_count"],
        "flag": np.where(few, f"< {params.min_suppliers}", ""),
        "top_three": lots["lot"].map(top).fillna(""), "exception": lots["exception"], "route": lots["route"],
    })


def filter_summary(summary: pd.DataFrame, areas: list[str] | tuple[str, ...] = (),
                   groups: list[str] | tuple[str, ...] = (), only_exceptions: bool = False,
                   method: str | None = None) -> pd.DataFrame:
    """The workspace's filter on a cached result: pure, vectorised (milliseconds for the province)."""
    keep = np.ones(len(summary), bool)
    if areas:
        keep &= summary["area"].isin(areas).to_numpy()
    if groups:
        keep &= summary["group"].isin(groups).to_numpy()
    if only_exceptions:
        keep &= (summary["flag"] != "").to_numpy()
    if method:
        keep &= (summary["method"] == method).to_numpy()
    return summary[keep]


def lot_entries(result: ShortlistResult, lot: str) -> pd.DataFrame:
    """One lot's schools: ranked qualified ones first, then the others with their reasons."""
    e = result.entries[result.entries["lot"] == lot]
    return pd.concat([e[e["rank"].notna()].sort_values("rank"), e[e["rank"].isna()].sort_values("school_code")])


def score_columns(params: ShortlistParams) -> list[str]:
    """The score columns of the entries table, one per scored criterion."""
    return ["price_score", *(f"{c.code}_score" for c in CRITERIA if params.points(c.code) > 0)]


def is_negotiation(method: str) -> bool:
    return method == NEGOTIATION
