"""Make broken and hostile network files, to check each is refused with one clear line.

    uv run python tests/hostile/make_hostile_files.py FOLDER

writes one file per case into FOLDER (nothing big is committed: the tests make them in a
temporary folder). :data:`CASES` maps each file name to a fragment its error message must hold.
All files are small on disk; the bombs *declare* gigabytes or terabytes.
"""

from __future__ import annotations

import io
import json
import struct
import sys
import zipfile
import zlib
from pathlib import Path

import numpy as np

from elman_core.files.persistence import save_network
from elman_core.model.network import ElmanNetwork

GIB = 2**30

# file name → a fragment of the one-line message that must refuse it
CASES = {
    "truncated_half.npz": "not a readable .npz archive",
    "truncated_tail.npz": "not a readable .npz archive",
    "empty.npz": "not a readable .npz archive",
    "garbage.npz": "not a readable .npz archive",
    "single_array.npy": "not a .npz archive",
    "pickled_member.npz": "pickled",
    "pickled_metadata.npz": "pickled",
    "mismatched_shape.npz": "has shape (3, 3)",
    "mismatched_velocity.npz": "'velocity_b_o' has shape",
    "nan_weights.npz": "NaN or infinity",
    "inf_weights.npz": "NaN or infinity",
    "deep_metadata.npz": "nested more than",
    "string_seed.npz": "seed must be a whole or null",
    "float_seed.npz": "seed must be a whole or null",
    "string_hidden.npz": "n_hidden must be a whole",
    "huge_hidden_setting.npz": "n_hidden is 1,000,000",
    "metadata_not_json.npz": "not readable JSON",
    "long_setting.npz": "the network settings are invalid",
    "huge_number_in_metadata.npz": "the metadata is not readable JSON (Exceeds the limit",
    "wrong_dtype.npz": "must hold numbers",
    "huge_declared.npz": "declares shape (1000000, 1000000)",
    "lying_header.npz": "is damaged",
    "npy_version_3.npz": "'W_hh' has an unreadable header (.npy format version (3, 0)",
    "bomb_unrelated_member.npz": "unexpected member 'zeros.npy'",
    "bomb_in_weights.npz": "declares 4,294,967,",
    "many_members.npz": "members",
    "unrelated_member.npz": "unexpected member 'notes.npy'",
    "duplicate_member.npz": "appears twice",
}


def good_network() -> ElmanNetwork:
    """A 1-4-1 network (the XOR task's shape), a little trained, with momentum."""
    network = ElmanNetwork(1, 4, 1, 0.1, seed=3, momentum=0.5)
    rng = np.random.default_rng(0)
    network.train(rng.integers(0, 2, (30, 1)).astype(float), rng.random((30, 1)))
    return network


def good_arrays(folder: Path) -> dict[str, np.ndarray]:
    path = save_network(good_network(), folder / "good.npz", extra={"task": "xor"})
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def npz_bytes(arrays: dict, allow_pickle: bool = False) -> bytes:
    buffer = io.BytesIO()
    if allow_pickle:  # np.savez pickles object arrays; that is the point of these cases
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, array in arrays.items():
                with archive.open(f"{name}.npy", "w") as member:
                    np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=True)
        return buffer.getvalue()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def with_metadata(arrays: dict, change) -> dict:
    metadata = json.loads(str(arrays["metadata"]))
    change(metadata)
    return arrays | {"metadata": np.array(json.dumps(metadata))}


def npy_header(shape: tuple, descr: str = "<f8") -> bytes:
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buffer, {"descr": descr, "fortran_order": False, "shape": shape})
    return buffer.getvalue()


def add_members(base: bytes, members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO(base)
    with zipfile.ZipFile(buffer, "a") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zeros_bomb(name: str, prefix: bytes, size: int) -> tuple[bytes, bytes]:
    """A zip64 local header + deflate data of ``prefix`` then zeros up to ``size`` bytes, and
    its central-directory entry; the data is ~1 KB per MB (a full-flushed block, repeated)."""
    chunk_size = 2**20
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix + bytes(chunk_size - len(prefix)))
    head += compressor.flush(zlib.Z_FULL_FLUSH)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(chunk_size)) + compressor.flush(zlib.Z_FULL_FLUSH)
    final = zlib.compressobj(9, zlib.DEFLATED, -15).flush()  # an empty, final block
    chunks = size // chunk_size
    data = head + block * (chunks - 1) + final
    crc = zlib.crc32(prefix + bytes(chunk_size - len(prefix)))
    zeros = bytes(chunk_size)
    for _ in range(chunks - 1):
        crc = zlib.crc32(zeros, crc)
    encoded = name.encode()
    zip64 = struct.pack("<HHQQ", 1, 16, size, len(data))
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0x21, crc, 0xFFFFFFFF,
                        0xFFFFFFFF, len(encoded), len(zip64)) + encoded + zip64
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0, 0x21, crc,
                          0xFFFFFFFF, 0xFFFFFFFF, len(encoded), len(zip64), 0, 0, 0, 0,
                          0) + encoded + zip64
    return local + data, central


