"""The province's intake of the returned county breakdown workbooks.

Each bureau edits its county figures (the notice asks prefectures and units to agree host counties) and
sends its workbook back, saved again by Excel, WPS or LibreOffice. The intake reads every workbook in a
folder with openpyxl (the cached value of a cell; where a formula has none, the simple formulas a bureau
writes — SUM, + − × ÷, MAX, MIN, ABS, ROUND, cell and range references — are evaluated here, anything else
is reported), and for each:

- identifies its prefecture and year from the cover and the annex titles (a wrong prefecture, a wrong
  year, a renamed or missing sheet is a finding, not a traceback);
- checks the counties (complete, known, no duplicates), every column against the printed prefecture
  figure, the hierarchy per county (Annex 1: 2 ≤ 1, 3 ≤ 2, 9 ≤ 8, 4–8 ≤ 1; Annex 5: total = SIYB + online,
  the parts within their parents);
- lists every county cell that differs from the province's draft (the export it came from).

It consolidates all prefectures into one province table in the ``breakdown.csv`` layout. Status: 0 when
every workbook is consistent (changes alone are listed, not faults), 1 with findings, 2 (``InputError``)
when a file cannot be read at all.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl.utils.cell import coordinate_to_tuple, get_column_letter, range_boundaries

from optimizer.data.check import ANNEX1_HIERARCHY, ANNEX5_WITHIN
from optimizer.data.loader import PROVINCE_ADCODE, PlanData
from optimizer.data.names import normalise
from optimizer.errors import EXIT_FINDINGS, EXIT_OK, Problem
from optimizer.messages import msg
from optimizer.messages.numbers import display_width
from optimizer.outputs.breakdown import ANNEX1, ANNEX5
from optimizer.outputs.workbook import (
    ANNEX1_HEADERS,
    ANNEX5_HEADERS,
    NUMBER_ROW_LABEL,
    PROVINCE_NAME,
    ROW_PRINTED,
    SHEETS,
)

ERROR, WARNING, INFO = "error", "warning", "info"
SPREADSHEET_SUFFIXES = {".xls", ".et", ".ods", ".wps", ".numbers", ".xlsb"}
TITLE_KEYS = {"annex1": "职业培训任务计划表", "annex4": "省级项目职业培训计划表", "annex5": "创业培训任务计划表"}
TABLE_ORDER = {"annex1": 0, "annex4": 1, "annex5": 2}
SKIPPED_SHEETS = {SHEETS[k] for k in ("annex1_wan", "schools", "assignments", "top5")}


@dataclass(frozen=True)
class IntakeFinding:
    """One fault in a returned workbook: where (prefecture, sheet, county, column), expected, found, why."""

    prefecture: str
    file: str
    sheet: str
    county: str
    column: str
    expected: str
    found: str
    severity: str
    message: str

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class CellChange:
    """A county cell that differs from the province's draft."""

    prefecture: str
    county: str
    adcode: str
    table: str
    column: str
    old: int | None
    new: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class IntakeResult:
    """Everything the intake found, and the consolidated province table (``breakdown.csv`` layout)."""

    files: list[tuple[str, str]]  # (file, prefecture read from it)
    findings: list[IntakeFinding]
    changes: list[CellChange]
    consolidated: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        return EXIT_FINDINGS if any(f.severity in (ERROR, WARNING) for f in self.findings) else EXIT_OK

    def to_json(self) -> dict[str, object]:
        return {"status": self.status, "files": [{"file": f, "prefecture": p} for f, p in self.files],
                "findings": [f.to_dict() for f in self.findings], "changes": [c.to_dict() for c in self.changes],
                "notes": self.notes}


# -- formulas without a cached value ----------------------------------------------------------------------

_TOKEN = re.compile(r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|(?P<ref>(?:(?:'(?:[^']|'')+'|[^\s'!():,+\-*/=]+)!)?"
                    r"\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)|(?P<func>[A-Za-z]+)\s*\(|(?P<op>[-+*/(),]))")
_FUNCS = {"SUM": sum, "MAX": max, "MIN": min}


