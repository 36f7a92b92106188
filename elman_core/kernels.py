"""Compiled training loops: the same arithmetic as ElmanNetwork.step, without Python per step.

``nogil=True`` lets the GUI thread keep painting while a worker thread trains; ``cache=True``
keeps the machine code on disk so only the very first start pays for compilation. Reductions
may be reassociated (vectorised) but NaN and infinity keep their IEEE meaning, so a diverging
run is still detected. Every array is updated in place.

Why the code looks the way it does (each point was measured, see benchmarks/bench_train.py):

* Rows are read as ``X[t, i]``, never as a view ``X[t]``: a view is a new array object whose
  reference counting costs as much as the arithmetic of a whole 1-4-1 step.
* Every helper is small, takes plain arrays and is inlined by LLVM into the training loop,
  so splitting the step into named pieces costs nothing.
* Branches that do not change inside a loop (momentum or not, which activation) are taken
  once, outside the loop, so the loop body is straight-line code the compiler can vectorise.
* Nothing is allocated inside the loop over timesteps; BPTT's buffers are made once per call.
* The online rule walks each weight matrix as few times as possible: the output weights are
  read for the backward pass and updated in the same pass.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Allow vectorised sums; keep NaN/inf semantics (no 'nnan'/'ninf') so divergence is visible.
FAST = {"reassoc", "contract", "nsz", "arcp"}
SIGMOID, TANH = 0, 1
OUT_SIGMOID, OUT_LINEAR, OUT_SOFTMAX = 0, 1, 2


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _sigmoid(v):
    # Clipped like seeds/000 (exp never overflows). min/max compile to branch-free selects and
    # a NaN passes through them, so a diverged net still shows NaN.
    v = min(max(v, -500.0), 500.0)
    return 1.0 / (1.0 + math.exp(-v))


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _prepare_context(context, reset, context_init, forget_context):
    """Sequence start (reset) or the no-memory experiment (forget), as step() does."""
    if reset:
        context[:] = context_init
    if forget_context:
        context[:] = 0.0


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _hidden_layer(W_ih, W_hh, b_h, X, t, context, hidden_kind, lesioned, hidden):
    """hidden = f(W_ih·x(t) + W_hh·context + b_h); lesioned units are held at 0."""
    H, n_in = W_ih.shape
    for j in range(H):
        # Two contiguous dot products per row: with 'reassoc' LLVM vectorises them.
        s = 0.0
        for i in range(n_in):
            s += W_ih[j, i] * X[t, i]
        r = 0.0
        for k in range(H):
            r += W_hh[j, k] * context[k]
        hidden[j] = s + r + b_h[j]  # same association as step(): (W_ih x + W_hh c) + b_h
    # The activation in its own loop keeps the function calls (exp, tanh) out of the sums.
    if hidden_kind == SIGMOID:
        for j in range(H):
            hidden[j] = _sigmoid(hidden[j])
    else:
        for j in range(H):
            hidden[j] = math.tanh(hidden[j])
    for j in range(H):
        if lesioned[j]:
            hidden[j] = 0.0


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _output_layer(W_ho, b_o, hidden, output_kind, output):
    """output = g(W_ho·hidden + b_o) with g sigmoid, identity or softmax."""
    n_out, H = W_ho.shape
    for o in range(n_out):
        s = 0.0
        for j in range(H):
            s += W_ho[o, j] * hidden[j]
        output[o] = s + b_o[o]
    if output_kind == OUT_SIGMOID:
        for o in range(n_out):
            output[o] = _sigmoid(output[o])
    elif output_kind == OUT_SOFTMAX:
        top = output.max()  # shift for exp's sake, exactly as activations.softmax does
        total = 0.0
        for o in range(n_out):
            output[o] = math.exp(output[o] - top)
            total += output[o]
        for o in range(n_out):
            output[o] = output[o] / total


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _output_delta_and_loss(output, Y, t, output_kind, delta_output):
    """Fill δo for row t's target and return the reported loss (MSE, or cross-entropy)."""
    n_out = output.shape[0]
    loss = 0.0
    if output_kind == OUT_SOFTMAX:
        for o in range(n_out):
            delta_output[o] = output[o] - Y[t, o]
            loss -= Y[t, o] * math.log(max(output[o], 1e-300))
        return loss
    for o in range(n_out):
        error = output[o] - Y[t, o]
        if output_kind == OUT_SIGMOID:
            delta_output[o] = error * output[o] * (1.0 - output[o])
        else:
            delta_output[o] = error
        loss += error * error
    return loss / n_out


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _times_hidden_derivative(dz, hidden, hidden_kind, lesioned):
    """dz ·= f'(h), f' written through the activation value; lesioned units get no gradient."""
    H = hidden.shape[0]
    if hidden_kind == SIGMOID:
        for j in range(H):
            dz[j] *= hidden[j] * (1.0 - hidden[j])
    else:
        for j in range(H):
            dz[j] *= 1.0 - hidden[j] * hidden[j]
    for j in range(H):
        if lesioned[j]:
            dz[j] = 0.0


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _backprop_and_descend_output(W_ho, V_ho, delta_output, hidden, lr, momentum, dz):
    """dz = W_hoᵀ δo with the *old* output weights, and W_ho's update, in one pass over W_ho.

    Reading a weight for the backward sum and then changing it is what seeds/000 does in two
    statements (δh first, then W_ho -= ...); one pass halves the memory traffic.
    """
    n_out, H = W_ho.shape
    dz[:] = 0.0
    if momentum == 0.0:
        for o in range(n_out):
            d = delta_output[o]
            for j in range(H):
                dz[j] += W_ho[o, j] * d
                change = -(lr * (d * hidden[j]))  # seeds/000: W -= lr·grad
                V_ho[o, j] = change
                W_ho[o, j] += change
    else:
        for o in range(n_out):
            d = delta_output[o]
            for j in range(H):
                dz[j] += W_ho[o, j] * d
                change = momentum * V_ho[o, j] - lr * (d * hidden[j])
                V_ho[o, j] = change
                W_ho[o, j] += change


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _descend_outer(W, V, rows, X, t, lr, momentum):
    """W += V with V = momentum·V − lr·(rows ⊗ X[t]): one pass over the matrix.

    The column vector is a row of a 2-D array (the input row, or the context as a 1-row
    array) so no view has to be made per step.
    """
    n_rows, n_cols = W.shape
    if momentum == 0.0:
        for a in range(n_rows):
            r = rows[a]
            for b in range(n_cols):
                change = -(lr * (r * X[t, b]))
                V[a, b] = change
                W[a, b] += change
    else:
        for a in range(n_rows):
            r = rows[a]
            for b in range(n_cols):
                change = momentum * V[a, b] - lr * (r * X[t, b])
                V[a, b] = change
                W[a, b] += change


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _descend_vector(b, V, gradient, lr, momentum):
    """b += V with V = momentum·V − lr·gradient."""
    if momentum == 0.0:
        for a in range(b.shape[0]):
            change = -(lr * gradient[a])
            V[a] = change
            b[a] += change
    else:
        for a in range(b.shape[0]):
            change = momentum * V[a] - lr * gradient[a]
            V[a] = change
            b[a] += change


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _record(hidden_record, output_record, t, T, hidden, output):
    """Row t of the records, or only the last step when they have a single row."""
    if hidden_record.shape[0] > 1:
        r = t
    elif t == T - 1:
        r = 0
    else:
        return
    for j in range(hidden.shape[0]):
        hidden_record[r, j] = hidden[j]
    for o in range(output.shape[0]):
        output_record[r, o] = output[o]


