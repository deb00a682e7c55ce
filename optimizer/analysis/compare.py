"""Key figures of a solved scenario, and the comparison of two scenarios.

Figures: objective and its terms, trainee-km, certificate share per unit, capacity utilisation, slack
used, counties outside their band, and equity — trainees (tech-school + provincial-project) per 10,000
residents by county: lowest, highest and a population-weighted Gini coefficient.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution


def gini(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Weighted Gini coefficient: Σ_i Σ_j w_i w_j |v_i − v_j| / (2 (Σ w)² · weighted mean)."""
    v = np.asarray(values, dtype=float)
    w = np.ones_like(v) if weights is None else np.asarray(weights, dtype=float)
    total, mean = w.sum(), (w * v).sum() / w.sum() if w.sum() else 0.0
    if total == 0 or mean == 0:
        return 0.0
    return float((w[:, None] * w[None, :] * np.abs(v[:, None] - v[None, :])).sum() / (2 * total**2 * mean))


def county_rates(problem: AllocationProblem, solution: Solution) -> pd.DataFrame:
    """Trainees per county (tech-school and provincial-project) and per 10,000 residents (2020 census)."""
    c = problem.counties.set_index("adcode")
    tech = solution.school_allocation.groupby("adcode")["trainees"].sum()
    proj = solution.project_allocation.groupby("adcode")["trainees"].sum()
    out = pd.DataFrame({"county": c["county"], "prefecture": c["prefecture_adcode"].map(problem.names),
                        "tech": tech.reindex(c.index, fill_value=0), "project": proj.reindex(c.index, fill_value=0)})
    out["trainees"] = out["tech"] + out["project"]
    out["population"] = c["population"]
    out["per_10k"] = (out["trainees"] / out["population"] * 10000).round(3)
    return out


@dataclass
class KeyFigures:
    name: str
    status: str
    figures: dict[str, float | int | str]
    cert_share: dict[str, float]

    def to_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "figures": self.figures, "cert_share": self.cert_share}


def key_figures(name: str, problem: AllocationProblem, solution: Solution) -> KeyFigures:
    if not solution.ok:
        return KeyFigures(name, solution.status, {}, {})
    s = solution.summary
    terms = s["objective_terms"]
    load = solution.institution_load
    rates = county_rates(problem, solution)
    slack = solution.slack if not solution.slack.empty else pd.DataFrame(columns=["term", "adcode", "value"])
    band = slack["term"] == "band"
    figures = {
        "objective": s["objective"], "cost": terms["cost"], "travel": terms["travel"], "band": terms["band"],
        "mix": terms["mix"], "lp_bound": s["lp_bound"], "trainee_km": s["trainee_km"],
        "capacity_utilisation": round(float(load["used"].sum() / load["capacity"].sum()), 6),
        # full = every place the plan may fill is used: `plannable` (class_fill of the seats), not the seats, which
        # the plan never reaches (counted against the seats this read 0 on every plan)
        "full_offers": int((load["used"] >= load.get("plannable", load["capacity"])).sum()),
        "band_slack_trainees": round(sum(slack.loc[band, "value"]), 3),
        "mix_slack_trainees": round(sum(slack.loc[slack["term"] == "mix", "value"]), 3),
        "counties_outside_band": int(slack.loc[band & (slack["value"] > 0), "adcode"].nunique()),
        "per_10k_lowest": float(rates["per_10k"].min()), "per_10k_highest": float(rates["per_10k"].max()),
        "per_10k_gini": round(gini(rates["per_10k"].to_numpy(), rates["population"].to_numpy()), 6),
        "min_cert_share": min(s["certificate_share"].values()) if s["certificate_share"] else 0.0,
    }
    return KeyFigures(name, solution.status, figures, dict(s["certificate_share"]))


