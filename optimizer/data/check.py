"""The plan-consistency check: every relation the notice implies, within and across its annexes.

The notice's own tables are not perfectly consistent. This module reports each discrepancy with the
table, row, column, expected value, found value and difference — it never "fixes" a number.
All values are compared in 人次 (persons), converted exactly from 万 with decimal arithmetic.

Convention: ``found`` is the printed cell under test; ``expected`` is what the other cells imply;
``difference = found − expected``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from decimal import Decimal

from optimizer import rules
from optimizer.data.loader import (
    ANNEX1_TOTAL_ROW,
    ANNEX2_TOTAL_ROW,
    ANNEX4_TOTAL_COLUMN,
    ANNEX4_TOTAL_ROW,
    ANNEX5_TOTAL_ROW,
    PROVINCE_ADCODE,
    PlanData,
)
from optimizer.data.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS
from optimizer.messages import CATALOGUE, current_language, msg
from optimizer.messages.numbers import display_width

ERROR, WARNING, INFO = "error", "warning", "info"
FINDING_KEYS = ("rule", "table", "row", "column", "expected", "found", "difference", "severity", "message")

# Annex 1 hierarchy (R8): (child column, parent column, how the notice words it).
ANNEX1_HIERARCHY = (
    (2, 1, "其中"), (3, 2, "其中"), (9, 8, "其中"),
    (4, 1, "含"), (5, 1, "含"), (6, 1, "含"), (7, 1, "含"), (8, 1, "含"),
)
# Annex 5 parts: (part, parent).
ANNEX5_WITHIN = (("college_siyb", "siyb"), ("college_online", "online"), ("livestream", "online"))


@dataclass(frozen=True)
class Finding:
    rule: str
    table: str
    row: str
    column: str
    expected: int | str
    found: int | str
    difference: int | None
    severity: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def check_plan_consistency(plan: PlanData) -> list[Finding]:
    """All findings on the plan's own numbers and names, in a stable order."""
    findings: list[Finding] = []
    findings += check_annex1_column_sums(plan)
    findings += check_annex1_hierarchy(plan)
    findings += check_annex1_against_annex5(plan)
    findings += check_annex2(plan)
    findings += check_annex4(plan)
    findings += check_annex5(plan)
    findings += check_notice_figures(plan)
    findings += check_names(plan)
    return findings


def _eq(rule: str, table: str, row: str, column: str, expected: int, found: int, what: str) -> list[Finding]:
    if expected == found:
        return []
    diff = found - expected
    return [Finding(rule, table, row, column, expected, found, diff, ERROR, what)]


def check_annex1_column_sums(plan: PlanData) -> list[Finding]:
    """Annex 1: the prefecture rows of each column sum to the printed 全省 row."""
    a1 = plan.annex1_persons()
    total = a1[a1["is_total"]]
    rows = a1[~a1["is_total"]]
    out: list[Finding] = []
    if total.empty:
        return out
    for i in range(1, 10):
        col = f"col{i}"
        out += _eq("annex1.column_sum", "annex1", ANNEX1_TOTAL_ROW, str(i), int(rows[col].sum()),
                   int(total[col].iloc[0]), msg("check.column_sum", column=i))
    return out


def check_annex1_hierarchy(plan: PlanData) -> list[Finding]:
    """Annex 1 per row (R8): 2 ≤ 1, 3 ≤ 2, 9 ≤ 8 and each of 4–8 ≤ 1."""
    out: list[Finding] = []
    for r in plan.annex1_persons().itertuples():
        for child, parent, word in ANNEX1_HIERARCHY:
            c, p = getattr(r, f"col{child}"), getattr(r, f"col{parent}")
            if c > p:
                out.append(Finding("annex1.hierarchy", "annex1", r.label, str(child), f"<= {p}", c, c - p, ERROR,
                                   msg("check.hierarchy", label=r.label, child=child, word=word, parent=parent,
                                       c=f"{c:,}", p=f"{p:,}")))
    return out


def check_annex1_against_annex5(plan: PlanData) -> list[Finding]:
    """Annex 1 column 7 = Annex 5 total; column 8 = college SIYB + college online + column 9 (note to Annex 1)."""
    a1 = plan.annex1_persons().set_index("prefecture")
    a5 = plan.annex5.set_index("prefecture")
    out: list[Finding] = []
    pairs = [(code, plan.prefecture_name(code), a5.loc[code] if code in a5.index else None)
             for code in a1.index if code != PROVINCE_ADCODE]
    if PROVINCE_ADCODE in a1.index and plan.annex5_totals:
        pairs.append((PROVINCE_ADCODE, ANNEX1_TOTAL_ROW, plan.annex5_totals))
    for code, name, five in pairs:
        if five is None:
            continue
        row = a1.loc[code]
        label = row["label"]
        out += _eq("annex1_annex5.entrepreneurship", "annex1", label, "7", int(five["total"]), int(row["col7"]),
                   msg("check.entrepreneurship", name=name, title=ANNEX5_COLUMNS["total"]))
        implied = int(five["college_siyb"]) + int(five["college_online"]) + int(row["col9"])
        out += _eq("annex1_annex5.college", "annex1", label, "8", implied, int(row["col8"]),
                   msg("check.college", name=name, siyb=f"{int(five['college_siyb']):,}",
                       online=f"{int(five['college_online']):,}", col9=f"{int(row['col9']):,}"))
    return out