@njit(cache=True, nogil=True, fastmath=FAST)
def train_online(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
                 resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
                 forget_context, losses, hidden_record, output_record):
    """Elman's rule for every row: forward, one-step backprop, update, copy hidden → context.

    Row t's hidden and output activations go to row t of the records when they have a row per
    step (a one-row record just holds the last step).
    """
    T = X.shape[0]
    H = W_hh.shape[0]
    n_out = W_ho.shape[0]
    hidden = np.empty(H)
    output = np.empty(n_out)
    delta_output = np.empty(n_out)
    dz = np.empty(H)
    # The context seen by this step as a 1-row matrix, so _descend_outer reads it like X.
    used_context = np.empty((1, H))
    for t in range(T):
        _prepare_context(context, resets[t], context_init, forget_context)
        _hidden_layer(W_ih, W_hh, b_h, X, t, context, hidden_kind, lesioned, hidden)
        _output_layer(W_ho, b_o, hidden, output_kind, output)
        if mask[t]:
            losses[t] = _output_delta_and_loss(output, Y, t, output_kind, delta_output)
            # δh uses the output weights *before* this step's update, as in seeds/000.
            _backprop_and_descend_output(W_ho, V_ho, delta_output, hidden, lr, momentum, dz)
            _times_hidden_derivative(dz, hidden, hidden_kind, lesioned)
            _descend_vector(b_o, V_bo, delta_output, lr, momentum)
            _descend_outer(W_ih, V_ih, dz, X, t, lr, momentum)
            for k in range(H):
                used_context[0, k] = context[k]
            _descend_outer(W_hh, V_hh, dz, used_context, 0, lr, momentum)
            _descend_vector(b_h, V_bh, dz, lr, momentum)
        else:
            losses[t] = np.nan
        for k in range(H):
            context[k] = hidden[k]  # the copy link: hidden(t) is context(t+1)
        _record(hidden_record, output_record, t, T, hidden, output)


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _accumulate_outer(G, rows, A, s):
    """G += rows ⊗ A[s] (a row of a 2-D array, read in place)."""
    for a in range(G.shape[0]):
        r = rows[a]
        for b in range(G.shape[1]):
            G[a, b] += r * A[s, b]


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _descend_matrix(W, V, G, lr, momentum):
    """W += V with V = momentum·V − lr·G."""
    n_rows, n_cols = W.shape
    if momentum == 0.0:
        for a in range(n_rows):
            for b in range(n_cols):
                change = -(lr * G[a, b])
                V[a, b] = change
                W[a, b] += change
    else:
        for a in range(n_rows):
            for b in range(n_cols):
                change = momentum * V[a, b] - lr * G[a, b]
                V[a, b] = change
                W[a, b] += change


