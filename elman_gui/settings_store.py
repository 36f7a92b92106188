"""Where Elman Lab keeps its few settings (the welcome dialog's flags), and only there.

Qt puts per-user settings under ``$XDG_CONFIG_HOME`` or ``$HOME/.config``. With ``HOME`` unset
Qt makes that ``/.config`` — a folder in the root of the disk — and with a home that cannot be
written it fails on every save. Then the settings are kept only while the app runs, in a
temporary folder removed at exit, and the window says so once (:func:`take_notice`).

QSettings writes its file through ``QSaveFile`` (a temporary file renamed over the old one);
:func:`app_settings` insists on that (``setAtomicSyncRequired``), so a full disk keeps the old
file, and :func:`save` reports the failure instead of losing it silently.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from elman_core.files import atomic_io

ORGANISATION = APPLICATION = "Elman Lab"

_store: QSettings | None = None
_notice: str | None = None


def home_problem(environ=os.environ) -> str | None:
    """Why the per-user settings folder cannot be used, or None if it can."""
    home = environ.get("HOME", "")
    if not home:
        return "HOME is not set"
    if not os.path.isabs(home):
        return f"HOME ({home}) is not an absolute path"
    if not os.path.isdir(home):
        return f"the home folder {home} does not exist"
    xdg = environ.get("XDG_CONFIG_HOME", "")
    folder = Path(xdg if os.path.isabs(xdg) else os.path.join(home, ".config")) / ORGANISATION
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_io.check_output_path(folder / f"{APPLICATION}.conf")
    except (OSError, atomic_io.OutputPathError) as error:
        reason = error.strerror if isinstance(error, OSError) and error.strerror else error
        return f"{folder} cannot be written ({reason})"
    return None


def app_settings() -> QSettings:
    """Elman Lab's settings store: per user, or (no usable home) for this run only."""
    global _store, _notice
    if _store is None:
        problem = home_problem()
        if problem is None:
            _store = QSettings(ORGANISATION, APPLICATION)
        else:
            folder = tempfile.mkdtemp(prefix="elman-lab-settings-")
            atexit.register(shutil.rmtree, folder, True)
            _store = QSettings(os.path.join(folder, "settings.ini"), QSettings.Format.IniFormat)
            _notice = (f"Settings are kept only until Elman Lab closes: {problem}. "
                       "Set HOME to a folder you can write to keep them.")
        _store.setAtomicSyncRequired(True)  # a temporary file renamed over the old, or nothing
    return _store


def take_notice() -> str | None:
    """The one message about where settings are kept (None if nothing to say); once only."""
    global _notice
    app_settings()
    notice, _notice = _notice, None
    return notice


def save(settings: QSettings, key: str, value) -> str | None:
    """Set ``key`` and write the store now; the reason if it could not be written (the old
    file is then unchanged), else None."""
    settings.setValue(key, value)
    settings.sync()
    if settings.status() == QSettings.Status.NoError:
        return None
    return (f"Settings could not be saved to {settings.fileName()} (the disk may be full or "
            "the folder read-only); they apply until Elman Lab closes.")
