#!/usr/bin/env bash
# The Linux job of .github/workflows/release.yml, run here: the same commands in the same order
# (tests/test_packaging.py checks they match). The job first installs Qt's X libraries and Xvfb
# with apt-get, as .ci/run does. Leaves the release archives in dist/release/.
set -euo pipefail
cd "$(dirname "$0")/.."

uv sync --locked --group bundle
uv run --locked --group bundle python packaging/release_leg.py test
uv run --locked --group bundle python packaging/release_leg.py bundles
