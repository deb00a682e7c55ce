"""Whole classes: persons and classes from one model, then every class placed in a county.

1. **Class MIP on the LP's support.** The LP's course totals w[s,p,k] and v[u,p,k,i] that are positive become
   integer variables with an integer class count n: m·n ≤ w ≤ S·n (R5 and the minimum class), and per
   (institution, course) Σ n ≤ slots = sets × ⌊days / ⌈hours / 8⌉⌋ (R6, R7). Every other row of the LP stays
   (quotas, targets, Annex 4, certificate share, floors, capacity, balance); the LP's zero totals stay zero.
   A solution of this MIP is a plan in whole classes; the LP objective is its lower bound. If the restricted MIP
   is infeasible, every course total is freed (the full class MIP, with the solver's time limit).
2. **Classes into counties.** Each total splits into n classes of near-equal size (all within [m, S] because
   m·n ≤ w ≤ S·n). A school's classes in a prefecture go to the counties where the MIP put its trainees (the
   y values), largest class first, to the county with the largest remaining share, preferring a county that
   does not yet have that profession group; so a county's courses follow the prefecture's mix instead of an
   expansion order. A unit's classes go to its counties by the q values the same way.
3. **R13 (考培分离).** Each class gets an assessor: an evaluator for the course other than the training
   institution, the nearest one; the training institution itself only where it is the province's only
   evaluator for the course. Classes needing another evaluator are reported.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer import rules
from optimizer.model.lp import FLOOR_COLUMN, AllocationModel, Bounds
from optimizer.model.problem import AllocationProblem

TOLERANCE = 1e-6
FAMILIES = ("y", "w", "v", "q")


@dataclass
class ClassPlan:
    """The class MIP's result: integer totals per family, class counts, the solved model, and the method."""

    values: dict[str, np.ndarray]
    counts: dict[str, np.ndarray]  # classes per w / v row
    model: AllocationModel
    method: str
    objective: float
    extra: dict = field(default_factory=dict)


def class_size(problem: AllocationProblem) -> pd.Series:
    """R5: largest class per course (the smaller of the course's own size and the rule's)."""
    c = problem.courses.set_index("code")
    rule = c["certificate_type"].map(rules.max_class_size)
    return np.minimum(c["max_class_size"].astype(int), rule).astype(int)


