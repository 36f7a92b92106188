"""What the context units hold: the one place that knows Elman's network from Jordan's.

* **Elman (1990)**, the default: the context is a copy of the previous *hidden* state,
  context(t) = hidden(t−1); as many context units as hidden units.
* **Jordan (1986)**: the context holds the previous *output* (after its activation) and may
  keep a decaying trace of its own past, context(t) = μ·context(t−1) + output(t−1), with the
  decay μ (``context_decay``, 0 ≤ μ < 1; 0 = a plain copy of the output); as many context units
  as output units. Jordan trained with teacher forcing (the context took the *target*); here
  the context takes the network's own output, the variant textbooks show next to Elman's.

The decay is Jordan's alone: an Elman network with a decay is refused (with a message saying
so), so that Elman's network stays exactly Elman's (and seeds/000's).

With either architecture the learning rule decides how far the error goes back: Elman's online
rule treats the context as an input (no error through it); BPTT follows it back through the
copy — for Jordan through output → context, and through the decay to older contexts.

A network holds one architecture object (:attr:`ElmanNetwork.architecture`); nothing outside
this module asks which architecture it is: it asks the object (the kernels get its
:meth:`Architecture.kernel_arguments`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import numpy as np

from elman_core.model import activations as act


class Architecture(ABC):
    """Where a network's context comes from, how many units it has, and the way back."""

    name: ClassVar[str]  # as in the settings and in network files ("elman", "jordan")
    title: ClassVar[str]  # as the parameter panel lists it
    source: ClassVar[str]  # the layer copied into the context: "hidden" or "output"
    has_decay: ClassVar[bool] = False  # the context-decay setting applies to it

    def __init__(self, decay: float = 0.0) -> None:
        self.decay = float(decay)

    @abstractmethod
    def context_size(self, n_hidden: int, n_output: int) -> int:
        """How many context units a network of these sizes has."""

    @abstractmethod
    def next_context(self, context: np.ndarray, hidden: np.ndarray,
                     output: np.ndarray) -> np.ndarray:
        """The context of the next step, from this step's context, hidden state and output."""

    def copy_words(self) -> str:
        """What the copy link does, in a few words ("copy hidden → context")."""
        return f"copy {self.source} → context"

    def describe(self) -> str:
        """The architecture in a line, for reports ("Jordan (context = output), decay 0.5")."""
        decay = f", context decay {self.decay:g}" if self.has_decay else ""
        return f"{self.title} (context = {self.source}){decay}"

    def kernel_arguments(self) -> tuple[bool, float]:
        """(the context takes the output, the decay μ), as the compiled kernels take them."""
        return self.source == "output", self.decay

    # ------------------------------------------------------------------ BPTT
    @abstractmethod
    def back_through_copy(self, from_future: np.ndarray, output: np.ndarray,
                          output_kind: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        """Split dE/dcontext(t+1) (``from_future``) into what reaches this step's output net
        input and what reaches its hidden state (None: nothing reaches it)."""


class ElmanArchitecture(Architecture):
    """context(t) = hidden(t−1): Elman's copy link."""

    name = "elman"
    title = "Elman"
    source = "hidden"

    def __init__(self, decay: float = 0.0) -> None:
        if decay != 0.0:
            raise ValueError(f"the context decay ({decay:g}) applies to Jordan networks only: "
                             f"an Elman network's context is an exact copy of the hidden "
                             f"state; set the decay to 0 or choose the Jordan architecture")
        super().__init__(0.0)

    def context_size(self, n_hidden: int, n_output: int) -> int:
        return n_hidden

    def next_context(self, context: np.ndarray, hidden: np.ndarray,
                     output: np.ndarray) -> np.ndarray:
        return hidden.copy()

    def back_through_copy(self, from_future: np.ndarray, output: np.ndarray,
                          output_kind: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        return None, from_future


class JordanArchitecture(Architecture):
    """context(t) = μ·context(t−1) + output(t−1): Jordan's state units."""

    name = "jordan"
    title = "Jordan"
    source = "output"
    has_decay = True

    def context_size(self, n_hidden: int, n_output: int) -> int:
        return n_output

    def next_context(self, context: np.ndarray, hidden: np.ndarray,
                     output: np.ndarray) -> np.ndarray:
        if self.decay == 0.0:
            return output.copy()
        return self.decay * context + output

    def copy_words(self) -> str:
        if self.decay == 0.0:
            return "copy output → context"
        return f"output + {self.decay:g}·context → context"

    def back_through_copy(self, from_future: np.ndarray, output: np.ndarray,
                          output_kind: int) -> tuple[np.ndarray | None, np.ndarray | None]:
        return act.output_backward(output_kind, output, from_future), None


_ARCHITECTURES: dict[str, type[Architecture]] = {
    a.name: a for a in (ElmanArchitecture, JordanArchitecture)}
ARCHITECTURES = tuple(_ARCHITECTURES)  # the default first


def architectures() -> tuple[type[Architecture], ...]:
    """Every architecture, the default first."""
    return tuple(_ARCHITECTURES.values())


def architecture_class(name: str) -> type[Architecture]:
    """The architecture named ``name`` (a ValueError for an unknown one)."""
    try:
        return _ARCHITECTURES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown architecture {name!r} (architectures: "
                         f"{', '.join(_ARCHITECTURES)})") from None


def make(name: str, decay: float = 0.0) -> Architecture:
    """A network's architecture object; a ValueError for an unknown name or a decay that does
    not apply (see the module docstring)."""
    return architecture_class(name)(decay)
