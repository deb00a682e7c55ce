"""Reading a user's lots table (names or codes; the tool's own lots.csv) and writing a shortlist run's files."""

from __future__ import annotations

import json
import math
import re
import time
from pathlib import Path

import pandas as pd

from optimizer.data import limits
from optimizer.data.names import normalise, suggest_word
from optimizer.data.params import MAX_PERSONS
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


class CourseNames:
    """Resolve a course as written: code, full name (焊工（职业技能等级证书·四级）), profession (焊工, every level)
    or profession group (code or name, every course of it)."""

    def __init__(self, problem: AllocationProblem):
        c = problem.courses
        self.group = dict(zip(c["code"], c["group"], strict=True))
        self.exact: dict[str, list[str]] = {}
        for code in c["code"]:
            self.exact[normalise(code)] = [code]
            self.exact[normalise(problem.names[code])] = [code]
        for prof, part in c.groupby("profession"):
            self.exact.setdefault(normalise(prof), sorted(part["code"]))
        for g, part in c.groupby("group"):
            codes = sorted(part["code"])
            self.exact.setdefault(normalise(g), codes)
            self.exact.setdefault(normalise(problem.names.get(g, g)), codes)

    def resolve(self, text: str) -> list[str] | None:
        return self.exact.get(normalise(text))

    def one(self, text: str) -> str | None:
        found = self.resolve(text)
        return found[0] if found and len(found) == 1 else None

    def suggest(self, text: str) -> str | None:
        return suggest_word(normalise(text), list(self.exact))


def area_index(problem: AllocationProblem) -> dict[str, str]:
    """Prefecture and county names and codes → code; 全省/province → 530000."""
    out = {normalise(k): k for k in problem.names if str(k).isdigit()}
    out.update({normalise(v): k for k, v in problem.names.items() if str(k).isdigit()})
    out.update({"全省": PROVINCE, "province": PROVINCE, PROVINCE: PROVINCE, "云南省": PROVINCE})
    return out


def load_lots(path: Path | str, problem: AllocationProblem, params: ShortlistParams) -> pd.DataFrame:
    """A user's lots (CSV/.xlsx), every problem reported with file, row and column (InputError)."""
    raw, problems = read_raw(path)
    if raw is None:
        problems.raise_if_any()
    _check_header(raw, problems)
    problems.raise_if_any()
    at = {h: i for i, h in enumerate(raw.header)}
    courses = CourseNames(problem)
    areas = area_index(problem)
    rows = []
    for row_no, cells in raw.rows:
        def cell(name: str, _cells=cells) -> str:
            return _cells[at[name]].strip() if name in at and at[name] < len(_cells) else ""
        row = _lot_row(raw.file, row_no, cell, problem, courses, areas, params, problems)
        if row is not None:
            rows.append(row)
    problems.raise_if_any()
    frame = pd.DataFrame(rows, columns=[*LOT_COLUMNS, "requested_method", "src_row"])
    frame.attrs["file"] = raw.file
    return frame


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
            problems.add(raw.file, 1, name, None, f"unknown column{f'; did you mean {hint!r}?' if hint else ''}")


def _lot_row(file, row_no, cell, problem, courses: CourseNames, areas, params, problems: ProblemList) -> dict | None:
    """One lot from a row, or None after adding its problems."""
    bad = len(problems.items)
    area = areas.get(normalise(cell("area")))
    not_a_name = limits.text_problem(cell("area"), limits.MAX_NAME_LENGTH, is_name=True)
    if not_a_name:  # control characters, a path separator, 10,000 characters (issue 17)
        problems.add(file, row_no, "area", cell("area"), not_a_name)
    elif area is None:
        hint = suggest_word(normalise(cell("area")), [problem.names[k] for k in problem.names if str(k).isdigit()])
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
    try:
        number = float(cell("trainees").replace(",", ""))
        if not (math.isfinite(number) and 0 < number <= MAX_PERSONS):  # finite and sane (issue 17)
            raise ValueError
        trainees = int(number)
    except ValueError:
        problems.add(file, row_no, "trainees", cell("trainees"), msg("proc.eval.bad_number"))
        trainees = 0
    mix = _mix(file, row_no, cell("course_mix"), courses, trainees, problems)
    if mix:
        codes = sorted(set(codes) | set(mix))
    if not codes and column not in [p.column for p in problems.items[bad:]]:
        problems.add(file, row_no, column, "", msg("proc.lots.unknown_course", item=""))
    if len({courses.group[c] for c in codes}) > 1:
        problems.add(file, row_no, column, cell(column), msg("proc.lots.mixed_groups"))
    method = cell("method")
    method = METHOD_ALIASES.get(method, method) or None
    if method is not None and method not in METHODS:
        problems.add(file, row_no, "method", cell("method"), msg("proc.lots.bad_method"))
    date = params.lot_date or problem.params.as_of
    if cell("date"):
        try:
            date = pd.Timestamp(cell("date")).date()
        except ValueError:
            problems.add(file, row_no, "date", cell("date"), "expected a date as YYYY-MM-DD")
    if len(problems.items) > bad:
        return None
    codes = sorted(codes)
    if not mix and len(codes) == 1:
        mix = {codes[0]: trainees}
    size = problem.courses.set_index("code")["max_class_size"]
    classes = sum(-(-v // int(size[k])) for k, v in mix.items()) if mix else -(-trainees // int(size[codes].min()))
    group = courses.group[codes[0]]
    return {"lot": cell("lot"), "area": area,
            "area_name": msg("proc.province") if area == PROVINCE else problem.names[area], "group": group,
            "group_name": problem.names.get(group, group), "courses": ",".join(codes),
            "course_names": "、".join(problem.names[c] for c in codes), "course_mix": format_mix(mix),
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
