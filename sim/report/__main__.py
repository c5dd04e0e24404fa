"""``python -m sim.report DIR ...`` = ``govsim-report DIR ...``."""

import sys

from .cli import main

sys.exit(main())