@njit(cache=True, nogil=True, fastmath=FAST, inline="always")
def _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, X, contexts, hiddens,
                 deltas, start, stop, lr, momentum, hidden_kind, lesioned, forget_context,
                 G_ih, G_hh, G_ho, g_bh, g_bo, from_future, dz):
    """Backpropagate through rows start..stop−1 (weights fixed meanwhile), then update once.

    ``contexts``/``hiddens``/``deltas`` hold the window's steps at rows 0..stop−start−1; the
    G/g arrays, ``from_future`` and ``dz`` are scratch buffers owned by the caller.
    """
    H = W_hh.shape[0]
    n_out = W_ho.shape[0]
    G_ih[:] = 0.0
    G_hh[:] = 0.0
    G_ho[:] = 0.0
    g_bh[:] = 0.0
    g_bo[:] = 0.0
    from_future[:] = 0.0  # dE/dh(t) arriving from later steps through the context copy
    for t in range(stop - 1, start - 1, -1):
        s = t - start
        for o in range(n_out):
            d = deltas[s, o]
            g_bo[o] += d
            for j in range(H):
                G_ho[o, j] += d * hiddens[s, j]
        # dz = (W_hoᵀ δo + from_future) · f'(h)
        for j in range(H):
            dz[j] = from_future[j]
        for o in range(n_out):
            d = deltas[s, o]
            for j in range(H):
                dz[j] += W_ho[o, j] * d
        for j in range(H):
            h = hiddens[s, j]
            if hidden_kind == SIGMOID:
                dz[j] *= h * (1.0 - h)
            else:
                dz[j] *= 1.0 - h * h
            if lesioned[j]:
                dz[j] = 0.0
        _accumulate_outer(G_ih, dz, X, t)
        _accumulate_outer(G_hh, dz, contexts, s)
        for j in range(H):
            g_bh[j] += dz[j]
        # dE/dh(t−1) through the context copy: W_hhᵀ dz (nothing when the context is zeroed).
        from_future[:] = 0.0
        if not forget_context:
            for j in range(H):
                d = dz[j]
                for k in range(H):
                    from_future[k] += W_hh[j, k] * d
    _descend_matrix(W_ho, V_ho, G_ho, lr, momentum)
    _descend_vector(b_o, V_bo, g_bo, lr, momentum)
    _descend_matrix(W_ih, V_ih, G_ih, lr, momentum)
    _descend_matrix(W_hh, V_hh, G_hh, lr, momentum)
    _descend_vector(b_h, V_bh, g_bh, lr, momentum)


