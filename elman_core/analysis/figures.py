"""The live figures as small immutable records: the paper's figure of each task, the hidden space.

Made in the trainer thread from what the session already keeps (the per-unit squared errors of
the latest epoch, the activation ring), never from an extra pass of the network, and handed to
the views inside a snapshot. No Qt here.

* :func:`paper_figure`: Fig. 3 (XOR), Figs. 4 and 5 (letters), Fig. 6 (words), an error strip
  per word for the sentences (whose Figs. 7 and 8 are dendrograms, see :mod:`word_clusters`), and
  an error strip of the latest epoch for the seed tasks;
* :func:`hidden_space`: the recent hidden states on their first two principal components.
"""

from __future__ import annotations

import warnings

import numpy as np

from elman_core.analysis import hidden_states
from elman_core.analysis.figure_records import FigurePanel, HiddenSpace, PaperFigure
from elman_core.analysis.hidden_states import Projection
from elman_core.model.trace import frozen
from elman_core.tasks import sentences, words
from elman_core.tasks.base import Sequence, Task

CYCLE = 12  # Fig. 3: twelve consecutive inputs, four XOR groups
LETTER_STEPS = 20  # Figs. 4 and 5: twenty timesteps
WORD_LETTERS = 60  # Fig. 6: about the paper's stretch "manyyearsagoaboyandgirllived…"
SENTENCE_WORDS = 24
STRIP_STEPS = 30  # the seed tasks
SETTLE_STEPS = 12  # Figs. 4-6 start after this many steps (see _first_mark_after)
CONSONANTAL, HIGH = 0, 3  # Fig. 5: bit 1 and bit 4 of the letters' features
XOR_ROLES = ("2nd bit", "XOR", "1st bit")  # what row t predicts, by t % 3


def step_rms(unit_errors: np.ndarray) -> np.ndarray:
    """(T,): the root of the mean squared error over the output units (NaN: no target)."""
    errors = np.asarray(unit_errors, dtype=np.float64)
    if not errors.shape[1]:
        return np.full(len(errors), np.nan)
    # A step with no target (or not trained yet) is NaN in every unit, so the plain mean is
    # NaN there too, and the same numbers as nanmean elsewhere, a third of its time (no copy
    # with the NaNs replaced): 2.3 → 0.8 ms for the sentences' 27,500 × 31 errors, computed
    # for the figure and the error bars of every epoch. A row with only some units NaN (none
    # is recorded so) still gets nanmean's answer.
    rms = np.sqrt(errors.sum(axis=1) / errors.shape[1])
    gaps = np.flatnonzero(np.isnan(rms))
    if len(gaps):
        partial = gaps[~np.isnan(errors[gaps]).all(axis=1)]
        if len(partial):
            rms[partial] = np.sqrt(np.nanmean(errors[partial], axis=1))
    return rms


def paper_figure(task: Task, sequence: Sequence, unit_errors: np.ndarray, epoch: int,
                 complete: bool = True) -> PaperFigure:
    """The figure of ``task`` (the kind its ``analyses.figure`` names) from ``unit_errors``
    (T, O): the squared error of every output unit at every step of one epoch (NaN where there
    was no target, or no step yet)."""
    rms = step_rms(unit_errors)
    panels, note = _FIGURES[task.analyses.figure](sequence, rms, unit_errors)
    return PaperFigure(task.name, epoch, complete, tuple(panels), note)


def _panel(title, caption, style, values, series, labels, marks=None, mark_name="",
           x_label="timestep", y_label="RMS error", first_step=0) -> FigurePanel:
    values = np.atleast_2d(np.asarray(values, dtype=np.float64))
    marks = np.zeros(values.shape[1], bool) if marks is None else np.asarray(marks, bool)
    marks = marks.copy()
    marks.setflags(write=False)
    return FigurePanel(title, caption, style, frozen(values), tuple(series), tuple(labels),
                       marks, mark_name, x_label, y_label, int(first_step))


def _xor(sequence, rms, unit_errors):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a position without data yet
        cycle = hidden_states.cycle_errors(rms, CYCLE) if len(rms) >= CYCLE else np.full(CYCLE,
                                                                                     np.nan)
    roles = [XOR_ROLES[k % 3] for k in range(CYCLE)]
    cycles = len(rms) // CYCLE
    panel = _panel(
        "Fig. 3", "Root mean squared error in predicting the next bit over 12 consecutive "
        f"inputs, averaged over the {cycles:,} cycles of the epoch: it dips at every third "
        "input, the XOR bit, the only one that can be predicted.",
        "line", cycle, ["RMS error"], roles, [r == "XOR" for r in roles],
        "XOR bit (predictable)", x_label="input in the cycle (the bit to predict)")
    return [panel], ""


def _first_mark_after(marks: np.ndarray, step: int) -> int:
    """The first marked step from ``step`` on (0 if none): the strips of Figs. 4-6 start at a
    consonant or a word, past the first steps after the epoch's context reset, which the
    network sees once an epoch and predicts worse than the rest of the stream."""
    later = np.flatnonzero(np.asarray(marks, bool)[step:])
    return step + int(later[0]) if len(later) else 0


