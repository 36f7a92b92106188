"""Task illustrations: what a task's training stream looks like, drawn as SVG text.

``task_svg(name)`` draws the first steps of a task's default training sequence as a row of
rounded boxes (the input symbol of each step), coloured by the step's position category (the
error bar it counts in), with the symbol the network must predict under each box. Steps without
a target are hatched grey; a dashed purple line marks a context reset inside the stream.

Plain string building, no Qt: the output is byte-identical run to run and on every platform.
``packaging/make_task_art.py`` writes one file per task to ``assets/tasks/<name>.svg``; the
welcome dialog shows them (see ``elman_gui.features.welcome``).
"""

from __future__ import annotations

import colorsys
from xml.sax.saxutils import escape, quoteattr

from elman_core import tasks

WIDTH = 560
FONT = "DejaVu Sans, Verdana, sans-serif"
MAX_STEPS = 15
UNIFORM_STEPS = 9  # boxes of one size while this many fit; otherwise sized by their words

# The app's colours (the same values as elman_gui/views/style/palette.py, which needs Qt to import).
FOREGROUND = "#222222"
MUTED = "#7a7a7a"
POSITIVE = "#c0392b"
NEGATIVE = "#2166ac"
COPY_LINK = "#6a3d9a"  # the context's colour: a context reset is drawn in it
LESIONED = "#bdbdbd"
CORRECT = "#1a7f37"

# Category colours, for up to eight categories; more get evenly spaced hues.
CATEGORY_COLORS = (NEGATIVE, POSITIVE, CORRECT, COPY_LINK, "#d35400", "#0f7c8c", "#8c564b",
                   "#b8337a")
OTHER_CATEGORY = "other"  # the text task's bar for rare characters: grey, not a hue
NO_TARGET = "no target"

# Layout (px).
MARGIN = 10
GUTTER = 62  # the row labels "sees" / "predicts"
BOX_TOP = 34
BOX_HEIGHT = 34
STEP_GAP = 4
RESET_GAP = 12
ARROW_TOP = BOX_TOP + BOX_HEIGHT + 3
TARGET_BASELINE = ARROW_TOP + 30
LEGEND_TOP = TARGET_BASELINE + 16
LEGEND_LINE = 20
ELLIPSIS_WIDTH = 20


def _num(value: float) -> str:
    """A coordinate as short, deterministic text (no float noise)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def text_width(text: str, size: float) -> float:
    """A generous estimate of ``text``'s width in DejaVu Sans (no font metrics without Qt)."""
    width = 0.0
    for char in text:
        if char in "il.,:;'|!()[]{} 1":
            em = 0.4
        elif char in "mwMW@%":
            em = 0.95
        elif char.isupper() or char in "␣⏎⇥—→":
            em = 0.78
        else:
            em = 0.64
        width += em * size
    return width


def category_colors(names: tuple[str, ...]) -> list[str]:
    """One colour per category name, in order."""
    if len(names) <= len(CATEGORY_COLORS):
        colors = list(CATEGORY_COLORS[: len(names)])
    else:
        colors = []
        for i in range(len(names)):
            r, g, b = colorsys.hls_to_rgb(i / len(names), 0.36, 0.65)
            colors.append(f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}")
    return [LESIONED if name == OTHER_CATEGORY else color
            for name, color in zip(names, colors, strict=True)]


