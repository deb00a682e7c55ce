"""Amounts as a Chinese bureau reads them: 万人 / 万元 with thousands separators; English alike in words."""

from __future__ import annotations

import unicodedata

from optimizer.messages import current_language


def persons(n: float, lang: str | None = None, digits: int = 2) -> str:
    """Trainees: '20.00 万人' in Chinese (1 万 = 10,000), '200,000 persons' in English."""
    if (lang or current_language()) == "zh":
        return f"{n / 10_000:,.{digits}f} 万人"
    return f"{n:,.0f} persons"


def yuan(amount: float, lang: str | None = None, digits: int = 2) -> str:
    """Money: '30,860.45 万元' in Chinese, '308.60 million yuan' in English."""
    if (lang or current_language()) == "zh":
        return f"{amount / 10_000:,.{digits}f} 万元"
    return f"{amount / 1_000_000:,.{digits}f} million yuan"


def count(n: float) -> str:
    """A plain count with separators: 1,234."""
    return f"{n:,.0f}"


def share(x: float, digits: int = 1) -> str:
    """A share as a percentage: 60.0%; one that rounds to nothing is 0.00%, never -0.00% (the re-plan's integer
    gap, a rounding error below its LP bound, read 整数差距：-0.00% in runs show)."""
    if abs(x) < 0.5 * 10 ** -(digits + 2):
        x = 0.0
    return f"{x:.{digits}%}"


def persons_exact(n: float, lang: str | None = None) -> str:
    """Trainees to the person, in as few decimals of 万 as that needs: '36 万人', '0.9 万人', '0.0264 万人' in
    Chinese (a diagnosis must not round a shortfall of 40 away); '264 persons' in English."""
    if (lang or current_language()) != "zh":
        return f"{n:,.0f} persons"
    whole = round(n)
    digits = next(d for d in range(5) if whole % 10 ** (4 - d) == 0)
    return f"{whole / 10_000:,.{digits}f} 万人"


def display_width(text: object) -> int:
    """Columns a text takes in a terminal or a spreadsheet cell: CJK and full-width characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def padded(text: str, width: int) -> str:
    """``text`` filled with spaces to ``width`` display columns (a Chinese character counts two)."""
    return text + " " * max(0, width - display_width(text))