def _letters(sequence, rms, unit_errors):
    start = _first_mark_after([s in "bdg" for s in sequence.target_symbols], SETTLE_STEPS)
    strip = hidden_states.error_strip(rms, sequence.target_symbols, start, LETTER_STEPS)
    consonant = np.array([s in "bdg" for s in strip.labels])
    fig4 = _panel(
        "Fig. 4", "Root mean squared error over all six features in predicting the next "
        "letter, each point labelled with the letter to predict: high on the consonants, "
        "which are random, low on the vowels that follow them.",
        "line", strip.errors, ["RMS error"], strip.labels, consonant, "consonant",
        x_label="letter to predict", first_step=start)
    rows = slice(start, start + LETTER_STEPS)
    bits = np.sqrt(np.asarray(unit_errors, dtype=np.float64)[rows][:, [CONSONANTAL, HIGH]]).T
    fig5 = _panel(
        "Fig. 5", "The error on single features over the same 20 timesteps: bit 1, "
        "Consonantal, is predicted well throughout, since the vowels' count tells when a "
        "consonant comes (5a), while bit 4, High, is wrong at each new consonant, whose "
        "identity is random (5b).",
        "line", bits, ["bit 1 Consonantal (5a)", "bit 4 High (5b)"], strip.labels, consonant,
        "consonant", x_label="letter to predict", y_label="|error| on the bit",
        first_step=start)
    return [fig4, fig5], ""


def _words(sequence, rms, unit_errors):
    onsets = words.onset_steps(sequence)
    start = _first_mark_after(onsets, SETTLE_STEPS)
    strip = hidden_states.error_strip(rms, sequence.target_symbols, start, WORD_LETTERS,
                                 marks=onsets)
    panel = _panel(
        "Fig. 6", "Root mean squared error in predicting the next letter of sentences run "
        "together, each bar labelled with the letter to predict: the error is high at the "
        "first letter of a word and falls inside it, so it marks the word boundaries.",
        "bars", strip.errors, ["RMS error"], strip.labels, strip.marks, "word onset",
        x_label="letter to predict", first_step=start)
    return [panel], ""


def _sentences(sequence, rms, unit_errors):
    strip = hidden_states.error_strip(rms, sequence.target_symbols, 0, SENTENCE_WORDS)
    verbs = np.array([not sentences.is_noun(w) for w in strip.labels])
    panel = _panel(
        "Words", "Root mean squared error in predicting the next word, each bar labelled "
        "with the word to predict (verbs marked): which word comes next stays uncertain, so "
        "the error stays high, yet the network learns which classes of word can come next.",
        "bars", strip.errors, ["RMS error"], strip.labels, verbs, "verb",
        x_label="word to predict")
    return [panel], ("Figs. 7 and 8, the dendrogram of the words' mean hidden vectors and "
                     "the novel word \"zog\", are in the Dendrogram tab.")


def _strip(sequence, rms, unit_errors):
    strip = hidden_states.error_strip(rms, sequence.target_symbols, 0, STRIP_STEPS,
                                 marks=sequence.resets)
    panel = _panel(
        "Errors", "Not a figure of the paper: the root mean squared error at each step of "
        "the epoch, labelled with the symbol to predict — low wherever the next symbol can "
        "be known from what came before.",
        "bars", strip.errors, ["RMS error"], strip.labels, strip.marks, "context reset",
        x_label="symbol to predict")
    return [panel], ""


# One builder per kind of figure (elman_core.tasks.base.FIGURE_KINDS), never per task.
_FIGURES = {"xor-cycle": _xor, "letter-features": _letters, "word-onsets": _words,
            "word-strip": _sentences, "error-strip": _strip}


# ------------------------------------------------------------------------------ hidden space
def symbol_groups(task: Task, symbols: tuple[str, ...]) -> tuple[tuple[str, ...], dict, str]:
    """The colour groups of a task: its classes if it has some (the sentences' word classes),
    else the input symbols."""
    if task.class_names:
        return task.class_names, dict(task.class_of), task.class_title
    return tuple(symbols), {s: s for s in symbols}, "input symbol"


def hidden_space(task: Task, hidden: np.ndarray, steps: np.ndarray,
                 symbols: tuple[str, ...], all_symbols: tuple[str, ...],
                 previous: Projection | None = None) -> tuple[HiddenSpace, Projection] | None:
    """Project ``hidden`` (n, H) on its first two principal components, oriented like the
    ``previous`` projection where it has the same number of hidden units.

    Returns the record and the projection to pass as ``previous`` next time; None with fewer
    than 3 states."""
    hidden = np.asarray(hidden, dtype=np.float64)
    if hidden.ndim != 2 or len(hidden) < 3:
        return None
    projection = hidden_states.pca_projection(hidden, previous=previous)
    coordinates = np.zeros((len(hidden), 2))
    coordinates[:, :projection.coordinates.shape[1]] = projection.coordinates
    explained = np.zeros(2)
    explained[:len(projection.explained)] = projection.explained
    groups, group_of_symbol, colour_by = symbol_groups(task, all_symbols)
    index = {g: k for k, g in enumerate(groups)}
    group_of = np.array([index.get(group_of_symbol.get(s, ""), -1) for s in symbols],
                        dtype=np.int64)
    group_of.setflags(write=False)
    steps = np.asarray(steps, dtype=np.int64).copy()
    steps.setflags(write=False)
    space = HiddenSpace(frozen(coordinates), steps, tuple(symbols), group_of, groups, colour_by,
                        frozen(explained), hidden.shape[1])
    return space, projection