def check_annex2(plan: PlanData) -> list[Finding]:
    """Annex 2 schools sum to its printed 合计, which equals Annex 1 column 5 (全省)."""
    out: list[Finding] = []
    if plan.annex2_total_wan is None:
        return out
    printed = rules.wan_to_persons(plan.annex2_total_wan)
    out += _eq("annex2.total", "annex2", ANNEX2_TOTAL_ROW, "quota", int(plan.annex2["quota"].sum()), printed,
               msg("check.annex2_total"))
    a1 = plan.annex1_persons()
    total = a1[a1["is_total"]]
    if not total.empty:
        out += _eq("annex2_annex1.tech_school", "annex2", ANNEX2_TOTAL_ROW, "quota", int(total["col5"].iloc[0]),
                   printed, msg("check.annex2_annex1"))
    return out


def check_annex4(plan: PlanData) -> list[Finding]:
    """Annex 4: each prefecture row sums to 全省合计; each unit column sums to 州市汇总; both to the grand total."""
    out: list[Finding] = []
    cells = plan.annex4
    by_pref = cells.groupby("prefecture", sort=False)["trainees"].sum()
    for r in plan.annex4_row_totals.itertuples():
        out += _eq("annex4.row_sum", "annex4", r.label, ANNEX4_TOTAL_COLUMN, int(by_pref.get(r.prefecture, 0)),
                   int(r.printed), msg("check.annex4_row", label=r.label))
    by_unit = cells.groupby("unit", sort=False)["trainees"].sum()
    for r in plan.annex4_col_totals.itertuples():
        out += _eq("annex4.column_sum", "annex4", ANNEX4_TOTAL_ROW, r.header, int(by_unit.get(r.unit, 0)),
                   int(r.printed), msg("check.annex4_column", header=r.header))
    if plan.annex4_grand_total is not None:
        grand = int(plan.annex4_grand_total)
        out += _eq("annex4.grand_total", "annex4", ANNEX4_TOTAL_ROW, ANNEX4_TOTAL_COLUMN,
                   int(plan.annex4_col_totals["printed"].sum()), grand,
                   msg("check.annex4_grand_units"))
        out += _eq("annex4.grand_total", "annex4", ANNEX4_TOTAL_ROW, ANNEX4_TOTAL_COLUMN,
                   int(plan.annex4_row_totals["printed"].sum()), grand,
                   msg("check.annex4_grand_prefectures"))
    return out


def check_annex5(plan: PlanData) -> list[Finding]:
    """Annex 5: columns sum to 合计; total = SIYB + online per row; college parts and livestream within parents."""
    out: list[Finding] = []
    a5 = plan.annex5
    totals = plan.annex5_totals
    for col in ANNEX5_COLUMNS:
        if col in totals:
            out += _eq("annex5.column_sum", "annex5", ANNEX5_TOTAL_ROW, col, int(a5[col].sum()), int(totals[col]),
                       msg("check.annex5_column", column=_column(col)))
    rows = [(r["label"], r) for r in a5.to_dict("records")]
    if totals:
        rows.append((ANNEX5_TOTAL_ROW, totals))
    for label, r in rows:
        out += _eq("annex5.total_parts", "annex5", label, "total", int(r["siyb"]) + int(r["online"]),
                   int(r["total"]), msg("check.annex5_parts", label=label, siyb=f"{int(r['siyb']):,}",
                                        online=f"{int(r['online']):,}"))
        for part, parent in ANNEX5_WITHIN:
            if int(r[part]) > int(r[parent]):
                diff = int(r[part]) - int(r[parent])
                out.append(Finding("annex5.within", "annex5", label, part, f"<= {int(r[parent])}", int(r[part]),
                                   diff, ERROR, msg("check.annex5_within", label=label, part=_column(part),
                                                    a=f"{int(r[part]):,}", parent=_column(parent),
                                                    b=f"{int(r[parent]):,}")))
    return out


def check_notice_figures(plan: PlanData) -> list[Finding]:
    """Figures printed in the notice's text equal the annexes (一(二) targets; the note under Annex 1)."""
    out: list[Finding] = []
    a1 = plan.annex1_persons()
    total = a1[a1["is_total"]]
    for r in plan.notice_figures.itertuples():
        table, _, column = str(r.compares_with).partition(":")
        if table == "annex1" and not total.empty and f"col{column}" in total:
            other, where = int(total[f"col{column}"].iloc[0]), msg("check.where_annex1", column=column)
        elif table == "annex5" and column in plan.annex5_totals:
            other, where = int(plan.annex5_totals[column]), msg("check.where_annex5", column=_column(column))
        else:
            out.append(Finding("notice_text.figure", "notice_figures", r.figure, "compares_with",
                               "annex1:1..9 or annex5:<column>", str(r.compares_with), None, WARNING,
                               msg("check.figure_no_cell", figure=r.figure)))
            continue
        value = rules.wan_to_persons(Decimal(r.value))
        out += _eq("notice_text.figure", "notice_text", r.section, r.figure, other, value,
                   msg("check.figure", section=r.section, quote=r.quote, where=where))
    return out