class Grid:
    """A workbook's cells by (sheet, row, column), 1-based: cached values, and formulas read only when a
    formula has no cached value. Sheets are read lazily in openpyxl's read-only mode, so the long reference
    sheets of a returned workbook are never parsed."""

    def __init__(self, path: Path):
        from openpyxl import load_workbook

        self.path = path
        self._load = load_workbook
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            self.sheetnames: list[str] = list(wb.sheetnames)
            wanted = [n for n in self.sheetnames if n not in SKIPPED_SHEETS]  # the long reference sheets: never
            self._values = {n: [tuple(r) for r in wb[n].iter_rows(values_only=True)] for n in wanted}
        finally:
            wb.close()
        self._formulas: dict[str, list[tuple]] | None = None

    def _rows(self, sheet: str, formulas: bool) -> list[tuple]:
        if sheet not in self._values:
            self._values.update(self._read([sheet], data_only=True))
        if not formulas:
            return self._values[sheet]
        if self._formulas is None or sheet not in self._formulas:  # only where a formula has no cached value
            self._formulas = {**(self._formulas or {}), **self._read(list(self._values), data_only=False)}
        return self._formulas.get(sheet, [])

    def _read(self, sheets: list[str], data_only: bool) -> dict[str, list[tuple]]:
        wb = self._load(self.path, read_only=True, data_only=data_only)
        try:
            return {name: [tuple(r) for r in wb[name].iter_rows(values_only=True)] for name in sheets}
        finally:
            wb.close()

    def value(self, sheet: str, r: int, c: int) -> object:
        rows = self._rows(sheet, False)
        return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None

    def formula(self, sheet: str, r: int, c: int) -> object:
        rows = self._rows(sheet, True)
        return rows[r - 1][c - 1] if r <= len(rows) and c <= len(rows[r - 1]) else None

    def max_row(self, sheet: str) -> int:
        return len(self._rows(sheet, False))


class FormulaError(ValueError):
    """A formula the intake cannot evaluate (only simple arithmetic, SUM, MAX, MIN, ABS, ROUND)."""


class Evaluator:
    """Evaluates the simple formulas a bureau writes, against a workbook's formulas and cached values."""

    def __init__(self, grid):
        self.grid = grid
        self.depth = 0

    def cell(self, sheet: str, coord: str) -> float:
        """The number in a cell: its cached value, else its formula evaluated, else 0 for a blank cell."""
        r, c = coordinate_to_tuple(coord)
        value = self.grid.value(sheet, r, c)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
        raw = self.grid.formula(sheet, r, c)
        if isinstance(raw, str) and raw.startswith("="):
            return self.evaluate(sheet, raw)
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0.0
        try:
            return float(str(value).replace(",", "").strip())
        except ValueError:
            raise FormulaError(f"{coord}: {value!r}") from None

    def evaluate(self, sheet: str, formula: str) -> float:
        """Value of ``formula`` (with its leading '=') on ``sheet``."""
        self.depth += 1
        try:
            if self.depth > 50:
                raise FormulaError("circular or too deep")
            tokens = self._tokens(formula.lstrip("="))
            value, rest = self._sum(sheet, tokens)
            if rest:
                raise FormulaError(formula)
            return value
        finally:
            self.depth -= 1

    @staticmethod
    def _tokens(text: str) -> list[tuple[str, str]]:
        out, pos = [], 0
        text = text.strip()
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m or m.end() == pos:
                raise FormulaError(text)
            kind = m.lastgroup or "op"
            out.append((kind, m.group(kind).strip()))
            pos = m.end()
        return out

    def _sum(self, sheet, tokens):
        value, tokens = self._product(sheet, tokens)
        while tokens and tokens[0] in (("op", "+"), ("op", "-")):
            op = tokens[0][1]
            rhs, tokens = self._product(sheet, tokens[1:])
            value = value + rhs if op == "+" else value - rhs
        return value, tokens

    def _product(self, sheet, tokens):
        value, tokens = self._unary(sheet, tokens)
        while tokens and tokens[0] in (("op", "*"), ("op", "/")):
            op = tokens[0][1]
            rhs, tokens = self._unary(sheet, tokens[1:])
            if op == "/" and rhs == 0:
                raise FormulaError("division by zero")
            value = value * rhs if op == "*" else value / rhs
        return value, tokens

    def _unary(self, sheet, tokens):
        if tokens and tokens[0] == ("op", "-"):
            value, rest = self._unary(sheet, tokens[1:])
            return -value, rest
        if tokens and tokens[0] == ("op", "+"):
            return self._unary(sheet, tokens[1:])
        return self._atom(sheet, tokens)

    def _atom(self, sheet, tokens):
        if not tokens:
            raise FormulaError("unexpected end")
        kind, text = tokens[0]
        if kind == "num":
            return float(text), tokens[1:]
        if kind == "ref":
            values = self._ref(sheet, text)
            if len(values) != 1:
                raise FormulaError(f"range {text} outside a function")
            return values[0], tokens[1:]
        if kind == "func":
            return self._call(sheet, text.upper(), tokens[1:])
        if (kind, text) == ("op", "("):
            value, rest = self._sum(sheet, tokens[1:])
            if not rest or rest[0] != ("op", ")"):
                raise FormulaError("missing )")
            return value, rest[1:]
        raise FormulaError(text)

    def _call(self, sheet, name, tokens):
        args: list[float] = []
        values: list[float] = []
        while tokens and tokens[0] != ("op", ")"):
            if tokens[0][0] == "ref" and (len(tokens) == 1 or tokens[1] in (("op", ","), ("op", ")"))):
                values += self._ref(sheet, tokens[0][1])
                tokens = tokens[1:]
            else:
                v, tokens = self._sum(sheet, tokens)
                values.append(v)
            args.append(values[-1] if values else 0.0)
            if tokens and tokens[0] == ("op", ","):
                tokens = tokens[1:]
        if not tokens:
            raise FormulaError("missing )")
        tokens = tokens[1:]
        if name in _FUNCS:
            return float(_FUNCS[name](values) if values else 0.0), tokens
        if name == "ABS" and len(values) == 1:
            return abs(values[0]), tokens
        if name == "ROUND" and len(values) in (1, 2):
            digits = int(values[1]) if len(values) == 2 else 0
            return float(round(values[0], digits)), tokens
        raise FormulaError(f"function {name}")

    def _ref(self, sheet, text):
        where, _, coords = text.rpartition("!")
        target = where.strip("'").replace("''", "'") if where else sheet
        if target not in self.grid.sheetnames:
            raise FormulaError(f"sheet {target}")
        coords = coords.replace("$", "")
        if ":" not in coords:
            return [self.cell(target, coords)]
        c0, r0, c1, r1 = range_boundaries(coords)
        return [self.cell(target, f"{get_column_letter(c)}{r}") for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]


