"""How much the plan depends on each assumed number (issue 20, ``yunnan-plan assumptions``).

Every assumed number that enters the model is listed with its sourced range (``data/assumption_ranges.csv``,
tightened where a rule of the notice is tighter) and a sensitivity in yuan, from the LP relaxation's ranging
(``pipeline.run_sensitivity`` → ``model/ranging.py``):

- capacities (``offers.equipment_sets``, ``offers.days_available``; ``courses.class_hours``,
  ``courses.max_class_size`` for every offer of the course) enter as the right-hand side of capacity rows: the
  shadow price (yuan saved per extra place) and the interval of places over which it holds; the estimate at an
  end of the sourced range is dual × change of places. A row with no shadow price whose low end cuts below the
  places in use is estimated with the median shadow price of the binding capacity rows (``estimate=displaced``);
- prices (``offers.price_per_trainee``) enter as costs: the price interval over which the allocation stays
  optimal (HiGHS cost ranging of each of the offer's columns), and the estimate trainees × change of price;
- ``profession_focus.share`` enters as the bounds of the mix rows: dual × change of the bound;
- ``institutions.platform_teachers`` / ``siyb_trainers`` enter as conditions (> 0: R15, R16): at the low end 0 the
  institution's unit (R15) or entrepreneurship (R16) columns close, and the LP is re-solved (``estimate=re-solve``).

The sensitivity is the larger |estimated change of the LP objective| of the two ends; ranked largest first. The
top N are then re-solved at both ends (hot start from the optimal basis): the actual change of the LP objective
and the counties and schools whose trainees change. Each prefecture's list weights an assumption by the share of
its trainees placed in that prefecture.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from types import SimpleNamespace

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.data.calibration import ranges_for, rule_bounds
from optimizer.messages import msg
from optimizer.model.problem import capacity
from optimizer.model.ranging import Change, LPRanging

COLUMNS = ["table", "key", "column", "value", "basis", "source_range_low", "source_range_high", "sensitivity",
           "rank"]
EXTRA = ["kind", "name", "unit", "source", "estimate", "row", "rhs", "shadow_price", "holds_from", "holds_to",
         "stable_price_low", "stable_price_high", "trainees", "estimate_low", "estimate_high", "delta_low",
         "delta_high", "status_low", "status_high", "counties_low", "counties_high", "schools_low", "schools_high",
         "changes_low", "changes_high"]
TEXT_COLUMNS = ("estimate", "row", "status_low", "status_high", "changes_low", "changes_high")
CHANGE_TOLERANCE = 0.5  # a county's or school's trainees change when they move by at least half a person
INFEASIBLE = math.inf


@dataclass
class AssumptionReport:
    """The ranked table, each prefecture's top list and the run's identity."""

    table: pd.DataFrame
    by_prefecture: pd.DataFrame  # prefecture, prefecture_name, rank, table, key, column, name, value, score
    scenario: str
    input_id: str
    objective: float
    timings: dict[str, float] = field(default_factory=dict)

    def top_for(self, prefecture: str, n: int = 10) -> pd.DataFrame:
        part = self.by_prefecture[self.by_prefecture["prefecture"] == prefecture]
        return part.sort_values("rank").head(n)


# -- the assumed numbers that enter the model ----------------------------------------------------------------


def row_labels(rows: pd.DataFrame, family: str, codes: list[str]) -> dict[tuple, str]:
    """{codes → row label} of one family of the ranged rows: rows are found by their codes (issue 12), the label
    is only carried along to name the row to HiGHS."""
    part = rows[rows["family"] == family]
    return dict(zip(zip(*(part[c] for c in codes), strict=True), part["name"], strict=True))


def _spans(ranges) -> dict[tuple[str, str], tuple[float, float, str, str]]:
    """(table, column) → (low, high, unit, source) of every sourced range."""
    tables = set(ranges["table"]) if ranges is not None and not ranges.empty else set()
    return {(t, c): v for t in tables for c, v in ranges_for(ranges, t).items()}


def _range(spans, table: str, column: str, row: pd.Series | None = None) -> tuple[float, float, str, str]:
    """The sourced range of a column, tightened by a rule of the notice where one applies to ``row``."""
    low, high, unit, source = spans.get((table, column), (math.nan, math.nan, "", ""))
    if row is not None:
        rule_low, rule_high = rule_bounds(table, column, row)
        if rule_low is not None:
            low = max(low, rule_low)
        if rule_high is not None:
            high = min(high, rule_high)
    return low, high, unit, source


def _places(offer: pd.Series, changes, fill: float, **new) -> int:
    """The LP's places of an offer with some of its inputs replaced: ⌊φ · sets × ⌊days/⌈h/8⌉⌋ × size⌋ after the
    scenario's capacity changes, in order (R5–R7; as ``problem.build_problem`` and ``apply_capacity_changes``)."""
    v = {"sets": int(offer["equipment_sets"]), "days": int(offer["days_available"]),
         "hours": int(offer["class_hours"]), "size": int(offer["class_size"]), **new}
    seats = capacity(int(v["sets"]), int(v["days"]), int(v["hours"]), int(v["size"]))
    for ch in changes:
        if ch.institution == offer["institution"] and (not ch.course or ch.course == offer["course"]) \
                and (not ch.group or ch.group == offer["group"]):
            seats = int(ch.value) if ch.value is not None else seats * (100 + ch.percent) // 100
    return int(seats * fill + 1e-9)