def check_names(plan: PlanData) -> list[Finding]:
    """Every name resolves to one entity; spellings that differ from the canonical one are reported."""
    out: list[Finding] = []
    labels = (
        [("annex1", r.label) for r in plan.annex1.itertuples() if not r.is_total]
        + [("annex4", r.label) for r in plan.annex4_row_totals.itertuples()]
        + [("annex5", r.label) for r in plan.annex5.itertuples()]
    )
    seen: set[tuple[str, str]] = set()
    for table, label in labels:
        if (table, label) in seen or not plan.prefecture_names.is_alias(label):
            continue
        seen.add((table, label))
        code = plan.prefecture_names.resolve(label)
        canonical = plan.prefecture_names.canonical[code]
        out.append(Finding("names.alias", table, label, "prefecture", canonical, label, None, INFO,
                           msg("check.alias", table=_table(table), label=label, canonical=canonical, code=code)))
    for r in plan.units.itertuples():
        if r.name != r.name_in_text:
            out.append(Finding("names.text_vs_annex", "annex4", r.code, "header", r.name_in_text, r.name, None,
                               WARNING, msg("check.text_vs_annex", text=r.name_in_text, name=r.name)))
    return out


def findings_to_json(findings: list[Finding]) -> str:
    return json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2)


def findings_to_text(findings: list[Finding], plan: PlanData | None = None) -> str:
    """Grouped, aligned text for people, in the catalogue's language."""
    if not findings:
        return msg("check.none")
    counts = [msg("check.count", n=sum(f.severity == s for f in findings), severity=msg(f"check.sev.{s}"))
              for s in (ERROR, WARNING, INFO) if any(f.severity == s for f in findings)]
    lines = [msg("check.header", n=len(findings), counts=msg("check.sep").join(counts))]
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule, items in by_rule.items():
        lines.append("")
        title = msg(f"check.title.{rule}") if f"check.title.{rule}" in CATALOGUE else ""
        lines.append(f"[{rule}] {title}")
        wheres = [_where(f, plan) for f in items]
        severities = [msg(f"check.sev.{f.severity}") for f in items]
        width = max(display_width(w) for w in wheres)
        sev_width = max(display_width(s) for s in severities)
        for f, where, sev in zip(items, wheres, severities, strict=True):
            pad = " " * (width - display_width(where))
            sev_pad = " " * (sev_width - display_width(sev))
            nums = ""
            if f.difference is not None:
                nums = msg("check.numbers", expected=_fmt(f.expected), found=_fmt(f.found), difference=f.difference)
            lines.append(f"  {sev}{sev_pad} {where}{pad}  {nums}{f.message}")
    return "\n".join(lines)


def _where(f: Finding, plan: PlanData | None = None) -> str:
    """Table, row and column of a finding: 附件1 全省 第6栏, 附件5 合计 “网络创业培训任务”,
    附件4 一心堂药业集团有限公司（u05） 表头: a unit by its Annex 4 name, code in brackets (given ``plan``)."""
    if str(f.column).isdigit():
        column = msg("check.column_number", column=f.column)
    elif f"check.column.{f.column}" in CATALOGUE:
        column = msg(f"check.column.{f.column}")
    else:
        column = msg("check.column_name", column=_title(f.column) if f.table == "annex5" else f.column)
    return msg("check.where", table=_table(f.table), row=_row(f, plan), column=column)


def _row(f: Finding, plan: PlanData | None) -> str:
    """The row as a reader names it: a provincial-project unit's code (annex4) becomes its name with the code after."""
    if plan is None or f.table != "annex4":
        return f.row
    names = dict(zip(plan.units["code"], plan.units["name"], strict=True))
    return msg("check.unit_row", name=names[f.row], code=f.row) if f.row in names else f.row


def _table(table: str) -> str:
    return msg(f"check.table.{table}") if f"check.table.{table}" in CATALOGUE else table


def _title(column: str) -> str:
    """An Annex 5 column as the notice prints it (its Chinese title, without the English gloss)."""
    title = ANNEX5_COLUMNS.get(column, column)
    return title.split(" ", 1)[0].removeprefix("其中:").removeprefix("其中：")


def _column(column: str) -> str:
    """An Annex 5 column in a message: its Chinese title in Chinese, its code in English."""
    return _title(column) if current_language() == "zh" else column


def _fmt(value: int | str) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


ANNEX1_COLUMN_TITLES = ANNEX1_COLUMNS