@dataclass
class Comparison:
    a: KeyFigures
    b: KeyFigures
    figures: pd.DataFrame  # figure, a, b, difference
    by_school: pd.DataFrame  # code, name, a, b, difference (largest |difference| first)
    by_prefecture: pd.DataFrame
    by_county: pd.DataFrame
    by_course: pd.DataFrame
    # a side without a plan: (A or B, scenario name, status, why: the diagnosis' messages); no differences then
    unsolved: list[tuple[str, str, str, list[str]]] = field(default_factory=list)

    def to_dict(self) -> dict:
        # a figure a side has not got (no plan) is null: JSON has no NaN (comparison.json failed to be written)
        figures = self.figures.astype(object).where(self.figures.notna(), None)
        return {"a": self.a.to_dict(), "b": self.b.to_dict(), "figures": figures.to_dict("records"),
                **{k: getattr(self, k).to_dict("records") for k in ("by_school", "by_prefecture", "by_county",
                                                                   "by_course")},
                "unsolved": [{"side": s, "name": n, "status": st, "why": why} for s, n, st, why in self.unsolved]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2, default=str)


def _totals(problem: AllocationProblem, solution: Solution) -> dict[str, pd.Series]:
    if not solution.ok:
        return {k: pd.Series(dtype=float) for k in ("school", "prefecture", "county", "course")}
    x, z = solution.school_allocation, solution.project_allocation
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    both = pd.concat([x[["school_code", "adcode", "course_code", "trainees"]].rename(columns={"school_code": "inst"}),
                      z[["institution_code", "adcode", "course_code", "trainees"]].rename(
                          columns={"institution_code": "inst"})])
    return {"school": both.groupby("inst")["trainees"].sum(),
            "prefecture": both.groupby(both["adcode"].map(pref))["trainees"].sum(),
            "county": both.groupby("adcode")["trainees"].sum(),
            "course": both.groupby("course_code")["trainees"].sum()}


def _diff(a: pd.Series, b: pd.Series, names: dict[str, str]) -> pd.DataFrame:
    keys = sorted(set(a.index) | set(b.index))
    frame = pd.DataFrame({"code": keys, "name": [names.get(k, k) for k in keys],
                          "a": a.reindex(keys, fill_value=0).astype(int).to_numpy(),
                          "b": b.reindex(keys, fill_value=0).astype(int).to_numpy()})
    frame["difference"] = frame["b"] - frame["a"]
    frame = frame[frame["difference"] != 0]
    order = frame["difference"].abs().sort_values(ascending=False, kind="stable").index
    return frame.loc[order].reset_index(drop=True)


def compare(a: tuple[str, AllocationProblem, Solution], b: tuple[str, AllocationProblem, Solution]) -> Comparison:
    """Side-by-side key figures and the differences per school, prefecture, county and course (B − A)."""
    fa, fb = key_figures(*a), key_figures(*b)
    names = {**a[1].names, **b[1].names}
    rows = [{"figure": "status", "a": fa.status, "b": fb.status, "difference": ""}]
    for key in dict.fromkeys([*fa.figures, *fb.figures]):
        va, vb = fa.figures.get(key), fb.figures.get(key)
        diff = round(vb - va, 6) if isinstance(va, int | float) and isinstance(vb, int | float) else ""
        rows.append({"figure": key, "a": va, "b": vb, "difference": diff})
    for unit in sorted(set(fa.cert_share) | set(fb.cert_share)):
        va, vb = fa.cert_share.get(unit), fb.cert_share.get(unit)
        rows.append({"figure": f"cert_share {unit} {names.get(unit, '')}", "a": va, "b": vb,
                     "difference": round(vb - va, 6) if va is not None and vb is not None else ""})
    unsolved = [(side, name, solution.status, list(solution.diagnosis.messages) if solution.diagnosis else [])
                for side, (name, _, solution) in (("A", a), ("B", b)) if not solution.ok]
    ta, tb = _totals(a[1], a[2]), _totals(b[1], b[2])
    if unsolved:  # a side without a plan has no totals: "20,000 → 0" per school would be no difference at all
        ta = tb = {k: pd.Series(dtype=float) for k in ta}
    return Comparison(fa, fb, pd.DataFrame(rows), _diff(ta["school"], tb["school"], names),
                      _diff(ta["prefecture"], tb["prefecture"], names), _diff(ta["county"], tb["county"], names),
                      _diff(ta["course"], tb["course"], names), unsolved)


