"""Lot design: the allocation's subsidised technical-school demand cut into as few lots as possible such that
every lot has at least ``min_suppliers`` qualified schools wherever the province has them.

Only the subsidised part of a school's quota is procured: the note under Annex 2 says the quotas include
the schools' self-organised social training (share per school in ``data/subsidised_share.csv``).

A lot lies inside one area (a prefecture by default; its bureau is the buyer) and one profession group
(the procurement item, 品目). Location never affects who qualifies (R4), so the only thing that can make a
lot thin is its course list: a school must be able to deliver every course of the lot. The courses of an
(area, group) are therefore packed greedily into parts whose common qualified set keeps at least
``min_suppliers`` schools; courses that fewer schools in the province can teach get their own lot (all such
courses with the same qualified schools together), which then carries its exception and lawful route.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution
from optimizer.procurement.eligibility import Qualification
from optimizer.procurement.tables import ProcurementTables

LOT_COLUMNS = ["lot", "area", "area_name", "group", "group_name", "courses", "course_names", "course_mix",
               "trainees", "classes", "counties", "date"]


def subsidised_demand(problem: AllocationProblem, solution: Solution, tables: ProcurementTables) -> pd.DataFrame:
    """Per (school, county, course) of the allocation: trainees and the subsidised part (rounded half up)."""
    a = solution.school_allocation[["school_code", "adcode", "course_code", "trainees"]].copy()
    share = a["school_code"].map(tables.share).astype(float)
    a["subsidised"] = np.floor(a["trainees"].to_numpy() * share.to_numpy() + 0.5).astype(int)
    a["prefecture"] = a["adcode"].map(problem.counties.set_index("adcode")["prefecture_adcode"])
    a["group"] = a["course_code"].map(problem.courses.set_index("code")["group"])
    return a


def parse_mix(text: object) -> dict[str, int]:
    """'k11:300;k12:200' → {'k11': 300, 'k12': 200}."""
    out: dict[str, int] = {}
    for part in str(text or "").split(";"):
        if ":" in part:
            k, v = part.rsplit(":", 1)
            out[k.strip()] = int(float(v))
    return out


def format_mix(mix: dict[str, int]) -> str:
    return ";".join(f"{k}:{v}" for k, v in mix.items())


def partition_courses(courses: list[str], qualified: dict[str, frozenset[str]], minimum: int) -> list[list[str]]:
    """Fewest parts (greedy best fit) whose common qualified schools number ≥ ``minimum``; courses that cannot
    reach it alone are grouped only with courses sharing exactly the same qualified schools."""
    rich = sorted((k for k in courses if len(qualified[k]) >= minimum), key=lambda k: (len(qualified[k]), k))
    thin = [k for k in courses if len(qualified[k]) < minimum]
    parts: list[tuple[list[str], frozenset[str]]] = []
    for k in rich:
        best, best_size = None, -1
        for i, (_, common) in enumerate(parts):
            size = len(common & qualified[k])
            if size >= minimum and size > best_size:
                best, best_size = i, size
        if best is None:
            parts.append(([k], qualified[k]))
        else:
            members, common = parts[best]
            parts[best] = ([*members, k], common & qualified[k])
    by_set: dict[frozenset[str], list[str]] = {}
    for k in thin:
        by_set.setdefault(qualified[k], []).append(k)
    return [sorted(p) for p, _ in parts] + [sorted(v) for v in by_set.values()]


def design_lots(demand: pd.DataFrame, q: Qualification, qualified_matrix: np.ndarray, problem: AllocationProblem,
                minimum: int, area: str, date, thin: str = "province") -> pd.DataFrame:
    """Lots from the subsidised demand (see the module docstring).

    ``thin="province"`` buys the courses that fewer than ``minimum`` schools can teach in one province-wide lot
    per (group, qualified schools) — a joint purchase for every prefecture — instead of one thin lot in each
    area: the same schools would be the only candidates everywhere, so separate lots add exceptions, not
    competition. ``thin="area"`` keeps them in their areas.
    """
    codes = q.schools["code"].to_numpy()
    qualified = {k: frozenset(codes[qualified_matrix[:, i]]) for i, k in enumerate(q.courses["code"])}
    size = dict(zip(q.courses["code"], q.courses["class_size"], strict=True))
    d = demand[demand["subsidised"] > 0]
    key = "prefecture" if area == "prefecture" else "adcode"
    items: dict[tuple[str, str], dict[str, dict[str, int]]] = {}  # (area, group) → course → county → trainees
    for where, group, course, county, n in zip(d[key].tolist(), d["group"].tolist(), d["course_code"].tolist(),
                                               d["adcode"].tolist(), d["subsidised"].tolist(), strict=True):
        cell = items.setdefault((where, group), {}).setdefault(course, {})
        cell[county] = cell.get(county, 0) + int(n)
    pieces: list[tuple[str, str, dict[str, dict[str, int]]]] = []
    pooled: dict[tuple[str, frozenset[str]], dict[str, dict[str, int]]] = {}
    for (where, group) in sorted(items):
        by_course = items[(where, group)]
        for part in partition_courses(sorted(by_course), qualified, minimum):
            if thin == "province" and len(qualified[part[0]]) < minimum:
                pool = pooled.setdefault((group, qualified[part[0]]), {})
                for k in part:
                    for county, n in by_course[k].items():
                        pool.setdefault(k, {})[county] = pool.get(k, {}).get(county, 0) + n
            else:
                pieces.append((where, group, {k: by_course[k] for k in part}))
    for (group, _), pool in sorted(pooled.items(), key=lambda kv: (kv[0][0], sorted(kv[1]))):
        pieces.append((PROVINCE, group, pool))
    return _lot_rows(pieces, size, problem.names, date)


PROVINCE = "530000"


def _lot_rows(pieces, size: dict[str, int], names: dict[str, str], date) -> pd.DataFrame:
    """One row per piece; lot ids L<area>_<group>, numbered when an (area, group) has several lots."""
    count: dict[tuple[str, str], int] = {}
    for where, group, _ in pieces:
        count[(where, group)] = count.get((where, group), 0) + 1
    seen: dict[tuple[str, str], int] = {}
    rows = []
    for where, group, courses in pieces:
        seen[(where, group)] = seen.get((where, group), 0) + 1
        mix = {k: sum(c.values()) for k, c in sorted(courses.items())}
        counties: dict[str, int] = {}
        for c in courses.values():
            for county, n in c.items():
                counties[county] = counties.get(county, 0) + n
        suffix = f"_{seen[(where, group)]}" if count[(where, group)] > 1 else ""
        rows.append({
            "lot": f"L{where}_{group}{suffix}", "area": where,
            "area_name": msg("proc.province") if where == PROVINCE else names.get(where, where),
            "group": group, "group_name": names.get(group, group), "courses": ",".join(mix),
            "course_names": "、".join(names.get(k, k) for k in mix), "course_mix": format_mix(mix),
            "trainees": int(sum(mix.values())),
            "classes": int(sum(math.ceil(v / size[k]) for k, v in mix.items())),
            "counties": format_mix(dict(sorted(counties.items()))), "date": date})
    return pd.DataFrame(rows, columns=LOT_COLUMNS)
