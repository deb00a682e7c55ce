"""Blank templates of the input tables (CSV and .xlsx), so a bureau can replace our assumptions."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from optimizer.data.schema import SCHEMAS, TableSchema

GUIDE_SHEET = "说明"


def template_tables() -> list[TableSchema]:
    """The assumed tables: the inputs the notice does not give."""
    return [s for s in SCHEMAS.values() if s.assumed]


def write_csv_template(schema: TableSchema, path: Path) -> None:
    """Header row only, UTF-8 with BOM so Excel shows the Chinese correctly."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerow(schema.column_names)


def write_xlsx_template(schema: TableSchema, path: Path) -> None:
    """A sheet named after the table (the loader looks for it) and a guide sheet with column meanings."""
    wb = Workbook()
    ws = wb.active
    ws.title = schema.name
    ws.append(schema.column_names)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    guide = wb.create_sheet(GUIDE_SHEET)
    guide.append(["column", "kind", "unit", "required", "meaning"])
    for c in schema.columns:
        guide.append([c.name, c.kind, c.unit, "yes" if c.required else "no", c.meaning])
    for sheet in (ws, guide):
        for col in sheet.columns:
            width = max(len(str(c.value or "")) for c in col) + 4
            sheet.column_dimensions[col[0].column_letter].width = min(60, width)
    wb.save(path)


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
