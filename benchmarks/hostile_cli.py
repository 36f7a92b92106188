"""Run a list of bad command lines through ``main.py train`` and count the well-answered ones.

    uv run python benchmarks/hostile_cli.py [--jobs 2] [--verbose]

A case is answered well when the process ends (within its timeout) with the expected exit status
— 2 for bad input, 1 for a diverging run, 130 for Ctrl-C — and stderr is exactly one line
starting with ``error:``, with no traceback. Every option and every kind of file is covered; the
hostile network files come from ``tests/hostile/make_hostile_files.py``. Prints each failure and
the count.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile.make_hostile_files import CASES, make_all  # noqa: E402


@dataclass(frozen=True)
class Case:
    argv: tuple[str, ...]
    status: int = 2
    interrupt: bool = False  # send SIGINT once training has printed its first epoch line


def bad_values(option: str, values: list[str], *prefix: str) -> list[Case]:
    return [Case((*prefix, option, value)) for value in values]


def cases(folder: Path) -> list[Case]:
    files = make_all(folder / "hostile")
    good = files["empty.npz"].with_name("good.npz")
    text = folder / "text"
    text.mkdir()
    (text / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (text / "empty.txt").write_bytes(b"")
    (text / "big.txt").write_bytes(b"ab " * 40_000)
    (text / "nul.txt").write_bytes(b"ab\0ba")
    (text / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (text / "one.txt").write_text("aaaa")
    (text / "many.txt").write_text("".join(chr(0x4E00 + i) for i in range(100)))
    os.mkfifo(text / "pipe")
    readonly = folder / "readonly.json"
    readonly.write_text("{}")
    readonly.chmod(0o444)
    long_name = str(folder / ("n" * 300))
    out = str(folder / "out.json")

    listing: list[Case] = []
    listing += bad_values("--hidden", ["0", "-3", "two", "1.5", "100000", str(10**30), "",
                                       "1e3", "30000"])
    listing += bad_values("--lr", ["0", "-1", "nan", "inf", "-inf", "abc", "1e400", ""])
    listing += bad_values("--learning-rate", ["0", "x"])
    listing += bad_values("--momentum", ["-0.1", "1", "1.5", "nan", "inf", "x"])
    listing += bad_values("--epochs", ["0", "-1", "1e9", "1000000000", str(2**63), "ten"])
    listing += bad_values("--seed", ["-1", str(2**32), str(2**64), "1.5", "abc"])
    listing += bad_values("--length", ["0", "1", "-5", str(10**9), str(2**63), "x"])
    listing += bad_values("--length", [str(10**9)], "--task", "letters")
    listing += bad_values("--length", ["2"], "--task", "xor")
    listing += bad_values("--length", ["4"], "--task", "counting")
    listing += bad_values("--sequence-length", ["0"])
    listing += bad_values("--context", ["1e308", "-1e308", "nan", "inf", "1001", "-1001", "x"])
    listing += bad_values("--task", ["nope", "", "XOR", "xor;rm -rf"])
    listing += bad_values("--preset", ["nope", ""])
    listing += bad_values("--text", ["", "   ", "aaaa", "ab\x01ba", "ab " * 10_000,
                                     "".join(chr(0x4E00 + i) for i in range(100))],
                          "--task", "text")
    listing += [Case(("--task", "xor", "--text", "abc")),
                Case(("--task", "text", "--text", "ab", "--text-file", str(text / "one.txt")))]
    listing += bad_values("--text-file", ["/dev/zero", str(text / "missing.txt"), str(text),
                                          str(text / "latin1.txt"), str(text / "empty.txt"),
                                          str(text / "big.txt"), str(text / "pipe"),
                                          str(text / "nul.txt"), str(text / "binary.bin"),
                                          str(text / "one.txt"), str(text / "many.txt")],
                          "--task", "text")
    for option in ("--json", "--save"):
        listing += bad_values(option, ["/nonexistent-folder/x", str(folder), long_name,
                                       str(readonly), str(text / "pipe"), "/"])
    listing += [Case(("--save", out, "--json", out)),
                Case(("--json", str(good), "--load", str(good)))]
    listing += [Case(("--task", "xor", "--epochs", "1", "--load", str(path)))
                for path in files.values()]
    listing += bad_values("--load", [str(folder / "missing.npz"), str(folder), "/dev/zero",
                                     str(text / "pipe")], "--task", "xor")
    listing += [Case(("--task", "letters", "--load", str(good))),
                Case(("--task", "xor", "--load", str(good), "--hidden", "9", "--lr", "5",
                      "--momentum", "0.5"))]
    listing += [Case(("--foo",)), Case(("extra",)), Case(("--hidden",)),
                Case(("--quiet=yes",)), Case(("--no-context-reset", "1")),
                Case(("--list", "--task", "nope", "--hidden", "x")),
                Case(("--epochs", "100000", "--length", "99999"))]
    for task in ("xor", "letters", "alternating", "text"):  # beyond the bound: refused
        listing.append(Case(("--task", task, "--lr", "1e12", "--epochs", "300")))
    for task, lr in (("counting", "1e3"), ("end-of-sequence", "1e6"), ("end-of-sequence", "50")):
        listing.append(Case(("--task", task, "--lr", lr, "--epochs", "300"), status=1))
    listing.append(Case(("--task", "xor", "--epochs", "100000"), status=130, interrupt=True))
    return listing


def answer(case: Case, timeout: float) -> tuple[bool, str]:
    command = [sys.executable, str(ROOT / "main.py"), "train", *case.argv]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=ROOT, errors="replace")
    try:
        if case.interrupt:
            while "Epoch" not in process.stdout.readline() and process.poll() is None:
                pass
            process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        return False, f"no answer within {timeout:.0f} s"
    lines = err.splitlines()
    good = (process.returncode == case.status and len(lines) == 1
            and lines[0].startswith("error:") and "Traceback" not in out + err)
    return good, f"exit {process.returncode}, stderr: {err.strip()[:300]!r}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--verbose", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        listing = cases(Path(folder))
        started = time.perf_counter()
        with ThreadPoolExecutor(options.jobs) as pool:
            results = list(pool.map(lambda case: answer(case, options.timeout), listing))
        for case, (good, detail) in zip(listing, results, strict=True):
            if not good or options.verbose:
                shown = " ".join(a if len(a) < 60 else a[:40] + "…" for a in case.argv)
                print(f"{'ok  ' if good else 'FAIL'} train {shown}: {detail}")
        Path(folder, "readonly.json").chmod(0o644)
    answered = sum(good for good, _ in results)
    files = len(CASES)
    print(f"{answered} of {len(listing)} bad command lines ({files} of them hostile network "
          f"files) answered with one 'error:' line and the expected exit status "
          f"({time.perf_counter() - started:.0f} s)")
    return 0 if answered == len(listing) else 1


if __name__ == "__main__":
    sys.exit(main())
