"""Whole-number apportionment that sums exactly to a total, with optional per-item bounds.

Methods: ``hamilton`` (largest remainder, default), ``webster`` (Sainte-Laguë), ``dhondt`` (Jefferson),
``huntington_hill`` (equal proportions). Arithmetic is exact (fractions), so a tie is a real tie.

Tie-breaking (stated, deterministic): when two items have equal claim to the next unit — equal remainder
(Hamilton) or equal priority (divisor methods) — the item that comes first in ``weights`` gets it.

Bounds: ``lower[i] ≤ result[i] ≤ upper[i]``. Hamilton fixes items whose quota falls outside their bounds at
the bound and re-shares the rest; divisor methods start every item at its lower bound and never pass an
upper bound (the bounded divisor method, ``clamp(round(w/λ), lower, upper)``).
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from fractions import Fraction

METHODS = ("hamilton", "webster", "dhondt", "huntington_hill")


class ApportionmentError(ValueError):
    """The total cannot be shared under the given bounds, or the input is invalid."""


def apportion(weights: Sequence[float], total: int, method: str = "hamilton",
              lower: Sequence[int] | None = None, upper: Sequence[int] | None = None) -> list[int]:
    """Whole numbers in the order of ``weights`` that sum to ``total`` and respect the bounds."""
    n = len(weights)
    if method not in METHODS:
        raise ApportionmentError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")
    if total < 0 or int(total) != total:
        raise ApportionmentError(f"total must be a whole number ≥ 0, got {total}")
    total = int(total)
    w = [_fraction(x, i) for i, x in enumerate(weights)]
    lo = [0] * n if lower is None else [int(v) for v in lower]
    hi = [total] * n if upper is None else [int(v) for v in upper]
    if len(lo) != n or len(hi) != n:
        raise ApportionmentError("lower and upper must have one entry per weight")
    for i in range(n):
        if lo[i] < 0 or hi[i] < lo[i]:
            raise ApportionmentError(f"item {i}: bounds {lo[i]}..{hi[i]} are empty or negative")
    if sum(lo) > total:
        raise ApportionmentError(f"the lower bounds sum to {sum(lo)}, more than the total {total}")
    if sum(min(h, total) for h in hi) < total:
        raise ApportionmentError(f"the upper bounds sum to {sum(hi)}, less than the total {total}")
    if n == 0:
        return []
    if sum(w) == 0:
        # nothing to weigh by: only the bounds decide; fill from the first item (stated tie rule)
        w = [Fraction(1)] * n
    if method == "hamilton":
        return _hamilton(w, total, lo, hi)
    return _divisor(w, total, lo, hi, method)


def _fraction(x: float, i: int) -> Fraction:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        raise ApportionmentError(f"weight {i} is missing or not finite")
    f = Fraction(x)
    if f < 0:
        raise ApportionmentError(f"weight {i} is negative ({x})")
    return f


def _hamilton(w: list[Fraction], total: int, lo: list[int], hi: list[int]) -> list[int]:
    """Largest remainder on bounded quotas: q_i = clamp(λ w_i, lower_i, upper_i) with Σ q_i = total."""
    n = len(w)
    quota = _bounded_quotas(w, total, lo, hi)
    result = [math.floor(q) for q in quota]
    left = total - sum(result)
    order = sorted(range(n), key=lambda i: (-(quota[i] - result[i]), i))
    for i in order[:left]:
        result[i] += 1
    return result


def _bounded_quotas(w: list[Fraction], total: int, lo: list[int], hi: list[int]) -> list[Fraction]:
    """Exact water-filling: the λ at which Σ clamp(λ w_i, lo_i, hi_i) reaches the total."""
    n = len(w)

    def at(lam: Fraction) -> list[Fraction]:
        return [min(Fraction(hi[i]), max(Fraction(lo[i]), lam * w[i])) for i in range(n)]

    points = sorted({Fraction(0)} | {Fraction(b) / w[i] for i in range(n) if w[i] > 0 for b in (lo[i], hi[i])})
    prev = points[0]
    for point in points[1:]:
        s_prev, s_point = sum(at(prev)), sum(at(point))
        if s_point >= total:
            if s_point == s_prev:
                return at(point)
            lam = prev + (point - prev) * (total - s_prev) / (s_point - s_prev)  # S is linear in between
            return at(lam)
        prev = point
    quota = at(points[-1])  # every weighted item is full: the rest goes to zero-weight items, in order
    left = total - sum(quota)
    for i in range(n):
        if left <= 0:
            break
        room = min(Fraction(hi[i]) - quota[i], left)
        quota[i] += room
        left -= room
    return quota


class _Priority:
    """Claim of item ``i`` on its next unit, comparable exactly; larger claim first, then lower index."""

    __slots__ = ("i", "key", "method", "n", "w")

    def __init__(self, i: int, w: Fraction, n: int, method: str):
        self.i, self.w, self.n, self.method = i, w, n, method

    def claim(self) -> tuple[Fraction, bool]:
        """(value, infinite?) — Huntington–Hill compares squared claims w²/(n(n+1))."""
        if self.w == 0:
            return Fraction(0), False
        if self.method == "dhondt":
            return self.w / (self.n + 1), False
        if self.method == "webster":
            return self.w / (Fraction(2 * self.n + 1, 2)), False
        if self.n == 0:  # Huntington–Hill: the first unit has an infinite claim
            return Fraction(0), True
        return self.w * self.w / (self.n * (self.n + 1)), False

    def __lt__(self, other: _Priority) -> bool:  # heapq is a min-heap: "less" = stronger claim
        (a, ainf), (b, binf) = self.claim(), other.claim()
        if ainf != binf:
            return ainf
        if a != b:
            return a > b
        return self.i < other.i


def _divisor(w: list[Fraction], total: int, lo: list[int], hi: list[int], method: str) -> list[int]:
    n = len(w)
    result = _divisor_start(w, total, lo, hi, method)
    heap = [_Priority(i, w[i], result[i], method) for i in range(n) if result[i] < hi[i]]
    heapq.heapify(heap)
    left = total - sum(result)
    while left > 0:
        p = heapq.heappop(heap)
        result[p.i] += 1
        left -= 1
        if result[p.i] < hi[p.i]:
            heapq.heappush(heap, _Priority(p.i, w[p.i], result[p.i], method))
    return result


def _divisor_start(w: list[Fraction], total: int, lo: list[int], hi: list[int], method: str) -> list[int]:
    """A point at or below the answer in every item, so the exact greedy has only a few units to place.

    With divisor λ, item i gets clamp(round_method(w_i / λ), lower, upper), which never grows with λ. Any λ
    whose counts sum to at most the total lies at or above the method's own divisor, so its counts are at
    or below the answer in every item; a small safety factor absorbs floating-point error.
    """
    wf = [float(x) for x in w]
    if total == 0 or sum(wf) == 0:
        return list(lo)

    def rounded(x: float) -> int:
        if x <= 0:
            return 0
        f = math.floor(x)
        if method == "dhondt":
            return f
        if method == "webster":
            return math.floor(x + 0.5)
        return f + 1 if x >= math.sqrt(f * (f + 1)) else f  # Huntington–Hill: geometric-mean rounding

    def counts(lam: float) -> list[int]:
        return [max(lo[i], min(hi[i], rounded(wf[i] / lam))) for i in range(len(w))]

    low, high = sum(wf) / (total + len(w) + 1) / 4, sum(wf) * 4 + 1.0
    if sum(counts(high)) > total:  # only the lower bounds exceed: nothing to place greedily before them
        return list(lo)
    for _ in range(200):
        mid = (low + high) / 2
        if sum(counts(mid)) > total:
            low = mid
        else:
            high = mid
    return counts(high * (1 + 1e-9))
