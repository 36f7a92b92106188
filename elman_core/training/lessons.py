"""Lesson files: a task, its settings and seed, the view to open and a note for the student.

A lesson is a small TOML file a teacher writes once (or saves from the app with File ▸ Save
lesson) and a student opens with File ▸ Open lesson, by dropping it on the window, with
``main.py LESSON.toml``, or headless with ``main.py train --lesson LESSON.toml``::

    lesson = 1                       # the format's version
    title = "Fig. 3: the temporal XOR"
    task = "xor"                     # see `main.py train --list`
    view = "paper-figure"            # network | paper-figure | hidden-space | dendrogram
    note = \"\"\"What to look at, in the teacher's words.\"\"\"

    [settings]                       # any of the parameter panel's settings; the rest are the
    n_hidden = 2                     # task's defaults
    seed = 42

    [task_options]                   # only the text task has one: the text to learn
    text = "..."

Reading one checks everything a run would (TOML syntax, every key, each value against the
settings' bounds, the task's own options) and every message names the line at fault, so a
teacher can fix the file in any editor. The GUI and the runner get the same :class:`Lesson`.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from elman_core import tasks
from elman_core.files import atomic_io
from elman_core.model.settings import NAMES, RunSettings, SettingsError
from elman_core.tasks.base import TaskError

FORMAT_VERSION = 1
SUFFIX = ".toml"
VIEWS = ("network", "paper-figure", "hidden-space", "dendrogram")  # the centre's tabs
MAX_LESSON_BYTES = 200_000  # a note of a few pages and the text task's 20,000 characters
MAX_TITLE_CHARS = 200
MAX_NOTE_CHARS = 20_000
TOP_KEYS = ("lesson", "title", "task", "view", "note", "settings", "task_options")


class LessonError(ValueError):
    """A lesson that cannot be used; the message names the file, the line and what to change."""


@dataclass(frozen=True)
class Lesson:
    """A valid lesson: :func:`read_lesson` or :func:`parse_lesson` made it, everything checked."""

    title: str
    task: str  # a registry name
    settings: RunSettings  # every setting of the run (the task's defaults where the file is silent)
    view: str = "network"  # one of VIEWS
    note: str = ""
    task_options: dict = field(default_factory=dict)  # {"text": ...} for the text task

    def changed_settings(self) -> dict:
        """The settings that differ from the task's defaults (what a saved lesson spells out
        besides the seed)."""
        defaults = tasks.get(self.task, **self.task_options).defaults
        return {name: getattr(self.settings, name)
                for name in sorted(self.settings.changed(defaults))}


def read_lesson(path: Path | str) -> Lesson:
    """The lesson in ``path``; a :class:`LessonError` naming the file (and line) otherwise."""
    path = Path(path)
    try:
        if path.is_dir():
            raise LessonError(f"{path}: that is a folder; choose a lesson file (.toml)")
        with open(path, "rb") as handle:
            data = handle.read(MAX_LESSON_BYTES + 1)  # never more, whatever the file is
    except OSError as error:
        raise LessonError(f"{path}: cannot read it ({error.strerror or error})") from None
    if len(data) > MAX_LESSON_BYTES:
        raise LessonError(f"{path}: a lesson file is at most {MAX_LESSON_BYTES:,} bytes; "
                          "this is larger (is it really a lesson?)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        raise LessonError(f"{path}, line {line}: not UTF-8 text; save the lesson as "
                          "UTF-8") from None
    return parse_lesson(text, str(path))


def parse_lesson(text: str, name: str = "lesson") -> Lesson:
    """The lesson written in ``text`` (``name`` starts every message)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:  # its message ends "(at line L, column C)"
        raise LessonError(f"{name}: not valid TOML: {error}") from None
    where = _Where(text, name)
    unknown = [key for key in document if key not in TOP_KEYS]
    if unknown:
        raise where.error(None, unknown[0], f"unknown key {unknown[0]!r}; a lesson has "
                                            f"{', '.join(TOP_KEYS)}")
    version = document.get("lesson", FORMAT_VERSION)
    if version != FORMAT_VERSION or isinstance(version, bool):
        raise where.error(None, "lesson", f"lesson = {version!r}: this Elman Lab reads lesson "
                                          f"files of version {FORMAT_VERSION}")
    task_name = _string(document, "task", where, required=True, limit=100)
    if task_name not in tasks.names():
        raise where.error(None, "task", f"unknown task {task_name!r}; choose one of: "
                                        f"{', '.join(tasks.names())}")
    title = _string(document, "title", where, limit=MAX_TITLE_CHARS)
    note = _string(document, "note", where, limit=MAX_NOTE_CHARS).strip()
    view = _string(document, "view", where, limit=100) or "network"
    if view not in VIEWS:
        raise where.error(None, "view", f"unknown view {view!r}; choose one of: "
                                        f"{', '.join(VIEWS)}")
    options = _table(document, "task_options", where)
    try:
        task = tasks.get(task_name, **options)
    except TaskError as error:
        key = next(iter(options), None)
        raise where.error("task_options" if key else None, key or "task", str(error)) from None
    changes = _table(document, "settings", where)
    settings = _settings(task, changes, where)
    return Lesson(title=title or task.title, task=task_name, settings=settings, view=view,
                  note=note, task_options=dict(options))


