"""Elman's (1991) two tests of what a network learned of a grammar, on frozen weights.

* **Agreement:** where the next word is the main verb, does the network expect the right
  number? The summed output on singular verbs against the summed output on plural verbs; the
  prediction is right when the subject's number has the larger sum. Grouped by how many relative
  clauses stand between the subject and its verb (0, 1, 2): across a clause the nearest noun is
  often of the other number ("boy who dogs chase *sees*"), so counting on it fails.
* **Arguments:** after a main-clause verb, does the network expect an object? The share of the
  output on nouns against the end of the sentence, ``nouns / (nouns + ".")``: near 1 after verbs
  that need an object, near 0 after those that take none, in between after optional ones (the
  grammar's own chance of an object there is given beside it).

A task offers these measures by having ``probe_sentences`` and a ``grammar``: nothing here is
keyed by a task's name.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from elman_core.analysis.hidden_states import frozen_pass
from elman_core.model.network import ElmanNetwork
from elman_core.tasks import grammar

PROBES_PER_GROUP = 300  # new sentences per number of clauses (0, 1, 2): ±0.02 on a figure
PROBE_SEED_OFFSET = 3000  # ... drawn with the training seed + this


@dataclass(frozen=True)
class Agreement:
    """Agreement accuracy per number of clauses between subject and main verb."""

    accuracy: dict[int, float]  # clauses → share of main verbs predicted in the right number
    count: dict[int, int]  # clauses → how many main verbs were tested


@dataclass(frozen=True)
class Arguments:
    """Per verb type (transitive, optional, intransitive): what follows a main verb."""

    object_share: dict[str, float]  # mean nouns / (nouns + end of sentence)
    correct: dict[str, float]  # transitive: share > 0.5; intransitive: share < 0.5
    grammar_share: dict[str, float]  # the grammar's own chance of an object
    count: dict[str, int]


SINGULAR = [grammar.INDEX[v] for v in grammar.SINGULAR_VERBS]
PLURAL = [grammar.INDEX[v] for v in grammar.PLURAL_VERBS]
NOUN_UNITS = [grammar.INDEX[n] for n in grammar.NOUNS]
END_UNIT = grammar.INDEX[grammar.END]


def _rows(sentences: list[list[grammar.Word]]):
    """The stream's words and, per prediction row, the word it predicts."""
    stream = [word for sentence in sentences for word in sentence]
    return stream[:-1], stream[1:]


def agreement(network: ElmanNetwork, sentences: list[list[grammar.Word]]) -> Agreement:
    """Agreement of the main verb with its subject, grouped by clauses between them."""
    outputs = frozen_pass(network, grammar.sequence_of(sentences)).outputs
    _, predicted = _rows(sentences)
    right: dict[int, list[bool]] = {}
    for row, word in enumerate(predicted):
        if not word.main_verb:
            continue
        singular_sum = outputs[row, SINGULAR].sum()
        plural_sum = outputs[row, PLURAL].sum()
        is_singular = word.text in grammar.SINGULAR_VERBS
        right.setdefault(word.clauses_before, []).append(
            bool(singular_sum > plural_sum) == is_singular)
    keys = sorted(right)
    return Agreement({k: float(np.mean(right[k])) for k in keys},
                     {k: len(right[k]) for k in keys})


def arguments(network: ElmanNetwork, sentences: list[list[grammar.Word]],
              optional_object: float) -> Arguments:
    """What the network expects after each main-clause verb, per verb type."""
    outputs = frozen_pass(network, grammar.sequence_of(sentences)).outputs
    shown, _ = _rows(sentences)
    shares: dict[str, list[float]] = {kind: [] for kind in grammar.VERB_TYPES}
    for row, word in enumerate(shown):
        if word.main_verb:
            nouns = outputs[row, NOUN_UNITS].sum()
            shares[grammar.VERB_TYPE[word.text]].append(nouns / (nouns + outputs[row, END_UNIT]))
    mean = {kind: float(np.mean(s)) if s else float("nan") for kind, s in shares.items()}
    correct = {"transitive": float(np.mean(np.array(shares["transitive"]) > 0.5)),
               "intransitive": float(np.mean(np.array(shares["intransitive"]) < 0.5))}
    return Arguments(mean, correct,
                     {"transitive": 1.0, "optional": optional_object, "intransitive": 0.0},
                     {kind: len(s) for kind, s in shares.items()})


def probes(task: grammar.GrammarTask, seed: int) -> list[list[grammar.Word]]:
    """The test sentences both measures use: new ones, 0, 1 and 2 clauses in the subject."""
    return task.probe_sentences(PROBES_PER_GROUP, seed + PROBE_SEED_OFFSET)


def report(network: ElmanNetwork, task: grammar.GrammarTask, seed: int) -> tuple[dict, list[str]]:
    """``main.py train``'s JSON fields ``agreement`` and ``arguments`` and its console lines."""
    sentences = probes(task, seed)
    agree = agreement(network, sentences)
    args = arguments(network, sentences, task.grammar.optional_object)
    names = {0: "no clause between", 1: "across one relative clause",
             2: "across two relative clauses"}
    fields = {
        "agreement": {names[k].replace(" ", "_"): agree.accuracy[k] for k in agree.accuracy},
        "arguments": {kind: {"object_share": args.object_share[kind],
                             "grammar_share": args.grammar_share[kind],
                             **({"correct": args.correct[kind]} if kind in args.correct else {})}
                      for kind in grammar.VERB_TYPES},
    }
    lines = ["", "Number agreement of the main verb (frozen weights, new sentences; summed "
             "output on singular vs plural verbs):"]
    lines += [f"  {names[k] + ':':30s} {agree.accuracy[k]:.3f} ({agree.count[k]} verbs)"
              for k in agree.accuracy]
    lines += ["Objects expected after a main verb (nouns / (nouns + end of sentence)):"]
    for kind in grammar.VERB_TYPES:
        extra = f", {args.correct[kind]:.3f} right" if kind in args.correct else ""
        lines.append(f"  {kind + ':':14s} {args.object_share[kind]:.3f} (grammar "
                     f"{args.grammar_share[kind]:.2f}{extra}; {args.count[kind]} verbs)")
    return fields, lines