def class_slots(problem: AllocationProblem) -> pd.Series:
    """R6, R7: classes a year per (institution, course) — capacity in persons over the class size, which is
    sets × ⌊days / ⌈hours / 8⌉⌋ unless a scenario changed the capacity."""
    o = problem.offers.set_index(["institution", "course"])
    return (o["seats"] // o["class_size"].clip(lower=1)).astype(int)


def smallest_class(problem: AllocationProblem, family: str, keys: pd.DataFrame) -> np.ndarray:
    """The smallest class allowed for each row of ``keys`` (w or v): min_class_size and the course's class size,
    but never more than the whole it belongs to — a school quota (w) or an Annex 4 cell (v) smaller than the
    minimum is taught as one smaller class (reported in summary.json)."""
    size = keys["course"].map(class_size(problem)).to_numpy(int)
    m = np.minimum(problem.params.min_class_size, size)
    if family == "w":
        whole = keys["school"].map(problem.schools.set_index("code")["quota"]).to_numpy(float)
    else:
        cells = problem.unit_plans.set_index(["unit", "prefecture"])["trainees"]
        whole = cells.reindex(pd.MultiIndex.from_arrays([keys["unit"], keys["prefecture"]])).to_numpy(float)
    return np.minimum(m, np.nan_to_num(whole, nan=float(problem.params.min_class_size))).astype(int)


def offer_column(problem: AllocationProblem, column: str) -> dict[tuple[str, str], float]:
    """One column of the offers by (institution, course)."""
    o = problem.offers
    return dict(zip(zip(o["institution"].tolist(), o["course"].tolist(), strict=True), o[column].tolist(), strict=True))


def smallest_of(problem: AllocationProblem, family: str) -> np.ndarray:
    """``smallest_class`` of the family's key table, made once per problem."""
    return cached(problem, f"smallest_{family}", lambda: smallest_class(problem, family, problem_keys(problem, family)))


def solve_class_mip(problem: AllocationProblem, lp: dict[str, np.ndarray], solver,
                    lp_model: AllocationModel | None = None, local_solver=None,
                    repaired: ClassPlan | Unrepaired | str | None = "not tried") -> ClassPlan | None:
    """Class-aware rounding of the LP point (unless ``repaired`` holds its outcome already); else the class MIP on
    the LP's support, then wider."""
    if isinstance(repaired, str):
        repaired = repair_rounding(problem, lp, lp_model)
    if isinstance(repaired, ClassPlan):
        return repaired
    if repaired is not None:  # a few totals found no partner: re-decide only their neighbourhood first
        plan = _class_mip(problem, lp, local_solver or solver, "local", repaired, lp_model)
        if plan is not None:
            return plan
    for restrict in ("support", "spare", None):
        plan = _class_mip(problem, lp, solver, restrict)
        if plan is not None:
            return plan
    return CLASSES_INFEASIBLE if _LAST_STATUS.get("full") == pulp.LpStatusInfeasible else None


CLASSES_INFEASIBLE = "infeasible in whole classes"
_LAST_STATUS: dict[str, int] = {}


def free_rows(problem: AllocationProblem, lp: dict[str, np.ndarray], restrict: str | None) -> dict[str, np.ndarray]:
    """Which course totals the class MIP may use: the LP's positive ones ("support"); those plus every total at
    an (institution, course) with at least one class of room left in the LP ("spare"); or all (None)."""
    keys = {"w": problem.w_keys.rename(columns={"school": "institution"}), "v": problem.v_keys}
    positive = {f: lp[f] > TOLERANCE for f in ("w", "v")}
    if restrict is None:
        return {f: np.ones(len(lp[f]), dtype=bool) for f in ("w", "v")}
    if restrict == "support":
        return positive
    used = pd.concat([keys[f].assign(x=lp[f]) for f in ("w", "v")]).groupby(["institution", "course"])["x"].sum()
    o = problem.offers.set_index(["institution", "course"])
    room = (o["capacity"] - used.reindex(o.index, fill_value=0.0)) >= o["class_size"]
    out = {}
    for f in ("w", "v"):
        idx = pd.MultiIndex.from_arrays([keys[f]["institution"], keys[f]["course"]])
        out[f] = positive[f] | room.reindex(idx, fill_value=False).to_numpy()
    return out


def course_kinds(problem: AllocationProblem) -> dict[str, tuple[bool, bool, bool]]:
    """What each course counts for: (advanced, certificate-class, 培训合格证书)."""
    c = problem.courses
    qualification = c["certificate_type"] == rules.QUALIFICATION_CERTIFICATE_TYPE
    return {code: (bool(a), bool(b), bool(q)) for code, a, b, q in
            zip(c["code"], c["advanced"], c["certificate_class"], qualification, strict=True)}


class Rows:
    """A course-total key table as plain Python lists (pandas' Arrow strings are slow to read one at a time, and
    rounding reads them in loops): institution, course, prefecture, each row's offer and cell, and the cell as an
    integer code (rows of one cell compare equal)."""

    def __init__(self, keys: pd.DataFrame, cell: list[str]):
        self.institution = keys["institution"].tolist()
        self.course = keys["course"].tolist()
        self.prefecture = keys["prefecture"].tolist()
        self.offer = list(zip(self.institution, self.course, strict=True))
        self._cell_columns = [keys[c] for c in cell]
        self.cell_code = keys.groupby(cell, sort=False).ngroup().to_numpy() if len(keys) else np.zeros(0, int)
        self._cells: list[tuple] | None = None

    @property
    def cells(self) -> list[tuple]:
        """Each row's cell as a tuple (made when a swap first needs it)."""
        if self._cells is None:
            self._cells = list(zip(*(c.tolist() for c in self._cell_columns), strict=True))
        return self._cells

    def same_cell(self, i: int) -> np.ndarray:
        """Rows in row i's cell."""
        return self.cell_code == self.cell_code[i]


# Derived values that depend only on what a re-solve cannot change (key tables, courses, quotas, Annex 4 cells,
# prices, min_class_size: model/resolve.py ``reusable``); a problem derived by ``with_settings`` shares them with
# the problem it came from instead of making them again (issue 19: ~0.05 s of a workspace re-solve). Slots, seats
# and capacity follow capacity changes and are made per problem.
STRUCTURAL = ("rows_w", "rows_v", "kinds", "size", "price", "smallest_w", "smallest_v")


def cached(problem: AllocationProblem, name: str, make):
    """A value derived from ``problem`` alone, made once per problem (rounding and the dive ask for the same key
    lists, class sizes and slots several times in one solve); a STRUCTURAL one once per structure."""
    store = problem.__dict__.setdefault("_structural" if name in STRUCTURAL else "_derived", {})
    if name not in store:
        store[name] = make()
    return store[name]


def rows_of(problem: AllocationProblem, family: str) -> Rows:
    """The w or v key table as plain lists, cells by (school, prefecture) or (unit, prefecture)."""
    def make() -> Rows:
        if family == "w":
            return Rows(problem.w_keys.rename(columns={"school": "institution"}), ["institution", "prefecture"])
        return Rows(problem.v_keys, ["unit", "prefecture"])
    return cached(problem, f"rows_{family}", make)


def _grow(values: np.ndarray, i: int, same: np.ndarray, k: Rows, smallest: np.ndarray,
          courses: dict, size: pd.Series, seats: pd.Series, slots: pd.Series,
          used: dict, classes: dict) -> bool:
    """The reverse move: total i (below the minimum) takes what it lacks from another total of the same cell whose
    course it covers (so every floor and cap still holds) and which stays at or above its own minimum."""
    need = int(smallest[i] - values[i])
    key_i = k.offer[i]
    if used[key_i] + need > seats.get(key_i, 0):
        return False
    kind_i = courses[key_i[1]]
    for j in np.flatnonzero(same & (values > 0)):
        if j == i or not _covers(kind_i, courses[k.course[j]]):
            continue
        if values[j] - need < smallest[j]:
            continue
        key_j = k.offer[j]
        values[j] -= need
        values[i] += need
        used[key_j] -= need
        used[key_i] += need
        classes[key_j] = classes[key_j] - math.ceil((values[j] + need) / size[key_j[1]]) + math.ceil(
            values[j] / size[key_j[1]])
        return True
    return False


def _swap(values: np.ndarray, i: int, same: np.ndarray, k: Rows, smallest: np.ndarray,
          courses: dict, mix: MixRoom | None, size: pd.Series, slots: pd.Series, classes: dict) -> bool:
    """The move across cells, for a small total at a full offer: its x trainees go to a partner course j of the
    same kind in its cell (so no floor or cap moves; the profession mix stays in its bands), and another cell
    that uses both offers moves x trainees the other way (j → i's offer). Every offer keeps its usage (so its
    capacity) and every cell its total; only class counts are rechecked."""
    x = int(values[i])
    offer, cells = k.offer, k.cells
    kind_i = courses[offer[i][1]]
    by_cell_offer = {(cells[n], offer[n]): n for n in np.flatnonzero(values > 0)}
    for j in np.flatnonzero(same & (values > 0)):
        if j == i or courses[offer[j][1]] != kind_i:
            continue
        for (c2, o2), j2 in sorted(by_cell_offer.items(), key=lambda kv: kv[1]):
            if c2 == cells[i] or o2 != offer[j] or values[j2] - x < smallest[j2]:
                continue
            i2 = by_cell_offer.get((c2, offer[i]))
            if i2 is None or values[i2] < smallest[i2]:
                continue
            before = {o: classes.get(o, 0) for o in (offer[i], offer[j])}
            s_i, s_j = size[offer[i][1]], size[offer[j][1]]
            d_i = math.ceil((values[i2] + x) / s_i) - math.ceil(values[i2] / s_i) - 1
            d_j = math.ceil((values[j] + x) / s_j) - math.ceil(values[j] / s_j) + math.ceil(
                (values[j2] - x) / s_j) - math.ceil(values[j2] / s_j)
            if before[offer[i]] + d_i > slots.get(offer[i], 0) or before[offer[j]] + d_j > slots.get(offer[j], 0):
                continue
            if mix is not None:
                p1, p2 = k.prefecture[i], k.prefecture[j2]
                if not (mix.allows(p1, offer[i][1], offer[j][1], x) and mix.allows(p2, offer[j][1], offer[i][1], x)):
                    continue
                mix.move(p1, offer[i][1], offer[j][1], x)
                mix.move(p2, offer[j][1], offer[i][1], x)
            values[i] -= x
            values[i2] += x
            values[j] += x
            values[j2] -= x
            classes[offer[i]] = before[offer[i]] + d_i
            classes[offer[j]] = before[offer[j]] + d_j
            return True
    return False


class MixRoom:
    """The profession-mix rows (7) of the school programme as room to move: each (prefecture, group) total of the
    rounded plan and its band ⌊(f − τ)·T⌋..⌈(f + τ)·T⌉, so a move between groups is taken only if it keeps both
    groups inside their bands (no mix slack appears)."""

    def __init__(self, problem: AllocationProblem, values: np.ndarray):
        group = dict(zip(problem.courses["code"], problem.courses["group"], strict=True))
        rows = rows_of(problem, "w")
        self.group = group
        self.total: Counter = Counter()
        for i in np.flatnonzero(values > 0).tolist():
            self.total[(rows.prefecture[i], group[rows.course[i]])] += int(values[i])
        tau = problem.params.mix_tolerance
        target = dict(zip(problem.targets["prefecture"], problem.targets["target"], strict=True))
        focus = {(r.prefecture, r.group): r.share for r in problem.focus.itertuples()}
        self.low = {(p, g): math.floor((focus.get((p, g), 0.0) - tau) * t) for p, t in target.items()
                    for g in set(group.values())}
        self.high = {(p, g): math.ceil((focus.get((p, g), 0.0) + tau) * t) for p, t in target.items()
                     for g in set(group.values())}

    def allows(self, prefecture: str, course_from: str, course_to: str, n: int) -> bool:
        """Whether n trainees may move from one course to another in a prefecture without mix slack."""
        a, b = self.group[course_from], self.group[course_to]
        if a == b:
            return True
        return (self.total[(prefecture, a)] - n >= self.low.get((prefecture, a), -math.inf)
                and self.total[(prefecture, b)] + n <= self.high.get((prefecture, b), math.inf))

    def slack_change(self, prefecture: str, course_from: str, course_to: str, n: int) -> int:
        """How many trainees more (positive) or fewer the two groups' bands would be exceeded by after the move."""
        a, b = self.group[course_from], self.group[course_to]
        if a == b:
            return 0

        def beyond(g: str, total: int) -> int:
            key = (prefecture, g)
            return max(0, self.low.get(key, -math.inf) - total) + max(0, total - self.high.get(key, math.inf))

        ta, tb = self.total[(prefecture, a)], self.total[(prefecture, b)]
        return int(beyond(a, ta - n) + beyond(b, tb + n) - beyond(a, ta) - beyond(b, tb))

    def move(self, prefecture: str, course_from: str, course_to: str, n: int) -> None:
        self.total[(prefecture, self.group[course_from])] -= n
        self.total[(prefecture, self.group[course_to])] += n


def _margin_moves(problem: AllocationProblem, failed: dict[str, list[int]], keys: dict[str, Rows],
                  values: dict[str, np.ndarray], courses: dict, mix: dict, size: pd.Series, capacity: pd.Series,
                  seats: pd.Series, price: pd.Series, slots: pd.Series, used: dict, classes: dict) -> int | None:
    """Every total the other moves left below the minimum, moved with ``_margin_move`` — all of them, or none (the
    state is then untouched, so the class MIP starts from a point inside the LP's capacities). Returns the persons
    placed beyond the capacities."""
    w = problem.params.weights
    weights = (w.cost, w.mix * problem.params.mix_penalty)
    trial = {f: v.copy() for f, v in values.items()}
    used_t, classes_t = dict(used), dict(classes)
    mix_t = {f: copy.deepcopy(m) for f, m in mix.items()}
    over = 0
    for f in ("w", "v"):
        k = keys[f]
        smallest = np.maximum(smallest_of(problem, f), floor_of(problem_keys(problem, f)))
        for i in failed[f]:
            same = k.same_cell(i)
            extra = _margin_move(trial[f], i, same, k, smallest, courses, mix_t[f], size, capacity, seats, price,
                                 slots, used_t, classes_t, weights)
            if extra is None:
                return None
            over += extra
    for f in values:
        values[f][:] = trial[f]
    used.update(used_t)
    classes.update(classes_t)
    return over


def _no_saving(cost_change: float, mix: MixRoom | None, prefecture: str, course_from: str, course_to: str, n: int,
               weights: tuple[float, float]) -> bool:
    """Whether a move into the class_fill margin leaves the objective at least where it was: its cost change plus
    the profession-mix penalty it adds or removes (travel, bands and balance do not move: the counties stay)."""
    w_cost, w_mix_penalty = weights
    slack = 0 if mix is None else mix.slack_change(prefecture, course_from, course_to, n)
    return w_cost * cost_change + w_mix_penalty * slack >= 0


def _margin_move(values: np.ndarray, i: int, same: np.ndarray, k: Rows, smallest: np.ndarray,
                 courses: dict, mix: MixRoom | None, size: pd.Series, capacity: pd.Series, seats: pd.Series,
                 price: pd.Series, slots: pd.Series, used: dict, classes: dict,
                 weights: tuple[float, float] = (1.0, 0.0)) -> int | None:
    """Last resort of rounding, for a small total whose cell has no partner with capacity to spare: a move inside
    the cell that may use the class_fill margin (the seats beyond the plan's capacity, still within R5–R7's class
    slots) but never lowers the objective — to a course that counts for at least the same columns where the price
    difference and any profession-mix penalty the move adds are not a saving (the small total joins it), or from
    such a course (the small total grows to a minimum class). The LP objective stays a lower bound of the plan.
    Returns the persons placed beyond the capacity (reported), or None when no such move exists."""
    x = int(values[i])
    key_i = k.offer[i]
    for j in np.flatnonzero(same & (values > 0)):
        key_j = k.offer[j]
        if j == i:
            continue
        pref = k.prefecture[i]
        s_j, now = size[key_j[1]], int(values[j])
        extra = math.ceil((now + x) / s_j) - math.ceil(now / s_j)
        if (_covers(courses[key_j[1]], courses[key_i[1]])
                and _no_saving(x * (price[key_j] - price[key_i]), mix, pref, key_i[1], key_j[1], x, weights)
                and used[key_j] + x <= seats[key_j] and classes[key_j] + extra <= slots.get(key_j, 0)):
            if mix is not None:
                mix.move(pref, key_i[1], key_j[1], x)
            values[j] += x
            values[i] = 0
            used[key_j] += x
            used[key_i] -= x
            classes[key_j] += extra
            classes[key_i] -= 1
            return max(0, used[key_j] - int(capacity[key_j])) - max(0, used[key_j] - x - int(capacity[key_j]))
        need = int(smallest[i]) - x
        fewer = math.ceil((now - need) / s_j) - math.ceil(now / s_j)
        if (_covers(courses[key_i[1]], courses[key_j[1]])
                and _no_saving(need * (price[key_i] - price[key_j]), mix, pref, key_j[1], key_i[1], need, weights)
                and now - need >= smallest[j] and used[key_i] + need <= seats[key_i]):
            if mix is not None:
                mix.move(pref, key_j[1], key_i[1], need)
            values[j] -= need
            values[i] += need
            used[key_j] -= need
            used[key_i] += need
            classes[key_j] += fewer
            return max(0, used[key_i] - int(capacity[key_i])) - max(0, used[key_i] - need - int(capacity[key_i]))
    return None


def _covers(new: tuple[bool, bool, bool], old: tuple[bool, bool, bool]) -> bool:
    """Moving trainees from a course of kind ``old`` to ``new`` keeps every floor (advanced, certificate-class,
    R1) and the 培训合格证书 cap."""
    return new[0] >= old[0] and new[1] >= old[1] and new[2] <= old[2]


@dataclass
class Unrepaired:
    """Where class-aware rounding got stuck: the totals (w, v positions) that found no partner, and the integer
    totals after every move that did succeed (each move kept every row of the LP)."""

    failed: dict[str, list[int]]
    values: dict[str, np.ndarray]


def repair_rounding(problem: AllocationProblem, lp: dict[str, np.ndarray],
                    model: AllocationModel | None = None) -> ClassPlan | Unrepaired | None:
    """Class-aware rounding of a whole-person LP point: every course total below the minimum class moves to another
    course total of the same school and prefecture (or unit, prefecture and certificate status) that counts for the
    same or stronger columns (advanced, certificate-class; not 培训合格证书 unless it was) and has capacity and class
    slots to spare, so every quota,
    target, Annex 4 cell, floor, cap and certificate share is unchanged. None when the LP point is not whole or the
    class slots are already short; ``Unrepaired`` when some totals find no partner (the class MIP then decides)."""
    if any((np.abs(v - np.round(v)) > TOLERANCE).any() for v in lp.values()):
        return None
    size = cached(problem, "size", lambda: class_size(problem).to_dict())
    slots = cached(problem, "slots", lambda: class_slots(problem).to_dict())
    courses = cached(problem, "kinds", lambda: course_kinds(problem))
    # persons within the LP's capacity (class_fill × seats), not the seats: a plan that used the class_fill margin
    # would leave the LP's feasible set, and the LP objective would no longer bound it (issue 13)
    seats = capacity = cached(problem, "capacity", lambda: offer_column(problem, "capacity"))
    seats_all = cached(problem, "seats", lambda: offer_column(problem, "seats"))
    price = cached(problem, "price", lambda: offer_column(problem, "price"))
    values = {f: np.round(v).astype(np.int64) for f, v in lp.items()}
    keys = {f: rows_of(problem, f) for f in ("w", "v")}
    used: dict[tuple[str, str], int] = {}
    classes: dict[tuple[str, str], int] = {}
    for f in ("w", "v"):
        offer = keys[f].offer
        for i in np.flatnonzero(values[f] > 0).tolist():
            key, x = offer[i], int(values[f][i])
            used[key] = used.get(key, 0) + x
            classes[key] = classes.get(key, 0) + -(-x // size[key[1]])
    if any(n > slots.get(key, 0) for key, n in classes.items()):
        return None
    moves = margin = 0
    failed: dict[str, list[int]] = {"w": [], "v": []}
    mix: dict[str, MixRoom | None] = {"w": MixRoom(problem, values["w"]), "v": None}  # rows (7) bind schools only
    for f in ("w", "v"):
        k = keys[f]
        # a total never goes below a re-plan's done classes: those totals stay, and others give no more than down
        # to their floor (the floor counts as the total's smallest size)
        floor = floor_of(problem_keys(problem, f))
        smallest = np.maximum(smallest_of(problem, f), floor)
        for i in np.flatnonzero((values[f] > 0) & (values[f] < smallest) & (floor == 0)):
            x, (inst, course) = int(values[f][i]), k.offer[i]
            same = k.same_cell(i)
            partner = None
            for j in np.flatnonzero(same & (values[f] > 0)):
                if j == i or not _covers(courses[k.course[j]], courses[course]):
                    continue
                key = k.offer[j]
                s_j, now = size[key[1]], int(values[f][j])
                extra = math.ceil((now + x) / s_j) - math.ceil(now / s_j)
                if used[key] + x <= seats.get(key, 0) and classes[key] + extra <= slots.get(key, 0):
                    partner = (j, key, extra)
                    break
            if partner is None and _grow(values[f], i, same, k, smallest,
                                         courses, size, seats, slots, used, classes):
                moves += 1
                continue
            if partner is None and _swap(values[f], i, same, k, smallest, courses, mix[f], size, slots, classes):
                moves += 1
                continue
            if partner is None:
                failed[f].append(int(i))
                continue
            j, key, extra = partner
            values[f][j] += x
            values[f][i] = 0
            used[key] += x
            classes[key] += extra
            used[(inst, course)] -= x
            classes[(inst, course)] -= 1
            moves += 1
    if failed["w"] or failed["v"]:
        margin = _margin_moves(problem, failed, keys, values, courses, mix, size, capacity, seats_all, price, slots,
                               used, classes)
        if margin is None:
            return Unrepaired(failed, values)
        moves += len(failed["w"]) + len(failed["v"])
    counts = {}
    for f in ("w", "v"):
        sizes = np.array([size[c] for c in keys[f].course], dtype=np.int64)
        counts[f] = -(-values[f] // sizes)
    model = model or AllocationModel(problem)
    for f in FAMILIES:
        for var, value in zip(model.vars[f], values[f], strict=True):
            var.varValue = float(value)
    return ClassPlan(values, counts, model, "LP + class-aware rounding", math.nan,
                     {"totals_moved": moves, "class_fill_margin_used": margin})


def neighbourhood(problem: AllocationProblem, stuck: Unrepaired) -> dict[str, np.ndarray]:
    """The course totals a local class MIP may change: every total in a cell (school and prefecture, or unit and
    prefecture) where rounding got stuck, and every positive total at an offer (institution, course) that such a
    cell uses, so that seats and class slots can be traded between cells."""
    keys = {"w": problem.w_keys.rename(columns={"school": "institution"}), "v": problem.v_keys}
    cell_cols = {"w": ["institution", "prefecture"], "v": ["unit", "prefecture"]}
    cells = {f: set(map(tuple, keys[f].iloc[stuck.failed[f]][cell_cols[f]].to_numpy().tolist())) for f in ("w", "v")}
    in_cell = {f: np.array([tuple(r) in cells[f] for r in keys[f][cell_cols[f]].to_numpy().tolist()], dtype=bool)
               for f in ("w", "v")}
    offers = set()
    for f in ("w", "v"):
        k = keys[f][in_cell[f]]
        offers |= set(zip(k["institution"], k["course"], strict=True))
    out = {}
    for f in ("w", "v"):
        at_offer = np.array([o in offers for o in zip(keys[f]["institution"], keys[f]["course"], strict=True)])
        out[f] = in_cell[f] | (at_offer & (stuck.values[f] > 0))
    return out


def _fixed_counties(problem: AllocationProblem, lp: dict[str, np.ndarray], stuck: Unrepaired,
                    free: dict[str, np.ndarray]) -> dict[str, dict[int, tuple[float, float | None, bool]]]:
    """County totals the local class MIP keeps at the LP's values: those of schools none of whose course totals are
    free, and of units whose course totals are neither free nor moved between institutions by rounding; the rest
    stay free, so a school or unit in the neighbourhood may still shift trainees between its prefectures."""
    v = problem.v_keys
    open_v = free["v"] | (stuck.values["v"] != np.round(lp["v"]))
    units = set(v["unit"][open_v])
    schools = set(problem.w_keys["school"][free["w"]])
    fixed_y = ~problem.y_keys["school"].isin(schools).to_numpy()
    fixed_q = ~problem.q_keys["unit"].isin(units).to_numpy()
    return {"y": {int(i): (float(round(lp["y"][i])), float(round(lp["y"][i])), False) for i in np.flatnonzero(fixed_y)},
            "q": {int(i): (float(round(lp["q"][i])), float(round(lp["q"][i])), False) for i in np.flatnonzero(fixed_q)}}


def _bound_in_place(model: AllocationModel, bounds: dict[str, dict[int, tuple[float, float | None, bool]]]) -> None:
    """Turn a solved LP model into the class MIP's variables without building it again (the build is most of the
    class step's time): new bounds and integrality on the flow variables."""
    for f, by_position in bounds.items():
        variables = model.vars[f]
        for i, (low, high, integer) in by_position.items():
            v = variables[i]
            v.lowBound, v.upBound = low, high
            v.cat = pulp.LpInteger if integer else pulp.LpContinuous


def _class_mip(problem: AllocationProblem, lp: dict[str, np.ndarray], solver, restrict: str | None,
               stuck: Unrepaired | None = None, base: AllocationModel | None = None) -> ClassPlan | None:
    """The class MIP: every LP row plus whole classes on the course totals that ``restrict`` frees ("local": the
    neighbourhood of the totals rounding could not place, every other total fixed at its rounded value; "support",
    "spare", None: see ``free_rows``)."""
    size = class_size(problem)
    bounds: dict[str, dict[int, tuple[float, float | None, bool]]] = {}
    low = {f: floor_of(problem_keys(problem, f)) for f in ("w", "v")}  # a re-plan's done classes
    if restrict == "local" and stuck is not None:
        free = neighbourhood(problem, stuck)
        for f in ("w", "v"):
            bounds[f] = {i: ((float(low[f][i]), None, True) if free[f][i] else
                             (float(stuck.values[f][i]), float(stuck.values[f][i]), False)) for i in range(len(lp[f]))}
        bounds.update(_fixed_counties(problem, lp, stuck, free))
    else:
        free = free_rows(problem, lp, restrict)
        for f in ("w", "v"):
            bounds[f] = {i: ((float(low[f][i]), None, True) if free[f][i] or low[f][i] > 0 else (0, 0, False))
                         for i in range(len(lp[f]))}
    if restrict == "support":  # counties too: only where the LP trains someone (a much smaller MIP)
        for f in ("y", "q"):
            bounds[f] = {i: (0, 0, False) for i in np.flatnonzero(lp[f] <= TOLERANCE)}
    if base is not None and restrict == "local":  # the LP model is not needed as an LP any more (duals are read)
        model = base
        _bound_in_place(model, bounds)
    else:
        model = AllocationModel(problem, Bounds(bounds))
    counts: dict[str, dict[int, pulp.LpVariable]] = {"w": {}, "v": {}}
    per_offer: dict[tuple[str, str], list[pulp.LpVariable]] = {}
    fixed_classes: dict[tuple[str, str], int] = {}
    for f, inst_col in (("w", "school"), ("v", "institution")):
        keys = model.keys[f]
        sizes = keys["course"].map(size).to_numpy(int)
        smallest = smallest_class(problem, f, keys)
        for i, (inst, course) in enumerate(zip(keys[inst_col], keys["course"], strict=True)):
            _, high, integer = bounds[f][i]
            if not integer:
                if high:  # a fixed positive total: its classes count against the slots
                    fixed_classes[(inst, course)] = fixed_classes.get((inst, course), 0) + math.ceil(high / sizes[i])
                continue
            n = pulp.LpVariable(f"n{f}_{model.vars[f][i].name}", lowBound=0, cat=pulp.LpInteger)
            counts[f][i] = n
            x, s_max, s_min = model.vars[f][i], int(sizes[i]), int(smallest[i])
            model.lp.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0), (n, -s_max)]),
                                                     pulp.LpConstraintLE, f"clsmax_{x.name}", 0))
            model.lp.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression([(x, 1.0), (n, -s_min)]),
                                                     pulp.LpConstraintGE, f"clsmin_{x.name}", 0))
            per_offer.setdefault((inst, course), []).append(n)
    slots = class_slots(problem)
    for (inst, course), ns in per_offer.items():
        name = f"slots_{inst}_{course}"
        room = int(slots.get((inst, course), 0)) - fixed_classes.get((inst, course), 0)
        model.lp.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression([(n, 1.0) for n in ns]),
                                                 pulp.LpConstraintLE, name, room), name)
    model.lp.solve(solver)
    _LAST_STATUS["full" if restrict is None else "restricted"] = model.lp.status
    if model.lp.sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
        return None
    values = {f: np.array([v.varValue or 0.0 for v in model.vars[f]]) for f in ("y", "w", "v", "q")}
    for f in ("w", "v"):
        values[f] = np.round(values[f]).astype(np.int64)
    n_out = {f: np.zeros(len(model.vars[f]), dtype=np.int64) for f in ("w", "v")}
    for f in ("w", "v"):
        for i, n in counts[f].items():
            n_out[f][i] = round(n.varValue or 0)
        sizes = model.keys[f]["course"].map(size).to_numpy(int)
        rest = np.array([i not in counts[f] for i in range(len(values[f]))], dtype=bool)
        n_out[f][rest] = np.ceil(values[f][rest] / sizes[rest]).astype(np.int64)
    method = {"local": "LP + class-aware rounding, class MIP where rounding got stuck",
              "support": "class MIP on the LP's support", "spare": "class MIP on the LP's support and spare offers",
              None: "class MIP (all course totals free)"}[restrict]
    return ClassPlan(values, n_out, model, method, float(pulp.value(model.lp.objective) or 0.0),
                     {"integer_variables": sum(len(c) for c in counts.values()),
                      "proven_optimal": model.lp.sol_status == pulp.LpSolutionOptimal})


