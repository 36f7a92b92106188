"""The commands the main thread sends to the trainer thread, as typed values.

:class:`~elman_gui.worker.Trainer` builds one of these dataclasses per request and queues it to
:class:`~elman_gui.worker.TrainerWorker`, which calls its :meth:`run`. Each command says, in one
place, which worker or driver method it calls with which arguments, so a misspelt command or a
missing argument is a type error (mypy) or an ``AttributeError`` at the call, not a string looked
up at run time in the other thread.

:meth:`run` returns what the views should show next: a traced step (or None: a new snapshot
without one), or :data:`UNCHANGED` when no new snapshot is needed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Protocol

if TYPE_CHECKING:
    from elman_core.live.driver import TrainingDriver
    from elman_core.model.trace import StepTrace
    from elman_gui.worker import TrainerWorker


class Unchanged:
    """The type of :data:`UNCHANGED`."""

    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Final = Unchanged()  # what a command returns when the views need no new snapshot


def _driver(worker: TrainerWorker) -> TrainingDriver:
    """The worker's driver: there is one once the worker started (before, commands wait)."""
    if worker.driver is None:
        raise RuntimeError("a trainer command ran before the worker started")
    return worker.driver


class Command(Protocol):
    """A request for the trainer thread; :meth:`run` carries it out there."""

    def run(self, worker: TrainerWorker) -> StepTrace | Unchanged | None: ...


# ------------------------------------------------------------------ run control
@dataclass(frozen=True)
class Play:
    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).play()


@dataclass(frozen=True)
class Pause:
    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).pause()


@dataclass(frozen=True)
class RunSteps:
    """Play until ``count`` more steps are trained, then pause."""

    count: int

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).run_steps(self.count)


@dataclass(frozen=True)
class RunTo:
    """Run until a condition holds (see :meth:`TrainingDriver.run_to`)."""

    kind: str
    value: Any = None

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).run_to(self.kind, self.value)


@dataclass(frozen=True)
class SetSpeed:
    steps_per_second: float | None

    def run(self, worker: TrainerWorker) -> Unchanged:
        _driver(worker).set_speed(self.steps_per_second)
        return UNCHANGED


@dataclass(frozen=True)
class Stop:
    """Stop the timer and end the trainer thread (the worker handles it before anything)."""

    def run(self, worker: TrainerWorker) -> None:
        worker.stop()


# ------------------------------------------------------------------ step-through
@dataclass(frozen=True)
class Step:
    """The traced steps asked for since the worker last took them (merged in PendingCommands)."""

    def run(self, worker: TrainerWorker) -> StepTrace | Unchanged | None:
        return worker.step()


@dataclass(frozen=True)
class StepBack:
    """Go back by all the steps asked for since the worker last took them."""

    def run(self, worker: TrainerWorker) -> StepTrace | Unchanged | None:
        return worker.step_back()


@dataclass(frozen=True)
class StepEpoch:
    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).step_epoch()


@dataclass(frozen=True)
class SetPhaseMode:
    on: bool

    def run(self, worker: TrainerWorker) -> StepTrace | None:
        return worker.set_phase_mode(self.on)


@dataclass(frozen=True)
class InspectStep:
    global_step: int

    def run(self, worker: TrainerWorker) -> Unchanged | None:
        return None if _driver(worker).inspect_step(self.global_step) else UNCHANGED


# ------------------------------------------------------------------ runs and settings
@dataclass(frozen=True)
class Reset:
    generation: int

    def run(self, worker: TrainerWorker) -> None:
        worker.reset(self.generation)


@dataclass(frozen=True)
class SetTask:
    name: str
    generation: int
    options: dict[str, Any] = field(default_factory=dict)

    def run(self, worker: TrainerWorker) -> None:
        worker.set_task(self.name, self.options, self.generation)


@dataclass(frozen=True)
class SetSettings:
    """Settings changes by name; a structural change comes with a new generation."""

    changes: dict[str, Any]
    generation: int

    def run(self, worker: TrainerWorker) -> None:
        worker.set_settings(self.changes, self.generation)


@dataclass(frozen=True)
class SaveNetwork:
    path: str

    def run(self, worker: TrainerWorker) -> Unchanged:
        worker.save_network(self.path)
        return UNCHANGED


@dataclass(frozen=True)
class LoadNetwork:
    path: str
    generation: int

    def run(self, worker: TrainerWorker) -> None:
        worker.load_network(self.path, self.generation)


# ------------------------------------------------------------------ experiments and memory
@dataclass(frozen=True)
class SetLesion:
    unit: int
    on: bool

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).set_lesion(self.unit, self.on)


@dataclass(frozen=True)
class SetForgetContext:
    on: bool

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).set_forget_context(self.on)


@dataclass(frozen=True)
class SetPartner:
    """The side-by-side mode: network B, the run changed by ``changes``, both from step 0
    (a new generation); None: back to one network."""

    changes: dict[str, Any] | None
    generation: int
    label: str = ""  # what B is called ("": its changes)

    def run(self, worker: TrainerWorker) -> None:
        worker.set_partner(self.changes, self.generation, self.label)


@dataclass(frozen=True)
class SetHistoryLength:
    steps: int

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).set_history_length(self.steps)


@dataclass(frozen=True)
class SetMemoryLimit:
    megabytes: float

    def run(self, worker: TrainerWorker) -> None:
        _driver(worker).set_memory_limit(self.megabytes)


@dataclass(frozen=True)
class TraceSentences:
    """The hidden space's trajectory mode: typed sentences on two principal components."""

    sentences: tuple[str, ...]
    pcs: tuple[int, int]

    def run(self, worker: TrainerWorker) -> None:
        worker.driver.trace_sentences(list(self.sentences), self.pcs)


@dataclass(frozen=True)
class ClusterHiddenStates:
    """Figs. 7 and 8: freeze the weights and cluster the words' mean hidden vectors."""

    def run(self, worker: TrainerWorker) -> None:
        worker.cluster_hidden_states()
