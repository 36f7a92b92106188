"""A numba cache that cannot break training (elman_core/model/numba_cache.py).

Each case on two small cached functions in a module written for the test (compiled in a
second, not the kernels' minute): an unwritable or missing cache folder, a full disk, and an
empty, truncated or foreign index or data file. Each must give the right result, say so in one
line, and leave the damaged files aside. Running as root, a chmod'ed folder would still be
writable: a regular file where the folder should be is unwritable for everyone, and a full
disk is an injected ENOSPC (plus a real tiny tmpfs where this machine lets us mount one).
The last test is the real kernels with a foreign data file, as the issue saw it.
"""

from __future__ import annotations

import errno
import importlib.util
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from numba.core import caching, config
from numba.core.caching import NullCache

from elman_core.model import numba_cache
from elman_core.model.numba_cache import SafeFunctionCache

ROOT = Path(__file__).resolve().parents[1]

SOURCE = '''
from elman_core.model.numba_cache import njit


@njit(cache=True)
def twice(x):
    return 2.0 * x


@njit(cache=True)
def plus_one(x):
    return x + 1.0
'''


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """numba's cache folder for these tests, a fresh notice memory, and a fallback folder that
    is not the machine's real temporary one."""
    folder = tmp_path / "cache"
    monkeypatch.setattr(config, "CACHE_DIR", str(folder))
    # Only that folder (numba would otherwise try a __pycache__ beside the source next, which
    # the bundle does not have)
    monkeypatch.setattr(config, "CACHE_LOCATOR_CLASSES", "UserProvidedCacheLocator")
    monkeypatch.setattr(numba_cache, "_noticed", set())
    monkeypatch.setattr(numba_cache, "fallback_cache_dir", lambda: str(tmp_path / "fallback"))
    (tmp_path / "cached_functions.py").write_text(SOURCE)
    return folder


def fresh_module(tmp_path):
    """The test module imported anew: new dispatchers, as in a new process (they look in the
    disk cache before compiling)."""
    spec = importlib.util.spec_from_file_location(f"cached_{uuid.uuid4().hex}",
                                                  tmp_path / "cached_functions.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hits(dispatcher) -> int:
    return sum(dispatcher.stats.cache_hits.values())


def files(folder: Path, name: str, suffix: str) -> list[Path]:
    return sorted(p for p in folder.rglob(f"cached_functions.{name}-*{suffix}")
                  if "damaged" not in p.parts)


def test_a_good_cache_is_written_then_loaded(tmp_path, cache, capfd):
    assert fresh_module(tmp_path).twice(3.0) == 6.0
    again = fresh_module(tmp_path)
    assert again.twice(3.0) == 6.0 and hits(again.twice) == 1
    assert files(cache, "twice", ".nbi") and capfd.readouterr().err == ""


def test_a_file_where_the_cache_folder_should_be_caches_in_the_fallback(tmp_path, cache, capfd):
    cache.write_text("not a folder")
    module = fresh_module(tmp_path)
    assert module.twice(3.0) == 6.0
    assert isinstance(module.twice._cache, SafeFunctionCache)
    assert files(tmp_path / "fallback", "twice", ".nbc")  # saved there, so the next start loads
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "cannot be written" in err and "fallback" in err


def test_no_writable_folder_at_all_compiles_in_memory(tmp_path, cache, monkeypatch, capfd):
    cache.write_text("not a folder")
    (tmp_path / "fallback").write_text("not a folder either")
    module = fresh_module(tmp_path)
    assert module.twice(3.0) == 6.0 and module.plus_one(1.0) == 2.0
    assert isinstance(module.twice._cache, NullCache)
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "in memory" in err  # one line for both functions


def test_a_full_disk_trains_from_memory(tmp_path, cache, monkeypatch, capfd):
    def no_space(self, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)
    monkeypatch.setattr(caching.IndexDataCacheFile, "_open_for_write", no_space)
    module = fresh_module(tmp_path)
    assert module.twice(3.0) == 6.0 and module.plus_one(1.0) == 2.0
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "No space left on device" in err


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (a really full disk), where this machine lets us mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    if shutil.which("mount") is None or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the injected ENOSPC test covers the case)")
    (mount / "filler").write_bytes(b"\0" * 60 * 1024)
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_really_full_disk_trains_from_memory(tmp_path, cache, tiny_disk, monkeypatch, capfd):
    monkeypatch.setattr(config, "CACHE_DIR", str(tiny_disk / "cache"))
    (tiny_disk / "cache").mkdir()  # room for a folder, not for the files
    module = fresh_module(tmp_path)
    assert module.twice(3.0) == 6.0
    assert "cannot save compiled kernels" in capfd.readouterr().err


