"""Scenario files (``scenarios/*.yaml``): what a planner changes, in a small readable file.

Read with a bounded ``yaml.SafeLoader`` only (``data.limits``; a tag that would construct a Python object is
an error), validated with pydantic (unknown keys are errors with a "did you mean"), names resolved against
the data (unknown school or prefecture: an error naming file, line and key). ``base:`` extends another
file: mappings merge key by
key, every other value (numbers, lists) is replaced by the extending file's; a ``base:`` cycle is an error.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from optimizer import rules
from optimizer.data import limits
from optimizer.data.loader import DEFAULT_DATA_DIR, PlanData, load_plan
from optimizer.data.names import NameIndex, suggest_word
from optimizer.data.params import (
    MAX_DEBARMENT_YEARS,
    MAX_PERCENT,
    MAX_PERSONS,
    STRICT,
    CapacityChange,
    Lock,
    ModelParams,
    Name,
    SaneDate,
    Text,
)
from optimizer.errors import InputError, Problem, ProblemList
from optimizer.messages import current_language, msg
from optimizer.messages.data import kind_word, validation_message

YAML_WORDS = {"row_word": "line", "column_word": "key"}
SCENARIO_DIR = DEFAULT_DATA_DIR.parent / "scenarios"


def _one_of(obj: BaseModel, *names: str) -> None:
    given = [n for n in names if getattr(obj, n) is not None]
    if len(given) != 1:
        raise ValueError(msg("scen.one_of", names=msg("scen.or").join(names)))


class TargetChange(BaseModel):
    """Annex 1 target change: a column (1–9, 5 = technical schools), one prefecture or all."""

    model_config = STRICT
    column: int = Field(5, ge=1, le=9)
    prefecture: Name | None = None
    percent: float | None = Field(None, ge=-100, le=MAX_PERCENT)
    value: int | None = Field(None, ge=0, le=MAX_PERSONS, description="persons (人次)")

    @model_validator(mode="after")
    def _check(self) -> TargetChange:
        _one_of(self, "percent", "value")
        if self.value is not None and self.prefecture is None:
            raise ValueError(msg("scen.value_needs_prefecture"))
        return self


class QuotaChange(BaseModel):
    model_config = STRICT
    school: Name
    percent: float | None = Field(None, ge=-100, le=MAX_PERCENT)
    value: int | None = Field(None, ge=0, le=MAX_PERSONS, description="persons")

    @model_validator(mode="after")
    def _check(self) -> QuotaChange:
        _one_of(self, "percent", "value")
        return self


class FocusChange(BaseModel):
    """Profession focus: multiply a group's share (then renormalise) or set it."""

    model_config = STRICT
    prefecture: Name
    group: Name
    factor: float | None = Field(None, ge=0, le=MAX_PERCENT)
    share: float | None = Field(None, ge=0, le=1)

    @model_validator(mode="after")
    def _check(self) -> FocusChange:
        _one_of(self, "factor", "share")
        return self


class Debarment(BaseModel):
    model_config = STRICT
    institution: Name
    decision_date: SaneDate
    years: int = Field(rules.DEBARMENT_YEARS, ge=0, le=MAX_DEBARMENT_YEARS)
    reason: Text = ""


class ScenarioFile(BaseModel):
    """Everything a scenario file may say; the model settings are those of ``ModelParams``."""

    model_config = STRICT
    name: Name = ""
    description: Text = ""
    base: Text | None = None
    data: Text | None = None
    targets: list[TargetChange] = Field(default_factory=list)
    quotas: list[QuotaChange] = Field(default_factory=list)
    capacity: list[CapacityChange] = Field(default_factory=list)
    focus: list[FocusChange] = Field(default_factory=list)
    debarred: list[Debarment] = Field(default_factory=list)
    # model settings (ModelParams), names allowed where the params take codes
    cert_share: float | None = None
    cert_share_by_unit: dict[Name, float] | None = None
    quota_mode: str | None = None
    quota_band: float | None = None
    indicator: str | None = None
    band_delta: float | None = None
    band_penalty: float | None = None
    mix_tolerance: float | None = None
    mix_penalty: float | None = None
    travel_cost_per_km: float | None = None
    balance_inner: float | None = None
    balance_cost_inner: float | None = None
    balance_cost_outer: float | None = None
    advanced_floor: float | None = None
    certificate_floor: float | None = None
    qualification_cap: float | None = None
    min_class_size: int | None = None
    class_fill: float | None = None
    weights: dict[str, float] | None = None
    excluded: list[Name] | None = None
    as_of: SaneDate | None = None
    locks: list[Lock] = Field(default_factory=list)
    solver: str | None = None
    time_limit: float | None = None


