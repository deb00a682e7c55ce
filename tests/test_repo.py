"""Repository promises: the README's test command is what CI runs; nothing reads ../shared at run time."""

import re

from tests.conftest import ROOT


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.+?)\n```", readme)
    test_command = next(b for b in blocks if "pytest" in b)
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_package_never_reads_shared():
    for path in (ROOT / "optimizer").rglob("*.py"):
        assert "shared/" not in path.read_text(encoding="utf-8").replace("shared/reference/yunnan_counties",
                                                                         ""), path
