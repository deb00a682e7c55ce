"""The year after the plan: actual records against it, R18 reports, re-plans (issue 18)."""