# -- reading one workbook ---------------------------------------------------------------------------------


@dataclass
class _Sheet:
    """An annex sheet's county rows as read: label → (spreadsheet row, values)."""

    name: str
    rows: list[tuple[int, str, list[float | None]]]
    printed: list[float | None]
    headers: list[str]


class _Reader:
    """One returned workbook: finds its prefecture, year and annex sheets, and reads the county rows."""

    def __init__(self, path: Path, plan: PlanData, grid: Grid):
        self.path, self.plan = path, plan
        self.grid = grid
        self.eval = Evaluator(grid)
        self.findings: list[IntakeFinding] = []
        self.prefecture_name = ""
        self.draft: dict[tuple[str, str, str], int] = {}

    def find(self, sheet: str, county: str, column: str, expected: object, found: object, severity: str,
             message: str) -> None:
        self.findings.append(IntakeFinding(self.prefecture_name or self.path.name, self.path.name, sheet, county,
                                           column, _show(expected), _show(found), severity, message))

    def identity(self) -> tuple[str | None, int | None]:
        """(prefecture adcode, year) from the cover, else from the first annex title, else the file name."""
        name, year = None, None
        if SHEETS["cover"] in self.grid.sheetnames:
            for r in range(1, min(40, self.grid.max_row(SHEETS["cover"])) + 1):
                row = (self.grid.value(SHEETS["cover"], r, 1), self.grid.value(SHEETS["cover"], r, 2))
                if row[0] == msg("wb.cover_prefecture", "zh") and row[1]:
                    name = str(row[1])
                elif row[0] == msg("wb.cover_year", "zh") and row[1]:
                    m = re.search(r"(\d{4})", str(row[1]))
                    year = int(m.group(1)) if m else None
        else:
            self.find(SHEETS["cover"], "", "", SHEETS["cover"], "、".join(self.grid.sheetnames), ERROR,
                      msg("intake.no_cover", "zh", sheet=SHEETS["cover"]))
        title = self._first_title()
        if name is None and title:
            name = next((n for n in self._names() if title.startswith(n)), None)
        if name is None:
            m = re.match(r"^(\d{6})_", self.path.name)
            name = m.group(1) if m else None
        code = self.plan.prefecture_names.resolve(name) if name else None
        if name and normalise(name) == PROVINCE_NAME:
            code = PROVINCE_ADCODE
        return code, year

    def _names(self) -> list[str]:
        return sorted((str(n) for n in self.plan.prefectures["name"]), key=len, reverse=True)

    def _first_title(self) -> str:
        for name in self.grid.sheetnames:
            title = self.grid.value(name, 1, 1)
            if isinstance(title, str) and TITLE_KEYS["annex1"] in title:
                return title
        return ""

    def sheet(self, table: str) -> str | None:
        """The sheet holding ``table``: by its name, else (renamed) by its title; a finding either way."""
        expected = SHEETS[table]
        if expected in self.grid.sheetnames:
            return expected
        for name in self.grid.sheetnames:
            if name in SHEETS.values():  # another annex's own sheet
                continue
            title, unit = self.grid.value(name, 1, 1), self.grid.value(name, 2, 1)
            if isinstance(title, str) and TITLE_KEYS[table] in title and "万人次" not in str(unit or ""):
                if table == "annex1" and (TITLE_KEYS["annex4"] in title or TITLE_KEYS["annex5"] in title):
                    continue
                self.find(expected, "", "", expected, name, ERROR,
                          msg("intake.sheet_renamed", "zh", expected=expected, found=name))
                return name
        self.find(expected, "", "", expected, "、".join(self.grid.sheetnames), ERROR,
                  msg("intake.sheet_missing", "zh", expected=expected))
        return None

    def read(self, sheet: str, ncols: int) -> _Sheet | None:
        """County rows (between the header and the 下达数 row) and the 下达数 row of an annex sheet."""
        cell = self.grid.value
        labels = [(r, _text(cell(sheet, r, 1))) for r in range(1, self.grid.max_row(sheet) + 1)]
        printed_row = next((r for r, t in labels if t == ROW_PRINTED), None)
        if printed_row is None:
            self.find(sheet, "", "", ROW_PRINTED, "", ERROR, msg("intake.no_printed_row", "zh", row=ROW_PRINTED))
            return None
        start = next((r + 1 for r, t in labels if t == NUMBER_ROW_LABEL), None)
        if start is None:  # Annex 4 has no 甲 row: the county rows start after the last header text row
            start = 1 + max(r for r in range(1, printed_row)
                            if any(isinstance(cell(sheet, r, j), str) for j in range(2, ncols + 2)))
        headers = [_text(cell(sheet, 3, j)) for j in range(2, ncols + 2)]
        rows = []
        for r in range(start, printed_row):
            label = _text(cell(sheet, r, 1))
            values = [self.number(sheet, r, j, label) for j in range(2, ncols + 2)]
            if not label:
                if any(v for v in values):
                    self.find(sheet, f"第{r}行", "", "", "", ERROR, msg("intake.row_without_county", "zh", row=r))
                continue
            rows.append((r, label, values))
        printed = [self.number(sheet, printed_row, j, ROW_PRINTED) for j in range(2, ncols + 2)]
        return _Sheet(sheet, rows, printed, headers)

    def number(self, sheet: str, r: int, j: int, label: str) -> float | None:
        """A cell's number (cached, or evaluated); None (with a finding) when it is not a number."""
        coord = f"{get_column_letter(j)}{r}"
        try:
            return self.eval.cell(sheet, coord)
        except FormulaError as exc:
            raw = self.grid.formula(sheet, r, j)
            self.find(sheet, label, coord, msg("intake.a_number", "zh"), raw, ERROR,
                      msg("intake.not_a_number", "zh", cell=coord, reason=exc))
            return None