PARAM_KEYS = ("cert_share", "cert_share_by_unit", "quota_mode", "quota_band", "indicator", "band_delta",
              "band_penalty", "mix_tolerance", "mix_penalty", "travel_cost_per_km", "weights", "excluded", "as_of",
              "solver", "time_limit", "balance_inner", "balance_cost_inner", "balance_cost_outer", "advanced_floor",
              "certificate_floor", "qualification_cap", "min_class_size", "class_fill")
INDICATORS = ("population_2020", "population_outside_districts")


@dataclass
class Scenario:
    """A validated scenario: its settings and where every key came from (file, line) for messages."""

    name: str
    description: str
    data_dir: Path
    spec: ScenarioFile
    source: str = ""
    origins: dict[tuple, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def params(self) -> ModelParams:
        """Model settings before names are resolved (for scenarios that name no school or unit)."""
        return ModelParams(**{k: getattr(self.spec, k) for k in PARAM_KEYS if getattr(self.spec, k) is not None})

    def apply(self, plan: PlanData, overrides: dict[str, Any] | None = None) -> tuple[PlanData, ModelParams]:
        """The plan with this scenario's data changes, and its model parameters with names resolved."""
        return _apply(self, plan, overrides or {})

    def where(self, *path) -> tuple[str, int | None]:
        """(file, line) of a key path, for messages; falls back to the top-level key, then the file."""
        for n in range(len(path), 0, -1):
            if path[:n] in self.origins:
                return self.origins[path[:n]]
        return (Path(self.source).name if self.source else "scenario", None)


def default_scenario() -> Scenario:
    return Scenario("default", "the shipped data with the default parameters", DEFAULT_DATA_DIR, ScenarioFile())


def _read_yaml(path: Path, problems: ProblemList, given: str | None = None) -> tuple[dict, dict[tuple, int]]:
    """The mapping of a scenario file and the line of every key; within the limits of ``data.limits``.
    ``given``: the file's name as the user wrote it (before links were resolved), for a file that cannot be read."""
    file = path.name
    data = limits.read_bounded(path, limits.MAX_YAML_BYTES, "limits.what_scenario", problems, given or file,
                               **YAML_WORDS)
    if data is None:
        problems.raise_if_any()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(file, None, None, None, msg("scen.not_utf8"), **YAML_WORDS)
        problems.raise_if_any()
    try:
        doc, node = limits.load_yaml(text)
    except limits.YamlLimit as exc:
        problems.add(file, exc.problem_mark.line + 1, None, None, exc.message, **YAML_WORDS)
        problems.raise_if_any()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(file, mark.line + 1 if mark else None, None, None, _yaml_message(exc, mark), **YAML_WORDS)
        problems.raise_if_any()
    if doc is None:
        return {}, {}
    if not isinstance(doc, dict):
        problems.add(file, 1, None, None, msg("scen.not_mapping"), **YAML_WORDS)
        problems.raise_if_any()
    lines: dict[tuple, int] = {}
    _lines(node, (), lines)
    return doc, lines


# the commonest of pyyaml's syntax complaints, by a phrase of its (English) text → a hint in the catalogue
YAML_HINTS = (("mapping values are not allowed", "scen.yaml_hint.mapping"), ("end of stream", "scen.yaml_hint.end"),
              ("expected ',' or ']'", "scen.yaml_hint.flow"), ("expected ',' or '}'", "scen.yaml_hint.flow"),
              ("'\\t'", "scen.yaml_hint.tab"))


def _yaml_message(exc: yaml.YAMLError, mark) -> str:
    """Why the text is not a scenario: a refused tag (a constructor error) as ``scen.not_yaml``; a syntax error
    as the line and column where pyyaml stopped, with a hint in the user's language for the common ones. pyyaml's
    own text (English) follows, quoted in Chinese, as the detail a helper can search for."""
    if isinstance(exc, yaml.constructor.ConstructorError) or mark is None:
        return msg("scen.not_yaml", detail=_yaml_detail(exc))
    problem = str(getattr(exc, "problem", None) or exc)
    hint = next((msg(key) for phrase, key in YAML_HINTS if phrase in problem), "")
    return msg("scen.yaml_syntax", line=mark.line + 1, column=mark.column + 1, hint=hint, detail=problem)


def _yaml_detail(exc: yaml.YAMLError) -> str:
    """What the YAML library says is wrong; in Chinese only the refused tag (quoted), its prose being English."""
    problem = str(getattr(exc, "problem", None) or exc)
    tag = re.search(r"'(tag:[^']*)'", problem)
    if current_language() == "zh":
        return f"'{tag.group(1)}'" if tag else problem
    return problem


def _lines(node, path: tuple, out: dict[tuple, int]) -> None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            key = (*path, k.value)
            out[key] = k.start_mark.line + 1
            _lines(v, key, out)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            out[(*path, i)] = v.start_mark.line + 1
            _lines(v, (*path, i), out)


def _merge(base: dict, child: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in child.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _resolve_path(path: Path | str, problems: ProblemList, file: str) -> Path | None:
    """The absolute path of a scenario file, or None (a symbolic link loop) with the problem added."""
    try:
        return Path(path).resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a symbolic link loop
        problems.add(file, None, None, None, msg("limits.symlink_loop"), **YAML_WORDS)
        return None


def load_scenario(path: Path | str, _chain: tuple[Path, ...] = ()) -> Scenario:
    """Read, extend (``base:``) and validate one scenario file; all problems raised as ``InputError``.

    Every problem of the file and of its base files is listed in one pass: unknown keys, wrong types and
    out-of-range settings together, the base file's problems with the extending file's."""
    problems = ProblemList()
    given = Path(path).name
    resolved = _resolve_path(path, problems, given)
    if resolved is None:
        problems.raise_if_any()
    path = resolved
    if path in _chain:
        cycle = " → ".join(p.name for p in (*_chain, path))
        problems.add(_chain[-1].name, None, "base", path.name, msg("scen.cycle", cycle=cycle), **YAML_WORDS)
        problems.raise_if_any()
    if len(_chain) >= limits.MAX_BASE_CHAIN:
        chain = " → ".join(p.name for p in (*_chain, path))
        problems.add(_chain[-1].name, None, "base", path.name,
                     msg("limits.base_chain", limit=limits.MAX_BASE_CHAIN, chain=chain), **YAML_WORDS)
        problems.raise_if_any()
    doc, lines = _read_yaml(path, problems, given)
    origins = {k: (path.name, line) for k, line in lines.items()}
    known = set(ScenarioFile.model_fields)
    for key in list(doc):
        if key not in known:
            hint = suggest_word(str(key), known)
            problems.add(path.name, lines.get((key,)), str(key), None,
                         msg("scen.unknown_key", tail=msg("data.did_you_mean", hint=hint) if hint else ""),
                         **YAML_WORDS)
            del doc[key]  # reported; the other keys are still checked
    merged = doc
    if doc.get("base"):
        merged, origins = _extend(path, doc, lines, origins, _chain, problems)
    try:
        spec = ScenarioFile.model_validate(merged)
    except ValidationError as exc:
        bad = set()
        for err in exc.errors():
            loc = tuple(err["loc"])
            bad.add(loc[0] if loc else None)
            file, line = _origin(origins, loc, path.name)
            problems.add(file, line, ".".join(str(p) for p in loc) or None, _input(err),
                         validation_message(err), **YAML_WORDS)
        _check_rest(path, {k: v for k, v in merged.items() if k not in bad}, origins, problems)
        raise InputError(problems.items) from None
    data_dir = (path.parent / spec.data).resolve() if spec.data else DEFAULT_DATA_DIR
    scenario = Scenario(spec.name or path.stem, spec.description, data_dir, spec, str(path), origins)
    _check_params(scenario, problems)
    problems.raise_if_any()
    return scenario


def _check_rest(path: Path, rest: dict, origins: dict, problems: ProblemList) -> None:
    """The settings whose types were right, checked for range as well: one pass lists both kinds."""
    try:
        spec = ScenarioFile.model_validate(rest)
    except ValidationError:
        return
    _check_params(Scenario(path.stem, "", DEFAULT_DATA_DIR, spec, str(path), origins), problems)


def _input(err: dict) -> object:
    """The value a validation error is about (None for a whole mapping or list: too long to repeat)."""
    value = err.get("input")
    return None if isinstance(value, dict | list) else value


def _extend(path: Path, doc: dict, lines: dict, origins: dict, chain: tuple[Path, ...],
            problems: ProblemList) -> tuple[dict, dict]:
    """``doc`` merged over its base file; the base's problems are added, and ``doc`` alone is used then."""
    base_file = str(doc["base"])
    base_path = _resolve_path(path.parent / base_file, problems, base_file)
    child = {k: v for k, v in doc.items() if k != "base"}
    if base_path is None:
        return child, origins
    if not base_path.exists() and base_path not in chain:
        problems.add(path.name, lines.get(("base",)), "base", doc["base"], msg("scen.base_not_found"),
                     **YAML_WORDS)
        return child, origins
    try:
        base = load_scenario(base_path, (*chain, path))
    except InputError as exc:
        problems.extend(exc.problems)
        return child, origins
    base_doc = base.spec.model_dump(exclude_unset=True, exclude={"base", "name", "description"})
    if base.spec.data and "data" not in doc:  # keep the base's data folder relative to the base file
        base_doc["data"] = str((base_path.parent / base.spec.data).resolve())
    return _merge(base_doc, child), {**base.origins, **origins}


def _origin(origins: dict, loc: tuple, default: str) -> tuple[str, int | None]:
    for n in range(len(loc), 0, -1):
        if loc[:n] in origins:
            return origins[loc[:n]]
    return default, None


def _check_params(scenario: Scenario, problems: ProblemList) -> None:
    """Model settings validated by ``ModelParams`` itself (ranges, choices), each error at its line."""
    spec = scenario.spec
    fields = {k: getattr(spec, k) for k in PARAM_KEYS if getattr(spec, k) is not None}
    fields.pop("cert_share_by_unit", None)  # names resolved later; ranges checked here
    fields.pop("excluded", None)
    for unit, share in (spec.cert_share_by_unit or {}).items():
        if not 0 <= share <= 1:
            file, line = scenario.where("cert_share_by_unit", unit)
            problems.add(file, line, f"cert_share_by_unit.{unit}", share, msg("scen.share_range"),
                         **YAML_WORDS)
    if spec.indicator is not None and spec.indicator not in INDICATORS:
        file, line = scenario.where("indicator")
        hint = suggest_word(spec.indicator, INDICATORS)
        problems.add(file, line, "indicator", spec.indicator,
                     msg("data.expected_one_of", choices=", ".join(INDICATORS),
                         tail=msg("data.did_you_mean", hint=hint) if hint else ""),
                     **YAML_WORDS)
        fields.pop("indicator")
    try:
        ModelParams(**fields)
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            file, line = scenario.where(*loc)
            problems.add(file, line, ".".join(str(p) for p in loc), err.get("input"),
                         validation_message(err), **YAML_WORDS)


def _apply(scenario: Scenario, plan: PlanData, overrides: dict[str, Any]) -> tuple[PlanData, ModelParams]:
    spec = scenario.spec
    problems = ProblemList()
    schools = NameIndex("institution")
    for r in plan.institutions.itertuples():
        schools.add(r.code, r.name)
    counties = NameIndex("county")
    for r in plan.counties.itertuples():
        counties.add(r.adcode, r.county)
    courses = set(plan.courses["code"])
    groups = set(plan.groups["code"])

    def resolve(index: NameIndex, text: str, *path) -> str | None:
        key = text if text in index.canonical else index.resolve(text)
        if key is None:
            file, line = scenario.where(*path)
            problems.add(file, line, ".".join(map(str, path)), text, index.unknown_message(text), **YAML_WORDS)
        return key

    def check_code(value: str | None, known: set[str], what: str, *path) -> None:
        if value is not None and value not in known:
            file, line = scenario.where(*path)
            hint = suggest_word(value, known)
            problems.add(file, line, ".".join(map(str, path)), value,
                         msg("scen.unknown_code", what=kind_word(what),
                             tail=msg("data.did_you_mean", hint=hint) if hint else ""), **YAML_WORDS)

    plan = copy.copy(plan)
    # Annex 1 targets
    if spec.targets:
        a1 = plan.annex1.copy()
        for i, t in enumerate(spec.targets):
            col = f"col{t.column}"
            rows = a1.index[~a1["is_total"]]
            if t.prefecture is not None:
                code = resolve(plan.prefecture_names, t.prefecture, "targets", i, "prefecture")
                rows = a1.index[a1["prefecture"] == code]
            for r in rows:
                persons = Decimal(t.value) if t.value is not None else \
                    (a1.at[r, col] * rules.WAN * (100 + Decimal(str(t.percent))) / 100).quantize(
                        Decimal(1), rounding=ROUND_HALF_UP)
                a1.at[r, col] = persons / rules.WAN
        plan.annex1 = a1
    # Annex 2 quotas
    if spec.quotas:
        a2 = plan.annex2.copy()
        for i, q in enumerate(spec.quotas):
            code = resolve(schools, q.school, "quotas", i, "school")
            if code is None:
                continue
            rows = a2.index[a2["institution"] == code]
            if rows.empty:
                file, line = scenario.where("quotas", i, "school")
                problems.add(file, line, f"quotas.{i}.school", q.school, msg("scen.not_annex2_school"), **YAML_WORDS)
                continue
            r = rows[0]
            persons = q.value if q.value is not None else int(
                (Decimal(int(a2.at[r, "quota"])) * (100 + Decimal(str(q.percent))) / 100).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP))
            a2.at[r, "quota"] = persons
            a2.at[r, "quota_wan"] = Decimal(persons) / rules.WAN
        plan.annex2 = a2
    # profession focus
    if spec.focus:
        focus = plan.focus.copy()
        for i, f in enumerate(spec.focus):
            code = resolve(plan.prefecture_names, f.prefecture, "focus", i, "prefecture")
            check_code(f.group, groups, "profession group", "focus", i, "group")
            if code is None or f.group not in groups:
                continue
            mask = (focus["prefecture_adcode"] == code) & (focus["group"] == f.group)
            if not mask.any():
                added = {"prefecture": plan.prefecture_name(code), "group": f.group, "share": 0.0,
                         "basis": "scenario", "prefecture_adcode": code}
                focus = pd.concat([focus, pd.DataFrame([added])], ignore_index=True)
                mask = (focus["prefecture_adcode"] == code) & (focus["group"] == f.group)
            mine = focus["prefecture_adcode"] == code
            if f.factor is not None:
                focus.loc[mask, "share"] = focus.loc[mask, "share"] * f.factor
                focus.loc[mine, "share"] = focus.loc[mine, "share"] / focus.loc[mine, "share"].sum()
            else:
                others = mine & ~mask
                rest = focus.loc[others, "share"].sum()
                focus.loc[mask, "share"] = f.share
                if rest > 0:
                    focus.loc[others, "share"] = focus.loc[others, "share"] * (1 - f.share) / rest
        plan.focus = focus
    # debarments
    if spec.debarred:
        rows = []
        for i, d in enumerate(spec.debarred):
            code = resolve(schools, d.institution, "debarred", i, "institution")
            if code:
                rows.append({"institution": code, "decision_date": d.decision_date, "years": d.years,
                             "reason": d.reason or "scenario", "basis": "scenario"})
        plan.debarments = pd.concat([plan.debarments, pd.DataFrame(rows)], ignore_index=True)
    # model settings with names → codes
    fields = {k: getattr(spec, k) for k in PARAM_KEYS if getattr(spec, k) is not None}
    if spec.cert_share_by_unit:
        fields["cert_share_by_unit"] = {}
        for unit, share in spec.cert_share_by_unit.items():
            code = unit if unit in plan.unit_names.canonical else plan.unit_names.resolve(unit)
            if code is None:
                file, line = scenario.where("cert_share_by_unit", unit)
                problems.add(file, line, f"cert_share_by_unit.{unit}", unit, plan.unit_names.unknown_message(unit),
                             **YAML_WORDS)
            else:
                fields["cert_share_by_unit"][code] = share
    if spec.excluded:
        fields["excluded"] = [c for i, name in enumerate(spec.excluded)
                              if (c := resolve(schools, name, "excluded", i))]
    changes = []
    for i, ch in enumerate(spec.capacity):
        code = resolve(schools, ch.institution, "capacity", i, "institution")
        check_code(ch.course, courses, "course code", "capacity", i, "course")
        check_code(ch.group, groups, "profession group", "capacity", i, "group")
        if code:
            changes.append(ch.model_copy(update={"institution": code}))
    fields["capacity_changes"] = changes
    locks = []
    for i, lock in enumerate(spec.locks):
        code = resolve(schools, lock.school, "locks", i, "school")
        update: dict[str, Any] = {"school": code}
        if lock.prefecture:
            update["prefecture"] = resolve(plan.prefecture_names, lock.prefecture, "locks", i, "prefecture")
        if lock.county:
            update["county"] = resolve(counties, lock.county, "locks", i, "county")
        if all(update.values()):
            locks.append(lock.model_copy(update=update))
    fields["locks"] = locks
    problems.raise_if_any()
    fields.update(overrides)
    try:
        params = ModelParams(**fields)
    except ValidationError as exc:
        raise InputError([_problem_from(scenario, err) for err in exc.errors()]) from None
    if params.indicator == "population_outside_districts":
        plan = copy.copy(plan)
        c = plan.counties.copy()
        c["population_outside_districts"] = c["population_2020"].where(c["kind"] != "市辖区", 0)
        plan.counties = c
    return plan, params


def _problem_from(scenario: Scenario, err: dict):
    loc = tuple(err["loc"])
    file, line = scenario.where(*loc)
    return Problem(file, line, ".".join(str(p) for p in loc), None, validation_message(err), "line", "key")


def scenario_hash(plan: PlanData, params: ModelParams) -> str:
    """Hash of the inputs that decide a solution: every data table and the model settings."""
    h = hashlib.sha256()
    for name in ("annex1", "annex2", "annex4", "counties", "courses", "offers", "institutions", "unit_scope",
                 "unit_counties", "focus", "debarments"):
        frame = getattr(plan, name)
        h.update(name.encode())
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).values.tobytes())
    h.update(json.dumps(params.model_dump(mode="json"), sort_keys=True).encode())
    return h.hexdigest()[:16]


