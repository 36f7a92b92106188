"""The parameter panel: the settings of the run (:class:`~elman_core.model.settings.RunSettings`).

The settings model checks every value (the spin boxes' ranges only keep typing sensible) and
says which settings apply at once and which need a new network; the panel shows them in two
groups accordingly:

* learning settings (learning rate, momentum, epochs, context start value, context reset) change
  the running network at once — try a new learning rate in the middle of training;
* network settings (hidden units, seed, sequence, rule, architecture, activations, weight
  scale) need a new network, so they wait for **Apply**, which starts a fresh run.

Anything the trainer refuses comes back as a message under the buttons, and the panel shows the
settings still in force.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLayout,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from elman_core.model import architectures, rules
from elman_core.model.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from elman_core.model.settings import BOUNDS, STRUCTURAL, RunSettings
from elman_gui.panels.number_fields import DecimalField

RULES = tuple((rule.name, rule.title) for rule in rules.rules())  # (setting, what it is called)
ARCHITECTURES = tuple((a.name, a.title) for a in architectures.architectures())
APPLY_IDLE = "Apply (no network change)"
APPLY_PENDING = "Apply — builds a new network"
CHANGED_STYLE = "background: #fff4c2;"  # a network field edited but not applied
FIELD_WIDTH = 130


# The fields' ranges are the settings model's bounds (elman_core.model.settings.BOUNDS); a Qt spin
# box holds at most a 32-bit signed number, which caps the seed field below its bound.
QSPINBOX_MAX = 2**31 - 1


def _spin(minimum: int, maximum: int, tip: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(minimum, maximum)
    box.setKeyboardTracking(False)
    box.setGroupSeparatorShown(True)
    box.setToolTip(f"{tip}\nAllowed: {minimum:,} to {maximum:,}.")
    return box


def _double(minimum: float, maximum: float, decimals: int, step: float, tip: str,
            adaptive: bool = False) -> DecimalField:
    box = DecimalField()  # "0.5" is one half in every locale (not 5 in German)
    box.setRange(minimum, maximum)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    if adaptive:
        box.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
    signs = " or ".join(f"“{sign}”" for sign in box.decimal_signs())
    box.setToolTip(f"{tip}\nAllowed: {minimum:g} to {maximum:g}; decimals after {signs}.")
    return box


def _combo(items, tip: str) -> QComboBox:
    box = QComboBox()
    for item in items:
        value, text = item if isinstance(item, tuple) else (item, item)
        box.addItem(text, value)
    box.setToolTip(tip)
    return box


class ParameterPanel(QWidget):
    """Edit the run's settings. Emits changes; shows what the trainer reports as in force."""

    liveChanged = Signal(dict)  # learning settings, to apply to the running network
    applyRequested = Signal(dict)  # network settings: rebuild

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._settings: RunSettings | None = None
        self._loading = False

        self.learning_rate = _double(
            0.0001, BOUNDS["learning_rate"].maximum, 4, 0.01,
            "Learning rate: how far each weight moves per error. Applies at once, even while "
            "training. Too large and the weights explode (the run diverges).", adaptive=True)
        self.momentum = _double(
            0.0, 0.99, 2, 0.05,
            "Momentum: the fraction of the previous weight change added to the next one. "
            "0 is plain gradient descent. Applies at once.")
        self.epochs = _spin(1, int(BOUNDS["epochs"].maximum),
                            "Epochs: passes through the training sequence before training "
                            "stops by itself. Applies at once.")
        self.context_init = _double(
            BOUNDS["context_init"].minimum, BOUNDS["context_init"].maximum, 2, 0.1,
            "The value the context units start from (and return to at every reset). Elman "
            "(1990) used 0.5. Applies from the next reset of the context.")
        self.reset_each_epoch = QCheckBox("Reset context each epoch")
        self.reset_each_epoch.setToolTip(
            "Start every pass from the initial context value instead of carrying over the "
            "context from the end of the previous pass. Applies at once.")

        self.n_hidden = _spin(1, int(BOUNDS["n_hidden"].maximum),
                              "Hidden units (and as many context units in an Elman "
                              "network). "
                              "Needs Apply: a new network.")
        self.seed = _spin(0, min(int(BOUNDS["seed"].maximum), QSPINBOX_MAX),
                          "Random seed for the starting weights and the "
                          "training sequence. Same seed, same run. Needs Apply.")
        self.sequence_length = _spin(1, int(BOUNDS["sequence_length"].maximum),
                                     "Length of the training sequence (one epoch), "
                                     "in the task's own units. Needs Apply.")
        self.rule = _combo(RULES, "Learning rule. Elman's: backpropagate one step and update the "
                                  "weights after every input (the error does not flow into the "
                                  "context). BPTT: backpropagate through the steps of the window "
                                  "and update once per window. Needs Apply.")
        self.bptt_window = _spin(0, int(BOUNDS["bptt_window"].maximum),
                                 "BPTT window: steps per update (0 = the whole segment "
                                 "between context resets). Needs Apply.")
        self.bptt_window.setSpecialValueText("whole segment")
        self.architecture = _combo(
            ARCHITECTURES, "What the context units hold. Elman (1990): a copy of the previous "
            "hidden state. Jordan (1986): the previous output (as many context units as "
            "outputs), optionally with a decay. Needs Apply.")
        self.context_decay = _double(
            0.0, 0.99, 2, 0.05,
            "Jordan's context decay μ: context = μ × context + output, so each context unit "
            "keeps a fading trace of earlier outputs. 0: a plain copy of the last output. "
            "Jordan networks only. Needs Apply.")
        self.hidden_activation = _combo(HIDDEN_ACTIVATIONS, "Hidden unit activation: sigmoid "
                                        "(0 to 1, as in Elman 1990) or tanh (−1 to 1). "
                                        "Needs Apply.")
        self.output_activation = _combo(OUTPUT_ACTIVATIONS, "Output activation: sigmoid with "
                                        "squared error, linear with squared error, or softmax "
                                        "with cross-entropy (needs two or more outputs). "
                                        "Needs Apply.")
        self.weight_scale = _double(0.0, 5.0, 3, 0.05, "Starting weights are drawn from a normal "
                                    "distribution with this standard deviation. Needs Apply.")

        self.length_note = QLabel()  # what the sequence length counts, and steps per epoch
        self.length_note.setWordWrap(True)
        self.length_note.setStyleSheet("color: #555;")
        self.live_note = QLabel("Each change here applies at once, even while training.")
        self.live_note.setWordWrap(True)
        self.live_note.setStyleSheet("color: #555;")
        self._run_shape = ("steps", 0)  # (what the length counts, steps per epoch)

        self.apply_button = QPushButton(APPLY_IDLE)
        self.apply_button.setToolTip(
            "Network settings (hidden units, seed, sequence, rule, architecture, activations, "
            "weight scale) need a new network: Apply builds it and starts again from epoch 0. "
            "Learning "
            "settings above apply immediately, without Apply.")
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Forget the network settings you have not applied.")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setToolTip("Why the last change was not applied.")
        self.message.hide()

        self._build_layout()
        self._connect()
        self._update_buttons()

    # ------------------------------------------------------------------ layout
    def _build_layout(self) -> None:
        live = QGroupBox("Learning — applies at once")
        live.setToolTip("These change the running network immediately.")
        form = QFormLayout(live)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Momentum", self.momentum)
        form.addRow("Epochs", self.epochs)
        form.addRow("Context start value", self.context_init)
        form.addRow(self.reset_each_epoch)
        form.addRow(self.live_note)

        network = QGroupBox("Network — press Apply")
        network.setToolTip("These need a new network: change them, then press Apply.")
        form = QFormLayout(network)
        form.addRow("Hidden units", self.n_hidden)
        form.addRow("Seed", self.seed)
        form.addRow("Sequence length", self.sequence_length)
        form.addRow(self.length_note)
        form.addRow("Learning rule", self.rule)
        form.addRow("BPTT window", self.bptt_window)
        form.addRow("Architecture", self.architecture)
        form.addRow("Context decay", self.context_decay)
        form.addRow("Hidden activation", self.hidden_activation)
        form.addRow("Output activation", self.output_activation)
        form.addRow("Weight scale", self.weight_scale)
        # Apply and Revert stand in a bar the window keeps below the scrolling fields, so they
        # are always in sight (they were below the fold at 1366×768); Enter applies too.
        self.button_bar = QWidget()
        buttons = QVBoxLayout(self.button_bar)  # one above the other: the dock stays narrow
        buttons.setContentsMargins(4, 2, 4, 4)
        buttons.setSpacing(2)
        for button in (self.apply_button, self.revert_button):
            button.setMinimumWidth(60)  # a narrow dock cuts the text, never widens the window
            buttons.addWidget(button)

        for box in live.findChildren(QWidget) + network.findChildren(QWidget):
            if isinstance(box, QAbstractSpinBox | QComboBox):
                box.setMaximumWidth(FIELD_WIDTH)
        self._forms = (live.layout(), network.layout())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(live)
        layout.addWidget(network)
        layout.addWidget(self.message)
        layout.addStretch(1)
        # The panel's minimum is minimumSizeHint() below, not the layout's of the moment.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._side_by_side_width = super().minimumSizeHint().width()  # labels beside fields
        self._set_wrap_policy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self._narrowest = super().minimumSizeHint().width()  # fields under their labels

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt name)
        """As narrow as the fields under their labels: a scroll area may give it that width."""
        return QSize(self._narrowest, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt name)
        """In a dock too narrow for labels beside the fields, every field goes under its
        label (all alike): the panel then fits the dock, with no sideways scroll bar."""
        super().resizeEvent(event)
        self._set_wrap_policy(QFormLayout.RowWrapPolicy.WrapAllRows
                              if event.size().width() < self._side_by_side_width
                              else QFormLayout.RowWrapPolicy.DontWrapRows)

    def _set_wrap_policy(self, policy: QFormLayout.RowWrapPolicy) -> None:
        if self._forms[0].rowWrapPolicy() == policy:
            return
        for form in self._forms:
            form.setRowWrapPolicy(policy)
            form.parentWidget().updateGeometry()  # its size hints are cached by the layout
        self.layout().invalidate()

    def fields_wrapped(self) -> bool:
        """True when the fields stand under their labels (a narrow dock; tests)."""
        return self._forms[0].rowWrapPolicy() == QFormLayout.RowWrapPolicy.WrapAllRows

    def _connect(self) -> None:
        self.learning_rate.valueChanged.connect(lambda v: self._live("learning_rate", v))
        self.momentum.valueChanged.connect(lambda v: self._live("momentum", v))
        self.epochs.valueChanged.connect(lambda v: self._live("epochs", v))
        self.context_init.valueChanged.connect(lambda v: self._live("context_init", v))
        self.reset_each_epoch.toggled.connect(
            lambda on: self._live("reset_context_each_epoch", on))
        for box in (self.n_hidden, self.seed, self.sequence_length, self.bptt_window):
            box.valueChanged.connect(self._update_buttons)
        self.weight_scale.valueChanged.connect(self._update_buttons)
        self.context_decay.valueChanged.connect(self._update_buttons)
        for box in (self.rule, self.hidden_activation, self.output_activation,
                    self.architecture):
            box.currentIndexChanged.connect(self._update_buttons)
        self.apply_button.clicked.connect(self.apply)
        self.revert_button.clicked.connect(self.revert)

    # ------------------------------------------------------------------ values
    def fields(self) -> list[QWidget]:
        """Every field a value is typed or chosen in (Enter applies, Esc leaves them)."""
        return [self.learning_rate, self.momentum, self.epochs, self.context_init,
                *self._network_fields().values()]

    def network_values(self) -> dict:
        """The network settings as edited (applied or not): the model's STRUCTURAL ones."""
        window = self.bptt_window.value()
        values = {
            "n_hidden": self.n_hidden.value(),
            "seed": self.seed.value(),
            "sequence_length": self.sequence_length.value(),
            "rule": self.rule.currentData(),
            "bptt_window": window if window > 0 else None,
            "hidden_activation": self.hidden_activation.currentData(),
            "output_activation": self.output_activation.currentData(),
            "weight_scale": self.weight_scale.value(),
            "architecture": self.architecture.currentData(),
            # The decay is Jordan's alone: another architecture gets 0 (the field is disabled).
            "context_decay": self.context_decay.value() if self._takes_decay() else 0.0,
        }
        assert set(values) == STRUCTURAL, "the panel must edit every network setting"
        return values

    def _network_fields(self) -> dict[str, QWidget]:
        return {"n_hidden": self.n_hidden, "seed": self.seed,
                "sequence_length": self.sequence_length, "rule": self.rule,
                "bptt_window": self.bptt_window, "hidden_activation": self.hidden_activation,
                "output_activation": self.output_activation, "weight_scale": self.weight_scale,
                "architecture": self.architecture, "context_decay": self.context_decay}

    def _takes_decay(self) -> bool:
        return architectures.architecture_class(self.architecture.currentData()).has_decay

    def pending(self) -> dict:
        """Network settings edited but not applied yet."""
        if self._settings is None:
            return {}
        return {k: v for k, v in self.network_values().items()
                if getattr(self._settings, k) != v}

    def load(self, settings: RunSettings) -> None:
        """Show the settings in force (from the trainer), without emitting anything."""
        self._settings = settings
        self._loading = True
        try:
            self.learning_rate.show_exactly(settings.learning_rate)
            self.momentum.show_exactly(settings.momentum)
            self.epochs.setValue(settings.epochs)
            self.context_init.show_exactly(settings.context_init)
            self.reset_each_epoch.setChecked(settings.reset_context_each_epoch)
            self.n_hidden.setValue(settings.n_hidden)
            self.seed.setValue(settings.seed)
            self.sequence_length.setValue(settings.sequence_length)
            self.rule.setCurrentIndex(self.rule.findData(settings.rule))
            self.bptt_window.setValue(settings.bptt_window or 0)
            self.hidden_activation.setCurrentIndex(
                self.hidden_activation.findData(settings.hidden_activation))
            self.output_activation.setCurrentIndex(
                self.output_activation.findData(settings.output_activation))
            self.weight_scale.show_exactly(settings.weight_scale)
            self.architecture.setCurrentIndex(self.architecture.findData(settings.architecture))
            self.context_decay.show_exactly(settings.context_decay)
        finally:
            self._loading = False
        self._update_buttons()

    # ------------------------------------------------------------------ actions
    def apply(self) -> None:
        changes = self.pending()
        if changes:
            self.show_message("")
            self.applyRequested.emit(changes)

    def revert(self) -> None:
        if self._settings is not None:
            self.load(self._settings)
        self.show_message("")

    def show_message(self, text: str) -> None:
        """A refusal from the trainer (red), or nothing."""
        self.message.setText(text)
        self.message.setStyleSheet("color: #b00020; font-weight: bold;")
        self.message.setVisible(bool(text))

    def _live(self, name: str, value) -> None:
        if not self._loading:
            self.show_message("")
            self.liveChanged.emit({name: value})

    def show_run(self, length_unit: str, steps_per_epoch: int) -> None:
        """Say what the sequence length counts and how many steps an epoch has."""
        self._run_shape = (length_unit, int(steps_per_epoch))
        self._update_length_note()

    def _update_length_note(self) -> None:
        unit, steps = self._run_shape
        length = self.sequence_length.value()
        applied = self._settings is not None and self._settings.sequence_length == length
        epoch = (f": an epoch has {steps:,} steps" if applied and steps
                 else " (steps per epoch once applied)")
        self.length_note.setText(f"{length:,} {unit} per sequence{epoch}.")

    def _update_buttons(self, *_args) -> None:
        changed = self.pending()
        pending = bool(changed)
        for name, box in self._network_fields().items():
            box.setStyleSheet(CHANGED_STYLE if name in changed else "")
        self.apply_button.setText(APPLY_PENDING if pending else APPLY_IDLE)
        self._update_length_note()
        self.apply_button.setEnabled(pending)
        self.revert_button.setEnabled(pending)
        self.apply_button.setStyleSheet("font-weight: bold;" if pending else "")
        self.bptt_window.setEnabled(rules.rule_class(self.rule.currentData()).has_window)
        self.context_decay.setEnabled(self._takes_decay())
