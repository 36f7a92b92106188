"""Compiled training loops: the same arithmetic as ElmanNetwork.step, without Python per step.

``nogil=True`` lets the GUI thread keep painting while a worker thread trains; ``cache=True``
keeps the machine code on disk so only the very first start pays for compilation. Sums may be
reassociated (vectorised), a·b + c may become one fused multiply-add and the sigmoid's exp is
computed here (within 1 ulp of the C library's), so results differ from step() in the last bits
only; NaN and infinity keep their IEEE meaning (no 'nnan'/'ninf'), so a diverging run is still
detected. Every array is updated in place.

Why the code looks the way it does — each point was measured (benchmarks/bench_train.py and a
profile of the compiled loop), on 1-4-1, 6-20-6 and 31-150-31 networks:

* Helpers are ``inline="always"`` and the loops are compiled without numba's reference counting
  (``_nrt=False``; they never allocate). Each helper is a named piece of the step, but calling
  it costs nothing. Left to LLVM, half of them stayed real calls passing a dozen array structs,
  and every inlined array argument cost an atomic incref/decref pair per step: together more
  than half of a small network's step.
* Rows are read as ``X[t, i]``, not through views ``X[t]``; nothing is allocated inside the loop
  over timesteps (the entry points make the scratch buffers once per call).
* Branches that do not change inside a loop (momentum or not, which activation) are taken
  outside it, so the loop body is straight-line code that vectorises.
* ``error_model="numpy"``: a division by zero gives inf/NaN instead of a Python exception
  check before every division.
* The sigmoid's exp is a polynomial LLVM can vectorise (see _exp): math.exp is a library call,
  one unit at a time, and was a third of a 6-20-6 step.
* The online rule touches each weight matrix as few times as possible — on a big network
  moving the matrices between cache and core costs more than the arithmetic:
    - the output weights are read for the backward sum and updated in one pass;
    - the input and context weights take a step's update in the same pass that computes the
      *next* step's hidden net input from the new weights, four rows at a time without
      momentum. That pass has one call site, also used with a zero update at the start of a
      call and after a step without target, so a step computes the same bits wherever a call
      starts: training split into calls anywhere equals one call;
    - without momentum the velocity arrays are not written every step: step() leaves the last
      change in them, so that is written once at the end of the call.
"""

from __future__ import annotations

import math

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

# The codes and the log floor are activations.py's (numba freezes module globals as constants).
from elman_core.model.activations import LOG_FLOOR, OUT_SIGMOID, OUT_SOFTMAX, SIGMOID

# The context: its preparation, the copy link (Elman's or Jordan's) and the records.
from elman_core.model.kernels_context import _copy_into_context, _prepare_context, _record
from elman_core.model.kernels_flags import ENTRY, HELPER, LOOP  # the compile options
from elman_core.model.numba_cache import njit  # numba's, with a cache that cannot fail

# ------------------------------------------------------------------------------ exp for sigmoid
# math.exp is a call into the C library: the loop around it cannot be vectorised, and the
# sigmoids were a third of a 6-20-6 step. _exp is the textbook algorithm written out, so LLVM
# can compute four of them at once: exp(x) = 2^k · exp(r) with k = round(x / ln 2) and
# |r| ≤ ln2 / 2, exp(r) by its Taylor polynomial to degree 13 (truncation error < 1e-17).
# Measured against numpy.exp on 3 million points in [−500, 500]: at most 1 ulp apart, 90 %
# identical (tests/test_network.py checks it).
_LOG2E = 1.4426950408889634
_LN2_HI = 0.6931471803691238  # ln 2 rounded to 32 significant bits: k·_LN2_HI is exact
_LN2_LO = 1.9082149292705877e-10  # ln 2 − _LN2_HI
_ROUNDING_SHIFT = 6755399441055744.0  # 1.5·2^52: k + this holds k in its low bits


@intrinsic
def _float_bits(typingctx, x):
    """The IEEE bits of a float64 as an int64 (a reinterpretation; costs nothing)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return types.int64(types.float64), codegen


@intrinsic
def _bits_float(typingctx, i):
    """The float64 whose IEEE bits are the int64 ``i``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return types.float64(types.int64), codegen


