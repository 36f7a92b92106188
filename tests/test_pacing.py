"""The pacer's estimate of the kernel's speed (elman_core.live.pacing)."""

from elman_core.live.pacing import GIL_WAIT_SECONDS, SLICE_SECONDS, Pacer


def test_a_slow_kernel_is_followed_at_once_and_a_gil_wait_is_not():
    pacer = Pacer()
    assert pacer.seconds_per_step == 1e-6  # the first guess
    # Two 31-150-31 networks on a busy machine: 25,000 steps took 0.6 s, 24 µs a step.
    pacer.measured(0.6, 25_000)
    assert abs(pacer.seconds_per_step - (0.6 - GIL_WAIT_SECONDS) / 25_000) < 1e-12
    assert pacer.steps_in(SLICE_SECONDS) == int(SLICE_SECONDS / pacer.seconds_per_step)
    # A short call that waited for the GIL on its way out: the estimate grows by 5 % at most.
    fast = Pacer()
    fast.seconds_per_step = 1e-7
    fast.measured(0.004, 1000)  # 4 µs a step, all of it a possible GIL wait
    assert abs(fast.seconds_per_step - 1.05e-7) < 1e-20
    # A faster call is followed at once, as before.
    fast.measured(0.00005, 1000)
    assert abs(fast.seconds_per_step - 5e-8) < 1e-20
