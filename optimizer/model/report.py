"""What a planner checks first, computed from the result tables: Annex 1 columns 2 and 3 per prefecture, how
counties sit around their share, whole classes against the rules, and the R18 ranking."""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.model.lp import balance_table
from optimizer.model.problem import AllocationProblem


def annex1_columns(problem: AllocationProblem, x: pd.DataFrame, z: pd.DataFrame) -> dict:
    """Per prefecture: columns 2 and 3 (persons), the schools' and units' contributions placed there, the floors
    the schools must reach, the 培训合格证书 cap, and any excess of the modelled training over a column."""
    c = problem.courses.set_index("code")
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]

    def tally(frame: pd.DataFrame, flag: pd.Series) -> pd.Series:
        if frame.empty:
            return pd.Series(dtype=float)
        mask = frame["course_code"].map(flag).fillna(False).astype(bool)
        return frame[mask].groupby(frame["adcode"].map(pref))["trainees"].sum()

    qual = c["certificate_type"] == rules.QUALIFICATION_CERTIFICATE_TYPE
    parts = {"school_certificate": tally(x, c["certificate_class"]), "school_advanced": tally(x, c["advanced"]),
             "unit_certificate": tally(z, c["certificate_class"]), "unit_advanced": tally(z, c["advanced"]),
             "school_qualification": tally(x, qual)}
    out = {}
    for t in problem.targets.itertuples():
        row = {k: int(v.get(t.prefecture, 0)) for k, v in parts.items()}
        cert = row["school_certificate"] + row["unit_certificate"]
        adv = row["school_advanced"] + row["unit_advanced"]
        out[t.prefecture] = {
            "name": t.name, "col2": int(t.col2), "col3": int(t.col3), **row,
            "modelled_certificate": cert, "modelled_advanced": adv,
            "certificate_floor": int(t.certificate_need), "advanced_floor": int(t.advanced_need),
            "certificate_floor_share": round(float(t.certificate_share), 6),
            "advanced_floor_share": round(float(t.advanced_share), 6),
            "qualification_cap": int(t.qualification_cap),
            "excess_col2": max(0, cert - int(t.col2)), "excess_col3": max(0, adv - int(t.col3)),
        }
    total = {k: sum(v[k] for v in out.values()) for k in next(iter(out.values())) if k != "name"
             and not k.endswith("_share")} if out else {}
    return {"by_prefecture": out, "province": total}


def county_balance(problem: AllocationProblem, x: pd.DataFrame) -> dict:
    """Where each county's tech-school trainees sit against its share: on a band limit or not, and the
    distribution of relative deviations from the indicator share."""
    b = balance_table(problem).set_index("adcode")
    got = x.groupby("adcode")["trainees"].sum().reindex(b.index, fill_value=0)
    on_limit = (got >= b["high"]) | ((b["low"] > 0) & (got <= b["low"]))
    rel = ((got - b["ideal"]) / b["ideal"].where(b["ideal"] > 0, 1)).astype(float)
    bins = [-np.inf, -0.25, -0.1, -0.02, 0.02, 0.1, 0.25, np.inf]
    labels = ["< -25%", "-25%..-10%", "-10%..-2%", "-2%..+2%", "+2%..+10%", "+10%..+25%", "> +25%"]
    hist = pd.cut(rel, bins, labels=labels).value_counts().reindex(labels, fill_value=0)
    groups = problem.courses.set_index("code")["group"]
    per_county = x.assign(g=x["course_code"].map(groups)).groupby("adcode")["g"].nunique()
    focus = problem.focus[problem.focus["share"] > 0].groupby("prefecture")["group"].nunique()
    single = [c for c in b.index if per_county.get(c, 0) <= 1 and focus.get(b.loc[c, "prefecture"], 0) >= 3]
    return {"counties": len(b), "on_band_limit": int(on_limit.sum()),
            "on_band_limit_counties": sorted(b.index[on_limit]),
            "relative_deviation": {"min": round(float(rel.min()), 4), "median": round(float(rel.median()), 4),
                                   "max": round(float(rel.max()), 4),
                                   "histogram": {k: int(v) for k, v in hist.items()}},
            "single_group_counties": single}


