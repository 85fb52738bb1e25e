"""`python -m jupyter_rbac.cli`, the same as `jupyter rbac`."""

import sys

from .main import main

sys.exit(main())
