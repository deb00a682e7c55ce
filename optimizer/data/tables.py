"""Read one CSV or .xlsx table into typed values, collecting every problem with file, row and column.

Accepted encodings for CSV: UTF-8, UTF-8 with BOM, GB18030/GBK (Chinese Excel's default) and UTF-16
with BOM. Rows are numbered as the user counts them in a spreadsheet: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pandas as pd

from optimizer.data import limits
from optimizer.data.names import suggest_word
from optimizer.data.schema import Column, TableSchema
from optimizer.errors import ProblemList
from optimizer.messages import msg
from optimizer.messages.data import unit_word

# Largest input file accepted and the other limits: optimizer.data.limits (docs/errors.md).
MAX_INPUT_BYTES = limits.MAX_INPUT_BYTES

_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_TRUE = {"true", "1", "yes", "y", "是", "对", "√"}
_FALSE = {"false", "0", "no", "n", "否", "", "×"}


@dataclass
class RawTable:
    """A table as text cells, before typing: header, rows with their spreadsheet row numbers."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str]]]
    notes: list[str] = field(default_factory=list)


def decode_csv_bytes(data: bytes, file: str, problems: ProblemList) -> tuple[str | None, str]:
    """Decode CSV bytes; returns (text or None, encoding name)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]
    for enc in encodings:
        try:
            return data.decode(enc), enc
        except UnicodeDecodeError:
            continue
    problems.add(file, None, None, None, msg("data.cannot_decode"))
    return None, ""


def read_raw(source: Path | str, data: bytes | None = None, sheet: str | None = None) -> tuple[RawTable | None,
                                                                                                  ProblemList]:
    """Read a CSV or .xlsx file (from disk, or ``data`` bytes of an upload named ``source``)."""
    problems = ProblemList()
    file = Path(source).name
    if data is None:
        data = limits.read_bounded(source, limits.MAX_INPUT_BYTES, "limits.what_table", problems)
        if data is None:
            return None, problems
    elif not limits.check_size(data, file, limits.MAX_INPUT_BYTES, "limits.what_table", problems):
        return None, problems
    if not data.strip():
        problems.add(file, None, None, None, msg("data.empty"))
        return None, problems
    if file.lower().endswith((".xlsx", ".xlsm")):
        cells, notes = _read_xlsx(data, file, sheet, problems)
    else:
        text, enc = decode_csv_bytes(data, file, problems)
        if text is None:
            return None, problems
        notes = [] if enc in ("utf-8", "utf-8-sig") else [msg("data.note_encoding", file=file, encoding=enc.upper())]
        cells = _read_csv(text, file, problems)
    if cells is None:
        return None, problems
    numbered = [(i + 1, [unicodedata.normalize("NFC", c).strip() for c in row]) for i, row in enumerate(cells)]
    numbered = [(n, row) for n, row in numbered if any(row)]
    if not numbered:
        problems.add(file, None, None, None, msg("data.empty"))
        return None, problems
    if len(numbered) > 1 and sum(1 for c in numbered[0][1] if c) == 1 and sum(1 for c in numbered[1][1] if c) > 1:
        # a title line above the header, as Chinese offices write tables (often merged across the columns)
        title = next(c for c in numbered[0][1] if c)
        notes.append(msg("data.note_title", file=file, row=numbered[0][0], title=title, header=numbered[1][0]))
        numbered = numbered[1:]
    (_, header), body = numbered[0], numbered[1:]
    return RawTable(file, header, body, notes), problems


def _read_csv(text: str, file: str, problems: ProblemList) -> list[list[str]] | None:
    """CSV rows within the row, column and cell limits."""
    try:
        return list(limits.bounded_rows(csv.reader(io.StringIO(text, newline=""))))
    except limits.TooLarge:
        problems.add(file, None, None, None, msg("limits.csv_rows", rows=f"{limits.MAX_TABLE_ROWS:,}",
                                                 columns=limits.MAX_TABLE_COLUMNS))
    except csv.Error as exc:
        found = re.search(r"field larger than field limit \((\d+)\)", str(exc))
        problems.add(file, None, None, None, msg("data.csv_field_too_long", limit=found.group(1)) if found
                     else msg("data.csv_unreadable", reason=exc))
    return None


def _read_xlsx(data: bytes, file: str, sheet: str | None, problems: ProblemList):
    from openpyxl import load_workbook

    if not limits.check_xlsx(data, file, problems):
        return None, []
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a corrupt workbook
        problems.add(file, None, None, None, msg("limits.xlsx_unreadable", reason=type(exc).__name__))
        return None, []
    notes: list[str] = []
    names = wb.sheetnames
    if sheet and sheet in names:
        ws = wb[sheet]
    elif len(names) == 1:
        ws = wb[names[0]]
        if sheet:
            notes.append(msg("data.note_only_sheet", file=file, sheet=names[0], table=sheet))
    else:
        problems.add(file, None, None, ", ".join(names),
                     msg("data.no_sheet", sheet=sheet))
        return None, []
    try:
        cells = [[_xlsx_text(v) for v in row] for row in limits.bounded_rows(ws.iter_rows(values_only=True))]
    except limits.TooLarge:
        problems.add(file, None, None, None, msg("limits.xlsx_rows", sheet=ws.title, rows=f"{limits.MAX_TABLE_ROWS:,}",
                                                 cells=f"{limits.MAX_TABLE_CELLS:,}"))
        return None, []
    except Exception as exc:  # openpyxl raises many types for a corrupt sheet
        problems.add(file, None, None, None, msg("limits.xlsx_unreadable", reason=type(exc).__name__))
        return None, []
    finally:
        wb.close()
    return cells, notes


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def check_header(
    raw: RawTable, expected: list[str], problems: ProblemList, allow_extra: bool = False
) -> dict[str, int]:
    """Map expected column names to positions; report missing, unknown and repeated columns."""
    positions: dict[str, int] = {}
    for i, name in enumerate(raw.header):
        if name in positions:
            problems.add(raw.file, 1, name, None, msg("data.column_twice"))
        positions.setdefault(name, i)
    unknown = [h for h in raw.header if h and h not in expected]
    for name in expected:
        if name not in positions:
            hint = suggest_word(name, unknown)
            tail = msg("data.meant", hint=hint, name=name) if hint else ""
            problems.add(raw.file, 1, name, None, msg("data.missing_column", tail=tail))
    if not allow_extra:
        for name in unknown:
            hint = suggest_word(name, expected)
            tail = (msg("data.did_you_mean_quoted", hint=hint) if hint
                    else msg("data.expected_columns", columns=", ".join(expected)))
            problems.add(raw.file, 1, name, None, msg("data.unknown_column", tail=tail))
    return positions


def parse_number(text: str) -> tuple[str, str | None]:
    """Normalise full-width digits and thousands separators; returns (clean text, note or None)."""
    clean = unicodedata.normalize("NFKC", text).strip()
    note = msg("data.note_fullwidth") if clean != text.strip() else None
    if _THOUSANDS.match(clean):
        clean = clean.replace(",", "")
        note = msg("data.note_thousands")
    return clean, note


def convert_cell(text: str, column: Column) -> tuple[object, str | None, str | None]:
    """Typed value of one cell: (value, error message or None, note or None)."""
    if text == "":
        if column.required and column.kind != "bool":
            return None, msg("data.value_missing"), None
        if column.kind == "bool":
            return False, None, None
        return ("" if column.kind in ("text", "code", "adcode") else None), None, None
    kind = column.kind
    bad_text = limits.text_problem(text, column.max_length, column.is_name)
    if bad_text:
        return None, bad_text, None
    if kind in ("text",):
        if column.choices and text not in column.choices:
            hint = suggest_word(text, column.choices)
            tail = msg("data.did_you_mean", hint=hint) if hint else ""
            return None, msg("data.expected_one_of", choices=", ".join(column.choices), tail=tail), None
        return text, None, None
    if kind == "code":
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", text):
            return None, msg("data.expected_code"), None
        return text, None, None
    if kind == "adcode":
        clean, note = parse_number(text)
        if not re.fullmatch(r"\d{6}", clean):
            return None, msg("data.expected_adcode"), None
        return clean, None, note
    if kind == "bool":
        low = text.strip().lower()
        if low in _TRUE:
            return True, None, None
        if low in _FALSE:
            return False, None, None
        return None, msg("data.expected_bool"), None
    if kind == "date":
        try:
            day = dt.date.fromisoformat(unicodedata.normalize("NFKC", text))
        except ValueError:
            return None, msg("data.expected_date"), None
        if not column.first_date <= day.isoformat() <= column.last_date:
            return None, msg("limits.date_range", first=column.first_date, last=column.last_date), None
        return day, None, None
    clean, note = parse_number(text)
    try:
        number = Decimal(clean)
    except InvalidOperation:
        unit = msg("data.unit_paren", unit=unit_word(column.unit)) if column.unit else ""
        return None, msg("data.expected_number", unit=unit), None
    if not number.is_finite():
        return None, msg("limits.not_finite"), None
    if number < 0 and not column.signed and column.minimum is None:
        return None, msg("data.negative"), None
    error = number_bounds_problem(number, column)
    if error:
        return None, error, None
    if kind == "int":
        if number != number.to_integral_value():
            return None, msg("data.whole"), None
        return int(number), None, note
    if kind == "wan":
        return number, None, note
    return float(number), None, note


def bound_text(value: float) -> str:
    """A bound as the messages and docs show it: 366, 0.5, 1,000,000."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:g}"