SAFE_NAME = r"[A-Za-z0-9_\-\u4e00-\u9fff]{1,64}"


def save_scenario(name: str, settings: dict[str, Any], base: str = "baseline.yaml",
                  folder: Path = SCENARIO_DIR, description: str = "") -> Path:
    """Write a scenario file atomically inside ``folder``; a name that could escape it is refused."""
    import os
    import re
    import tempfile

    if not re.fullmatch(SAFE_NAME, name or ""):
        raise InputError([Problem(msg("scen.save.where"), None, None, name, msg("scen.save.bad_name"))])
    folder = Path(folder).resolve()
    target = (folder / f"{name}.yaml").resolve()
    if target.parent != folder:
        raise InputError([Problem(msg("scen.save.where"), None, None, name, msg("scen.save.outside"))])
    doc = {"name": name, "description": description or msg("scen.save.description"), "base": base, **settings}
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False)
        load_scenario(tmp)  # never leave a file that would not load
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


def flag_problems(overrides: dict[str, Any], flags: dict[str, str]) -> dict[str, list[Problem]]:
    """Settings given as command-line flags, each validated alone and blamed on its flag (``--cert-share 1.5``),
    never on a line of the scenario file; setting → its problems, for the settings that have any."""
    out: dict[str, list[Problem]] = {}
    for key, flag in flags.items():
        if key not in overrides:
            continue
        value = overrides[key]
        try:
            ModelParams(**{key: value})
        except ValidationError as exc:
            out[key] = [Problem(f"{flag} {value}", None, None, str(value), validation_message(err))
                        for err in exc.errors()]
    return out