def assumption_table(run) -> pd.DataFrame:
    """Every assumed number entering the model of ``run`` (a ``pipeline.SensitivityRun``) with its range and its
    first-order sensitivity, ranked."""
    problem, plan, ranging = run.problem, run.plan, run.ranging
    ranges = _spans(plan.assumption_ranges)
    frame = ranging.rows.set_index("name")
    cap_label = row_labels(ranging.rows, "capacity", ["institution", "course"])
    binding = frame[(frame["family"] == "capacity") & (frame["shadow_price"] > 1e-9)]["shadow_price"]
    rows = frame.to_dict("index")  # name → the row's record (a dict: faster than .loc in these loops)
    typical = float(binding.median()) if len(binding) else 0.0
    names = problem.names
    records: list[dict] = []
    offers = problem.offers.set_index(["institution", "course"], drop=False)
    basis = plan.offers.set_index(["institution", "course"])["basis"]
    prices = ranging.offer_table().set_index(["institution", "course"])
    changes, fill = problem.params.capacity_changes, problem.params.class_fill
    weight = float(problem.params.weights.cost)
    course_rows = problem.courses.set_index("code")
    for (inst, course), o in offers.iterrows():
        row_name = cap_label.get((inst, course))
        if row_name not in rows:
            continue  # no variable uses this offer: its numbers do not enter the model
        r = rows[row_name]
        label = f"{names.get(inst, inst)}·{names.get(course, course)}"
        for column, arg in (("equipment_sets", "sets"), ("days_available", "days")):
            low, high, unit, source = _range(ranges, "offers", column)
            ends = [_places(o, changes, fill, **{arg: e}) for e in _ends(low, high, int)]
            records.append(_capacity_record("offers", f"{inst}/{course}", column, int(o[column]), basis[(inst, course)],
                                            low, high, unit, source, label, r, row_name, ends, typical))
        low, high, unit, source = _range(ranges, "offers", "price_per_trainee")
        p = prices.loc[(inst, course)] if (inst, course) in prices.index else None
        trainees = float(p["trainees"]) if p is not None else 0.0
        price = float(o["price"])
        stable_high = float(p["stable_high"]) if p is not None else math.inf
        est = [trainees * (low - price) * weight if not math.isnan(low) else 0.0,
               trainees * (min(high, stable_high) - price) * weight if not math.isnan(high) else 0.0]
        records.append({"table": "offers", "key": f"{inst}/{course}", "column": "price_per_trainee", "value": price,
                        "basis": basis[(inst, course)], "source_range_low": low, "source_range_high": high,
                        "kind": "price", "name": label, "unit": unit, "source": source, "estimate": "ranging",
                        "trainees": trainees, "estimate_low": est[0], "estimate_high": est[1],
                        "stable_price_low": float(p["stable_low"]) if p is not None else math.nan,
                        "stable_price_high": float(p["stable_high"]) if p is not None else math.nan})
    records += _course_records(problem, plan, ranges, rows, offers, changes, fill, typical, course_rows,
                               cap_label)
    mix_label = row_labels(ranging.rows, "mix", ["prefecture", "group", "kind"])
    records += _focus_records(problem, plan, ranges, rows, mix_label)
    records += _condition_records(problem, plan, ranges, ranging, typical)
    table = pd.DataFrame.from_records(records)
    for column in [*COLUMNS, *EXTRA]:
        if column not in table.columns:
            table[column] = np.nan
    for column in TEXT_COLUMNS:
        table[column] = table[column].astype(object).where(table[column].notna(), "")
    table["sensitivity"] = [_sensitivity(a, b) for a, b in zip(table["estimate_low"], table["estimate_high"],
                                                                  strict=True)]
    table = table.sort_values(["sensitivity", "table", "key", "column"], ascending=[False, True, True, True],
                              kind="stable").reset_index(drop=True)
    table["rank"] = np.arange(1, len(table) + 1)
    internal = [c for c in table.columns if c not in COLUMNS and c not in EXTRA]  # what a re-solve needs
    return table[[*COLUMNS, *EXTRA, *internal]]


def _ends(low: float, high: float, kind=float) -> list[float]:
    return [kind(math.ceil(low)) if kind is int else low, kind(math.floor(high)) if kind is int else high]


def _sensitivity(low: float, high: float) -> float:
    values = [abs(v) for v in (low, high) if v is not None and not (isinstance(v, float) and math.isnan(v))]
    return max(values) if values else 0.0


def _capacity_record(table: str, key: str, column: str, value: float, basis: str, low: float, high: float,
                     unit: str, source: str, label: str, r: dict, row_name: str, ends: list[int],
                     typical: float) -> dict:
    """A number that sets one capacity row: the estimate at each end is dual × change of places; a slack row cut
    below its use costs the places displaced at the typical shadow price."""
    rhs = float(r["upper"])
    est, how = [], "ranging"
    for places in ends:
        e = _row_estimate(r, places)
        if abs(r["shadow_price"]) <= 1e-9 and places < r["activity"] - CHANGE_TOLERANCE:
            e, how = (r["activity"] - places) * typical, "displaced"
        est.append(e)
    return {"table": table, "key": key, "column": column, "value": value, "basis": basis, "source_range_low": low,
            "source_range_high": high, "kind": "capacity", "name": label, "unit": unit, "source": source,
            "estimate": how, "row": row_name, "rhs": rhs, "shadow_price": float(r["shadow_price"]),
            "holds_from": float(r["holds_from"]), "holds_to": float(r["holds_to"]), "trainees": float(r["activity"]),
            "estimate_low": est[0], "estimate_high": est[1], "ends_places": ends}


def _course_records(problem, plan, ranges, rows, offers, changes, fill, typical, course_rows,
                    cap_label: dict[tuple, str]) -> list[dict]:
    """class_hours and max_class_size of a course: every offer of the course changes its places."""
    out = []
    basis = plan.courses.set_index("code")["basis"]
    for course, part in offers.reset_index(drop=True).groupby("course"):
        names = [cap_label.get((i, course)) for i in part["institution"]]
        present = [(n, o) for n, (_, o) in zip(names, part.iterrows(), strict=True) if n in rows]
        if not present:
            continue
        crow = course_rows.loc[course]
        for column, arg in (("class_hours", "hours"), ("max_class_size", "size")):
            low, high, unit, source = _range(ranges, "courses", column, crow)
            est, how = [], "ranging"
            for end in _ends(low, high, int):
                total = 0.0
                for name, o in present:
                    r = rows[name]
                    places = _places(o, changes, fill, **{arg: end})
                    if abs(r["shadow_price"]) <= 1e-9 and places < r["activity"] - CHANGE_TOLERANCE:
                        total += (r["activity"] - places) * typical
                        how = "displaced"
                    else:
                        total += _row_estimate(r, places)
                est.append(total)
            out.append({"table": "courses", "key": course, "column": column, "value": int(crow[column]),
                        "basis": basis[course], "source_range_low": low, "source_range_high": high, "kind": "capacity",
                        "name": problem.names.get(course, course), "unit": unit, "source": source, "estimate": how,
                        "trainees": float(sum(rows[n]["activity"] for n, _ in present)),
                        "estimate_low": est[0], "estimate_high": est[1],
                        "rows": [n for n, _ in present], "row_institutions": [o["institution"] for _, o in present],
                        "ends_value": _ends(low, high, int)})
    return out


