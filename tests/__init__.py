"""jupyter-rbac's Python tests; their shared helpers are in `tests.support`."""

import sys

if "pytest" in sys.modules:  # under pytest (the benchmarks import tests.support without it)
    import pytest

    # Before any helper is imported: their asserts explain a failure as the tests' own do.
    pytest.register_assert_rewrite("tests.support")
