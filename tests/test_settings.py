"""The one settings model: every field checked once, bounds from one table, the live/new-network
split stated by the model."""

from __future__ import annotations

import dataclasses

import pytest

from elman_core import tasks
from elman_core.model.settings import BOUNDS, LIVE, NAMES, STRUCTURAL, RunSettings, SettingsError

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


def test_unknown_names_and_task_mismatches_are_refused():
    with pytest.raises(SettingsError, match="unknown setting"):
        RunSettings.for_task(XOR, hidden_units=3)
    with pytest.raises(SettingsError, match="Softmax"):
        RunSettings.for_task(XOR, output_activation="softmax").check_task(XOR)


def test_the_model_says_what_applies_at_once():
    assert LIVE | STRUCTURAL == set(NAMES) and not LIVE & STRUCTURAL
    assert not RunSettings.needs_new_network({"learning_rate", "momentum", "epochs"})
    assert RunSettings.needs_new_network({"learning_rate", "n_hidden"})
    base = RunSettings.for_task(XOR)
    assert base.replace(momentum=0.5, seed=3).changed(base) == {"momentum", "seed"}


def test_settings_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        RunSettings.for_task(XOR).n_hidden = 3
