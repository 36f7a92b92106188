"""PyInstaller runtime hook: give numba a per-user, writable cache before it is imported.

numba's ``cache=True`` writes next to the module's source, and a bundle has no writable
source folder (a one-file bundle unpacks to a new temporary folder on every start). This
points ``NUMBA_CACHE_DIR`` at the platform's per-user cache folder
(``~/.cache/elman-lab/numba`` on Linux) and has numba find its entries with
``elman_bundle_cache.BundleCacheLocator``, then with its own per-user fallback: the kernels
are compiled on the very first start only, then loaded from disk. A ``NUMBA_CACHE_DIR`` or
``NUMBA_CACHE_LOCATOR_CLASSES`` set by the user is kept.
"""

import os
import sys


def _user_cache_dir(app: str) -> str:
    home = os.path.expanduser("~")
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or os.path.join(home, "AppData", "Local")
        return os.path.join(base, app, "Cache")
    if sys.platform == "darwin":
        return os.path.join(home, "Library", "Caches", app)
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative value is ignored
        base = os.path.join(home, ".cache")
    return os.path.join(base, app)


os.environ.setdefault("NUMBA_CACHE_DIR", os.path.join(_user_cache_dir("elman-lab"), "numba"))
os.environ.setdefault(
    "NUMBA_CACHE_LOCATOR_CLASSES", "elman_bundle_cache.BundleCacheLocator,UserWideCacheLocator"
)
