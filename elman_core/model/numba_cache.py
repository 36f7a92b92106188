"""numba's disk cache for the kernels, made unable to stop training.

``njit(cache=True)`` here is numba's, except that nothing about the cache folder can raise:

- no writable cache folder (a read-only home, a file where the folder should be): numba would
  refuse to even define the function ("cannot cache function …: no locator available"). Here
  the kernels are cached in a folder of the system's temporary directory instead, or, if that
  cannot be written either, compiled in memory for this run;
- a full disk or a write that fails: the compiled kernel is used all the same, not saved;
- an empty, truncated or foreign index (``.nbi``) or data (``.nbc``) file: numba raised
  EOFError, UnpicklingError or TypeError from deep inside a compile. Here the function's files
  are moved aside into ``damaged/`` beside them and the kernel is compiled again.

Each of these prints one line on stderr (once per cause), saying what happened and that
training goes on. A cache folder is always safe to delete.
"""

from __future__ import annotations

import contextlib
import getpass
import glob
import os
import sys
import tempfile
import time

import numba
from numba.core import config
from numba.core.caching import FunctionCache, NullCache

_noticed: set[str] = set()


def notice(message: str) -> None:
    """Print ``message`` on stderr once per process (twenty kernels share one cache folder)."""
    if message not in _noticed:
        _noticed.add(message)
        print(f"Elman Lab: {message}", file=sys.stderr, flush=True)


def fallback_cache_dir() -> str:
    """Where the kernels are cached when the usual folder cannot be written: the system's
    temporary folder, one per user (a shared /tmp must not mix two users' files)."""
    try:
        user = getpass.getuser()
    except Exception:  # no user name (a container without passwd entry): one folder for all
        user = "user"
    return os.path.join(tempfile.gettempdir(), f"elman-lab-numba-{user}")


@contextlib.contextmanager
def _cache_dir(path: str):
    """numba's ``NUMBA_CACHE_DIR`` set to ``path`` while a cache is being located."""
    saved = config.CACHE_DIR
    config.CACHE_DIR = path
    try:
        yield
    finally:
        config.CACHE_DIR = saved


class SafeFunctionCache(FunctionCache):
    """numba's per-function disk cache; a file it cannot read or write never raises."""

    def load_overload(self, sig, target_context):
        try:
            cres = super().load_overload(sig, target_context)
        except Exception as error:  # damaged: EOFError, UnpicklingError, TypeError, …
            self._move_aside(f"{type(error).__name__}: {error}")
            return None
        if cres is not None and not self._is_own(cres, sig):
            self._move_aside("it holds another function's code")
            return None
        return cres

    def save_overload(self, sig, data):
        try:
            try:
                super().save_overload(sig, data)
            except OSError:
                raise
            except Exception as error:  # saving reads the index first: a damaged one raises
                self._move_aside(f"{type(error).__name__}: {error}")
                super().save_overload(sig, data)
        except OSError as error:  # a full disk (ENOSPC), a folder made read-only meanwhile
            self.disable()
            notice(f"cannot save compiled kernels in {self.cache_path} "
                   f"({error.strerror or error}); using them from memory for this run.")
        except Exception:  # damaged again at once: not worth a second notice
            self.disable()

    def _is_own(self, cres, sig) -> bool:
        """Whether a loaded entry is this function's, for these argument types (a data file
        copied over from another function loads without error and breaks its callers)."""
        args = tuple(sig.args) if hasattr(sig, "args") else tuple(sig)
        return (getattr(cres.fndesc, "qualname", None) == self._py_func.__qualname__
                and tuple(cres.signature.args) == args)

    def _move_aside(self, why: str) -> None:
        """Move this function's index and data files into ``damaged/`` (kept for a bug
        report, out of numba's way); if that fails, stop using the disk cache for it."""
        base = os.path.join(self.cache_path, self._impl.filename_base)
        files = [base + ".nbi", *glob.glob(glob.escape(base) + ".*.nbc")]
        aside = os.path.join(self.cache_path, "damaged", time.strftime("%Y%m%d-%H%M%S"))
        try:
            os.makedirs(aside, exist_ok=True)
            for path in files:
                if os.path.exists(path):
                    os.replace(path, os.path.join(aside, os.path.basename(path)))
            where = f"moved to {aside}"
        except OSError:
            self.disable()
            where = "left in place, not used"
        notice(f"a damaged numba cache file in {self.cache_path} ({why}) was {where}; "
               "compiling the kernels again.")


def safe_cache(py_func) -> FunctionCache | NullCache:
    """The disk cache for ``py_func``: in numba's usual folder, else in a temporary one, else
    none (compiled in memory)."""
    try:
        return SafeFunctionCache(py_func)
    except RuntimeError:  # numba found no folder it can write ("no locator available")
        pass
    fallback = fallback_cache_dir()
    try:
        with _cache_dir(fallback):
            cache = SafeFunctionCache(py_func)
        notice("the numba cache folder cannot be written; "
               f"caching the compiled kernels in {fallback} instead.")
        return cache
    except RuntimeError:
        notice("no folder for numba's cache can be written; "
               "compiling the kernels in memory for this run.")
        return NullCache()


def njit(*args, cache: bool = False, **options):
    """``numba.njit``, whose ``cache=True`` cannot stop the program (see the module's doc)."""
    def decorate(func):
        dispatcher = numba.njit(**options)(func)
        if cache and hasattr(dispatcher, "enable_caching"):  # not under NUMBA_DISABLE_JIT
            dispatcher._cache = safe_cache(func)
        return dispatcher
    if len(args) == 1 and callable(args[0]) and not options.get("signature_or_function"):
        return decorate(args[0])
    if args:
        raise TypeError("njit here takes keyword options only")
    return decorate
