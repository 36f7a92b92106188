"""The welcome dialog: every task with what it teaches, a preview of its sequence, and a start.

Shown once on the first start (remembered with QSettings; a "Show at startup" box brings it
back every time) and from Help ▸ Choose a task…. Never shown by ``--screenshot`` or the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from PySide6.QtCore import QByteArray, QSettings, Qt, QUrl, Signal
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from elman_core import tasks
from elman_gui import settings_store
from elman_gui.resources import asset_path

ART_SCHEME = "task-art"  # <img src="task-art:xor">: drawn by TaskArtBrowser, not loaded as a file
SHOWN_KEY = "welcome/shown"
AT_STARTUP_KEY = "welcome/show_at_startup"
PREVIEW_SYMBOLS = 30


def app_settings() -> QSettings:
    """Elman Lab's own settings store (per user; see :mod:`elman_gui.settings_store`)."""
    return settings_store.app_settings()


def _flag(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    return value in (True, "true", "1", 1) if not isinstance(value, bool) else value


def should_show_at_startup(settings: QSettings) -> bool:
    """On the very first start, or every start if the student ticked "Show at startup"."""
    return not _flag(settings, SHOWN_KEY, False) or _flag(settings, AT_STARTUP_KEY, False)


@dataclass(frozen=True)
class TaskPreview:
    name: str
    title: str
    description: str
    source: str
    layers: str  # "1-4-1": input, hidden (default), output units
    symbols: tuple[str, ...]  # the first input symbols of the training sequence
    steps_per_epoch: int


def task_preview(name: str, count: int = PREVIEW_SYMBOLS) -> TaskPreview:
    """What the dialog shows about one task, built from the task itself (nothing hand-written)."""
    task = tasks.get(name)
    defaults = task.defaults
    sequence = task.make_sequence(defaults.sequence_length, defaults.seed)
    return TaskPreview(
        name=name, title=task.title, description=task.description, source=task.source,
        layers=f"{task.n_input}-{defaults.n_hidden}-{task.n_output}",
        symbols=tuple(sequence.input_symbols[:count]), steps_per_epoch=len(sequence))



def task_art_path(name: str):
    """``assets/tasks/<name>.svg``: the task's illustration (packaging/make_task_art.py)."""
    return asset_path(f"tasks/{name}.svg")


def task_art_renderer(name: str) -> QSvgRenderer | None:
    """The task's illustration, or None if its file is missing or unreadable."""
    path = task_art_path(name)
    try:
        data = path.read_bytes() if path.is_file() else b""
    except OSError:
        data = b""
    renderer = QSvgRenderer(QByteArray(data)) if data else None
    return renderer if renderer is not None and renderer.isValid() else None


def task_art_image(name: str, scale: float = 1.0) -> QImage | None:
    """The illustration drawn at ``scale`` device pixels per pixel (None if there is none).

    Drawn with QSvgRenderer rather than Qt's SVG image plugin, which the bundle leaves out.
    """
    renderer = task_art_renderer(name)
    if renderer is None:
        return None
    size = renderer.defaultSize()
    image = QImage(round(size.width() * scale), round(size.height() * scale),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter)
    painter.end()
    image.setDevicePixelRatio(scale)
    return image


def task_art_html(name: str) -> str:
    """An ``<img>`` of the task's illustration for a TaskArtBrowser ("" if there is none)."""
    renderer = task_art_renderer(name)
    if renderer is None:
        return ""
    size = renderer.defaultSize()
    return (f"<p><img src='{ART_SCHEME}:{escape(name)}' width='{size.width()}' "
            f"height='{size.height()}'></p>")


class TaskArtBrowser(QTextBrowser):
    """A QTextBrowser that draws ``<img src="task-art:NAME">`` from assets/tasks/NAME.svg."""

    def loadResource(self, kind: int, name: QUrl):  # noqa: N802 (Qt's name)
        image_kind = QTextDocument.ResourceType.ImageResource.value
        if name.scheme() == ART_SCHEME and getattr(kind, "value", kind) == image_kind:
            scale = max(1.0, self.devicePixelRatioF())
            image = task_art_image(name.path(), scale)
            return image if image is not None else QImage()
        return super().loadResource(kind, name)


def preview_html(preview: TaskPreview) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in preview.description.split("\n\n")
                         if p.strip())
    symbols = " ".join(escape(s) for s in preview.symbols)
    return (
        f"<h2>{escape(preview.title)}</h2>{task_art_html(preview.name)}{paragraphs}"
        f"<p><b>Network:</b> {preview.layers} (input – hidden – output units; the context "
        f"copies the hidden layer)<br><b>One epoch:</b> {preview.steps_per_epoch:,} steps</p>"
        f"<p><b>The sequence starts:</b><br><code style='font-size:13pt'>{symbols} …</code></p>"
        f"<p style='color:#666'><i>Source: {escape(preview.source)}</i></p>")


