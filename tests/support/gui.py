"""The GUI tests' shared helpers: a made-up snapshot, the real window running, a widget shown."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np

from elman_core.live.snapshot import PAUSED, Snapshot

SMALL = (1024, 640)  # a small school laptop's window


def build_snapshot(
    n_input: int = 1,
    n_hidden: int = 4,
    n_output: int = 1,
    *,
    seed: int = 0,
    stepped: bool = True,
    epochs: int = 5,
    running_points: int = 100,
    n_categories: int = 3,
    generation: int = 1,
    hidden_activation: str = "sigmoid",
    lesioned: tuple[int, ...] = (),
    input_labels: tuple[str, ...] | None = None,
    output_labels: tuple[str, ...] | None = None,
    **overrides,
) -> Snapshot:
    """A plausible snapshot of an n_input-n_hidden-n_output network after a few epochs."""
    rng = np.random.default_rng(seed)
    squash = np.tanh if hidden_activation == "tanh" else (lambda x: 1 / (1 + np.exp(-x)))
    hidden = squash(rng.standard_normal(n_hidden))
    hidden[list(lesioned)] = 0.0
    output = 1 / (1 + np.exp(-rng.standard_normal(n_output)))
    target = (rng.random(n_output) > 0.5).astype(float)
    x = (rng.random(n_input) > 0.5).astype(float)
    if input_labels is None:
        input_labels = ("bit",) if n_input == 1 else tuple(f"i{k}" for k in range(n_input))
    if output_labels is None:
        output_labels = ("next",) if n_output == 1 else tuple(f"o{k}" for k in range(n_output))
    tau = max(epochs / 4, 1.0)
    epoch_losses = 0.25 * np.exp(-np.arange(epochs) / tau) + 0.01
    running_x = np.linspace(0.05, epochs, running_points)
    running_y = 0.25 * np.exp(-running_x / tau) + 0.03 * rng.random(running_points)
    fields = dict(
        generation=generation,
        task_name="synthetic",
        task_title="Synthetic task",
        task_description="made up for the tests",
        input_labels=input_labels,
        output_labels=output_labels,
        category_names=tuple(f"pos {k + 1}" for k in range(n_categories)),
        n_input=n_input,
        n_hidden=n_hidden,
        n_output=n_output,
        epoch=epochs,
        epochs_total=100,
        position=3,
        steps_per_epoch=12,
        global_step=epochs * 12 + 3,
        state=PAUSED,
        steps_per_second=0.0,
        learning_rate=0.1,
        W_ih=rng.standard_normal((n_hidden, n_input)),
        W_hh=rng.standard_normal((n_hidden, n_hidden)) * 0.5,
        W_ho=rng.standard_normal((n_output, n_hidden)),
        b_h=rng.standard_normal(n_hidden) * 0.1,
        b_o=rng.standard_normal(n_output) * 0.1,
        input=x if stepped else None,
        context=squash(rng.standard_normal(n_hidden)),
        hidden=hidden if stepped else None,
        output=output if stepped else None,
        target=target if stepped else None,
        input_symbol="1" if stepped else "",
        target_symbol="0" if stepped else "",
        predicted_symbol="1" if stepped else "",
        trace=None,
        epoch_losses=epoch_losses,
        running_loss_x=running_x,
        running_loss_y=running_y,
        position_errors=rng.random(n_categories) * 0.3,
        feature_errors=rng.random(n_output) * 0.2,
        lesioned=tuple(lesioned),
    )
    fields.update(overrides)
    return Snapshot(**fields)


def jordan_snapshot(n_input=6, n_hidden=20, n_output=6, decay=0.5, **overrides):
    """A made-up snapshot of a Jordan network: W_hh is H × O, the context one unit per output."""
    rng = np.random.default_rng(7)
    return build_snapshot(
        n_input, n_hidden, n_output, output_labels=tuple("ABCDEF")[:n_output],
        W_hh=rng.standard_normal((n_hidden, n_output)), context=rng.random(n_output),
        architecture="jordan", context_source="output", context_decay=decay,
        copy_words=f"output + {decay:g}·context → context", **overrides)


@contextmanager
def running_window(qtbot, task: str, size=(1300, 850), prepare=None, set_speed=True):
    """The real main window with its trainer thread started and ready; closed afterwards.

    ``prepare(window)`` runs before the window is shown (connect recorders, swap settings).
    """
    from elman_gui.main_window import MainWindow
    from elman_gui.worker import Trainer

    trainer = Trainer(task)
    window = MainWindow(trainer)
    if prepare is not None:
        prepare(window)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    if set_speed:
        trainer.set_speed(window.speed.speed())
    trainer.start()
    qtbot.waitUntil(lambda: trainer.ready and window.current_snapshot is not None,
                    timeout=120_000)
    try:
        yield window
    finally:
        window.close()
        assert trainer.thread.wait(2000)


def newest(window):
    """A condition for :func:`rendered_where`: the snapshot shown is the trainer's latest, of
    the network generation last asked for (every command before it has been carried out)."""
    return lambda s: s.generation == window.trainer.requested_generation \
        and s is window.trainer.latest


def rendered_where(qtbot, window, condition, timeout=15_000):
    """Wait until the window shows a snapshot for which ``condition`` holds; return it."""
    qtbot.waitUntil(lambda: window.current_snapshot is not None
                    and condition(window.current_snapshot), timeout=timeout)
    return window.current_snapshot


def shown(qtbot, view, width=900, height=650):
    """``view`` shown at a size and exposed (closed with the test)."""
    qtbot.addWidget(view)
    view.resize(width, height)
    view.show()
    qtbot.waitExposed(view)
    return view


def settle(qtbot, window):
    """Let a shown window finish its deferred layout (dock fitting, the views' own layouts)."""
    from PySide6.QtWidgets import QApplication

    qtbot.waitExposed(window)
    for _ in range(5):
        QApplication.processEvents()
        qtbot.wait(20)
