"""PuLP's HiGHS interface, handing the model over in one call.

PuLP 3.3's ``HiGHS.buildSolverModel`` adds the model one column and one row at a time; for our LP that hand-off
costs about a third of the solve stage. This subclass builds the row-wise matrix in arrays and passes it with
``Highs.passModel`` once; everything else (options, status mapping, reading values and duals back) is PuLP's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pulp
from pulp import constants

_WHILE_SOLVING: list[Callable[[], None]] = []


def while_next_solve(task: Callable[[], None]) -> None:
    """Run ``task`` once, when HiGHS next starts solving. HiGHS releases the GIL while it runs, so a thread started
    then (the CLI's import of the plan store) overlaps the solve; started earlier, it competes with loading and
    building for the GIL (measured: ~0.2 s of the province's end to end)."""
    _WHILE_SOLVING.append(task)


class FastHiGHS(pulp.HiGHS):
    """``pulp.HiGHS`` with a one-call model hand-off (same options, same results)."""

    def actualSolve(self, lp, **kwargs):
        """PuLP's solve, with the variable list computed once: ``LpProblem.variables()`` rescans every constraint
        and is called three times per solve (solver notes: 1.3 s a call at country scale)."""
        variables = lp.variables()
        lp.variables = lambda: variables  # shadows the method for this solve only
        try:
            return super().actualSolve(lp, **kwargs)
        finally:
            del lp.variables
            lp.highs_columns = variables  # HiGHS's columns in order (model/dive.py reads them: no rescan)

    def callSolver(self, lp):
        while _WHILE_SOLVING:
            _WHILE_SOLVING.pop(0)()
        super().callSolver(lp)

    def buildSolverModel(self, lp):
        import highspy

        inf = highspy.kHighsInf
        sense = -1 if lp.sense == constants.LpMaximize else 1
        variables = lp.variables()
        n = len(variables)
        cost, lower, upper = np.zeros(n), np.empty(n), np.empty(n)
        integer = []
        for i, var in enumerate(variables):
            var.index = i
            lower[i] = -inf if var.lowBound is None else var.lowBound
            upper[i] = inf if var.upBound is None else var.upBound
            if var.cat == constants.LpInteger and self.mip:
                integer.append(i)
        for var, coef in lp.objective.items():  # one pass over the objective instead of a lookup per column
            cost[var.index] = sense * coef
        constraints = list(lp._constraints.values())
        m = len(constraints)
        start, index, value = np.zeros(m + 1, dtype=np.int32), [], []
        row_lower, row_upper = np.empty(m), np.empty(m)
        for r, c in enumerate(constraints):
            c.index = r
            coefs = list(c.values())
            if 0 in coefs:  # rare: a zero coefficient is left out, as PuLP's own hand-off does
                pairs = [(var.index, a) for var, a in c.items() if a != 0]
                index.extend(i for i, _ in pairs)
                value.extend(a for _, a in pairs)
            else:
                index.extend([var.index for var in c])
                value.extend(coefs)
            start[r + 1] = len(index)
            lb, ub = c.getLb(), c.getUb()
            row_lower[r] = -inf if lb is None else lb
            row_upper[r] = inf if ub is None else ub
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = n, m
        model.col_cost_, model.col_lower_, model.col_upper_ = cost, lower, upper
        model.row_lower_, model.row_upper_ = row_lower, row_upper
        model.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        model.a_matrix_.start_ = start
        model.a_matrix_.index_ = np.asarray(index, dtype=np.int32)
        model.a_matrix_.value_ = np.asarray(value, dtype=float)
        model.a_matrix_.num_col_, model.a_matrix_.num_row_ = n, m
        if integer:
            kinds = [highspy.HighsVarType.kContinuous] * n
            for i in integer:
                kinds[i] = highspy.HighsVarType.kInteger
            model.integrality_ = kinds
        lp.solverModel.passModel(model)

