"""The task registry: every learning problem the app offers, by name."""

from __future__ import annotations

import inspect
from collections.abc import Callable

from elman_core.tasks import (
    alternating,
    counting,
    end_of_sequence,
    grammar,
    letters,
    sentences,
    starting_small,
    text,
    words,
    xor,
)
from elman_core.tasks.base import Task, TaskError

# Display order: Elman's four experiments first, then the small warm-ups, then free text.
_FACTORIES: dict[str, Callable[..., Task]] = {
    "xor": xor.make_task,
    "letters": letters.make_task,
    "words": words.make_task,
    "sentences": sentences.make_task,
    "grammar": grammar.make_task,
    "starting-small-input": starting_small.make_input_task,
    "starting-small-memory": starting_small.make_memory_task,
    "alternating": alternating.make_task,
    "counting": counting.make_task,
    "end-of-sequence": end_of_sequence.make_task,
    "text": text.make_task,
}


def names() -> list[str]:
    """Task names in the order the app lists them."""
    return list(_FACTORIES)


def options(name: str) -> dict[str, object]:
    """The options ``get(name, ...)`` accepts, with their default values."""
    parameters = inspect.signature(_factory(name)).parameters.values()
    return {p.name: p.default for p in parameters}


def takes_text(name: str) -> bool:
    """The task learns a text the student gives (its ``text`` option); False for unknown names."""
    return name in _FACTORIES and "text" in options(name)


def get(name: str, **task_options: object) -> Task:
    """A fresh task by name, e.g. ``get("text", text="hello there")``.

    Raises TaskError for an unknown name or option, or options the task rejects.
    """
    accepted = options(name)
    unknown = sorted(set(task_options) - set(accepted))
    if unknown:
        allowed = ", ".join(accepted) if accepted else "none"
        raise TaskError(
            f"Task {name!r} has no option {', '.join(map(repr, unknown))} (options: {allowed})."
        )
    return _factory(name)(**task_options)


def _factory(name: str) -> Callable[..., Task]:
    try:
        return _FACTORIES[name]
    except (KeyError, TypeError):
        raise TaskError(f"Unknown task {name!r}. Valid tasks: {', '.join(_FACTORIES)}.") from None
