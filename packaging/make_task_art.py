"""Draw the task illustrations: assets/tasks/<name>.svg, one per task.

Each shows the first steps of the task's default training stream: the input symbol of every
step in a box coloured by its error-bar category, what the network must predict under it,
hatched steps without a target and dashed context resets (see elman_gui/features/task_art.py). The
welcome
dialog and the "About this task" dock show them. Run again after changing a task or the drawing;
tests/gui/test_task_art.py fails while a file is out of date.

    uv run python packaging/make_task_art.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # elman_core and elman_gui, also without PYTHONPATH

from elman_core import tasks  # noqa: E402
from elman_gui.features.task_art import task_svg  # noqa: E402

TASK_ART = ROOT / "assets" / "tasks"


def main() -> int:
    TASK_ART.mkdir(parents=True, exist_ok=True)
    for name in tasks.names():
        path = TASK_ART / f"{name}.svg"
        path.write_bytes(task_svg(name).encode("utf-8"))  # "\n" line ends on every platform
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