def problem_keys(problem: AllocationProblem, family: str) -> pd.DataFrame:
    """The key table of a course-total family (w or v)."""
    return problem.w_keys if family == "w" else problem.v_keys


def split_sizes(total: int, n: int) -> list[int]:
    """``total`` persons in ``n`` classes as equal as possible (larger classes first)."""
    if n <= 0:
        return []
    base, extra = divmod(int(total), int(n))
    return [base + 1] * extra + [base] * (n - extra)


def place_classes(problem: AllocationProblem, plan: ClassPlan) -> pd.DataFrame:
    """Every class with its county: class_id, institution_code, course_code, adcode, programme, unit_code,
    trainees (the rows of classes.csv, before the assessor)."""
    group = dict(zip(problem.courses["code"], problem.courses["group"], strict=True))
    rows: list[tuple] = []
    county_groups: dict[str, set[str]] = {}
    y = problem.y_keys.assign(value=plan.values["y"])
    w = problem.w_keys.assign(trainees=plan.values["w"], n=plan.counts["w"])
    targets = _targets(y, ["school", "prefecture"])
    w["n"] = _more_classes(problem, w, plan, targets)
    work = []
    for r in w[w["trainees"] > 0].itertuples():
        for size in split_sizes(r.trainees, r.n):
            work.append((r.prefecture, -size, r.school, r.course, size))
    work.sort()
    left = {k: dict(v) for k, v in targets.items()}
    floors, caps = county_locks(problem)
    held: Counter = Counter()
    pref = pref_of(problem)
    for school, county, course, size in _lock_floors_first(work, floors, pref):
        work.remove((pref[county], -size, school, course, size))
        rows.append((school, course, county, "school", "", size))
        left[(school, pref[county])][county] -= size
        held[(school, county)] += size
        county_groups.setdefault(county, set()).add(group[course])
    capped = {school for school, _ in caps}
    for prefecture, _neg, school, course, size in work:
        room = ({c: caps[(school, c)] - held[(school, c)] for c in left[(school, prefecture)] if (school, c) in caps}
                if school in capped else None)
        county = _choose(left[(school, prefecture)], county_groups, group[course], size, room)
        left[(school, prefecture)][county] -= size
        held[(school, county)] += size
        county_groups.setdefault(county, set()).add(group[course])
        rows.append((school, course, county, "school", "", size))
    rows = _spread_groups(problem, rows, group)
    q = problem.q_keys.assign(value=plan.values["q"])
    v = problem.v_keys.assign(trainees=plan.values["v"], n=plan.counts["v"])
    targets = _targets(q, ["unit", "prefecture", "institution"])
    left = {k: dict(v_) for k, v_ in targets.items()}
    work = []
    for r in v[v["trainees"] > 0].itertuples():
        for size in split_sizes(r.trainees, r.n):
            work.append((r.unit, r.prefecture, r.institution, -size, r.course, size))
    work.sort()
    unit_groups: dict[str, set[str]] = {}
    q_floors = floor_of(q)
    done = np.flatnonzero(q_floors > 0)  # a re-plan's done classes (none in a plan)
    q_floor = {(q["unit"].iat[i], q["prefecture"].iat[i], q["institution"].iat[i], q["county"].iat[i]):
               int(q_floors[i]) for i in done.tolist()}
    for (unit, prefecture, inst, county), need in sorted(q_floor.items()):
        while need > 0:
            pool = [w_ for w_ in work if w_[:3] == (unit, prefecture, inst)]
            if not pool:
                break
            covering = [w_ for w_ in pool if w_[5] >= need]
            pick = min(covering, key=lambda w_: (w_[5], w_[4])) if covering else pool[0]
            work.remove(pick)
            left[(unit, prefecture, inst)][county] -= pick[5]
            unit_groups.setdefault(county, set()).add(group[pick[4]])
            rows.append((inst, pick[4], county, "unit", unit, pick[5]))
            need -= pick[5]
    for unit, prefecture, inst, _neg, course, size in work:
        county = _choose(left[(unit, prefecture, inst)], unit_groups, group[course], size)
        left[(unit, prefecture, inst)][county] -= size
        unit_groups.setdefault(county, set()).add(group[course])
        rows.append((inst, course, county, "unit", unit, size))
    frame = pd.DataFrame(rows, columns=["institution_code", "course_code", "adcode", "programme", "unit_code",
                                        "trainees"])
    frame = frame.sort_values(["programme", "unit_code", "institution_code", "course_code", "adcode", "trainees"],
                              ascending=[True, True, True, True, True, False], kind="stable").reset_index(drop=True)
    frame.insert(0, "class_id", [f"C{i + 1:05d}" for i in range(len(frame))])
    return frame