def _figure_label(figure: str) -> str:
    """A key figure's name in the catalogue's language ("cert_share u01 建投": the unit's code and name follow)."""
    from optimizer.messages import CATALOGUE, msg

    head, _, rest = figure.partition(" ")
    return f"{msg(f'cmp.f.{head}')} {rest}".strip() if f"cmp.f.{head}" in CATALOGUE else figure


# How each key figure is shown (text and workbook): money in 万元 (million yuan in English) as solve prints it,
# shares in percent (their difference in percentage points), rates to one decimal, counts with separators.
MONEY = {"objective", "cost", "travel", "band", "mix", "balance", "lp_bound"}
SHARES = {"capacity_utilisation", "min_cert_share", "cert_share"}
RATES = {"per_10k_lowest", "per_10k_highest"}


def figure_kind(figure: str) -> str:
    """money, share, rate, gini or count: how ``figure`` ("cert_share u01 …": its first word) is shown."""
    head = figure.partition(" ")[0]
    if head in MONEY:
        return "money"
    if head in SHARES:
        return "share"
    return "rate" if head in RATES else "gini" if head == "per_10k_gini" else "count"


def money_unit() -> float:
    """Yuan in the unit the reader's language counts money in: 万元 (10,000) or million yuan."""
    from optimizer.messages import current_language

    return 10_000.0 if current_language() == "zh" else 1_000_000.0


def shown(figure: str, value: object, difference: bool = False) -> str:
    """One cell of the key figures as text: '—' for a figure a side has not got, a status in words, a number
    in its figure's unit (a difference signed; a share's difference in percentage points)."""
    from optimizer.messages import msg

    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "—"
    if isinstance(value, str):
        return str(_status_text(value))
    v = float(value)
    sign = "+" if difference and v != 0 else ""
    kind = figure_kind(figure)
    if kind == "money":
        return f"{v / money_unit():{sign},.2f}"
    if kind == "share":
        return msg("cmp.pp", v=f"{v * 100:{sign}.1f}") if difference else f"{v:.1%}"
    if kind == "rate":
        return f"{v:{sign},.1f}"
    if kind == "gini":
        return f"{v:{sign}.4f}"
    if figure == "trainee_km" or abs(v - round(v)) < 1e-9:  # trainee-km to the kilometre
        return f"{round(v):{sign},}"
    return f"{v:{sign},.2f}"


def _status_text(value: object) -> object:
    """A run status in the catalogue's language; any other value as it is."""
    from optimizer.messages import CATALOGUE, msg

    return msg(f"status.{value}") if isinstance(value, str) and f"status.{value}" in CATALOGUE else value


def comparison_text(c: Comparison, top: int = 10) -> str:
    """The comparison for people, in the catalogue's language: key figures by name, then the largest changes."""
    from optimizer.messages import msg, scenario_title
    from optimizer.messages.numbers import padded as pad

    def fmt(v) -> str:
        return shown("status", v) if isinstance(v, str) or v is None else str(v)

    lines = [msg("cmp.head", a=scenario_title(c.a.name), a_status=fmt(c.a.status), b=scenario_title(c.b.name),
                 b_status=fmt(c.b.status)), ""]
    lines.append(f"{pad(msg('cmp.figure'), 46)} {'A':>16} {'B':>16} {'B − A':>16}")
    for r in c.figures.itertuples():
        diff = "" if r.figure == "status" else shown(r.figure, r.difference, difference=True)
        lines.append(f"{pad(_figure_label(r.figure), 46)} {shown(r.figure, r.a):>16} {shown(r.figure, r.b):>16} "
                     f"{diff:>16}")
    for side, name, status, why in c.unsolved:  # its diagnosis instead of differences that are none
        lines += ["", msg("cmp.unsolved", side=side, name=name, status=fmt(status))]
        lines += [f"  - {m}" for m in why]
    for what, frame in (("school", c.by_school), ("prefecture", c.by_prefecture), ("county", c.by_county),
                        ("course", c.by_course)):
        if c.unsolved:
            break
        lines.append("")
        if frame.empty:
            lines.append(msg("cmp.none", what=msg(f"cmp.by.{what}")))
            continue
        lines.append(msg("cmp.some", what=msg(f"cmp.by.{what}"), n=len(frame)))
        for r in frame.head(top).itertuples():
            lines.append(f"  {r.code:<8} {pad(r.name, 24)} {r.a:>9,} → {r.b:>9,}  ({r.difference:+,})")
    return "\n".join(lines)


