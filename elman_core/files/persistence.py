"""Saving and loading a network: weights, settings and training position in one ``.npz`` file.

The file is a NumPy ``.npz`` archive (readable with ``np.load(path, allow_pickle=False)``):

* ``W_ih W_hh W_ho b_h b_o context`` — the parameters and the context units (as many as the
  hidden units, or for a Jordan network the outputs: ``config`` names the architecture and
  its context decay; a file without them is an Elman network's, without decay);
* ``velocity_W_ih`` … ``velocity_b_o`` — momentum's running changes;
* ``lesioned`` — which hidden units are held at 0;
* ``bptt_input bptt_context bptt_hidden bptt_delta_output`` — the learning rule's pending
  state: the steps of an unfinished BPTT window (zero rows normally), so a network saved between
  two ``step()`` calls resumes exactly (:mod:`elman_core.files.rule_state`, the one place that
  knows how a rule's state is stored);
* ``run_step_losses`` (version 2, optional) — the loss of each step of the epoch in progress so
  far (NaN where a step has no target), so that epoch's mean is the same after a resume;
* ``metadata`` — a 0-d unicode array holding JSON::

    {"format": "elman-lab-network", "version": 2, "config": {...NetworkConfig...},
     "steps_trained": 1234, "forget_context": false, "run": {...where training is...},
     "extra": {...caller's data...}}

  ``run`` (version 2): the run's place — task, settings, epoch, position — for the app and the
  runner alike (:mod:`elman_core.training.saved_run`); version 1 files (no ``run``) still load.

Writing goes to a temporary file in the same folder, then a rename
(:mod:`elman_core.files.atomic_io`):
a crash leaves either the old file or the new one, never half a file. Loading reads the zip's
headers first — member names, sizes, shapes, dtypes — and refuses anything that is not the
network's (extra members, pickles, a header declaring a huge array, a zip bomb) before reading
any array; then it checks every value and builds a *new* network, so the caller's current
network is untouched when the file is bad. Every problem is a :class:`NetworkFileError` whose
one-line message names the file and what is wrong with it.
"""

from __future__ import annotations

import json
import math
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from elman_core.files import atomic_io, limits, rule_state
from elman_core.files.network_layout import check_config_types as _check_config_types
from elman_core.files.network_layout import check_shape as _check_shape
from elman_core.files.network_layout import expected_shapes as _expected_shapes
from elman_core.files.network_layout import short as _short

if TYPE_CHECKING:
    from elman_core.model.network import ElmanNetwork

FORMAT = "elman-lab-network"
VERSION = 2
SUPPORTED_VERSIONS = (1, 2)
PARAMETER_NAMES = ("W_ih", "W_hh", "W_ho", "b_h", "b_o")
PENDING_NAMES = rule_state.PENDING_NAMES
STEP_LOSSES = "run_step_losses"


class NetworkFile(NamedTuple):
    """Everything a network file holds (see the module docstring)."""

    network: ElmanNetwork
    extra: dict
    run: dict | None  # where training was (version 2); None in a version 1 file
    step_losses: np.ndarray | None  # the epoch in progress, its losses so far (version 2)
    version: int


class NetworkFileError(ValueError):
    """A network file that cannot be written or read; the message names the file and why."""