def _more_classes(problem: AllocationProblem, w: pd.DataFrame, plan: ClassPlan,
                  targets: dict[tuple, dict[str, float]]) -> np.ndarray:
    """Class counts per (school, prefecture, course) raised, where class slots and the minimum class allow, until
    the school has a class for every county the model gave it at least a minimum class: whole classes can then
    follow the model's county totals instead of piling into one county."""
    slots = cached(problem, "slots", lambda: class_slots(problem).to_dict())
    smallest = smallest_of(problem, "w")
    used: dict[tuple[str, str], int] = {}
    for f in ("w", "v"):
        offer = rows_of(problem, f).offer
        counts = plan.counts[f]
        for i in np.flatnonzero(counts > 0).tolist():
            used[offer[i]] = used.get(offer[i], 0) + int(counts[i])
    n = w["n"].to_numpy().copy()
    x = w["trainees"].to_numpy()
    course = rows_of(problem, "w").course
    placed = w["trainees"] > 0
    positive = w.index[placed]
    for (school, prefecture), idx in w[placed].groupby(["school", "prefecture"]).indices.items():
        rows = positive[idx]
        want = sum(1 for v in targets.get((school, prefecture), {}).values() if v >= smallest[rows].min())
        while n[rows].sum() < want:
            grow = [i for i in rows if x[i] >= (n[i] + 1) * smallest[i]
                    and used.get((school, course[i]), 0) < slots.get((school, course[i]), 0)]
            if not grow:
                break
            i = max(grow, key=lambda j: (x[j] / (n[j] + 1), -j))
            n[i] += 1
            used[(school, course[i])] = used.get((school, course[i]), 0) + 1
    return n


