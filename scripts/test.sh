#!/usr/bin/env bash
# Sets up everything the tests need on a fresh Linux machine with Python 3.11, then runs every test.
# Extra arguments go to pytest (e.g. `bash scripts/test.sh -k dates`).
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
PY=$(command -v python3.11 || command -v python3)
"$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install --quiet uv
# The browser tests drive Debian's Chromium (never a downloaded browser build).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
      || echo "warning: could not install chromium; browser tests will fail under CI=true" >&2
  elif command -v sudo >/dev/null; then
    (sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || true
  fi
fi
"$PY" -m uv sync --frozen --extra test --python "$PY" --quiet
# The project's own bytecode, written even where PYTHONDONTWRITEBYTECODE is set (uv compiles only the installed
# packages): each process that extracts or serves would otherwise compile these modules from source again.
"$PY" -m uv run --frozen --no-sync python -m compileall -q analysis dashboard >/dev/null
exec "$PY" -m uv run --frozen --no-sync python -m pytest "$@"