# Not inline="always" and only 'contract' (no 'reassoc'): numba-level inlining would compile
# this with the caller's flags, and reassociation would undo the exact two-part subtraction
# of k·ln 2. LLVM still inlines the small function, keeping these flags.
@njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")
def _exp(x):
    """exp(x) for |x| ≤ 700 (the sigmoid's clipped range), NaN in → NaN out."""
    k = np.rint(x * _LOG2E)
    r = (x - k * _LN2_HI) - k * _LN2_LO
    r2 = r * r
    r4 = r2 * r2
    # exp(r) = 1 + (r + r²·P(r)), P(r) = 1/2! + r/3! + … + r¹¹/13! by Estrin's scheme (pairs,
    # then pairs of pairs): a dependency chain of 5 multiply-adds instead of Horner's 13, which
    # matters when a small network waits for each sigmoid. Adding the 1 last keeps it exact.
    p = ((1 / 2 + r * (1 / 6)) + (1 / 24 + r * (1 / 120)) * r2) + (
        ((1 / 720 + r * (1 / 5040)) + (1 / 40320 + r * (1 / 362880)) * r2)
        + ((1 / 3628800 + r * (1 / 39916800)) + (1 / 479001600 + r * (1 / 6227020800)) * r2) * r4
    ) * r4
    p = 1.0 + (r + r2 * p)
    # 2^k built directly in the exponent field: (k + 1023) << 52.
    k_int = _float_bits(k + _ROUNDING_SHIFT) - _float_bits(_ROUNDING_SHIFT)
    return p * _bits_float((k_int + 1023) << 52)


# ----------------------------------------------------------------------------- forward pass
@njit(**HELPER)
def _sigmoid(v):
    # Clipped like seeds/000 (so exp stays in range). min/max compile to branch-free selects
    # and a NaN passes through them, so a diverged net still shows NaN.
    v = min(max(v, -500.0), 500.0)
    return 1.0 / (1.0 + _exp(-v))


@njit(**HELPER)
def _hidden_net(W_ih, W_hh, b_h, X, t, context, net):
    """net = W_ih·x(t) + W_hh·context + b_h."""
    H, n_in = W_ih.shape
    for j in range(H):
        # Two contiguous dot products per row: with 'reassoc' LLVM vectorises them.
        s = 0.0
        for i in range(n_in):
            s += W_ih[j, i] * X[t, i]
        r = 0.0
        for k in range(W_hh.shape[1]):
            r += W_hh[j, k] * context[k]
        net[j] = s + r + b_h[j]  # same association as step(): (W_ih x + W_hh c) + b_h


@njit(**HELPER)
def _activate_hidden(net, hidden_kind, lesioned, hidden, r):
    """hidden[r] = f(net), lesioned units held at 0."""
    H = net.shape[0]
    if hidden_kind == SIGMOID:
        for j in range(H):
            hidden[r, j] = 0.0 if lesioned[j] else _sigmoid(net[j])
    else:
        for j in range(H):
            hidden[r, j] = 0.0 if lesioned[j] else math.tanh(net[j])


@njit(**HELPER)
def _output_layer(W_ho, b_o, hidden, r, output_kind, output):
    """output = g(W_ho·hidden[r] + b_o) with g sigmoid, identity or softmax."""
    n_out, H = W_ho.shape
    for o in range(n_out):
        s = 0.0
        for j in range(H):
            s += W_ho[o, j] * hidden[r, j]
        output[o] = s + b_o[o]
    if output_kind == OUT_SIGMOID:
        for o in range(n_out):
            output[o] = _sigmoid(output[o])
    elif output_kind == OUT_SOFTMAX:
        # Shifted by the largest net input, as activations.softmax does. (A NaN anywhere makes
        # every output NaN either way, through the sum.)
        top = output[0]
        for o in range(1, n_out):
            top = max(top, output[o])
        total = 0.0
        for o in range(n_out):
            output[o] = math.exp(output[o] - top)
            total += output[o]
        for o in range(n_out):
            output[o] = output[o] / total


# ---------------------------------------------------------------------------- backward pass
@njit(**HELPER)
def _output_delta_and_loss(output, Y, t, output_kind, delta_output):
    """Fill δo for row t's target and return the reported loss (MSE, or cross-entropy)."""
    n_out = output.shape[0]
    if output_kind == OUT_SOFTMAX:
        for o in range(n_out):
            delta_output[o] = output[o] - Y[t, o]  # cross-entropy through softmax
    else:
        for o in range(n_out):
            error = output[o] - Y[t, o]
            if output_kind == OUT_SIGMOID:
                delta_output[o] = error * output[o] * (1.0 - output[o])
            else:
                delta_output[o] = error
    return _loss(output, Y, t, output_kind)


