"""Number agreement across relative clauses (Elman 1991, "Distributed representations, simple
recurrent networks, and grammatical structure").

Sentences of a small phrase-structure grammar arrive word by word, one input unit per word, and
the network predicts the next word::

    S  → NP VP "."          NP → PropN | N | N RC          VP → V (NP)
    RC → who VP             (subject relative: "boy who chases dogs")
       | who NP V           (object relative, the object is the gap: "boys who Mary chases")

Verbs agree in number with their subject, also across any clause between them; "chase" and
"feed" need an object, "see" and "hear" may take one, "walk" and "live" take none. Each sentence
is a list of :class:`Word` s that say what a word is *in its sentence* (a main-clause verb, the
clauses between it and its subject), which is what the agreement and argument measures of
:mod:`elman_core.analysis.grammar_measures` read. The sequence length counts *sentences*.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from elman_core.tasks.base import (
    Analyses,
    Sequence,
    Task,
    TaskDefaults,
    TaskError,
    check_length,
    largest_of,
    make_rng,
    one_hot,
)

SINGULAR_NOUNS = ("boy", "girl", "cat", "dog")
PLURAL_NOUNS = ("boys", "girls", "cats", "dogs")
PROPER_NOUNS = ("John", "Mary")
# (singular, plural) per verb, grouped by what the verb needs after it.
TRANSITIVE = (("chases", "chase"), ("feeds", "feed"))  # an object is required
OPTIONAL = (("sees", "see"), ("hears", "hear"))  # an object is allowed
INTRANSITIVE = (("walks", "walk"), ("lives", "live"))  # no object
VERB_TYPES = {"transitive": TRANSITIVE, "optional": OPTIONAL, "intransitive": INTRANSITIVE}
WHO, END = "who", "."
SPARE = ("(spare 1)", "(spare 2)")

NOUNS = (*SINGULAR_NOUNS, *PLURAL_NOUNS, *PROPER_NOUNS)
SINGULAR_VERBS = tuple(v[0] for group in VERB_TYPES.values() for v in group)
PLURAL_VERBS = tuple(v[1] for group in VERB_TYPES.values() for v in group)
LEXICON = (*NOUNS, *SINGULAR_VERBS, *PLURAL_VERBS, WHO, END)  # 24 words
UNITS = (*LEXICON, *SPARE)  # 26 units, as in the paper (it had 3 spare for 23 words)
N_UNITS = len(UNITS)
INDEX = {word: i for i, word in enumerate(UNITS)}
VERB_TYPE = {verb: kind for kind, group in VERB_TYPES.items() for pair in group for verb in pair}

# The error bars group each step by the word to predict.
CATEGORY_NAMES = ("noun", "main verb", "verb in a clause", "who", "end of sentence")
NOUN, MAIN_VERB, CLAUSE_VERB, WHO_CATEGORY, END_CATEGORY = range(5)

EVALUATION_SEED_OFFSET = 1000  # the test sentences are a new draw from the same grammar


@dataclass(frozen=True)
class Word:
    """One word of a sentence and its place in the sentence's structure."""

    text: str
    main_verb: bool = False  # the verb of the main clause
    clauses_before: int = 0  # main verb: relative clauses between it and its subject


