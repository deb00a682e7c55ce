"""County task breakdown (各县级任务分解): every prefecture's Annex 1, 4 and 5 figures per county, in 人次.

Column 5 of Annex 1 (technical schools) and Annex 4 come from the model's allocation; every other column
is apportioned by a county indicator (population by default, or user weights per column) so that each
column sums exactly to the prefecture's printed figure and the notice's hierarchy holds in every county:
2 ≤ 1, 3 ≤ 2, 9 ≤ 8, each of 4–8 ≤ 1; Annex 5 total = SIYB + online, college parts within their parents.
Where the notice's own numbers disagree, each prefecture's printed row wins, and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from optimizer import rules
from optimizer.data.check import Finding, check_plan_consistency
from optimizer.data.loader import PROVINCE_ADCODE, PlanData
from optimizer.data.schema import ANNEX5_COLUMNS
from optimizer.errors import InputError, ProblemList
from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution
from optimizer.outputs.apportion import ApportionmentError, apportion

ANNEX1 = [f"col{i}" for i in range(1, 10)]
ANNEX5 = list(ANNEX5_COLUMNS)


@dataclass
class Breakdown:
    """Per-county tables for all prefectures, plus the province's own rows and notes per prefecture."""

    annex1: pd.DataFrame  # prefecture, prefecture_name, adcode, county, col1..col9 (人次)
    annex4: pd.DataFrame  # prefecture, adcode, county, unit, unit_name, trainees
    annex5: pd.DataFrame  # prefecture, adcode, county, total … livestream
    schools: pd.DataFrame  # prefecture, adcode, county, school, course, certificate_type, level, trainees, classes
    projects: pd.DataFrame  # prefecture, adcode, county, unit, course, institution, trainees, classes
    province: dict[str, pd.DataFrame]  # annex1 / annex4 / annex5 rows per prefecture, as printed (人次)
    notes: dict[str, list[str]] = field(default_factory=dict)  # prefecture adcode → notes
    findings: dict[str, list[Finding]] = field(default_factory=dict)  # prefecture adcode → check findings
    method: str = "hamilton"
    indicator: str = "population_2020"
    weights: CountyWeights | None = None

    def weighted_groups(self, prefecture: str) -> list[tuple[str, str, dict[str, float]]]:
        """(table, column, adcode → weight) for each group of ``prefecture`` the user's weights file set."""
        if self.weights is None:
            return []
        out = []
        for pref, table, column in sorted(self.weights.groups()):
            if pref == prefecture:
                out.append((table, column, self.weights.for_group(pref, table, column) or {}))
        return out

    def long(self) -> pd.DataFrame:
        """``breakdown.csv``: adcode, county, prefecture, table, column, value (人次)."""
        parts = []
        a1 = self.annex1.melt(id_vars=["adcode", "county", "prefecture_name"], value_vars=ANNEX1,
                              var_name="column", value_name="value")
        a1["column"] = a1["column"].str.removeprefix("col")
        parts.append(a1.assign(table="annex1"))
        a4 = self.annex4.rename(columns={"unit_name": "column", "trainees": "value"})
        parts.append(a4[["adcode", "county", "prefecture_name", "column", "value"]].assign(table="annex4"))
        a5 = self.annex5.melt(id_vars=["adcode", "county", "prefecture_name"], value_vars=ANNEX5,
                              var_name="column", value_name="value")
        parts.append(a5.assign(table="annex5"))
        out = pd.concat(parts, ignore_index=True).rename(columns={"prefecture_name": "prefecture"})
        out["value"] = out["value"].astype(int)
        order = {"annex1": 0, "annex4": 1, "annex5": 2}
        out["_t"] = out["table"].map(order)
        out = out.sort_values(["adcode", "_t"], kind="stable").drop(columns="_t")
        return out[["adcode", "county", "prefecture", "table", "column", "value"]].reset_index(drop=True)


# Columns a weights file may set: Annex 1 column 5 is the model's, Annex 5's total is SIYB + online
WEIGHTABLE = {"annex1": tuple(str(i) for i in range(1, 10) if i != 5),
              "annex5": tuple(c for c in ANNEX5 if c != "total")}


@dataclass(frozen=True)
class CountyWeights:
    """A user's county weights: only the (prefecture, table, column) groups they name are changed.

    ``frame`` holds adcode, prefecture, table, column, weight; ``source`` is the file as given and
    ``digest`` a hash of its bytes (part of the export's input identity).
    """

    frame: pd.DataFrame
    source: str
    digest: str

    def groups(self) -> set[tuple[str, str, str]]:
        """The (prefecture adcode, table, column) groups the file names."""
        return set(zip(self.frame["prefecture"], self.frame["table"], self.frame["column"], strict=True))

    def for_group(self, prefecture: str, table: str, column: str) -> dict[str, float] | None:
        """adcode → weight for one group, or None when the file does not name it."""
        f = self.frame
        sel = f[(f["prefecture"] == prefecture) & (f["table"] == table) & (f["column"] == column)]
        return None if sel.empty else dict(zip(sel["adcode"], sel["weight"].astype(float), strict=True))