# Not inlined and without 'reassoc' (as _exp): the sum is taken in one fixed order. Summed in
# the loop that also wrote δo, a vectorised sum came out a bit different from one call of the
# kernel to the next (the weights never did), so the loss curve depended on how training was
# split into calls.
@njit(cache=True, nogil=True, fastmath={"contract"}, error_model="numpy")
def _loss(output, Y, t, output_kind):
    """The reported loss of row t: mean squared error, or cross-entropy for softmax outputs."""
    n_out = output.shape[0]
    loss = 0.0
    if output_kind == OUT_SOFTMAX:
        for o in range(n_out):
            loss -= Y[t, o] * math.log(max(output[o], LOG_FLOOR))
        return loss
    for o in range(n_out):
        error = output[o] - Y[t, o]
        loss += error * error
    return loss / n_out


@njit(**HELPER)
def _times_hidden_derivative(dz, hidden, j, hidden_kind, lesioned):
    """dz ·= f'(h), f' written through the activation value; lesioned units get no gradient.

    ``hidden`` is a 2-D array and ``j`` its row, so BPTT can pass a stored step in place.
    """
    H = dz.shape[0]
    if hidden_kind == SIGMOID:
        for k in range(H):
            dz[k] *= hidden[j, k] * (1.0 - hidden[j, k])
    else:
        for k in range(H):
            dz[k] *= 1.0 - hidden[j, k] * hidden[j, k]
    for k in range(H):
        if lesioned[k]:
            dz[k] = 0.0


# ------------------------------------------------------------------ online rule (Elman's)
@njit(**HELPER)
def _backprop_and_descend_output(W_ho, V_ho, delta_output, hidden, lr, momentum, dz):
    """dz = W_hoᵀ δo with the *old* output weights, and W_ho's update, in one pass over W_ho.

    seeds/000 computes δh first and then changes W_ho; reading each weight for the sum just
    before changing it is the same arithmetic with half the memory traffic. Without momentum
    the velocity is not written here (see _write_last_change).
    """
    n_out, H = W_ho.shape
    dz[:] = 0.0
    if momentum == 0.0:
        for o in range(n_out):
            d = delta_output[o]
            for j in range(H):
                dz[j] += W_ho[o, j] * d
                W_ho[o, j] -= lr * (d * hidden[0, j])  # seeds/000: W -= lr·grad
    else:
        for o in range(n_out):
            d = delta_output[o]
            for j in range(H):
                dz[j] += W_ho[o, j] * d
                change = momentum * V_ho[o, j] - lr * (d * hidden[0, j])
                V_ho[o, j] = change
                W_ho[o, j] += change


@njit(**HELPER)
def _descend_bias(b, V, gradient, lr, momentum):
    """b −= lr·gradient, or with momentum b += V, V = momentum·V − lr·gradient."""
    if momentum == 0.0:
        for a in range(b.shape[0]):
            b[a] -= lr * gradient[a]
    else:
        for a in range(b.shape[0]):
            change = momentum * V[a] - lr * gradient[a]
            V[a] = change
            b[a] += change


@njit(**HELPER)
def _descend_row_and_dot(W, V, j, g, A, a, B, b, lr, momentum):
    """Row j of W takes its step, W[j] −= lr·g·A[a], and returns the new row · B[b].

    With momentum V[j] is updated too. The returned dot product is the next step's share of
    the net input, computed while the row is in cache anyway.
    """
    s = 0.0
    if momentum == 0.0:
        for k in range(W.shape[1]):
            w = W[j, k] - lr * (g * A[a, k])
            W[j, k] = w
            s += w * B[b, k]
    else:
        for k in range(W.shape[1]):
            change = momentum * V[j, k] - lr * (g * A[a, k])
            V[j, k] = change
            w = W[j, k] + change
            W[j, k] = w
            s += w * B[b, k]
    return s


