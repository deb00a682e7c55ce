"""Solver set-up: make a PuLP solver by name (HiGHS or CBC) and read its outcome.

The one place that knows how a solver is made (HiGHS's banner silenced, no thread option, CBC single-threaded)
and how a solve ended: only ``sol_status`` is trusted, since PuLP 3.3 labels a time-limit stop "Optimal"
(solver-notes). Used by the LP, the rounding MIPs, the class MIPs, the diagnosis and the re-solve.
"""

from __future__ import annotations

import os
import sys

import pulp

from optimizer.messages import msg


class SolverUnavailable(RuntimeError):
    """The chosen solver is not installed."""



_BANNER_SILENCED = False


def _silence_highs_banner() -> None:
    """HiGHS prints a copyright banner on stdout when the first instance is made; make that one silently."""
    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        return
    _BANNER_SILENCED = True
    try:
        import highspy
    except ImportError:
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def make_solver(name: str, time_limit: float, mip: bool = False, gap: float | None = None) -> pulp.LpSolver:
    """A PuLP solver object; a missing solver is a clear error, not a crash later."""
    if name == "highs":
        _silence_highs_banner()
        # no `threads` option: HiGHS fixes its thread pool once per process and fails a later run that
        # asks for another size; its simplex is deterministic either way.
        from optimizer.model.highs_fast import FastHiGHS

        solver = FastHiGHS(msg=False, timeLimit=time_limit, mip=mip, gapRel=gap)
    elif name == "cbc":
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, mip=mip, threads=1, gapRel=gap)
    else:
        raise SolverUnavailable(msg("diag.solver_unknown", name=name))
    if not solver.available():
        raise SolverUnavailable(msg("diag.solver_missing", name=name,
                                    fix=msg(f"diag.solver_fix_{name}")))
    return solver


def solve_status(lp: pulp.LpProblem, elapsed: float, limit: float) -> str:
    """Trust only ``sol_status``: PuLP 3.3 calls a time-limit stop "Optimal" (solver-notes)."""
    if lp.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if lp.status == pulp.LpStatusInfeasible or lp.sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if elapsed >= limit * 0.98 or lp.sol_status == pulp.LpSolutionIntegerFeasible:
        return "time_limit"
    return "solver_failed"