# -- the intake -------------------------------------------------------------------------------------------


def intake(folder: Path, plan: PlanData, draft: pd.DataFrame | None = None) -> IntakeResult:
    """Read, check and consolidate every returned workbook in ``folder`` (see the module docstring).

    ``draft`` is the province's ``breakdown.csv`` (adcode, county, prefecture, table, column, value) the
    workbooks were exported with; without it no change can be listed and missing prefectures stay empty.
    Raises ``InputError`` when the folder holds no workbook at all. A file that cannot be read (damaged, or in
    another spreadsheet format) is a finding naming it, and the others are still consolidated (one bad file
    stopped the whole intake, and the 15 good ones waited); its prefecture counts as missing.
    """
    from optimizer.errors import InputError

    paths, problems, findings = _workbook_paths(folder)
    if problems:
        raise InputError(problems)
    books = []
    for path in paths:
        try:
            grid = Grid(path)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            # an empty file said 'BadZipFile: File is not a zip file'; the bureau needs to know it came empty
            reason = (msg("intake.empty_file", "zh") if path.stat().st_size == 0
                      else f"{type(exc).__name__}: {exc}"[:200])
            findings.append(_file_finding(path, msg("intake.unreadable", "zh", reason=reason),
                                          msg("intake.damaged", "zh")))
            continue
        books.append((path, grid))
    draft_cells = _draft_cells(draft)
    files: list[tuple[str, str]] = [(f.file, "") for f in findings]
    notes: list[str] = []
    read: dict[str, dict[tuple[str, str, str], int]] = {}
    used: dict[str, str] = {}  # prefecture → the file consolidated for it
    for path, grid in books:
        reader = _Reader(path, plan, grid)
        reader.draft = draft_cells
        code, year = reader.identity()
        if code == PROVINCE_ADCODE:
            notes.append(msg("intake.skipped_province", "zh", file=path.name))
            continue
        if code is None:
            findings.append(IntakeFinding(path.name, path.name, SHEETS["cover"], "", msg("wb.cover_prefecture", "zh"),
                                          msg("intake.a_prefecture", "zh"), "", ERROR,
                                          msg("intake.unknown_prefecture", "zh", file=path.name)))
            files.append((path.name, ""))
            continue
        reader.prefecture_name = plan.prefecture_name(code)
        files.append((path.name, reader.prefecture_name))
        if code in read:  # both files named: the line showed neither, so no one knew which one was dropped
            reader.find(SHEETS["cover"], "", msg("wb.cover_prefecture", "zh"), "", "", ERROR,
                        msg("intake.duplicate_prefecture", "zh", prefecture=reader.prefecture_name,
                            used=used[code], file=path.name))
            findings += reader.findings
            continue
        _check_file_name(reader, code)
        if year != plan.notice.year:
            reader.find(SHEETS["cover"], "", msg("wb.cover_year", "zh"), str(plan.notice.year), _plain_year(year),
                        ERROR,
                        msg("intake.wrong_year", "zh", expected=plan.notice.year, found=year))
        cells = _read_prefecture(reader, code)
        findings += reader.findings
        read[code] = cells
        used[code] = path.name
    # a prefecture whose file came but could not be read is not "not received": its file is named above
    unread = {f.file[:6]: f.file for f in findings if f.file and f.file[:6].isdigit() and not f.sheet}
    for code in sorted(plan.prefectures["adcode"]):
        if code not in read:
            name = plan.prefecture_name(code)
            text = (msg("intake.unread_prefecture", "zh", prefecture=name, file=unread[code]) if code in unread
                    else msg("intake.missing_prefecture", "zh", prefecture=name))
            findings.append(IntakeFinding(name, "", "", "", "", msg("intake.a_workbook", "zh"),
                                          msg("intake.none", "zh"), ERROR, text))
    consolidated, changes = _consolidate(plan, read, draft)
    if draft is None:
        notes.append(msg("intake.no_draft", "zh"))
    return IntakeResult(files, findings, changes, consolidated, notes)


