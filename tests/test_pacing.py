"""The pacer (elman_core.live.pacing): the kernel's speed it learns, the snapshots' beat."""

from types import SimpleNamespace

from elman_core.live import pacing
from elman_core.live.pacing import GIL_WAIT_SECONDS, PUBLISH_HZ, PUBLISH_SLACK, SLICE_SECONDS, Pacer


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


class FakeClock:
    """time.perf_counter for the pacer, moved by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def running_pacer(monkeypatch) -> tuple[Pacer, FakeClock]:
    clock = FakeClock()
    monkeypatch.setattr(pacing, "time", SimpleNamespace(perf_counter=clock))
    pacer = Pacer()
    pacer.restart(0)
    pacer.published(True, 0)  # the first snapshot: the beat starts here
    return pacer, clock


def test_snapshots_keep_a_fixed_beat_when_one_leaves_late(monkeypatch):
    period = 1 / PUBLISH_HZ
    pacer, clock = running_pacer(monkeypatch)
    start = clock.now
    clock.now = start + period + 0.003  # the tick overran: this snapshot left 3 ms late
    assert pacer.publish_due()
    pacer.published(True, 1000)
    # The next one is due on the beat, 22 ms from now, and the tick before it is that long.
    clock.now += 0.0001
    assert abs(pacer.this_tick()[0] - (start + 2 * period - clock.now)) < 1e-9
    clock.now = start + 2 * period - 2 * PUBLISH_SLACK
    assert not pacer.publish_due()
    clock.now = start + 2 * period - PUBLISH_SLACK / 2  # a tick ending just short of it
    assert pacer.publish_due()


def test_a_snapshot_late_by_a_whole_period_or_early_starts_the_beat_again(monkeypatch):
    period = 1 / PUBLISH_HZ
    pacer, clock = running_pacer(monkeypatch)
    clock.now += 2.5 * period  # the machine stalled
    pacer.published(True, 1000)
    late = clock.now
    clock.now = late + period - 2 * PUBLISH_SLACK
    assert not pacer.publish_due()  # not at once to catch up: a period from the late one
    clock.now = late + 0.002  # a command published early (a step, a pause)
    pacer.published(True, 1000)
    clock.now += period - 2 * PUBLISH_SLACK
    assert not pacer.publish_due()
    clock.now += 2 * PUBLISH_SLACK
    assert pacer.publish_due()


def test_a_tick_that_ended_a_little_early_is_followed_by_one_longer_slice(monkeypatch):
    period = 1 / PUBLISH_HZ
    pacer, clock = running_pacer(monkeypatch)
    beat = clock.now
    clock.now = beat + period - PUBLISH_SLACK / 2  # published within the slack, on the beat
    pacer.published(True, 1000)
    # The next snapshot is due a period and a bit from now: one slice that long, not two
    # halves (each return from the kernel may wait for the GIL).
    seconds, _ = pacer.this_tick()
    assert abs(seconds - (beat + 2 * period - clock.now)) < 1e-9
    assert seconds > SLICE_SECONDS


def test_a_tick_does_not_start_a_kernel_call_for_its_last_few_milliseconds(monkeypatch):
    from elman_core import tasks
    from elman_core.live import run_control
    from elman_core.live.driver import TrainingDriver
    from elman_core.training.session import TrainingSession

    control = TrainingDriver(TrainingSession(tasks.get("xor"))).control
    clock = FakeClock()
    monkeypatch.setattr(run_control, "time", SimpleNamespace(perf_counter=clock))
    calls = []

    def train_steps(count: int) -> int:  # each call takes 20 ms, the first 1 ms short of the slice
        calls.append(count)
        clock.now += 0.020 if len(calls) == 1 else 0.001
        return count

    monkeypatch.setattr(control, "train_steps", train_steps)
    control.train_for(0.021 + PUBLISH_SLACK / 2, None)
    assert len(calls) == 1  # not a second call for the 3 ms left
    calls.clear()
    control.train_for(0.021 + 2 * PUBLISH_SLACK, None)
    assert len(calls) > 1  # more than the slack left: it is trained