class WelcomeDialog(QDialog):
    """Pick a task: ``taskChosen(name)`` when the student presses Start (or double-clicks)."""

    taskChosen = Signal(str)
    settingsNotSaved = Signal(str)  # why the "shown" / "show at startup" flags were not saved

    def __init__(self, parent: QWidget | None = None, settings: QSettings | None = None,
                 current: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to Elman Lab — choose a task")
        self.settings = settings if settings is not None else app_settings()
        self.previews = {name: task_preview(name) for name in tasks.names()}

        intro = QLabel(
            "<b>Watch a small recurrent network learn to predict what comes next.</b> "
            "Pick a task on the left; you can switch at any time from the toolbar, the Task "
            "menu or Help ▸ Choose a task…", self)
        intro.setWordWrap(True)
        self.task_list = QListWidget(self)
        self.task_list.setToolTip("The tasks Elman Lab offers: click one to read about it, "
                                  "double-click to start it.")
        for name, preview in self.previews.items():
            item = QListWidgetItem(f"{preview.title}\n   {preview.layers} network", self.task_list)
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(preview.description.split("\n")[0])
        self.task_list.setMinimumWidth(260)
        self.details = TaskArtBrowser(self)
        self.details.setOpenExternalLinks(True)
        self.details.setToolTip("What the selected task teaches, what to look for, and how "
                                "its input sequence begins.")
        self.show_at_startup = QCheckBox("Show at startup", self)
        self.show_at_startup.setToolTip("Open this window every time Elman Lab starts (it is "
                                        "always in Help ▸ Choose a task…).")
        self.show_at_startup.setChecked(_flag(self.settings, AT_STARTUP_KEY, False))
        self.show_at_startup.toggled.connect(
            lambda on: self._remember(AT_STARTUP_KEY, bool(on)))
        buttons = QDialogButtonBox(self)
        self.start_button = buttons.addButton("Start this task",
                                              QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setToolTip("Train a fresh network on the selected task.")
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.setToolTip("Keep the current task.")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        row = QHBoxLayout()
        row.addWidget(self.task_list)
        row.addWidget(self.details, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.show_at_startup)
        bottom.addStretch(1)
        bottom.addWidget(buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row, 1)
        layout.addLayout(bottom)
        self.resize(900, 560)

        self.task_list.currentItemChanged.connect(self._show_details)
        self.task_list.itemDoubleClicked.connect(lambda _item: self.accept())
        names = list(self.previews)
        self.task_list.setCurrentRow(names.index(current) if current in names else 0)
        self.save_problem: str | None = None  # why a flag was not saved (None: saved)
        self._remember(SHOWN_KEY, True)

    def _remember(self, key: str, value: bool) -> None:
        problem = settings_store.save(self.settings, key, value)
        if problem is not None:
            self.save_problem = problem
            self.settingsNotSaved.emit(problem)

    def task_names(self) -> list[str]:
        return [self.task_list.item(row).data(Qt.ItemDataRole.UserRole)
                for row in range(self.task_list.count())]

    def selected_name(self) -> str:
        item = self.task_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else ""

    def select(self, name: str) -> None:
        self.task_list.setCurrentRow(self.task_names().index(name))

    def _show_details(self, item, _previous=None) -> None:
        if item is not None:
            self.details.setHtml(preview_html(self.previews[item.data(Qt.ItemDataRole.UserRole)]))

    def accept(self) -> None:
        name = self.selected_name()
        super().accept()
        if name:
            self.taskChosen.emit(name)
