"""Scenario files (``scenarios/*.yaml``): a name, a data folder and the model parameters to use.

Read with ``yaml.safe_load`` only (a tag that would construct an object is an error), validated with
pydantic; unknown keys and bad values are errors naming the file, line and key, with a suggestion.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from optimizer.errors import InputError, ProblemList
from optimizer.loader import DEFAULT_DATA_DIR
from optimizer.names import suggest_word
from optimizer.params import ModelParams

SCENARIO_KEYS = {"name", "description", "data"}
YAML_WORDS = {"row_word": "line", "column_word": "key"}


@dataclass
class Scenario:
    name: str
    description: str
    data_dir: Path
    params: ModelParams
    source: str = ""


def default_scenario() -> Scenario:
    return Scenario("default", "the shipped data with the default parameters", DEFAULT_DATA_DIR, ModelParams())


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate one scenario file."""
    path = Path(path)
    problems = ProblemList()
    file = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.add(file, None, None, None, f"cannot read the scenario: {exc.strerror or exc}", **YAML_WORDS)
        problems.raise_if_any()
    except UnicodeDecodeError:
        problems.add(file, None, None, None, "scenario files must be UTF-8 text", **YAML_WORDS)
        problems.raise_if_any()
    try:
        doc = yaml.safe_load(text)
        lines = _key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.add(file, mark.line + 1 if mark else None, None, None,
                     f"not valid YAML (only plain values, lists and mappings are allowed): "
                     f"{getattr(exc, 'problem', None) or exc}", **YAML_WORDS)
        problems.raise_if_any()
    if doc is None:
        doc = {}
    if not isinstance(doc, dict):
        problems.add(file, 1, None, None, "a scenario must be a mapping of keys to values", **YAML_WORDS)
        problems.raise_if_any()
    params_fields = set(ModelParams.model_fields)
    known = SCENARIO_KEYS | params_fields
    for key in doc:
        if key not in known:
            hint = suggest_word(str(key), known)
            problems.add(file, lines.get(str(key)), str(key), None,
                         f"unknown key{f'; did you mean {hint}?' if hint else ''}", **YAML_WORDS)
    problems.raise_if_any()
    data = doc.get("data")
    data_dir = (path.parent / data).resolve() if data else DEFAULT_DATA_DIR
    try:
        params = ModelParams(**{k: v for k, v in doc.items() if k in params_fields})
    except ValidationError as exc:
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            top = str(err["loc"][0]) if err["loc"] else ""
            problems.add(file, lines.get(top), key, err.get("input"), err["msg"], **YAML_WORDS)
        raise InputError(problems.items) from None
    return Scenario(str(doc.get("name") or path.stem), str(doc.get("description") or ""), data_dir, params,
                    str(path))


def _key_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each top-level key, for messages."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {k.value: k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)}