def write_comparison_xlsx(c: Comparison, path) -> None:
    """The comparison as a workbook: key figures by name (as the text output names them), then one sheet per
    breakdown; sheet names and column headers in the user's language (Chinese by default), numbers with
    thousands separators."""
    from optimizer.messages import msg
    from optimizer.outputs.files import neutralise_text

    columns = {k: msg(f"cmp.col.{k}") for k in ("code", "name", "a", "b", "difference")}
    with pd.ExcelWriter(path, engine="xlsxwriter", engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
        number = xw.book.add_format({"num_format": "#,##0"})
        formats = {"money": xw.book.add_format({"num_format": "#,##0.00"}),
                   "share": xw.book.add_format({"num_format": "0.0%"}),
                   "rate": xw.book.add_format({"num_format": "#,##0.0"}),
                   "gini": xw.book.add_format({"num_format": "0.0000"}), "count": number}
        sheet = xw.book.add_worksheet(msg("cmp.sheet.figures"))
        bold = xw.book.add_format({"bold": True})
        for j, head in enumerate([msg("cmp.figure"), columns["a"], columns["b"], columns["difference"]]):
            sheet.write(0, j, head, bold)
        for i, r in enumerate(c.figures.itertuples(), start=1):
            sheet.write(i, 0, _figure_label(r.figure))
            for j, v in enumerate((r.a, r.b, r.difference), start=1):
                _figure_cell(sheet, i, j, r.figure, v, formats)
        _sides_below(xw.book, sheet, c, len(c.figures) + 2)
        sheet.set_column(0, 0, 44)
        sheet.set_column(1, 3, 18)
        _printable(sheet)
        for name in ("by_school", "by_prefecture", "by_county", "by_course"):
            frame = neutralise_text(getattr(c, name)).rename(columns=columns)
            frame.to_excel(xw, sheet_name=msg(f"cmp.sheet.{name}"), index=False)
            sheet = xw.sheets[msg(f"cmp.sheet.{name}")]
            sheet.set_column(0, 0, 10)
            sheet.set_column(1, 1, 36)
            sheet.set_column(2, 4, 14, number)
            _printable(sheet)


def _sides_below(book, sheet, c: Comparison, row: int) -> None:
    """Under the key figures: which scenario is A and which B (the workbook said only 方案 A / 方案 B, so a
    printed copy did not say what was compared), and an unsolved side's diagnosis (its column was blank)."""
    from optimizer.messages import msg, scenario_title

    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    lines = [msg("cmp.head", a=scenario_title(c.a.name), a_status=_status_text(c.a.status),
                 b=scenario_title(c.b.name), b_status=_status_text(c.b.status))]
    for side, name, status, why in c.unsolved:
        lines.append(msg("cmp.unsolved", side=side, name=name, status=_status_text(status)))
        lines += [f"  - {m}" for m in why]
    for i, line in enumerate(lines):
        sheet.merge_range(row + i, 0, row + i, 3, line, wrap)
        sheet.set_row(row + i, 15 * (1 + len(line) // 50))  # A:D hold about 50 Chinese characters a line


def _figure_cell(sheet, row: int, col: int, figure: str, value: object, formats: dict) -> None:
    """A key figure's cell: a number in its figure's unit and format (money in 万元), a status in words, blank
    where the side has no plan."""
    if value is None or value == "" or (isinstance(value, float) and np.isnan(value)):
        return
    if isinstance(value, str):
        sheet.write_string(row, col, str(_status_text(value)))
        return
    kind = figure_kind(figure)
    v = float(value) / money_unit() if kind == "money" else float(value)
    sheet.write_number(row, col, v, formats[kind])


def _printable(sheet) -> None:
    """Landscape, every column on one page's width, the header row repeated (B and B − A printed on a second
    page before)."""
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
