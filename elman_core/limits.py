"""The one table of bounds on every size a user can type or a file can declare.

Each bound keeps a run inside a student's laptop (memory and minutes, not hours) and is checked
*before* anything is allocated, with a message naming the option and the bound. The command line
and the network-file reader use this table; a settings model can adopt it as it is.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


class BoundError(ValueError):
    """A value outside its documented bound; the message names the option and the bound."""


@dataclass(frozen=True)
class Bound:
    """Inclusive ``low``..``high`` (None: no limit on that side); ``whole`` for integers."""

    low: float | None
    high: float | None
    whole: bool
    why: str  # for the README and for the message when it is exceeded


MAX_UNITS = 1_000  # hidden units; also the input/output width a network file may declare
MAX_EPOCHS = 100_000
MAX_SEQUENCE_LENGTH = 100_000  # the --length of a task (letters: consonants, ≈3 letters each)
MAX_TOTAL_STEPS = 1_000_000_000  # epochs × steps per epoch of one run
MAX_SEED = 2**32 - 1  # numpy's legacy RandomState, which makes the XOR stream of seeds/000
CONTEXT_RANGE = 10.0  # the context starts within ±10 (sigmoid units live in 0..1)
MAX_TEXT_FILE_BYTES = 80_000  # 20,000 characters of up to 4 UTF-8 bytes each
MAX_NETWORK_FILE_BYTES = 256 * 2**20  # a .npz on disk and all its arrays once read
MAX_METADATA_CHARS = 1_000_000  # the JSON text inside a network file
MAX_METADATA_DEPTH = 32  # nesting of that JSON (the real format uses 3)
DIVERGENCE_LIMIT = 1_000_000  # weights, outputs and errors beyond ± this: training diverged

BOUNDS: dict[str, Bound] = {
    "--hidden": Bound(1, MAX_UNITS, True, "W_hh alone is hidden² numbers"),
    "--epochs": Bound(1, MAX_EPOCHS, True, "the loss list and the running time grow with it"),
    "--length": Bound(2, MAX_SEQUENCE_LENGTH, True, "one epoch holds the whole sequence"),
    "--seed": Bound(0, MAX_SEED, True, "the sequence generator takes 32-bit seeds"),
    "--context": Bound(-CONTEXT_RANGE, CONTEXT_RANGE, False,
                       "sigmoid hidden units are between 0 and 1, tanh units between −1 and 1"),
    "--lr": Bound(0, None, False, "a learning rate must be a positive number"),
    "--momentum": Bound(0, 1, False, "momentum is a fraction of the last change"),
}
# --lr is greater than 0 (never equal) and --momentum less than 1 (never equal):
_OPEN_ENDS = {("--lr", "low"), ("--momentum", "high")}


def describe(option: str) -> str:
    """The bound of ``option`` as a student reads it, e.g. "a whole number from 1 to 1,000"."""
    bound = BOUNDS[option]
    kind = "a whole number" if bound.whole else "a number"
    low = None if bound.low is None else f"{bound.low:,}"
    high = None if bound.high is None else f"{bound.high:,}"
    if (option, "low") in _OPEN_ENDS and high is None:
        return f"{kind} above {low}"
    if (option, "high") in _OPEN_ENDS:
        return f"{kind} from {low} up to (not including) {high}"
    return f"{kind} from {low} to {high}"


def shown(value: object) -> str:
    """A value as typed, shortened if it is absurdly long (a 10**30 stays readable)."""
    text = repr(value) if not isinstance(value, int | float) else f"{value}"
    return text if len(text) <= 24 else f"{text[:10]}…({len(text)} digits)"


def check_bound(option: str, value: float | int) -> None:
    """Raise :class:`BoundError` naming ``option`` and its bound if ``value`` is outside it."""
    bound = BOUNDS[option]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BoundError(f"{option} must be {describe(option)} (got {shown(value)})")
    too_low = bound.low is not None and (
        value <= bound.low if (option, "low") in _OPEN_ENDS else value < bound.low)
    too_high = bound.high is not None and (
        value >= bound.high if (option, "high") in _OPEN_ENDS else value > bound.high)
    not_number = isinstance(value, float) and not math.isfinite(value)
    if not_number or too_low or too_high or (bound.whole and value != int(value)):
        raise BoundError(f"{option} {shown(value)} is out of range: it must be "
                         f"{describe(option)} ({bound.why})")