def _row_estimate(r: dict, bound: float) -> float:
    """Change of the LP objective when a capacity row's bound moves to ``bound``: dual × change. A cut is not
    clipped (the objective is convex in the bound, so dual × cut is at least the rise); a rise is clipped to the
    interval where the dual holds (exact there; beyond it more places can only save less per place)."""
    rhs = float(r["upper"])
    if bound > rhs:
        bound = min(bound, float(r["holds_to"]))
    return float(r["dual"]) * (bound - rhs)


def _clipped(r: dict, bound: float, lower: bool) -> float:
    """A mix row's bound (its lower bound for ``mix_lo``) moved to ``bound``, within the interval where its dual
    holds: dual × change (exact there)."""
    current = float(r["lower"]) if lower else float(r["upper"])
    return float(r["dual"]) * (min(max(bound, float(r["holds_from"])), float(r["holds_to"])) - current)


def _mix_bounds(share: float, tau: float, target: float) -> tuple[int, int]:
    """The mix rows' bounds of a (prefecture, group): ⌊(f − τ)T⌋ and ⌈(f + τ)T⌉ (lp.define_mix_constraints)."""
    return math.floor((share - tau) * target), math.ceil((share + tau) * target)


def _focus_records(problem, plan, ranges, rows, mix_label: dict[tuple, str]) -> list[dict]:
    """profession_focus.share: the bounds of the mix rows of its (prefecture, group)."""
    out = []
    tau = problem.params.mix_tolerance
    target = problem.targets.set_index("prefecture")["target"]
    basis = plan.focus.set_index(["prefecture_adcode", "group"])["basis"]
    low, high, unit, source = _range(ranges, "profession_focus", "share")
    for f in problem.focus.itertuples():
        lo_row, hi_row = (mix_label.get((f.prefecture, f.group, kind)) for kind in ("mix_lo", "mix_hi"))
        present = [n for n in (lo_row, hi_row) if n in rows]
        if not present or f.prefecture not in target.index:
            continue
        t = float(target[f.prefecture])
        est = []
        for end in (low, high):
            new = _mix_bounds(end, tau, t)
            e = 0.0
            if lo_row in rows:
                e += _clipped(rows[lo_row], new[0], lower=True)
            if hi_row in rows:
                e += _clipped(rows[hi_row], new[1], lower=False)
            est.append(e)
        shadow = sum(float(rows[n]["shadow_price"]) for n in present)
        out.append({"table": "profession_focus", "key": f"{f.prefecture}/{f.group}", "column": "share",
                    "value": float(f.share), "basis": basis[(f.prefecture, f.group)], "source_range_low": low,
                    "source_range_high": high, "kind": "focus",
                    "name": f"{problem.names.get(f.prefecture, f.prefecture)}·{problem.names.get(f.group, f.group)}",
                    "unit": unit, "source": source, "estimate": "ranging", "row": ";".join(present),
                    "row_lower_name": lo_row, "row_upper_name": hi_row,
                    "shadow_price": shadow, "estimate_low": est[0], "estimate_high": est[1],
                    "prefecture": f.prefecture})
    return out


def condition_columns(problem, ranging: LPRanging, institution: str, column: str) -> list[tuple[str, np.ndarray]]:
    """The LP columns a zero value of ``column`` closes at ``institution``: R15 (platform_teachers) its unit
    trainees' columns; R16 (siyb_trainers) its entrepreneurship columns, own quota and units."""
    keys = ranging.model.keys
    if column == "platform_teachers":
        return [("v", np.flatnonzero((keys["v"]["institution"] == institution).to_numpy()))]
    entrepreneurship = set(problem.courses.loc[problem.courses["certificate_type"] == rules.ENTREPRENEURSHIP_TYPE,
                                               "code"])
    out = []
    for family, inst_col in (("w", "school"), ("v", "institution")):
        frame = keys[family]
        if not frame.empty:
            mask = (frame[inst_col] == institution) & frame["course"].isin(entrepreneurship)
            out.append((family, np.flatnonzero(mask.to_numpy())))
    return out


def _condition_records(problem, plan, ranges, ranging: LPRanging, typical: float) -> list[dict]:
    """platform_teachers and siyb_trainers enter only as > 0; where the low end is 0 and the institution's affected
    columns carry trainees, those trainees are displaced (estimated at the typical shadow price of a place; the
    top N are re-solved with the columns closed)."""
    out = []
    basis = plan.institutions.set_index("code")["basis"]
    for inst in problem.institutions.itertuples():
        for column in ("platform_teachers", "siyb_trainers"):
            value = int(getattr(inst, column))
            low, high, unit, source = _range(ranges, "institutions", column)
            closed = condition_columns(problem, ranging, inst.code, column)
            carried = float(sum(ranging.values[f][pos].sum() for f, pos in closed))
            # a zero keeps the institution out of the model (raising it is not evaluated: the model has no such
            # columns); an open door nobody uses changes nothing at 0
            how = "not-evaluated" if value <= 0 else ("displaced" if carried >= CHANGE_TOLERANCE else "ranging")
            est_low = carried * typical if how == "displaced" and not math.isnan(low) and low <= 0 else 0.0
            out.append({"table": "institutions", "key": inst.code, "column": column, "value": value,
                        "basis": basis[inst.code], "source_range_low": low, "source_range_high": high,
                        "kind": "condition", "name": problem.names.get(inst.code, inst.code), "unit": unit,
                        "source": source, "estimate": how, "trainees": carried, "estimate_low": est_low,
                        "estimate_high": 0.0, "closed": closed})
    return out