def pref_of(problem: AllocationProblem) -> dict[str, str]:
    """County adcode → prefecture adcode."""
    return dict(zip(problem.counties["adcode"], problem.counties["prefecture_adcode"], strict=True))


def floor_of(keys: pd.DataFrame) -> np.ndarray:
    """The whole-person lower bound of each key row (a re-plan's done classes, lp.FLOOR_COLUMN), else zeros."""
    if FLOOR_COLUMN not in keys.columns:
        return np.zeros(len(keys), dtype=np.int64)
    return np.ceil(keys[FLOOR_COLUMN].fillna(0).to_numpy(float) - TOLERANCE).astype(np.int64)


def county_locks(problem: AllocationProblem) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], int]]:
    """The county locks as {(school, county): persons}: floors (a scenario's at_least, a re-plan's done classes)
    and caps (at_most). Prefecture locks need nothing here: a school's classes in a prefecture add up to the
    model's total there."""
    counties = set(problem.counties["adcode"])
    y = problem.y_keys
    floor = floor_of(y)
    done = np.flatnonzero(floor > 0).tolist()  # a re-plan's done classes; none in a plan
    floors: dict[tuple[str, str], int] = {(y["school"].iat[i], y["county"].iat[i]): int(floor[i]) for i in done}
    caps: dict[tuple[str, str], int] = {}
    for lock in problem.params.locks:
        if lock.area not in counties:
            continue
        if lock.at_least is not None:
            floors[(lock.school, lock.area)] = max(floors.get((lock.school, lock.area), 0), int(lock.at_least))
        if lock.at_most is not None:
            caps[(lock.school, lock.area)] = min(caps.get((lock.school, lock.area), 10**9), int(lock.at_most))
    return floors, caps