def save_network(network: ElmanNetwork, path: str | os.PathLike, extra: dict | None = None,
                 run: dict | None = None, step_losses: np.ndarray | None = None) -> Path:
    """Write ``network`` (and the caller's JSON-able ``extra`` dict) to ``path``; return the path.

    ``run`` and ``step_losses``: where training was (see the module docstring).

    Raises ValueError (before touching the disk) if the network holds NaN or infinity — such a
    file could not be loaded — or if ``extra`` cannot be stored as JSON; NetworkFileError if the
    file cannot be written (a read-only existing file is never replaced).
    """
    path = Path(path)
    writer = network_writer(network, path, extra, run, step_losses)
    try:
        atomic_io.write_together({path: writer})
    except (OSError, atomic_io.OutputPathError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise NetworkFileError(f"{path}: cannot write the file ({reason})") from exc
    return path


def network_writer(network: ElmanNetwork, path: Path, extra: dict | None = None,
                   run: dict | None = None, step_losses: np.ndarray | None = None):
    """Check ``network`` and ``extra`` now; return ``writer(stream)`` that writes the ``.npz``.

    For :func:`elman_core.files.atomic_io.write_together`, which writes several outputs of one run
    before renaming any. Raises ValueError as :func:`save_network` does.
    """
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
    if run is not None:
        metadata["run"] = run
    if step_losses is not None:
        arrays[STEP_LOSSES] = np.asarray(step_losses, dtype=np.float64).reshape(-1)
    try:
        text = json.dumps(metadata, default=_json_default)
    except (TypeError, ValueError, RecursionError) as exc:
        raise ValueError(f"cannot save to {path}: extra is not JSON-serialisable ({exc})") from exc
    arrays["metadata"] = np.array(text)  # 0-d unicode array: loads without pickle

    def write(stream) -> None:
        np.savez(stream, **arrays)  # a file object: numpy adds no ".npz" to the name

    return write


def load_network(path: str | os.PathLike) -> tuple[ElmanNetwork, dict]:
    """Read a file written by :func:`save_network`: a new network and the ``extra`` dict.

    Every member's name, shape and type is checked from the zip's headers before any array is
    read, so a file cannot make this allocate more than the network it describes.
    """
    loaded = read_network_file(path)
    return loaded.network, loaded.extra


def read_network_file(path: str | os.PathLike) -> NetworkFile:
    """Everything in a file written by :func:`save_network` (checked as :func:`load_network`)."""
    path = Path(path)

    def fail(problem: str) -> NetworkFileError:
        return NetworkFileError(f"{path}: {problem}")

    archive = _open_archive(path, fail)
    with archive:
        try:
            return _load_from_archive(archive, fail)
        except NetworkFileError:
            raise
        except _READ_ERRORS as exc:
            raise fail(f"the file is damaged ({_reason(exc)})") from exc


def _load_from_archive(archive: zipfile.ZipFile, fail) -> NetworkFile:
    from elman_core.model.network import ElmanNetwork, NetworkConfig

    headers = _member_headers(archive, fail)
    metadata = _read_metadata(archive, headers, fail)
    _check_config_types(metadata["config"], fail)
    try:
        config = NetworkConfig(**metadata["config"])
    except (TypeError, ValueError) as exc:
        raise fail(f"the network settings are invalid ({_reason(exc)})") from exc
    steps_trained = metadata.get("steps_trained", 0)
    if not isinstance(steps_trained, int) or isinstance(steps_trained, bool) or steps_trained < 0:
        raise fail(f"steps_trained must be a whole number ≥ 0 (found {_short(steps_trained)})")
    forget_context = metadata.get("forget_context", False)
    if not isinstance(forget_context, bool):
        raise fail(f"forget_context must be true or false (found {_short(forget_context)})")
    extra = metadata.get("extra", {})
    if not isinstance(extra, dict):
        raise fail(f"extra must be a JSON object (found {type(extra).__name__})")
    run = metadata.get("run")
    if run is not None and not isinstance(run, dict):
        raise fail(f"run must be a JSON object (found {type(run).__name__})")

    expected = _expected_shapes(config)
    for name, shape in expected.items():
        _check_shape(headers, name, shape, config, fail)
    rule_state.pending_rows({name: headers[name].shape for name in PENDING_NAMES
                             if name in headers}, config, fail)
    step_losses = _step_losses(archive, headers, fail)

    values = {}
    for name in expected:
        array = _read_member(archive, headers[name])
        if name == "lesioned":
            values[name] = array.copy()
            continue
        values[name] = _finite_float(array, name, fail)
    pending = {name: _finite_float(_read_member(archive, headers[name]), name, fail)
               for name in PENDING_NAMES}

    network = ElmanNetwork.from_config(config)
    for name in PARAMETER_NAMES:
        setattr(network, name, values[name])
        network.velocity[name] = values[f"velocity_{name}"]
    network.context = values["context"]
    network.lesioned = values["lesioned"]
    network.steps_trained = steps_trained
    network.forget_context = forget_context
    rule_state.restore(network, pending)
    return NetworkFile(network, extra, run, step_losses, metadata["version"])


def _step_losses(archive: zipfile.ZipFile, headers, fail) -> np.ndarray | None:
    """The epoch in progress, its step losses so far: NaN (no target) allowed, infinity not."""
    if STEP_LOSSES not in headers:
        return None
    if len(headers[STEP_LOSSES].shape) != 1:
        raise fail(f"array {STEP_LOSSES!r} must be one row of numbers "
                   f"(found shape {_short(headers[STEP_LOSSES].shape)})")
    values = np.ascontiguousarray(_read_member(archive, headers[STEP_LOSSES]), dtype=np.float64)
    if np.any(np.isinf(values)):
        raise fail(f"array {STEP_LOSSES!r} contains infinity")
    return values.copy()


# ------------------------------------------------------------------------------------ helpers
def _network_arrays(network: ElmanNetwork) -> dict[str, np.ndarray]:
    arrays = {}
    for name in PARAMETER_NAMES:
        arrays[name] = np.asarray(getattr(network, name), dtype=np.float64)
        arrays[f"velocity_{name}"] = np.asarray(network.velocity[name], dtype=np.float64)
    arrays["context"] = np.asarray(network.context, dtype=np.float64)
    arrays["lesioned"] = np.asarray(network.lesioned, dtype=np.bool_)
    return arrays | rule_state.saved_arrays(network)


def _json_default(value: Any) -> Any:
    """Let numpy scalars and arrays through json.dumps (a session position may hold them)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


# The only members a network file holds, as stored by np.savez (name + ".npy").
ALLOWED_MEMBERS = frozenset(
    (*PARAMETER_NAMES, *(f"velocity_{name}" for name in PARAMETER_NAMES), "context", "lesioned",
     *PENDING_NAMES, STEP_LOSSES, "metadata"))
MAX_MEMBERS_LISTED = 64  # more and the member list alone could take much memory: refuse early
_READ_ERRORS = (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError, RuntimeError,
                NotImplementedError, struct.error, zlib.error, MemoryError)


@dataclass(frozen=True)
class MemberHeader:
    """What a member's zip entry and ``.npy`` header declare, read before its data."""

    info: zipfile.ZipInfo
    shape: tuple[int, ...]
    dtype: np.dtype


def _reason(exc: BaseException) -> str:
    text = (exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)) or \
        type(exc).__name__
    return " ".join(text.split())[:120]