@njit(**HELPER)
def _descend_hidden_and_net(W_ih, W_hh, b_h, V_ih, V_hh, V_bh, dz, X, t, t_next, contexts,
                            lr, momentum, net):
    """Give the weights into the hidden layer the update of step t and compute step t_next's
    net input from the updated weights, in one pass over them.

    ``contexts[0]`` is the context step t used (its W_hh gradient), ``contexts[1]`` the one
    step t_next uses; ``net`` receives W_ih·x(t_next) + W_hh·contexts[1] + b_h. With ``dz``
    and the velocities all zero the weights stay as they are and only ``net`` is computed —
    by the very same arithmetic.
    """
    _descend_bias(b_h, V_bh, dz, lr, momentum)
    H = W_hh.shape[0]
    if momentum != 0.0:
        for j in range(H):
            g = dz[j]
            s = _descend_row_and_dot(W_ih, V_ih, j, g, X, t, X, t_next, lr, momentum)
            r = _descend_row_and_dot(W_hh, V_hh, j, g, contexts, 0, contexts, 1, lr, momentum)
            net[j] = s + r + b_h[j]
        return
    # Without momentum (seeds/000's rule, the common case) four rows go through together: one
    # row's dot product ends in a chain of dependent additions, four independent ones overlap.
    # (Measured: about −20 % on 6-20-6, −15 % on 31-150-31. This exact loop shape vectorises; a
    # `for block in range(H // 4)` version did not, so benchmark after touching it.)
    first = 0
    while first + 4 <= H:
        j = first
        s0, s1, s2, s3 = _descend_4_rows_and_dot(W_ih, j, dz, X, t, X, t_next, lr)
        r0, r1, r2, r3 = _descend_4_rows_and_dot(W_hh, j, dz, contexts, 0, contexts, 1, lr)
        net[j] = s0 + r0 + b_h[j]
        net[j + 1] = s1 + r1 + b_h[j + 1]
        net[j + 2] = s2 + r2 + b_h[j + 2]
        net[j + 3] = s3 + r3 + b_h[j + 3]
        first += 4
    for j in range(first, H):  # the last H mod 4 rows
        g = dz[j]
        s = _descend_row_and_dot(W_ih, V_ih, j, g, X, t, X, t_next, lr, momentum)
        r = _descend_row_and_dot(W_hh, V_hh, j, g, contexts, 0, contexts, 1, lr, momentum)
        net[j] = s + r + b_h[j]


@njit(**HELPER)
def _descend_4_rows_and_dot(W, j, dz, A, a, B, b, lr):
    """_descend_row_and_dot without momentum for rows j..j+3 at once; returns the four sums."""
    g0, g1, g2, g3 = dz[j], dz[j + 1], dz[j + 2], dz[j + 3]
    s0 = s1 = s2 = s3 = 0.0
    for k in range(W.shape[1]):
        x = A[a, k]
        y = B[b, k]
        w = W[j, k] - lr * (g0 * x)
        W[j, k] = w
        s0 += w * y
        w = W[j + 1, k] - lr * (g1 * x)
        W[j + 1, k] = w
        s1 += w * y
        w = W[j + 2, k] - lr * (g2 * x)
        W[j + 2, k] = w
        s2 += w * y
        w = W[j + 3, k] - lr * (g3 * x)
        W[j + 3, k] = w
        s3 += w * y
    return s0, s1, s2, s3


@njit(**HELPER)
def _write_last_change(V, rows, A, a, lr):
    """V = −lr·(rows ⊗ A[a]): the change step() leaves in the velocity without momentum."""
    for j in range(V.shape[0]):
        for k in range(V.shape[1]):
            V[j, k] = -(lr * (rows[j] * A[a, k]))


@njit(**ENTRY)
def train_online(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
                 resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
                 forget_context, copy_output, decay, losses, hidden_record, output_record,
                 context_record):
    """Elman's rule for every row: forward, one-step backprop, update, copy hidden (or, for a
    Jordan network, the output) → context.

    Row t's hidden and output activations and its context go to the records (see _record: a
    record of R rows holds the last R steps).
    """
    H, C = W_hh.shape
    n_out = W_ho.shape[0]
    _online_loop(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
                 resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
                 forget_context, copy_output, decay, losses, hidden_record, output_record,
                 context_record, np.empty(H), np.empty((1, H)), np.empty(n_out), np.empty(n_out),
                 np.zeros(H), np.zeros((2, C)), np.zeros(n_out), np.zeros(H),
                 np.zeros((2, max(H, C))), np.zeros(H), np.zeros(W_ih.shape),
                 np.zeros(W_hh.shape), np.zeros(H))


