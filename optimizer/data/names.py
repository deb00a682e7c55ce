"""Canonical names: resolve a prefecture or unit as written anywhere to one entity code.

Every loader resolves names here, so 版纳州 and 西双版纳州 are the same prefecture everywhere, and an
unknown name is an error that suggests the closest known one.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field


@dataclass
class NameIndex:
    """Maps every accepted spelling (canonical name and aliases) to a stable ASCII/adcode key."""

    kind: str  # "prefecture", "unit", "institution" … used in messages
    canonical: dict[str, str] = field(default_factory=dict)  # key -> canonical name
    spellings: dict[str, str] = field(default_factory=dict)  # spelling -> key

    def add(self, key: str, name: str, aliases: list[str] | tuple[str, ...] = ()) -> None:
        self.canonical[key] = name
        for spelling in (name, *aliases):
            spelling = normalise(spelling)
            if spelling:
                self.spellings.setdefault(spelling, key)

    def resolve(self, text: str) -> str | None:
        """The key for ``text``, or None when it is unknown."""
        return self.spellings.get(normalise(text))

    def is_alias(self, text: str) -> bool:
        """True when ``text`` resolves but is not the canonical spelling."""
        key = self.resolve(text)
        return key is not None and normalise(text) != self.canonical[key]

    def suggest(self, text: str) -> str | None:
        """The closest known canonical name, for 'did you mean …?' messages."""
        text = normalise(text)
        close = difflib.get_close_matches(text, list(self.spellings), n=1, cutoff=0.4)
        if close:
            return self.canonical[self.spellings[close[0]]]
        # Short Chinese names differ by one character more often than difflib's ratio admits.
        for spelling, key in self.spellings.items():
            if text and (text in spelling or spelling in text):
                return self.canonical[key]
        return None

    def unknown_message(self, text: str) -> str:
        from optimizer.messages import msg
        from optimizer.messages.data import kind_word

        hint = self.suggest(text)
        tail = (msg("data.did_you_mean", hint=hint) if hint
                else msg("data.known", names=msg("data.list_sep").join(self.canonical.values())))
        return msg("data.unknown_name", kind=kind_word(self.kind), tail=tail)


def normalise(text: object) -> str:
    """Trim and drop inner blanks (the notice's PDF text has stray spaces inside names)."""
    return "".join(str(text).split()) if text is not None else ""


def suggest_word(word: str, choices: list[str] | set[str]) -> str | None:
    """Closest of ``choices`` to ``word`` (column names, scenario keys)."""
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.5)
    return close[0] if close else None