def _lock_floors_first(work: list[tuple], floors: dict[tuple[str, str], int],
                       pref: dict[str, str]) -> list[tuple[str, str, str, int]]:
    """Classes that a county lock (at least N of a school's trainees in a county) claims before any other
    placement: the school's classes in that prefecture, largest first while the lock still needs a whole class,
    then the smallest class that covers the rest. Returns (school, county, course, size) picks."""
    picks: list[tuple[str, str, str, int]] = []
    taken: set[int] = set()
    for (school, county), need in sorted(floors.items()):
        pool = [(i, w) for i, w in enumerate(work)
                if i not in taken and w[2] == school and w[0] == pref.get(county)]
        pool.sort(key=lambda iw: (-iw[1][4], iw[0]))
        while need > 0 and pool:
            covering = [iw for iw in pool if iw[1][4] >= need]
            i, w = min(covering, key=lambda iw: (iw[1][4], iw[0])) if covering else pool[0]
            pool.remove((i, w))
            taken.add(i)
            picks.append((school, county, w[3], w[4]))
            need -= w[4]
    return picks


def _targets(frame: pd.DataFrame, key: list[str]) -> dict[tuple, dict[str, float]]:
    """{key tuple: {county: model value}} in one pass (a groupby per key is slow on Arrow strings)."""
    out: dict[tuple, dict[str, float]] = {}
    for *k, county, value in zip(*(frame[c].tolist() for c in key), frame["county"].tolist(),
                                 frame["value"].tolist(), strict=True):
        out.setdefault(tuple(k), {})[county] = value
    return out


