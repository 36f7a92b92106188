"""Discovering word boundaries (Elman 1990, experiment 3, Fig. 6).

Sentences made from a 15-word lexicon run together letter by letter, without spaces and without
breaks between sentences ("manyyearsagoaboyandgirllivedbythesea…"). Each letter is a 5-bit code,
its position in the alphabet in binary (a = 00001 … y = 11001), and the network predicts the
next letter. The error is high at the first letter of a word and falls inside it: the error signal
marks the word boundaries. The sequence length of this task counts *sentences*.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import (
    Analyses,
    Sequence,
    Task,
    TaskDefaults,
    check_length,
    make_rng,
    prediction_sequence,
)

# The paper's lexicon is not printed; its fragment "manyyearsagoaboyandgirllivedbythesea
# theyplayedhappily" gives 14 words, and "dog" makes the 15th.
LEXICON = ("many", "years", "ago", "a", "the", "boy", "girl", "dog", "and", "they", "lived",
           "played", "by", "sea", "happily")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"
BITS = 5
CATEGORY_NAMES = ("word onset", "inside a word")  # by the *target* letter
ONSET, INSIDE = 0, 1
MIN_WORDS, MAX_WORDS = 4, 9

# The test stream is new sentences from the same grammar.
EVALUATION_SEED_OFFSET = 1000


def letter_code(letter: str) -> np.ndarray:
    """The letter's position in the alphabet (a = 1) as 5 bits, most significant first."""
    position = ALPHABET.index(letter) + 1
    return np.array([(position >> (BITS - 1 - b)) & 1 for b in range(BITS)], dtype=np.float64)


CODES = np.array([letter_code(c) for c in ALPHABET])  # (26, 5)
LEXICON_LETTERS = "".join(sorted(set("".join(LEXICON))))  # the letters that occur


def _noun_phrase(rng: np.random.RandomState) -> list[str]:
    """a/the boy/girl/dog, sometimes "and" another noun; or "they"."""
    if rng.random_sample() < 0.2:
        return ["they"]
    words = [("a", "the")[rng.randint(2)], ("boy", "girl", "dog")[rng.randint(3)]]
    if rng.random_sample() < 0.35:
        words += ["and", ("boy", "girl", "dog")[rng.randint(3)]]
    return words


def _sentence(rng: np.random.RandomState) -> list[str]:
    """One sentence of the little grammar (any length; the caller keeps 4 to 9 words)."""
    words = ["many", "years", "ago"] if rng.random_sample() < 0.45 else []
    words += _noun_phrase(rng)
    if rng.random_sample() < 0.5:
        words.append("lived")
        if rng.random_sample() < 0.6:
            words += ["happily"] if rng.random_sample() < 0.3 else ["by", "the", "sea"]
    else:
        words.append("played")
        if rng.random_sample() < 0.5:
            words.append("happily")
        if rng.random_sample() < 0.5:
            words += ["by", "the", "sea"]
    return words


def sentences(n_sentences: int, seed: int) -> list[list[str]]:
    """``n_sentences`` random sentences of 4 to 9 words (shorter or longer ones are redrawn)."""
    rng = make_rng(seed)
    result = []
    while len(result) < n_sentences:
        sentence = _sentence(rng)
        if MIN_WORDS <= len(sentence) <= MAX_WORDS:
            result.append(sentence)
    return result


def letter_stream(sentence_list: list[list[str]]) -> tuple[str, np.ndarray]:
    """All letters run together, and per letter whether it starts a word."""
    letters, onsets = [], []
    for sentence in sentence_list:
        for word in sentence:
            letters.append(word)
            onsets += [True] + [False] * (len(word) - 1)
    return "".join(letters), np.array(onsets, dtype=bool)


