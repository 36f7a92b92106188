"""Broken and hostile network files, written into a folder for the loading tests.

Each is what a student might pick in File ▸ Load network by mistake, or what a malicious file
could hold: truncated, random bytes, empty, a folder, a lone .npy, a pickled object, NaN
weights, JSON metadata nested 100,000 deep, a string or float seed, a header declaring a
7 TB array, another network's shapes.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np

from elman_core import tasks
from elman_core.files.persistence import save_network
from elman_core.training.session import TrainingSession


def write_good_file(path: Path, task: str = "xor") -> Path:
    session = TrainingSession(tasks.get(task))
    session.run(50)
    save_network(session.network, path, {"task": task})
    return path


def write_hostile_files(folder: Path) -> dict[str, Path]:
    """``{name: path}`` of broken files made from a good XOR network file."""
    folder.mkdir(parents=True, exist_ok=True)
    good = write_good_file(folder / "good.npz")
    data = good.read_bytes()
    with np.load(good) as archive:
        arrays = dict(archive)
    metadata = json.loads(str(arrays["metadata"]))
    files = {}

    def raw(name: str, content: bytes) -> None:
        files[name] = folder / f"{name}.npz"
        files[name].write_bytes(content)

    def variant(name: str, metadata_text: str | None = None, config=None, **replaced) -> None:
        changed = json.loads(json.dumps(metadata))
        changed["config"].update(config or {})
        members = dict(arrays, **replaced)
        members["metadata"] = np.array(metadata_text or json.dumps(changed))
        files[name] = folder / f"{name}.npz"
        np.savez(files[name], **members)

    raw("truncated", data[: len(data) // 2])
    raw("random-bytes", np.random.default_rng(0).bytes(4000))
    raw("empty", b"")
    files["folder"] = folder / "folder.npz"
    files["folder"].mkdir()
    lone = io.BytesIO()
    np.save(lone, np.zeros(3))
    raw("lone-npy", lone.getvalue())
    files["pickled"] = folder / "pickled.npz"
    np.savez(files["pickled"], metadata=np.array([{"a": 1}], dtype=object))
    variant("nan-weights", W_ih=np.full_like(arrays["W_ih"], np.nan))
    variant("deep-metadata", metadata_text="[" * 100_000 + "]" * 100_000)
    variant("string-seed", config={"seed": "abc"})
    variant("float-seed", config={"seed": 1.5})
    variant("wrong-shape", W_ih=np.zeros((9, 9)))
    header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000), }"
    header = header.ljust(117) + "\n"
    huge = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + bytes(64)
    files["huge-declared"] = folder / "huge-declared.npz"
    with zipfile.ZipFile(files["huge-declared"], "w") as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.save(member, array)
            archive.writestr(f"{name}.npy", member.getvalue())
        archive.writestr("extra.npy", huge)
    # (A good file of another task is not broken: loading it switches to that task.)
    return files
