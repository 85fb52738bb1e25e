"""Parameter values that carry their own markers, for the modules that parametrize a backend."""

from __future__ import annotations

import pytest

# PostgreSQL: a real server (one for the run) and a database for each test; not in -m "not slow".
POSTGRESQL = pytest.param("postgresql", marks=[pytest.mark.postgres, pytest.mark.slow])
