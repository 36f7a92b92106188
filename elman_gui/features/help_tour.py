"""The help's "Using Elman Lab" page: the figure tabs, step back, phases, focus mode, lessons.

The keys it names are read from the window's actions (like the shortcut sheet), so the page
cannot name a key the window does not have; a part whose command is missing is left out.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction, QKeySequence


def action_keys(actions: Iterable[QAction]) -> dict[str, str]:
    """Command text (without "&" and "…") → its keys as shown, e.g. "Step back" → "Left or B"."""
    found: dict[str, str] = {}
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.PortableText) for k in action.shortcuts()]
        keys = [k for k in keys if k]
        name = action.text().replace("&", "").rstrip("…").strip()
        if keys and name not in found:
            found[name] = " or ".join(keys)
    return found


def _key(keys: dict[str, str], *names: str) -> str | None:
    """The keys of the first command whose name starts with one of ``names``."""
    for prefix in names:
        if prefix in keys:  # the exact command first ("Step", not "Step epoch")
            return keys[prefix]
        for name, key in keys.items():
            if name.lower().startswith(prefix.lower()):
                return key
    return None


def tour_html(actions: Iterable[QAction]) -> str:
    """The page, with the keys the window really has."""
    keys = action_keys(actions)

    def k(*names: str, fallback: str = "") -> str:
        key = _key(keys, *names)
        return f"<b>{key}</b>" if key else fallback

    parts = ["<h2>Using Elman Lab</h2>",
             "<h3>The figure tabs</h3>"
             "<p>Above the sequence tape, four tabs share the largest part of the window: "
             f"<b>Network</b> ({k('Network')}), the diagram of units and weights; "
             f"<b>Paper figure</b> ({k('Paper figure')}), the figure of Elman (1990) this task "
             "reproduces, redrawn from the latest complete epoch with the paper's caption; "
             f"<b>Hidden space</b> ({k('Hidden space')}), the recent hidden states as dots on "
             "their two main directions, coloured by input or word class; and "
             f"<b>Dendrogram</b> ({k('Dendrogram')}), Figs. 7 and 8 for the word tasks: words "
             "joined by how alike their hidden states are. The loss plot and the error bars "
             "stay beside whichever tab is open.</p>"]
    focus = _key(keys, "Focus")
    if focus:
        parts.append(
            "<h3>Focus mode</h3>"
            f"<p>Press <b>{focus}</b> (or double-click a view) to give the view under the "
            "mouse the whole window, for a projector; <b>Esc</b> brings the layout back."
            + (f" {k('Large type')} draws it in large type." if _key(keys, "Large type")
               else "") + "</p>")
    parts.append(
        "<h3>Step, step back, phases</h3>"
        f"<p>Pause, then <b>Step</b> ({k('Step')}) trains exactly one timestep and the "
        "diagram shows it. "
        f"<b>Step back</b> ({k('Step back')}) undoes it — weights, context and errors "
        "exactly as they were — as far back as the Memory menu says. "
        f"With <b>Step through phases</b> ({k('Step through phases')}) each Step shows one "
        "quarter of a timestep: 1 the forward pass, 2 the error, 3 the weight change, 4 the "
        "copy of the hidden units into the context. The inspector and the activation history "
        "show the same step as the diagram; click a column of the history to look at an "
        "earlier step.</p>")
    parts.append(
        "<h3>Lessons</h3>"
        "<p>A lesson is a small file from your teacher: a task with its settings and seed, the "
        f"view to look at and a note. Open it with File ▸ Open lesson ({k('Open lesson')}), by "
        "dropping it on the window, or from a terminal with <code>main.py LESSON.toml</code>. "
        "The note appears above the views and in <i>About this task</i>. File ▸ Save lesson "
        "writes the run on screen as a lesson. One lesson comes for each figure of the paper "
        "(Figs. 3, 4 and 5, 6, 7 and 8).</p>")
    parts.append(
        "<h3>Keys and fields</h3>"
        "<p>The one-key commands (Space, →, F, R…) work whenever you are not typing in a "
        "field. <b>Esc</b> leaves a field; <b>Enter</b> in a parameter field applies the "
        "parameters. Experiments (a lesioned unit, a forgotten context) are shown by a red "
        "badge on the diagram and in the status bar, and end with Reset or a new task.</p>")
    return "".join(parts)