Check = Callable[[PlanData, ModelParams | None], None]


# Keys whose values name things of the data: (list key, field, index of names) — checked even when the file has
# type errors, so that a type error never hides an unknown name in the same file.
NAMED_FIELDS = (("quotas", "school", "institution"), ("capacity", "institution", "institution"),
                ("locks", "school", "institution"), ("debarred", "institution", "institution"),
                ("locks", "prefecture", "prefecture"), ("locks", "county", "county"),
                ("targets", "prefecture", "prefecture"), ("focus", "prefecture", "prefecture"))


def raw_name_problems(path: Path | str, plan: PlanData) -> list[Problem]:
    """Unknown names in a scenario file read as plain YAML (its own keys, not its bases'): used when the file's
    types are wrong, so that its unknown names are reported in the same pass as its type errors."""
    found = ProblemList()
    try:
        doc, origins = _read_yaml(Path(path), ProblemList())
    except (InputError, OSError, ValueError):
        return []
    if not isinstance(doc, dict):
        return []
    indexes = {"institution": NameIndex("institution"), "county": NameIndex("county"),
               "prefecture": plan.prefecture_names}
    for r in plan.institutions.itertuples():
        indexes["institution"].add(r.code, r.name)
    for r in plan.counties.itertuples():
        indexes["county"].add(r.adcode, r.county)
    file = Path(path).name

    def check(text: object, index: NameIndex, *where) -> None:
        if isinstance(text, str) and text not in index.canonical and index.resolve(text) is None:
            found.add(file, origins.get(where), ".".join(map(str, where)), text, index.unknown_message(text),
                      **YAML_WORDS)

    for key, fieldname, kind in NAMED_FIELDS:
        items = doc.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                check(item.get(fieldname), indexes[kind], key, i, fieldname)
    excluded = doc.get("excluded")
    for i, text in enumerate(excluded if isinstance(excluded, list) else []):
        check(text, indexes["institution"], "excluded", i)
    return found.items


