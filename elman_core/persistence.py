"""Saving and loading a network: weights, settings and training position in one ``.npz`` file.

The file is a NumPy ``.npz`` archive (readable with ``np.load(path, allow_pickle=False)``):

* ``W_ih W_hh W_ho b_h b_o context`` — the parameters and the context units;
* ``velocity_W_ih`` … ``velocity_b_o`` — momentum's running changes;
* ``lesioned`` — which hidden units are held at 0;
* ``bptt_input bptt_context bptt_hidden bptt_delta_output`` — the steps of an unfinished BPTT
  window (zero rows normally), so a network saved between two ``step()`` calls resumes exactly;
* ``metadata`` — a 0-d unicode array holding JSON::

    {"format": "elman-lab-network", "version": 1, "config": {...NetworkConfig...},
     "steps_trained": 1234, "forget_context": false, "extra": {...caller's data...}}

Writing goes to a temporary file in the same folder, then ``os.replace``: a crash leaves either
the old file or the new one, never half a file. Loading checks everything and builds a *new*
network, so the caller's current network is untouched when the file is bad. Every problem is a
:class:`NetworkFileError` naming the file and what is wrong with it.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from elman_core.network import ElmanNetwork

FORMAT = "elman-lab-network"
VERSION = 1
SUPPORTED_VERSIONS = (1,)
PARAMETER_NAMES = ("W_ih", "W_hh", "W_ho", "b_h", "b_o")
PENDING_NAMES = ("bptt_input", "bptt_context", "bptt_hidden", "bptt_delta_output")


class NetworkFileError(ValueError):
    """A network file that cannot be written or read; the message names the file and why."""


def save_network(network: ElmanNetwork, path: str | os.PathLike, extra: dict | None = None) -> Path:
    """Write ``network`` (and the caller's JSON-able ``extra`` dict) to ``path``; return the path.

    Raises ValueError (before touching the disk) if the network holds NaN or infinity — such a
    file could not be loaded — or if ``extra`` cannot be stored as JSON; NetworkFileError if the
    file cannot be written.
    """
    path = Path(path)
    arrays = _network_arrays(network)
    for name, array in arrays.items():
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise ValueError(
                f"cannot save to {path}: {name} contains NaN or infinity (the network diverged)"
            )
    metadata = {
        "format": FORMAT,
        "version": VERSION,
        "config": network.config.as_dict(),
        "steps_trained": int(network.steps_trained),
        "forget_context": bool(network.forget_context),
        "extra": {} if extra is None else extra,
    }
    if not isinstance(metadata["extra"], dict):
        raise ValueError(f"cannot save to {path}: extra must be a dict, not {type(extra).__name__}")
    try:
        text = json.dumps(metadata, default=_json_default)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"cannot save to {path}: extra is not JSON-serialisable ({exc})") from exc
    arrays["metadata"] = np.array(text)  # 0-d unicode array: loads without pickle

    folder = path.parent if str(path.parent) else Path(".")
    temporary = None
    try:
        handle = tempfile.NamedTemporaryFile(
            dir=folder, prefix=f".{path.name}.", suffix=".tmp", delete=False
        )
        temporary = Path(handle.name)
        with handle:
            np.savez(handle, **arrays)  # a file object: numpy adds no ".npz" to the name
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        temporary = None
    except OSError as exc:
        raise NetworkFileError(f"{path}: cannot write the file ({exc.strerror or exc})") from exc
    finally:
        if temporary is not None:
            temporary.unlink(missing_ok=True)
    return path


def load_network(path: str | os.PathLike) -> tuple[ElmanNetwork, dict]:
    """Read a file written by :func:`save_network`: a new network and the ``extra`` dict."""
    from elman_core.network import ElmanNetwork, NetworkConfig

    path = Path(path)

    def fail(problem: str) -> NetworkFileError:
        return NetworkFileError(f"{path}: {problem}")

    if not path.exists():
        raise fail("no such file")
    if not path.is_file():
        raise fail("not a file")
    try:
        archive = np.load(path, allow_pickle=False)
    except OSError as exc:
        raise fail(f"cannot read the file ({exc.strerror or exc})") from exc
    except (ValueError, EOFError, zipfile.BadZipFile) as exc:
        raise fail("not an Elman Lab network file (not a readable .npz archive)") from exc
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise fail("not an Elman Lab network file (a single .npy array, not a .npz archive)")
    with archive:
        arrays = {}
        for name in archive.files:
            try:
                arrays[name] = archive[name]
            except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as exc:
                raise fail(f"array {name!r} is damaged ({exc})") from exc

    metadata = _read_metadata(arrays, fail)
    try:
        config = NetworkConfig(**metadata["config"])
    except (TypeError, ValueError) as exc:
        raise fail(f"the network settings are invalid ({exc})") from exc
    steps_trained = metadata.get("steps_trained", 0)
    if not isinstance(steps_trained, int) or isinstance(steps_trained, bool) or steps_trained < 0:
        raise fail(f"steps_trained must be a whole number ≥ 0 (found {steps_trained!r})")
    forget_context = metadata.get("forget_context", False)
    if not isinstance(forget_context, bool):
        raise fail(f"forget_context must be true or false (found {forget_context!r})")
    extra = metadata.get("extra", {})
    if not isinstance(extra, dict):
        raise fail(f"extra must be a JSON object (found {type(extra).__name__})")

    H, n_in, n_out = config.n_hidden, config.n_input, config.n_output
    shapes = {"W_ih": (H, n_in), "W_hh": (H, H), "W_ho": (n_out, H), "b_h": (H,), "b_o": (n_out,)}
    expected = dict(shapes)
    expected |= {f"velocity_{name}": shape for name, shape in shapes.items()}
    expected |= {"context": (H,), "lesioned": (H,)}
    for name, shape in expected.items():
        _check_shape(arrays, name, shape, config, fail)
    pending_rows = _pending_rows(arrays, config, fail)

    values = {}
    for name in expected:
        array = arrays[name]
        if name == "lesioned":
            if array.dtype != np.bool_:
                raise fail(f"array 'lesioned' must be boolean (found {array.dtype})")
            values[name] = array.copy()
            continue
        values[name] = _finite_float(array, name, fail)
    pending = [_finite_float(arrays[name], name, fail) for name in PENDING_NAMES]

    network = ElmanNetwork.from_config(config)
    for name in PARAMETER_NAMES:
        setattr(network, name, values[name])
        network.velocity[name] = values[f"velocity_{name}"]
    network.context = values["context"]
    network.lesioned = values["lesioned"]
    network.steps_trained = steps_trained
    network.forget_context = forget_context
    network._bptt_pending = [
        tuple(array[row].copy() for array in pending) for row in range(pending_rows)
    ]
    return network, extra


# ------------------------------------------------------------------------------------ helpers
def _network_arrays(network: ElmanNetwork) -> dict[str, np.ndarray]:
    arrays = {}
    for name in PARAMETER_NAMES:
        arrays[name] = np.asarray(getattr(network, name), dtype=np.float64)
        arrays[f"velocity_{name}"] = np.asarray(network.velocity[name], dtype=np.float64)
    arrays["context"] = np.asarray(network.context, dtype=np.float64)
    arrays["lesioned"] = np.asarray(network.lesioned, dtype=np.bool_)
    widths = (network.n_input, network.n_hidden, network.n_hidden, network.n_output)
    for index, (name, width) in enumerate(zip(PENDING_NAMES, widths, strict=True)):
        rows = [np.asarray(step[index], dtype=np.float64) for step in network._bptt_pending]
        arrays[name] = np.array(rows).reshape(len(rows), width)
    return arrays


def _json_default(value: Any) -> Any:
    """Let numpy scalars and arrays through json.dumps (a session position may hold them)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


def _read_metadata(arrays: dict[str, np.ndarray], fail) -> dict:
    if "metadata" not in arrays:
        raise fail("missing array 'metadata' (not an Elman Lab network file?)")
    raw = arrays["metadata"]
    if raw.ndim != 0 or raw.dtype.kind != "U":
        raise fail("array 'metadata' is not a text string")
    try:
        metadata = json.loads(str(raw))
    except json.JSONDecodeError as exc:
        raise fail(f"the metadata is not readable JSON ({exc})") from exc
    if not isinstance(metadata, dict):
        raise fail("the metadata is not a JSON object")
    if metadata.get("format") != FORMAT:
        raise fail(
            f"not an Elman Lab network file (format is {metadata.get('format')!r}, "
            f"expected {FORMAT!r})"
        )
    version = metadata.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise fail(
            f"unsupported file version {version!r}; this Elman Lab reads version {supported} "
            "(the file may come from a newer Elman Lab)"
        )
    if not isinstance(metadata.get("config"), dict):
        raise fail("the metadata has no network settings ('config')")
    return metadata


def _architecture(config) -> str:
    return f"{config.n_input}-{config.n_hidden}-{config.n_output}"


def _check_shape(arrays, name: str, shape: tuple, config, fail) -> None:
    if name not in arrays:
        raise fail(f"missing array {name!r}")
    found = arrays[name].shape
    if found != shape:
        raise fail(
            f"array {name!r} has shape {found} but the {_architecture(config)} network in the "
            f"settings needs {shape}"
        )


def _pending_rows(arrays, config, fail) -> int:
    """Rows of the unfinished BPTT window; all four arrays must agree."""
    widths = (config.n_input, config.n_hidden, config.n_hidden, config.n_output)
    rows = None
    for name, width in zip(PENDING_NAMES, widths, strict=True):
        if name not in arrays:
            raise fail(f"missing array {name!r}")
        array = arrays[name]
        if array.ndim != 2 or array.shape[1] != width or rows not in (None, array.shape[0]):
            expected = f"({rows if rows is not None else 'n'}, {width})"
            raise fail(f"array {name!r} has shape {array.shape} but should be {expected}")
        rows = array.shape[0]
    if rows and config.rule != "bptt":
        raise fail("an unfinished BPTT window is stored but the learning rule is not 'bptt'")
    return rows or 0


def _finite_float(array: np.ndarray, name: str, fail) -> np.ndarray:
    if array.dtype.kind not in "fiu" or array.dtype.kind == "b":
        raise fail(f"array {name!r} must hold numbers (found {array.dtype})")
    values = np.ascontiguousarray(array, dtype=np.float64).copy()
    if not np.all(np.isfinite(values)):
        raise fail(f"array {name!r} contains NaN or infinity")
    return values
