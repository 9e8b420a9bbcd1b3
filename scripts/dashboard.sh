#!/usr/bin/env bash
# Sets up the app's environment on a fresh Linux machine with Python 3.11 and starts the dashboard on the
# shipped corpus (seeds/ plus anything uploaded through the app). Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
PY=$(command -v python3.11 || command -v python3)
"$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install --quiet uv
"$PY" -m uv sync --frozen --python "$PY" --quiet
# The project's own bytecode, written even where PYTHONDONTWRITEBYTECODE is set (uv compiles only the installed
# packages): each process that extracts or serves would otherwise compile these modules from source again.
"$PY" -m uv run --frozen --no-sync python -m compileall -q analysis dashboard >/dev/null
exec "$PY" -m uv run --frozen --no-sync streamlit run dashboard/app.py "$@"
