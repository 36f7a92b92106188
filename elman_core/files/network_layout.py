"""What a network file's settings and arrays must look like, checked from the zip's headers
before any array is read: the JSON type of each setting, and the shape of each array for the
network the settings describe (the context's size follows the architecture: hidden units for
Elman's, outputs for Jordan's)."""

from __future__ import annotations

from typing import Any

from elman_core.files import limits


def short(value: Any) -> str:
    """A value for a message, cut to 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# The JSON type each setting must have; NetworkConfig then checks the values.
_CONFIG_TYPES = {
    "n_input": "whole", "n_hidden": "whole", "n_output": "whole", "learning_rate": "number",
    "momentum": "number", "hidden_activation": "text", "output_activation": "text",
    "rule": "text", "bptt_window": "whole or null", "context_init": "number",
    "weight_scale": "number", "seed": "whole or null", "architecture": "text",
    "context_decay": "number",
}


def check_config_types(config: dict, fail) -> None:
    for key, value in config.items():
        kind = _CONFIG_TYPES.get(key)
        if kind is None:
            raise fail(f"the network settings are invalid (unknown setting {short(key)})")
        whole = isinstance(value, int) and not isinstance(value, bool)
        ok = {"whole": whole, "number": whole or isinstance(value, float),
              "text": isinstance(value, str),
              "whole or null": value is None or whole}[kind]
        if not ok:
            raise fail(f"the network settings are invalid ({key} must be a {kind}, "
                       f"found {short(value)})")
    for key in ("n_input", "n_hidden", "n_output"):
        value = config.get(key)
        if isinstance(value, int) and value > limits.MAX_UNITS:
            raise fail(f"the network settings are invalid ({key} is {value:,}; at most "
                       f"{limits.MAX_UNITS:,})")
    seed = config.get("seed")
    if seed is not None and not 0 <= seed <= limits.MAX_SEED:
        raise fail(f"the network settings are invalid (seed {short(seed)} is not from 0 to "
                   f"{limits.MAX_SEED})")


def expected_shapes(config) -> dict[str, tuple[int, ...]]:
    H, n_in, n_out, C = config.n_hidden, config.n_input, config.n_output, config.n_context
    shapes = {"W_ih": (H, n_in), "W_hh": (H, C), "W_ho": (n_out, H), "b_h": (H,), "b_o": (n_out,)}
    expected = dict(shapes)
    expected |= {f"velocity_{name}": shape for name, shape in shapes.items()}
    return expected | {"context": (C,), "lesioned": (H,)}


def _architecture(config) -> str:
    return f"{config.n_input}-{config.n_hidden}-{config.n_output}"


def check_shape(headers, name: str, shape: tuple, config, fail) -> None:
    if name not in headers:
        raise fail(f"missing array {name!r}")
    found = headers[name].shape
    if found != shape:
        raise fail(
            f"array {name!r} has shape {short(found)} but the {_architecture(config)} network "
            f"in the settings needs {shape}"
        )
