"""View ▸ Compare with…: two networks side by side, trained on the same stream step for step.

The student picks what network B changes (context zeroed, the learning rule, hidden units,
learning rate, a starting-small curriculum, or any setting typed as ``KEY=VALUE``); the trainer
thread then trains both from step 0 (:mod:`elman_core.live.partner`) and every snapshot carries
B's picture beside A's. Here B's diagram and hidden space are drawn beside A's (both compact),
the loss plot and the error bars draw B in orange themselves; Play, Step, Step back and Run to
move both, because the trainer keeps B level with A. View ▸ One network leaves the mode.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from elman_core.live.snapshot import Snapshot
from elman_core.model import activations
from elman_core.model.settings import BOUNDS, RunSettings
from elman_core.training.pair import PairError, describe, parse_changes
from elman_gui.actions import make_action
from elman_gui.views.diagram.network_diagram import NetworkDiagramView
from elman_gui.views.style import palette

if TYPE_CHECKING:  # the window's tabs, lent: features do not import panels
    from elman_gui.panels.figure_tabs import FigureTabs


class CompareDialog(QDialog):
    """What network B changes: each row ticked is a difference; :meth:`changes` reads them."""

    def __init__(self, settings: RunSettings, task_name: str, parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Compare with…")
        self.rows: dict[str, tuple[QCheckBox, QWidget]] = {}
        form = QFormLayout()
        intro = QLabel("Network B learns the same stream as this network (A), step for step, "
                       "from step 0 again. Tick what B does differently:", self)
        intro.setWordWrap(True)
        memory = QLabel("B's context zeroed before every step (no memory)", self)
        rule = QComboBox(self)
        rule.addItems(list(activations.RULES))
        # The first rule that is not A's (no rule named here: the rules' registry has them).
        rule.setCurrentText(next((r for r in activations.RULES if r != settings.rule),
                                 settings.rule))
        hidden = QSpinBox(self)
        hidden.setRange(int(BOUNDS["n_hidden"].minimum), int(BOUNDS["n_hidden"].maximum))
        hidden.setValue(max(1, settings.n_hidden // 2))
        rate = QDoubleSpinBox(self)
        rate.setDecimals(4)
        rate.setRange(0.0001, 100.0)
        rate.setValue(settings.learning_rate * 3)
        curriculum = QComboBox(self)
        fitting = _tasks_like(task_name)
        curriculum.addItems(fitting)
        other = QLineEdit(self)
        other.setPlaceholderText("KEY=VALUE …, e.g. momentum=0.9 hidden_activation=tanh")
        for key, text, field in (
                ("forget_context", "Context zeroed", memory), ("rule", "Learning rule", rule),
                ("n_hidden", "Hidden units", hidden), ("learning_rate", "Learning rate", rate),
                ("task", "Curriculum", curriculum), ("other", "Other settings", other)):
            box = QCheckBox(text, self)
            field.setEnabled(False)
            box.toggled.connect(field.setEnabled)
            if key == "task" and not fitting:
                box.setEnabled(False)
                box.setToolTip("Only the grammar tasks have another curriculum (starting small).")
            form.addRow(box, field)
            self.rows[key] = (box, field)
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Compare")
        buttons.accepted.connect(self._accept_if_valid)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def tick(self, key: str, value: Any = None) -> None:
        """Tick row ``key`` and set its value (tests, and the lessons that open the mode)."""
        box, field = self.rows[key]
        box.setChecked(True)
        if value is None:
            return
        if isinstance(field, QComboBox):
            field.setCurrentText(str(value))
        elif isinstance(field, QSpinBox | QDoubleSpinBox):
            field.setValue(value)
        elif isinstance(field, QLineEdit):
            field.setText(str(value))

    def changes(self) -> dict[str, Any]:
        """The differences ticked; PairError if the typed ones are not KEY=VALUE."""
        changes: dict[str, Any] = {}
        for key, (box, field) in self.rows.items():
            if not box.isChecked():
                continue
            if key == "forget_context":
                changes[key] = True
            elif isinstance(field, QComboBox):
                changes[key] = field.currentText()
            elif isinstance(field, QSpinBox | QDoubleSpinBox):
                changes[key] = field.value()
            elif isinstance(field, QLineEdit) and field.text().strip():
                for name, value in parse_changes(field.text().split()).items():
                    if name in changes:
                        raise PairError(f"{name} is given twice")
                    changes[name] = value
        if not changes:
            raise PairError("tick at least one thing B does differently")
        return changes

    def _accept_if_valid(self) -> None:
        try:
            self.changes()
        except PairError as error:
            self.error.setText(str(error))
            return
        self.accept()


def _set_text(label: QLabel, text: str) -> None:
    if label.text() != text:  # a label set anew is laid out anew, at every frame
        label.setText(text)


def _tasks_like(task_name: str) -> list[str]:
    """The other tasks with the same network shape (starting small beside the grammar)."""
    staged = ("grammar", "starting-small-input", "starting-small-memory")
    return [name for name in staged if name != task_name] if task_name in staged else []


class SideBySide:
    """The mode in the window: its two View actions, B's compact views beside A's."""

    def __init__(self, trainer, figure_tabs: FigureTabs, diagram: NetworkDiagramView,
                 view_menu: QMenu, host: QWidget, settings) -> None:
        self.trainer = trainer
        self.figure_tabs = figure_tabs
        self.diagram_a = diagram
        self._settings = settings  # () → the RunSettings in force (None before the first)
        self._host = host
        self.changes: dict[str, Any] | None = None
        self._activations: tuple[str, str] | None = None
        self._task_name = ""
        self.compare_action = make_action(
            host, "Compare with…", "Train a second network beside this one on the same "
            "stream, step for step, differing in what you pick", ["Ctrl+Shift+C"],
            slot=self.ask)
        self.leave_action = make_action(host, "One network", "Leave the side-by-side mode",
                                        slot=self.leave)
        self.leave_action.setEnabled(False)
        view_menu.addAction(self.compare_action)
        view_menu.addAction(self.leave_action)
        view_menu.addSeparator()
        self._build_panel()

    def _build_panel(self) -> None:
        """A's tabs and B's views in one splitter, where A's tabs were."""
        tabs = self.figure_tabs
        holder = tabs.parentWidget()
        column = holder.layout() if holder is not None else None
        if holder is None or column is None:
            raise RuntimeError("the figure tabs must sit in a layout to go side by side")
        self.label_a = QLabel("<b>A</b>: this network", holder)
        self.label_b = QLabel("", holder)
        self.diagram_b = NetworkDiagramView(holder)
        self.diagram_b.set_legend_shown(False)  # A's key, beside it, is B's too
        self.stack_b = QStackedWidget(holder)
        self.stack_b.addWidget(self.diagram_b)
        self.hidden_b: QWidget | None = None  # made when first shown (like A's)
        self.panel_b = QWidget(holder)
        right = QVBoxLayout(self.panel_b)
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.label_b)
        right.addWidget(self.stack_b, 1)
        panel_a = QWidget(holder)
        left = QVBoxLayout(panel_a)
        left.setContentsMargins(0, 0, 0, 0)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, holder)
        column.replaceWidget(tabs, self.splitter)
        left.addWidget(self.label_a)
        left.addWidget(tabs, 1)
        self.splitter.addWidget(panel_a)
        self.splitter.addWidget(self.panel_b)
        self.label_b.setWordWrap(True)
        self.label_a.hide()
        self.panel_b.hide()

    # ------------------------------------------------------------------ commands
    def ask(self) -> None:
        settings = self._settings()
        if settings is None:
            return
        dialog = CompareDialog(settings, self._task_name, self._host)
        if dialog.exec():
            self.compare(dialog.changes())

    def compare(self, changes: dict[str, Any]) -> None:
        """Start the mode with B changed by ``changes`` (both from step 0)."""
        self.changes = dict(changes)
        self.trainer.set_partner(self.changes)

    def leave(self) -> None:
        self.changes = None
        self.trainer.set_partner(None)

    # ------------------------------------------------------------------ painting
    def show_snapshot(self, snapshot: Snapshot) -> None:
        self._task_name = snapshot.task_name
        partner = snapshot.partner
        on = partner is not None
        if on != self.panel_b.isVisible():
            self.panel_b.setVisible(on)
            self.label_a.setVisible(on)
            self.leave_action.setEnabled(on)
            self.diagram_a.set_legend_shown(not on)  # both compact: half the width each
            if on:  # halves (sizes in proportion: the splitter may not be laid out yet)
                self.splitter.setSizes([10_000, 10_000])
        if partner is None:
            return
        _set_text(self.label_b, f"<b style='color:{palette.PARTNER_CURVE}'>B</b>: "
                  f"{snapshot.partner_label} · step {partner.global_step:,}"
                  + (" · <b>diverged</b>" if partner.state == "diverged" else ""))
        _set_text(self.label_a, f"<b>A</b>: this network · step {snapshot.global_step:,}")
        if self.figure_tabs.current_view() == "hidden-space":
            view = self._hidden_b()
            self.stack_b.setCurrentWidget(view)
            view.show_snapshot(partner)
        else:
            self.stack_b.setCurrentWidget(self.diagram_b)
            self._set_activations(partner)
            self.diagram_b.show_snapshot(partner)

    def _hidden_b(self):
        if self.hidden_b is None:
            from elman_gui.views.figures.hidden_space import HiddenSpaceView

            self.hidden_b = HiddenSpaceView(self.stack_b)
            self.stack_b.addWidget(self.hidden_b)
        return self.hidden_b

    def _set_activations(self, partner: Snapshot) -> None:
        """B's diagram scaled for B's activation functions (A's unless B changes them)."""
        settings = self._settings()
        if settings is None:
            return
        changes = self.changes or {}
        chosen = (changes.get("hidden_activation", settings.hidden_activation),
                  changes.get("output_activation", settings.output_activation))
        if chosen != self._activations:
            self._activations = chosen
            self.diagram_b.set_activations(*chosen)

    def label(self) -> str:
        return describe(self.changes or {})
