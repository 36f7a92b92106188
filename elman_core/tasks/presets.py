"""Named parameter sets: the paper's settings and the student experiments of seeds/000."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from elman_core.tasks.base import TaskDefaults, TaskError
from elman_core.tasks.registry import get


@dataclass(frozen=True)
class Preset:
    """A task plus changes to its defaults. ``overrides`` keys are TaskDefaults field names."""

    name: str
    task: str  # a registry name, see elman_core.tasks.names()
    title: str
    overrides: dict = field(default_factory=dict)
    watch: str = ""  # what to look for when running it
    # The run the text says to compare with: changes to the task's defaults ({} is the default
    # network itself) and its name in the plot; None compares with the run before.
    compare_with: dict | None = None
    compare_label: str = ""

    def __post_init__(self) -> None:
        valid = {f.name for f in fields(TaskDefaults)}
        unknown = sorted(set(self.overrides) - valid)
        if unknown:
            raise TaskError(f"Preset {self.name!r} overrides unknown settings: {unknown}.")

    def defaults(self) -> TaskDefaults:
        """The task's defaults with this preset's overrides applied."""
        return replace(get(self.task).defaults, **self.overrides)


_PRESETS = (
    Preset(
        name="xor-elman1990",
        task="xor",
        title="XOR as in Elman (1990): 1-2-1, context starts at 0.5",
        overrides={"n_hidden": 2, "context_init": 0.5},
        watch=(
            "Elman's own network had only 2 hidden units; watch the error bar of the XOR bit "
            "drop below the two random ones, and look for one hidden unit that reacts to runs of "
            "equal bits and one that reacts to alternation."
        ),
    ),
    Preset(
        name="xor-100-epochs",
        task="xor",
        title="XOR, stopped after 100 epochs",
        overrides={"epochs": 100},
        watch=(
            "The seeds/000 article says the loss reaches its low plateau shortly after 100 "
            "epochs; check whether the XOR bar has already dropped when training stops."
        ),
    ),
    Preset(
        name="xor-3-hidden",
        task="xor",
        title="XOR with 3 hidden units",
        overrides={"n_hidden": 3},
        watch=(
            "Does the network still single out the XOR bit with one hidden unit fewer? Compare "
            "the loss curve and the XOR bar with the 4-unit default."
        ),
        compare_with={},
        compare_label="the 4-unit default",
    ),
    Preset(
        name="xor-20-hidden",
        task="xor",
        title="XOR with 20 hidden units",
        overrides={"n_hidden": 20},
        watch=(
            "With many more hidden units, does the loss reach its plateau in fewer than 100 "
            "epochs? Compare the shape of the loss curve with the 4-unit default."
        ),
        compare_with={},
        compare_label="the 4-unit default",
    ),
    Preset(
        name="xor-no-context-reset",
        task="xor",
        title="XOR without resetting the context between epochs",
        overrides={"reset_context_each_epoch": False},
        watch=(
            "Each epoch now starts with the context the previous one ended with instead of a "
            "fresh one; see whether the loss curve or the XOR bar changes at all."
        ),
        compare_with={},
        compare_label="the default (context reset each epoch)",
    ),
    Preset(
        name="letters-paper",
        task="letters",
        title="Letters as in Elman (1990): 1000 consonants, context starts at 0.5",
        overrides={"sequence_length": 1000, "context_init": 0.5},
        watch=(
            "The paper's longer stream (about 3000 letters) makes each epoch three times longer; "
            "look for the same picture as Elman's Fig. 4, high error on consonants and low error "
            "on the vowels that follow them."
        ),
    ),
)


def presets() -> list[Preset]:
    """All presets, in display order."""
    return list(_PRESETS)


def preset(name: str) -> Preset:
    """The preset called ``name``; a TaskError listing the valid names if there is none."""
    for p in _PRESETS:
        if p.name == name:
            return p
    raise TaskError(
        f"Unknown preset {name!r}. Valid presets: {', '.join(p.name for p in _PRESETS)}."
    )