def _open_archive(path: Path, fail) -> zipfile.ZipFile:
    if not path.exists():
        raise fail("no such file")
    if not path.is_file():
        raise fail("not a file")
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            start = handle.read(6)
        if start == b"\x93NUMPY":
            raise fail("not an Elman Lab network file (a single .npy array, not a .npz archive)")
        if size > limits.MAX_NETWORK_FILE_BYTES:
            raise fail(f"the file is {size:,} bytes; a network file is at most "
                       f"{limits.MAX_NETWORK_FILE_BYTES:,}")
        members = _declared_member_count(path)
        if members is not None and members > MAX_MEMBERS_LISTED:
            raise fail(f"the archive has {members:,} members; a network file has "
                       f"{len(ALLOWED_MEMBERS)} (it is not an Elman Lab network file)")
        return zipfile.ZipFile(path)
    except NetworkFileError:
        raise
    except OSError as exc:
        raise fail(f"cannot read the file ({_reason(exc)})") from exc
    except (ValueError, EOFError, zipfile.BadZipFile, RuntimeError, struct.error) as exc:
        raise fail("not an Elman Lab network file (not a readable .npz archive; "
                   "truncated or another kind of file)") from exc


def _declared_member_count(path: Path) -> int | None:
    """The member count in the zip's end record, read before zipfile lists every member.

    None if there is no end record (zipfile then says the file is not an archive). A count
    of 0xFFFF means "see the zip64 record", which only archives far larger than a network
    file need: it is reported as 65,535 so the caller refuses it.
    """
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        tail_size = min(handle.tell(), 22 + 65_535)  # the end record and its longest comment
        handle.seek(-tail_size, os.SEEK_END)
        tail = handle.read(tail_size)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        return None
    return struct.unpack("<H", tail[end + 10:end + 12])[0]


