"""Decomposition: split an instance into independent blocks (provinces at country scale) and merge their solutions.

The blocks are the connected components of the graph linking schools to the prefectures they may serve and units
to their prefectures and institutions; they share no variable and no row, so solving each and merging gives the
monolithic optimum. ``allocate`` (optimizer/model/solve.py) runs the blocks in spawned worker processes.
"""

from __future__ import annotations

import pandas as pd

from optimizer.model.diagnose import Diagnosis
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution


def connected_components(nodes: list, edges: list[tuple]) -> list[list]:
    """Connected components (each sorted, ordered by their first node) by union-find with path halving: the
    decomposition runs before every solve, and importing networkx for it alone cost a third of a second."""
    parent: dict = {n: n for n in nodes}

    def find(n):
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    members: dict = {}
    for n in list(parent):
        members.setdefault(find(n), []).append(n)
    return sorted((sorted(c) for c in members.values()), key=lambda c: c[0])


def split_blocks(problem: AllocationProblem) -> list[AllocationProblem]:
    """Independent blocks: connected components of the graph linking schools to the prefectures they may serve,
    units to their prefectures and to the institutions they may use. Provinces never share a block."""
    import dataclasses

    edges = [*((("i", s), ("p", p)) for s, p in problem.y_keys[["school", "prefecture"]]
               .drop_duplicates().itertuples(index=False)),
             *((("u", u), ("p", p)) for u, p in problem.unit_plans[["unit", "prefecture"]].itertuples(index=False)),
             *((("u", u), ("i", i)) for u, i in problem.v_keys[["unit", "institution"]]
               .drop_duplicates().itertuples(index=False))]
    components = connected_components([("p", p) for p in problem.targets["prefecture"]], edges)
    if len(components) <= 1:
        return [problem]
    blocks = []
    for comp in components:
        prefs = {n for k, n in comp if k == "p"}
        insts = {n for k, n in comp if k == "i"}
        units = {n for k, n in comp if k == "u"}
        if not prefs:
            continue
        f = problem
        counties = f.counties[f.counties["prefecture_adcode"].isin(prefs)]
        homes = f.institutions.loc[f.institutions["code"].isin(insts), "home_county"].unique()
        blocks.append(dataclasses.replace(
            f,
            # only the block's rows of the distance matrix travel to the worker process (the whole one is large)
            distance=f.distance.loc[f.distance.index.isin(homes), counties["adcode"]],
            institutions=f.institutions[f.institutions["code"].isin(insts)].reset_index(drop=True),
            schools=f.schools[f.schools["code"].isin(insts)].reset_index(drop=True),
            targets=f.targets[f.targets["prefecture"].isin(prefs)].reset_index(drop=True),
            counties=counties.reset_index(drop=True),
            unit_plans=f.unit_plans[f.unit_plans["unit"].isin(units)].reset_index(drop=True),
            offers=f.offers[f.offers["institution"].isin(insts)].reset_index(drop=True),
            focus=f.focus[f.focus["prefecture"].isin(prefs)].reset_index(drop=True),
            unit_scope=f.unit_scope[f.unit_scope["unit"].isin(units)].reset_index(drop=True),
            y_keys=f.y_keys[f.y_keys["prefecture"].isin(prefs)].reset_index(drop=True),
            w_keys=f.w_keys[f.w_keys["prefecture"].isin(prefs)].reset_index(drop=True),
            v_keys=f.v_keys[f.v_keys["unit"].isin(units)].reset_index(drop=True),
            q_keys=f.q_keys[f.q_keys["unit"].isin(units)].reset_index(drop=True),
        ))
    orphans = set(problem.schools.loc[problem.schools["active"], "code"]) - {
        c for b in blocks for c in b.schools["code"]}
    if orphans:  # an active school with no prefecture to serve: keep it in the first block so precheck names it
        first = blocks[0]
        blocks[0] = dataclasses.replace(first, schools=pd.concat(
            [first.schools, problem.schools[problem.schools["code"].isin(orphans)]], ignore_index=True))
    return blocks


