"""The trainer thread: a worker that runs the training driver, and the main thread's handle on it.

:class:`TrainerWorker` lives in a ``QThread`` and owns a
:class:`~elman_core.live.driver.TrainingDriver`; only it touches the network. The GUI drives it with
typed commands (:mod:`elman_gui.commands`) queued through :class:`Trainer`, the main-thread handle,
and gets back immutable :class:`~elman_core.live.snapshot.Snapshot` objects, which the driver
builds. All training logic — time slices, steps, phases, step back, run-to, the divergence guard —
is the driver's (tested without Qt); the worker adds the ``QTimer`` that calls
:meth:`TrainingDriver.tick` while a run plays, and the signals.

A generation number guards against stale pictures (napari's pattern): the main thread bumps it
with every reset, task swap and rebuild it asks for, the worker stamps it on every snapshot it
publishes afterwards, and :class:`Trainer` drops any snapshot older than the last request.

Step commands that pile up (holding ← or →) are merged by
:class:`~elman_core.live.pending.PendingCommands`, and closing overtakes anything still queued.

The numba kernels compile (or load from the disk cache) in a daemon Python thread, not in the
trainer thread: a compile can take half a minute with an empty cache, and closing must neither
wait for it nor for a trainer thread stuck behind it. Until the kernels are ready, commands
wait in order in the worker (they would otherwise block on numba's compiler lock), so the
trainer thread's event loop stays free to take a stop at once.
"""

from __future__ import annotations

import threading
import traceback

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from elman_core import tasks
from elman_core.live.driver import (
    DIVERGENCE_LIMIT,
    PendingCommands,
    TrainingDriver,
    kernels_cached,
    warm_up_kernels,
)
from elman_core.live.snapshot import RUNNING, Snapshot
from elman_core.model.settings import RunSettings
from elman_core.model.trace import StepTrace
from elman_core.tasks.base import TaskError
from elman_core.training.session import TrainingSession
from elman_gui import commands as cmd
from elman_gui.commands import UNCHANGED, Command, Unchanged
from elman_gui.garbage import collect_garbage_in_gui_thread, freeze_long_lived_objects

__all__ = ["COMPILING_MESSAGE", "DIVERGENCE_LIMIT", "Trainer", "TrainerWorker"]

WARM_UP_DELAY_MS = 250  # after the first snapshot, before compiling the kernels
COMPILING_MESSAGE = "Compiling the fast trainer (first run only)…"


