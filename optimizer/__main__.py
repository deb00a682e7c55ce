"""``python -m optimizer`` is the same as the ``yunnan-plan`` command."""

import sys

from optimizer.cli import console

sys.exit(console())
