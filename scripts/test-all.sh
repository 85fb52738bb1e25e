#!/usr/bin/env bash
# Install everything the tests need, then run every test: Python (a real Jupyter Server, SQLite
# and PostgreSQL), the JavaScript unit tests, and the browser tests (Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1  # the browser tests use Debian's chromium, never a download

# System packages: chromium for the browser tests, a PostgreSQL server (and PgBouncer in front of
# it) for the shared-policy tests,
# libfuse2 for the case-insensitive disk the containment tests mount (tests/support/case_insensitive_fs.py).
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
[ -x /usr/sbin/pgbouncer ] || missing+=(pgbouncer)
ldconfig -p | grep -q 'libfuse\.so\.2' || missing+=(libfuse2)
if [ ${#missing[@]} -gt 0 ]; then
  as_root=(); [ "$(id -u)" = 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# A `jupyter labextension develop` link left by another checkout (perhaps one since deleted) would
# take the install's files: pip follows it and fails. The install below puts a real copy there.
labextension_dir="$(python -c 'import sys; print(sys.prefix)')/share/jupyter/labextensions/jupyter-rbac"
if [ -L "$labextension_dir" ]; then rm "$labextension_dir"; fi

# The package (its build runs `jlpm install` and builds the labextension) and the test tools.
python -m pip install -q --disable-pip-version-check -e ".[test]"

echo "== Lint: ruff (the project's config), and imports point down the layers"
ruff check .
ruff format --check .
python scripts/check_layers.py

echo "== JavaScript unit tests"
jlpm install
jlpm test

echo "== Python tests (server, policy store on SQLite and PostgreSQL)"
# the slowest tests are named at the end, so that a slower run says where its time went
python -m pytest tests -q -p no:cacheprovider --durations=25

echo "== Browser tests (JupyterLab in Debian's chromium)"
python -m pytest ui-tests -q -p no:cacheprovider --durations=10
