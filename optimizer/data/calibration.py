"""The ranges public sources support for the assumed numbers (data/assumption_ranges.csv, issue 20).

One table names, per assumed (table, column), the lowest and highest value a public source supports and the
source (the calibration notes, copied into data/SOURCES.md), or says plainly that none was found and
why the range was chosen. The loader rejects an assumed value outside its range with file, row, column and
value; ``optimizer.analysis.assumptions`` moves values to the ends of these ranges and draws within them.

The table travels with its data folder: a folder without it (a test fixture, a synthetic instance) has no
sourced ranges, only the schema's sane bounds (``schema.Column.maximum``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from optimizer import rules
from optimizer.data.schema import SCHEMAS, Column, TableSchema
from optimizer.data.tables import bound_text, parse_table, read_raw
from optimizer.errors import ProblemList
from optimizer.messages import CATALOGUE, msg

RANGES_TABLE = "assumption_ranges"
RANGES = TableSchema(
    RANGES_TABLE, "假设数据的取值范围 ranges public sources support for the assumed numbers", (
        Column("table", "code", "assumed table (file stem)"),
        Column("column", "code", "numeric column of that table"),
        Column("low", "float", "lowest value a source supports", signed=True),
        Column("high", "float", "highest value a source supports", signed=True),
        Column("unit", "text", "unit of the column", required=False),
        Column("source", "text", "the source (calibration.md: …) or 'none found: <why this range>'"),
    ), key=("table", "column"), min_rows=0, origin="calibration.md, copied into data/SOURCES.md")
NUMERIC_KINDS = ("int", "float", "wan")


def read_ranges(source, problems: ProblemList) -> pd.DataFrame | None:
    """The ranges table of a data folder (or of uploaded files: key ``assumption_ranges``); None when absent."""
    if isinstance(source, dict):
        if RANGES_TABLE not in source:
            return None
        filename, data = source[RANGES_TABLE]
        raw, found = read_raw(filename, data, sheet=RANGES_TABLE)
    else:
        folder = Path(source)
        present = [p for p in (folder / f"{RANGES_TABLE}.csv", folder / f"{RANGES_TABLE}.xlsx")
                   if os.path.lexists(p)]
        if not present:
            return None
        raw, found = read_raw(present[0], sheet=RANGES_TABLE)
    problems.extend(found)
    if raw is None:
        return None
    frame = parse_table(raw, RANGES, problems)
    file = raw.file
    for r in frame.itertuples():
        schema = SCHEMAS.get(r.table)
        column = next((c for c in schema.columns if c.name == r.column), None) if schema else None
        if schema is None or not schema.assumed:
            problems.add(file, r.src_row, "table", r.table, msg("asm.range_not_assumed_table"))
        elif column is None or column.kind not in NUMERIC_KINDS:
            problems.add(file, r.src_row, "column", r.column, msg("asm.range_not_numeric", table=r.table))
        if r.low is not None and r.high is not None and r.low > r.high:
            problems.add(file, r.src_row, "high", r.high, msg("asm.range_inverted", low=bound_text(r.low)))
        if not str(r.source or "").strip():
            problems.add(file, r.src_row, "source", r.source, msg("asm.range_no_source"))
    return frame.drop(columns="src_row").reset_index(drop=True)


def ranges_for(ranges: pd.DataFrame | None, table: str) -> dict[str, tuple[float, float, str, str]]:
    """Column → (low, high, unit, source) of one table."""
    if ranges is None or ranges.empty:
        return {}
    part = ranges[ranges["table"] == table]
    return {r.column: (float(r.low), float(r.high), r.unit or "", r.source) for r in part.itertuples()}


def check_ranges(frame: pd.DataFrame, table: str, ranges: pd.DataFrame | None, problems: ProblemList) -> None:
    """Every value of ``frame`` (typed, with ``src_row``) inside its column's sourced range, else a problem
    naming file, row, column and value."""
    file = frame.attrs.get("file", f"{table}.csv")
    for column, (low, high, unit, source) in ranges_for(ranges, table).items():
        if column not in frame.columns:
            continue
        for row, value in zip(frame["src_row"], frame[column], strict=True):
            if value is None or pd.isna(value):
                continue
            if not low <= float(value) <= high:
                shown = f"{value:g}" if isinstance(value, float) else str(value)
                shown_unit = msg(f"asm.unit.{unit}") if f"asm.unit.{unit}" in CATALOGUE else ""  # a share: none
                problems.add(file, int(row), column, shown, msg(
                    "asm.out_of_range", low=bound_text(low), high=bound_text(high),
                    unit=f" {shown_unit}" if shown_unit else "", source=source))


def rule_bounds(table: str, column: str, row: pd.Series) -> tuple[float | None, float | None]:
    """What the notice's own rules allow for one assumed cell, beyond its sourced range: R6's 120 class hours for
    certificate-class courses, R5's class size (60, 30 for entrepreneurship). (None: no rule.)"""
    if table == "courses" and column == "class_hours" and rules.is_certificate_class(row["certificate_type"]):
        return float(rules.MIN_CERTIFICATE_CLASS_HOURS), None
    if table == "courses" and column == "max_class_size":
        return None, float(rules.max_class_size(row["certificate_type"]))
    return None, None