def _workbook_paths(folder: Path) -> tuple[list[Path], list[Problem], list[IntakeFinding]]:
    """The .xlsx/.xlsm files of ``folder`` (lock files and our own consolidated output skipped); a file in another
    spreadsheet format is a finding naming it; no folder or no workbook at all is a problem (exit 2)."""
    if not folder.is_dir():
        return [], [Problem(str(folder), None, None, None, msg("intake.no_folder"))], []
    paths, findings = [], []
    for path in sorted(folder.iterdir()):
        if path.name.startswith(("~$", ".")) or not path.is_file() or path.stem.startswith("consolidated"):
            continue
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            paths.append(path)
        elif path.suffix.lower() in SPREADSHEET_SUFFIXES:
            findings.append(_file_finding(path, msg("intake.save_as_xlsx", "zh"),
                                          msg("intake.other_format", "zh", suffix=path.suffix)))
    if not paths:  # nothing to consolidate: the files there (other formats), or the empty folder, stop it
        said = [Problem(str(folder / f.file), None, None, None, f.message) for f in findings]
        return [], said or [Problem(str(folder), None, None, None, msg("intake.no_workbooks"))], []
    return paths, [], findings


def _file_finding(path: Path, message: str, found: str) -> IntakeFinding:
    """A returned file the intake cannot read: named (where the prefecture would be), with what to do."""
    return IntakeFinding(path.name, path.name, "", "", "", msg("intake.a_workbook", "zh"), found, ERROR, message)


def _check_file_name(reader: _Reader, code: str) -> None:
    """A file named for one prefecture that holds another's workbook is a finding."""
    m = re.match(r"^(\d{6})_", reader.path.name)
    named = m.group(1) if m else None
    if named and named != code and named in set(reader.plan.prefectures["adcode"]):
        reader.find(SHEETS["cover"], "", msg("wb.cover_prefecture", "zh"), reader.plan.prefecture_name(named),
                    reader.prefecture_name, ERROR,
                    msg("intake.wrong_prefecture", "zh", file=reader.path.name,
                        named=reader.plan.prefecture_name(named), found=reader.prefecture_name))


