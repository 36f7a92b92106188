"""Training 10 epochs equals 5 + save + load + 5, bit for bit, for every task and option."""

from __future__ import annotations

import json

import numpy as np
import pytest

from elman_core import tasks
from tests.support.cli import run_cli_ok

# Short streams keep the test quick: five epochs, a save and five more cross the same code at
# 50 sentences as at the default 10,000 (a sentences run at its default length took 50 s).
SHORT = {"xor": "300", "letters": "60", "end-of-sequence": "40", "words": "50",
         "sentences": "50", "grammar": "50", "starting-small-input": "50",
         "starting-small-memory": "50"}


def arrays(path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


@pytest.mark.parametrize("options", [
    [], ["--no-context-reset"], ["--momentum", "0.5"],
    ["--context", "0.5", "--hidden", "3", "--seed", "7", "--lr", "0.3", "--no-context-reset"],
], ids=["default", "no-context-reset", "momentum", "other-options"])
@pytest.mark.parametrize("task", tasks.names())
def test_ten_epochs_equal_five_saved_loaded_and_five_more(tmp_path, task, options):
    common = ["--task", task, "--quiet", *options]
    if task in SHORT:
        common += ["--length", SHORT[task]]
    run_cli_ok(*common, "--epochs", 10, "--save", tmp_path / "ten.npz",
            "--json", tmp_path / "ten.json")
    run_cli_ok(*common, "--epochs", 5, "--save", tmp_path / "five.npz")
    run_cli_ok(*common, "--epochs", 5, "--load", tmp_path / "five.npz",
            "--save", tmp_path / "resumed.npz", "--json", tmp_path / "resumed.json")

    straight, resumed = arrays(tmp_path / "ten.npz"), arrays(tmp_path / "resumed.npz")
    assert sorted(straight) == sorted(resumed)
    for name in straight:
        if name != "metadata":
            np.testing.assert_array_equal(resumed[name], straight[name], err_msg=name)
    meta_straight = json.loads(str(straight["metadata"]))
    meta_resumed = json.loads(str(resumed["metadata"]))
    assert meta_resumed["run"]["epoch"] == 10  # not the 5 of the second run
    assert meta_resumed["run"]["settings"]["epochs"] == 10
    assert meta_resumed == meta_straight
    losses = json.loads((tmp_path / "ten.json").read_text())["losses"]
    resumed_losses = json.loads((tmp_path / "resumed.json").read_text())["losses"]
    # The weights above are equal bit for bit; an epoch's *mean* loss was seen to differ in its
    # last bit between two processes even without a save (see the report of issue 11), so the
    # loss lists are compared to 1 unit in the last place.
    np.testing.assert_array_max_ulp(np.array(resumed_losses), np.array(losses[5:]), maxulp=1)
    assert len(resumed_losses) == 5
