"""The grammar task (Elman 1991): its sentences obey the grammar, and a trained network learns
number agreement across a relative clause (the agreement and argument measures)."""

import io
import json

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import grammar_measures
from elman_core.cli.runner import run
from elman_core.tasks import grammar
from elman_core.tasks.base import TaskError
from elman_core.training.session import TrainingSession

# --- the sentences obey the grammar: an independent recogniser --------------------------------


def _number(word):
    if word in grammar.PLURAL_NOUNS or word in grammar.PLURAL_VERBS:
        return "pl"
    return "sg"


def _noun_phrases(words, i):
    """End positions (and numbers) of every NP that can start at ``i``."""
    if i >= len(words) or words[i] not in grammar.NOUNS:
        return []
    ends = [(i + 1, _number(words[i]))]
    if words[i] not in grammar.PROPER_NOUNS:
        ends += [(end, _number(words[i])) for end in _relative_clauses(words, i + 1,
                                                                       _number(words[i]))]
    return ends


def _verb_phrases(words, i, number):
    if i >= len(words) or words[i] not in grammar.VERB_TYPE or _number(words[i]) != number:
        return []
    kind = grammar.VERB_TYPE[words[i]]
    ends = [i + 1] if kind != "transitive" else []
    if kind != "intransitive":
        ends += [end for end, _ in _noun_phrases(words, i + 1)]
    return ends


def _relative_clauses(words, i, head_number):
    if i >= len(words) or words[i] != grammar.WHO:
        return []
    ends = _verb_phrases(words, i + 1, head_number)  # who VP
    for end, number in _noun_phrases(words, i + 1):  # who NP V (the object is the gap)
        if (end < len(words) and grammar.VERB_TYPE.get(words[end]) in ("transitive", "optional")
                and _number(words[end]) == number):
            ends.append(end + 1)
    return ends


def is_sentence(words):
    return any(end == len(words) - 1 and words[end] == grammar.END
               for np_end, number in _noun_phrases(words, 0)
               for end in _verb_phrases(words, np_end, number))


def test_the_recogniser_rejects_broken_agreement_and_arguments():
    assert is_sentence("boys who Mary chases feed cats .".split())
    assert is_sentence("boy who boys chase chases boy .".split())
    assert not is_sentence("boys who Mary chases feeds cats .".split())  # main verb: number
    assert not is_sentence("boys who Mary chase feed cats .".split())  # clause verb: number
    assert not is_sentence("boy walks cat .".split())  # no object allowed
    assert not is_sentence("boy chases .".split())  # object required
    assert not is_sentence("boys who Mary walks feed cats .".split())  # the gap needs a verb
    # that takes an object


def test_every_drawn_sentence_is_grammatical_and_annotated():
    task = tasks.get("grammar")
    drawn = task.sentences(2000, seed=7)
    clause_counts = set()
    for sentence in drawn:
        words = [w.text for w in sentence]
        assert is_sentence(words), " ".join(words)
        main = [i for i, w in enumerate(sentence) if w.main_verb]
        assert len(main) == 1
        verb = sentence[main[0]]
        assert verb.clauses_before == words[:main[0]].count(grammar.WHO)
        assert _number(verb.text) == _number(words[0])  # agrees with the subject's head
        clause_counts.add(verb.clauses_before)
    assert clause_counts == {0, 1, 2}  # depth 2 by default: deeper never, all depths drawn
    assert max(sum(w.text == grammar.WHO for w in s) for s in drawn) >= 2


def test_probe_sentences_have_the_asked_clauses_and_complex_share_holds():
    task = tasks.get("grammar")
    probes = task.probe_sentences(50, seed=1)
    counts = [next(w.clauses_before for w in s if w.main_verb) for s in probes]
    assert sorted(set(counts)) == [0, 1, 2] and counts.count(1) == 50
    assert all(is_sentence([w.text for w in s]) for s in probes)
    staged = tasks.get("grammar", complex_share=0.25).sentences(2000, seed=3)
    share = np.mean([any(w.text == grammar.WHO for w in s) for s in staged])
    assert share == pytest.approx(0.25, abs=0.03)
    simple = tasks.get("grammar", complex_share=0.0).sentences(200, seed=3)
    assert not any(w.text == grammar.WHO for s in simple for w in s)


def test_bad_grammar_options_and_words_are_task_errors():
    with pytest.raises(TaskError, match="from 0 to 1"):
        tasks.get("grammar", complex_share=1.5)
    with pytest.raises(TaskError, match="depth"):
        tasks.get("grammar", max_depth=9)
    with pytest.raises(TaskError, match="'boyz'"):
        grammar.parse("boyz chase cats")
    assert [w.text for w in grammar.parse("boy chases boy.")] == ["boy", "chases", "boy", "."]


# --- the network learns agreement ---------------------------------------------------------------


def _trained(seed, **changes):
    task = tasks.get("grammar")
    session = TrainingSession(task, task.defaults.replace(seed=seed, **changes))
    session.train()
    return task, session.network


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_defaults_learn_agreement_across_one_relative_clause(seed):
    """The issue's figure: ≥ 0.9 across one clause with the task's defaults, on each of 3
    seeds (measured 0.99-1.0); an untrained network is at chance."""
    task, network = _trained(seed)
    sentences = grammar_measures.probes(task, seed)
    agreement = grammar_measures.agreement(network, sentences)
    assert agreement.count[1] == grammar_measures.PROBES_PER_GROUP
    assert agreement.accuracy[0] >= 0.95
    assert agreement.accuracy[1] >= 0.9
    arguments = grammar_measures.arguments(network, sentences, task.grammar.optional_object)
    assert arguments.correct["transitive"] >= 0.9 and arguments.correct["intransitive"] >= 0.9
    assert (arguments.object_share["intransitive"] < arguments.object_share["optional"]
            < arguments.object_share["transitive"])


def test_an_untrained_network_is_at_chance_on_agreement():
    task = tasks.get("grammar")
    network = TrainingSession(task, task.defaults).network
    agreement = grammar_measures.agreement(network, grammar_measures.probes(task, 42))
    assert all(0.3 <= a <= 0.7 for a in agreement.accuracy.values())


def test_runner_json_has_agreement_and_arguments(tmp_path):
    path = tmp_path / "grammar.json"
    out, err = io.StringIO(), io.StringIO()
    status = run(["--task", "grammar", "--length", "300", "--epochs", "1", "--json", str(path)],
                 stdout=out, stderr=err)
    assert status == 0, err.getvalue()
    document = json.loads(path.read_text())
    assert list(document["agreement"]) == ["no_clause_between", "across_one_relative_clause",
                                           "across_two_relative_clauses"]
    assert all(0.0 <= v <= 1.0 for v in document["agreement"].values())
    assert list(document["arguments"]) == ["transitive", "optional", "intransitive"]
    assert document["arguments"]["optional"]["grammar_share"] == 0.5
    assert "across one relative clause" in out.getvalue()