def load_inputs(path: Path | str | None, data: Path | str | None = None, overrides: dict[str, Any] | None = None,
                flags: dict[str, str] | None = None, checks: tuple[Check, ...] | list[Check] = (),
                problems: list[Problem] | None = None) -> tuple[Scenario, PlanData, ModelParams]:
    """Scenario, data (as loaded, before the scenario is applied) and settings, every problem of every input
    listed in one pass.

    Bad flags (``flags``: setting → flag text), the scenario file and its base files, every data table, and
    the ``checks`` of further files (weights, lots: callables ``check(plan or None, params or None)`` raising
    ``InputError``; plan None when the data could not be read) are all read before
    anything is raised, so a second bad file never waits for the first to be fixed. ``problems``: found
    earlier by the caller (its own flags)."""
    found = ProblemList()
    found.extend(list(problems or []))
    overrides = dict(overrides or {})
    for key, bad in flag_problems(overrides, flags or {}).items():
        found.extend(bad)
        overrides.pop(key)  # reported as the flag's problem, not blamed on the scenario file
    scenario = plan = params = None
    try:
        scenario = load_scenario(path) if path else default_scenario()
    except InputError as exc:
        found.extend(exc.problems)
    try:
        plan = load_plan(Path(data) if data else (scenario.data_dir if scenario else DEFAULT_DATA_DIR))
    except InputError as exc:
        found.extend(exc.problems)
    if scenario is None and path and plan is not None:  # its types are wrong: still list its unknown names
        known = {(p.file, p.row, p.column) for p in found.items}
        found.extend([p for p in raw_name_problems(path, plan) if (p.file, p.row, p.column) not in known])
    applied = None
    if scenario is not None and plan is not None:
        try:
            applied, params = scenario.apply(plan, overrides)
        except InputError as exc:
            found.extend(exc.problems)
    # further files are read even when the scenario is bad (params then None) or the data is (plan then None:
    # a check then looks at its file's own columns and types only)
    for check in checks:
        try:
            check(applied if applied is not None else plan, params)
        except InputError as exc:
            found.extend(exc.problems)
    found.raise_if_any()
    return scenario, plan, params
