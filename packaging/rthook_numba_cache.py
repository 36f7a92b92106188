"""PyInstaller runtime hook: give numba a per-user, writable cache before it is imported.

numba's ``cache=True`` writes next to the module's source, and a bundle has no writable
source folder (a one-file bundle unpacks to a new temporary folder on every start). This
points ``NUMBA_CACHE_DIR`` at the system's per-user cache folder, as ``platformdirs`` names it:

- Linux: ``$XDG_CACHE_HOME/elman-lab/numba`` (``~/.cache/elman-lab/numba``)
- Windows: ``%LOCALAPPDATA%\\elman-lab\\Cache\\numba``
- macOS: ``~/Library/Caches/elman-lab/numba``

and has numba find its entries with ``elman_bundle_cache.BundleCacheLocator``, then with its
own per-user fallback: the kernels are compiled on the very first start only, then loaded from
disk. A ``NUMBA_CACHE_DIR`` or ``NUMBA_CACHE_LOCATOR_CLASSES`` set by the user is kept.
"""

import os

from platformdirs import PlatformDirs

APP = "elman-lab"


def numba_cache_dir(dirs_class=PlatformDirs) -> str:
    """The folder numba caches in; ``dirs_class`` is platformdirs' class for one system
    (``PlatformDirs`` is the running system's; the tests pass the others)."""
    return os.path.join(dirs_class(APP, appauthor=False).user_cache_dir, "numba")


os.environ.setdefault("NUMBA_CACHE_DIR", numba_cache_dir())
os.environ.setdefault(
    "NUMBA_CACHE_LOCATOR_CLASSES", "elman_bundle_cache.BundleCacheLocator,UserWideCacheLocator"
)
