"""The context units in the compiled kernels: what a step starts from, what it copies into the
context for the next step, and (BPTT) the way back through that copy; the records too.

The kernels' side of :mod:`elman_core.model.architectures`: an architecture hands the kernels
``copy_output`` (the context takes the output — Jordan's — instead of the hidden state) and
``decay`` (Jordan's μ: context(t+1) = μ·context(t) + output(t)). The choices behind the
kernels are explained in :mod:`elman_core.model.kernels`.
"""

from __future__ import annotations

from elman_core.model.activations import OUT_LINEAR, OUT_SIGMOID
from elman_core.model.kernels_flags import HELPER
from elman_core.model.numba_cache import njit  # numba's, with a cache that cannot fail


@njit(**HELPER)
def _prepare_context(context, reset, context_init, forget_context):
    """Sequence start (reset) or the no-memory experiment (forget), as step() does."""
    if reset:
        context[:] = context_init
    if forget_context:
        context[:] = 0.0


@njit(**HELPER)
def _copy_into_context(context, hidden, r, output, copy_output, decay):
    """The copy link, as Architecture.next_context: context ← hidden[r] (Elman), or
    context ← decay·context + output (Jordan; a plain copy when the decay is 0)."""
    if not copy_output:
        for k in range(context.shape[0]):
            context[k] = hidden[r, k]
    elif decay == 0.0:
        for k in range(context.shape[0]):
            context[k] = output[k]
    else:
        for k in range(context.shape[0]):
            context[k] = decay * context[k] + output[k]


@njit(**HELPER)
def _output_backward(output, gradient, output_kind, into):
    """into = dE/d(output net input) from dE/dy (``gradient``), through the output activation
    (activations.output_backward): how a Jordan context passes error back into the output."""
    n_out = output.shape[0]
    if output_kind == OUT_SIGMOID:
        for o in range(n_out):
            into[o] = gradient[o] * output[o] * (1.0 - output[o])
    elif output_kind == OUT_LINEAR:
        for o in range(n_out):
            into[o] = gradient[o]
    else:  # softmax: y ⊙ (g − y·g)
        dot = 0.0
        for o in range(n_out):
            dot += output[o] * gradient[o]
        for o in range(n_out):
            into[o] = output[o] * (gradient[o] - dot)


@njit(**HELPER)
def _record(hidden_record, output_record, context_record, t, T, hidden, r, output, context):
    """hidden[r], output and the context step t used into the records: a record of R rows
    keeps the last R steps, step t at row t − (T − R) (so one row per step keeps them all, a
    one-row record the last). The context record has as many rows as the hidden one.

    The two records may differ in length: the GUI keeps every output of an epoch (its
    per-unit errors) but only the hidden states its activation history shows."""
    row = t - (T - hidden_record.shape[0])
    if row >= 0:
        for j in range(hidden.shape[1]):
            hidden_record[row, j] = hidden[r, j]
        for k in range(context.shape[0]):
            context_record[row, k] = context[k]
    row = t - (T - output_record.shape[0])
    if row >= 0:
        for o in range(output.shape[0]):
            output_record[row, o] = output[o]
