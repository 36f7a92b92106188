"""numba's disk cache for the kernels inside a PyInstaller bundle (imported by numba itself).

numba locates a cached function by its source file. In a bundle a function's file name is
relative (``elman_core/model/kernels.py``), so numba's own frozen-app fallback resolves it against
the *current directory*: starting the app from another folder compiled everything again (8 s).
This locator resolves the name inside the bundle (where build ships the kernels' source) and
names the cache folder after the package and the build (elman_bundle_paths.py), so a one-file
bundle, which unpacks to a new temporary folder on every start, finds it too, and each build
has its own. The entries are stamped with the shipped source file's content, as numba does
outside a bundle (numba's own frozen stamp, the executable's content, would differ between the
folder and one-file bundles and the checkout that build.py compiles the shipped kernels in).
``rthook_numba_cache.py`` selects it through ``NUMBA_CACHE_LOCATOR_CLASSES`` and sets
``NUMBA_CACHE_DIR``.
"""

from __future__ import annotations

import os
import sys

from elman_bundle_paths import PACKAGE_FOLDER, bundle_dir, cache_subfolder
from numba.core.caching import UserProvidedCacheLocator, _hash_source_file


class BundleCacheLocator(UserProvidedCacheLocator):
    """``NUMBA_CACHE_DIR/<package>/`` for functions whose source name is relative to the bundle."""

    @classmethod
    def from_function(cls, py_func, py_file):
        if os.path.isabs(py_file) or not getattr(sys, "frozen", False):
            return None
        return super().from_function(py_func, os.path.join(bundle_dir(), py_file))

    @classmethod
    def get_suitable_cache_subpath(cls, py_file):
        package = os.path.relpath(os.path.dirname(py_file), bundle_dir())
        folder = package.replace(os.sep, "_") or "main"
        return cache_subfolder() if folder == PACKAGE_FOLDER else folder

    def get_source_stamp(self):
        status = os.stat(self._py_file)
        return _hash_source_file(self._py_file, status.st_mtime, status.st_size)