# -- re-solves at the ends of the range ----------------------------------------------------------------------


def change_at(row: pd.Series, end: str, ranging: LPRanging, problem) -> Change | None:
    """The model change of moving ``row``'s number to its ``end`` (low | high) of the sourced range."""
    i = 0 if end == "low" else 1
    if row["kind"] == "price":
        value = row["source_range_low"] if end == "low" else row["source_range_high"]
        inst, course = row["key"].split("/")
        return Change(price={(inst, course): float(value)})
    if row["kind"] == "capacity" and row["table"] == "offers":
        return Change(row_upper={row["row"]: float(row["ends_places"][i])})
    if row["kind"] == "capacity":  # a course: every offer of it
        offers = problem.offers.set_index(["institution", "course"], drop=False)
        arg = "hours" if row["column"] == "class_hours" else "size"
        end_value = row["ends_value"][i]
        upper = {}
        for name, inst in zip(row["rows"], row["row_institutions"], strict=True):
            o = offers.loc[(inst, row["key"])]
            upper[name] = float(_places(o, problem.params.capacity_changes, problem.params.class_fill,
                                        **{arg: end_value}))
        return Change(row_upper=upper)
    if row["kind"] == "focus":
        pref = row["key"].split("/")[0]
        value = row["source_range_low"] if end == "low" else row["source_range_high"]
        target = float(problem.targets.set_index("prefecture")["target"][pref])
        lo, hi = _mix_bounds(float(value), problem.params.mix_tolerance, target)
        names = set(str(row["row"]).split(";"))
        ch = Change()
        if row.get("row_lower_name") in names:
            ch.row_lower[row["row_lower_name"]] = float(lo)
        if row.get("row_upper_name") in names:
            ch.row_upper[row["row_upper_name"]] = float(hi)
        return ch
    if row["kind"] == "condition":
        return Change(closed=row["closed"]) if end == "low" and row["source_range_low"] <= 0 \
            and row["estimate"] == "displaced" else None
    return None


def resolve_top(table: pd.DataFrame, ranging: LPRanging, problem, top: int) -> pd.DataFrame:
    """The top ``top`` numbers re-solved at both ends: change of the LP objective, status, counties and schools
    whose trainees change (largest first, names)."""
    table = table.copy()
    base_county, base_school = ranging.base
    names = problem.names
    for idx in table.index[:top]:
        row = table.loc[idx]
        for end in ("low", "high"):
            change = change_at(row, end, ranging, problem)
            if change is None:
                table.loc[idx, [f"delta_{end}", f"status_{end}", f"counties_{end}", f"schools_{end}"]] = \
                    [0.0, "optimal", 0, 0]
                continue
            res = ranging.resolve_with(change)
            if res.result.status != "optimal":
                table.loc[idx, [f"delta_{end}", f"status_{end}"]] = [INFEASIBLE, res.result.status]
                continue
            d_county = res.county.sub(base_county, fill_value=0.0)
            d_county = d_county[d_county.abs() >= CHANGE_TOLERANCE].sort_values(key=np.abs, ascending=False)
            moved = res.school_county.sub(base_school, fill_value=0.0).abs().groupby(level=0).sum() / 2
            moved = moved[moved >= CHANGE_TOLERANCE].sort_values(ascending=False)
            shown = [f"{names.get(c, c)} {v:+,.0f}" for c, v in d_county.head(5).items()]
            shown += [f"{names.get(s, s)} {msg('asm.moved', n=f'{v:,.0f}')}" for s, v in moved.head(3).items()]
            table.loc[idx, [f"delta_{end}", f"status_{end}", f"counties_{end}", f"schools_{end}", f"changes_{end}"]] \
                = [res.result.objective - ranging.objective, "optimal", len(d_county), len(moved), "；".join(shown)]
    return table


# -- each prefecture's list ----------------------------------------------------------------------------------


