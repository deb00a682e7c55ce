"""Why a county got its numbers: its share, its band and where it sits, who serves it, the binding rows.

``explain_county`` returns plain data (the workspace shows the same); ``render`` writes it in Chinese or
English through the message catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from optimizer.messages import indicator_name, msg
from optimizer.messages import numbers as fmt
from optimizer.model.lp import balance_table
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution


@dataclass
class CountyExplanation:
    """Everything ``explain`` says about one county, as data."""

    adcode: str
    county: str
    prefecture: str
    prefecture_name: str
    indicator: str
    share: float
    target: int
    ideal: float
    center: int
    low: int
    high: int
    placed: int
    position: str  # inner | outer | limit
    schools: pd.DataFrame = field(default_factory=pd.DataFrame)  # school, trainees, classes, courses, cost, km
    units: pd.DataFrame = field(default_factory=pd.DataFrame)  # unit, institution, trainees, classes, courses, cost
    binding: list[tuple[str, dict, float]] = field(default_factory=list)  # (message key, values, shadow price)


def find_county(problem: AllocationProblem, text: str) -> str | None:
    """A county by adcode or by name (as in counties.csv); spaces around it ignored (a name pasted with a
    trailing space, '西山区 ', was not found and the hint offered 西山区 itself)."""
    c, text = problem.counties, text.strip()
    if text in set(c["adcode"]):
        return text
    hit = c.loc[c["county"] == text, "adcode"]
    return hit.iat[0] if len(hit) == 1 else None


def county_hint(problem: AllocationProblem, text: str) -> str | None:
    """The county a name that matched none was probably meant to be: the one county whose name begins with it,
    or with it less a wrong 县/区/市 (东川 or 东川县 → 东川区, as people say it), else the closest name."""
    from optimizer.data.names import suggest_word

    names = list(problem.counties["county"])
    for stem in (text, text[:-1] if len(text) > 2 and text[-1] in "县区市" else ""):
        starts = [n for n in names if stem and n.startswith(stem)]
        if len(starts) == 1:
            return starts[0]
    return suggest_word(text, names)


def explain_county(problem: AllocationProblem, solution: Solution, adcode: str) -> CountyExplanation:
    """The explanation of one county of a solved plan."""
    names = problem.names
    row = problem.counties.set_index("adcode").loc[adcode]
    pref = row["prefecture_adcode"]
    bal = balance_table(problem).set_index("adcode").loc[adcode]
    x = solution.school_allocation[solution.school_allocation["adcode"] == adcode]
    z = solution.project_allocation[solution.project_allocation["adcode"] == adcode]
    placed = int(x["trainees"].sum())
    p = problem.params
    dev = placed - int(bal["center"])
    limit = placed >= bal["high"] or (bal["low"] > 0 and placed <= bal["low"])
    inner = (dev >= 0 and dev <= bal["inner_up"]) or (dev < 0 and -dev <= bal["inner_down"])
    position = "limit" if limit else ("inner" if inner else "outer")
    schools = x.groupby("school", sort=False).agg(trainees=("trainees", "sum"), classes=("classes", "sum"),
                                                  courses=("course", lambda s: "、".join(sorted(set(s)))),
                                                  cost=("cost", "sum"), km=("travel_km", "max")).reset_index()
    units = z.groupby(["unit", "institution"], sort=False).agg(
        trainees=("trainees", "sum"), classes=("classes", "sum"),
        courses=("course", lambda s: "、".join(sorted(set(s)))), cost=("cost", "sum")).reset_index()
    prices = solution.summary.get("shadow_prices", {})
    binding: list[tuple[str, dict, float]] = []
    for key, group, code in (("explain.dual.band", "county_balance", adcode), ("explain.dual.target", "target", pref),
                             ("explain.dual.advanced", "advanced_floor", pref),
                             ("explain.dual.certificate", "certificate_floor", pref)):
        value = prices.get(group, {}).get(code)
        if value:
            binding.append((key, {"prefecture": names[pref]}, float(value)))
    load = solution.institution_load
    serving = set(x["school_code"]) | set(z["institution_code"])
    tight = load[load["institution_code"].isin(serving) & (load["shadow_price"].abs() > 1e-9)]
    for r in tight.itertuples():
        binding.append(("explain.dual.capacity", {"institution": r.institution, "course": r.course},
                        float(r.shadow_price)))
    return CountyExplanation(adcode, row["county"], pref, names[pref], p.indicator, float(row["share"]),
                             int(problem.targets.set_index("prefecture").loc[pref, "target"]), float(bal["ideal"]),
                             int(bal["center"]), int(bal["low"]), int(bal["high"]), placed, position, schools, units,
                             binding)


def render(e: CountyExplanation, lang: str | None = None, problem: AllocationProblem | None = None) -> str:
    """The explanation as text, in the message catalogue's language."""
    p = problem.params if problem is not None else None
    cost = {"inner": p.balance_cost_inner if p else "", "outer": p.balance_cost_outer if p else "",
            "limit": p.balance_cost_outer if p else ""}[e.position]
    lines = [msg("explain.title", lang, county=e.county, prefecture=e.prefecture_name),
             msg("explain.share", lang, share=fmt.share(e.share), indicator=indicator_name(e.indicator, lang),
                 prefecture=e.prefecture_name, target=fmt.count(e.target), ideal=f"{e.ideal:,.1f}"),
             msg("explain.band", lang, low=fmt.count(e.low), high=fmt.count(e.high), center=fmt.count(e.center),
                 got=fmt.count(e.placed), dev=f"{e.placed - e.ideal:+,.1f}",
                 where=msg(f"explain.where.{e.position}", lang, cost=cost)),
             msg("explain.schools", lang, n=len(e.schools))]
    for r in e.schools.itertuples():
        lines.append(msg("explain.row.school", lang, name=r.school, trainees=fmt.count(r.trainees),
                         classes=fmt.count(r.classes), courses=r.courses, cost=fmt.yuan(r.cost, lang),
                         km=f"{r.km:,.0f}"))
    lines.append(msg("explain.units", lang, n=len(e.units)))
    for r in e.units.itertuples():
        lines.append(msg("explain.row.unit", lang, name=r.unit, institution=r.institution,
                         trainees=fmt.count(r.trainees), classes=fmt.count(r.classes), courses=r.courses,
                         cost=fmt.yuan(r.cost, lang)))
    lines.append(msg("explain.binding", lang))
    if not e.binding:
        lines.append(msg("explain.none", lang))
    for key, values, value in e.binding:
        lines.append(msg("explain.row.dual", lang, row=msg(key, lang, **values), value=f"{value:,.2f}"))
    return "\n".join(lines)
