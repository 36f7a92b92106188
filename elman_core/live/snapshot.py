"""The immutable picture of training that the trainer thread hands to the views.

The worker builds one after every step, pause, reset and swap, and at most ~30–60 times a second
while running; the main thread keeps only the newest and views repaint from it. Arrays inside are
read-only copies (or views the worker never writes again), so nothing here can race.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from elman_core.analysis.figure_records import (
    HiddenSpace,
    PaperFigure,
    TracedSentences,
    WordClusters,
)
from elman_core.model.trace import (
    PARAMETER_NAMES,
    ActivationHistory,
    InspectedStep,
    Phase,
    RunState,
    StepTrace,
    frozen,
)

if TYPE_CHECKING:
    from elman_core.live.driver import TrainingDriver
    from elman_core.live.partner import Partner

# Training states shown in the status bar and used to enable controls (equal to plain strings).
PAUSED, RUNNING, FINISHED, DIVERGED = (RunState.PAUSED, RunState.RUNNING, RunState.FINISHED,
                                       RunState.DIVERGED)
__all__ = ["DIVERGED", "FINISHED", "PAUSED", "RUNNING", "ActivationHistory", "InspectedStep",
           "Phase", "Snapshot", "build_snapshot"]


@dataclass(frozen=True)
class Snapshot:
    generation: int  # bumped by every reset / task swap / rebuild: older snapshots are stale
    task_name: str
    task_title: str
    task_description: str
    input_labels: tuple[str, ...]
    output_labels: tuple[str, ...]
    category_names: tuple[str, ...]
    n_input: int
    n_hidden: int
    n_output: int
    epoch: int  # completed epochs
    epochs_total: int
    position: int  # index of the next step within the epoch
    steps_per_epoch: int
    global_step: int  # steps trained since the last reset
    state: str  # PAUSED / RUNNING / FINISHED / DIVERGED
    steps_per_second: float
    learning_rate: float
    # Parameters after the latest step.
    W_ih: np.ndarray
    W_hh: np.ndarray
    W_ho: np.ndarray
    b_h: np.ndarray
    b_o: np.ndarray
    # The latest step (None before the first step of a run).
    input: np.ndarray | None
    context: np.ndarray  # the context that step used (hidden or output at t−1), or the current
    hidden: np.ndarray | None
    output: np.ndarray | None
    target: np.ndarray | None
    input_symbol: str
    target_symbol: str
    predicted_symbol: str
    trace: StepTrace | None  # the full trace when the latest action was a single step
    # Learning curves and per-position errors.
    epoch_losses: np.ndarray  # mean loss of each completed epoch (a long run: see below)
    running_loss_x: np.ndarray  # binned per-step loss, x in (fractional) epochs
    running_loss_y: np.ndarray
    position_errors: np.ndarray  # one per category, latest epoch (NaN: no data yet)
    feature_errors: np.ndarray  # one per output unit, latest epoch
    lesioned: tuple[int, ...]
    message: str = ""  # what just happened, for the status bar ("Finished 600 epochs", …)
    # Step-through debugging (all optional: defaults describe "nothing to inspect").
    inspected: InspectedStep | None = None  # the step the inspector shows, with its own place
    phase: Phase | None = None  # forward, error, backward + update, copy; None: whole steps
    phase_mode: bool = False  # Step goes phase by phase (P)
    history: ActivationHistory | None = None  # the last N timesteps (hidden, context, loss)
    steps_back: int = 0  # how many steps back the checkpoints reach
    history_bytes: int = 0  # memory the checkpoints use
    history_limit: int = 0  # their memory cap (bytes)
    input_symbols: tuple[str, ...] = ()  # the distinct inputs of the training sequence
    opening_speed: float | None = None  # the task's watchable pace (steps/s); None: full speed
    length_unit: str = "steps"  # what the sequence length setting counts
    # The epoch of each of epoch_losses: 1, 2, 3… until a run has more epochs than the curve
    # keeps points (elman_core.training.loss_curves.EPOCH_CURVE_POINTS), then each loss is the
    # mean of a group of epochs ending there. None: 1, 2, 3… (a snapshot made by hand).
    epoch_loss_x: np.ndarray | None = None
    last_epoch_loss: float | None = None  # the latest epoch's own mean (None: epoch_losses[-1])
    # The figure views (elman_core.analysis.figures, elman_core.analysis.word_clusters): None until
    # computed.
    paper_figure: PaperFigure | None = None  # the task's figure from the latest epoch
    hidden_space: HiddenSpace | None = None  # the recent hidden states on two components
    word_clusters: WordClusters | None = None  # Figs. 7 and 8, computed on demand
    clustering: bool = False  # the word clusters are being computed now
    traced_sentences: TracedSentences | None = None  # the hidden space's trajectory mode
    sentence_examples: tuple[str, ...] = ()  # sentences to trace (empty: none can be typed)
    stage_marks: tuple[tuple[float, str], ...] = ()  # (epoch, label) where a stage starts
    forget_context: bool = False  # the no-memory experiment: the context zeroed every step
    error_measure: str = "RMS error"  # what position_errors and feature_errors measure
    category_axis: str = ""  # what a category is ("bit to predict"); "": the views' default
    has_words: bool = False  # the task's words can be clustered (the Dendrogram tab)
    word_cluster_kind: str = ""  # how (Analyses.word_clusters): "word-inputs" is Figs. 7 and 8
    # The side-by-side mode (elman_core.live.partner): network B at the same step, and what
    # makes it differ ("n_hidden=20"); None: one network.
    partner: Snapshot | None = None
    partner_label: str = ""
    # What the context holds (elman_core.model.architectures): the architecture's name, the
    # layer copied into the context ("hidden" or "output"), Jordan's decay μ and the copy link
    # in words.
    architecture: str = "elman"
    context_source: str = "hidden"
    context_decay: float = 0.0
    copy_words: str = "copy hidden → context"

    def epoch_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """``(epoch, mean loss)`` of the epoch-loss curve: x is :attr:`epoch_loss_x`, or 1…n."""
        y = np.asarray(self.epoch_losses, dtype=np.float64)
        x = self.epoch_loss_x
        return (np.arange(1, len(y) + 1, dtype=np.float64) if x is None else x), y

    def latest_epoch_loss(self) -> float | None:
        """The mean loss of the latest complete epoch (a long run's curve ends with the mean of
        a group of epochs instead); None before the first."""
        if self.last_epoch_loss is not None:
            return self.last_epoch_loss
        return float(self.epoch_losses[-1]) if len(self.epoch_losses) else None



def build_snapshot(driver: TrainingDriver | Partner, generation: int,
                   trace: StepTrace | None = None) -> Snapshot:
    """The picture of the driver's session now; ``trace``: the traced step just taken."""
    session, task, network = driver.session, driver.session.task, driver.session.network
    sequence, latest = session.sequence, driver.latest
    step: dict[str, Any] = {
        "input": None, "context": frozen(network.context), "hidden": None, "output": None,
        "target": None, "input_symbol": "", "target_symbol": "", "predicted_symbol": ""}
    if latest is not None:
        row = latest.row
        step.update(
            input=frozen(latest.input), context=frozen(latest.context),
            hidden=frozen(latest.hidden), output=frozen(latest.output),
            target=frozen(sequence.targets[row]) if sequence.mask[row] else None,
            input_symbol=sequence.input_symbols[row], target_symbol=sequence.target_symbols[row],
            predicted_symbol=task.decode(latest.output))
    weights: dict[str, Any] = {name: frozen(getattr(network, name)) for name in PARAMETER_NAMES}
    if driver.phase in (Phase.FORWARD, Phase.ERROR) and driver.weights_before is not None:
        # Forward pass and error: the weights are still those before the update.
        weights = {name: frozen(w) for name, w in driver.weights_before.items()}
    elif driver.phase == Phase.COPY:
        step["context"] = frozen(network.context)  # hidden (or output) copied into the context
    loss_x, loss_y = driver.loss_curve()
    epoch_x, epoch_y = driver.epoch_curve()
    history = session.history
    paper_figure, hidden_space = driver.figure_data()
    position_errors, feature_errors, error_measure = driver.figures.error_bars(
        session, driver.state == RunState.RUNNING)
    return Snapshot(
        generation=generation,
        task_name=task.name, task_title=task.title, task_description=driver.task_description,
        input_labels=tuple(task.input_labels), output_labels=tuple(task.output_labels),
        category_names=tuple(task.category_names),
        n_input=network.n_input, n_hidden=network.n_hidden, n_output=network.n_output,
        epoch=session.epoch, epochs_total=session.settings.epochs,
        position=session.position, steps_per_epoch=session.steps_per_epoch,
        global_step=session.global_step, state=driver.state,
        steps_per_second=driver.steps_per_second, learning_rate=session.settings.learning_rate,
        **weights, **step,
        trace=trace if latest is not None and latest.trace is trace else None,
        epoch_losses=epoch_y, epoch_loss_x=epoch_x,
        last_epoch_loss=session.epoch_losses[-1] if session.epoch_losses else None,
        running_loss_x=loss_x, running_loss_y=loss_y,
        position_errors=frozen(position_errors), feature_errors=frozen(feature_errors),
        error_measure=error_measure,
        lesioned=tuple(sorted(driver.lesioned)), message=driver.message,
        inspected=driver.inspected, phase=driver.phase, phase_mode=driver.phase_mode,
        history=driver.activation_history(),
        steps_back=session.steps_back_available(), history_bytes=history.nbytes,
        history_limit=history.memory_limit, input_symbols=driver.input_symbols,
        opening_speed=task.opening_speed, length_unit=task.length_unit,
        paper_figure=paper_figure, hidden_space=hidden_space,
        word_clusters=driver.figures.clusters, clustering=driver.figures.clustering,
        traced_sentences=driver.figures.traced,
        sentence_examples=tuple(getattr(task, "example_sentences", ())),
        stage_marks=driver.stage_marks,
        forget_context=driver.forget_context,
        category_axis=task.category_axis, has_words=task.analyses.has_words,
        word_cluster_kind=task.analyses.word_clusters,
        architecture=network.architecture.name, context_source=network.architecture.source,
        context_decay=network.architecture.decay, copy_words=network.architecture.copy_words(),
    )


def diverged_copy(last: Snapshot, driver: TrainingDriver, generation: int) -> Snapshot:
    """The last sane picture, marked as diverged: never draw garbage."""
    return dataclasses.replace(last, generation=generation, state=RunState.DIVERGED,
                               steps_per_second=0.0, message=driver.message,
                               lesioned=tuple(sorted(driver.lesioned)),
                               forget_context=driver.forget_context)


def as_inspected(snapshot: Snapshot) -> Snapshot:
    """The snapshot with the step the student picked (in the history, the tape or the
    inspector) in place of the latest one, so the diagram shows the same step as the inspector;
    the snapshot itself when the inspected step is the latest (or none is)."""
    step = snapshot.inspected
    if step is None or step.global_step == snapshot.global_step - 1:
        return snapshot
    trace = step.trace
    return dataclasses.replace(
        snapshot, input=trace.input, context=trace.context, hidden=trace.hidden,
        output=trace.output, target=trace.target, input_symbol=step.input_symbol,
        target_symbol=step.target_symbol, predicted_symbol=step.predicted_symbol, trace=trace)