@njit(**LOOP)
def _online_loop(W_ih, W_hh, W_ho, b_h, b_o, V_ih, V_hh, V_ho, V_bh, V_bo, context, X, Y, mask,
                 resets, lr, momentum, context_init, hidden_kind, output_kind, lesioned,
                 forget_context, copy_output, decay, losses, hidden_record, output_record,
                 context_record, net, hidden, output, delta_output, dz, contexts,
                 last_delta_output, last_dz, last_vectors, no_dz, no_V_ih, no_V_hh, no_V_bh):
    """train_online's loop; the arrays after ``output_record`` are scratch (``no_*`` zeros).

    The weights into the hidden layer take step t's update at the start of step t+1, in the
    pass that computes step t+1's net input (see _descend_hidden_and_net); after a step
    without update, and at the start of a call, the same pass runs with a zero update, and at
    the end of a call it applies the last update. That pass has a single call site, so every
    step's net input is computed by the same machine code wherever a call starts or ends:
    training split into calls anywhere equals one call bit for bit.

    ``hidden`` is 1×H so helpers read it like a row of X; ``contexts`` row 0 is the context of
    the step whose update is pending, row 1 this step's; the ``last_*`` arrays keep the
    ingredients of the last update without momentum, whose change is the velocity left at the
    end (``last_vectors``: its hidden state in row 0, its context in row 1).
    """
    T = X.shape[0]
    H, C = W_hh.shape
    n_out = W_ho.shape[0]
    pending = False  # step `updated`'s update of the hidden layer's weights is still to come
    updated = 0
    last_t = -1
    for t in range(T + 1):
        if t < T:
            _prepare_context(context, resets[t], context_init, forget_context)
            row = t
        elif pending:
            row = T - 1  # only the update matters: the net input computed here is not used
        else:
            break
        for k in range(C):
            contexts[1, k] = context[k]
        g = dz if pending else no_dz
        v_ih = V_ih if pending else no_V_ih
        v_hh = V_hh if pending else no_V_hh
        v_bh = V_bh if pending else no_V_bh
        _descend_hidden_and_net(W_ih, W_hh, b_h, v_ih, v_hh, v_bh, g, X,
                                updated if pending else row, row, contexts, lr, momentum, net)
        if t == T:
            break
        _activate_hidden(net, hidden_kind, lesioned, hidden, 0)
        _output_layer(W_ho, b_o, hidden, 0, output_kind, output)
        pending = mask[t]
        if pending:
            losses[t] = _output_delta_and_loss(output, Y, t, output_kind, delta_output)
            # δh uses the output weights *before* this step's update, as in seeds/000.
            _backprop_and_descend_output(W_ho, V_ho, delta_output, hidden, lr, momentum, dz)
            _times_hidden_derivative(dz, hidden, 0, hidden_kind, lesioned)
            _descend_bias(b_o, V_bo, delta_output, lr, momentum)
            updated = t
            for k in range(C):
                contexts[0, k] = context[k]
            if momentum == 0.0:
                last_t = t
                for o in range(n_out):
                    last_delta_output[o] = delta_output[o]
                for k in range(H):
                    last_dz[k] = dz[k]
                    last_vectors[0, k] = hidden[0, k]
                for k in range(C):
                    last_vectors[1, k] = context[k]
        else:
            losses[t] = np.nan
        _record(hidden_record, output_record, context_record, t, T, hidden, 0, output, context)
        # The copy link: hidden(t) (Elman) or output(t) (Jordan) is context(t+1).
        _copy_into_context(context, hidden, 0, output, copy_output, decay)
    if last_t >= 0:
        # step() sets velocity = change at every update; only the last one is still visible.
        _write_last_change(V_ho, last_delta_output, last_vectors, 0, lr)
        _write_last_change(V_ih, last_dz, X, last_t, lr)
        _write_last_change(V_hh, last_dz, last_vectors, 1, lr)
        for o in range(n_out):
            V_bo[o] = -(lr * last_delta_output[o])
        for j in range(H):
            V_bh[j] = -(lr * last_dz[j])