def class_report(problem: AllocationProblem, classes: pd.DataFrame) -> dict:
    """Whole classes against R5 and the minimum size, and per (institution, course) against its slots."""
    from optimizer.model.classes import class_size, class_slots, r13_report

    if classes.empty:
        return {"classes": 0}
    size = classes["course_code"].map(class_size(problem))
    m = np.minimum(problem.params.min_class_size, size)
    used = classes.groupby(["institution_code", "course_code"]).size()
    slots = class_slots(problem).reindex(used.index, fill_value=0)
    return {"classes": len(classes), "min_class_size": problem.params.min_class_size,
            "smallest": int(classes["trainees"].min()), "largest": int(classes["trainees"].max()),
            "outside_size_limits": int(((classes["trainees"] < m) | (classes["trainees"] > size)).sum()),
            "offers_over_slots": int((used > slots).sum()), "slots_used": int(used.sum()),
            "r13": r13_report(classes)}


def _subsidised_rows(x: pd.DataFrame, z: pd.DataFrame, problem: AllocationProblem) -> pd.DataFrame:
    """institution_code, prefecture, trainees, cost of both programmes, subsidised institutions only (R15)."""
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    a = x.rename(columns={"school_code": "institution_code"})[["institution_code", "adcode", "trainees", "cost"]]
    rows = pd.concat([a, z[["institution_code", "adcode", "trainees", "cost"]]], ignore_index=True)
    teachers = problem.institutions.set_index("code")["platform_teachers"]
    rows = rows[rows["institution_code"].map(teachers).fillna(0).to_numpy() > 0]
    return rows.assign(prefecture=rows["adcode"].map(pref))


def _rank(rows: pd.DataFrame, problem: AllocationProblem, n: int) -> pd.DataFrame:
    g = rows.groupby("institution_code").agg(subsidised_yuan=("cost", "sum"), trainees=("trainees", "sum"))
    g = g.reset_index().sort_values(["subsidised_yuan", "trainees", "institution_code"],
                                    ascending=[False, False, True]).head(n)
    g.insert(0, "rank", range(1, len(g) + 1))
    g["institution"] = g["institution_code"].map(problem.names)
    g["subsidised_yuan"] = g["subsidised_yuan"].round(2)
    return g[["rank", "institution_code", "institution", "subsidised_yuan", "trainees"]].reset_index(drop=True)


def top_institutions(x: pd.DataFrame, z: pd.DataFrame, problem: AllocationProblem, prefecture: str | None = None,
                     n: int = rules.TOP_INSTITUTIONS_TRACKED) -> pd.DataFrame:
    """R18 (四(二)): the ``n`` institutions with the most subsidised training in a locality (a prefecture, or the
    province), ranked by subsidised volume = trainees × price (yuan) of their classes there; only institutions
    whose teachers are on the provincial platform are subsidised (R15). Ties: more trainees, then code."""
    rows = _subsidised_rows(x, z, problem)
    if prefecture is not None:
        rows = rows[rows["prefecture"] == prefecture]
    return _rank(rows, problem, n)


def top_by_prefecture(problem: AllocationProblem, x: pd.DataFrame, z: pd.DataFrame) -> dict:
    """R18 for every prefecture, as JSON-ready records."""
    rows = _subsidised_rows(x, z, problem)
    out = {p: [] for p in problem.targets["prefecture"]}
    # one grouping for all prefectures (a grouping per prefecture cost ~0.1 s of every solve); the same sums,
    # order and ties as _rank
    g = rows.groupby(["prefecture", "institution_code"]).agg(subsidised_yuan=("cost", "sum"),
                                                             trainees=("trainees", "sum")).reset_index()
    g = g.sort_values(["prefecture", "subsidised_yuan", "trainees", "institution_code"],
                      ascending=[True, False, False, True])
    g = g.groupby("prefecture", sort=False).head(rules.TOP_INSTITUTIONS_TRACKED)
    g["rank"] = g.groupby("prefecture", sort=False).cumcount() + 1
    g["institution"] = g["institution_code"].map(problem.names)
    g["subsidised_yuan"] = g["subsidised_yuan"].round(2)
    columns = ["rank", "institution_code", "institution", "subsidised_yuan", "trainees"]
    # records from plain lists (DataFrame.to_dict per prefecture read every row through pandas' indexer)
    for p, *row in zip(*(g[c].tolist() for c in ["prefecture", *columns]), strict=True):
        out.setdefault(p, []).append(dict(zip(columns, row, strict=True)))
    return out