def _spread_groups(problem: AllocationProblem, rows: list[tuple], group: dict[str, str]) -> list[tuple]:
    """A county fed by one profession group where its prefecture's focus has three or more swaps one of its
    classes with a class of another group, of the nearest size, in another county of the prefecture that keeps
    two groups or more."""
    pref = dict(zip(problem.counties["adcode"], problem.counties["prefecture_adcode"], strict=True))
    focus = problem.focus[problem.focus["share"] > 0].groupby("prefecture")["group"].nunique().to_dict()
    rows = list(rows)
    held: dict[str, Counter] = {}
    for r in rows:
        held.setdefault(r[2], Counter())[group[r[1]]] += 1
    for county in sorted(held):
        if focus.get(pref[county], 0) < 3 or len(held[county]) != 1:
            continue
        mine = [i for i, r in enumerate(rows) if r[2] == county]
        if len(mine) < 2:
            continue
        g0 = group[rows[mine[0]][1]]
        best = None
        for j, r in enumerate(rows):
            other, g = r[2], group[r[1]]
            if other == county or pref[other] != pref[county] or g == g0:
                continue
            rest = held[other] - Counter({g: 1})
            if len(set(rest) | {g0}) < 2:
                continue
            i = min(mine, key=lambda k: abs(rows[k][5] - r[5]))
            gap = abs(rows[i][5] - r[5])
            if best is None or gap < best[0]:
                best = (gap, i, j)
        if best is not None:
            _, i, j = best
            a, b = rows[i], rows[j]
            rows[i] = (a[0], a[1], b[2], *a[3:])
            rows[j] = (b[0], b[1], a[2], *b[3:])
            for county_, g_, step in ((a[2], group[a[1]], -1), (b[2], group[a[1]], 1), (b[2], group[b[1]], -1),
                                      (a[2], group[b[1]], 1)):
                held[county_][g_] += step
                if held[county_][g_] == 0:
                    del held[county_][g_]
    return rows


