"""PyInstaller runtime hook: give numba a per-user, writable cache before it is imported.

numba's ``cache=True`` writes next to the module's source, and a bundle has no writable
source folder (a one-file bundle unpacks to a new temporary folder on every start). This
points ``NUMBA_CACHE_DIR`` at the system's per-user cache folder, as ``platformdirs`` names it:

- Linux: ``$XDG_CACHE_HOME/elman-lab/numba`` (``~/.cache/elman-lab/numba``)
- Windows: ``%LOCALAPPDATA%\\elman-lab\\Cache\\numba``
- macOS: ``~/Library/Caches/elman-lab/numba``

and has numba find its entries with ``elman_bundle_cache.BundleCacheLocator``, then with its
own per-user fallback. The bundle ships its kernels compiled for a generic CPU
(elman_bundle_paths.py): they are copied into the cache folder where missing and numba is told
to use that CPU too (``NUMBA_CPU_NAME=generic``, part of the entries' key), so even the very
first start loads them instead of compiling. Meanwhile a background process compiles them for
this processor, used from the next start on. A ``NUMBA_CACHE_DIR``,
``NUMBA_CACHE_LOCATOR_CLASSES`` or ``NUMBA_CPU_NAME`` set by the user is kept.
"""

import os
import sys

import elman_bundle_paths as paths
from platformdirs import PlatformDirs

APP = "elman-lab"


def numba_cache_dir(dirs_class=PlatformDirs) -> str:
    """The folder numba caches in; ``dirs_class`` is platformdirs' class for one system
    (``PlatformDirs`` is the running system's; the tests pass the others)."""
    return os.path.join(dirs_class(APP, appauthor=False).user_cache_dir, "numba")


def a_students_start(argv: list[str]) -> bool:
    """The window opened by a student (not ``train``, not a scripted --screenshot run)."""
    return argv[1:2] != ["train"] and "--screenshot" not in argv


os.environ.setdefault("NUMBA_CACHE_DIR", numba_cache_dir())
os.environ.setdefault(
    "NUMBA_CACHE_LOCATOR_CLASSES", "elman_bundle_cache.BundleCacheLocator,UserWideCacheLocator"
)
if paths.seed_user_cache(os.environ["NUMBA_CACHE_DIR"]) is None:
    # A read-only home: the shipped kernels go to the temporary folder, loaded from there
    # (elman_core/model/numba_cache.py would otherwise compile them there).
    fallback = paths.temporary_cache_dir()
    if paths.seed_user_cache(fallback) is not None:
        print(f"Elman Lab: the numba cache folder {os.environ['NUMBA_CACHE_DIR']} cannot be "
              f"written; caching the compiled kernels in {fallback} instead.", file=sys.stderr)
        os.environ["NUMBA_CACHE_DIR"] = fallback
CACHE = os.environ["NUMBA_CACHE_DIR"]
if os.environ.get(paths.COMPILE_NATIVE):  # this process is the background compile
    os._exit(paths.run_native_compile(CACHE))
if paths.build_id() and paths.cpu_choice(CACHE, os.environ) == "generic":  # kernels shipped
    os.environ["NUMBA_CPU_NAME"] = "generic"
    if paths.build_id() and a_students_start(sys.argv) and paths.claim_native_compile(CACHE):
        paths.launch_native_compile([sys.executable], os.environ)
