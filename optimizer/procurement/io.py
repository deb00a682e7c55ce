"""Reading a user's lots table (names or codes; the tool's own lots.csv) and writing a shortlist run's files."""

from __future__ import annotations

import datetime as dt
import json
import math
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.data import limits
from optimizer.data.loader import PlanData
from optimizer.data.names import normalise, suggest_word
from optimizer.data.params import MAX_PERSONS, ModelParams
from optimizer.data.tables import read_raw
from optimizer.errors import ProblemList
from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem
from optimizer.procurement.lots import LOT_COLUMNS, PROVINCE, format_mix, parse_mix
from optimizer.procurement.methods import METHOD_ALIASES, METHODS
from optimizer.procurement.scoring import ShortlistParams

LOTS_REQUIRED = ("lot", "area", "trainees")
LOTS_OPTIONAL = ("courses", "course_or_group", "course_mix", "counties", "method", "date")
# columns the tool itself writes to lots.csv: read back without complaint, recomputed from the rest
LOTS_DERIVED = ("area_name", "group", "group_name", "course_names", "classes", "ceiling_yuan", "item_value_yuan",
                "method_rule", "eligible_count", "exception", "route")
_SEPARATORS = re.compile(r"[,，、;；|]")


@dataclass(frozen=True)
class LotsContext:
    """What reading a lots file needs, and no more: the courses (code, profession, group, certificate type,
    level, class size), the names of courses, groups, prefectures and counties, and the default lot date.

    Built from the loaded plan data (``of_plan``) the lots file is checked before the solve, with every other
    input (issue 17: one pass); ``of_problem`` gives the same context from a built problem (library callers)."""

    courses: pd.DataFrame
    names: dict[str, str]
    as_of: dt.date | None

    @classmethod
    def of_problem(cls, problem: AllocationProblem) -> LotsContext:
        return cls(problem.courses, problem.names, problem.params.as_of)

    @classmethod
    def of_plan(cls, plan: PlanData, params: ModelParams | None = None) -> LotsContext:
        """The context from the data as loaded (the scenario applied when it could be), without building the
        problem: course names as the result tables write them, 州（市） and 县 names, group names."""
        courses = plan.courses.sort_values("code").reset_index(drop=True)
        level = courses["level"].fillna("").map(lambda s: f"·{s}" if s else "")
        names = {**dict(zip(courses["code"], courses["profession"] + "（" + courses["certificate_type"] + level
                            + "）", strict=True)),
                 **dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True)),
                 **{a: plan.prefecture_name(a) for a in plan.prefectures["adcode"]},
                 **dict(zip(plan.groups["code"], plan.groups["name"], strict=True))}
        as_of = params.as_of if params is not None and params.as_of is not None else (
            plan.notice.date if plan.notice is not None else None)
        return cls(courses, names, as_of)


def _context(where: LotsContext | AllocationProblem) -> LotsContext:
    return where if isinstance(where, LotsContext) else LotsContext.of_problem(where)


class CourseNames:
    """Resolve a course as written: code, full name (焊工（职业技能等级证书·四级）), profession (焊工, every level)
    or profession group (code or name, every course of it)."""

    def __init__(self, where: LotsContext | AllocationProblem):
        context = _context(where)
        c, names = context.courses, context.names
        self.group = dict(zip(c["code"], c["group"], strict=True))
        self.exact: dict[str, list[str]] = {}
        for code in c["code"]:
            self.exact[normalise(code)] = [code]
            self.exact[normalise(names[code])] = [code]
        for prof, part in c.groupby("profession"):
            self.exact.setdefault(normalise(prof), sorted(part["code"]))
        for g, part in c.groupby("group"):
            codes = sorted(part["code"])
            self.exact.setdefault(normalise(g), codes)
            self.exact.setdefault(normalise(names.get(g, g)), codes)

    def resolve(self, text: str) -> list[str] | None:
        return self.exact.get(normalise(text))

    def one(self, text: str) -> str | None:
        found = self.resolve(text)
        return found[0] if found and len(found) == 1 else None

    def suggest(self, text: str) -> str | None:
        return suggest_word(normalise(text), list(self.exact))


def area_index(where: LotsContext | AllocationProblem) -> dict[str, str]:
    """Prefecture and county names and codes → code; 全省/province → 530000."""
    names = _context(where).names
    out = {normalise(k): k for k in names if str(k).isdigit()}
    out.update({normalise(v): k for k, v in names.items() if str(k).isdigit()})
    out.update({"全省": PROVINCE, "province": PROVINCE, PROVINCE: PROVINCE, "云南省": PROVINCE})
    return out