def damage_index_empty(cache: Path) -> None:
    files(cache, "twice", ".nbi")[0].write_bytes(b"")


def damage_data_truncated(cache: Path) -> None:
    data = files(cache, "twice", ".nbc")[0]
    data.write_bytes(data.read_bytes()[:100])


def damage_data_foreign(cache: Path) -> None:
    shutil.copy(files(cache, "plus_one", ".nbc")[0], files(cache, "twice", ".nbc")[0])


@pytest.mark.parametrize("damage", [damage_index_empty, damage_data_truncated,
                                    damage_data_foreign])
def test_a_damaged_cache_file_is_moved_aside_and_recompiled(tmp_path, cache, capfd, damage):
    first = fresh_module(tmp_path)
    assert first.twice(3.0) == 6.0 and first.plus_one(1.0) == 2.0
    damage(cache)
    capfd.readouterr()
    second = fresh_module(tmp_path)
    assert second.twice(3.0) == 6.0  # not 4.0 (plus_one's code), not an exception
    assert hits(second.twice) == 0
    err = capfd.readouterr().err
    assert err.count("\n") == 1 and "damaged numba cache file" in err
    assert list((cache).rglob("damaged/*/cached_functions.twice-*"))  # kept for a bug report
    third = fresh_module(tmp_path)  # and the recompiled code was saved in their place
    assert third.twice(3.0) == 6.0 and hits(third.twice) == 1
    assert capfd.readouterr().err == ""


def test_a_foreign_index_is_a_miss_and_replaced(tmp_path, cache, capfd):
    """Another function's index names no entry for this function's code: numba compiles
    and writes its own index over it, with nothing to report."""
    first = fresh_module(tmp_path)
    assert first.twice(3.0) == 6.0 and first.plus_one(1.0) == 2.0
    shutil.copy(files(cache, "plus_one", ".nbi")[0], files(cache, "twice", ".nbi")[0])
    second = fresh_module(tmp_path)
    assert second.twice(3.0) == 6.0 and hits(second.twice) == 0
    third = fresh_module(tmp_path)
    assert third.twice(3.0) == 6.0 and hits(third.twice) == 1
    assert capfd.readouterr().err == ""


def test_the_kernels_train_past_a_foreign_cache_file(tmp_path):
    """The issue's case on the real kernels: train_online's data file replaced by _loss's
    ("TypeError: _exp expected 1 argument, got 25" before). Starts from the checkout's own
    cache so only the damaged kernel compiles."""
    cache = tmp_path / "numba"
    kernels_file = ROOT / "elman_core" / "model" / "kernels.py"
    folder = cache / caching.UserProvidedCacheLocator.get_suitable_cache_subpath(str(kernels_file))
    folder.mkdir(parents=True)
    # Only the files of the kernels as they are now (a checkout's cache also keeps those of
    # earlier versions, named by the function's old line number).
    from elman_core.model import kernels

    loss_stem, train_stem = (Path(dispatcher._cache._cache_file._index_path).name[:-len(".nbi")]
                             for dispatcher in (kernels._loss, kernels.train_online))
    for entry in (kernels_file.parent / "__pycache__").glob("kernels*.nb[ic]"):
        if entry.name.startswith((f"{loss_stem}.", f"{train_stem}.")):
            shutil.copy(entry, folder)  # the same sources: numba's stamps and keys match
    code = ("from elman_core import tasks; "
            "from elman_core.model.settings import RunSettings; "
            "from elman_core.training.session import TrainingSession; "
            "task = tasks.get('xor'); "
            "s = TrainingSession(task, RunSettings.for_task(task, n_hidden=2, "
            "sequence_length=30, epochs=1)); s.run(s.steps_per_epoch); print('trained')")
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache), PYTHONPATH=str(ROOT))
    env.pop("NUMBA_CACHE_LOCATOR_CLASSES", None)
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, timeout=900)
    assert first.returncode == 0, first.stderr
    loss = next(folder.glob(f"{loss_stem}.1.nbc"))
    for data in folder.glob(f"{train_stem}.*.nbc"):  # whichever entry the call will load
        shutil.copy(loss, data)
    second = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, timeout=900)
    assert second.returncode == 0, second.stderr
    assert "trained" in second.stdout and "Traceback" not in second.stderr
    assert second.stderr.count("damaged numba cache file") == 1, second.stderr
