"""Synthetic snapshots for the view tests: any layer sizes, reproducible numbers."""

from __future__ import annotations

import pytest

from tests.support.gui import build_snapshot


@pytest.fixture
def make_snapshot():
    """Factory fixture: ``make_snapshot(n_input=6, n_hidden=20, n_output=6, ...)``."""
    return build_snapshot


# Kept for branches written before tests/support existed; new tests import from there.
from tests.support.gui import rendered_where, running_window  # noqa: E402, F401
