"""Evaluation of real responses: quotes (lot, school, quote) and panel scores (lot, school, expert, criterion,
points) against a shortlist run's lots, qualified schools and criteria.

Rules applied (see scoring.py for their sources): price score = lowest responsive quote of the lot / quote ×
price weight × 100 (财库〔2014〕214号 第二十四条); a quote above the lot's ceiling is invalid (最高限价, announced
in the documents); a technical criterion's score is the mean of the panel members' points (each member
scores independently), and no member may give more than the criterion's points; negotiation lots go to
the lowest responsive quote (政府采购法 第三十八条). Every problem is reported with file, row and column.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from optimizer.data.names import normalise, suggest_word
from optimizer.data.tables import check_header, read_raw
from optimizer.errors import InputError, Problem, ProblemList
from optimizer.messages import msg
from optimizer.procurement.methods import NEGOTIATION
from optimizer.procurement.scoring import rank

QUOTE_COLUMNS = ["lot", "school", "quote"]
SCORE_COLUMNS = ["lot", "school", "expert", "criterion", "points"]


@dataclass
class Shortlisted:
    """What evaluate needs from a shortlist run's folder."""

    lots: pd.DataFrame  # lot, method, ceiling_yuan, area_name, group_name
    entries: pd.DataFrame  # lot, school_code, school, eligible, reasons
    criteria: pd.DataFrame  # criterion, name, max_points, scored_by

    @property
    def price_weight(self) -> float:
        return float(self.criteria.set_index("criterion").loc["price", "max_points"]) / 100


def read_shortlist_folder(folder: Path | str) -> Shortlisted:
    folder = Path(folder)
    frames = {}
    for name in ("lots.csv", "shortlist_entries.csv", "criteria.csv"):
        if not (folder / name).exists():
            raise InputError([Problem(str(folder / name), None, None, None, msg("proc.eval.missing_file", name=name))])
        frames[name] = pd.read_csv(folder / name, encoding="utf-8-sig", dtype={"school_code": str, "lot": str})
    entries = frames["shortlist_entries.csv"]
    entries["eligible"] = entries["eligible"].astype(str).str.lower().isin(["true", "1", "是"])
    return Shortlisted(frames["lots.csv"], entries, frames["criteria.csv"])


def _number(text: str) -> float | None:
    try:
        v = float(text.replace(",", "").replace("，", ""))
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def read_quotes(path: Path | str, s: Shortlisted) -> pd.DataFrame:
    """Checked quotes: lot, school_code, school, quote, src_row."""
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    at = check_header(raw, QUOTE_COLUMNS, problems)
    problems.raise_if_any()
    lots = s.lots.set_index("lot")
    schools = _school_index(s.entries)
    elig = s.entries.set_index(["lot", "school_code"])
    rows, seen = [], {}
    for row_no, cells in raw.rows:
        lot, school_text, quote_text = (cells[at[c]].strip() if at[c] < len(cells) else "" for c in QUOTE_COLUMNS)
        if lot not in lots.index:
            hint = suggest_word(lot, list(lots.index))
            problems.add(raw.file, row_no, "lot", lot, msg("proc.eval.unknown_lot")
                         + (msg("proc.lots.did_you_mean", name=hint) if hint else ""))
            continue
        code = _school(raw.file, row_no, school_text, schools, problems)
        if code is None:
            continue
        entry = elig.loc[(lot, code)]
        if not entry["eligible"]:
            problems.add(raw.file, row_no, "school", school_text, msg("proc.eval.not_qualified",
                                                                      reasons=entry["reasons"]))
            continue
        quote = _number(quote_text)
        if quote is None or quote <= 0:
            problems.add(raw.file, row_no, "quote", quote_text, msg("proc.eval.bad_number"))
            continue
        ceiling = float(lots.loc[lot, "ceiling_yuan"])
        if quote > ceiling + 1e-6:
            problems.add(raw.file, row_no, "quote", quote_text,
                         msg("proc.eval.over_ceiling", ceiling=f"{ceiling:,.2f}"))
            continue
        if (lot, code) in seen:
            problems.add(raw.file, row_no, "school", school_text, msg("proc.eval.duplicate", row=seen[(lot, code)]))
            continue
        seen[(lot, code)] = row_no
        rows.append({"lot": lot, "school_code": code, "quote": quote, "src_row": row_no})
    problems.raise_if_any()
    return pd.DataFrame(rows, columns=["lot", "school_code", "quote", "src_row"])