def worker_context():
    """Worker processes are spawned, never forked: a process that has run HiGHS holds its thread pool, and a forked
    child that solves again can wait forever on threads it did not inherit (seen: a benchmark's sweep hung)."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def merge_solutions(parts: list[Solution], solver: str) -> Solution:
    """One solution from independent blocks: tables concatenated, objective terms and bounds added."""
    bad = [p for p in parts if not p.ok]
    if bad:
        status = "infeasible" if any(p.status == "infeasible" for p in bad) else bad[0].status
        messages = [m for p in bad if p.diagnosis for m in p.diagnosis.messages]
        diagnosis = None
        if status == "infeasible":
            first = next(p.diagnosis for p in bad if p.diagnosis is not None)
            diagnosis = Diagnosis(messages, [i for p in bad if p.diagnosis for i in p.diagnosis.issues],
                                  pd.concat([p.diagnosis.shortfalls for p in bad if p.diagnosis], ignore_index=True),
                                  pd.concat([p.diagnosis.blocking for p in bad if p.diagnosis], ignore_index=True),
                                  pd.concat([p.diagnosis.violations for p in bad if p.diagnosis], ignore_index=True),
                                  first.graph)
        return Solution(status, solver, summary={"status": status, "message": bad[0].summary.get("message", "")},
                        diagnosis=diagnosis)
    sums = lambda key: round(sum(p.summary[key] for p in parts), 2)  # noqa: E731 - a local shorthand
    terms = {k: round(sum(p.summary["objective_terms"][k] for p in parts), 2)
             for k in parts[0].summary["objective_terms"]}
    objective, bound = sums("objective"), sums("lp_bound")
    summary = {
        "status": "optimal", "solver": solver, "objective": objective, "objective_terms": terms, "lp_bound": bound,
        "integer_gap": round((objective - bound) / abs(objective), 9) if objective else 0.0,
        "rounding": {"method": "by block: " + ", ".join(sorted({p.summary["rounding"]["method"] for p in parts})),
                     "fractional_variables": sum(p.summary["rounding"]["fractional_variables"] for p in parts)},
        "seconds": {k: round(sum(p.summary["seconds"].get(k, 0.0) for p in parts), 3)
                    for k in ("build", "solve_lp", "round")},
        "certificate_share": {u: v for p in parts for u, v in p.summary["certificate_share"].items()},
        "certificate_share_required": {u: v for p in parts for u, v in p.summary["certificate_share_required"].items()},
        "totals": {k: {a: b for p in parts for a, b in p.summary["totals"][k].items()}
                   for k in parts[0].summary["totals"]},
        "trainee_km": round(sum(p.summary["trainee_km"] for p in parts), 1),
        "slack_used": {k: v for p in parts for k, v in p.summary["slack_used"].items()},
        "variables": {k: sum(p.summary["variables"][k] for p in parts) for k in parts[0].summary["variables"]},
        "blocks": len(parts),
        "shadow_prices": {"meaning": parts[0].summary["shadow_prices"]["meaning"],
                          **{k: {a: b for p in parts for a, b in p.summary["shadow_prices"][k].items()}
                             for k in parts[0].summary["shadow_prices"] if k != "meaning"}},
        "annex1_columns": {"by_prefecture": {k: v for p in parts
                                             for k, v in p.summary["annex1_columns"]["by_prefecture"].items()},
                           "province": {k: sum(p.summary["annex1_columns"]["province"].get(k, 0) for p in parts)
                                        for k in parts[0].summary["annex1_columns"]["province"]}},
        "county_balance": _merge_balance([p.summary["county_balance"] for p in parts]),
        "classes": {k: (sum(p.summary["classes"].get(k, 0) for p in parts) if k not in ("smallest", "largest", "r13")
                        else (min if k == "smallest" else max)(p.summary["classes"].get(k, 0) for p in parts))
                    for k in parts[0].summary["classes"] if k != "r13"},
        "top_institutions": {k: v for p in parts for k, v in p.summary["top_institutions"].items()},
    }
    cat = lambda name: pd.concat([getattr(p, name) for p in parts], ignore_index=True)  # noqa: E731
    merged = Solution("optimal", solver, cat("school_allocation"), cat("project_allocation"),
                      cat("institution_load"), summary)
    classes = cat("classes")
    if not classes.empty:
        classes["class_id"] = [f"C{i + 1:06d}" for i in range(len(classes))]
    merged.classes = classes
    merged.slack = pd.concat([p.slack for p in parts], ignore_index=True)
    summary["classes"]["min_class_size"] = parts[0].summary["classes"].get("min_class_size")
    return merged


def _merge_balance(parts: list[dict]) -> dict:
    """County balance of independent blocks: counts added, lists joined, deviation range widened."""
    hist: dict[str, int] = {}
    for p in parts:
        for k, v in p["relative_deviation"]["histogram"].items():
            hist[k] = hist.get(k, 0) + v
    return {"counties": sum(p["counties"] for p in parts), "on_band_limit": sum(p["on_band_limit"] for p in parts),
            "on_band_limit_counties": sorted(c for p in parts for c in p["on_band_limit_counties"]),
            "relative_deviation": {"min": min(p["relative_deviation"]["min"] for p in parts),
                                   "max": max(p["relative_deviation"]["max"] for p in parts),
                                   "histogram": hist},
            "single_group_counties": sorted(c for p in parts for c in p["single_group_counties"])}