def zip_with_bomb(arrays: dict, bomb_name: str, prefix: bytes, skip: str | None) -> bytes:
    """The good members (but ``skip``) stored plainly, plus one bomb member, by hand."""
    entries = []  # (local bytes, central bytes without offset fixed)
    for name, array in arrays.items():
        if name == skip:
            continue
        member = io.BytesIO()
        np.lib.format.write_array(member, array, allow_pickle=False)
        data = member.getvalue()
        encoded = f"{name}.npy".encode()
        crc = zlib.crc32(data)
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 0, 0, 0x21, crc, len(data),
                            len(data), len(encoded), 0) + encoded + data
        central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 0, 0, 0x21, crc,
                              len(data), len(data), len(encoded), 0, 0, 0, 0, 0,
                              0) + encoded
        entries.append((local, central))
    entries.append(zeros_bomb(bomb_name, prefix, 4 * GIB))
    out, directory = bytearray(), bytearray()
    for local, central in entries:
        offset = len(out)
        out += local
        directory += central[:42] + struct.pack("<I", offset) + central[46:]
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries),
                      len(directory), len(out), 0)
    return bytes(out + directory + end)


def make_all(folder: Path) -> dict[str, Path]:
    """Write every case into ``folder``; return name → path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    arrays = good_arrays(folder)
    good = (folder / "good.npz").read_bytes()
    config = json.loads(str(arrays["metadata"]))["config"]
    hidden = config["n_hidden"]

    def deep(metadata):
        metadata["extra"]["deep"] = "LEVELS"

    deep_text = str(with_metadata(arrays, deep)["metadata"]).replace(
        '"LEVELS"', "[" * 100_000 + "]" * 100_000)
    lying = npy_header((hidden, hidden)) + b"\0" * 10
    version_3 = npy_header((hidden, hidden))
    version_3 = version_3[:6] + b"\x03\x00" + version_3[8:]
    files = {
        "truncated_half.npz": good[: len(good) // 2],
        "truncated_tail.npz": good[:-100],
        "empty.npz": b"",
        "garbage.npz": b"these are not the weights you are looking for",
        "pickled_member.npz": npz_bytes(arrays | {"W_ih": np.array([{"evil": 1}], dtype=object)},
                                        allow_pickle=True),
        "pickled_metadata.npz": npz_bytes(arrays | {"metadata": np.array(
            [json.loads(str(arrays["metadata"]))], dtype=object)}, allow_pickle=True),
        "mismatched_shape.npz": npz_bytes(arrays | {"W_hh": np.zeros((3, 3))}),
        "mismatched_velocity.npz": npz_bytes(arrays | {"velocity_b_o": np.zeros(3)}),
        "nan_weights.npz": npz_bytes(arrays | {"W_hh": np.full((hidden, hidden), np.nan)}),
        "inf_weights.npz": npz_bytes(arrays | {"b_o": np.array([np.inf])}),
        "deep_metadata.npz": npz_bytes(arrays | {"metadata": np.array(deep_text)}),
        "string_seed.npz": npz_bytes(with_metadata(
            arrays, lambda m: m["config"].update(seed="forty-two"))),
        "float_seed.npz": npz_bytes(with_metadata(arrays, lambda m: m["config"].update(seed=4.5))),
        "string_hidden.npz": npz_bytes(with_metadata(
            arrays, lambda m: m["config"].update(n_hidden="4"))),
        "huge_hidden_setting.npz": npz_bytes(with_metadata(
            arrays, lambda m: m["config"].update(n_hidden=1_000_000))),
        "long_setting.npz": npz_bytes(with_metadata(
            arrays, lambda m: m["config"].update(hidden_activation="x" * 100_000))),
        "huge_number_in_metadata.npz": npz_bytes(arrays | {"metadata": np.array(str(
            arrays["metadata"]).replace('"steps_trained": ', '"steps_trained": ' + "9" * 5000))}),
        "metadata_not_json.npz": npz_bytes(arrays | {"metadata": np.array("{'format': elman")}),
        "wrong_dtype.npz": npz_bytes(arrays | {"W_ih": np.array([["a"]] * hidden)}),
        "unrelated_member.npz": npz_bytes(arrays | {"notes": np.zeros(3)}),
        "huge_declared.npz": add_members(npz_bytes({k: v for k, v in arrays.items()
                                                    if k != "W_hh"}),
                                         {"W_hh.npy": npy_header((10**6, 10**6)) + bytes(64)}),
        "lying_header.npz": add_members(npz_bytes({k: v for k, v in arrays.items()
                                                   if k != "W_hh"}), {"W_hh.npy": lying}),
        "npy_version_3.npz": add_members(npz_bytes({k: v for k, v in arrays.items()
                                                    if k != "W_hh"}),
                                         {"W_hh.npy": version_3 + bytes(8 * hidden * hidden)}),
        "bomb_unrelated_member.npz": zip_with_bomb(arrays, "zeros.npy", b"", None),
        "bomb_in_weights.npz": zip_with_bomb(arrays, "W_hh.npy", npy_header((hidden, hidden)),
                                             "W_hh"),
        "many_members.npz": add_members(good, {f"extra_{i}.npy": b"" for i in range(50_000)}),
    }
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns about the duplicate
        files["duplicate_member.npz"] = add_members(good, {"W_hh.npy": npy_header((1,)) + bytes(8)})
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    paths["single_array.npy"] = folder / "single_array.npy"
    np.save(paths["single_array.npy"], np.zeros(3))
    assert set(paths) == set(CASES), set(paths) ^ set(CASES)
    return paths


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-files")
    for name, path in make_all(target).items():
        print(f"{path}  ({path.stat().st_size:,} bytes): must be refused with '{CASES[name]}'")