def by_prefecture(table: pd.DataFrame, ranging: LPRanging, problem, n: int = 10) -> pd.DataFrame:
    """Per prefecture the ``n`` assumptions that move its numbers most: sensitivity × the share of the
    assumption's trainees placed in the prefecture (a focus share: its own prefecture only)."""
    placed = ranging.trainees_by_prefecture()
    by_offer = placed.pivot_table(index=["institution", "course"], columns="prefecture", values="trainees",
                                  aggfunc="sum", fill_value=0.0)
    share_offer = by_offer.div(by_offer.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    by_course = placed.pivot_table(index="course", columns="prefecture", values="trainees", aggfunc="sum",
                                   fill_value=0.0)
    share_course = by_course.div(by_course.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    by_inst = placed.pivot_table(index="institution", columns="prefecture", values="trainees", aggfunc="sum",
                                 fill_value=0.0)
    share_inst = by_inst.div(by_inst.sum(axis=1).where(lambda s: s > 0, 1.0), axis=0)
    prefectures = list(problem.targets["prefecture"])
    records = []
    for row in table.itertuples():
        if not row.sensitivity > 0:
            continue
        if row.table == "profession_focus":
            shares = {row.key.split("/")[0]: 1.0}
        elif row.table == "offers":
            key = tuple(row.key.split("/"))
            shares = share_offer.loc[key].to_dict() if key in share_offer.index else {}
        elif row.table == "courses":
            shares = share_course.loc[row.key].to_dict() if row.key in share_course.index else {}
        else:
            shares = share_inst.loc[row.key].to_dict() if row.key in share_inst.index else {}
        for pref, s in shares.items():
            if s > 1e-9 and pref in prefectures:
                records.append({"prefecture": pref, "prefecture_name": problem.names.get(pref, pref),
                                "table": row.table, "key": row.key, "column": row.column, "name": row.name,
                                "value": row.value, "unit": row.unit, "source_range_low": row.source_range_low,
                                "source_range_high": row.source_range_high, "global_rank": row.rank,
                                "score": row.sensitivity * s if math.isfinite(row.sensitivity) else INFEASIBLE})
    frame = pd.DataFrame.from_records(records)
    if frame.empty:
        return pd.DataFrame(columns=["prefecture", "prefecture_name", "rank", "table", "key", "column", "name",
                                     "value", "unit", "source_range_low", "source_range_high", "global_rank", "score"])
    frame = frame.sort_values(["prefecture", "score", "global_rank"], ascending=[True, False, True], kind="stable")
    frame["rank"] = frame.groupby("prefecture").cumcount() + 1
    frame = frame[frame["rank"] <= n].reset_index(drop=True)
    return frame[["prefecture", "prefecture_name", "rank", "table", "key", "column", "name", "value", "unit",
                  "source_range_low", "source_range_high", "global_rank", "score"]]


# -- the whole analysis --------------------------------------------------------------------------------------


def analyse(run, top: int = 10, per_prefecture: int = 10) -> AssumptionReport:
    """Rank every assumed number of ``run`` (a ``pipeline.SensitivityRun``), re-solve the top ``top`` at the
    ends of their ranges, and list each prefecture's top ``per_prefecture``."""
    timings = dict(run.timings)
    t0 = time.perf_counter()
    table = assumption_table(run)
    timings["rank"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    table = resolve_top(table, run.ranging, run.problem, top)
    timings["resolve_top"] = time.perf_counter() - t1
    prefs = by_prefecture(table, run.ranging, run.problem, per_prefecture)
    return AssumptionReport(table, prefs, str(run.scenario.name), run.input_id, run.ranging.objective,
                            {k: round(v, 4) for k, v in timings.items()})


def prefecture_lists(result, n: int = 10) -> AssumptionReport | None:
    """The ranking behind the covers of an ``export`` (a solved ``RunResult``): the LP relaxation's ranging, no
    re-solves. None when the data folder has no sourced ranges (nothing to move) or the LP has no optimum."""
    return assumption_lists(result.plan, result.problem, result.scenario.name, result.input_id, n)


def assumption_lists(plan, problem, scenario: str, input_id: str, n: int = 10) -> AssumptionReport | None:
    """``prefecture_lists`` from the parts the workspace holds (plan, problem, scenario name, input id)."""
    from optimizer.pipeline import SensitivityRun, lp_sensitivity

    if plan.assumption_ranges is None or plan.assumption_ranges.empty:
        return None
    t0 = time.perf_counter()
    try:
        ranging = lp_sensitivity(problem)
    except RuntimeError:
        return None
    run = SensitivityRun(SimpleNamespace(name=scenario), plan, problem.params, problem, ranging, input_id,
                         {"lp_ranging": time.perf_counter() - t0})
    return analyse(run, top=0, per_prefecture=n)


def covers(report: AssumptionReport | None, prefectures, n: int = 10) -> dict[str, list[tuple[str, str]]]:
    """Cover rows per workbook: each prefecture's ten and, under 530000, the province's (``export_workbooks``'s
    ``cover_rows_by_prefecture``); nothing without a report."""
    if report is None:
        return {}
    out = {p: cover_rows(report, p, n) for p in prefectures}
    out["530000"] = province_rows(report, n)
    return out


def check_list(report: AssumptionReport, prefecture: str, lang: str = "zh", n: int = 10) -> pd.DataFrame:
    """One prefecture's list (530000: the province's) as the workspace shows it: rank, what, value, sourced range,
    effect (万元)."""
    rows = []
    items = report.top_for(prefecture, n) if prefecture != "530000" else \
        report.table.head(n).assign(score=lambda f: f["sensitivity"])
    for r in items.itertuples():
        value = f"{r.value:.1%}" if r.table == "profession_focus" else f"{r.value:,.0f}"
        span = (f"{r.source_range_low:.0%}–{r.source_range_high:.0%}" if r.table == "profession_focus"
                else f"{r.source_range_low:,.0f}–{r.source_range_high:,.0f}")
        rows.append({msg("asm.ui.rank", lang): int(r.rank), msg("asm.ui.name", lang): r.name,
                     msg("asm.ui.what", lang): msg(f"asm.col.{r.table}.{r.column}", lang),
                     msg("asm.ui.value", lang): value, msg("asm.ui.range", lang): span,
                     msg("asm.ui.effect", lang): _wan(r.score, lang) if math.isfinite(r.score)
                     else msg("asm.infeasible_at_end", lang)})
    return pd.DataFrame(rows)


def province_rows(report: AssumptionReport, n: int = 10) -> list[tuple[str, str]]:
    """The province workbook's cover: the province's top ``n`` (score = sensitivity)."""
    rows = []
    for r in report.table.head(n).itertuples():
        item = SimpleNamespace(table=r.table, column=r.column, name=r.name, value=r.value, unit=r.unit,
                               source_range_low=r.source_range_low, source_range_high=r.source_range_high,
                               score=r.sensitivity)
        label = msg("asm.cover_first", "zh") if r.rank == 1 else msg("asm.cover_label", "zh", rank=r.rank)
        rows.append((label, describe(item, "zh")))
    return rows


def csv_table(report: AssumptionReport) -> pd.DataFrame:
    """``assumptions.csv``: the issue's columns, then the evidence behind each sensitivity."""
    return report.table[[*COLUMNS, *EXTRA]].copy()


def cover_rows(report: AssumptionReport, prefecture: str, n: int = 10) -> list[tuple[str, str]]:
    """The cover's "check before you submit" rows of one prefecture, in Chinese (label, text)."""
    rows = []
    for r in report.top_for(prefecture, n).itertuples():
        rows.append((msg("asm.cover_label", "zh", rank=r.rank) if r.rank > 1 else msg("asm.cover_first", "zh"),
                     describe(r, "zh")))
    return rows


def describe(r, lang: str = "zh") -> str:
    """One assumption in words: what, its value, its sourced range, how much it moves the prefecture."""
    value = f"{r.value:.1%}" if r.table == "profession_focus" else f"{r.value:,.0f}"
    low = f"{r.source_range_low:.0%}" if r.table == "profession_focus" else f"{r.source_range_low:,.0f}"
    high = f"{r.source_range_high:.0%}" if r.table == "profession_focus" else f"{r.source_range_high:,.0f}"
    score = msg("asm.infeasible_at_end", lang) if not math.isfinite(r.score) else \
        msg("asm.score", lang, amount=_wan(r.score, lang))
    unit = "" if r.table == "profession_focus" else (unit_text(r.unit, lang) if lang == "zh" else f" {r.unit}")
    return msg("asm.cover_item", lang, what=msg(f"asm.col.{r.table}.{r.column}", lang), name=r.name, value=value,
               unit=unit, low=low, high=high, score=score)


def _wan(amount: float, lang: str) -> str:
    from optimizer.messages.numbers import yuan

    return yuan(amount, lang)


# -- the planners' workbook (Chinese) ------------------------------------------------------------------------

UNITS = ("sets", "days", "yuan", "hours", "trainees", "teachers")
ESTIMATES = ("ranging", "displaced", "re-solve", "not-evaluated")


def unit_text(unit: str, lang: str = "zh") -> str:
    """A column's unit as the reader's language writes it (套, 天, 元 …; a share has none shown)."""
    return msg(f"asm.unit.{unit}", lang) if unit in UNITS else ("" if unit == "fraction" else unit)


def estimate_text(estimate: str, lang: str = "zh") -> str:
    return msg(f"asm.est.{estimate}", lang) if estimate in ESTIMATES else estimate


def _num(v: float, digits: int = 0) -> object:
    """A finite number for a cell, or '' (xlsxwriter refuses NaN and infinity)."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    return round(f, digits) if math.isfinite(f) else ""


def _wan_cell(v: float) -> object:
    """Yuan as 万元 for a cell; an infeasible end says so."""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return ""
    if math.isinf(f):
        return msg("asm.xlsx.infeasible", "zh")
    return round(f / 10_000, 2) if math.isfinite(f) else ""


def write_assumptions_xlsx(report: AssumptionReport, path, top: int) -> None:
    """assumptions.xlsx for planners, in Chinese: how to read it, every assumption ranked, the top ``top``
    re-solved at both ends, and each prefecture's list to check before submitting."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    try:
        f = {"title": book.add_format({"bold": True, "font_size": 14}),
             "head": book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                      "valign": "vcenter", "align": "center"}),
             "text": book.add_format({"valign": "top", "border": 1}),
             "num": book.add_format({"num_format": "#,##0.##", "valign": "top", "border": 1}),
             "note": book.add_format({"text_wrap": True, "valign": "top"}),
             "wrap": book.add_format({"text_wrap": True, "valign": "top", "border": 1})}
        _readme_sheet(book, f, report, top)
        t = report.table
        _list_sheet(book, f, msg("asm.xlsx.sheet_all", "zh"), [
            ("asm.xlsx.rank", 6), ("asm.xlsx.name", 36), ("asm.xlsx.what", 12), ("asm.xlsx.value", 9),
            ("asm.xlsx.unit", 6), ("asm.xlsx.low", 9), ("asm.xlsx.high", 9), ("asm.xlsx.sensitivity", 12),
            ("asm.xlsx.estimate", 14), ("asm.xlsx.shadow", 11), ("asm.xlsx.holds", 14), ("asm.xlsx.stable", 16),
            ("asm.xlsx.trainees", 9), ("asm.xlsx.table", 14), ("asm.xlsx.key", 12), ("asm.xlsx.basis", 50),
            ("asm.xlsx.source", 50)],
            [[int(r.rank), r.name, msg(f"asm.col.{r.table}.{r.column}", "zh"), _value(r), unit_text(r.unit),
              _value(r, r.source_range_low), _value(r, r.source_range_high), _wan_cell(r.sensitivity),
              estimate_text(r.estimate), _num(r.shadow_price, 2),
              _interval(r.holds_from, r.holds_to), _interval(r.stable_price_low, r.stable_price_high, 2),
              _num(r.trainees), f"{r.table}.csv", r.key, r.basis, r.source] for r in t.itertuples()], f, printed=15)
        head = t.head(top)
        _list_sheet(book, f, msg("asm.xlsx.sheet_top", "zh"), [
            ("asm.xlsx.rank", 6), ("asm.xlsx.name", 34), ("asm.xlsx.what", 12), ("asm.xlsx.value", 9),
            ("asm.xlsx.low", 9), ("asm.xlsx.delta_low", 12), ("asm.xlsx.counties", 8), ("asm.xlsx.schools", 8),
            ("asm.xlsx.changes_low", 50), ("asm.xlsx.high", 9), ("asm.xlsx.delta_high", 12),
            ("asm.xlsx.counties", 8), ("asm.xlsx.schools", 8), ("asm.xlsx.changes_high", 50)],
            [[int(r.rank), r.name, msg(f"asm.col.{r.table}.{r.column}", "zh"), _value(r),
              _value(r, r.source_range_low), _wan_cell(r.delta_low), _num(r.counties_low), _num(r.schools_low),
              r.changes_low, _value(r, r.source_range_high), _wan_cell(r.delta_high), _num(r.counties_high),
              _num(r.schools_high), r.changes_high] for r in head.itertuples()], f, row_height=62)
        p = report.by_prefecture
        _list_sheet(book, f, msg("asm.xlsx.sheet_prefectures", "zh"), [
            ("asm.xlsx.prefecture", 10), ("asm.xlsx.rank", 6), ("asm.xlsx.name", 48), ("asm.xlsx.what", 12),
            ("asm.xlsx.value", 9), ("asm.xlsx.unit", 6), ("asm.xlsx.low", 9), ("asm.xlsx.high", 9),
            ("asm.xlsx.score", 12), ("asm.xlsx.global_rank", 8)],
            [[r.prefecture_name, int(r.rank), r.name, msg(f"asm.col.{r.table}.{r.column}", "zh"), _value(r),
              unit_text(r.unit), _value(r, r.source_range_low), _value(r, r.source_range_high),
              _wan_cell(r.score), int(r.global_rank)] for r in p.itertuples()], f)
    finally:
        book.close()


def _value(r, v=None) -> object:
    """A value as planners read it: a share as a percentage text, other numbers as numbers."""
    v = r.value if v is None else v
    if r.table == "profession_focus":
        return f"{float(v):.1%}" if v == v else ""
    return _num(v, 2)


def _interval(low: float, high: float, digits: int = 0) -> str:
    if not (low == low and high == high):  # NaN: not applicable
        return ""
    fmt = f"{{:,.{digits}f}}"
    lo = fmt.format(low) if math.isfinite(low) else "−∞"
    hi = fmt.format(high) if math.isfinite(high) else "∞"
    return f"{lo} – {hi}"


def _readme_sheet(book, f, report: AssumptionReport, top: int) -> None:
    ws = book.add_worksheet(msg("asm.xlsx.sheet_readme", "zh"))
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, msg("asm.xlsx.title", "zh"), f["title"])
    lines = [(msg("asm.xlsx.scenario", "zh"), report.scenario), (msg("asm.xlsx.input_id", "zh"), report.input_id),
             (msg("asm.xlsx.objective", "zh"), _wan(report.objective, "zh")),
             (msg("asm.xlsx.count", "zh"), f"{len(report.table):,}"),
             *[(msg(f"asm.xlsx.how{i}_label", "zh"), msg(f"asm.xlsx.how{i}", "zh", top=top)) for i in range(1, 6)]]
    for i, (k, v) in enumerate(lines, start=2):
        ws.write_string(i, 0, k, f["head"])
        ws.write_string(i, 1, v, f["note"])
        ws.set_row(i, 15 * max(1, -(-len(v) // 55)) + 4)
    ws.fit_to_pages(1, 0)
    ws.set_landscape()
    ws.set_paper(9)


def _list_sheet(book, f, name: str, headers: list[tuple[str, int]], rows: list[list[object]], fmts,
                printed: int | None = None, row_height: int | None = None) -> None:
    """A plain list sheet: a header row repeated on every printed page, frozen, filters, A4 landscape; only the
    first ``printed`` columns are printed (the long basis and source texts stay on screen)."""
    ws = book.add_worksheet(name)
    for j, (key, width) in enumerate(headers):
        ws.write_string(0, j, msg(key, "zh"), fmts["head"])
        ws.set_column(j, j, width)
    ws.set_row(0, 32)
    text = fmts["wrap"] if row_height else fmts["text"]
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v, fmts["num"])
            else:
                ws.write_string(i, j, "" if v is None or v != v else str(v), text)
        if row_height:
            ws.set_row(i, row_height)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)
    ws.print_area(0, 0, max(1, len(rows)), (printed or len(headers)) - 1)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)


