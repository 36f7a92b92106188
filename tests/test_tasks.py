"""The task package: sequences, categories, decoding, validation, registry and presets."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from elman_core import tasks
from elman_core.tasks import TaskDefaults, TaskError
from elman_core.tasks.letters import FEATURES


def default_sequence(task):
    return task.make_sequence(task.defaults.sequence_length, task.defaults.seed)


def seeds000_xor_bits(length, seed):
    """The XOR stream made the way seeds/000 does: global seed, then two randint calls a group."""
    saved = np.random.get_state()  # noqa: NPY002
    try:
        np.random.seed(seed)  # noqa: NPY002 - reproducing the legacy global-state generator
        bits = []
        for _ in range(length // 3):
            b1 = np.random.randint(0, 2)  # noqa: NPY002
            b2 = np.random.randint(0, 2)  # noqa: NPY002
            bits += [b1, b2, b1 ^ b2]
        return bits
    finally:
        np.random.set_state(saved)  # noqa: NPY002


# --- every task ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", tasks.names())
def test_sequence_shapes_and_flags(name):
    task = tasks.get(name)
    seq = default_sequence(task)
    n = len(seq)
    assert n > 0
    assert seq.inputs.shape == (n, task.n_input) and seq.inputs.dtype == np.float64
    assert seq.targets.shape == (n, task.n_output) and seq.targets.dtype == np.float64
    assert seq.mask.dtype == bool and seq.resets.dtype == bool
    assert seq.categories.dtype == np.int64
    assert seq.resets[0]
    assert 0 <= seq.categories.min() and seq.categories.max() < len(task.category_names)
    assert len(task.input_labels) == task.n_input
    assert len(task.output_labels) == task.n_output
    # Each target row decodes to the symbol the student is told to expect.
    for t in np.flatnonzero(seq.mask)[:50]:
        assert task.is_correct(seq.targets[t], seq.targets[t])
    assert all(seq.target_symbols[t] == "" for t in np.flatnonzero(~seq.mask))


@pytest.mark.parametrize("name", tasks.names())
def test_sequences_are_deterministic(name):
    task = tasks.get(name)
    a, b = default_sequence(task), default_sequence(task)
    for field in ("inputs", "targets", "mask", "resets", "categories"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.input_symbols == b.input_symbols and a.target_symbols == b.target_symbols
    c = task.evaluation_sequence(task.defaults.sequence_length, task.defaults.seed)
    d = task.evaluation_sequence(task.defaults.sequence_length, task.defaults.seed)
    np.testing.assert_array_equal(c.inputs, d.inputs)


@pytest.mark.parametrize("name", tasks.names())
def test_description_is_student_text(name):
    task = tasks.get(name)
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", task.description.strip())
    assert 3 <= len(sentences) <= 6, task.description
    assert task.source and task.title
    assert isinstance(task.defaults, TaskDefaults)


@pytest.mark.parametrize("name", tasks.names())
def test_sequences_are_read_only(name):
    seq = default_sequence(tasks.get(name))
    with pytest.raises(ValueError):
        seq.inputs[0, 0] = 5.0


def test_bad_length_and_seed_are_task_errors():
    task = tasks.get("xor")
    with pytest.raises(TaskError, match="at least 3"):
        task.make_sequence(2, 42)
    with pytest.raises(TaskError, match="whole number"):
        task.make_sequence(30.5, 42)
    with pytest.raises(TaskError, match="seed"):
        task.make_sequence(30, -1)


# --- xor ---------------------------------------------------------------------------------------


def test_xor_matches_seeds000_generator_for_seed_42():
    state_before = np.random.get_state()[1].copy()  # noqa: NPY002
    seq = tasks.get("xor").make_sequence(3000, 42)
    # The task must not have touched numpy's global random state.
    np.testing.assert_array_equal(np.random.get_state()[1], state_before)  # noqa: NPY002
    reference = seeds000_xor_bits(3000, 42)
    stream = [int(v) for v in seq.inputs[:, 0]] + [int(seq.targets[-1, 0])]
    assert stream == reference
    assert reference[:15] == [int(s) for s in seq.input_symbols[:15]]


def test_xor_every_third_bit_is_xor_of_previous_two():
    seq = tasks.get("xor").make_sequence(300, 7)
    bits = np.concatenate([seq.inputs[:, 0], seq.targets[-1:, 0]]).astype(int)
    assert len(bits) == 300
    np.testing.assert_array_equal(bits[2::3], bits[0::3] ^ bits[1::3])


def test_xor_rows_are_next_bit_pairs():
    seq = tasks.get("xor").make_sequence(30, 3)
    np.testing.assert_array_equal(seq.targets[:-1], seq.inputs[1:])
    assert seq.target_symbols[:-1] == seq.input_symbols[1:]


@pytest.mark.parametrize(("length", "rows"), [(3000, 2999), (3001, 2999), (3002, 2999), (3, 2)])
def test_xor_length_rounds_down_to_groups_of_three(length, rows):
    seq = tasks.get("xor").make_sequence(length, 42)
    assert len(seq) == rows
    assert seq.mask.all()
    assert seq.resets.sum() == 1


def test_xor_categories_by_position_in_group():
    task = tasks.get("xor")
    seq = task.make_sequence(3000, 42)
    np.testing.assert_array_equal(seq.categories, np.arange(2999) % 3)
    assert np.bincount(seq.categories).tolist() == [1000, 1000, 999]
    xor_category = task.extra["xor_category"]
    assert "XOR" in task.category_names[xor_category]
    # At the XOR category the target is the XOR of the previous and the current input.
    rows = np.flatnonzero(seq.categories == xor_category)
    previous, current = seq.inputs[rows - 1, 0], seq.inputs[rows, 0]
    np.testing.assert_array_equal(seq.targets[rows, 0], np.logical_xor(previous, current))


def test_xor_defaults_and_decoding():
    task = tasks.get("xor")
    d = task.defaults
    assert (task.n_input, d.n_hidden, task.n_output) == (1, 4, 1)
    assert (d.learning_rate, d.epochs, d.sequence_length, d.seed) == (0.1, 600, 3000, 42)
    assert (d.context_init, d.rule, d.hidden_activation, d.output_activation) == (
        0.0,
        "online",
        "sigmoid",
        "sigmoid",
    )
    assert task.decode(np.array([0.51])) == "1" and task.decode(np.array([0.5])) == "0"
    assert task.is_correct(np.array([0.8]), np.array([1.0]))
    assert not task.is_correct(np.array([0.3]), np.array([1.0]))
    # Evaluation is on the training stream, as in seeds/000.
    np.testing.assert_array_equal(
        task.evaluation_sequence(300, 5).inputs, task.make_sequence(300, 5).inputs
    )


# --- letters -----------------------------------------------------------------------------------


def test_letters_feature_table_is_elmans():
    assert FEATURES == {
        "b": (1, 0, 1, 0, 0, 1),
        "d": (1, 0, 1, 1, 0, 1),
        "g": (1, 0, 1, 0, 1, 1),
        "a": (0, 1, 0, 0, 1, 1),
        "i": (0, 1, 0, 1, 0, 1),
        "u": (0, 1, 0, 1, 1, 1),
    }
    task = tasks.get("letters")
    assert (
        task.input_labels
        == task.output_labels
        == (
            "Consonantal",
            "Vocalic",
            "Interrupted",
            "High",
            "Back",
            "Voiced",
        )
    )


def _letters(seq):
    return "".join(seq.input_symbols) + seq.target_symbols[-1]


def test_letters_consonants_expand_to_their_vowels():
    seq = tasks.get("letters").make_sequence(300, 42)
    text = _letters(seq)
    consonants = [c for c in text if c in "bdg"]
    assert len(consonants) == 300
    expansion = {"b": "ba", "d": "dii", "g": "guuu"}
    assert text == "".join(expansion[c] for c in consonants)
    assert set(consonants) == {"b", "d", "g"}
    assert len(seq) == len(text) - 1
    # Every row's vectors are the table rows of the letters shown.
    for t in range(len(seq)):
        np.testing.assert_array_equal(seq.inputs[t], FEATURES[seq.input_symbols[t]])
        np.testing.assert_array_equal(seq.targets[t], FEATURES[seq.target_symbols[t]])


def test_letters_categories_are_target_letters():
    task = tasks.get("letters")
    seq = task.make_sequence(100, 1)
    assert task.category_names == ("b", "d", "g", "a", "i", "u")
    for t in range(len(seq)):
        assert task.category_names[seq.categories[t]] == seq.target_symbols[t]
    assert task.extra["vowel_categories"] == (3, 4, 5)
    assert task.extra["consonant_categories"] == (0, 1, 2)


def test_letters_evaluation_is_a_new_stream_of_the_same_length():
    task = tasks.get("letters")
    train = task.make_sequence(300, 42)
    test = task.evaluation_sequence(300, 42)
    assert _letters(train) != _letters(test)
    assert sum(1 for c in _letters(test) if c in "bdg") == 300
    assert _letters(test) == _letters(task.make_sequence(300, 42 + 1000))


def test_letters_decode_nearest_letter():
    task = tasks.get("letters")
    for letter, bits in FEATURES.items():
        noisy = np.array(bits, float) * 0.8 + 0.1
        assert task.decode(noisy) == letter
    # Halfway between a and u (they differ only in High) it must pick one of the two.
    assert task.decode(np.array([0, 1, 0, 0.4, 1, 1.0])) == "a"
    assert task.is_correct(np.array([0, 1, 0, 0.6, 1, 1.0]), np.array(FEATURES["u"], float))
    assert not task.is_correct(np.array(FEATURES["b"], float), np.array(FEATURES["d"], float))


def test_letters_options_and_wrap():
    task = tasks.get("letters", n_consonants=1000)
    assert task.defaults.sequence_length == 1000
    assert tasks.get("letters").defaults.sequence_length == 300
    plain = tasks.get("letters").make_sequence(50, 3)
    wrapped = tasks.get("letters", wrap=True).make_sequence(50, 3)
    assert len(wrapped) == len(plain) + 1
    assert wrapped.target_symbols[-1] == plain.input_symbols[0]


# --- alternating -------------------------------------------------------------------------------


def test_alternating_rows():
    task = tasks.get("alternating")
    seq = default_sequence(task)
    assert len(seq) == 39
    assert seq.inputs[:, 0].tolist() == [0.0, 1.0] * 19 + [0.0]
    np.testing.assert_array_equal(seq.targets[:, 0], 1 - seq.inputs[:, 0])
    np.testing.assert_array_equal(seq.categories, seq.inputs[:, 0].astype(int))
    d = task.defaults
    assert (d.n_hidden, d.learning_rate, d.epochs, d.sequence_length) == (1, 0.1, 200, 40)


# --- counting ----------------------------------------------------------------------------------


def test_counting_rows():
    task = tasks.get("counting")
    seq = default_sequence(task)
    assert len(seq) == 4
    np.testing.assert_array_equal(seq.inputs, np.eye(5)[:4])
    np.testing.assert_array_equal(seq.targets, np.eye(5)[1:])
    assert seq.input_symbols == ("0", "1", "2", "3")
    assert seq.target_symbols == ("1", "2", "3", "4")
    assert seq.categories.tolist() == [0, 1, 2, 3]
    assert seq.resets.tolist() == [True, False, False, False]
    assert task.decode(np.array([0.1, 0.1, 0.6, 0.1, 0.1])) == "2"
    d = task.defaults
    assert (d.rule, d.bptt_window, d.hidden_activation, d.output_activation) == (
        "bptt",
        None,
        "tanh",
        "softmax",
    )
    assert (d.n_hidden, d.learning_rate, d.epochs, d.seed, d.weight_scale) == (
        10,
        0.1,
        200,
        1,
        0.01,
    )


def test_counting_longer_sequence_repeats_independent_runs():
    seq = tasks.get("counting").make_sequence(12, 0)  # rounded down to 2 runs of 5
    assert len(seq) == 8
    assert seq.resets.tolist() == [True, False, False, False] * 2
    assert "".join(seq.target_symbols) == "12341234"


# --- end of sequence ---------------------------------------------------------------------------


def test_end_of_sequence_mask_resets_and_targets():
    task = tasks.get("end-of-sequence")
    seq = task.make_sequence(200, 42)
    assert len(seq) == 600
    assert seq.mask.tolist() == [False, False, True] * 200
    assert seq.resets.tolist() == [True, False, False] * 200
    counts = seq.inputs[:, 0].reshape(200, 3).sum(axis=1)
    np.testing.assert_array_equal(seq.targets[2::3, 0], counts)
    np.testing.assert_array_equal(seq.targets[~seq.mask], 0.0)
    np.testing.assert_array_equal(seq.categories, np.repeat(counts, 3))
    assert set(np.unique(seq.inputs)) == {0.0, 1.0}
    assert seq.target_symbols[:3] == ("", "", str(int(counts[0])))
    # Both channels are random; the count of 1s in channel a is binomial(3, 1/2).
    assert 0.35 < seq.inputs.mean() < 0.65
    assert np.bincount(counts.astype(int), minlength=4).min() > 10


def test_end_of_sequence_tolerance():
    task = tasks.get("end-of-sequence")
    assert task.is_correct(np.array([2.2]), np.array([2.0]))
    assert not task.is_correct(np.array([2.3]), np.array([2.0]))
    assert task.decode(np.array([1.234])) == "1.23"


# --- text --------------------------------------------------------------------------------------


def test_text_default_sample_and_one_hot_rows():
    task = tasks.get("text", text="abca b\n")
    assert task.input_labels == ("⏎", "␣", "a", "b", "c")
    seq = task.make_sequence(100, 0)  # longer than the text: the whole text
    assert len(seq) == 6
    assert seq.input_symbols == ("a", "b", "c", "a", "␣", "b")
    assert seq.target_symbols == ("b", "c", "a", "␣", "b", "⏎")
    np.testing.assert_array_equal(seq.inputs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(seq.inputs.argmax(axis=1), [2, 3, 4, 2, 1, 3])
    np.testing.assert_array_equal(seq.targets[:-1], seq.inputs[1:])
    assert task.category_names == ("⏎", "␣", "a", "b", "c")
    assert [task.category_names[c] for c in seq.categories] == list(seq.target_symbols)
    assert len(task.make_sequence(3, 0)) == 2
    assert task.decode(np.array([0, 0.9, 0, 0, 0.1])) == "␣"
    sample = tasks.get("text")
    assert sample.defaults.sequence_length == len(sample.text)
    assert len(default_sequence(sample)) == len(sample.text) - 1


def test_text_windows_line_endings_are_newlines():
    task = tasks.get("text", text="ab\r\ncd\re")
    assert task.text == "ab\ncd\ne"


def test_text_categories_capped_at_16_plus_other():
    text = "".join(chr(ord("a") + k) * (k + 1) for k in range(20))  # t is most frequent
    task = tasks.get("text", text=text)
    assert len(task.category_names) == 17 and task.category_names[-1] == "other"
    assert task.category_names[:-1] == tuple("efghijklmnopqrst")
    seq = default_sequence(task)
    other = seq.categories == 16
    assert {seq.target_symbols[t] for t in np.flatnonzero(other)} == set("bcd")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   \n\t ", "empty"),
        ("aaaa", "only one character"),
        ("x" * 20_001, "20,000"),
        ("ab\x00cd", "U+0000"),
        ("ok\nab\x07", "line 2, column 3"),
        ("".join(chr(0x100 + k) for k in range(65)), "65 different characters"),
    ],
)
def test_text_validation_messages(text, message):
    with pytest.raises(TaskError, match=re.escape(message)):
        tasks.get("text", text=text)


def test_text_validation_names_the_position():
    with pytest.raises(TaskError) as info:
        tasks.get("text", text="hello\x1bworld")
    assert "character 6" in str(info.value) and "U+001B" in str(info.value)


def test_text_accepts_limits_exactly():
    assert tasks.get("text", text="ab" * 10_000).n_input == 2
    assert tasks.get("text", text="".join(chr(0x100 + k) for k in range(64))).n_input == 64
    assert tasks.get("text", text="tab\there").n_input == 7


# --- registry and presets -----------------------------------------------------------------------


def test_registry_names_and_unknown_name():
    assert tasks.names() == [
        "xor",
        "letters",
        "words",
        "sentences",
        "grammar",
        "starting-small-input",
        "starting-small-memory",
        "alternating",
        "counting",
        "end-of-sequence",
        "text",
    ]
    for name in tasks.names():
        assert tasks.get(name).name == name
    with pytest.raises(TaskError) as info:
        tasks.get("xorr")
    for name in tasks.names():
        assert name in str(info.value)


def test_registry_unknown_option():
    with pytest.raises(TaskError, match=r"no option 'txt'.*text"):
        tasks.get("text", txt="hello")
    with pytest.raises(TaskError, match="options: none"):
        tasks.get("xor", hidden=3)
    assert tasks.options("letters") == {"n_consonants": 300, "wrap": False}


def test_presets_refer_to_tasks_and_defaults_fields():
    valid_fields = {f.name for f in dataclasses.fields(TaskDefaults)}
    names = [p.name for p in tasks.presets()]
    assert names == [
        "xor-elman1990",
        "xor-100-epochs",
        "xor-3-hidden",
        "xor-20-hidden",
        "xor-no-context-reset",
        "letters-paper",
    ]
    for p in tasks.presets():
        assert p.task in tasks.names()
        assert set(p.overrides) <= valid_fields
        assert p.title and p.watch
        defaults = p.defaults()
        for key, value in p.overrides.items():
            assert getattr(defaults, key) == value


def test_preset_values():
    elman = tasks.preset("xor-elman1990").defaults()
    assert (elman.n_hidden, elman.context_init, elman.epochs) == (2, 0.5, 600)
    assert tasks.preset("xor-100-epochs").defaults().epochs == 100
    assert tasks.preset("xor-3-hidden").defaults().n_hidden == 3
    assert tasks.preset("xor-20-hidden").defaults().n_hidden == 20
    assert tasks.preset("xor-no-context-reset").defaults().reset_context_each_epoch is False
    paper = tasks.preset("letters-paper").defaults()
    assert (paper.sequence_length, paper.context_init, paper.n_hidden) == (1000, 0.5, 20)


def test_unknown_preset_and_bad_override():
    with pytest.raises(TaskError, match="xor-elman1990"):
        tasks.preset("nope")
    with pytest.raises(TaskError, match="hidden"):
        tasks.Preset("bad", "xor", "Bad", {"hidden": 3}, "")


@pytest.mark.parametrize("name", tasks.names())
def test_decode_many_decodes_every_row_as_decode_does(name):
    task = tasks.get(name)
    rng = np.random.default_rng(5)
    outputs = np.vstack([rng.random((40, task.n_output)),
                         task.make_sequence(task.defaults.sequence_length, seed=0).targets[:20]])
    assert task.decode_many(outputs) == tuple(task.decode(row) for row in outputs)
