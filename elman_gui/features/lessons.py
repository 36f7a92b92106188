"""Lesson files in the window: File ▸ Open lesson / Save lesson, and lessons dropped on it.

A lesson (:mod:`elman_core.training.lessons`) opens as a task chosen from the menu does, with its
settings and seed applied, its view brought up and its note shown above the views and in the
"About this task" panel. A broken lesson changes nothing and says which line is wrong. Saving
writes the run on screen (task, every setting, the view on top) with the teacher's title and note.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)

from elman_core import tasks
from elman_core.training import lessons
from elman_core.training.lessons import Lesson, LessonError
from elman_gui import resources
from elman_gui.actions import make_action
from elman_gui.window_parts import WindowParts

FILTER = "Elman Lab lesson (*.toml);;All files (*)"


class LessonNoteDialog(QDialog):
    """Asks for the lesson's title and the note for the student before saving."""

    def __init__(self, title: str, note: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Save lesson")
        self.title_field = QLineEdit(title, self)
        self.title_field.setMaxLength(lessons.MAX_TITLE_CHARS)
        self.note_field = QPlainTextEdit(note, self)
        self.note_field.setPlaceholderText("What the student should do and look for.")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Title:", self.title_field)
        form.addRow("Note for the student:", self.note_field)
        form.addRow(buttons)
        self.resize(520, 320)


class LessonFiles(QObject):
    """File ▸ Open lesson / Save lesson and drag-and-drop of lesson files onto ``window``."""

    def __init__(self, parts: WindowParts, window: QWidget, show_view: Callable[[str], None],
                 current_view: Callable[[], str], file_menu: QMenu, before=None,
                 dialog_folder: Callable[[], Path] | None = None) -> None:
        super().__init__(parts.host)
        self.parts = parts
        self.show_view, self.current_view = show_view, current_view
        self.dialog_folder = dialog_folder or Path.home
        self.lesson: Lesson | None = None  # the lesson opened last (its note is on screen)
        self.last_error = ""
        self.last_folder: Path | None = None  # where the last lesson was opened from
        self.open_action = make_action(
            parts.host, "Open lesson…", "Open a lesson file (.toml): a task with its settings "
            "and seed, the view to look at and a note from the teacher (Ctrl+Shift+O).",
            ("Ctrl+Shift+O",), slot=self.open_lesson)
        self.save_action = make_action(
            parts.host, "Save lesson…", "Save this task, its settings and seed, the view on "
            "top and a note as a lesson file a student can open.", slot=self.save_lesson)
        file_menu.insertAction(before, self.open_action)
        file_menu.insertAction(before, self.save_action)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    # ------------------------------------------------------------------ open
    def open_folder(self) -> Path:
        """Where Open lesson starts: the folder last opened from, else the shipped lessons."""
        shipped = resources.asset_path("lessons")
        if self.last_folder is not None:
            return self.last_folder
        return shipped if shipped.is_dir() else self.dialog_folder()

    def open_lesson(self, path: str | Path | None = None) -> Lesson | None:
        """Open the lesson in ``path`` (asked for when None); None if nothing was opened."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self.parts.host, "Open lesson",
                                                  str(self.open_folder()), FILTER)
            if not path:
                return None
            self.last_folder = Path(path).parent
        try:
            lesson = lessons.read_lesson(path)
        except LessonError as error:
            self.last_error = f"The lesson was not opened: {error}. Nothing changed."
            self.parts.notify("error", self.last_error)  # errors stay until dismissed
            return None
        self.apply(lesson)
        return lesson

    def apply(self, lesson: Lesson) -> None:
        """Start the lesson's run: its task, every setting, its view and its note."""
        shown = self.parts.shown
        if tasks.takes_text(lesson.task):
            shown.text_options = dict(lesson.task_options)
        self.parts.choose_task(lesson.task)  # a task chosen by hand: the experiment note goes
        self.parts.trainer.set_settings(dataclasses.asdict(lesson.settings))
        self.show_view(lesson.view)
        self.lesson = lesson
        note = "".join(f"<p>{escape(p)}</p>" for p in lesson.note.split("\n\n") if p.strip())
        shown.experiment_html = f"<hr><h4>Lesson: {escape(lesson.title)}</h4>{note}"
        self.parts.refresh_task()
        # Above the views, one line: the title and the note's first sentence (the whole note
        # is in About this task, which a long note would otherwise push down).
        first = lesson.note.replace("\n", " ").strip().split(". ")[0].rstrip(".")
        self.parts.watch(f"Lesson “{lesson.title}”" + (f": {first}. " if first else ". ")
                         + ("The whole note is in About this task." if lesson.note else ""))

    # ------------------------------------------------------------------ save
    def save_lesson(self, path: str | Path | None = None, title: str | None = None,
                    note: str | None = None) -> Path | None:
        """Save the run on screen as a lesson (asks for the title, note and file when None)."""
        shown = self.parts.shown
        snapshot, settings = shown.snapshot, shown.settings
        if snapshot is None or settings is None:
            self.parts.notify("warning", "Nothing to save yet: wait for the network to appear.")
            return None
        if title is None or note is None:
            previous = self.lesson if self.lesson is not None and \
                self.lesson.task == snapshot.task_name else None
            dialog = LessonNoteDialog(previous.title if previous else snapshot.task_title,
                                      previous.note if previous else "", self.parts.host)
            if not dialog.exec():
                return None
            title, note = dialog.title_field.text(), dialog.note_field.toPlainText()
        if path is None:
            name = f"{snapshot.task_name}-lesson{lessons.SUFFIX}"
            path, _ = QFileDialog.getSaveFileName(self.parts.host, "Save lesson",
                                                  str(self.dialog_folder() / name), FILTER)
            if not path:
                return None
        options = dict(shown.text_options) if tasks.takes_text(snapshot.task_name) else {}
        lesson = Lesson(title=title.strip() or snapshot.task_title, task=snapshot.task_name,
                        settings=settings, view=self.current_view(), note=note.strip(),
                        task_options=options)
        try:
            written = lessons.write_lesson(lesson, path)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.parts.notify("error", f"The lesson was not saved: {reason}")
            return None
        self.lesson = lesson
        self.parts.notify("info", f"Saved the lesson to {written}.")
        return written

    # ------------------------------------------------------------------ drag and drop
    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt name)
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._dropped_lesson(event) is not None:
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            path = self._dropped_lesson(event)
            if path is not None:
                event.acceptProposedAction()
                self.open_lesson(path)
                return True
        return False

    @staticmethod
    def _dropped_lesson(event) -> str | None:
        """The one local .toml file being dragged, if that is what it is."""
        data = event.mimeData()
        if data is None or not data.hasUrls():
            return None
        paths = [url.toLocalFile() for url in data.urls() if url.isLocalFile()]
        if len(paths) == 1 and paths[0].lower().endswith(lessons.SUFFIX):
            return paths[0]
        return None
