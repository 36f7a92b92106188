"""The figure views' data, kept by the trainer thread: recomputed only when it changed, and
while a run plays at most a few times a second (so a frame never waits for an SVD).

:class:`LiveFigures` belongs to the :class:`~elman_core.live.driver.TrainingDriver`; a snapshot
takes
its records (:mod:`elman_core.analysis.figures`, :mod:`elman_core.analysis.word_clusters`) as they
are.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from elman_core.analysis import figures, trajectories, word_clusters
from elman_core.analysis.figure_records import HiddenSpace, PaperFigure, WordClusters
from elman_core.analysis.hidden_states import Projection
from elman_core.live import error_measure
from elman_core.model.trace import ActivationHistory
from elman_core.tasks.base import Task
from elman_core.tasks.grammar import GrammarTask
from elman_core.training.session import TrainingSession

FIGURE_SECONDS = 0.5  # while running: the paper figure at most this often
SPACE_SECONDS = 0.25  # ... and the hidden space (a PCA of up to 2,000 × 150 states)
ERRORS_SECONDS = 0.25  # ... and the first epoch's error bars (its 27,500 × 31 errors, sentences)


class LiveFigures:
    """The latest paper figure, hidden space and word clusters of one session."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.recomputed = {"figure": 0, "space": 0}  # how often (tests)
        self.clear()

    def clear(self) -> None:
        """A new session: nothing computed yet."""
        self.figure: PaperFigure | None = None
        self.space: HiddenSpace | None = None
        self._projection: Projection | None = None  # the last one, for a stable orientation
        self.clusters: WordClusters | None = None
        self.traced: trajectories.TracedSentences | None = None
        self._components: tuple[int, Projection] | None = None  # (global step, all PCs)
        self.clustering = False  # the clusters are being computed right now
        self._figure_source: tuple | None = None
        self._space_source: ActivationHistory | None = None
        self._figure_at = self._space_at = -math.inf
        self._auto_clustered_at: int | None = None
        self._cluster_loaded = False  # see cluster_when_loaded
        self._errors: tuple | None = None  # (source, epoch, bars) of error_bars
        self._errors_at = -math.inf

    def paper_figure(self, session: TrainingSession, running: bool) -> PaperFigure | None:
        """The task's figure from the latest complete epoch (during the first epoch, from the
        steps trained so far)."""
        previous = session.previous_unit_errors
        complete = previous is not None
        errors = previous if previous is not None else session.unit_errors
        source = (errors, session.epoch, None if complete else session.position)
        # A newly completed epoch is drawn at once (a fraction of a millisecond, 30 ms for the
        # sentences' 27,500 steps, at most once an epoch), so the figure's caption names the
        # same epoch as the loss label and the error bars; only the first epoch's partial
        # figure, which changes every step, waits for the throttle.
        if self._same(source, self._figure_source) or (
                not complete and self._throttled(self._figure_at, FIGURE_SECONDS, running)):
            return self.figure
        self.figure = figures.paper_figure(session.task, session.sequence, errors,
                                           session.epoch if complete else 1, complete)
        self._figure_source, self._figure_at = source, self.clock()
        self.recomputed["figure"] += 1
        return self.figure

    def hidden_space(self, task: Task, history: ActivationHistory | None,
                     all_symbols: tuple[str, ...], running: bool) -> HiddenSpace | None:
        """The recent hidden states projected, oriented like the previous projection."""
        if history is None:
            self.space, self._space_source = None, None
            return None
        if history is self._space_source or self._throttled(self._space_at, SPACE_SECONDS,
                                                            running):
            return self.space
        made = figures.hidden_space(task, history.hidden, history.steps, history.symbols,
                                    all_symbols, self._projection)
        self.space, self._projection = made if made is not None else (None, self._projection)
        self._space_source, self._space_at = history, self.clock()
        self.recomputed["space"] += 1
        return self.space

    def trace(self, session: TrainingSession, texts: list[str], pcs: tuple[int, int]
              ) -> trajectories.TracedSentences:
        """Typed sentences as paths on two principal components of the hidden states over a
        test corpus, computed at this step and then frozen (tracing again at the same step
        reuses them). A ValueError (or TaskError) says what is wrong with the request."""
        task = session.task
        if not isinstance(task, GrammarTask):
            raise ValueError(f"{task.title} has no sentences to type: trajectories are for "
                             "the grammar task.")
        typed = [task.parse(text) for text in texts if text.strip()]
        if not typed:
            raise ValueError("Type a sentence to trace, e.g. \"boy who boys chase chases boy\".")
        step = session.global_step
        if self._components is None or self._components[0] != step:
            corpus = task.trajectory_corpus(trajectories.CORPUS_SENTENCES,
                                            session.settings.seed
                                            + trajectories.CORPUS_SEED_OFFSET)
            self._components = (step, trajectories.components(session.network, corpus))
        figure = trajectories.trace(session.network, self._components[1],
                                    task.sentence_start(), typed, pcs)
        self.traced = trajectories.TracedSentences(figure, task.name, step)
        return self.traced

    def error_bars(self, session: TrainingSession, running: bool = False):
        """The error bars in the paper figure's measure (see :mod:`error_measure`): a
        completed epoch's computed once (its errors are read-only), the first epoch's while
        running at most every ERRORS_SECONDS (it changes every step; a profile of two
        31-150-31 networks side by side found 44 % of the trainer thread here)."""
        complete = session.previous_unit_errors is not None
        source = session.previous_unit_errors if complete else session.unit_errors
        cached = self._errors
        if cached is not None and cached[0] is source and cached[1] == session.epoch and (
                complete or self._throttled(self._errors_at, ERRORS_SECONDS, running)):
            return cached[2]
        bars = error_measure.error_bars(session)
        self._errors, self._errors_at = (source, session.epoch, bars), self.clock()
        return bars

    def cluster(self, session: TrainingSession) -> WordClusters:
        self.clusters = word_clusters.cluster_session(session)
        return self.clusters

    def cluster_when_loaded(self) -> None:
        """A trained network was loaded: its words are clustered once, without training."""
        self._cluster_loaded = True

    def clusters_due(self, session: TrainingSession) -> bool:
        """A finished run (or a loaded trained network) of a task with words that has not been
        clustered automatically yet."""
        loaded, self._cluster_loaded = self._cluster_loaded, False
        if not ((session.finished or loaded) and word_clusters.supports(session.task)):
            return False
        if self._auto_clustered_at == session.global_step:
            return False
        self._auto_clustered_at = session.global_step
        return self.clusters is None or self.clusters.global_step != session.global_step

    def _throttled(self, last: float, seconds: float, running: bool) -> bool:
        return running and self.clock() - last < seconds

    @staticmethod
    def _same(source: tuple, previous: tuple | None) -> bool:
        return previous is not None and source[0] is previous[0] and source[1:] == previous[1:]
