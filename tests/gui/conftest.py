"""Synthetic snapshots for the view tests (any layer sizes, reproducible numbers), and one
small clustered sentences network for the dendrogram's."""

from __future__ import annotations

import pytest

from elman_core import tasks
from elman_core.analysis import word_clusters
from elman_core.model.settings import RunSettings
from elman_core.training.session import TrainingSession
from tests.support.gui import build_snapshot


@pytest.fixture(scope="module")
def sentence_clusters():
    """Figs. 7 and 8 of a small sentences network (16 hidden units, 600 steps): the
    dendrogram's tests need its shape (30 words, zog), not a well-trained network."""
    task = tasks.get("sentences")
    session = TrainingSession(task, RunSettings.for_task(task, sequence_length=300,
                                                         n_hidden=16))
    session.run(600)
    return word_clusters.cluster_session(session)


@pytest.fixture
def make_snapshot():
    """Factory fixture: ``make_snapshot(n_input=6, n_hidden=20, n_output=6, ...)``."""
    return build_snapshot


# Kept for branches written before tests/support existed; new tests import from there.
from tests.support.gui import rendered_where, running_window  # noqa: E402, F401
