"""How well next-word predictions fit, measured as Elman (1990) measured them (p. 200).

The paper scores the sentence network twice: against the actual next word (RMS 0.88; an
all-zero output would score 1.0) and against the "likelihood vectors", the probability of every
word coming next given the sentence so far (RMS 0.053, mean cosine 0.916). The scales differ:
0.88 and 1.0 are Euclidean distances per step (the root of the mean over steps of the summed
squared error), while 0.053 can only be per output unit (÷ √31): a mean cosine of 0.916 forces
a Euclidean distance of at least about 0.05 per step, and much more for a grammar like this one.
So every RMS is given on both scales here.

:func:`fit_figures` scores any predictor; :func:`likelihood_fit` scores the network beside two
references that place it: the *ideal* predictor, which outputs the exact likelihoods (its fit
to them is perfect by construction, its error against the actual next word the least any
predictor can have), and a *bigram* model, which outputs the next word's relative frequency
after the current word in the same stream (what a network without memory can at best learn).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class FitFigures:
    """One predictor's fit; RMS per step (Euclidean) and per output unit (÷ √units)."""

    rms_next_word: float  # against the actual next word (paper 0.88; all-zero outputs: 1.0)
    rms_next_word_per_unit: float
    rms_vs_likelihood: float  # against the exact next-word probabilities
    rms_vs_likelihood_per_unit: float  # (paper 0.053)
    cosine_vs_likelihood: float  # mean over steps (paper 0.916)

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass(frozen=True)
class LikelihoodFit:
    """The network's fit and, to place it, the ideal predictor's and a bigram model's."""

    network: FitFigures
    ideal: FitFigures
    bigram: FitFigures


def fit_figures(predictions: np.ndarray, targets: np.ndarray,
                likelihoods: np.ndarray) -> FitFigures:
    """Score ``predictions`` (T, units) against one-hot ``targets`` and ``likelihoods``."""
    predictions = np.asarray(predictions, dtype=np.float64)
    units = predictions.shape[1]

    def rms(reference: np.ndarray) -> float:  # Euclidean: the root of the mean summed square
        return float(np.sqrt(np.mean(np.sum((predictions - reference) ** 2, axis=1))))

    norms = np.linalg.norm(predictions, axis=1) * np.linalg.norm(likelihoods, axis=1)
    cosine = np.sum(predictions * likelihoods, axis=1) / np.maximum(norms, 1e-300)
    next_word, vs_likelihood = rms(targets), rms(likelihoods)
    return FitFigures(next_word, next_word / np.sqrt(units), vs_likelihood,
                      vs_likelihood / np.sqrt(units), float(np.mean(cosine)))


def bigram_predictions(inputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """For each row, the relative frequency of every next word after that row's input word,
    counted over the same one-hot stream (``inputs`` and ``targets``, (T, units))."""
    current = np.argmax(inputs, axis=1)
    table = np.zeros((inputs.shape[1], targets.shape[1]))
    np.add.at(table, current, targets)
    table /= np.maximum(table.sum(axis=1, keepdims=True), 1.0)
    return table[current]


def likelihood_fit(outputs: np.ndarray, inputs: np.ndarray, targets: np.ndarray,
                   likelihoods: np.ndarray) -> LikelihoodFit:
    """The network's ``outputs`` on a one-hot stream, the ideal predictor and the bigram model,
    each scored by :func:`fit_figures`."""
    return LikelihoodFit(fit_figures(outputs, targets, likelihoods),
                         fit_figures(likelihoods, targets, likelihoods),
                         fit_figures(bigram_predictions(inputs, targets), targets, likelihoods))
