"""Why a plan cannot be met, in people's terms.

1. ``precheck``: cheap necessary conditions before solving (a school's own capacity vs its quota, quotas vs
   targets, each unit's eligible and certificate-class capacity).
2. A flow network in networkx — source → (institution, course) [capacity] → school / unit demand →
   prefecture / unit-plan demand → sink — whose min cut names the demands that cannot be met together
   and the institutions × courses that block them, with the shortfall in trainees (Hall's condition).
3. An elastic LP: every hard row gets a slack; the rows that need one, and by how much.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pulp

from optimizer.messages import CATALOGUE, msg
from optimizer.messages.numbers import persons_exact as people
from optimizer.messages.numbers import share
from optimizer.model.problem import AllocationProblem

if TYPE_CHECKING:  # networkx is imported only to diagnose an infeasible plan (a third of a second at start-up)
    import networkx as nx

SOURCE, SINK = "source", "sink"


@dataclass
class Issue:
    """One necessary condition that fails, with the amounts."""

    kind: str
    code: str
    needed: int
    available: int
    message: str


@dataclass
class Diagnosis:
    """Everything known about why the plan is infeasible; plain data for the CLI and the UI."""

    messages: list[str]
    issues: list[Issue] = field(default_factory=list)
    shortfalls: pd.DataFrame = field(default_factory=pd.DataFrame)  # demand, name, needed, received, shortfall
    blocking: pd.DataFrame = field(default_factory=pd.DataFrame)  # institution, course, capacity
    violations: pd.DataFrame = field(default_factory=pd.DataFrame)  # constraint, amount
    graph: nx.DiGraph | None = None  # the blocking part of the network

    def to_dict(self) -> dict:
        return {
            "messages": self.messages,
            "issues": [vars(i) for i in self.issues],
            "shortfalls": self.shortfalls.to_dict("records"),
            "blocking": self.blocking.to_dict("records"),
            "violations": self.violations.to_dict("records"),
        }


def _eligible(problem: AllocationProblem) -> pd.DataFrame:
    """(unit, institution, course, capacity, certificate_class) pairs a unit may use."""
    usable = problem.offers[problem.offers["active"] & problem.offers["subsidised"] & problem.offers["siyb_ok"]]
    pairs = problem.unit_scope.merge(usable, on="group")
    pairs = pairs[pairs["filed"].astype(bool) | (pairs["owner"] == pairs["unit"])]  # R11
    return pairs[["unit", "institution", "course", "capacity", "certificate_class"]]


def issue_text(issue: Issue, problem: AllocationProblem) -> str:
    """An issue in words, in the current language, from its kind, codes and amounts (the workspace calls it
    again to show a cached diagnosis in the session's language)."""
    n, need, have = problem.names, issue.needed, issue.available
    if issue.kind == "school_blocked":
        quota = int(problem.schools.loc[problem.schools["code"] == issue.code, "quota"].iloc[0])
        return msg("diag.school_blocked", school=n[issue.code], quota=people(quota))
    if issue.kind == "school_capacity":
        return msg("diag.school_capacity", school=n[issue.code], need=people(need), have=people(have),
                   short=people(need - have))
    if issue.kind == "quota_vs_target":
        return msg("diag.quota_vs_target", quota=people(have), target=people(need))
    if issue.kind == "unit_capacity":
        return msg("diag.unit_capacity", unit=n[issue.code], need=people(need), have=people(have),
                   short=people(need - have))
    if issue.kind == "unit_certificate":
        return msg("diag.unit_certificate", unit=n[issue.code], need=people(need),
                   rho=share(problem.params.cert_share_of(issue.code), 0), have=people(have))
    unit, prefecture = issue.code.split("@", 1)
    return msg("diag.unit_no_option", unit=n[unit], n=people(need), pref=n[prefecture])


def _issue(problem: AllocationProblem, kind: str, code: str, needed: int, available: int) -> Issue:
    issue = Issue(kind, code, int(needed), int(available), "")
    issue.message = issue_text(issue, problem)
    return issue


def precheck(problem: AllocationProblem) -> list[Issue]:
    """Necessary conditions, each checked on its own (sharing of capacity is left to the LP)."""
    out: list[Issue] = []
    p = problem.params
    offers = problem.offers
    usable = offers[offers["active"] & offers["siyb_ok"]]  # R16: an entrepreneurship course needs SIYB trainers
    own_places = usable.groupby("institution")["capacity"].sum()  # one pass, not one per school
    for s in problem.schools.itertuples():
        need = s.quota if p.quota_mode != "band" else math.ceil(s.quota * (1 - p.quota_band))
        if not s.active and need > 0:
            out.append(_issue(problem, "school_blocked", s.code, need, 0))
            continue
        own = int(own_places.get(s.code, 0))
        if own < need:
            out.append(_issue(problem, "school_capacity", s.code, need, own))
    quota, target = problem.total_quota, int(problem.targets["target"].sum())
    if p.quota_mode == "eq" and quota != target:
        out.append(_issue(problem, "quota_vs_target", "province", target, quota))
    eligible = _eligible(problem)
    plans = problem.unit_plans.groupby("unit")["trainees"].sum()
    places = eligible.groupby("unit")["capacity"].sum()
    cert_places = eligible[eligible["certificate_class"].astype(bool)].groupby("unit")["capacity"].sum()
    for unit, total in plans.items():
        have = int(places.get(unit, 0))
        if have < total:
            out.append(_issue(problem, "unit_capacity", unit, int(total), have))
        need = math.ceil(p.cert_share_of(unit) * total - 1e-9)
        cert = int(cert_places.get(unit, 0))
        if cert < need:
            out.append(_issue(problem, "unit_certificate", unit, need, cert))
    options = set(zip(problem.v_keys["unit"], problem.v_keys["prefecture"], strict=True))
    for r in problem.unit_plans.itertuples():
        if (r.unit, r.prefecture) not in options:
            out.append(_issue(problem, "unit_no_option", f"{r.unit}@{r.prefecture}", int(r.trainees), 0))
    return out


def build_network(problem: AllocationProblem, with_certificate: bool) -> nx.DiGraph:
    """Source → IK(i,k) [cap] → school S_s / unit demand → prefecture P_p [T_p] / unit plan → sink.

    Without the certificate split, unit demand is per (unit, prefecture) so shortfalls name prefectures;
    with it, per unit: cert part ⌈ρA_u⌉ (certificate-class courses only) and the rest.
    """
    import networkx as nx

    g = nx.DiGraph()
    for o in problem.offers[problem.offers["active"]].itertuples():
        g.add_edge(SOURCE, ("ik", o.institution, o.course), capacity=int(o.capacity))
    school_courses = problem.offers[problem.offers["active"] & problem.offers["is_school"] & problem.offers["siyb_ok"]]
    for s in problem.schools[problem.schools["active"]].itertuples():
        for o in school_courses[school_courses["institution"] == s.code].itertuples():
            g.add_edge(("ik", s.code, o.course), ("school", s.code))
        mode, band = problem.params.quota_mode, problem.params.quota_band
        if mode == "eq":
            g.add_edge(("school", s.code), ("quota", s.code), capacity=int(s.quota))
        elif mode == "band":
            g.add_edge(("school", s.code), ("quota", s.code), capacity=math.floor(s.quota * (1 + band)))
        else:  # "ge": no upper limit on a school's own training (a relaxation: the lower bound is left out)
            g.add_edge(("school", s.code), ("quota", s.code))
        barred = {lk.prefecture for lk in problem.params.locks
                  if lk.school == s.code and lk.prefecture and lk.at_most == 0}
        for t in problem.targets.itertuples():
            if t.prefecture not in barred:
                g.add_edge(("quota", s.code), ("pref", t.prefecture))
    for t in problem.targets.itertuples():
        g.add_edge(("pref", t.prefecture), SINK, capacity=int(t.target))
    eligible = _eligible(problem)
    if with_certificate:
        for unit, total in problem.unit_plans.groupby("unit")["trainees"].sum().items():
            need = math.ceil(problem.params.cert_share_of(unit) * total - 1e-9)
            g.add_edge(("unit_cert", unit), SINK, capacity=int(need))
            g.add_edge(("unit_rest", unit), SINK, capacity=int(total - need))
            for e in eligible[eligible["unit"] == unit].itertuples():
                if e.certificate_class:
                    g.add_edge(("ik", e.institution, e.course), ("unit_cert", unit))
                g.add_edge(("ik", e.institution, e.course), ("unit_rest", unit))
    else:
        for r in problem.unit_plans.itertuples():
            node = ("plan", r.unit, r.prefecture)
            g.add_edge(node, SINK, capacity=int(r.trainees))
            for e in eligible[eligible["unit"] == r.unit].itertuples():
                g.add_edge(("ik", e.institution, e.course), node)
    return g


def _label(problem: AllocationProblem, node) -> str:
    n = problem.names
    kind = node[0]
    if kind == "pref":
        return msg("diag.pref", name=n[node[1]])
    if kind == "plan":
        return msg("diag.plan", unit=n[node[1]], pref=n[node[2]])
    if kind == "unit_cert":
        return msg("diag.cert", name=n[node[1]])
    if kind == "unit_rest":
        return msg("diag.other", name=n[node[1]])
    if kind in ("school", "quota"):
        return msg("diag.quota", name=n[node[1]])
    return str(node)


def flow_diagnosis(problem: AllocationProblem, with_certificate: bool) -> tuple[list[str], pd.DataFrame,
                                                                                  pd.DataFrame, nx.DiGraph] | None:
    """Max-flow/min-cut explanation, or None when this network has enough flow."""
    import networkx as nx

    g = build_network(problem, with_certificate)
    demand = sum(d["capacity"] for _, _, d in g.in_edges(SINK, data=True))
    value, flow = nx.maximum_flow(g, SOURCE, SINK, flow_func=nx.algorithms.flow.preflow_push)
    if value >= demand:
        return None
    residual = nx.DiGraph()
    for u, v, d in g.edges(data=True):
        cap = d.get("capacity", math.inf)
        if flow[u][v] < cap:
            residual.add_edge(u, v)
        if flow[u][v] > 0:
            residual.add_edge(v, u)
    # The smallest sink side of a minimum cut: nodes that can still reach the sink in the residual
    # graph. Its demand nodes are the ones that cannot be met together; its (institution, course)
    # nodes are the only places able to serve them, all full (Hall's condition, with amounts).
    sink_side = nx.ancestors(residual, SINK) if SINK in residual else set()
    short_nodes = [u for u, _, d in g.in_edges(SINK, data=True) if u in sink_side]
    # demands on the sink side of the cut, with what the flow gave them
    rows = []
    for node in short_nodes:
        need = g[node][SINK]["capacity"]
        got = flow[node][SINK]
        rows.append({"demand": node[0], "code": "/".join(node[1:]), "name": _label(problem, node),
                     "needed": int(need), "received": int(got), "shortfall": int(need - got)})
    shortfalls = pd.DataFrame(rows, columns=["demand", "code", "name", "needed", "received", "shortfall"])
    # suppliers of those demands: every (institution, course) that could feed them, all on the sink side
    suppliers = {n for n in sink_side if isinstance(n, tuple) and n[0] == "ik"}
    cut = [(u, v, g[u][v]["capacity"]) for u, v in g.edges if u not in sink_side and v in sink_side
           and "capacity" in g[u][v]]
    capacity_cut = sum(c for u, v, c in cut if u == SOURCE)
    quota_cut = [(v[1], c) for u, v, c in cut if v[0] == "quota"]
    blocking = pd.DataFrame(
        [{"institution": problem.names[i], "institution_code": i, "course": problem.names[k], "course_code": k,
          "capacity": int(g[SOURCE][("ik", i, k)]["capacity"])} for (_, i, k) in sorted(suppliers)],
        columns=["institution", "institution_code", "course", "course_code", "capacity"])
    need_total = int(shortfalls["needed"].sum())
    parts = []
    if capacity_cut:
        parts.append(msg("diag.part_capacity", have=people(capacity_cut)))
    if quota_cut:
        largest = sorted(quota_cut, key=lambda t: -t[1])[:5]
        parts.append(msg("diag.part_quota", schools=msg("diag.list_sep").join(
            f"{problem.names[s]} {people(c)}" for s, c in largest), more=msg("diag.more") if len(quota_cut) > 5
            else "", total=people(sum(c for _, c in quota_cut))))
    # what can be placed is the cut's value: its parts shown as a sum, so need − placed = short reads at once
    # (a planner read "容纳 1.6248 万人；…名额（合计 18 万人）（共缺 0.3752 万人）" against 20 万 as a wrong sum)
    shown = (msg("diag.parts_sum", parts=msg("diag.plus").join(parts)) if len(parts) > 1
             else msg("diag.parts_one", part=parts[0] if parts else msg("diag.part_nothing")))
    placeable = capacity_cut + sum(c for _, c in quota_cut)  # the cut into these demands: what can reach them
    messages = [msg("diag.summary", n=len(short_nodes), need=people(need_total), have=people(placeable), parts=shown,
                    short=people(demand - value))]
    prefectures = {n for n in g.predecessors(SINK) if n[0] == "pref"}
    if prefectures and prefectures <= set(short_nodes):
        messages.append(msg("diag.province"))
    for r in shortfalls.sort_values("shortfall", ascending=False).itertuples():
        if r.shortfall > 0:
            messages.append(msg("diag.line", name=r.name, need=people(r.needed), got=people(r.received),
                                short=people(r.shortfall)))
    sub = g.subgraph([SOURCE, SINK, *short_nodes, *suppliers, *_middle(g, suppliers, short_nodes)]).copy()
    return messages, shortfalls, blocking, sub


def _suppliers(g: nx.DiGraph, node) -> set:
    out = set()
    for pred in g.predecessors(node):
        if pred[0] == "ik":
            out.add(pred)
        elif pred != SOURCE:
            out |= _suppliers(g, pred)
    return out


def _feeds(g: nx.DiGraph, node, targets: list) -> bool:
    return any(t in g.successors(node) for t in targets) if node in g else False


def _middle(g: nx.DiGraph, suppliers: set, short_nodes: list) -> set:
    mids = set()
    for s in suppliers:
        for v in g.successors(s):
            if v[0] == "school":
                for q in g.successors(v):
                    if _feeds(g, q, short_nodes):
                        mids |= {v, q}
    return mids


def collapse_counties(problem: AllocationProblem) -> AllocationProblem:
    """The same problem with one county per prefecture (and per unit cell): the hard rows (quotas, targets,
    plans, certificate share, capacity) do not depend on the county, and the county-level elastic LP is so
    degenerate that HiGHS needs half a minute on it."""
    y = problem.y_keys.drop_duplicates(["school", "prefecture"]).reset_index(drop=True)
    q = problem.q_keys.drop_duplicates(["unit", "prefecture", "institution"]).reset_index(drop=True)
    return dataclasses.replace(problem, y_keys=y, q_keys=q)


def elastic_violations(problem: AllocationProblem) -> pd.DataFrame:
    """Solve the elastic LP; the hard rows that need slack, largest first."""
    from optimizer.model.lp import ROW_KEYS, AllocationModel
    from optimizer.model.solvers import make_solver

    model = AllocationModel(collapse_counties(problem), elastic=True)
    model.lp.solve(make_solver(problem.params.solver, problem.params.time_limit))
    columns = ["constraint", "direction", "amount", "family", "kind", "codes"]
    if model.lp.sol_status != pulp.LpSolutionOptimal:
        return pd.DataFrame(columns=columns)
    table = model.violation_table
    amount = np.array([v.varValue or 0.0 for v in table["variable"]], dtype=float)
    used = table[amount > 1e-6]
    # the row's codes in the order its table gives them (school/unit, institution, course, county, prefecture …)
    codes = [[str(r[k]) for k in ROW_KEYS if r[k] != ""] for r in used[list(ROW_KEYS)].to_dict("records")]
    frame = pd.DataFrame({"constraint": used["label"].to_numpy(), "direction": used["direction"].to_numpy(),
                          "amount": [round(float(a), 3) for a in amount[amount > 1e-6]],
                          "family": used["family"].to_numpy(), "kind": used["kind"].to_numpy(), "codes": codes},
                         columns=columns)
    return frame.sort_values(["amount", "constraint"], ascending=[False, True]).reset_index(drop=True)


def row_words(kind: str, codes: list[str], names: dict[str, str], label: str) -> str:
    """An elastic row in words from its kind and codes (云南技师学院名额（附件2）), else its solver label: the
    re-plan's diagnosis read 'quota_s02 少 0.0125 万人；qual_p530800 多 0.0027 万人'."""
    key = f"diag.con.{kind}"
    if key not in CATALOGUE:
        return label
    return msg(key, name="·".join(names.get(c, c) for c in codes if c))


def diagnose_infeasible(problem: AllocationProblem, issues: list[Issue]) -> Diagnosis:
    """Combine pre-checks, the flow network's min cut and the elastic LP into one diagnosis."""
    messages = [i.message for i in issues]
    shortfalls, blocking, graph = pd.DataFrame(), pd.DataFrame(), None
    for with_cert in (False, True):
        found = flow_diagnosis(problem, with_cert)
        if found:
            more, shortfalls, blocking, graph = found
            messages += more
            break
    violations = elastic_violations(problem)
    if not messages and not violations.empty:
        messages.append(msg("diag.elastic", rows=msg("diag.join").join(
            msg("diag.elastic_row", constraint=row_words(r.kind, r.codes, problem.names, r.constraint),
                direction=msg(f"diag.{r.direction}"),
                amount=people(r.amount)) for r in violations.head(5).itertuples())))
    if not messages:
        messages.append(msg("diag.no_cause"))
    return Diagnosis(messages, issues, shortfalls, blocking, violations, graph)