# -- Monte Carlo: the assumed numbers drawn within their sourced ranges (sweep --samples N) ----------------------

# What a sample draws: quantities the model reads. Not drawn: institutions' platform_teachers / siyb_trainers
# (conditions, > 0, not quantities: a draw would switch R15 / R16 on for an institution the data leaves out) and
# courses.max_class_size (the whole-class rounding needs a class of at least 2·min_class_size − 1; a smaller draw
# tests the rounding, not the plan).
DRAWN = {"offers": ("equipment_sets", "days_available", "price_per_trainee"), "courses": ("class_hours",),
         "focus": ("share",)}
RANGE_TABLE = {"offers": "offers", "courses": "courses", "focus": "profession_focus"}
BASELINE_SAMPLE = -1  # the point of a Monte Carlo sweep that keeps every value (the reference)


def draw_plan(plan, seed: int, sample: int):
    """A copy of ``plan`` with every drawn assumed number replaced by a triangular draw over its sourced range
    (tightened by the notice's rules) with its shipped value as the mode; whole numbers rounded; each
    prefecture's focus shares renormalised to sum to 1. ``sample`` = ``BASELINE_SAMPLE``: the plan unchanged.
    The draws depend only on (seed, sample): a sample is the same on any worker."""
    import copy

    if sample == BASELINE_SAMPLE:
        return plan
    spans = _spans(plan.assumption_ranges)
    rng = np.random.default_rng([int(seed), int(sample)])
    out = copy.copy(plan)
    for attr, columns in DRAWN.items():
        frame = getattr(plan, attr).copy()
        table = RANGE_TABLE[attr]
        for column in columns:
            if (table, column) not in spans:
                continue
            values = frame[column].astype(float).to_numpy()
            low, high, _, _ = _range(spans, table, column)
            lows, highs = np.full(len(frame), low), np.full(len(frame), high)
            if table == "courses":  # the notice's rules tighten a course's range (R6 hours)
                for i, (_, row) in enumerate(frame.iterrows()):
                    lows[i], highs[i], _, _ = _range(spans, table, column, row)
            mode = np.clip(values, lows, highs)
            wide = highs > lows
            drawn = mode.copy()
            drawn[wide] = rng.triangular(lows[wide], mode[wide], highs[wide])
            if frame[column].dtype.kind in "iu" or column in ("equipment_sets", "days_available", "class_hours"):
                drawn = np.clip(np.rint(drawn), np.ceil(lows), np.floor(highs)).astype(int)
            frame[column] = drawn
        if attr == "focus":
            frame["share"] = frame["share"] / frame.groupby("prefecture_adcode")["share"].transform("sum")
        setattr(out, attr, frame)
    return out