def _member_headers(archive: zipfile.ZipFile, fail) -> dict[str, MemberHeader]:
    """Every member's name, size, shape and dtype from the headers; refuse anything foreign."""
    infos = archive.infolist()
    headers: dict[str, MemberHeader] = {}
    budget = limits.MAX_NETWORK_FILE_BYTES
    for info in infos:
        name = info.filename.removesuffix(".npy")
        if not info.filename.endswith(".npy") or name not in ALLOWED_MEMBERS:
            raise fail(f"unexpected member {_short(info.filename)} (a network file holds only "
                       "the network's arrays)")
        if name in headers:
            raise fail(f"member {name!r} appears twice")
        if info.file_size > budget:
            raise fail(f"member {name!r} declares {info.file_size:,} bytes; a network file "
                       f"holds at most {limits.MAX_NETWORK_FILE_BYTES:,} in all")
        header = _read_header(archive, info, name, fail)
        budget -= info.file_size  # exact: _read_header checked it against the declared shape
        if budget < 0:
            raise fail(f"the arrays declare more than {limits.MAX_NETWORK_FILE_BYTES:,} bytes "
                       "in all")
        headers[name] = header
    return headers


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str,
                 fail) -> MemberHeader:
    with archive.open(info) as stream:
        try:
            version = np.lib.format.read_magic(stream)
            if version not in ((1, 0), (2, 0)):  # what np.savez writes for plain arrays
                raise ValueError(f".npy format version {version} is not used by network files")
            read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                    else np.lib.format.read_array_header_2_0)
            shape, _fortran, dtype = read(stream)
            header_size = stream.tell()
        except ValueError as exc:
            raise fail(f"array {name!r} has an unreadable header ({_reason(exc)})") from exc
    if dtype.hasobject:
        raise fail(f"array {name!r} holds pickled Python objects, which are never loaded "
                   "(they could run code)")
    if dtype.fields is not None or dtype.subdtype is not None:
        raise fail(f"array {name!r} has a structured type ({dtype}); numbers were expected")
    wanted = {"metadata": "U", "lesioned": "b"}.get(name, "fiu")
    if dtype.kind not in wanted or (wanted == "fiu" and dtype.itemsize > 8):
        kind = {"U": "text", "b": "true/false values"}.get(wanted, "numbers")
        raise fail(f"array {name!r} must hold {kind} (found {dtype})")
    nbytes = math.prod(shape) * dtype.itemsize
    if nbytes > limits.MAX_NETWORK_FILE_BYTES:
        raise fail(f"array {name!r} declares shape {_short(tuple(shape))} ({nbytes:,} bytes); "
                   f"a network file holds at most {limits.MAX_NETWORK_FILE_BYTES:,} bytes")
    if header_size + nbytes != info.file_size:
        raise fail(f"array {name!r} is damaged: its header declares {nbytes:,} bytes of data "
                   f"but the member holds {max(info.file_size - header_size, 0):,}")
    return MemberHeader(info, tuple(shape), dtype)


def _read_member(archive: zipfile.ZipFile, header: MemberHeader) -> np.ndarray:
    """The array of a member whose header was checked (so its size is known and bounded)."""
    with archive.open(header.info) as stream:
        return np.lib.format.read_array(stream, allow_pickle=False)


def _json_depth(text: str) -> int:
    """The deepest nesting of [ and { in JSON text, counted without parsing (no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _read_metadata(archive: zipfile.ZipFile, headers: dict[str, MemberHeader], fail) -> dict:
    if "metadata" not in headers:
        raise fail("missing array 'metadata' (not an Elman Lab network file?)")
    header = headers["metadata"]
    chars = header.dtype.itemsize // 4
    if header.shape != () or chars > limits.MAX_METADATA_CHARS:
        raise fail(f"array 'metadata' is not one text of at most "
                   f"{limits.MAX_METADATA_CHARS:,} characters")
    text = str(_read_member(archive, header))
    if _json_depth(text) > limits.MAX_METADATA_DEPTH:
        raise fail(f"the metadata is nested more than {limits.MAX_METADATA_DEPTH} levels deep "
                   "(not an Elman Lab network file)")
    try:
        metadata = json.loads(text)
    except (ValueError, RecursionError) as exc:  # ValueError: also a 5,000-digit number
        raise fail(f"the metadata is not readable JSON ({_reason(exc)})") from exc
    if not isinstance(metadata, dict):
        raise fail("the metadata is not a JSON object")
    if metadata.get("format") != FORMAT:
        raise fail(
            f"not an Elman Lab network file (format is {_short(metadata.get('format'))}, "
            f"expected {FORMAT!r})"
        )
    version = metadata.get("version")
    if version not in SUPPORTED_VERSIONS or isinstance(version, bool):
        supported = ", ".join(str(v) for v in SUPPORTED_VERSIONS)
        raise fail(
            f"unsupported file version {_short(version)}; this Elman Lab reads version "
            f"{supported} (the file may come from a newer Elman Lab)"
        )
    if not isinstance(metadata.get("config"), dict):
        raise fail("the metadata has no network settings ('config')")
    return metadata


def _finite_float(array: np.ndarray, name: str, fail) -> np.ndarray:
    values = np.ascontiguousarray(array, dtype=np.float64).copy()
    if not np.all(np.isfinite(values)):
        raise fail(f"array {name!r} contains NaN or infinity")
    return values