class TrainerWorker(QObject):
    """Runs the :class:`TrainingDriver` in the trainer thread; every slot is a command."""

    snapshotReady = Signal(object)  # Snapshot
    settingsChanged = Signal(int, object)  # generation, RunSettings now in force
    notice = Signal(str, str)  # level ("info" / "warning" / "error"), text for the student
    settingsRejected = Signal(str)  # why set_settings changed nothing
    status = Signal(str)  # background work in progress ("" when done)
    fileDone = Signal(str, bool, str)  # "save" / "load", succeeded, message
    stopped = Signal()
    _compiled = Signal(str)  # from the compiling thread: "" or why it failed

    def __init__(self, task_name: str = "xor", task_options: dict | None = None,
                 speed: float | None = None, pending: PendingCommands | None = None) -> None:
        super().__init__()  # no parent: it is moved to its thread
        self._initial = (task_name, dict(task_options or {}), speed)
        self.pending = pending or PendingCommands()
        self.driver: TrainingDriver | None = None
        self.generation = 0
        self._timer: QTimer | None = None
        self._waiting: list[Command] | None = []  # commands held until compiled
        self._compiled.connect(self._on_compiled)

    @property
    def session(self) -> TrainingSession:
        return self.driver.session

    # ------------------------------------------------------------------ life cycle
    @Slot()
    def start(self) -> None:
        """Build the first session, publish it, then compile the kernels (connected to started)."""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        name, options, speed = self._initial
        try:
            task = tasks.get(name, **options)
        except TaskError as error:
            self.notice.emit("error", f"{error} Opening Temporal XOR instead.")
            task = tasks.get("xor")
        self.driver = TrainingDriver(TrainingSession(task), speed)
        self.driver.message = "Ready: press Play (Space) or Step (→)."
        self._publish()
        self.settingsChanged.emit(self.generation, self.session.settings)
        # Importing numba holds the GIL for about a second: let the window paint its first
        # picture before that. Commands arriving meanwhile wait for the kernels (_on_compiled).
        QTimer.singleShot(WARM_UP_DELAY_MS, self, self._warm_up)

    @Slot()
    def _warm_up(self) -> None:
        if self.pending.stopping:
            return
        threading.Thread(target=self._compile_kernels, name="compile-kernels",
                         daemon=True).start()

    def _compile_kernels(self) -> None:
        """In a daemon thread: the process can exit without waiting for it."""
        try:
            if not kernels_cached():  # a warm cache only loads: nothing to announce
                self.status.emit(COMPILING_MESSAGE)
            warm_up_kernels()
            error = ""
        except Exception as exception:  # the app stays usable: single steps need no kernel
            error = str(exception) or repr(exception)
        # Not once closing began: the worker may be deleted as soon as its thread ends.
        self.pending.unless_stopping(lambda: self._compiled.emit(error))

    @Slot(str)
    def _on_compiled(self, error: str) -> None:
        """The kernels are ready: run the commands that waited for them, in order."""
        if error:
            self.notice.emit("error", f"The fast trainer could not be prepared: {error}")
        self.status.emit("")
        waiting, self._waiting = self._waiting or [], None
        for command in waiting:
            self.command(command)

    def stop(self) -> None:
        """Stop the timer here, in its own thread, and end the thread's event loop."""
        self.pending.stop()  # (already set by Trainer.close; here for any other caller)
        if self._timer is not None:
            self._timer.stop()
        if self.driver is not None:
            self.driver.stop()
        self.stopped.emit()
        QThread.currentThread().quit()

    # ------------------------------------------------------------------ commands
    @Slot(object)
    def command(self, command: Command) -> None:
        """Every command (:mod:`elman_gui.commands`) arrives here, queued from
        :class:`Trainer`, in the order sent.

        Skipped once closing began; afterwards the timer is synced, the notices sent and a
        snapshot published. An unexpected error pauses training with a notice instead of
        vanishing."""
        if isinstance(command, cmd.Stop):
            return self.stop()
        if self.pending.stopping or self.driver is None:
            return None
        if self._waiting is not None:  # the kernels are still compiling
            self._waiting.append(command)
            return None
        trace = None
        try:
            trace = command.run(self)
        except Exception as error:  # a bug must not leave the app running blind
            self.driver.fail(error)
            traceback.print_exc()
        return self._after(trace)

    def step(self) -> StepTrace | Unchanged | None:
        """The traced timesteps (or phases) asked for since the last call, merged."""
        count = self.pending.take("step")
        return self.driver.step(count) if count else UNCHANGED

    def step_back(self) -> StepTrace | Unchanged | None:
        """Go back by all the steps asked for since the last call, in one go."""
        steps = self.pending.take("step_back")
        return self.driver.step_back(steps) if steps else UNCHANGED

    def reset(self, generation: int) -> None:
        self._adopt(generation)
        self.driver.reset()

    def set_task(self, name: str, options: dict, generation: int) -> None:
        self._adopt(generation)
        self.driver.set_task(name, dict(options or {}))
        self.settingsChanged.emit(self.generation, self.session.settings)

    def set_settings(self, changes: dict, generation: int) -> None:
        """Live settings apply at once; the others rebuild the network. Invalid ones change
        nothing and are reported (the settings in force are sent back either way)."""
        self._adopt(generation)
        outcome = self.driver.apply_settings(dict(changes or {}))
        if outcome.error is not None:
            self.settingsRejected.emit(outcome.error)
        self.settingsChanged.emit(self.generation, outcome.settings)

    def set_partner(self, changes: dict | None, generation: int, label: str = "") -> None:
        self._adopt(generation)
        self.driver.set_partner(changes, label)
        self.settingsChanged.emit(self.generation, self.session.settings)  # A's, in force

    def save_network(self, path: str) -> None:
        self.fileDone.emit(*self.driver.save_network(path))

    def load_network(self, path: str, generation: int) -> None:
        self._adopt(generation)
        outcome = self.driver.load_network(path)
        self.settingsChanged.emit(self.generation, self.session.settings)
        self.fileDone.emit(*outcome)

    def set_phase_mode(self, on: bool) -> StepTrace | None:
        self.driver.set_phase_mode(on)
        latest = self.driver.latest
        return latest.trace if latest is not None else None

    def cluster_hidden_states(self) -> None:
        """Figs. 7 and 8 (a second or two): publish "clustering…" first, so the status says so."""
        if self.driver.figures.clustering or self.driver.begin_clustering():
            self._publish()
            self.driver.cluster_hidden_states()

    # ------------------------------------------------------------------ timer and publishing
    @Slot()
    def _tick(self) -> None:
        if self.pending.stopping or self.driver.state != RUNNING:
            self._timer.stop()
            return
        try:
            result = self.driver.tick()
        except Exception as error:  # a bug must not leave the app running blind
            self.driver.fail(error)
            traceback.print_exc()
            self._after(None)
            return
        if result.publish or self.driver.state != RUNNING:
            self._after(result.trace)

    def _after(self, trace: StepTrace | Unchanged | None) -> None:
        """After a command or a tick: sync the timer, send notices, publish a snapshot."""
        driver = self.driver
        if driver.state == RUNNING:
            interval = driver.tick_interval_ms()
            if not self._timer.isActive() or self._timer.interval() != interval:
                self._timer.start(interval)
        else:
            self._timer.stop()
        for level, text in driver.take_notices():
            self.notice.emit(level, text)
        # A words or sentences run just finished: Figs. 7 and 8, once (already announced in
        # the snapshot that says "finished").
        cluster = driver.clusters_due() and driver.begin_clustering()
        if trace is not UNCHANGED:
            self._publish(trace)
        if cluster:
            self.command(cmd.ClusterHiddenStates())

    def _publish(self, trace: StepTrace | None = None) -> None:
        self.driver.published()
        self.snapshotReady.emit(self.driver.snapshot(self.generation, trace))

    def _adopt(self, generation: int) -> None:
        self.generation = max(self.generation, int(generation))