def load_county_weights(path, counties: pd.DataFrame | None) -> CountyWeights:
    """A user's county weights per column: adcode, table (annex1/annex5), column, weight.

    A group (prefecture, table, column) the file names must list every county of that prefecture, so that a
    partial file can never turn the counties it forgot into zeros; every problem is raised at once.
    ``counties`` None: the data could not be read; only the file's columns and cell types are checked.
    """
    import hashlib

    from optimizer.data.schema import Column, TableSchema
    from optimizer.data.tables import parse_table, read_raw

    schema = TableSchema("county_weights", "county weights", (
        Column("adcode", "adcode", "county"), Column("table", "text", "annex1 or annex5", choices=("annex1", "annex5")),
        Column("column", "text", "1…9 (not 5) for Annex 1; siyb, college_siyb, online, college_online, livestream"),
        Column("weight", "float", "weight (≥ 0)"),
    ), key=("adcode", "table", "column"))
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    frame = parse_table(raw, schema, problems)
    known = set(counties["adcode"]) if counties is not None else None  # None: the data could not be read
    for r in frame.itertuples():
        if known is not None and r.adcode and r.adcode not in known:
            problems.add(raw.file, r.src_row, "adcode", r.adcode, msg("wb.weights_unknown_county"))
        if r.table in WEIGHTABLE and r.column not in WEIGHTABLE[r.table]:
            problems.add(raw.file, r.src_row, "column", r.column,
                         msg("wb.weights_bad_column", choices=", ".join(WEIGHTABLE[r.table])))
    problems.raise_if_any()
    if counties is None:  # only the file's own content was checked
        return CountyWeights(frame.drop(columns="src_row").reset_index(drop=True), str(path), "")
    pref_of = counties.set_index("adcode")["prefecture_adcode"]
    frame = frame.assign(prefecture=frame["adcode"].map(pref_of))
    _require_whole_groups(frame, counties, raw.file, problems)
    problems.raise_if_any()
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]
    return CountyWeights(frame.drop(columns="src_row").reset_index(drop=True), str(path), digest)


def _require_whole_groups(frame: pd.DataFrame, counties: pd.DataFrame, file: str, problems: ProblemList) -> None:
    """Each named group lists every county of its prefecture and has some weight (else exit 2, names listed)."""
    by_pref = counties.groupby("prefecture_adcode")
    names = dict(zip(counties["adcode"], counties["county"], strict=True))
    for (pref, table, column), group in frame.groupby(["prefecture", "table", "column"], sort=True):
        expected = list(by_pref.get_group(pref).sort_values("adcode")["adcode"])
        missing = [c for c in expected if c not in set(group["adcode"])]
        first = int(group["src_row"].min())
        pname = counties.loc[counties["adcode"] == expected[0], "prefecture"].iloc[0] if "prefecture" in counties \
            else pref
        where = f"{table}:{column}"
        if missing:
            listed = "、".join(f"{names[c]}（{c}）" for c in missing)
            problems.add(file, first, "adcode", where,
                         msg("wb.weights_partial_group", prefecture=pname, table=table, column=column,
                             n=len(missing), total=len(expected), missing=listed))
        elif float(group["weight"].sum()) <= 0:
            problems.add(file, first, "weight", where,
                         msg("wb.weights_all_zero", prefecture=pname, table=table, column=column))