def _read_prefecture(reader: _Reader, code: str) -> dict[tuple[str, str, str], int]:
    """(adcode, table, column) → value for one prefecture's annexes, with every check's findings."""
    plan = reader.plan
    counties = plan.counties[plan.counties["prefecture_adcode"] == code].sort_values("adcode")
    by_name = {normalise(n): c for n, c in zip(counties["county"], counties["adcode"], strict=True)}
    names = dict(zip(counties["adcode"], counties["county"], strict=True))
    elsewhere = {normalise(n): p for n, p in zip(plan.counties["county"], plan.counties["prefecture"], strict=True)}
    units = plan.annex4.drop_duplicates("unit")
    unit_headers = list(units["header"])
    a1 = plan.annex1_persons().set_index("prefecture").loc[code]
    a4 = plan.annex4[plan.annex4["prefecture"] == code].set_index("unit")["trainees"]
    a5 = plan.annex5.set_index("prefecture").loc[code]
    specs = {
        "annex1": (ANNEX1, [str(i) for i in range(1, 10)], [int(a1[c]) for c in ANNEX1]),
        "annex4": ([*units["unit"], "total"], [*unit_headers, "合计"],
                   [*[int(a4.get(u, 0)) for u in units["unit"]], int(a4.sum())]),
        "annex5": (ANNEX5, list(ANNEX5), [int(a5[c]) for c in ANNEX5]),
    }
    cells: dict[tuple[str, str, str], int] = {}
    per_county: dict[str, dict[str, dict[str, int]]] = {}
    for table, (keys, columns, printed) in specs.items():
        sheet = reader.sheet(table)
        if sheet is None:
            continue
        data = reader.read(sheet, len(keys))
        if data is None:
            continue
        shown = [_column_name(table, c) for c in columns]
        if table == "annex4" and [normalise(h) for h in data.headers] != [normalise(h) for h in columns]:
            reader.find(sheet, "", msg("intake.header_row", "zh"), "、".join(columns), "、".join(data.headers), ERROR,
                        msg("intake.columns_changed", "zh"))
            continue
        seen: dict[str, int] = {}
        table_cells: dict[str, dict[str, int]] = {}
        for r, label, values in data.rows:
            adcode = by_name.get(normalise(label))
            if adcode is None:
                other = elsewhere.get(normalise(label))
                reader.find(sheet, label, "", msg("intake.a_county_of", "zh", prefecture=reader.prefecture_name),
                            label, ERROR, msg("intake.county_elsewhere", "zh", county=label, row=r, prefecture=other)
                            if other else msg("intake.county_unknown", "zh", county=label, row=r))
                continue
            if adcode in seen:
                reader.find(sheet, label, "", msg("intake.once", "zh"), msg("intake.rows", "zh", a=seen[adcode], b=r),
                            ERROR, msg("intake.county_twice", "zh", county=label, a=seen[adcode], b=r))
                continue
            seen[adcode] = r
            row = {}
            for key, col, name, v in zip(keys, columns, shown, values, strict=True):
                n = _whole(reader, sheet, label, name, v)
                if n is None:
                    continue
                row[key] = n
                if not (table == "annex4" and key == "total"):  # Annex 4's row total is a formula, not a figure
                    cells[(adcode, table, col)] = n
            if table == "annex4" and "total" in row:
                parts = sum(v for k, v in row.items() if k != "total")
                if row["total"] != parts:
                    reader.find(sheet, label, "合计", parts, row["total"], ERROR,
                                msg("intake.row_total", "zh", county=label))
            table_cells[adcode] = row
        for adcode in counties["adcode"]:
            if adcode not in seen:
                reader.find(sheet, names[adcode], "", names[adcode], "", ERROR,
                            msg("intake.county_missing", "zh", county=names[adcode], sheet=sheet))
        per_county[table] = table_cells
        moved = {key: [(names[a], row[key] - reader.draft[(a, table, col)]) for a, row in table_cells.items()
                       if key in row and (a, table, col) in reader.draft and row[key] != reader.draft[(a, table, col)]]
                 for key, col in zip(keys, columns, strict=True)}
        _check_columns(reader, sheet, keys, shown, printed, data.printed, table_cells, moved)
    _check_hierarchy(reader, per_county, names, bool(int(a1["col7"]) == int(a5["total"])))
    return cells


def _whole(reader: _Reader, sheet: str, county: str, column: str, v: float | None) -> int | None:
    """A county figure must be a whole number ≥ 0; otherwise a finding and None."""
    if v is None:
        return None
    if not math.isfinite(v) or v < 0 or abs(v - round(v)) > 1e-6:
        reader.find(sheet, county, column, msg("intake.whole_number", "zh"), v, ERROR,
                    msg("intake.not_whole", "zh", county=county, column=column, value=_show(v)))
        return None
    return round(v)


def _check_columns(reader: _Reader, sheet: str, keys: list[str], shown: list[str], printed: list[int],
                   in_sheet: list[float | None], cells: dict[str, dict[str, int]],
                   moved: dict[str, list[tuple[str, int]]]) -> None:
    """Every column's counties sum to the notice's printed figure (the finding names the counties changed
    from the draft); the sheet's 下达数 is the printed one."""
    for key, name, target, found in zip(keys, shown, printed, in_sheet, strict=True):
        total = sum(row.get(key, 0) for row in cells.values())
        if total != target:
            changed = moved.get(key, [])
            text = msg("intake.column_sum", "zh", column=name, total=total, printed=target, diff=total - target)
            if changed:
                text += msg("intake.changed_counties", "zh", counties="、".join(f"{c} {d:+,}" for c, d in changed))
            reader.find(sheet, "、".join(c for c, _ in changed) or msg("intake.all_counties", "zh"), name, target,
                        total, ERROR, text)
        if found is not None and round(found) != target:
            reader.find(sheet, ROW_PRINTED, name, target, found, ERROR,
                        msg("intake.printed_changed", "zh", column=name, found=_show(found), printed=target))


def _check_hierarchy(reader: _Reader, per_county: dict[str, dict[str, dict[str, int]]], names: dict[str, str],
                     col7_is_annex5: bool) -> None:
    """R8 per county (2 ≤ 1, 3 ≤ 2, 9 ≤ 8, 4–8 ≤ 1); Annex 5 total = SIYB + online, parts within parents;
    column 7 = Annex 5's total where the notice's own figures agree."""
    for adcode, row in per_county.get("annex1", {}).items():
        for child, parent, _ in ANNEX1_HIERARCHY:
            c, p = row.get(f"col{child}"), row.get(f"col{parent}")
            if c is not None and p is not None and c > p:
                reader.find(SHEETS["annex1"], names[adcode], f"第{child}栏", f"≤ {p:,}", c, ERROR,
                            msg("intake.hierarchy", "zh", county=names[adcode], child=child, parent=parent,
                                c=c, p=p))
    for adcode, row in per_county.get("annex5", {}).items():
        if all(k in row for k in ("total", "siyb", "online")) and row["total"] != row["siyb"] + row["online"]:
            reader.find(SHEETS["annex5"], names[adcode], _column_name("annex5", "total"), row["siyb"] + row["online"],
                        row["total"], ERROR, msg("intake.annex5_total", "zh", county=names[adcode]))
        for part, parent in ANNEX5_WITHIN:
            if part in row and parent in row and row[part] > row[parent]:
                reader.find(SHEETS["annex5"], names[adcode], _column_name("annex5", part), f"≤ {row[parent]:,}",
                            row[part], ERROR, msg("intake.annex5_within", "zh", county=names[adcode],
                                                  part=_column_name("annex5", part),
                                                  parent=_column_name("annex5", parent)))
        one = per_county.get("annex1", {}).get(adcode, {})
        if col7_is_annex5 and "col7" in one and "total" in row and one["col7"] != row["total"]:
            reader.find(SHEETS["annex1"], names[adcode], "第7栏", row["total"], one["col7"], ERROR,
                        msg("intake.col7_annex5", "zh", county=names[adcode], col7=one["col7"], total=row["total"]))


