"""The learning rules, one module each; a network holds one rule object (see :mod:`.base`).

Adding a rule: a :class:`~elman_core.model.rules.base.LearningRule` subclass in its own module
(its step update, its kernel, its pending state), one line in :data:`_RULES`, and its name in
:data:`elman_core.model.activations.RULES` (what the settings accept, without importing the
kernels).
"""

from __future__ import annotations

from elman_core.model.rules.base import LearningRule
from elman_core.model.rules.bptt import BpttRule
from elman_core.model.rules.online import OnlineRule

_RULES: dict[str, type[LearningRule]] = {rule.name: rule for rule in (OnlineRule, BpttRule)}
RULES = tuple(_RULES)  # the default first; the settings accept activations.RULES (a test: same)

__all__ = ["RULES", "BpttRule", "LearningRule", "OnlineRule", "make", "rule_class", "rules"]


def rules() -> tuple[type[LearningRule], ...]:
    """Every rule, the default first."""
    return tuple(_RULES.values())


def rule_class(name: str) -> type[LearningRule]:
    """The rule named ``name`` (a ValueError for an unknown one)."""
    try:
        return _RULES[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown learning rule {name!r} (rules: {', '.join(_RULES)})") from None


def make(name: str, window: int | None = None) -> LearningRule:
    """A new rule object for one network: ``name`` from the settings, ``window`` BPTT's."""
    return rule_class(name)(window)
