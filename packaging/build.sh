#!/usr/bin/env bash
# Build the frozen app (PyInstaller, onedir) into build/dist/counterfoil.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
"$PY" -m pip install -q -e ".[packaging]"
"$PY" -m PyInstaller --noconfirm --log-level WARN --distpath build/dist --workpath build/work packaging/counterfoil.spec
echo "built: build/dist/counterfoil ($(du -sh build/dist/counterfoil | cut -f1))"
