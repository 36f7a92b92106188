"""How much faster is ElmanNetwork.train than the plain NumPy loop of seeds/000?

    uv run python benchmarks/bench_train.py [--skip-compile]

For each network of the project — 1-4-1 (temporal XOR, 3000 bits), 6-20-6 (the letter task,
about 900 letters) and 31-150-31 (the paper's word-prediction network) — the same initial weights
are trained by

  (a) a per-step NumPy implementation written like seeds/000 (column vectors, np.dot, one
      forward / backward / update / context copy per input), and
  (b) ElmanNetwork.train (the compiled kernel),

for the same steps. The final weights must agree to 1e-10 — the script exits with status 1 if
they do not — and the time per step of each is printed with the speed-up. Timings are the best
of several repeats, so a busy machine disturbs them less; they are reported, never asserted.

Then the first-call cost of the kernels is measured in fresh processes: cold (an empty numba
cache: everything is compiled) and cached (a second process reusing that cache).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from elman_core.model.network import ElmanNetwork  # noqa: E402

TOLERANCE = 1e-10
GOALS = {"1-4-1": 300, "6-20-6": 100, "31-150-31": 8}


# ------------------------------------------------------------- (a) seeds/000, step by step
class SeedStyleNetwork:
    """The seeds/000 ElmanNetwork: column vectors, np.dot, an update after every input."""

    def __init__(self, W_ih, W_hh, W_ho, learning_rate):
        self.W_ih, self.W_hh, self.W_ho = W_ih.copy(), W_hh.copy(), W_ho.copy()
        self.b_h = np.zeros((W_hh.shape[0], 1))
        self.b_o = np.zeros((W_ho.shape[0], 1))
        self.context = np.zeros((W_hh.shape[0], 1))
        self.learning_rate = learning_rate

    def sigmoid(self, x):
        return 1 / (1 + np.exp(-np.clip(x, -500, 500)))

    def reset_context(self):
        self.context = np.zeros((self.W_hh.shape[0], 1))

    def forward(self, x):
        hidden = self.sigmoid(np.dot(self.W_ih, x) + np.dot(self.W_hh, self.context) + self.b_h)
        output = self.sigmoid(np.dot(self.W_ho, hidden) + self.b_o)
        return output, hidden

    def backward(self, x, hidden, output, target):
        error = output - target
        delta_o = error * (output * (1 - output))
        delta_h = np.dot(self.W_ho.T, delta_o) * (hidden * (1 - hidden))
        self.W_ho -= self.learning_rate * np.dot(delta_o, hidden.T)
        self.b_o -= self.learning_rate * delta_o
        self.W_ih -= self.learning_rate * np.dot(delta_h, x.T)
        self.W_hh -= self.learning_rate * np.dot(delta_h, self.context.T)
        self.b_h -= self.learning_rate * delta_h
        return np.mean(error**2)

    def train_step(self, x, target):
        output, hidden = self.forward(x)
        error = self.backward(x, hidden, output, target)
        self.context = hidden.copy()
        return error

    def train_pass(self, inputs, targets):
        """One pass over the sequence from a fresh context (seeds/000's train_sequence epoch)."""
        self.reset_context()
        for x, target in zip(inputs, targets, strict=True):
            self.train_step(x, target)


# ---------------------------------------------------------------------------------- the data
def xor_stream(length=3000, seed=42):
    rng = np.random.RandomState(seed)
    bits = []
    for _ in range(length // 3):
        b1, b2 = rng.randint(0, 2), rng.randint(0, 2)
        bits.extend([b1, b2, b1 ^ b2])
    return np.array(bits, dtype=float)[:, None]


LETTER_FEATURES = {  # Elman (1990) Table 1
    "b": (1, 0, 1, 0, 0, 1), "d": (1, 0, 1, 1, 0, 1), "g": (1, 0, 1, 0, 1, 1),
    "a": (0, 1, 0, 0, 1, 1), "i": (0, 1, 0, 1, 0, 1), "u": (0, 1, 0, 1, 1, 1),
}


def letter_stream(consonants=300, seed=42):
    rng = np.random.default_rng(seed)
    syllables = {"b": "ba", "d": "dii", "g": "guuu"}
    text = "".join(syllables[c] for c in rng.choice(list("bdg"), consonants))
    return np.array([LETTER_FEATURES[ch] for ch in text], dtype=float)


def sentence_stream(sentences=4000, seed=42):
    """Two- and three-word sentences from a few of the paper's templates, words one-hot in 31."""
    classes = {
        "HUM": ["man", "woman", "boy", "girl"], "ANIM": ["cat", "mouse", "dog", "lion"],
        "AGRESS": ["dragon", "monster"], "INANIM": ["book", "rock", "car"],
        "FRAG": ["glass", "plate"], "FOOD": ["cookie", "bread", "sandwich"],
        "INTRAN": ["think", "sleep", "exist"], "TRAN": ["see", "chase", "like"],
        "AGPAT": ["move", "break"], "DESTROY": ["smash", "break"], "EAT": ["eat"],
    }
    templates = [("HUM", "EAT", "FOOD"), ("HUM", "INTRAN"), ("HUM", "TRAN", "HUM"),
                 ("ANIM", "TRAN", "ANIM"), ("AGRESS", "DESTROY", "FRAG"), ("AGRESS", "EAT", "HUM"),
                 ("INANIM", "AGPAT"), ("ANIM", "EAT", "FOOD")]
    vocabulary = sorted({word for words in classes.values() for word in words})
    rng = np.random.default_rng(seed)
    words = [rng.choice(classes[c]) for i in rng.integers(0, len(templates), sentences)
             for c in templates[i]]
    return np.eye(31)[[vocabulary.index(w) for w in words]]


# ------------------------------------------------------------------------------ measuring
def best_of(function, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def compare(name, stream, n_hidden, numpy_steps, numpy_passes, kernel_repeats, seed=1):
    """Train both implementations from the same weights; return a row of the table."""
    X_all, Y_all = stream[:-1], stream[1:]
    X, Y = X_all[:numpy_steps], Y_all[:numpy_steps]
    n_in, n_out = X.shape[1], Y.shape[1]
    start = ElmanNetwork(n_in, n_hidden, n_out, 0.1, seed=seed)

    # (a) NumPy: `numpy_passes` passes, each timed; the best pass gives the time per step.
    reference = SeedStyleNetwork(start.W_ih, start.W_hh, start.W_ho, 0.1)
    columns_x = [x.reshape(-1, 1) for x in X]
    columns_y = [y.reshape(-1, 1) for y in Y]
    numpy_time = float("inf")
    for _ in range(numpy_passes):
        began = time.perf_counter()
        reference.train_pass(columns_x, columns_y)
        numpy_time = min(numpy_time, time.perf_counter() - began)

    # (b) the kernel on exactly the same passes, then the comparison.
    net = start.copy()
    resets = np.zeros(len(X), dtype=bool)
    resets[0] = True  # a fresh context at every pass, as seeds/000 does
    for _ in range(numpy_passes):
        net.train(X, Y, resets=resets)
    difference = max(
        float(np.max(np.abs(getattr(net, p).ravel() - getattr(reference, p).ravel())))
        for p in ("W_ih", "W_hh", "W_ho", "b_h", "b_o")
    )

    # Kernel speed over the whole stream (compiled already), best of several passes.
    timing_net = start.copy()
    all_resets = np.zeros(len(X_all), dtype=bool)
    all_resets[0] = True
    kernel_time = best_of(lambda: timing_net.train(X_all, Y_all, resets=all_resets), kernel_repeats)

    numpy_ns = numpy_time / len(X) * 1e9
    kernel_ns = kernel_time / len(X_all) * 1e9
    return {
        "network": name, "numpy_steps": len(X), "kernel_steps": len(X_all),
        "numpy_ns": numpy_ns, "kernel_ns": kernel_ns, "speedup": numpy_ns / kernel_ns,
        "goal": GOALS[name], "difference": difference,
    }


FIRST_CALL = """
import json, sys, time
sys.path.insert(0, sys.argv[1])
began = time.perf_counter()
import numpy as np
from elman_core.model.network import ElmanNetwork
imported = time.perf_counter()
X = np.zeros((5, 1))
ElmanNetwork(1, 4, 1, seed=0).train(X, X)
online = time.perf_counter()
ElmanNetwork(1, 4, 1, seed=0, rule="bptt", bptt_window=2).train(X, X)
bptt = time.perf_counter()
print(json.dumps({"import": imported - began, "online": online - imported, "bptt": bptt - online}))
"""


def first_call_times(cache_dir: str) -> dict:
    environment = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    result = subprocess.run([sys.executable, "-c", FIRST_CALL, str(ROOT)], env=environment,
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------------ main
def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-compile", action="store_true",
                        help="skip the cold/cached first-call measurement (≈ 20 s)")
    options = parser.parse_args()

    import numba

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"load {load:.1f}; Python {platform.python_version()}, NumPy {np.__version__}, "
          f"numba {numba.__version__}")
    ElmanNetwork(1, 2, 1, seed=0).train(np.zeros((3, 1)), np.zeros((3, 1)))  # compile/load once

    rows = [
        compare("1-4-1", xor_stream(), 4, numpy_steps=3000, numpy_passes=3, kernel_repeats=30),
        compare("6-20-6", letter_stream(), 20, numpy_steps=1000, numpy_passes=3,
                kernel_repeats=30),
        compare("31-150-31", sentence_stream(), 150, numpy_steps=1500, numpy_passes=2,
                kernel_repeats=5),
    ]
    print()
    print(f"{'network':<10} {'steps numpy/kernel':>19} {'NumPy ns/step':>14} "
          f"{'kernel ns/step':>15} {'speed-up':>9} {'goal':>6} {'max |ΔW|':>10}")
    failed = False
    for row in rows:
        agree = row["difference"] <= TOLERANCE
        failed |= not agree
        mark = "" if row["speedup"] >= row["goal"] else "  (below goal)"
        print(f"{row['network']:<10} {row['numpy_steps']:>9}/{row['kernel_steps']:<9} "
              f"{row['numpy_ns']:>14,.0f} {row['kernel_ns']:>15,.0f} {row['speedup']:>8.0f}× "
              f"{'≥' + str(row['goal']) + '×':>6} {row['difference']:>10.1e}"
              f"{'' if agree else '  WEIGHTS DISAGREE'}{mark}")

    if not options.skip_compile:
        with tempfile.TemporaryDirectory(prefix="elman-numba-cache-") as cache_dir:
            cold = first_call_times(cache_dir)
            cached = first_call_times(cache_dir)
        print()
        print("first train() call in a new process (numba start-up + compile or cache load):")
        for label, times in (("cold (empty cache)", cold), ("cached", cached)):
            print(f"  {label:<19} online {times['online']:6.2f} s   bptt {times['bptt']:6.2f} s"
                  f"   (import elman_core {times['import']:.2f} s)")

    if failed:
        print(f"\nFAILED: the kernel's weights differ from the NumPy loop by more than {TOLERANCE}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
