#!/usr/bin/env bash
# Sets up the app's environment on a fresh Linux machine with Python 3.11 and starts the dashboard on the
# shipped corpus (seeds/ plus anything uploaded through the app). Extra arguments go to `streamlit run`.
set -euo pipefail
cd "$(dirname "$0")/.."
export UV_PYTHON_DOWNLOADS=never UV_COMPILE_BYTECODE=1
PY=$(command -v python3.11 || command -v python3)
"$PY" -m uv --version >/dev/null 2>&1 || "$PY" -m pip install --quiet uv
"$PY" -m uv sync --frozen --python "$PY" --quiet
exec "$PY" -m uv run --frozen --no-sync streamlit run dashboard/app.py "$@"