def read_scores(path: Path | str, s: Shortlisted, quotes: pd.DataFrame) -> pd.DataFrame:
    """Checked panel points: lot, school_code, expert, criterion, points; every member scores every
    criterion of every quoting school in the lots they score."""
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    at = check_header(raw, SCORE_COLUMNS, problems)
    problems.raise_if_any()
    schools = _school_index(s.entries)
    crit = s.criteria[s.criteria["criterion"] != "price"]
    by_name = {normalise(c): c for c in crit["criterion"]} | {normalise(n): c for n, c in
                                                             zip(crit["name"], crit["criterion"], strict=True)}
    maximum = dict(zip(crit["criterion"], crit["max_points"].astype(float), strict=True))
    quoted = set(zip(quotes["lot"], quotes["school_code"], strict=True))
    lots = set(s.lots["lot"])
    rows, seen = [], {}
    for row_no, cells in raw.rows:
        lot, school_text, expert, crit_text, pts_text = (cells[at[c]].strip() if at[c] < len(cells) else ""
                                                         for c in SCORE_COLUMNS)
        if lot not in lots:
            problems.add(raw.file, row_no, "lot", lot, msg("proc.eval.unknown_lot"))
            continue
        code = _school(raw.file, row_no, school_text, schools, problems)
        if code is None:
            continue
        if (lot, code) not in quoted:
            problems.add(raw.file, row_no, "school", school_text, msg("proc.eval.no_quote"))
            continue
        criterion = by_name.get(normalise(crit_text))
        if criterion is None:
            is_price = normalise(crit_text) in ("price", "价格")
            key = "proc.eval.price_is_computed" if is_price else "proc.eval.unknown_criterion"
            problems.add(raw.file, row_no, "criterion", crit_text,
                         msg(key, choices="、".join(crit["criterion"])))
            continue
        pts = _number(pts_text)
        if pts is None or pts < 0:
            problems.add(raw.file, row_no, "points", pts_text, msg("proc.eval.bad_number"))
            continue
        if pts > maximum[criterion] + 1e-9:
            problems.add(raw.file, row_no, "points", pts_text, msg("proc.eval.over_max", max=f"{maximum[criterion]:g}"))
            continue
        key = (lot, code, expert, criterion)
        if key in seen:
            problems.add(raw.file, row_no, "points", pts_text, msg("proc.eval.duplicate", row=seen[key]))
            continue
        seen[key] = row_no
        rows.append({"lot": lot, "school_code": code, "expert": expert, "criterion": criterion, "points": pts})
    frame = pd.DataFrame(rows, columns=["lot", "school_code", "expert", "criterion", "points"])
    _check_complete(raw.file, frame, quotes, list(maximum), s, problems)
    problems.raise_if_any()
    return frame


def _check_complete(file: str, scores: pd.DataFrame, quotes: pd.DataFrame, criteria: list[str], s: Shortlisted,
                    problems: ProblemList) -> None:
    names = dict(zip(s.entries["school_code"], s.entries["school"], strict=False))
    have = set(zip(scores["lot"], scores["school_code"], scores["expert"], scores["criterion"], strict=True))
    for lot, part in scores.groupby("lot"):
        for expert in sorted(set(part["expert"])):
            for code in sorted(quotes.loc[quotes["lot"] == lot, "school_code"]):
                missing = [c for c in criteria if (lot, code, expert, c) not in have]
                if missing:
                    problems.add(file, None, "criterion", lot, msg("proc.eval.incomplete", expert=expert,
                                                                    school=names.get(code, code),
                                                                    criteria="、".join(missing)))


def _school_index(entries: pd.DataFrame) -> dict[str, str]:
    pairs = entries[["school_code", "school"]].drop_duplicates()
    return {normalise(c): c for c in pairs["school_code"]} | {normalise(n): c for n, c in
                                                              zip(pairs["school"], pairs["school_code"], strict=True)}


def _school(file: str, row: int, text: str, schools: dict[str, str], problems: ProblemList) -> str | None:
    code = schools.get(normalise(text))
    if code is None:
        hint = suggest_word(normalise(text), [k for k in schools if not k.isascii()])
        problems.add(file, row, "school", text,
                     msg("proc.eval.unknown_school", hint=msg("proc.lots.did_you_mean", name=hint) if hint else ""))
    return code


def evaluate(folder: Path | str, quotes_path: Path | str, scores_path: Path | str | None = None) -> pd.DataFrame:
    """The ranking with every score part (see the module docstring)."""
    s = read_shortlist_folder(folder)
    quotes = read_quotes(quotes_path, s)
    scores = read_scores(scores_path, s, quotes) if scores_path else None
    lots = s.lots.set_index("lot")
    names = dict(zip(s.entries["school_code"], s.entries["school"], strict=False))
    t = quotes.drop(columns="src_row").assign(method=quotes["lot"].map(lots["method"]),
                                              school=quotes["school_code"].map(names))
    comp = t["method"] != NEGOTIATION
    base = t["quote"].where(comp).groupby(t["lot"]).transform("min")
    t["price_score"] = (base / t["quote"] * s.price_weight * 100).where(comp).round(4)
    crit = [c for c in s.criteria["criterion"] if c != "price"]
    if scores is not None and not scores.empty:
        mean = scores.groupby(["lot", "school_code", "criterion"])["points"].mean().unstack("criterion")
        for c in crit:
            col = mean[c] if c in mean else pd.Series(dtype=float)
            t[f"{c}_score"] = [round(float(col.get((r.lot, r.school_code), np.nan)), 4) for r in t.itertuples()]
        scored = t[[f"{c}_score" for c in crit]]
        t["technical_score"] = scored.sum(axis=1, min_count=len(crit)).where(comp).round(4)
    else:
        for c in crit:
            t[f"{c}_score"] = np.nan
        t["technical_score"] = np.nan
    t["total_score"] = (t["price_score"] + t["technical_score"]).where(comp).round(4)
    t = t.rename(columns={"quote": "quote_yuan"})
    t["valid"] = ~comp | t["total_score"].notna()
    t = rank(t, comp).drop(columns="valid").rename(columns={"quote_yuan": "quote"})
    order = ["lot", "method", "school_code", "school", "quote", "price_score", *(f"{c}_score" for c in crit),
             "technical_score", "total_score", "rank", "tie"]
    return t[order].sort_values(["lot", "rank", "school_code"], na_position="last").reset_index(drop=True)


def write_evaluation_files(table: pd.DataFrame, folder: Path) -> list[str]:
    """evaluation.csv and evaluation.xlsx into ``folder`` (the output writer's staging folder)."""
    from optimizer.outputs.writer import write_csv

    write_csv(table, Path(folder) / "evaluation.csv")
    with pd.ExcelWriter(Path(folder) / "evaluation.xlsx", engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
        table.to_excel(xw, sheet_name=msg("proc.xlsx.evaluation"), index=False)
    return ["evaluation.csv", "evaluation.xlsx"]
