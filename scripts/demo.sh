#!/usr/bin/env bash
# Installs akhbar from this checkout and runs its main job on the bundled sample: bash scripts/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
source scripts/python.sh  # (after the Debian packages: it may make a venv)
$py -m pip install -q --disable-pip-version-check --root-user-action=ignore --no-build-isolation \
  --config-settings=build-dir=build/demo .
$py -m akhbar demo
