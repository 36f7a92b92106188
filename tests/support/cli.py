"""The headless runner (``main.py train``) in-process, its output captured."""

from __future__ import annotations

import io

from elman_core.cli.runner import run


def run_cli(*argv: object) -> tuple[int, str, str]:
    """``main.py train ARGV…``: (exit status, stdout, stderr). Paths may be passed as Paths."""
    out, err = io.StringIO(), io.StringIO()
    status = run([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def run_cli_ok(*argv: object) -> str:
    """``run_cli`` for a run that must succeed: its stdout (stderr in the failure's message)."""
    status, out, err = run_cli(*argv)
    assert status == 0, err
    return out