def _settings(task, changes: dict, where: _Where) -> RunSettings:
    unknown = [key for key in changes if key not in NAMES]
    if unknown:
        raise where.error("settings", unknown[0], f"unknown setting {unknown[0]!r}; the "
                                                  f"settings are {', '.join(NAMES)}")
    changes = dict(changes)
    if changes.get("bptt_window") == 0:
        changes["bptt_window"] = None  # 0: the whole segment (TOML has no "none")
    try:
        settings = RunSettings.for_task(task, **changes)
        settings.check_task(task)
    except SettingsError as error:
        raise where.error("settings", error.field, str(error)) from None
    except (TypeError, ValueError) as error:
        raise where.error("settings", None, str(error)) from None
    return settings


def _string(document: dict, key: str, where: _Where, required: bool = False,
            limit: int = MAX_NOTE_CHARS) -> str:
    value = document.get(key)
    if value is None:
        if required:
            raise LessonError(f"{where.name}: the lesson names no task; add a line such as "
                              f"task = \"xor\" (one of: {', '.join(tasks.names())})")
        return ""
    if not isinstance(value, str):
        raise where.error(None, key, f"{key} must be text in quotes (got {value!r:.40})")
    if len(value) > limit:
        raise where.error(None, key, f"{key} is {len(value):,} characters long; at most "
                                     f"{limit:,}")
    return value


def _table(document: dict, key: str, where: _Where) -> dict:
    value = document.get(key, {})
    if not isinstance(value, dict):
        raise where.error(None, key, f"{key} must be a table: a line [{key}] followed by "
                                     "name = value lines")
    for name, item in value.items():
        if isinstance(item, dict | list):
            raise where.error(key, name, f"{key}.{name} must be a single value, not a "
                                         f"{'table' if isinstance(item, dict) else 'list'}")
        if isinstance(item, float) and not math.isfinite(item):
            raise where.error(key, name, f"{key}.{name} = {item}: must be a finite number")
    return value


class _Where:
    """Finds the line a key is written on, for messages (tomllib reports lines only for
    syntax errors)."""

    def __init__(self, text: str, name: str) -> None:
        self.text, self.name = text, name

    def line_of(self, table: str | None, key: str | None) -> int | None:
        if key is None and table is None:
            return None
        current = None
        pattern = None if key is None else re.compile(
            rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}"|'{re.escape(key)}')\s*=""")
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(1).strip("\"'")
                if key is None and current == table:
                    return number
                continue
            if pattern is not None and current == table and pattern.match(line):
                return number
        return None

    def error(self, table: str | None, key: str | None, message: str) -> LessonError:
        line = self.line_of(table, key)
        if line is None and table is not None:
            line = self.line_of(table, None)
        at = f", line {line}" if line is not None else ""
        return LessonError(f"{self.name}{at}: {message}")


# ---------------------------------------------------------------------- writing


def lesson_text(lesson: Lesson) -> str:
    """The TOML of ``lesson``, every setting spelled out (reads back to an equal lesson)."""
    lines = [
        "# An Elman Lab lesson. Open it in the app (File ▸ Open lesson, or drop it on the",
        "# window), or train it headless: main.py train --lesson THIS-FILE.toml",
        f"lesson = {FORMAT_VERSION}",
        f"title = {_toml_string(lesson.title)}",
        f"task = {_toml_string(lesson.task)}",
        f"view = {_toml_string(lesson.view)}",
        f"note = {_toml_multiline(lesson.note)}",
        "",
        "[settings]",
    ]
    for name, value in dataclasses.asdict(lesson.settings).items():
        if name == "bptt_window" and value is None:
            value = 0  # the whole segment between context resets
        lines.append(f"{name} = {_toml_value(value)}")
    if lesson.task_options:
        lines += ["", "[task_options]"]
        lines += [f"{name} = {_toml_value(value)}" for name, value in lesson.task_options.items()]
    return "\n".join(lines) + "\n"


def write_lesson(lesson: Lesson, path: Path | str) -> Path:
    """Write ``lesson`` to ``path`` atomically and checked: the bytes read back from the disk
    must be a lesson equal to ``lesson`` (the old file stays whole if anything fails)."""
    path = Path(path)

    def reads_back(data: bytes) -> None:  # LessonError is a ValueError
        if parse_lesson(data.decode("utf-8"), str(path)) != lesson:
            raise ValueError("the lesson written does not read back the same")

    atomic_io.write_text(path, lesson_text(lesson), reads_back)
    return path


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)  # shortest text that reads back to the same float
    return _toml_string(str(value))


def _escape(text: str, keep_newlines: bool) -> str:
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n" and keep_newlines:
            out.append("\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _toml_string(text: str) -> str:
    return f'"{_escape(text, keep_newlines=False)}"'


def _toml_multiline(text: str) -> str:
    # A newline right after the opening quotes is not part of the string (TOML).
    return f'"""\n{_escape(text, keep_newlines=True)}"""'