@dataclass(frozen=True)
class Grammar:
    """How sentences are drawn: the chances of each choice and the deepest embedding.

    ``relative_clause`` is the chance that a common noun takes a relative clause (never beyond
    ``max_depth`` clauses inside one another); ``complex_share``, if given, is instead the share
    of sentences that have at least one relative clause (Elman's staged corpora), the others
    having none.
    """

    relative_clause: float = 0.3
    max_depth: int = 2
    proper_noun: float = 0.15
    plural: float = 0.5
    object_relative: float = 0.5  # the chance a relative clause is "who NP V" (else "who VP")
    optional_object: float = 0.5  # the chance an optional verb takes its object
    complex_share: float | None = None

    def __post_init__(self) -> None:
        for name in ("relative_clause", "proper_noun", "plural", "object_relative",
                     "optional_object"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise TaskError(f"The grammar's {name.replace('_', ' ')} chance must be from "
                                f"0 to 1 (got {value!r}).")
        if self.complex_share is not None and not 0.0 <= self.complex_share <= 1.0:
            raise TaskError(f"The share of complex sentences must be from 0 to 1 "
                            f"(got {self.complex_share!r}).")
        if isinstance(self.max_depth, bool) or not isinstance(self.max_depth, int) \
                or not 0 <= self.max_depth <= 4:
            raise TaskError(f"The embedding depth must be a whole number from 0 to 4 "
                            f"(got {self.max_depth!r}).")

    # ----------------------------------------------------------------- drawing sentences
    def sentence(self, rng: np.random.RandomState, clauses: int | None = None,
                 complex_: bool | None = None) -> list[Word]:
        """One sentence. With ``clauses``, one whose subject has exactly that many relative
        clauses; with ``complex_``, one with (True) or without (False) any relative clause."""
        while True:  # redraw until the sentence is of the kind asked for
            words = self._draw(rng, clauses_allowed=complex_ is not False,
                               common_subject=bool(clauses))
            subject_clauses = next(w.clauses_before for w in words if w.main_verb)
            has_clause = any(w.text == WHO for w in words)
            if clauses is not None and subject_clauses != clauses:
                continue
            if complex_ is not None and has_clause != complex_:
                continue
            return words

    def sentences(self, n_sentences: int, seed: int) -> list[list[Word]]:
        """``n_sentences`` sentences; with ``complex_share`` that share has a relative clause."""
        rng = make_rng(seed)
        if self.complex_share is None:
            return [self.sentence(rng) for _ in range(n_sentences)]
        return [self.sentence(rng, complex_=bool(rng.random_sample() < self.complex_share))
                for _ in range(n_sentences)]

    def _draw(self, rng, clauses_allowed: bool, common_subject: bool) -> list[Word]:
        depth_limit = self.max_depth if clauses_allowed else 0
        subject, number = self._noun_phrase(rng, 0, depth_limit, common=common_subject)
        n_clauses = sum(w.text == WHO for w in subject)
        verb, obj = self._verb_phrase(rng, 0, depth_limit, number)
        return [*subject, Word(verb, main_verb=True, clauses_before=n_clauses), *obj, Word(END)]

    def _noun_phrase(self, rng, depth: int, limit: int, common: bool = False):
        """(words, "sg" or "pl"); ``common`` rules out a proper noun."""
        if not common and rng.random_sample() < self.proper_noun:
            return [Word(PROPER_NOUNS[rng.randint(len(PROPER_NOUNS))])], "sg"
        number = "pl" if rng.random_sample() < self.plural else "sg"
        nouns = PLURAL_NOUNS if number == "pl" else SINGULAR_NOUNS
        words = [Word(nouns[rng.randint(len(nouns))])]
        if depth < limit and rng.random_sample() < self.relative_clause:
            words += self._relative_clause(rng, depth + 1, limit, number)
        return words, number

    def _relative_clause(self, rng, depth: int, limit: int, head_number: str) -> list[Word]:
        if rng.random_sample() < self.object_relative:
            # "who NP V": the verb agrees with the clause's own subject; its object is the head.
            subject, number = self._noun_phrase(rng, depth, limit)
            kind = (TRANSITIVE, OPTIONAL)[rng.randint(2)]
            return [Word(WHO), *subject, Word(_verb(rng, kind, number))]
        verb, obj = self._verb_phrase(rng, depth, limit, head_number)  # "who VP": the head's
        return [Word(WHO), Word(verb), *obj]

    def _verb_phrase(self, rng, depth: int, limit: int, number: str) -> tuple[str, list[Word]]:
        kind = (TRANSITIVE, OPTIONAL, INTRANSITIVE)[rng.randint(3)]
        verb = _verb(rng, kind, number)
        takes_object = kind is TRANSITIVE or (kind is OPTIONAL
                                              and rng.random_sample() < self.optional_object)
        obj = self._noun_phrase(rng, depth, limit)[0] if takes_object else []
        return verb, obj


def _verb(rng, kind, number: str) -> str:
    pair = kind[rng.randint(len(kind))]
    return pair[0] if number == "sg" else pair[1]


def parse(text: str) -> list[Word]:
    """A typed sentence ("boy who boys chase chases boy") as words; a TaskError names any word
    outside the lexicon. The main verb is not marked (typed sentences are traced, not scored)."""
    words = text.replace(".", " . ").split()
    unknown = [w for w in words if w not in LEXICON]
    if unknown:
        raise TaskError(f"Not in the grammar's lexicon: {', '.join(map(repr, unknown))}. "
                        f"Words: {' '.join(LEXICON)}")
    if not words:
        raise TaskError("The sentence is empty.")
    return [Word(w) for w in words]


def category(word: Word) -> int:
    """The error-bar group of a word to predict."""
    if word.text == END:
        return END_CATEGORY
    if word.text == WHO:
        return WHO_CATEGORY
    if word.text in VERB_TYPE:
        return MAIN_VERB if word.main_verb else CLAUSE_VERB
    return NOUN


def sequence_of(sentence_list: list[list[Word]]) -> Sequence:
    """The prediction rows of the sentences run together (no breaks, no context resets)."""
    stream = [word for sentence in sentence_list for word in sentence]
    if len(stream) < 2:
        raise TaskError("The grammar needs at least two words to predict one.")
    vectors = one_hot(np.array([INDEX[w.text] for w in stream]), N_UNITS)
    n_rows = len(stream) - 1
    resets = np.zeros(n_rows, dtype=bool)
    resets[0] = True
    return Sequence(
        inputs=vectors[:-1].copy(), targets=vectors[1:].copy(), mask=np.ones(n_rows, dtype=bool),
        resets=resets, input_symbols=tuple(w.text for w in stream[:-1]),
        target_symbols=tuple(w.text for w in stream[1:]),
        categories=np.array([category(w) for w in stream[1:]], dtype=np.int64),
    )


@dataclass(frozen=True)
class GrammarTask(Task):
    """The grammar task; :attr:`grammar` draws its sentences."""

    grammar: Grammar = Grammar()
    # What the hidden space's trajectory mode offers to trace: sentences separated by ";" are
    # overlaid (number; argument type; a right-branching against a centre-embedded clause).
    example_sentences: tuple[str, ...] = (
        "boy chases boy; boys chase boy",
        "boy chases boy; boy sees boy; boy walks",
        "boy who boys chase chases boy",
        "boy chases boy who chases boy; boy who boy chases chases boy",
        "boys who Mary chases feed cats",
    )

    def sentences(self, length: int, seed: int) -> list[list[Word]]:
        """The sentences behind ``make_sequence(length, seed)`` (for the analyses)."""
        return self.grammar.sentences(check_length(length, 1, "sentences"), seed)

    def make_sequence(self, length: int, seed: int) -> Sequence:
        return sequence_of(self.sentences(length, seed))

    def evaluation_sequence(self, length: int, seed: int) -> Sequence:
        return self.make_sequence(length, seed + EVALUATION_SEED_OFFSET)

    def probe_sentences(self, per_group: int, seed: int, groups=(0, 1, 2)) -> list[list[Word]]:
        """New sentences whose subjects have exactly 0, 1, 2… relative clauses, ``per_group``
        of each, shuffled together (the agreement measure's test set)."""
        rng = make_rng(seed)
        grammar = dataclasses.replace(self.grammar, max_depth=max(self.grammar.max_depth,
                                                                  *groups))
        drawn = [grammar.sentence(rng, clauses=k) for k in groups for _ in range(per_group)]
        return [drawn[i] for i in rng.permutation(len(drawn))]

    def parse(self, text: str) -> tuple[tuple[str, ...], np.ndarray]:
        """A typed sentence as (words, input rows); a TaskError names words not in the lexicon."""
        words = tuple(w.text for w in parse(text))
        return words, one_hot(np.array([INDEX[w] for w in words]), N_UNITS)

    def sentence_start(self) -> np.ndarray:
        """The input row a sentence follows in training (the end of the one before)."""
        return one_hot(np.array([INDEX[END]]), N_UNITS)

    def trajectory_corpus(self, n_sentences: int, seed: int) -> Sequence:
        """New sentences whose hidden states give the trajectories' principal components."""
        return sequence_of(self.sentences(n_sentences, seed))

    def decode(self, output: np.ndarray) -> str:
        return UNITS[int(np.argmax(output))]

    def decode_many(self, outputs: np.ndarray) -> tuple[str, ...]:
        return largest_of(UNITS, outputs)

    def is_correct(self, output: np.ndarray, target: np.ndarray) -> bool:
        return int(np.argmax(output)) == int(np.argmax(target))


# Elman's 70 hidden units, a corpus of 10,000 sentences and 5 passes over it; his one-step rule.
# Softmax outputs with cross-entropy: over 3 seeds they reach 0.99-1.0 agreement across one
# clause, where sigmoid outputs with squared error (same rate and passes) reach only 0.57-0.66.
DEFAULTS = TaskDefaults(n_hidden=70, learning_rate=0.1, epochs=5, sequence_length=10_000,
                        output_activation="softmax", weight_scale=0.1)

DESCRIPTION = (
    "Sentences of a small grammar with relative clauses, such as \"boys who Mary chases feed "
    "cats\" or \"dog who chases cats walks\", arrive one word at a time (one input unit per "
    "word, no breaks between sentences), and the network predicts the next word. A verb agrees "
    "in number with its subject even when a relative clause stands between them, so to predict "
    "\"feed\" rather than \"feeds\" the network must remember \"boys\" across \"who Mary "
    "chases\"; and \"chase\" needs an object, \"see\" may take one, \"walk\" takes none. "
    "The report gives both: agreement of the main verb with no clause between, across one and "
    "across two clauses, and the share of the output on nouns after each kind of verb. "
    "This follows Elman (1991): 24 words (boy girl cat dog and their plurals, John, Mary, "
    "chase feed see hear walk live in both numbers, who, and the end of sentence) on 26 units, "
    "10,000 sentences, 5 passes, Elman's one-step rule. Choices where the paper differs or is "
    "silent: a single hidden layer of 70 units (the paper put 10-unit encoding and decoding "
    "layers around it); softmax outputs trained on cross-entropy (sigmoid outputs with squared "
    "error learn agreement across a clause far more slowly); a common noun takes a relative "
    "clause with chance 0.3, clauses nest at most 2 deep, half of them are object relatives "
    "(\"who NP V\"). Elman (1993) found the network learned only when it started small, "
    "with simple sentences first or a short memory; Rohde & Plaut (1999, Cognition 72:67-109) "
    "found starting small unnecessary, and with this grammar the plain regime learns agreement "
    "across one clause too: try the task's complex-sentence share and compare."
)


def make_task(n_sentences: int = 10_000, relative_clause: float = 0.3, max_depth: int = 2,
              complex_share: float | None = None) -> GrammarTask:
    """``n_sentences`` sets the default sequence length (the paper: corpora of 10,000);
    ``relative_clause`` the chance a common noun takes a clause, ``max_depth`` how deep clauses
    nest, ``complex_share`` (if given) the share of sentences with a clause."""
    n_sentences = check_length(n_sentences, 1, "sentences")
    grammar = Grammar(relative_clause=relative_clause, max_depth=max_depth,
                      complex_share=complex_share)
    return GrammarTask(
        name="grammar",
        title="Agreement across clauses",
        description=DESCRIPTION,
        source="Elman (1991); Elman (1993); Rohde & Plaut (1999)",
        n_input=N_UNITS,
        n_output=N_UNITS,
        input_labels=UNITS,
        output_labels=UNITS,
        category_names=CATEGORY_NAMES,
        defaults=DEFAULTS.replace(sequence_length=n_sentences),
        length_unit="sentences",
        category_axis="kind of word to predict",
        analyses=Analyses(paper_extras="grammar-agreement"),
        extra={"lexicon": LEXICON},
        grammar=grammar,
    )
