"""A learning rule is an object: the network asks its rule, nothing outside the rules asks which
rule it is."""

from __future__ import annotations

import ast

import numpy as np
import pytest

from elman_core.model import activations, rules
from elman_core.model.network import ElmanNetwork
from elman_core.model.settings import SettingsError, check
from tests.support.name_branches import ROOT, branches_on, offenders


def test_no_branch_on_a_rule_name_outside_the_rules():
    rules_folder = ROOT / "elman_core/model/rules"
    assert offenders(rules.RULES, lambda path: path.is_relative_to(rules_folder)) == {}
    assert branches_on(ast.parse('if rule == "online":\n    pass\nx = r in ("bptt",)\n'),
                       rules.RULES) == [1, 3]


def test_the_registry_makes_each_rule_and_the_settings_accept_exactly_those():
    assert rules.RULES == ("online", "bptt")  # the default first
    assert rules.RULES == activations.RULES  # the names the settings accept
    assert [rule.name for rule in rules.rules()] == list(rules.RULES)
    assert isinstance(rules.make("online"), rules.OnlineRule)
    bptt = rules.make("bptt", 7)
    assert isinstance(bptt, rules.BpttRule) and bptt.window == 7 and bptt.pending == []
    assert rules.rule_class("bptt").has_window and not rules.rule_class("online").has_window
    assert rules.rule_class("online").epochs_in_one_call
    assert not rules.rule_class("bptt").epochs_in_one_call
    with pytest.raises(ValueError, match="unknown learning rule"):
        rules.rule_class("hebb")
    for name in rules.RULES:
        check("rule", name)
    with pytest.raises(SettingsError):
        check("rule", "hebb")


def test_the_network_holds_its_rule_and_the_rule_its_pending_window():
    rng = np.random.default_rng(3)
    net = ElmanNetwork(2, 3, 2, 0.2, seed=1, rule="bptt", bptt_window=4)
    assert isinstance(net.learning_rule, rules.BpttRule) and net.learning_rule.window == 4
    for t in range(3):
        trace = net.step(rng.random(2), rng.random(2))
        assert not trace.updated and len(net.learning_rule.pending) == t + 1
    twin = net.copy()
    saved = net.learning_rule.capture()
    assert net.step(rng.random(2), rng.random(2)).updated  # the window is full: one update
    assert net.learning_rule.pending == [] and len(twin.learning_rule.pending) == 3
    net.learning_rule.restore(saved)
    assert len(net.learning_rule.pending) == 3
    online = ElmanNetwork(2, 3, 2, 0.2, seed=1)
    assert online.step(rng.random(2), rng.random(2)).updated
    assert online.learning_rule.pending == []