def county_breakdown(plan: PlanData, problem: AllocationProblem, solution: Solution, method: str = "hamilton",
                     weights: CountyWeights | pd.DataFrame | None = None) -> Breakdown:
    """The breakdown for all 16 prefectures; raises ``InputError`` if bounds make a column impossible."""
    counties = problem.counties.sort_values("adcode")
    names = problem.names
    if isinstance(weights, pd.DataFrame):  # a frame of adcode, table, column, weight (library callers)
        pref_of = plan.counties.set_index("adcode")["prefecture_adcode"]
        weights = CountyWeights(weights.assign(prefecture=weights["adcode"].map(pref_of)), "weights", "frame")
    a1 = plan.annex1_persons().set_index("prefecture")
    a5 = plan.annex5.set_index("prefecture")
    tech = solution.school_allocation.groupby("adcode")["trainees"].sum()
    problems = ProblemList()
    rows1, rows5 = [], []
    notes: dict[str, list[str]] = {}
    used: set[tuple[str, str, str]] = set()
    for pref, group in counties.groupby("prefecture_adcode", sort=True):
        codes = list(group["adcode"])
        base = list(group["indicator"])

        def w(table: str, column: str, codes=codes, base=base, pref=pref) -> list[float]:
            given = weights.for_group(pref, table, column) if weights is not None else None
            if given is None:
                return base
            used.add((pref, table, column))
            return [float(given[c]) for c in codes]

        pname = names[pref]
        pnotes: list[str] = []

        def share(total: int, what: str, ws: list[float], lower=None, upper=None, pname=pname) -> list[int]:
            try:
                return apportion(ws, int(total), method, lower=lower, upper=upper)
            except ApportionmentError as exc:
                problems.add("breakdown", None, what, total,
                             msg("breakdown.cannot_share", prefecture=pname, what=what, reason=exc))
                return [0] * len(ws)

        r5 = a5.loc[pref]
        siyb = share(r5["siyb"], "annex5 siyb", w("annex5", "siyb"))
        college_siyb = share(r5["college_siyb"], "annex5 college_siyb", w("annex5", "college_siyb"), upper=siyb)
        online = share(r5["online"], "annex5 online", w("annex5", "online"))
        college_online = share(r5["college_online"], "annex5 college_online", w("annex5", "college_online"),
                               upper=online)
        livestream = share(r5["livestream"], "annex5 livestream", w("annex5", "livestream"), upper=online)
        total5 = [s + o for s, o in zip(siyb, online, strict=True)]
        if int(r5["total"]) != int(r5["siyb"]) + int(r5["online"]):
            pnotes.append(msg("wb.note_annex5_total", "zh", total=int(r5["total"]), siyb=int(r5["siyb"]),
                              online=int(r5["online"])))
        r1 = a1.loc[pref]
        col5 = [int(tech.get(c, 0)) for c in codes]
        if int(r1["col7"]) == int(r5["total"]):
            col7 = total5
        else:
            col7 = share(r1["col7"], "annex1 col7", w("annex1", "7"))
            pnotes.append(msg("wb.note_col7", "zh", col7=int(r1["col7"]), total=int(r5["total"])))
        col1 = share(r1["col1"], "annex1 col1", w("annex1", "1"),
                     lower=[max(a, b) for a, b in zip(col5, col7, strict=True)])
        placed2, placed3 = (placed_quality(solution, codes, k) for k in ("certificate", "advanced"))
        col2 = share(r1["col2"], "annex1 col2", w("annex1", "2"), upper=col1,
                     lower=covering_floor(placed2, int(r1["col2"]), col1))
        col3 = share(r1["col3"], "annex1 col3", w("annex1", "3"), upper=col2,
                     lower=covering_floor(placed3, int(r1["col3"]), col2))
        pnotes += excess_notes(codes, names, placed2, col2, "2") + excess_notes(codes, names, placed3, col3, "3")
        col4 = share(r1["col4"], "annex1 col4", w("annex1", "4"), upper=col1)
        col6 = share(r1["col6"], "annex1 col6", w("annex1", "6"), upper=col1)
        college = [a + b for a, b in zip(college_siyb, college_online, strict=True)]
        if int(r1["col8"]) == int(r5["college_siyb"]) + int(r5["college_online"]) + int(r1["col9"]):
            col8 = share(r1["col8"], "annex1 col8", w("annex1", "8"), lower=college, upper=col1)
            col9 = [a - b for a, b in zip(col8, college, strict=True)]
        else:
            col8 = share(r1["col8"], "annex1 col8", w("annex1", "8"), upper=col1)
            col9 = share(r1["col9"], "annex1 col9", w("annex1", "9"), upper=col8)
            implied = int(r5["college_siyb"]) + int(r5["college_online"]) + int(r1["col9"])
            pnotes.append(msg("wb.note_col8", "zh", printed=int(r1["col8"]), implied=implied))
        for i, c in enumerate(codes):
            rows1.append({"prefecture": pref, "prefecture_name": pname, "adcode": c, "county": names[c],
                          "col1": col1[i], "col2": col2[i], "col3": col3[i], "col4": col4[i], "col5": col5[i],
                          "col6": col6[i], "col7": col7[i], "col8": col8[i], "col9": col9[i]})
            rows5.append({"prefecture": pref, "prefecture_name": pname, "adcode": c, "county": names[c],
                          "total": total5[i], "siyb": siyb[i], "college_siyb": college_siyb[i], "online": online[i],
                          "college_online": college_online[i], "livestream": livestream[i]})
        notes[pref] = pnotes
    if weights is not None:
        _reject_unused_groups(weights, used, names, problems)
    if problems:
        raise InputError(problems.items)
    annex1 = pd.DataFrame(rows1)
    annex5 = pd.DataFrame(rows5)
    county_pref = counties.set_index("adcode")["prefecture_adcode"]
    proj = solution.project_allocation
    a4 = proj.groupby(["unit_code", "adcode"], as_index=False)["trainees"].sum()
    a4["prefecture"] = a4["adcode"].map(county_pref)
    a4 = a4.assign(prefecture_name=a4["prefecture"].map(names), county=a4["adcode"].map(names),
                   unit=a4["unit_code"], unit_name=a4["unit_code"].map(names))
    a4 = a4[["prefecture", "prefecture_name", "adcode", "county", "unit", "unit_name", "trainees"]]
    a4 = a4.sort_values(["adcode", "unit"]).reset_index(drop=True)
    schools = solution.school_allocation.assign(prefecture=lambda f: f["adcode"].map(county_pref))
    projects = proj.assign(prefecture_code=lambda f: f["adcode"].map(county_pref))
    findings = _findings_by_prefecture(plan)
    return Breakdown(annex1, a4, annex5, schools, projects, _province(plan), notes, findings, method,
                     problem.params.indicator, weights)


