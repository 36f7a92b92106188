"""Elman Lab: `python main.py` opens the app; `python main.py train …` trains headless."""

from __future__ import annotations

import argparse
import os
import sys

# One BLAS thread, set before NumPy loads. The app's linear algebra is small (a PCA of 2,000 ×
# 150 hidden states, 150 × 150 matrices): OpenBLAS's thread pool makes it slower (6 → 47 ms for
# a 300 × 150 SVD on a loaded 2-core machine), and its spinning threads take the core the window
# paints on while the trainer thread uses the other.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "train":
        try:
            from elman_core.cli.runner import run  # Ctrl-C while loading numpy: no traceback either
        except KeyboardInterrupt:
            print("error: interrupted by Ctrl-C; no output file was changed", file=sys.stderr)
            return 130

        return run(argv[1:])
    if argv and argv[0] == "figure":
        from elman_gui.figure_command import run as run_figure

        return run_figure(argv[1:])
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="Watch an Elman network learn. Use `main.py train --help` for the headless "
        "runner, `main.py figure --help` to save a task's figure without the window.",
    )
    parser.add_argument("lesson", nargs="?", metavar="LESSON.toml",
                        help="a lesson file to open: its task, settings, view and note")
    parser.add_argument("--task", help="the task to open with (default: xor)")
    parser.add_argument("--text", help="text for the text task")
    parser.add_argument("--screenshot", metavar="PATH",
                        help="train --steps timesteps, save a PNG of the window here and exit")
    parser.add_argument("--steps", type=int, default=0,
                        help="timesteps to train before the screenshot")
    parser.add_argument("--size", type=window_size, metavar="WxH",
                        help="the window's size in pixels, e.g. 1024x640")
    parser.add_argument("--view", choices=("network", "paper-figure", "hidden-space",
                                           "dendrogram"),
                        help="the tab to show in the centre (default: network)")
    parser.add_argument("--trace", metavar="SENTENCES",
                        help="with --screenshot: trace these sentences (';' between them) in "
                        "the hidden space first (the grammar task)")
    parser.add_argument("--compare", nargs="+", metavar="KEY=VALUE",
                        help="open side by side with a second network that differs in these "
                        "settings (n_hidden=10 rule=bptt forget_context=true …)")
    parser.add_argument("--focus", choices=FOCUS_VIEWS,
                        help="open with this view or plot alone in the window (focus mode)")
    parser.add_argument("--large-type", action="store_true",
                        help="focus mode's large type, for a projector")
    args = parser.parse_args(argv)
    from elman_gui.app import run_gui

    return run_gui(args.task, args.screenshot, args.steps, args.text, args.size, args.view,
                   focus=args.focus, large_type=args.large_type, lesson_path=args.lesson,
                   trace=args.trace, compare=args.compare)


# The views focus mode can give the window (elman_gui.features.focus_mode); named here so that
# `main.py --help` answers without loading Qt.
FOCUS_VIEWS = ("network", "paper-figure", "hidden-space", "dendrogram", "loss", "errors",
               "history")


def window_size(text: str) -> tuple[int, int]:
    """'1024x640' → (1024, 640); a clear message for anything else."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.isdigit() and height.isdigit()) or min(int(width), int(height)) < 200:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a window size: write WIDTHxHEIGHT in pixels, e.g. 1024x640 "
            "(at least 200 each)")
    return int(width), int(height)


if __name__ == "__main__":
    sys.exit(main())
