"""One message catalogue for everything a user reads: Chinese by default, English when asked.

Each domain keeps its messages in a module of this package with a ``CATALOGUE`` dict
``key -> (中文, English)``; this module merges them (a key defined twice is an error at import) and
formats them. The language is a context variable: the command line sets it from ``--lang`` or
``YUNNAN_PLAN_LANG``, the workspace from its switch. A dict catalogue (rather than gettext .po files)
keeps both languages of a message on one line, where a test can check that their placeholders agree.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

_language: ContextVar[str | None] = ContextVar("language", default=None)


def _load_catalogue() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_") or info.name == "numbers":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in getattr(module, "CATALOGUE", {}).items():
            if key in merged:
                raise RuntimeError(f"message key {key!r} is defined twice (second time in {info.name})")
            merged[key] = pair
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _load_catalogue()


def set_language(lang: str) -> None:
    """Choose the language of every later message in this context ('zh' or 'en')."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    _language.set(lang)


@contextmanager
def language(lang: str | None) -> Iterator[None]:
    """Messages in ``lang`` inside the block (None: unchanged); the earlier language afterwards."""
    if lang is None:
        yield
        return
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {lang!r}")
    token = _language.set(lang)
    try:
        yield
    finally:
        _language.reset(token)


def current_language() -> str:
    lang = _language.get() or os.environ.get("YUNNAN_PLAN_LANG", DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def msg(key: str, lang: str | None = None, /, **values: object) -> str:
    """The message ``key`` in ``lang`` (default: the current language), formatted with ``values``."""
    pair = CATALOGUE[key]
    text = pair[LANGUAGES.index(lang or current_language())]
    return text.format(**values) if values else text


def scenario_title(name: str, lang: str | None = None) -> str:
    """A scenario as its reader names it: a shipped one by its title with its file's key after it (基准方案
    （baseline）), a user's own by its name. Machine files (summary.json, sweep.csv, runs) keep the key."""
    key = f"ui.scen.{name}"
    if key not in CATALOGUE:
        return name
    title = msg(key, lang)
    return f"{title}（{name}）" if (lang or current_language()) == "zh" else f"{title} ({name})"


def indicator_name(indicator: str, lang: str | None = None) -> str:
    """A breakdown indicator by name (2020年常住人口（第七次全国人口普查）), as covers and explanations say it; its
    key where the catalogue has none (a user's own column)."""
    key = f"wb.indicator_{indicator}"
    return msg(key, lang) if key in CATALOGUE else indicator