def sample_points(samples: int, seed: int) -> list[dict[str, float]]:
    """The points of a Monte Carlo sweep: the reference (all values kept), then ``samples`` draws."""
    return [{"sample": s, "seed": seed} for s in (BASELINE_SAMPLE, *range(samples))]


def solve_sample(scenario_path: str | None, data: str | None, point: dict) -> dict:
    """Worker: one sample's LP relaxation through the pipeline (``run_sensitivity``: persons, not whole classes);
    its objective and terms with each county's trainees and each school's trainees by county (plain data, cached
    like any sweep point). An LP without an optimum is the sample's ``infeasible``."""
    import os

    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.pipeline import prepare, run_sensitivity, sensitivity_identity

    scenario = load_scenario(scenario_path) if scenario_path else default_scenario()
    plan = draw_plan(load_plan(data if data else scenario.data_dir), int(point["seed"]), int(point["sample"]))
    try:
        run = run_sensitivity(scenario, plan=plan)
    except RuntimeError as exc:
        _, applied, params, _ = prepare(scenario, plan=plan)
        return {"status": "infeasible", "figures": {}, "message": str(exc), "worker": os.getpid(),
                "input_id": sensitivity_identity(applied, params)}
    county, school_county = run.ranging.base
    x = run.ranging.col_value
    terms = {name: round(float(coef @ x), 2) for name, coef in run.ranging.solved.term_costs.items()}
    school: dict[str, dict[str, float]] = {}
    for (s, c), n in school_county.items():
        if abs(n) > 1e-6:
            school.setdefault(str(s), {})[str(c)] = round(float(n), 3)
    figures = {"objective": round(run.ranging.objective, 2), **terms,
               "county": {str(c): round(float(n), 3) for c, n in county.items()}, "school": school}
    return {"status": "optimal", "figures": figures, "message": "", "worker": os.getpid(), "input_id": run.input_id}


