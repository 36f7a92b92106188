"""How the hidden space can be coloured: by each input (or word class), or by a coarse class.

Thirteen word classes, or nineteen letters, are too many similar colours to tell apart on a
projector; the coarse schemes ask the paper's own questions with two or three colours: are the
nouns apart from the verbs, the animate nouns from the inanimate ones (Elman 1990, Fig. 7),
the vowels from the consonants? A scheme only regroups the points of a
:class:`~elman_core.analysis.figure_records.HiddenSpace` (by their input symbols): the
projection is not computed again.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from elman_core.analysis.figure_records import HiddenSpace
from elman_core.tasks import sentences

NOUN_VERB = "noun / verb"
ANIMACY = "animate / inanimate"
VOWELS = "vowel / consonant"
VOWEL_LETTERS = frozenset("aeiouAEIOU")


def schemes(space: HiddenSpace) -> tuple[str, ...]:
    """The schemes that fit ``space``: its own grouping first, then the coarse ones."""
    if space.colour_by == "word class":
        return (space.colour_by, NOUN_VERB, ANIMACY)
    letters = [s for s in set(space.symbols) if len(s) == 1 and s.isalpha()]
    if letters and any(s in VOWEL_LETTERS for s in letters) and \
            any(s not in VOWEL_LETTERS for s in letters):
        return (space.colour_by, VOWELS)
    return (space.colour_by,)


def regroup(space: HiddenSpace, scheme: str) -> tuple[tuple[str, ...], np.ndarray]:
    """``(groups, group_of)``: the colour legend and each point's index in it (−1: none)."""
    if scheme == space.colour_by:
        return space.groups, np.asarray(space.group_of)
    groups: tuple[str, ...]
    of: Callable[[str], str]
    if scheme == NOUN_VERB:
        groups, of = ("noun", "verb"), _word_kind
    elif scheme == ANIMACY:
        groups, of = ("animate noun", "inanimate noun", "verb"), _animacy
    elif scheme == VOWELS:
        groups, of = ("vowel", "consonant"), _vowel_or_consonant
    else:
        raise ValueError(f"unknown colour scheme {scheme!r}: one of {', '.join(schemes(space))}")
    index = {name: k for k, name in enumerate(groups)}
    group_of = np.array([index.get(of(symbol), -1) for symbol in space.symbols], dtype=np.int64)
    return groups, group_of


def _word_kind(word: str) -> str:
    category = sentences.WORD_CLASS.get(word, "")
    return "noun" if category.startswith("NOUN") else "verb" if category.startswith("VERB") \
        else ""


def _animacy(word: str) -> str:
    category = sentences.WORD_CLASS.get(word, "")
    if category in sentences.ANIMATE:
        return "animate noun"
    if category in sentences.INANIMATE:
        return "inanimate noun"
    return "verb" if category.startswith("VERB") else ""


def _vowel_or_consonant(symbol: str) -> str:
    if len(symbol) != 1 or not symbol.isalpha():
        return ""
    return "vowel" if symbol in VOWEL_LETTERS else "consonant"
