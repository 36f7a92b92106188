"""The experiments a student makes on one network: lesioned hidden units, a forgotten context.

They belong to the network they were made on: a reset, a new task, new settings that need a new
network, or a loaded network end them (a loaded network brings its own, saved with it). While
any is on, the window says so plainly; :func:`describe` is the one wording of both.
"""

from __future__ import annotations

from collections.abc import Iterable


def describe(lesioned: Iterable[int], forget_context: bool) -> str:
    """"hidden units 2 and 4 lesioned, context forgotten" ("" when none is on); units from 1."""
    units = sorted(int(u) + 1 for u in lesioned)
    parts = []
    if units:
        names = ", ".join(map(str, units[:-1])) + (" and " if len(units) > 1 else "") + \
            str(units[-1])
        parts.append(f"hidden unit{'s' if len(units) > 1 else ''} {names} lesioned")
    if forget_context:
        parts.append("context forgotten (no memory)")
    return ", ".join(parts)


def ended_notice(lesioned: Iterable[int], forget_context: bool) -> str:
    """What the student is told when a new network ends the old one's experiments ("" if none)."""
    what = describe(lesioned, forget_context)
    return (f"Experiment ended with the old network: {what} no longer applies. The new network "
            "is whole." if what else "")


def short(lesioned: Iterable[int], forget_context: bool) -> str:
    """The status bar's form: "lesioned 2, 4 · no memory" ("" when none is on)."""
    units = sorted(int(u) + 1 for u in lesioned)
    parts = [f"lesioned {', '.join(map(str, units))}"] if units else []
    if forget_context:
        parts.append("no memory")
    return " · ".join(parts)