def _choose(left: dict[str, float], groups: dict[str, set[str]], group: str, size: int,
            room: dict[str, int] | None = None) -> str:
    """The county for one class: among those with room for half the class, one still without this profession
    group, then the most room left; else the most room left. Ties by code. A county whose scenario lock
    (``room``: persons the school may still place there) cannot take the whole class is passed over while
    another county can."""
    if room:
        left = {c: r for c, r in left.items() if room.get(c, size) >= size} or left
    roomy = [c for c, r in left.items() if r >= size / 2]
    if roomy:
        fresh = [c for c in roomy if group not in groups.get(c, ())]
        pool = fresh or roomy
    else:
        pool = left
    return min(pool, key=lambda c: (-left[c], c))  # the most room left; ties by the smaller code


def assign_assessors(problem: AllocationProblem, classes: pd.DataFrame) -> pd.DataFrame:
    """R13 (考培分离): each class's assessor — the nearest other evaluator for the course; the training
    institution only where it is the province's only evaluator for it; blank where the course has none."""
    offers = problem.offers
    home = dict(zip(problem.institutions["code"], problem.institutions["home_county"], strict=True))
    evaluators: dict[str, list[str]] = {}
    for r in offers[offers["evaluator"].astype(bool) & offers["active"]].itertuples():
        evaluators.setdefault(r.course, []).append(r.institution)
    dist = problem.distance
    row_of = {h: i for i, h in enumerate(dist.index)}
    col_of = {c: j for j, c in enumerate(dist.columns)}
    km = dist.to_numpy()
    chosen: dict[tuple[str, str, str], tuple[str, bool]] = {}  # classes of one offer in one county: one answer

    def choose(inst: str, course: str, county: str) -> tuple[str, bool]:
        pool = sorted(evaluators.get(course, []))
        others = [e for e in pool if e != inst]
        if not others:
            return (pool[0] if pool else ""), False
        j = col_of.get(county)
        far = [km[row_of[home[e]], j] if (j is not None and home[e] in row_of) else math.inf for e in others]
        return others[int(np.argmin(far))], inst in pool

    assessor, other = [], []
    for key in zip(classes["institution_code"].tolist(), classes["course_code"].tolist(), classes["adcode"].tolist(),
                   strict=True):
        if key not in chosen:
            chosen[key] = choose(*key)
        assessor.append(chosen[key][0])
        other.append(chosen[key][1])
    return classes.assign(assessor_code=assessor, needs_other_evaluator=other)


def r13_report(classes: pd.DataFrame) -> dict:
    """Classes whose training institution is an evaluator for the course and must send its trainees to another
    evaluator (R13), per institution; and classes assessed by their own institution as the only evaluator."""
    need = classes[classes["needs_other_evaluator"]]
    own = classes[(classes["assessor_code"] == classes["institution_code"])]
    return {"classes_needing_another_evaluator": len(need),
            "by_institution": {k: int(v) for k, v in need.groupby("institution_code").size().items()},
            "assessed_by_the_only_evaluator": len(own),
            "without_an_evaluator_in_the_data": int((classes["assessor_code"] == "").sum())}
