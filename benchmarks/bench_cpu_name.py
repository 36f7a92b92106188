"""Kernels compiled for a generic CPU against this machine's own: how much speed does a bundle
lose by shipping portable machine code (``NUMBA_CPU_NAME=generic``)?

    uv run python benchmarks/bench_cpu_name.py [--rounds 3]

For the three networks of benchmarks/bench_train.py (1-4-1 XOR, 6-20-6 letters, 31-150-31
sentences), each round starts one process per CPU choice (generic, then native; numba's cache
keys its entries by CPU name, so both share one cache folder and compile once) and times
ElmanNetwork.train over the whole stream, best of several passes. Prints ns per step of each
per round, then the ratio generic / native as median and range over the rounds. A timing:
reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = (("XOR 1-4-1", "xor", 4), ("letters 6-20-6", "letters", 20),
         ("sentences 31-150-31", "sentences", 150))

CHILD = """
import json, sys
import numpy as np
sys.path.insert(0, {root!r})
from benchmarks.bench_train import best_of, letter_stream, sentence_stream, xor_stream
from elman_core.model.network import ElmanNetwork
streams = {{"xor": xor_stream(), "letters": letter_stream(), "sentences": sentence_stream()}}
result = {{}}
for name, n_hidden in {sizes!r}:
    stream = streams[name]
    X, Y = stream[:-1], stream[1:]
    net = ElmanNetwork(X.shape[1], n_hidden, Y.shape[1], 0.1, seed=1)
    resets = np.zeros(len(X), dtype=bool)
    resets[0] = True
    net.train(X, Y, resets=resets)  # compiled or loaded
    result[name] = best_of(lambda: net.train(X, Y, resets=resets), 7) / len(X) * 1e9
print(json.dumps(result))
"""


def run(cpu: str, cache: str) -> dict[str, float]:
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    env.pop("NUMBA_CPU_NAME", None)
    if cpu == "generic":
        env["NUMBA_CPU_NAME"] = "generic"
    code = CHILD.format(root=str(ROOT), sizes=[(name, hidden) for _l, name, hidden in SIZES])
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ratios: dict[str, list[float]] = {name: [] for _l, name, _h in SIZES}
    with tempfile.TemporaryDirectory() as cache:
        run("generic", cache), run("native", cache)  # compile both first: not timed
        for round_ in range(1, args.rounds + 1):
            generic, native = run("generic", cache), run("native", cache)
            for label, name, _hidden in SIZES:
                ratios[name].append(generic[name] / native[name])
                print(f"round {round_}  {label:<20} generic {generic[name]:8.1f} ns/step  "
                      f"native {native[name]:8.1f} ns/step  ratio {ratios[name][-1]:.2f}",
                      flush=True)
    for label, name, _hidden in SIZES:
        values = sorted(ratios[name])
        print(f"{label:<20} generic/native: median {values[len(values) // 2]:.2f} "
              f"(range {values[0]:.2f}–{values[-1]:.2f}, {len(values)} rounds)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
