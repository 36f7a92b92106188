"""The compiled loop of backpropagation through time: the same arithmetic as ElmanNetwork.step
with ``rule="bptt"``, without Python per step.

It shares the forward pass, the output error and the unit derivatives with the online rule's
loop in :mod:`elman_core.model.kernels` (where the choices behind all kernels are explained).
Windows do
not overlap: a window ends when it is full, before a context reset, or where ``flush`` says, and
the gradients of its steps are summed into one update; a window left open at the end of a call
continues in the next, so training split into calls equals one call.
"""

from __future__ import annotations

import numpy as np

from elman_core.model.kernels import (  # shared pieces of a step, inlined here too
    _activate_hidden,
    _hidden_net,
    _output_delta_and_loss,
    _output_layer,
    _times_hidden_derivative,
)
from elman_core.model.kernels_context import (
    _copy_into_context,
    _output_backward,
    _prepare_context,
    _record,
)
from elman_core.model.kernels_flags import ENTRY, HELPER, LOOP
from elman_core.model.numba_cache import njit  # numba's, with a cache that cannot fail


# ------------------------------------------------------------- backpropagation through time
@njit(**HELPER)
def _descend_matrix(W, V, G, lr, momentum):
    """W += V with V = momentum·V − lr·G (V is always written: a window ends rarely)."""
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


@njit(**HELPER)
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


@njit(**LOOP)
def _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, inputs, contexts,
                 hiddens, deltas, filled, lr, momentum, hidden_kind, output_kind, lesioned,
                 forget_context, copy_output, decay, G_ih, G_hh, G_ho, g_bh, g_bo, from_future,
                 dz, output, into_output):
    """Backpropagate through the window's ``filled`` steps (weights fixed meanwhile), then
    update once: the gradients of the steps are summed.

    ``inputs``/``contexts``/``hiddens``/``deltas`` hold the window's steps at rows
    0..filled−1 (the first ones may come from an earlier call); the G/g arrays,
    ``from_future``, ``dz``, ``output`` and ``into_output`` are scratch buffers owned by the
    caller. Not inlined: it runs once per window, and one copy keeps compilation short.

    ``from_future`` is dE/dcontext(t+1), the error arriving from later steps. Elman's context
    is hidden(t): it joins the hidden error. Jordan's is μ·context(t) + output(t): it enters
    the output through its activation (the output is recomputed from the stored hidden state,
    with the same fixed weights), and a share μ of it passes on to context(t).
    """
    H, C = W_hh.shape
    n_out = W_ho.shape[0]
    G_ih[:] = 0.0
    G_hh[:] = 0.0
    G_ho[:] = 0.0
    g_bh[:] = 0.0
    g_bo[:] = 0.0
    from_future[:] = 0.0
    into_output[:] = 0.0
    for s in range(filled - 1, -1, -1):
        # dz = (W_hoᵀ δo + from_future) · f'(h), and the output layer's gradient.
        if copy_output:
            _output_layer(W_ho, b_o, hiddens, s, output_kind, output)
            _output_backward(output, from_future, output_kind, into_output)
            dz[:] = 0.0
        else:
            for j in range(H):
                dz[j] = from_future[j]
        for o in range(n_out):
            d = deltas[s, o] + into_output[o]
            g_bo[o] += d
            for j in range(H):
                G_ho[o, j] += d * hiddens[s, j]
                dz[j] += W_ho[o, j] * d
        _times_hidden_derivative(dz, hiddens, s, hidden_kind, lesioned)
        # One pass over the hidden layer's rows: their gradients, and dE/dcontext(t) =
        # W_hhᵀ dz (+ μ·dE/dcontext(t+1) through Jordan's decay); nothing when the context was
        # zeroed instead of copied.
        if copy_output and decay != 0.0:
            for k in range(C):
                from_future[k] *= decay
        else:
            from_future[:] = 0.0
        for j in range(H):
            d = dz[j]
            g_bh[j] += d
            for i in range(G_ih.shape[1]):
                G_ih[j, i] += d * inputs[s, i]
            if forget_context:
                for k in range(C):
                    G_hh[j, k] += d * contexts[s, k]
            else:
                for k in range(C):
                    G_hh[j, k] += d * contexts[s, k]
                    from_future[k] += W_hh[j, k] * d
        if forget_context:
            from_future[:] = 0.0
    _descend_matrix(W_ho, V_ho, G_ho, lr, momentum)
    _descend_vector(b_o, V_bo, g_bo, lr, momentum)
    _descend_matrix(W_ih, V_ih, G_ih, lr, momentum)
    _descend_matrix(W_hh, V_hh, G_hh, lr, momentum)
    _descend_vector(b_h, V_bh, g_bh, lr, momentum)


