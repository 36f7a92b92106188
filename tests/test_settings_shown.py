"""How a bad value is echoed in a settings message: as typed, long ones shortened."""

from __future__ import annotations

from elman_core.model.settings import shown


def test_numbers_and_other_values_as_typed():
    assert shown(12) == "12"
    assert shown(0.1) == "0.1"
    assert shown(1 / 3) == "0.333333333333"  # 12 significant digits
    assert shown("abc") == "'abc'"  # not a number: its repr, quotes and all
    assert shown(None) == "None"
    assert shown(True) == "True"


def test_up_to_24_characters_whole_then_shortened_with_the_count():
    assert shown(10**23) == "1" + "0" * 23  # 24 characters: whole
    assert shown(10**24) == "1000000000…(25 digits)"  # the first 10, then how many there were
    assert shown(-(10**30)) == "-100000000…(32 digits)"
