"""The shortlist workbook a bureau prints: 采购需求 (one row per lot), 评审表 (a blank evaluation sheet per
lot with the criteria and their points), the simulated awards, every entry with its reasons."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import xlsxwriter

from optimizer.messages import CATALOGUE, msg
from optimizer.messages.numbers import display_width, yuan
from optimizer.procurement.lots import parse_mix
from optimizer.procurement.methods import NEGOTIATION, method_name


def _h(key: str) -> str:
    return msg(f"proc.xlsx.{key}")


# a result table's column → its header key under proc.xlsx. (the rest: proc.xlsx.col.<column>)
_SHARED_HEADERS = {"lot": "lot", "area": "area", "group": "item", "trainees": "trainees", "classes": "classes",
                   "ceiling_yuan": "ceiling", "method": "method", "eligible": "eligible", "exception": "exception",
                   "route": "route"}


def _headers(columns, **override: str) -> list[str]:
    """The sheet's headers in the reader's language for the result table's columns (the CSV files keep the
    English names a program reads); a column without a catalogue entry keeps its name rather than failing."""
    out = []
    for c in columns:
        key = f"proc.xlsx.{override.get(c) or _SHARED_HEADERS.get(c) or f'col.{c}'}"
        out.append(msg(key) if key in CATALOGUE else c)
    return out


class _Book:
    """xlsxwriter with the formats used here; every sheet prints landscape, one page wide."""

    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
        add = self.wb.add_format
        self.title = add({"bold": True, "font_size": 13})
        self.head = add({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#E8EEF7", "valign": "vcenter",
                         "align": "center"})
        self.text = add({"text_wrap": True, "border": 1, "valign": "top"})
        self.num = add({"num_format": "#,##0", "border": 1, "valign": "top"})
        self.money = add({"num_format": "#,##0.00", "border": 1, "valign": "top"})
        self.blank = add({"border": 1, "bg_color": "#FFFDE7"})
        self.flag = add({"text_wrap": True, "border": 1, "valign": "top", "bg_color": "#F8D0D0"})
        self.note = add({"italic": True, "font_color": "#555555", "text_wrap": False})

    def sheet(self, name: str):
        ws = self.wb.add_worksheet(name[:31])
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(0.4, 0.4, 0.5, 0.5)
        return ws


def _cell(book: _Book, ws, r: int, c: int, v, fmt=None) -> None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        ws.write_blank(r, c, None, fmt or book.text)
    elif isinstance(v, bool):
        ws.write_string(r, c, "是" if v else "否", fmt or book.text)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, fmt or (book.num if float(v).is_integer() else book.money))
    else:
        ws.write_string(r, c, str(v), fmt or book.text)


def row_height(values: list, widths: list[int], line_points: float = 15.0) -> float:
    """Height that shows every wrapped cell whole (LibreOffice and Excel do not grow rows written by
    xlsxwriter)."""
    lines = 1
    for v, w in zip(values, widths, strict=False):
        if isinstance(v, str) and v:
            lines = max(lines, sum(math.ceil(max(1, display_width(part)) / max(1, w - 1)) for part in v.split("\n")))
    return line_points * lines + 4  # a little air below the last line


def _table(book: _Book, ws, top: int, headers: list[str], rows: list[list], widths: list[int],
           flag_col: int | None = None) -> None:
    for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
        ws.write_string(top, c, h, book.head)
        ws.set_column(c, c, w)
    ws.set_row(top, row_height(headers, widths))
    for r, row in enumerate(rows, start=top + 1):
        fmt = book.flag if flag_col is not None and row[flag_col] else None
        for c, v in enumerate(row):
            _cell(book, ws, r, c, v, fmt if isinstance(v, str) else None)
        ws.set_row(r, row_height(row, widths))
    ws.repeat_rows(top)
    ws.freeze_panes(top + 1, 1)


def _named_mix(text: str, names: dict[str, str]) -> str:
    return "；".join(f"{names.get(k, k)} {v:,} 人" for k, v in parse_mix(text).items())


def requirements_sheet(book: _Book, result, names: dict[str, str]) -> None:
    """采购需求: what each lot buys, for how much at most, by which method and why."""
    ws = book.sheet(_h("requirements"))
    ws.write_string(0, 0, _h("requirements_title"), book.title)
    rows = []
    for r in result.lots.itertuples():
        end = f"{pd.Timestamp(r.date).year}-12-31"
        rows.append([r.lot, r.area_name, r.group_name, _named_mix(r.course_mix, names) or r.course_names,
                     int(r.trainees), int(r.classes), _named_mix(r.counties, names),
                     f"{pd.Timestamp(r.date).date().isoformat()} — {end}", float(r.ceiling_yuan),
                     method_name(r.method), r.method_rule, int(r.eligible_count), r.exception, r.route])
    headers = [_h(k) for k in ("lot", "area", "item", "courses", "trainees", "classes", "counties", "period",
                               "ceiling", "method", "method_rule", "eligible", "exception", "route")]
    _table(book, ws, 2, headers, rows, [25, 8, 9, 34, 8, 6, 34, 12, 13, 10, 40, 7, 28, 36], flag_col=12)
    ws.write_string(len(rows) + 4, 0, msg("proc.note.no_size"), book.note)


def evaluation_sheet(book: _Book, result) -> None:
    """评审表: per lot, the criteria with their points and a blank column per qualified school (by code, not by
    the simulated rank, so the sheet does not lead the panel)."""
    ws = book.sheet(_h("evaluation"))
    crit = result.criteria
    e = result.entries
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 7)
    ws.set_column(2, 2, 46)
    ws.set_column(3, 24, 12)
    row = 0
    qualified = e[e["eligible"]].sort_values(["lot", "school_code"]).groupby("lot", sort=False)["school"].agg(list)
    for lot in result.lots.itertuples():
        schools = qualified.get(lot.lot, [])
        ws.merge_range(row, 0, row, 2 + max(1, len(schools)),
                       f"{lot.lot}　{lot.area_name}{lot.group_name}　{method_name(lot.method)}　"
                       f"{_h('ceiling')} {lot.ceiling_yuan:,.2f}", book.title)
        row += 1
        heads = [_h("criterion"), _h("points"), _h("standard"), *(schools or [_h("no_school")])]
        for c, h in enumerate(heads):
            ws.write_string(row, c, h, book.head)
        ws.set_row(row, row_height(heads, [18, 7, 46] + [12] * len(schools)))
        row += 1
        if lot.method == NEGOTIATION:
            lines = [(_h("responsive"), "", _h("responsive_rule")), (_h("final_quote"), "", _h("negotiation_rule"))]
        else:
            lines = [(r.name, float(r.max_points), r.standard) for r in crit.itertuples()]
            lines.append((_h("total"), 100.0, ""))
        for name, pts, standard in lines:
            ws.set_row(row, row_height([name, "", standard], [18, 7, 46]))
            ws.write_string(row, 0, name, book.text)
            _cell(book, ws, row, 1, pts if pts != "" else None)
            ws.write_string(row, 2, standard, book.text)
            for c in range(len(schools)):
                ws.write_blank(row, 3 + c, None, book.blank)
            row += 1
        ws.write_string(row, 0, _h("signature"), book.note)
        row += 3
    ws.set_h_pagebreaks([])


def write_workbook(result, awards, path: Path) -> None:
    """The procurement workbook: summary, 采购需求, 评审表, awards, capacity, entries."""
    names = result.names
    book = _Book(path)
    s = result.summary
    ws = book.sheet(_h("summary"))
    ws.write_string(0, 0, _h("summary_title"), book.title)
    if "flag" in s.columns:  # "< 3" in the CSV: in words on the sheet
        s = s.assign(flag=s["flag"].map(lambda v: _h("col.flag_few") if isinstance(v, str) and v else v))
    _table(book, ws, 2, _headers(s.columns), s.astype(object).values.tolist(),
           [20, 8, 9, 30, 8, 13, 10, 6, 6, 36, 30, 34], flag_col=8)
    requirements_sheet(book, result, names)
    evaluation_sheet(book, result)
    if awards is not None:
        a = awards.awards
        ws = book.sheet(_h("awards"))
        ws.write_string(0, 0, msg("proc.cli.awards", cost=yuan(awards.expected_cost_yuan),
                                  ceiling=yuan(awards.ceiling_yuan),
                                  over=awards.over_committed["school_code"].nunique()), book.title)
        _table(book, ws, 2, _headers(a.columns), a.astype(object).values.tolist(),
               [20, 8, 20, 8, 30, 8, 6, 6, 15, 13])
        c = awards.capacity
        ws = book.sheet(_h("capacity"))
        _table(book, ws, 0, _headers(c.columns), c.astype(object).values.tolist(), [8, 20, 8, 30, 9, 10, 10, 9, 12])
    keep = ["lot", "school_code", "school", "eligible", "reasons", "flags", "quote_yuan",
            *(c for c in result.entries.columns if c.endswith("_score")), "rank", "tie"]
    e = result.entries[keep]
    ws = book.sheet(_h("entries"))
    _table(book, ws, 0, _headers(e.columns, eligible="col.qualified"), e.astype(object).values.tolist(),
           [20, 8, 20, 6, 30, 30] + [10] * (len(e.columns) - 6))
    book.wb.close()