def load_lots(path: Path | str, where: LotsContext | AllocationProblem, params: ShortlistParams) -> pd.DataFrame:
    """A user's lots (CSV/.xlsx), every problem reported with file, row and column (InputError).

    ``where``: the plan's ``LotsContext`` (before the solve) or a built problem."""
    context = _context(where)
    raw, problems, cells = _lot_cells(path)
    courses = CourseNames(context)
    areas = area_index(context)
    rows = []
    for row_no, cell in cells:
        row = _lot_row(raw.file, row_no, cell, context, courses, areas, params, problems)
        if row is not None:
            rows.append(row)
    problems.raise_if_any()
    frame = pd.DataFrame(rows, columns=[*LOT_COLUMNS, "requested_method", "src_row"])
    frame.attrs["file"] = raw.file
    return frame


def check_lots_content(path: Path | str, params: ShortlistParams) -> None:
    """A lots file's own content when the plan data could not be read: its columns and the types of its cells
    (numbers, methods, dates, mixes), so that its problems come with the data's in one pass (InputError)."""
    raw, problems, cells = _lot_cells(path)
    for row_no, cell in cells:
        _cell_types(raw.file, row_no, cell, problems)
    problems.raise_if_any()


def _lot_cells(path: Path | str):
    """A lots file read and its header checked (InputError otherwise): the raw table, its problem list and, per
    row, (spreadsheet row number, a getter of a cell by column name, "" where absent)."""
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    _check_header(raw, problems)
    problems.raise_if_any()
    at = {h: i for i, h in enumerate(raw.header)}

    def getter(cells: list[str]):
        return lambda name: cells[at[name]].strip() if name in at and at[name] < len(cells) else ""

    return raw, problems, [(row_no, getter(cells)) for row_no, cells in raw.rows]


def _check_header(raw, problems: ProblemList) -> None:
    known = (*LOTS_REQUIRED, *LOTS_OPTIONAL, *LOTS_DERIVED)
    for name in LOTS_REQUIRED:
        if name not in raw.header:
            problems.add(raw.file, 1, name, None, msg("proc.lots.missing_column"))
    if "courses" not in raw.header and "course_or_group" not in raw.header:
        problems.add(raw.file, 1, "courses", None, msg("proc.lots.missing_column"))
    for name in raw.header:
        if name and name not in known:
            hint = suggest_word(name, list(known))
            problems.add(raw.file, 1, name, None, msg("proc.lots.unknown_column")
                         + (msg("proc.lots.did_you_mean", name=hint) if hint else ""))


def _trainees(file, row_no, cell, problems: ProblemList) -> int:
    """The lot's trainees: a finite, sane whole number (issue 17), else 0 after adding the problem."""
    try:
        number = float(cell("trainees").replace(",", ""))
        if not (math.isfinite(number) and 0 < number <= MAX_PERSONS):
            raise ValueError
        return int(number)
    except ValueError:
        problems.add(file, row_no, "trainees", cell("trainees"), msg("proc.eval.bad_number"))
        return 0


def _method(file, row_no, cell, problems: ProblemList) -> str | None:
    method = cell("method")
    method = METHOD_ALIASES.get(method, method) or None
    if method is not None and method not in METHODS:
        problems.add(file, row_no, "method", cell("method"), msg("proc.lots.bad_method"))
    return method


def _date(file, row_no, cell, default, problems: ProblemList):
    if not cell("date"):
        return default
    try:
        return pd.Timestamp(cell("date")).date()
    except ValueError:
        problems.add(file, row_no, "date", cell("date"), msg("proc.lots.bad_date"))
        return default


def _area_text(file, row_no, cell, problems: ProblemList) -> bool:
    """False (problem added) when the area is not a name: control characters, a path separator, 10,000
    characters (issue 17)."""
    not_a_name = limits.text_problem(cell("area"), limits.MAX_NAME_LENGTH, is_name=True)
    if not_a_name:
        problems.add(file, row_no, "area", cell("area"), not_a_name)
    return not not_a_name


def _cell_types(file, row_no, cell, problems: ProblemList) -> None:
    """What a row can be checked for without the plan data: text, numbers, method, date, mix syntax."""
    _area_text(file, row_no, cell, problems)
    _trainees(file, row_no, cell, problems)
    _method(file, row_no, cell, problems)
    _date(file, row_no, cell, None, problems)
    if cell("course_mix"):
        try:
            parse_mix(cell("course_mix").replace("：", ":"))
        except ValueError:
            problems.add(file, row_no, "course_mix", cell("course_mix"), msg("proc.lots.bad_mix"))