def tint(color: str, strength: float) -> str:
    """``color`` mixed with white: 0 is white, 1 the colour itself."""
    channels = [int(color[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 + (c - 255) * strength):02x}" for c in channels)


def _text(x: float, y: float, content: str, size: float, *, fill: str = FOREGROUND,
          anchor: str = "start", weight: str = "normal", style: str = "normal") -> str:
    attrs = (f'x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" fill="{fill}"'
             f' text-anchor="{anchor}"')
    if weight != "normal":
        attrs += f' font-weight="{weight}"'
    if style != "normal":
        attrs += f' font-style="{style}"'
    return f"  <text {attrs}>{escape(content)}</text>"


def _hatch(x: float, y: float, w: float, h: float, spacing: float = 6.0) -> list[str]:
    """Diagonal lines rising to the right inside a rectangle (SVG Tiny has no patterns)."""
    inset = 3.0
    x0, y0, x1, y1 = x + inset, y + inset, x + w - inset, y + h - inset
    lines = []
    c = x0 + y0 + spacing / 2  # the points of one line have x + y == c
    while c < x1 + y1:
        ax, bx = max(x0, c - y1), min(x1, c - y0)
        lines.append(f'  <line x1="{_num(ax)}" y1="{_num(c - ax)}" x2="{_num(bx)}"'
                     f' y2="{_num(c - bx)}" stroke="{LESIONED}" stroke-width="1.2"/>')
        c += spacing
    return lines


def _steps_shown(sequence: tasks.Sequence, box_pitches: list[float], available: float) -> int:
    """How many of the first steps fit (at most MAX_STEPS), ending at a sequence boundary."""
    n = 0
    used = 0.0
    while n < min(MAX_STEPS, len(sequence)):
        extra = box_pitches[n] + (RESET_GAP if n > 0 and sequence.resets[n] else 0.0)
        if used + extra - STEP_GAP > available:
            break
        used += extra
        n += 1
    if n < len(sequence) and not sequence.resets[n]:
        # Cut before an unfinished sub-sequence, if the stream has resets inside it.
        inner = [t for t in range(1, n) if sequence.resets[t]]
        if inner:
            n = inner[-1]
    return max(n, 1)


def task_svg(name: str) -> str:
    """The illustration of task ``name``'s training stream as SVG text (about 560 × 150 px)."""
    task = tasks.get(name)
    sequence = task.make_sequence(task.defaults.sequence_length, task.defaults.seed)
    colors = category_colors(task.category_names)

    first = range(min(MAX_STEPS, len(sequence)))
    longest = max((sequence.input_symbols[t] for t in first), key=len)
    symbol_size = 15.0 if len(longest) <= 2 else 12.0
    left = MARGIN + GUTTER
    available = WIDTH - MARGIN - left - ELLIPSIS_WIDTH
    widths = [max(26.0, text_width(longest, symbol_size) + 10)] * len(first)
    if (available + STEP_GAP) // (widths[0] + STEP_GAP) < UNIFORM_STEPS:
        # Long words: each box as wide as its own word (and the word it must predict).
        symbol_size = 11.0
        widths = [max(26.0, text_width(sequence.input_symbols[t], symbol_size) + 8,
                      text_width(sequence.target_symbols[t], 11.0) + 2) for t in first]
    n = _steps_shown(sequence, [w + STEP_GAP for w in widths], available)
    whole = n == len(sequence)
    any_masked = not bool(sequence.mask[:n].all())

    body: list[str] = []
    # Caption.
    total = len(sequence)
    caption = (f"One epoch: all {total} steps" if whole
               else f"One epoch's stream: the first {n} of {total:,} steps")
    body.append(_text(MARGIN, 17, caption, 12.5, weight="bold"))
    body.append(_text(WIDTH - MARGIN, 17, "time →", 11, fill=MUTED, anchor="end"))
    # Row labels.
    body.append(_text(left - 8, BOX_TOP + BOX_HEIGHT / 2 + 4, "sees", 11, fill=MUTED,
                      anchor="end", style="italic"))
    body.append(_text(left - 8, TARGET_BASELINE, "predicts", 11, fill=MUTED, anchor="end",
                      style="italic"))

    x = float(left)
    for t in range(n):
        if t > 0 and sequence.resets[t]:
            mid = x + (RESET_GAP - STEP_GAP) / 2
            body.append(f'  <line x1="{_num(mid)}" y1="{BOX_TOP - 4}" x2="{_num(mid)}"'
                        f' y2="{TARGET_BASELINE + 4}" stroke="{COPY_LINK}" stroke-width="1.5"'
                        ' stroke-dasharray="4 3"/>')
            body.append(_text(mid, BOX_TOP - 8, "reset", 9.5, fill=COPY_LINK, anchor="middle"))
            x += RESET_GAP
        box_width = widths[t]
        center = x + box_width / 2
        symbol = sequence.input_symbols[t]
        if sequence.mask[t]:
            color = colors[int(sequence.categories[t])]
            body.append(f'  <rect x="{_num(x)}" y="{BOX_TOP}" width="{_num(box_width)}"'
                        f' height="{BOX_HEIGHT}" rx="6" fill="{tint(color, 0.22)}"'
                        f' stroke="{color}" stroke-width="2"/>')
            target, target_fill, arrow = sequence.target_symbols[t], color, MUTED
        else:
            body.append(f'  <rect x="{_num(x)}" y="{BOX_TOP}" width="{_num(box_width)}"'
                        f' height="{BOX_HEIGHT}" rx="6" fill="#f4f4f4" stroke="{LESIONED}"'
                        ' stroke-width="1.5"/>')
            body.extend(_hatch(x, BOX_TOP, box_width, BOX_HEIGHT))
            target, target_fill, arrow = "–", LESIONED, LESIONED
        body.append(_text(center, BOX_TOP + BOX_HEIGHT / 2 + symbol_size * 0.36, symbol,
                          symbol_size, anchor="middle", weight="bold"))
        # A small arrow down from the box to what the network must predict at this step.
        top, tip = ARROW_TOP + 1, ARROW_TOP + 11
        body.append(f'  <line x1="{_num(center)}" y1="{top}" x2="{_num(center)}"'
                    f' y2="{tip - 3}" stroke="{arrow}" stroke-width="1.3"/>')
        body.append(f'  <path d="M{_num(center - 3.5)},{tip - 4} L{_num(center + 3.5)},{tip - 4}'
                    f' L{_num(center)},{tip} z" fill="{arrow}"/>')
        size = 14.0 if len(target) <= 2 else 11.0
        body.append(_text(center, TARGET_BASELINE, target, size, fill=target_fill,
                          anchor="middle", weight="bold"))
        x += box_width + STEP_GAP
    if whole:
        body.append(_text(x + 8, BOX_TOP + BOX_HEIGHT / 2 + 4, "… and every epoch repeats them",
                          11, fill=MUTED, style="italic"))
    else:
        body.append(_text(x + 2, BOX_TOP + BOX_HEIGHT / 2 + 5, "…", 16, fill=MUTED))

    # Legend: every category of the task (the error bars), then "no target" if it occurs.
    entries = list(zip(task.category_names, colors, strict=True))
    prefix = "Colour = error bar:"
    lx, ly = float(MARGIN), float(LEGEND_TOP)
    body.append(_text(lx, ly + 10, prefix, 11, fill=MUTED))
    lx += text_width(prefix, 11) + 4
    legend_entries = [(label, color, False) for label, color in entries]
    if any_masked or not sequence.mask.all():
        legend_entries.append((NO_TARGET, LESIONED, True))
    for label, color, hatched in legend_entries:
        entry_width = 14 + 5 + text_width(label, 11) + 12
        if lx + entry_width - 12 > WIDTH - MARGIN:
            lx, ly = float(MARGIN + 12), ly + LEGEND_LINE
        if hatched:
            body.append(f'  <rect x="{_num(lx)}" y="{_num(ly)}" width="14" height="13" rx="3"'
                        f' fill="#f4f4f4" stroke="{LESIONED}" stroke-width="1.2"/>')
            body.extend(_hatch(lx, ly, 14, 13, spacing=5.0))
        else:
            body.append(f'  <rect x="{_num(lx)}" y="{_num(ly)}" width="14" height="13" rx="3"'
                        f' fill="{tint(color, 0.22)}" stroke="{color}" stroke-width="2"/>')
        body.append(_text(lx + 19, ly + 10.5, label, 11))
        lx += entry_width
    height = round(ly + 13 + MARGIN)

    title = f"{task.title}: the network sees one symbol per step and predicts the next"
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}"'
        f' viewBox="0 0 {WIDTH} {height}" font-family={quoteattr(FONT)}>',
        f"  <title>{escape(title)}</title>",
        f'  <rect x="0.5" y="0.5" width="{WIDTH - 1}" height="{height - 1}" rx="8"'
        ' fill="#ffffff" stroke="#d5dae3"/>',
        *body,
        "</svg>",
        "",
    ])
