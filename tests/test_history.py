"""The step-back checkpoints on their own: a newer timeline replaces what was recorded from its
step on, the byte count stays the sum of what is kept, and the memory cap and the step budget
hold (each test was written against a mutant of ``history.py`` that survived the session tests)."""

from __future__ import annotations

import dataclasses

from elman_core import tasks
from elman_core.training.history import History, SessionState
from elman_core.training.session import TrainingSession


def checkpoints(*steps: int) -> list[SessionState]:
    """Real checkpoints of a session, one per step number given (all the same size)."""
    state = TrainingSession(tasks.get("xor")).capture()
    return [dataclasses.replace(state, global_step=step) for step in steps]


def test_a_checkpoint_replaces_the_ones_at_and_after_its_step_and_the_bytes_follow():
    history = History()
    *kept, again, back = checkpoints(0, 1, 2, 3, 3, 1)
    size = kept[0].nbytes
    for state in kept:
        history.push(state)
    assert (len(history), history.nbytes) == (4, 4 * size)
    history.push(again)  # a second checkpoint of step 3: the first one goes
    assert (len(history), history.nbytes) == (4, 4 * size)
    assert history.latest_at_or_before(10) is again
    history.push(back)  # after a step back to step 1: steps 1–3 of the old timeline go
    assert (len(history), history.nbytes) == (2, 2 * size)
    assert history.latest_at_or_before(10) is back
    assert history.latest_at_or_before(0) is kept[0]


def test_a_lower_memory_cap_drops_the_oldest_checkpoints_at_once():
    history = History()
    states = checkpoints(*range(10))
    size = states[0].nbytes
    for state in states:
        history.push(state)
    history.set_memory_limit(3 * size + size // 2, now=9)
    assert history.memory_limit == 3 * size + size // 2
    assert (len(history), history.nbytes, history.oldest_step()) == (3, 3 * size, 7)
    history.set_memory_limit(0, now=9)  # the newest checkpoint is always kept
    assert (len(history), history.oldest_step()) == (1, 9)


def test_clear_forgets_every_checkpoint_and_their_bytes():
    history = History()
    states = checkpoints(0, 1)
    for state in states:
        history.push(state)
    history.clear()
    assert (len(history), history.nbytes, history.oldest_step()) == (0, 0, None)
    history.push(states[0])
    assert history.nbytes == states[0].nbytes


def test_capacity_is_whole_steps_at_least_one_and_never_divides_by_zero():
    history = History(memory_limit=10, max_steps=1000)
    assert history.capacity_steps(3) == 3  # whole checkpoints only (10 // 3)
    assert isinstance(history.capacity_steps(3), int)
    assert history.capacity_steps(100) == 1  # a budget below one checkpoint still steps back once
    assert history.capacity_steps(0) == 10  # an empty checkpoint counts as one byte
    assert History(memory_limit=10**9, max_steps=7).capacity_steps(3) == 7