def _column_name(table: str, column: str) -> str:
    """How a column is named to a user: 第4栏, the unit, or Annex 5's header."""
    if table == "annex1":
        return f"第{column}栏"
    if table == "annex5":
        return ANNEX5_HEADERS[ANNEX5.index(column)] if column in ANNEX5 else column
    return column


def _consolidate(plan: PlanData, read: dict[str, dict[tuple[str, str, str], int]],
                 draft: pd.DataFrame | None) -> tuple[pd.DataFrame, list[CellChange]]:
    """The province table in the ``breakdown.csv`` layout: returned figures, the draft's where none came back;
    and every county cell that differs from the draft."""
    units = plan.annex4.drop_duplicates("unit")
    unit_order = {h: i for i, h in enumerate(units["header"])}
    draft_cells = _draft_cells(draft)
    rows, changes = [], []
    pref_of = dict(zip(plan.counties["adcode"], plan.counties["prefecture_adcode"], strict=True))
    county_of = dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True))
    keys: set[tuple[str, str, str]] = set(draft_cells)
    got: dict[tuple[str, str, str], int] = {}
    for code, cells in read.items():
        got.update(cells)
        keys |= {k for k, v in cells.items() if k[1] != "annex4" or v != 0}
        keys -= {k for k in draft_cells if pref_of[k[0]] == code and k not in cells}
    for key in keys:
        adcode, table, column = key
        code = pref_of[adcode]
        value = got.get(key, 0) if code in read else draft_cells.get(key, 0)
        rows.append({"adcode": adcode, "county": county_of[adcode], "prefecture": plan.prefecture_name(code),
                     "table": table, "column": column, "value": int(value)})
        old = draft_cells.get(key)
        if draft is not None and code in read and (old or 0) != value:
            changes.append(CellChange(plan.prefecture_name(code), county_of[adcode], adcode, table, column, old,
                                      int(value)))
    frame = pd.DataFrame(rows, columns=["adcode", "county", "prefecture", "table", "column", "value"])
    order = {**{c.removeprefix("col"): i for i, c in enumerate(ANNEX1)}, **{c: i for i, c in enumerate(ANNEX5)},
             **unit_order}
    frame["_t"] = frame["table"].map(TABLE_ORDER)
    frame["_c"] = frame["column"].map(order)
    frame = frame.sort_values(["adcode", "_t", "_c"], kind="stable").drop(columns=["_t", "_c"])
    changes.sort(key=lambda c: (c.adcode, TABLE_ORDER[c.table], order.get(c.column, 0)))
    return frame.reset_index(drop=True), changes


def _draft_cells(draft: pd.DataFrame | None) -> dict[tuple[str, str, str], int]:
    """(adcode, table, column) → value of the province's draft (``breakdown.csv``)."""
    if draft is None:
        return {}
    return {(str(a), str(t), str(c)): int(v) for a, t, c, v in zip(draft["adcode"], draft["table"], draft["column"],
                                                                    draft["value"], strict=True)}


def _text(value: object) -> str:
    return "" if value is None else str(value).strip().replace("\u3000", "")


def _plain_year(year: int | None) -> str:
    """A year as written (2021, not 2,021 as _show separates counts); '' when the cover has none."""
    return "" if year is None else str(year)


