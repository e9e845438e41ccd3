#!/usr/bin/env bash
# JupyterLab on the student notebooks: the one command line `make lab` and tests/test_lab.py both use.
#   bash scripts/lab.sh [FOLDER] [jupyter lab options ...]      FOLDER defaults to notebooks/
# Settings (nbgrader's Validate button, no calls to the internet) live in scripts/jupyter_server_config.py.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$repo/notebooks}"
shift || true
options=(--config="$repo/scripts/jupyter_server_config.py")
if [ "$(id -u)" = 0 ]; then options+=(--allow-root); fi  # JupyterLab refuses root without it
exec "$repo/.venv/bin/jupyter" lab "$folder" "${options[@]}" "$@"