class Trainer(QObject):
    """The main thread's handle on the trainer thread.

    Every method sends a queued command; nothing here touches the network. ``snapshotReady``
    re-emits only snapshots of the latest requested generation, so a picture of a task the
    student has already left is never shown.
    """

    snapshotReady = Signal(object)
    settingsChanged = Signal(object)  # RunSettings in force (current generation only)
    notice = Signal(str, str)
    settingsRejected = Signal(str)
    status = Signal(str)
    fileDone = Signal(str, bool, str)  # "save" / "load", succeeded, message
    _command = Signal(object)  # a Command (elman_gui.commands), queued into the worker thread

    def __init__(self, task_name: str = "xor", task_options: dict | None = None,
                 speed: float | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        collect_garbage_in_gui_thread()
        self.task_name, self.task_options = task_name, dict(task_options or {})
        self.requested_generation = 0
        self.ready = False  # the kernels are compiled (or loaded from the cache)
        self.latest: Snapshot | None = None
        self.dropped = 0  # stale snapshots dropped (for tests and curiosity)
        self._closed = False
        self.thread = QThread()
        self.thread.setObjectName("trainer")
        self.pending = PendingCommands()  # step commands merged; the stop flag
        self.worker = worker = TrainerWorker(task_name, task_options, speed, self.pending)
        worker.moveToThread(self.thread)
        self.thread.started.connect(worker.start)
        self.thread.finished.connect(worker.deleteLater)
        self._command.connect(worker.command)
        worker.snapshotReady.connect(self._on_snapshot)
        worker.settingsChanged.connect(self._on_settings)
        worker.notice.connect(self.notice)
        worker.settingsRejected.connect(self.settingsRejected)
        worker.status.connect(self._on_status)
        worker.fileDone.connect(self.fileDone)

    def start(self) -> None:
        if not self._closed:
            self.thread.start()

    def _send(self, command: Command) -> None:
        self._command.emit(command)

    # commands
    def play(self) -> None:
        self._send(cmd.Play())

    def pause(self) -> None:
        self._send(cmd.Pause())

    def step(self) -> None:
        if self.pending.add("step"):
            self._send(cmd.Step())

    def step_epoch(self) -> None:
        self._send(cmd.StepEpoch())

    def run_steps(self, count: int) -> None:
        self._send(cmd.RunSteps(int(count)))

    def reset(self) -> None:
        self._send(cmd.Reset(self._next_generation()))

    def set_task(self, name: str, options: dict | None = None) -> None:
        self._send(cmd.SetTask(name, self._next_generation(), dict(options or {})))

    def set_settings(self, changes: dict) -> None:
        """Structural changes start a new generation; live ones keep the current one."""
        generation = self.requested_generation
        if RunSettings.needs_new_network(changes):
            generation = self._next_generation()
        self._send(cmd.SetSettings(dict(changes), generation))

    def set_speed(self, steps_per_second: float | None) -> None:
        self._send(cmd.SetSpeed(steps_per_second))

    def set_lesion(self, unit: int, on: bool) -> None:
        self._send(cmd.SetLesion(int(unit), bool(on)))

    def set_forget_context(self, on: bool) -> None:
        self._send(cmd.SetForgetContext(bool(on)))

    def set_context_init(self, value: float) -> None:
        self.set_settings({"context_init": float(value)})

    def save_network(self, path: str) -> None:
        """Save the live network to ``path`` (in the trainer thread); ``fileDone`` reports."""
        self._send(cmd.SaveNetwork(str(path)))

    def load_network(self, path: str) -> None:
        """Load a network from ``path``; only a file that fits the task starts a new run."""
        self._send(cmd.LoadNetwork(str(path), self._next_generation()))

    def step_back(self, steps: int = 1) -> None:
        if self.pending.add("step_back", int(steps)):
            self._send(cmd.StepBack())

    def run_to(self, kind: str, value: object = None) -> None:
        self._send(cmd.RunTo(str(kind), value))

    def inspect_step(self, global_step: int) -> None:
        self._send(cmd.InspectStep(int(global_step)))

    def set_partner(self, changes: dict | None, label: str = "") -> None:
        """Side by side: network B, the run changed by ``changes`` (both from step 0), called
        ``label`` (default: its changes); None: back to one network."""
        self._send(cmd.SetPartner(None if changes is None else dict(changes),
                                  self._next_generation(), str(label)))

    def set_phase_mode(self, on: bool) -> None:
        self._send(cmd.SetPhaseMode(bool(on)))

    def set_history_length(self, steps: int) -> None:
        self._send(cmd.SetHistoryLength(int(steps)))

    def set_memory_limit(self, megabytes: float) -> None:
        self._send(cmd.SetMemoryLimit(float(megabytes)))

    def cluster_hidden_states(self) -> None:
        """Freeze the weights and cluster the words' mean hidden vectors (Figs. 7 and 8)."""
        self._send(cmd.ClusterHiddenStates())

    def trace_sentences(self, texts: list[str], pcs: tuple[int, int]) -> None:
        """Trace typed sentences through hidden space on two principal components."""
        self._send(cmd.TraceSentences(tuple(str(t) for t in texts), (int(pcs[0]), int(pcs[1]))))

    def close(self, timeout_ms: int = 1000) -> bool:
        """Stop the worker in its own thread and wait for the thread to end."""
        self._closed = True
        self.pending.stop()  # commands still queued return at once
        if not self.thread.isRunning():
            return True
        self._send(cmd.Stop())
        finished = self.thread.wait(timeout_ms)
        if not finished:  # e.g. still compiling: a thread must never be destroyed while running
            self.thread.quit()
            finished = self.thread.wait()
        return finished

    # results
    def _next_generation(self) -> int:
        self.requested_generation += 1
        return self.requested_generation

    @Slot(object)
    def _on_snapshot(self, snapshot: Snapshot) -> None:
        if snapshot.generation < self.requested_generation:
            self.dropped += 1
            return
        self.latest = snapshot
        self.snapshotReady.emit(snapshot)

    @Slot(str)
    def _on_status(self, text: str) -> None:
        if not text and not self.ready:
            freeze_long_lived_objects()  # the kernels are loaded: the long-lived objects exist
        self.ready = not text
        self.status.emit(text)

    @Slot(int, object)
    def _on_settings(self, generation: int, settings: RunSettings) -> None:
        if generation >= self.requested_generation:
            self.settingsChanged.emit(settings)