def _lot_row(file, row_no, cell, context: LotsContext, courses: CourseNames, areas, params,
             problems: ProblemList) -> dict | None:
    """One lot from a row, or None after adding its problems."""
    bad = len(problems.items)
    area = areas.get(normalise(cell("area")))
    if _area_text(file, row_no, cell, problems) and area is None:
        hint = suggest_word(normalise(cell("area")), [context.names[k] for k in context.names if str(k).isdigit()])
        problems.add(file, row_no, "area", cell("area"),
                     msg("proc.lots.unknown_area", hint=msg("proc.lots.did_you_mean", name=hint) if hint else ""))
    column = "courses" if cell("courses") else "course_or_group"
    codes: list[str] = []
    for token in (t.strip() for t in _SEPARATORS.split(cell(column)) if t.strip()):
        found = courses.resolve(token)
        if found is None:
            hint = courses.suggest(token)
            problems.add(file, row_no, column, token, msg("proc.lots.unknown_course", item=token)
                         + (msg("proc.lots.did_you_mean", name=hint) if hint else ""))
        else:
            codes.extend(c for c in found if c not in codes)
    trainees = _trainees(file, row_no, cell, problems)
    mix = _mix(file, row_no, cell("course_mix"), courses, trainees, problems)
    if mix:
        codes = sorted(set(codes) | set(mix))
    if not codes and column not in [p.column for p in problems.items[bad:]]:
        problems.add(file, row_no, column, "", msg("proc.lots.unknown_course", item=""))
    if len({courses.group[c] for c in codes}) > 1:
        problems.add(file, row_no, column, cell(column), msg("proc.lots.mixed_groups"))
    method = _method(file, row_no, cell, problems)
    date = _date(file, row_no, cell, params.lot_date or context.as_of, problems)
    if len(problems.items) > bad:
        return None
    codes = sorted(codes)
    if not mix and len(codes) == 1:
        mix = {codes[0]: trainees}
    size = context.courses.set_index("code")["max_class_size"]
    classes = sum(-(-v // int(size[k])) for k, v in mix.items()) if mix else -(-trainees // int(size[codes].min()))
    group = courses.group[codes[0]]
    return {"lot": cell("lot"), "area": area,
            "area_name": msg("proc.province") if area == PROVINCE else context.names[area], "group": group,
            "group_name": context.names.get(group, group), "courses": ",".join(codes),
            "course_names": "、".join(context.names[c] for c in codes), "course_mix": format_mix(mix),
            "trainees": trainees, "classes": int(classes), "counties": cell("counties"), "date": date,
            "requested_method": method, "src_row": row_no}


def _mix(file, row_no, text: str, courses: CourseNames, trainees: int, problems: ProblemList) -> dict[str, int]:
    """'k11:300;焊工（职业技能等级证书·三级）:200' → codes; must add up to the lot's trainees."""
    if not text:
        return {}
    try:
        raw = parse_mix(text.replace("：", ":"))
    except ValueError:
        problems.add(file, row_no, "course_mix", text, msg("proc.lots.bad_mix"))
        return {}
    mix: dict[str, int] = {}
    for name, n in raw.items():
        code = courses.one(name)
        if code is None:
            problems.add(file, row_no, "course_mix", name, msg("proc.lots.unknown_course", item=name))
            return {}
        mix[code] = mix.get(code, 0) + n
    if sum(mix.values()) != trainees or any(v <= 0 for v in mix.values()):
        problems.add(file, row_no, "course_mix", text, msg("proc.lots.bad_mix"))
        return {}
    return mix


# -- writing ----------------------------------------------------------------------------------------------

LOT_OUTPUT = [*LOT_COLUMNS, "ceiling_yuan", "item_value_yuan", "method", "method_rule", "eligible_count",
              "exception", "route"]


def write_shortlist_files(result, awards, folder: Path, seconds: dict[str, float]) -> list[str]:
    """Every file of a shortlist run into ``folder`` (the output writer's staging folder); returns the names."""
    from optimizer.outputs.writer import write_csv
    from optimizer.procurement.workbook import write_workbook

    folder = Path(folder)
    t = time.perf_counter()
    tables = {"lots.csv": result.lots[LOT_OUTPUT], "shortlist_entries.csv": result.entries.drop(columns="valid"),
              "shortlist_summary.csv": result.summary, "criteria.csv": result.criteria}
    if awards is not None:
        tables.update({"awards.csv": awards.awards, "award_capacity.csv": awards.capacity,
                       "award_shortfall.csv": awards.unawarded})
    for name, frame in tables.items():
        write_csv(frame, folder / name)
    write_workbook(result, awards, folder / "shortlists.xlsx")
    settings = result.params.model_dump(mode="json")
    (folder / "settings.json").write_text(json.dumps(settings, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    timings = {**seconds, "write": round(time.perf_counter() - t, 4)}
    (folder / "timings.json").write_text(json.dumps({"seconds": timings}, indent=2) + "\n", encoding="utf-8")
    return [*tables, "shortlists.xlsx", "settings.json", "timings.json"]
