"""Next-character prediction on a text the student types or pastes."""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import (
    Sequence,
    Task,
    TaskDefaults,
    TaskError,
    check_length,
    largest_of,
    one_hot,
    prediction_sequence,
)

MAX_TEXT_CHARS = 20_000  # one epoch is one step per character; more would make epochs slow
MAX_ALPHABET = 64  # one input and one output unit per distinct character
MAX_CATEGORIES = 16  # error bars: more than this would be unreadable, the rest go to "other"
OTHER = "other"

# How characters that are invisible on screen are shown as unit labels.
VISIBLE = {" ": "␣", "\n": "⏎", "\t": "⇥"}

SAMPLE_TEXT = (
    "the net reads one letter at a time and tries to guess the next one. "
    "at first every guess is poor. after a few passes it finds that a space comes after "
    "most words, that t is often followed by h, and that the same small words come back "
    "again and again."
)


def label(char: str) -> str:
    """The character as a student can see it on a unit or a bar."""
    return VISIBLE.get(char, char)


def _line_and_column(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def validate_text(text: object) -> str:
    """The text with line endings made uniform, or a TaskError that says what to fix."""
    if not isinstance(text, str):
        raise TaskError(f"The text must be a string of characters, not {type(text).__name__}.")
    # Text pasted from Windows or old Mac files ends lines with \r\n or \r: treat both as \n.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise TaskError("The text is empty: type or paste a few sentences for the network to read.")
    if len(text) > MAX_TEXT_CHARS:
        raise TaskError(
            f"The text has {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} so that an "
            "epoch stays short. Use a shorter passage."
        )
    for index, char in enumerate(text):
        if char not in "\n\t" and unicodedata.category(char).startswith("C"):
            line, column = _line_and_column(text, index)
            raise TaskError(
                f"The text contains an invisible control character (U+{ord(char):04X}) at "
                f"character {index + 1} (line {line}, column {column}). Only newlines and tabs "
                "are allowed; delete that character and try again."
            )
    alphabet = sorted(set(text))
    if len(alphabet) < 2:
        raise TaskError(
            f"The text uses only one character ({label(alphabet[0])!r}), so there is nothing to "
            "predict: the next character is always the same. Use a text with at least two "
            "different characters."
        )
    if len(alphabet) > MAX_ALPHABET:
        raise TaskError(
            f"The text uses {len(alphabet)} different characters; the limit is {MAX_ALPHABET} "
            "(one input unit per character). Try lower-case only, or remove digits and rare "
            "symbols."
        )
    return text


def _categories(text: str, alphabet: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """Category names and, per alphabet symbol, its category index.

    One category per character that occurs as a target (every character but the first), in
    alphabet order. If there are more than MAX_CATEGORIES, the most frequent targets keep their
    own bar (ties broken by alphabet order) and every other character shares an "other" bar.
    """
    counts = Counter(text[1:])
    by_frequency = sorted(counts, key=lambda c: (-counts[c], c))
    capped = len(by_frequency) > MAX_CATEGORIES
    kept = sorted(by_frequency[:MAX_CATEGORIES] if capped else by_frequency)
    names = tuple(label(c) for c in kept) + ((OTHER,) if capped else ())
    # A character that is never a target (only possible for the first one) maps to "other" if
    # there is one, else to category 0; it never appears as a target, so the choice is harmless.
    fallback = len(kept) if capped else 0
    index = {c: k for k, c in enumerate(kept)}
    return names, tuple(index.get(c, fallback) for c in alphabet)


@dataclass(frozen=True)
class TextTask(Task):
    text: str = ""
    alphabet: tuple[str, ...] = ()
    symbol_category: tuple[int, ...] = ()  # category index per alphabet symbol

    def make_sequence(self, length: int, seed: int) -> Sequence:
        # The text itself has no randomness. A length shorter than the text uses its beginning,
        # a longer one the whole text. Symbols are shown as labels (a space as "␣").
        length = check_length(length, 2, "characters")
        chars = self.text[:length]
        codes = np.array([self.alphabet.index(c) for c in chars])
        categories = np.array(self.symbol_category)[codes[1:]]
        symbols = [label(c) for c in chars]
        return prediction_sequence(one_hot(codes, len(self.alphabet)), symbols, categories)

    def describe(self, sequence: Sequence) -> str:
        """About this run: the characters actually read (the sequence length may cut the text)."""
        read = self.text[:len(sequence) + 1]
        return describe_text(len(read), len(set(read)))

    def decode(self, output: np.ndarray) -> str:
        return label(self.alphabet[int(np.argmax(output))])

    def decode_many(self, outputs: np.ndarray) -> tuple[str, ...]:
        return largest_of(tuple(map(label, self.alphabet)), outputs)

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return int(np.argmax(output)) == int(np.argmax(target))


def describe_text(n_chars: int, n_distinct: int) -> str:
    """The task's About text for a text of ``n_chars`` characters, ``n_distinct`` different."""
    return (
        f"The network reads your text ({n_chars:,} characters, {n_distinct} different "
        "ones) one character at a time, each character with its own input unit, and predicts "
        "the next character; the predicted character is the output unit with the highest "
        "activation. Watch which error bars fall first: characters that almost always follow "
        "the same thing (a space after a full stop, u after q) become predictable, while the "
        "first letter of a word stays hard. Like Elman's (1990) letter and word experiments, "
        "the output units are independent sigmoids trained after every character (not a "
        "softmax), so their activations need not add up to 1. Limits: at most "
        f"{MAX_TEXT_CHARS:,} characters and {MAX_ALPHABET} different ones, no control "
        "characters except newline and tab, and the error bars show the "
        f'{MAX_CATEGORIES} most frequent characters with the rest grouped as "other".'
    )


def make_task(text: str | None = None) -> TextTask:
    """The task for ``text`` (the built-in sample if None); a TaskError explains a bad text."""
    text = validate_text(SAMPLE_TEXT if text is None else text)
    alphabet = tuple(sorted(set(text)))
    category_names, symbol_category = _categories(text, alphabet)
    labels = tuple(label(c) for c in alphabet)
    return TextTask(
        name="text",
        title="Your own text",
        description=describe_text(len(text), len(alphabet)),
        source="Elman (1990), experiments 3 and 4 (the idea: prediction error marks structure)",
        n_input=len(alphabet),
        n_output=len(alphabet),
        input_labels=labels,
        output_labels=labels,
        category_names=category_names,
        category_axis="character to predict",
        length_unit="characters",  # what the sequence length counts
        opening_speed=1_000,  # about 4 epochs a second: the predictions can be read
        defaults=TaskDefaults(
            n_hidden=20,
            # Higher than the paper's tasks: with one output unit per character each unit sees
            # few targets, and at 0.1 for 50 epochs the sample text's loss barely moves (25% of
            # next characters right; 66% at 0.5 for 200 epochs: tests/test_tasks.py).
            learning_rate=0.5,
            epochs=200,
            sequence_length=len(text),
            seed=42,
            context_init=0.0,
            rule="online",
            hidden_activation="sigmoid",
            output_activation="sigmoid",
            weight_scale=0.1,
        ),
        extra={"alphabet": alphabet},
        text=text,
        alphabet=alphabet,
        symbol_category=symbol_category,
    )