@dataclass(frozen=True)
class WordsTask(Task):
    def make_sequence(self, length: int, seed: int) -> Sequence:
        n_sentences = check_length(length, 1, "sentences")
        letters, onsets = letter_stream(sentences(n_sentences, seed))
        codes = np.array([ALPHABET.index(c) for c in letters])
        # Row t predicts letter t+1: its category says whether that letter starts a word.
        categories = np.where(onsets[1:], ONSET, INSIDE)
        return prediction_sequence(CODES[codes], list(letters), categories)

    def evaluation_sequence(self, length: int, seed: int) -> Sequence:
        return self.make_sequence(length, seed + EVALUATION_SEED_OFFSET)

    def decode(self, output: np.ndarray) -> str:
        """The lexicon's letter whose code is nearest to the output."""
        candidates = CODES[[ALPHABET.index(c) for c in LEXICON_LETTERS]]
        distances = np.linalg.norm(candidates - np.asarray(output, dtype=np.float64), axis=1)
        return LEXICON_LETTERS[int(np.argmin(distances))]

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return self.decode(output) == self.decode(target)


def onset_steps(sequence: Sequence) -> np.ndarray:
    """(T,) bool: the target letter of step t is the first letter of a word."""
    return np.asarray(sequence.categories) == ONSET


def make_task(n_sentences: int = 200) -> WordsTask:
    """``n_sentences`` sets the default sequence length (the paper: 200)."""
    n_sentences = check_length(n_sentences, 1, "sentences")
    return WordsTask(
        name="words",
        title="Word boundaries",
        description=(
            "Sentences from a 15-word lexicon (many years ago a the boy girl dog and they lived "
            "played by sea happily) arrive one letter at a time with no spaces and no breaks "
            "between sentences, each letter as 5 bits (its place in the alphabet in binary), "
            "and the network predicts the next letter. Watch the two error bars: the error at "
            "the first letter of a word stays high, because many words can come next, while the "
            "error inside a word falls, so the error itself marks where words begin. "
            "This reproduces experiment 3 of Elman (1990), Fig. 6: 200 sentences of 4 to 9 words "
            "(about 1,300 words and 4,800 letters), a 5-20-5 network, context starting at 0.5, "
            "10 passes through one continuous stream, as the paper's: the context is not reset "
            "between passes. The paper prints neither its lexicon nor its grammar, so both are "
            "this project's own: the 14 words of the paper's fragment "
            "\"manyyearsagoaboyandgirllivedbythesea theyplayedhappily\" plus \"dog\", and a small "
            "grammar made to produce sentences like it (an optional \"many years ago\", a noun "
            "phrase such as \"a boy\", \"the girl and a dog\" or \"they\", then \"lived\" or "
            "\"played\" with an optional \"happily\" or \"by the sea\"; sentences of other "
            "lengths than 4 to 9 words are drawn again). The paper gives no learning rate: 0.5 "
            "(weights drawn at scale 0.1) makes the word-onset error about four times the "
            "within-word one (at 0.1 it is only about 1.7 times), and the test stream is new "
            "sentences drawn with seed + 1000."
        ),
        source="Elman (1990), experiment 3 (Fig. 6)",
        opening_speed=1_000,  # 10 epochs of about 4,800 steps in about 50 s: Fig. 6 forms
        n_input=BITS,
        n_output=BITS,
        input_labels=tuple(f"bit {b + 1}" for b in range(BITS)),
        output_labels=tuple(f"bit {b + 1}" for b in range(BITS)),
        category_names=CATEGORY_NAMES,
        category_axis="letter to predict",
        analyses=Analyses(figure="word-onsets", paper_extras="word-boundaries",
                          word_clusters="word-ends"),
        defaults=TaskDefaults(  # the rest as RunSettings: seed 42, online, sigmoid units
            n_hidden=20,
            learning_rate=0.5,
            epochs=10,
            sequence_length=n_sentences,
            context_init=0.5,
            # The paper's stream is continuous: the context carries over from the end of a
            # pass to the start of the next (its end and start are two sentence boundaries).
            reset_context_each_epoch=False,
        ),
        extra={"lexicon": LEXICON, "onset_category": ONSET, "inside_category": INSIDE},
    )