def sample_identity(scenario_path: str | None, data: str | None, point: dict, plan=None) -> str:
    """The cache key of a sample: the input_id of its drawn plan (what the worker computes again)."""
    from optimizer.data.loader import load_plan
    from optimizer.data.scenario import default_scenario, load_scenario
    from optimizer.pipeline import prepare, sensitivity_identity

    scenario = load_scenario(scenario_path) if scenario_path else default_scenario()
    plan = plan if plan is not None else load_plan(data if data else scenario.data_dir)
    drawn = draw_plan(plan, int(point["seed"]), int(point["sample"]))
    _, applied, params, _ = prepare(scenario, plan=drawn)
    return sensitivity_identity(applied, params)


@dataclass
class Variability:
    """How a Monte Carlo sweep's plans differ from the reference: per county, per school, and overall."""

    samples: int
    feasible: int
    counties: pd.DataFrame  # adcode, county, baseline, changed_share, mean_abs_change, max_abs_change, p05, p95
    schools: pd.DataFrame  # school, baseline, changed_share, mean_moved, max_moved

    @property
    def feasible_share(self) -> float:
        return self.feasible / self.samples if self.samples else 0.0


def variability(results: list, names: dict[str, str] | None = None) -> Variability:
    """Per county the share of feasible samples whose trainees differ from the reference (by at least one),
    the mean and largest change and the 5th/95th percentiles; per school the trainees it moves between counties
    (half the sum of |change| over counties); the share of samples that stay feasible."""
    names = names or {}
    base = next((r for r in results if r.point.get("sample") == BASELINE_SAMPLE), None)
    draws = [r for r in results if r.point.get("sample") != BASELINE_SAMPLE]
    ok = [r for r in draws if r.status == "optimal" and "county" in r.figures]
    if base is None or base.status != "optimal" or "county" not in base.figures:
        empty = pd.DataFrame()
        return Variability(len(draws), len(ok), empty, empty)
    b = pd.Series(base.figures["county"], dtype=float)
    counties = sorted(set(b.index).union(*(r.figures["county"] for r in ok)))
    values = pd.DataFrame([{c: r.figures["county"].get(c, 0) for c in counties} for r in ok],
                          columns=counties, dtype=float)
    b = b.reindex(counties, fill_value=0.0)
    delta = values - b if len(values) else pd.DataFrame(columns=counties, dtype=float)
    county = pd.DataFrame({
        "adcode": counties, "county": [names.get(c, c) for c in counties],
        "baseline": b.to_numpy(),
        "changed_share": (delta.abs() >= 1).mean().reindex(counties).to_numpy() if len(ok) else np.nan,
        "mean_abs_change": delta.abs().mean().reindex(counties).to_numpy() if len(ok) else np.nan,
        "max_abs_change": delta.abs().max().reindex(counties).to_numpy() if len(ok) else np.nan,
        "p05": values.quantile(0.05).reindex(counties).to_numpy() if len(ok) else np.nan,
        "p95": values.quantile(0.95).reindex(counties).to_numpy() if len(ok) else np.nan})
    county = county.sort_values(["changed_share", "mean_abs_change"], ascending=False).reset_index(drop=True)
    base_school = base.figures.get("school", {})
    rows = []
    for school in sorted(set(base_school).union(*(r.figures.get("school", {}) for r in ok))):
        ref = base_school.get(school, {})
        moved = []
        for r in ok:
            cur = r.figures.get("school", {}).get(school, {})
            keys = set(ref) | set(cur)
            moved.append(sum(abs(cur.get(k, 0) - ref.get(k, 0)) for k in keys) / 2)
        moved_arr = np.asarray(moved, dtype=float)
        rows.append({"school": school, "name": names.get(school, school), "baseline": sum(ref.values()),
                     "changed_share": float((moved_arr >= 1).mean()) if len(moved_arr) else np.nan,
                     "mean_moved": float(moved_arr.mean()) if len(moved_arr) else np.nan,
                     "max_moved": float(moved_arr.max()) if len(moved_arr) else np.nan})
    school = pd.DataFrame(rows).sort_values(["changed_share", "mean_moved"], ascending=False).reset_index(drop=True)
    return Variability(len(draws), len(ok), county, school)