@njit(cache=True, nogil=True, fastmath=FAST)
def train_bptt(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
               resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
               forget_context, window, losses, hidden_record, output_record):
    """Backpropagation through time in windows of ``window`` rows (0: whole segments).

    A window also ends before a context reset and at the last row, as ``step(flush=True)`` does.
    """
    T = X.shape[0]
    H = W_hh.shape[0]
    n_out = W_ho.shape[0]
    # The steps of the current window; a fixed window needs only `window` rows.
    span = T if window <= 0 else min(window, T)
    contexts = np.empty((span, H))
    hiddens = np.empty((span, H))
    deltas = np.zeros((span, n_out))
    hidden = np.empty(H)
    output = np.empty(n_out)
    delta_output = np.empty(n_out)
    # Scratch for _bptt_window, allocated once rather than per window.
    G_ih = np.empty(W_ih.shape)
    G_hh = np.empty(W_hh.shape)
    G_ho = np.empty(W_ho.shape)
    g_bh = np.empty(H)
    g_bo = np.empty(n_out)
    from_future = np.empty(H)
    dz = np.empty(H)
    start = 0
    for t in range(T):
        if resets[t] and t > start:
            _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, X, contexts,
                         hiddens, deltas, start, t, lr, momentum, hidden_kind, lesioned,
                         forget_context, G_ih, G_hh, G_ho, g_bh, g_bo, from_future, dz)
            start = t
        _prepare_context(context, resets[t], context_init, forget_context)
        _hidden_layer(W_ih, W_hh, b_h, X, t, context, hidden_kind, lesioned, hidden)
        _output_layer(W_ho, b_o, hidden, output_kind, output)
        s = t - start
        for k in range(H):
            contexts[s, k] = context[k]
            hiddens[s, k] = hidden[k]
        if mask[t]:
            losses[t] = _output_delta_and_loss(output, Y, t, output_kind, delta_output)
            for o in range(n_out):
                deltas[s, o] = delta_output[o]
        else:
            losses[t] = np.nan
            for o in range(n_out):
                deltas[s, o] = 0.0  # no target: no error enters here, but the past still learns
        for k in range(H):
            context[k] = hidden[k]
        _record(hidden_record, output_record, t, T, hidden, output)
        if (window > 0 and t + 1 - start >= window) or t == T - 1:
            _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, X, contexts,
                         hiddens, deltas, start, t + 1, lr, momentum, hidden_kind, lesioned,
                         forget_context, G_ih, G_hh, G_ho, g_bh, g_bo, from_future, dz)
            start = t + 1