def _show(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return "" if value is None else str(value)


# -- output -----------------------------------------------------------------------------------------------


def intake_text(result: IntakeResult) -> str:
    """The result for people: files, findings, changes (Chinese by default)."""
    lines = [msg("intake.files", n=len(result.files))]
    lines += [f"  {f}: {p or '?'}" for f, p in result.files]
    lines += [f"  {n}" for n in result.notes]
    faults = [f for f in result.findings if f.severity != INFO]
    lines.append(msg("intake.findings", n=len(faults)) if faults else msg("intake.no_findings"))
    for f in result.findings:
        where = " ".join(x for x in (f.prefecture, f.sheet, f.county, f.column) if x)
        nums = msg("intake.expected_found", expected=f.expected, found=f.found) if f.expected or f.found else ""
        lines.append(f"  [{msg('intake.severity_' + f.severity)}] {where}{nums}：{f.message}")
    lines.append(msg("intake.changes", n=len(result.changes)) if result.changes else msg("intake.no_changes"))
    for c in result.changes:
        old = "—" if c.old is None else f"{c.old:,}"
        where = f"{c.prefecture} {c.county} {TABLE_NAMES.get(c.table, c.table)} {_column_name(c.table, c.column)}"
        lines.append(f"  {where}：{old} → {c.new:,}（{c.new - (c.old or 0):+,}）")
    return "\n".join(lines)


TABLE_NAMES = {"annex1": "附件1", "annex4": "附件4", "annex5": "附件5"}


def write_consolidated(result: IntakeResult, path: Path, plan: PlanData) -> list[Path]:
    """``consolidated.xlsx`` (the province's tables by county, the findings, the changes) and
    ``consolidated.csv`` (``breakdown.csv`` layout) beside it; all or nothing."""
    import os
    import shutil
    import tempfile

    import xlsxwriter

    from optimizer.outputs.files import write_csv

    path.parent.mkdir(parents=True, exist_ok=True)
    csv_path = path.with_suffix(".csv")
    staging = Path(tempfile.mkdtemp(prefix=".intake-", dir=path.parent))
    try:
        write_csv(result.consolidated, staging / csv_path.name)
        wb = xlsxwriter.Workbook(str(staging / path.name), {"strings_to_formulas": False, "strings_to_urls": False,
                                                            "strings_to_numbers": False})
        head = wb.add_format({"bold": True, "border": 1, "bg_color": "#E8EEF7", "text_wrap": True,
                              "font_name": "宋体", "align": "center", "valign": "vcenter"})
        cell = wb.add_format({"border": 1, "font_name": "宋体", "text_wrap": True, "valign": "top"})
        num = wb.add_format({"border": 1, "font_name": "宋体", "num_format": "#,##0"})
        frame = result.consolidated
        units = list(plan.annex4.drop_duplicates("unit")["header"])
        for table, sheet, columns, headers in (
                ("annex1", "附件1 汇总", [str(i) for i in range(1, 10)], ANNEX1_HEADERS),
                ("annex4", "附件4 汇总", units, units),
                ("annex5", "附件5 汇总", ANNEX5, ANNEX5_HEADERS)):
            part = frame[frame["table"] == table]
            wide = part.pivot_table(index=["adcode", "prefecture", "county"], columns="column", values="value",
                                    aggfunc="sum", fill_value=0).reindex(columns=columns, fill_value=0)
            _sheet(wb, sheet, ["区划代码", "州（市）", "县（市、区）", *headers],
                   [[*idx, *map(int, row)] for idx, row in zip(wide.index, wide.to_numpy(), strict=True)], head, cell,
                   num)
        _sheet(wb, "检查发现", ["州（市）", "文件", "工作表", "县（市、区）", "栏目", "应为", "实为", "级别", "说明"],
               [[f.prefecture, f.file, f.sheet, f.county, f.column, f.expected, f.found,
                 msg("intake.severity_" + f.severity, "zh"), f.message] for f in result.findings], head, cell, num,
               [8, 22, 16, 14, 18, 10, 10, 6, 60])
        _sheet(wb, "变更明细", ["州（市）", "县（市、区）", "区划代码", "表", "栏目", "原数", "新数", "增减"],
               [[c.prefecture, c.county, c.adcode, TABLE_NAMES.get(c.table, c.table), _column_name(c.table, c.column),
                 c.old if c.old is not None else "", c.new, c.new - (c.old or 0)] for c in result.changes],
               head, cell, num, [8, 20, 10, 6, 30, 10, 10, 10])
        wb.close()
        for name in (path.name, csv_path.name):
            os.replace(staging / name, path.parent / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [path, csv_path]


def _sheet(wb, name: str, headers: list[str], rows: list[list[object]], head, cell, num,
           widths: list[int] | None = None) -> None:
    """A plain table sheet, A4 landscape one page wide, header repeated; text wraps in narrow columns."""
    ws = wb.add_worksheet(name)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页 共 &N 页")
    ws.repeat_rows(0, 0)
    for j, h in enumerate(headers):
        ws.write_string(0, j, h, head)
        ws.set_column(j, j, widths[j] if widths else (14 if j < 3 else 12))
    ws.set_row(0, 48)
    for i, row in enumerate(rows, start=1):
        if widths:  # wrapped text needs its height (nothing measures it for us)
            lines = max(-(-display_width(v) // max(1, w)) for v, w in
                        zip(row, widths, strict=True))
            ws.set_row(i, 15 * max(1, lines) + 2)
        for j, v in enumerate(row):
            if isinstance(v, int | float) and not isinstance(v, bool):
                ws.write_number(i, j, v, num)
            else:
                ws.write_string(i, j, str(v), cell)
    ws.freeze_panes(1, 0)