def number_bounds_problem(number: Decimal, column: Column) -> str | None:
    """Why ``number`` is outside the column's sane range (every number has one: ``limits.MAX_ANY_NUMBER``
    when the column states none), or None."""
    maximum = column.maximum if column.maximum is not None else limits.MAX_ANY_NUMBER
    minimum = column.minimum if column.minimum is not None else (-maximum if column.signed else 0)
    if number > Decimal(str(maximum)):
        return msg("limits.above", maximum=bound_text(maximum), unit=_unit_suffix(column))
    if number < Decimal(str(minimum)):
        return msg("limits.below", minimum=bound_text(minimum), unit=_unit_suffix(column))
    return None


def _unit_suffix(column: Column) -> str:
    """" 人次" after a bound in a message; looked up only when a message is made (a country-scale load checks
    ~300,000 cells, and looking the unit up for each cost a second)."""
    return f" {unit_word(column.unit)}" if column.unit else ""


def parse_table(raw: RawTable, schema: TableSchema, problems: ProblemList) -> pd.DataFrame:
    """Typed frame of ``raw`` under ``schema``; adds a ``src_row`` column (spreadsheet row number)."""
    positions = check_header(raw, schema.column_names, problems)
    records = []
    if any(c.name not in positions for c in schema.columns if c.required):
        empty = pd.DataFrame(columns=[*schema.column_names, "src_row"])
        empty.attrs["file"] = raw.file
        return empty
    noted: set[str] = set()
    seen: dict[tuple, int] = {}
    for row_no, cells in raw.rows:
        record: dict[str, object] = {"src_row": row_no}
        ok = True
        for column in schema.columns:
            pos = positions.get(column.name)
            text = cells[pos] if pos is not None and pos < len(cells) else ""
            value, error, note = convert_cell(text, column)
            if error:
                problems.add(raw.file, row_no, column.name, text, error)
                ok = False
            if note and note not in noted:
                noted.add(note)
                raw.notes.append(msg("data.note_cell", file=raw.file, row=row_no, column=column.name, note=note))
            record[column.name] = value
        if any(c.name == "basis" for c in schema.columns) and record.get("basis"):
            basis = str(record["basis"])
            if not basis.startswith(("notice", "reference", "assumed")):
                problems.add(raw.file, row_no, "basis", basis, msg("data.basis"))
        key = tuple(record.get(k) for k in schema.key)
        if ok and key in seen:
            problems.add(raw.file, row_no, ",".join(schema.key), ", ".join(map(str, key)),
                         msg("data.duplicate_key", key="/".join(schema.key), row=seen[key]))
        seen.setdefault(key, row_no)
        records.append(record)
    if len(records) < schema.min_rows:
        problems.add(raw.file, None, None, None, msg("data.no_rows"))
    frame = pd.DataFrame.from_records(records, columns=[*schema.column_names, "src_row"])
    frame.attrs["file"] = raw.file
    return frame
