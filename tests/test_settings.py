"""The one settings model: every field checked once, bounds from one table, the live/new-network
split stated by the model."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import pytest

from elman_core import tasks
from elman_core.model.activations import RULES
from elman_core.model.settings import (
    BOUNDS,
    LIVE,
    NAMES,
    STRUCTURAL,
    Bound,
    RunSettings,
    SettingsError,
    check,
)

XOR = tasks.get("xor")


def test_every_task_default_is_a_valid_run_settings():
    for name in tasks.names():
        assert isinstance(tasks.get(name).defaults, RunSettings)
    assert RunSettings.for_task(XOR, n_hidden=7).n_hidden == 7


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_each_bound_admits_its_ends_and_refuses_beyond_them(name):
    bound = BOUNDS[name]
    base = RunSettings.for_task(XOR)
    step = 1 if bound.integer else 1e-9 * max(1.0, abs(bound.maximum))
    for value, allowed in ((bound.minimum, not bound.above_minimum),
                           (bound.maximum, not bound.below_maximum),
                           (bound.minimum - step, False), (bound.maximum + step, False)):
        value = int(value) if bound.integer else value
        if allowed:
            assert getattr(base.replace(**{name: value}), name) == value
        else:
            with pytest.raises(SettingsError) as caught:
                base.replace(**{name: value})
            assert caught.value.field == name
            assert name in str(caught.value) and bound.label in str(caught.value)


@pytest.mark.parametrize(("changes", "fragment"), [
    ({"n_hidden": 2.5}, "whole number"),
    ({"n_hidden": True}, "n_hidden"),
    ({"learning_rate": float("nan")}, "learning_rate"),
    ({"learning_rate": "0.1"}, "learning_rate"),
    ({"rule": "rtrl"}, "learning rule 'rtrl'"),
    ({"reset_context_each_epoch": 1}, "True or False"),
    ({"epochs": 10**7}, "≤ 1,000,000"),
])
def test_bad_values_are_refused_with_the_field_named(changes, fragment):
    with pytest.raises(SettingsError, match=fragment):
        RunSettings.for_task(XOR, **changes)


def test_each_bound_says_its_kind_and_both_ends_as_a_person_reads_them():
    described = {name: bound.describe() for name, bound in BOUNDS.items()}
    assert described["n_hidden"] == "a whole number ≥ 1 and ≤ 1,000"
    assert described["seed"] == "a whole number ≥ 0 and ≤ 4,294,967,295"
    assert described["learning_rate"] == "a number > 0 and ≤ 1,000,000"
    assert described["momentum"] == "a number ≥ 0 and < 1"
    assert described["context_init"] == "a number ≥ -1,000 and ≤ 1,000"
    assert Bound("Half", -0.5, 2.5).describe() == "a number ≥ -0.5 and ≤ 2.5"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("momentum", 1.0, "Momentum (momentum) must be a number ≥ 0 and < 1 (got 1)"),
    ("n_hidden", 2.5, "Hidden units (n_hidden) must be a whole number ≥ 1 and ≤ 1,000 (got 2.5)"),
    ("learning_rate", 0, "The learning rate (learning_rate) must be a number > 0 and ≤ "
                         "1,000,000 (got 0)"),
    ("bptt_window", True, "BPTT window (bptt_window) must be a whole number ≥ 1 and ≤ 10,000 "
                          "(got True)"),
    ("weight_scale", "x", "Weight scale (weight_scale) must be a number ≥ 0 and ≤ 100 (got 'x')"),
    ("context_init", float("inf"), "The context start value (context_init) must be a number "
                                   "≥ -1,000 and ≤ 1,000 (got inf)"),
    # the rules as the module lists them (another rule may join the list)
    ("rule", "rtrl", f"unknown learning rule 'rtrl'; choose one of: {', '.join(RULES)}"),
    ("reset_context_each_epoch", 1, "reset_context_each_epoch must be True or False (got 1)"),
])
def test_each_refusal_says_the_field_its_bound_and_the_value_word_for_word(name, value, message):
    with pytest.raises(SettingsError) as caught:
        check(name, value)
    assert (str(caught.value), caught.value.field) == (message, name)


def test_accepted_values_come_back_as_the_kind_the_field_holds():
    assert check("n_hidden", 3.0) == 3 and type(check("n_hidden", 3.0)) is int
    assert type(check("learning_rate", 1)) is float
    assert check("bptt_window", None) is None  # the whole segment
    assert check("rule", "bptt") == "bptt"
    assert check("reset_context_each_epoch", False) is False


def test_unknown_names_and_task_mismatches_are_refused():
    with pytest.raises(SettingsError, match="unknown setting"):
        RunSettings.for_task(XOR, hidden_units=3)
    with pytest.raises(SettingsError, match="Softmax"):
        RunSettings.for_task(XOR, output_activation="softmax").check_task(XOR)


def test_refusals_name_the_field_to_mark_and_list_every_unknown_name():
    with pytest.raises(SettingsError) as caught:
        RunSettings.for_task(XOR, zeta=1, hidden_units=3)
    assert caught.value.field == "hidden_units"  # the first, sorted
    assert str(caught.value) == "unknown setting(s): hidden_units, zeta"
    with pytest.raises(SettingsError) as caught:
        RunSettings.for_task(XOR, output_activation="softmax").check_task(XOR)
    assert caught.value.field == "output_activation"
    assert "Temporal XOR has 1." in str(caught.value)


def test_softmax_needs_two_output_units_and_two_are_enough():
    softmax = RunSettings.for_task(XOR, output_activation="softmax")
    two = SimpleNamespace(title="Two outputs", n_output=2, defaults=XOR.defaults)
    softmax.check_task(two)  # no error: a choice between two is a distribution
    with pytest.raises(SettingsError, match="Two outputs has 1"):
        softmax.check_task(SimpleNamespace(title="Two outputs", n_output=1, defaults=None))


def test_the_model_says_what_applies_at_once():
    assert LIVE | STRUCTURAL == set(NAMES) and not LIVE & STRUCTURAL
    assert not RunSettings.needs_new_network({"learning_rate", "momentum", "epochs"})
    assert RunSettings.needs_new_network({"learning_rate", "n_hidden"})
    base = RunSettings.for_task(XOR)
    assert base.replace(momentum=0.5, seed=3).changed(base) == {"momentum", "seed"}


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RunSettings.for_task(XOR).n_hidden = 3