@njit(**ENTRY)
def train_bptt(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
               resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
               forget_context, copy_output, decay, window, flush, inputs, contexts, hiddens,
               deltas, n_pending, losses, hidden_record, output_record, context_record):
    """Backpropagation through time in windows of ``window`` rows (0: whole segments).

    The window buffers ``inputs``/``contexts``/``hiddens``/``deltas`` (one row per step of a
    window, room for a whole window) start with the ``n_pending`` steps of a window an earlier
    call left open. A window ends when it is full, after a row whose ``flush`` is set, and
    before a context reset, as ``step()`` does; returns how many steps of the last window are
    still open (at rows 0.. of the buffers), for the next call to continue.
    """
    H, C = W_hh.shape
    n_out = W_ho.shape[0]
    return _bptt_loop(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y,
                      mask, resets, lr, momentum, context_init, hidden_kind, output_kind,
                      lesioned, forget_context, copy_output, decay, window, flush, inputs,
                      contexts, hiddens, deltas, n_pending, losses, hidden_record, output_record,
                      context_record, np.empty(H), np.empty(n_out), np.empty(n_out),
                      np.empty(W_ih.shape), np.empty(W_hh.shape), np.empty(W_ho.shape),
                      np.empty(H), np.empty(n_out), np.empty(C), np.empty(H), np.empty(n_out),
                      np.empty(n_out))


@njit(**LOOP)
def _bptt_loop(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
               resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
               forget_context, copy_output, decay, window, flush, inputs, contexts, hiddens,
               deltas, filled, losses, hidden_record, output_record, context_record,
               net, output, delta_output, G_ih, G_hh, G_ho, g_bh, g_bo, from_future, dz,
               window_output, into_output):
    """train_bptt's loop; the arrays after ``output_record`` are scratch (see _bptt_window)."""
    T = X.shape[0]
    C = W_hh.shape[1]
    n_in = X.shape[1]
    n_out = W_ho.shape[0]
    for t in range(T):
        if filled > 0 and resets[t]:
            # A new segment starts: the old window must not leak into it.
            _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, inputs,
                         contexts, hiddens, deltas, filled, lr, momentum, hidden_kind,
                         output_kind, lesioned, forget_context, copy_output, decay, G_ih, G_hh,
                         G_ho, g_bh, g_bo, from_future, dz, window_output, into_output)
            filled = 0
        _prepare_context(context, resets[t], context_init, forget_context)
        _hidden_net(W_ih, W_hh, b_h, X, t, context, net)
        s = filled
        _activate_hidden(net, hidden_kind, lesioned, hiddens, s)
        _output_layer(W_ho, b_o, hiddens, s, output_kind, output)
        if mask[t]:
            losses[t] = _output_delta_and_loss(output, Y, t, output_kind, delta_output)
        else:
            losses[t] = np.nan
            delta_output[:] = 0.0  # no error enters here; gradient from later steps still passes
        for o in range(n_out):
            deltas[s, o] = delta_output[o]
        for i in range(n_in):
            inputs[s, i] = X[t, i]
        for k in range(C):
            contexts[s, k] = context[k]
        _record(hidden_record, output_record, context_record, t, T, hiddens, s, output, context)
        _copy_into_context(context, hiddens, s, output, copy_output, decay)
        filled += 1
        if flush[t] or (window > 0 and filled >= window):
            _bptt_window(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, inputs,
                         contexts, hiddens, deltas, filled, lr, momentum, hidden_kind,
                         output_kind, lesioned, forget_context, copy_output, decay, G_ih, G_hh,
                         G_ho, g_bh, g_bo, from_future, dz, window_output, into_output)
            filled = 0
    return filled
