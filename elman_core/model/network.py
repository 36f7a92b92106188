"""The Elman network: parameters, one traced timestep, and fast compiled training.

The default learning rule is Elman's (and seeds/000's): after every timestep, backpropagate the
error one step — not through the context — update every weight, then copy hidden → context.
``rule="bptt"`` instead backpropagates through a window of steps and updates once per window.
``architecture="jordan"`` makes the context hold the previous output (Jordan 1986) instead of
the previous hidden state; what the context holds is the architecture object's
(:mod:`elman_core.model.architectures`, :attr:`ElmanNetwork.architecture`).
The network computes the forward pass and the deltas; what a rule does with them, its kernel and
its pending state are its own (:mod:`elman_core.model.rules`, :attr:`ElmanNetwork.learning_rule`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from elman_core.model import activations as act
from elman_core.model import architectures, rules, settings
from elman_core.model.trace import PARAMETER_NAMES, StepTrace


@dataclass(frozen=True)
class NetworkConfig:
    """Everything needed to rebuild a network of the same shape and behaviour."""

    n_input: int
    n_hidden: int
    n_output: int
    learning_rate: float = 0.1
    momentum: float = 0.0
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    rule: str = "online"
    bptt_window: int | None = None  # None: the whole segment between context resets
    context_init: float = 0.0
    weight_scale: float = 0.1
    seed: int | None = None
    architecture: str = "elman"  # a file without it (saved before Jordan's) is Elman's
    context_decay: float = 0.0

    def __post_init__(self) -> None:
        for name in ("n_input", "n_output"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
                raise ValueError(f"{name} must be a whole number ≥ 1 (got {value!r})")
        # The settings a run can change are checked by the one settings model.
        for name in ("n_hidden", "learning_rate", "momentum", "hidden_activation",
                     "output_activation", "rule", "bptt_window", "context_init", "weight_scale",
                     "architecture", "context_decay"):
            settings.check(name, getattr(self, name))
        settings.check_architecture(self.architecture, self.context_decay)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def n_context(self) -> int:
        """How many context units the network has (its architecture says)."""
        return architectures.make(self.architecture, self.context_decay).context_size(
            self.n_hidden, self.n_output)


class ElmanNetwork:
    """A simple recurrent network: input → hidden ← context → output, the context a copy of
    hidden at t−1 (Elman's) or of the output at t−1 (Jordan's, see :attr:`architecture`).

    Parameters are public float64 arrays named as in seeds/000: ``W_ih`` (H×I), ``W_hh``
    (H×C, context → hidden), ``W_ho`` (O×H), ``b_h`` (H,), ``b_o`` (O,); the state is
    ``context`` (C,), with C = H (Elman) or O (Jordan): :attr:`n_context`. Weights start as
    ``weight_scale`` × standard normal draws from
    ``numpy.random.default_rng(seed)``; biases start at zero.
    """

    def __init__(
        self,
        n_input: int,
        n_hidden: int,
        n_output: int,
        learning_rate: float = 0.1,
        *,
        seed: int | None = None,
        momentum: float = 0.0,
        hidden_activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        rule: str = "online",
        bptt_window: int | None = None,
        context_init: float = 0.0,
        weight_scale: float = 0.1,
        architecture: str = "elman",
        context_decay: float = 0.0,
    ) -> None:
        config = NetworkConfig(
            n_input, n_hidden, n_output, learning_rate, float(momentum),
            hidden_activation, output_activation, rule, bptt_window, float(context_init),
            float(weight_scale), seed, architecture, float(context_decay),
        )
        self._apply_config(config)
        rng = np.random.default_rng(seed)
        self.W_ih = rng.standard_normal((n_hidden, n_input)) * weight_scale
        self.W_hh = rng.standard_normal((n_hidden, self.n_context)) * weight_scale
        self.W_ho = rng.standard_normal((n_output, n_hidden)) * weight_scale
        self.b_h = np.zeros(n_hidden)
        self.b_o = np.zeros(n_output)
        # Momentum's running parameter changes; all zero means "plain gradient descent".
        self.velocity = {name: np.zeros_like(getattr(self, name)) for name in PARAMETER_NAMES}
        self.context = np.full(self.n_context, self.context_init)
        self.steps_trained = 0
        # Memory experiments: lesioned hidden units are held at 0; forget_context zeroes the
        # context before every step so the network has no memory at all.
        self.lesioned = np.zeros(n_hidden, dtype=bool)
        self.forget_context = False

    @classmethod
    def from_config(cls, config: NetworkConfig) -> ElmanNetwork:
        return cls(**config.as_dict())

    def _apply_config(self, config: NetworkConfig) -> None:
        self.n_input, self.n_hidden = int(config.n_input), int(config.n_hidden)
        self.n_output = int(config.n_output)
        self.learning_rate = float(config.learning_rate)  # a float always: one compiled kernel
        self.momentum = config.momentum
        self.hidden_activation = config.hidden_activation
        self.output_activation = config.output_activation
        # The rule's object: its updates, kernel, window and pending steps (BPTT's open one).
        self.learning_rule: rules.LearningRule = rules.make(config.rule, config.bptt_window)
        # What the context holds (Elman: hidden; Jordan: output, with its decay).
        self.architecture: architectures.Architecture = architectures.make(
            config.architecture, config.context_decay)
        self.n_context = self.architecture.context_size(self.n_hidden, self.n_output)
        self.context_init = config.context_init
        self.weight_scale = config.weight_scale
        self.seed = config.seed

    @property
    def rule(self) -> str:
        """The learning rule's name (its object is :attr:`learning_rule`)."""
        return self.learning_rule.name

    @property
    def bptt_window(self) -> int | None:
        """The rule's window (BPTT; None: the whole segment between context resets)."""
        return self.learning_rule.window

    @property
    def config(self) -> NetworkConfig:
        return NetworkConfig(
            self.n_input, self.n_hidden, self.n_output, self.learning_rate, self.momentum,
            self.hidden_activation, self.output_activation, self.rule, self.bptt_window,
            self.context_init, self.weight_scale, self.seed, self.architecture.name,
            self.architecture.decay,
        )

    @property
    def _hidden_kind(self) -> int:
        return act.code(self.hidden_activation, act.HIDDEN_ACTIVATIONS, "hidden activation")

    @property
    def _output_kind(self) -> int:
        return act.code(self.output_activation, act.OUTPUT_ACTIVATIONS, "output activation")

    # ------------------------------------------------------------------ state
    def reset_context(self) -> None:
        """Set the context units back to their initial value (the start of a sequence)."""
        self.context = np.full(self.n_context, self.context_init)

    def parameters(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in PARAMETER_NAMES}

    def copy(self) -> ElmanNetwork:
        """An independent network in exactly the same state."""
        twin = ElmanNetwork.__new__(ElmanNetwork)
        twin.__dict__.update(self.__dict__)
        for name in PARAMETER_NAMES:
            setattr(twin, name, getattr(self, name).copy())
        twin.velocity = {k: v.copy() for k, v in self.velocity.items()}
        twin.context = self.context.copy()
        twin.lesioned = self.lesioned.copy()
        twin.learning_rule = self.learning_rule.copy()
        twin.architecture = architectures.make(self.architecture.name, self.architecture.decay)
        return twin

    # ---------------------------------------------------------------- forward
    def forward(self, x, context=None) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """One forward pass without changing anything: (hidden_net, hidden, output_net, output)."""
        x = np.asarray(x, dtype=np.float64).reshape(self.n_input)
        context = self.context if context is None else np.asarray(context, dtype=np.float64)
        hidden_net = self.W_ih @ x + self.W_hh @ context + self.b_h
        hidden = act.hidden_activation(self._hidden_kind, hidden_net)
        hidden[self.lesioned] = 0.0
        output_net = self.W_ho @ hidden + self.b_o
        output = act.output_activation(self._output_kind, output_net)
        return hidden_net, hidden, output_net, output

    def predict(self, X, resets=None, *, return_hidden: bool = False,
                return_context: bool = False):
        """Run a sequence without learning, from a fresh context; returns outputs (T, O).

        ``resets[t]`` sets the context back before step t (default: only before step 0). With
        ``return_hidden`` also returns the hidden activations (T, H), with ``return_context``
        then also the context each step used (T, C). The context is left where the sequence
        ended.
        """
        X = np.asarray(X, dtype=np.float64).reshape(-1, self.n_input)
        resets = _default_resets(resets, len(X))
        outputs = np.empty((len(X), self.n_output))
        hiddens = np.empty((len(X), self.n_hidden))
        contexts = np.empty((len(X), self.n_context))
        for t, x in enumerate(X):
            self._prepare_context(resets[t])
            contexts[t] = self.context
            _, hiddens[t], _, outputs[t] = self.forward(x)
            self.context = self.architecture.next_context(contexts[t], hiddens[t], outputs[t])
        if return_hidden and return_context:
            return outputs, hiddens, contexts
        return (outputs, hiddens) if return_hidden else outputs

    def _prepare_context(self, reset: bool) -> bool:
        """Apply a sequence-start reset or the no-memory experiment; return whether reset."""
        if reset:
            self.reset_context()
        if self.forget_context:
            self.context = np.zeros(self.n_context)
        return bool(reset)

    # ------------------------------------------------------------------- step
    def step(self, x, target=None, *, reset: bool = False, flush: bool = False) -> StepTrace:
        """One timestep with learning, traced; ``target=None`` marks a step without a target.

        ``reset`` sets the context back before the step. With the BPTT rule the weights change
        when the window is full or when ``flush`` says the segment ends here.
        """
        if reset:
            self.learning_rule.before_reset(self)
        was_reset = self._prepare_context(reset)
        x = np.asarray(x, dtype=np.float64).reshape(self.n_input)
        context = self.context.copy()
        hidden_net, hidden, output_net, output = self.forward(x, context)
        out_kind, hid_kind = self._output_kind, self._hidden_kind
        has_target = target is not None
        if has_target:
            target = np.asarray(target, dtype=np.float64).reshape(self.n_output)
            error = output - target
            loss = act.step_loss(out_kind, output, target)
            delta_output = act.output_delta(out_kind, output, target)
        else:
            error, loss, delta_output = None, float("nan"), np.zeros(self.n_output)
        # The error stops here: δh uses only this step's output error, never the context's past.
        delta_hidden = (self.W_ho.T @ delta_output) * act.hidden_derivative(hid_kind, hidden)
        delta_hidden[self.lesioned] = 0.0

        changes = self.learning_rule.step_update(self, x, context, hidden, delta_output,
                                                 delta_hidden, has_target, flush)
        updated = changes is not None
        if changes is None:
            changes = {name: np.zeros_like(getattr(self, name)) for name in PARAMETER_NAMES}
        # The copy link: hidden(t) (Elman) or output(t) (Jordan) becomes context(t+1).
        self.context = self.architecture.next_context(context, hidden, output)
        self.steps_trained += 1
        return StepTrace(
            x, context, hidden_net, hidden, output_net, output, target, error, loss,
            delta_output, delta_hidden, changes["W_ih"], changes["W_hh"], changes["W_ho"],
            changes["b_h"], changes["b_o"], updated, was_reset, self.context,
        )

    def apply_gradients(self, gradients: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Change each parameter by −learning rate × its gradient (with momentum, if any);
        returns the changes applied. The rules call this, so all share one update."""
        changes = {}
        for name, gradient in gradients.items():
            if self.momentum == 0.0:
                change = -(self.learning_rate * gradient)  # exactly seeds/000: W -= lr·grad
            else:
                change = self.momentum * self.velocity[name] - self.learning_rate * gradient
            self.velocity[name] = change
            getattr(self, name)[...] += change
        return changes | {name: self.velocity[name].copy() for name in gradients}

    # ------------------------------------------------------------------ train
    def train(self, X, Y, mask=None, resets=None, *, flush=None, record: bool = False,
              record_rows: tuple[int, int] | None = None, with_context: bool = False):
        """Train on every row of a sequence with the compiled kernel; returns per-step losses.

        Leaves the network exactly as calling :meth:`step` for each row would, with ``flush``
        (BPTT only): ``flush[t]`` ends the window after row t. By default only the last row
        does, so no window spans two calls; pass a flush array to let a window continue into
        the next call — then training split into calls at any points equals one call bit for
        bit (a window also ends when full and before a reset). Losses are NaN on steps without
        a target. With ``record`` returns ``(losses, hidden, output)``, the activations of
        every step, or with ``record_rows`` ``(h, o)`` those of the last ``h`` and ``o`` steps
        only (what a view shows, without keeping every step); ``with_context`` adds the context
        each of the ``h`` steps used: ``(losses, hidden, output, context)``.
        """
        X = np.ascontiguousarray(X, dtype=np.float64).reshape(-1, self.n_input)
        Y = np.ascontiguousarray(Y, dtype=np.float64).reshape(-1, self.n_output)
        if len(X) != len(Y):
            raise ValueError(f"X has {len(X)} rows but Y has {len(Y)}")
        # Contiguous boolean arrays always: any other layout would trigger a fresh compile.
        mask = np.ones(len(X), dtype=np.bool_) if mask is None else mask
        mask = np.ascontiguousarray(mask, dtype=np.bool_)
        resets = np.ascontiguousarray(_default_resets(resets, len(X), first=False))
        if flush is None:
            flush = np.zeros(len(X), dtype=np.bool_)
            flush[-1:] = True
        flush = np.ascontiguousarray(flush, dtype=np.bool_)
        self.lesioned = np.ascontiguousarray(self.lesioned, dtype=np.bool_)
        if len(mask) != len(X) or len(resets) != len(X) or len(flush) != len(X):
            raise ValueError("mask, resets and flush need one entry per row of X")
        losses = np.empty(len(X))
        rows = (len(X), len(X)) if record else (1, 1)
        if record and record_rows is not None:
            rows = tuple(min(max(int(n), 1), max(len(X), 1)) for n in record_rows)
        hidden_record = np.zeros((max(rows[0], 1), self.n_hidden))
        output_record = np.zeros((max(rows[1], 1), self.n_output))
        context_record = np.zeros((len(hidden_record), self.n_context))
        records = (hidden_record, output_record, context_record)
        if len(X) == 0:
            records = tuple(r[:0] for r in records)
        if len(X) > 0:
            self._train_rows(X, Y, mask, resets, flush, losses, records)
        if not record:
            return losses
        return (losses, *records) if with_context else (losses, *records[:2])

    def _train_rows(self, X, Y, mask, resets, flush, losses, records) -> None:
        """The kernel call of :meth:`train`, on checked arrays."""
        arguments = (
            self.W_ih, self.W_hh, self.W_ho, self.b_h, self.b_o,
            self.velocity["W_ih"], self.velocity["W_hh"], self.velocity["W_ho"],
            self.velocity["b_h"], self.velocity["b_o"], self.context, X, Y, mask, resets,
            self.learning_rate, self.momentum, self.context_init, self._hidden_kind,
            self._output_kind, self.lesioned, self.forget_context,
            *self.architecture.kernel_arguments(),
        )
        self.learning_rule.train(self, arguments, flush, losses, *records)
        self.steps_trained += len(X)


def _default_resets(resets, length: int, first: bool = True) -> np.ndarray:
    if resets is None:
        resets = np.zeros(length, dtype=np.bool_)
        if length and first:
            resets[0] = True
    return np.asarray(resets, dtype=np.bool_)