def _reject_unused_groups(weights: CountyWeights, used: set[tuple[str, str, str]], names: dict[str, str],
                          problems: ProblemList) -> None:
    """A group the file names but the breakdown does not apportion (e.g. column 7 follows Annex 5) is an error,
    never silently ignored."""
    for pref, table, column in sorted(weights.groups() - used):
        problems.add(weights.source, None, "column", f"{table}:{column}",
                     msg("wb.weights_unused_group", prefecture=names.get(pref, pref), table=table, column=column))


def placed_quality(solution: Solution, codes: list[str], kind: str) -> list[int]:
    """Issue 13: certificate-class (column 2) or 高级工+ (column 3) trainees the allocation places in each county,
    technical schools and provincial projects together."""
    frames = [solution.school_allocation, solution.project_allocation]
    total = pd.Series(0, index=codes, dtype=int)
    for f in frames:
        if f.empty:
            continue
        mask = f["certificate_type"].map(rules.is_certificate_class)
        if kind == "advanced":
            mask &= f["level"].map(rules.is_advanced)
        total = total.add(f[mask].groupby("adcode")["trainees"].sum().reindex(codes, fill_value=0), fill_value=0)
    return [int(v) for v in total]


def covering_floor(placed: list[int], total: int, upper: list[int]) -> list[int]:
    """Lower bounds so a county's column covers what the allocation placed there, as far as the printed
    prefecture figure allows: min(placed, parent column). When they add up to more than the figure, the figure is
    shared in proportion to them (largest remainders, ``apportion``), each county at most its own: every county's
    column then follows where the plan trains (covering the smallest counties first left the largest at 0 beside
    thousands of certificate-class trainees placed there: not a table a bureau can sign)."""
    low = [min(p, u) for p, u in zip(placed, upper, strict=True)]
    if sum(low) > total:
        low = apportion(low, total, upper=low)
    return low


def excess_notes(codes: list[str], names: dict[str, str], placed: list[int], column: list[int], col: str) -> list[str]:
    """The cover's notes where the plan places more column-``col`` trainees than the exported task: one line for
    the prefecture when its printed figure is below the plan's (every county's task is then its proportional share,
    the plan's own figures stand in 分配明细), else a line per county over its task (capped by its column 1)."""
    if sum(placed) > sum(column):
        return [msg("wb.note_quality_shared", "zh", col=col, printed=sum(column), placed=sum(placed))]
    return [msg("wb.note_county_over", "zh", county=names[c], col=col, placed=p, task=v, over=p - v)
            for c, p, v in zip(codes, placed, column, strict=True) if p > v]


def _province(plan: PlanData) -> dict[str, pd.DataFrame]:
    """The notice's own prefecture rows (人次), for the province workbook."""
    a1 = plan.annex1_persons()
    a1 = a1.assign(name=[plan.prefecture_name(p) for p in a1["prefecture"]])
    a4 = plan.annex4.assign(name=[plan.prefecture_name(p) for p in plan.annex4["prefecture"]])
    a5 = plan.annex5.assign(name=[plan.prefecture_name(p) for p in plan.annex5["prefecture"]])
    return {"annex1": a1, "annex4": a4, "annex5": a5}


def _findings_by_prefecture(plan: PlanData) -> dict[str, list[Finding]]:
    out: dict[str, list[Finding]] = {}
    for f in check_plan_consistency(plan):  # a finding on a prefecture's row goes to it; the rest to the province
        code = plan.prefecture_names.resolve(f.row) or PROVINCE_ADCODE
        out.setdefault(code, []).append(f)
    return out
