"""Blank templates of the input tables (CSV and .xlsx), so a bureau can replace our assumptions."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from optimizer import rules
from optimizer.data.schema import SCHEMAS, Column, TableSchema
from optimizer.messages import msg
from optimizer.messages.numbers import display_width

GUIDE_SHEET = "说明"
MEANING_WIDTH = 60  # characters; longer meanings wrap


def template_tables() -> list[TableSchema]:
    """The assumed tables: the inputs the notice does not give."""
    return [s for s in SCHEMAS.values() if s.assumed]


def write_csv_template(schema: TableSchema, path: Path) -> None:
    """Header row only, UTF-8 with BOM so Excel shows the Chinese correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerow(schema.column_names)


def write_xlsx_template(schema: TableSchema, path: Path) -> None:
    """A data sheet named after the table with the loader's column keys (the loader reads both back), and a 说明
    sheet for the staff who fill it in: what each column holds, in the catalogue's language (Chinese by default)."""
    wb = Workbook()
    ws = wb.active
    ws.title = schema.name
    ws.append(schema.column_names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    _widths(ws, 1)
    _fit_page(ws)
    _write_guide(wb.create_sheet(GUIDE_SHEET), schema)
    wb.save(path)


def _write_guide(guide, schema: TableSchema) -> None:
    """The 说明 sheet: title, how to fill it (keep the sheet name and headers), then one row per column."""
    guide.append([msg("tpl.guide.title", title=msg(f"tpl.title.{schema.name}"), table=schema.name)])
    guide["A1"].font = Font(bold=True, size=12)
    guide.append([msg("tpl.guide.fill", sheet=schema.name)])
    guide.append([msg("tpl.guide.keep", sheet=schema.name)])
    if "rule" in schema.extra:
        guide.append([msg("tpl.guide.rule", rule=msg(f"tpl.rule.{schema.name}"))])
    guide.append([])
    first = guide.max_row + 1
    guide.append([msg(f"tpl.head.{h}") for h in ("column", "kind", "unit", "required", "meaning")])
    for cell in guide[first]:
        cell.font = Font(bold=True)
    for c in schema.columns:
        guide.append([c.name, msg(f"tpl.kind.{c.kind}"), msg(f"tpl.unit.{c.unit}") if c.unit else "",
                      msg("tpl.yes" if c.required else "tpl.no"), column_meaning(schema, c)])
    _widths(guide, first)
    guide.column_dimensions["E"].width = MEANING_WIDTH
    for row in guide.iter_rows(min_row=first + 1):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        # a wrapped cell sets no height itself; a CJK character prints narrower than two digits (~1.2 per unit)
        lines = -(-display_width(str(row[4].value)) // int(MEANING_WIDTH * 1.2))
        guide.row_dimensions[row[0].row].height = 15 * max(1, lines)
    _fit_page(guide)


def _fit_page(sheet) -> None:
    """Landscape, one page wide: a printed sheet keeps every column on the page it is read with."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def column_meaning(schema: TableSchema, column: Column) -> str:
    """What a column holds, from the catalogue (tpl.col.<table>.<column>), with its allowed values."""
    text = msg(f"tpl.col.{schema.name}.{column.name}", years=rules.DEBARMENT_YEARS)
    if column.choices:
        text = msg("tpl.choices", meaning=text, choices=msg("tpl.choice_sep").join(column.choices))
    return text


def guide_keys(schema: TableSchema) -> list[str]:
    """The catalogue keys a template's 说明 sheet reads; each must exist (tests/test_templates.py)."""
    keys = [f"tpl.title.{schema.name}", *(f"tpl.col.{schema.name}.{c.name}" for c in schema.columns)]
    keys += [f"tpl.kind.{c.kind}" for c in schema.columns] + [f"tpl.unit.{c.unit}" for c in schema.columns if c.unit]
    return keys + ([f"tpl.rule.{schema.name}"] if "rule" in schema.extra else [])


def _widths(sheet, first_row: int) -> None:
    """Column widths from the cells from ``first_row`` down; a CJK character takes two columns."""
    for col in sheet.iter_cols(min_row=first_row):
        width = max(display_width(str(c.value or "")) for c in col) + 2
        sheet.column_dimensions[col[0].column_letter].width = min(60, width)


def write_templates(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for schema in template_tables():
        for suffix, writer in ((".csv", write_csv_template), (".xlsx", write_xlsx_template)):
            path = folder / f"{schema.name}{suffix}"
            writer(schema, path)
            written.append(path)
    return written + write_actuals_template(folder)


def write_actuals_template(folder: Path) -> list[Path]:
    """The blank actual-training-records template (issue 18): the platform export's columns, CSV and .xlsx."""
    from optimizer.data.schema import ACTUALS

    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{ACTUALS.name}.csv", folder / f"{ACTUALS.name}.xlsx"]
    write_csv_template(ACTUALS, paths[0])
    write_xlsx_template(ACTUALS, paths[1])
    return paths
