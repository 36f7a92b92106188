"""Random student actions — every kind the app has — with a fixed seed, on the real window.

Fails on any Qt warning (a message handler records them) but those its platform prints
harmlessly (tests/support/qt_messages.py), on a GUI thread that hangs (a
watchdog timer measures the gaps between its ticks: no gap may reach HANG_LIMIT_SECONDS), on an
"internal error" notice or a traceback on stderr, and on an inconsistent end state.

How long the GUI thread may pause is a timing, and timings are not pass/fail in the tests (the
same run stalled 0.75 s once in six CI runs on a quiet machine): ``benchmarks/chaos.py`` runs
the same engine (``tests/support/chaos.py``, ``--actions 4000 --seed N``) and reports the
longest stall against the 0.5 s goal, STALL_LIMIT_SECONDS.
"""

from __future__ import annotations

from elman_core.live.snapshot import PAUSED
from tests.support.chaos import HANG_LIMIT_SECONDS, STALL_LIMIT_SECONDS, run_chaos
from tests.support.gui import running_window
from tests.support.qt_messages import QtWarnings


def test_random_actions_of_every_kind(qtbot, tmp_path, capfd):
    notices = []
    with QtWarnings() as warnings, running_window(qtbot, "xor") as window:
        window.trainer.notice.connect(lambda level, text: notices.append(text))
        chaos, watchdog = run_chaos(window, tmp_path, seed=11, actions=700, wait=qtbot.wait)
        window.trainer.pause()
        window.actions_.reset.trigger()
        qtbot.waitUntil(lambda: window.current_snapshot.generation
                        == window.trainer.requested_generation, timeout=30_000)
        qtbot.wait(300)  # anything still in flight arrives and is painted
        window.paint_newest()
        watchdog.stop()
        final = window.current_snapshot
        assert (final.epoch, final.position, final.global_step) == (0, 0, 0)
        assert final.state == PAUSED
        assert window.trainer.thread.isRunning()
    assert set(chaos.done) == set(chaos.kinds) and len(chaos.kinds) >= 30  # every kind ran
    assert not [text for text in notices if "internal error" in text]
    assert "Traceback" not in capfd.readouterr().err
    assert not warnings.messages
    assert watchdog.longest < HANG_LIMIT_SECONDS, f"hung during {watchdog.during}"
    print(f"longest GUI stall {watchdog.longest:.3f} s during {watchdog.during} "
          f"(goal < {STALL_LIMIT_SECONDS} s: benchmarks/chaos.py)")
