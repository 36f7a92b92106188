"""Sweep for issue 20: which (learning rate, weight scale, passes) give Fig. 7 by the paper's
method (Euclidean distance, average linkage, raw mean hidden vectors) AND a cosine against the
exact next-word likelihoods at the paper's level (0.916)?

Trains each (lr, weight scale, seed) once to the largest pass count and measures at every
checkpoint. Prints one line per measurement (tab-separated). Tuning seeds only: the seeds the
chosen defaults are validated on are never run here.

    PYTHONPATH=. nice -n 10 uv run python benchmarks/sweeps/sentence_defaults_sweep.py \
        > benchmarks/sweeps/sweep.tsv
"""

from __future__ import annotations

import itertools
import sys
import time

import numpy as np

from elman_core import tasks
from elman_core.analysis import clustering, hidden_states
from elman_core.tasks import sentences
from elman_core.training.session import TrainingSession, settings_for

CHECKPOINTS = (6, 10, 20, 40)


def measure(session, corpus, likelihoods):
    run = hidden_states.frozen_pass(session.network, session.sequence)
    means = hidden_states.mean_hidden_by_word(session.network, session.sequence,
                                              sentences.LEXICON, run=run)
    norms = np.linalg.norm(run.outputs, axis=1) * np.linalg.norm(likelihoods, axis=1)
    cosine = float(np.mean(np.sum(run.outputs * likelihoods, axis=1) / norms))
    rms_unit = float(np.sqrt(np.mean((run.outputs - likelihoods) ** 2)))
    result = [cosine, rms_unit]
    nouns = [w for w in means if sentences.is_noun(w)]
    for method in clustering.METHODS:
        tree = hidden_states.cluster_words(means, method)
        result += [hidden_states.top_split_purity(tree, sentences.is_noun),
                   hidden_states.top_split_purity(tree, sentences.is_animate, within=nouns)]
    return result


def main(seeds=(1, 2), rates=(0.2, 0.1, 0.05), scales=(0.5, 0.1), checkpoints=CHECKPOINTS):
    task = tasks.get("sentences")
    print("lr\tscale\tseed\tpasses\tcosine\trms_unit\tpaper_nv\tpaper_anim\tstd_nv\tstd_anim",
          flush=True)
    for scale, seed, lr in itertools.product(scales, seeds, rates):
        settings = settings_for(task, seed=seed, learning_rate=lr, weight_scale=scale,
                                epochs=max(checkpoints))
        session = TrainingSession(task, settings)
        corpus = task.sentences(settings.sequence_length, seed)
        likelihoods = sentences.likelihood_rows(corpus)
        started = time.perf_counter()

        def after_epoch(s, lr=lr, scale=scale, seed=seed, corpus=corpus, lk=likelihoods):
            if s.epoch in checkpoints:
                values = measure(s, corpus, lk)
                print("\t".join(map(str, [lr, scale, seed, s.epoch]))
                      + "\t" + "\t".join(f"{v:.4f}" for v in values), flush=True)

        with np.errstate(over="ignore", invalid="ignore"):
            session.train(on_epoch=after_epoch)
        print(f"# {lr} {scale} {seed}: {time.perf_counter() - started:.0f} s", file=sys.stderr,
              flush=True)


def numbers(text: str, kind=float) -> tuple:
    return tuple(kind(x) for x in text.split(","))


if __name__ == "__main__":
    # Optional: seeds rates scales checkpoints, each comma-separated (the first sweep used the
    # defaults above; the second: 2,3 0.05 0.5 20,30,40).
    if len(sys.argv) == 5:
        main(numbers(sys.argv[1], int), numbers(sys.argv[2]), numbers(sys.argv[3]),
             numbers(sys.argv[4], int))
    else:
        main()
