"""The task registry: every learning problem the app offers, by name, plus named presets."""

from __future__ import annotations

from elman_core.tasks.base import Sequence, Task, TaskDefaults, TaskError
from elman_core.tasks.presets import Preset, preset, presets
from elman_core.tasks.registry import get, names, options, takes_text

__all__ = [
    "Preset",
    "Sequence",
    "Task",
    "TaskDefaults",
    "TaskError",
    "get",
    "names",
    "options",
    "preset",
    "presets",
    "takes_text",
]
