"""Cheap checks of the packaging files: no bundle is built here (see packaging/build.py)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "elman_lab.spec"


def spec_text() -> str:
    return SPEC.read_text(encoding="utf-8")


def test_spec_is_valid_python_and_ships_assets_hook_and_kernel_source():
    text = spec_text()
    ast.parse(text)
    assert '(str(ROOT / "assets"), "assets")' in text
    assert "rthook_numba_cache.py" in text
    assert '"elman_core" / "kernels.py"' in text  # numba's cache locator needs the source
    assert '"elman_bundle_cache"' in text  # imported by numba by name: a hidden import


def test_every_file_the_spec_and_app_need_exists():
    for name in ("icon.png", "icon.svg", "icon.ico", "style.qss"):
        assert (ROOT / "assets" / name).stat().st_size > 100, name
    for name in ("rthook_numba_cache.py", "elman_bundle_cache.py", "build.py",
                 "check_bundle.py", "make_icon.py"):
        assert (PACKAGING / name).is_file(), name


def test_spec_keeps_the_qt_modules_the_app_imports():
    """An excluded Qt module the app imports would only fail inside the bundle."""
    used = set()
    for path in [*ROOT.glob("elman_gui/**/*.py"), ROOT / "main.py"]:
        used |= set(re.findall(r"PySide6\.(Qt\w+)", path.read_text(encoding="utf-8")))
    # pyqtgraph imports these unconditionally (pyqtgraph/Qt/OpenGLHelpers.py).
    used |= {"QtCore", "QtGui", "QtWidgets", "QtOpenGL", "QtOpenGLWidgets"}
    block = re.search(r"QT_EXCLUDES = \[(.*?)\n\]", spec_text(), re.DOTALL).group(1)
    excluded = set(re.findall(r'"(Qt\w+)"', block))
    assert excluded, "no Qt module excluded"
    assert not used & excluded


def test_bundle_dependency_group_has_pyinstaller():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert any(req.startswith("pyinstaller") for req in project["dependency-groups"]["bundle"])
    assert 'name = "pyinstaller"' in (ROOT / "uv.lock").read_text(encoding="utf-8")


def test_runtime_hook_points_numba_at_a_per_user_cache(tmp_path):
    code = (f"import os, runpy; runpy.run_path({str(PACKAGING / 'rthook_numba_cache.py')!r}); "
            "print(os.environ['NUMBA_CACHE_DIR']); "
            "print(os.environ['NUMBA_CACHE_LOCATOR_CLASSES'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    lines = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    if sys.platform.startswith("linux"):
        assert lines[0] == str(tmp_path / "cache" / "elman-lab" / "numba")
    assert lines[1].startswith("elman_bundle_cache.BundleCacheLocator,")
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "mine")  # the user's own choice wins
    lines = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    assert lines[0] == str(tmp_path / "mine")


def test_bundle_cache_locator_names_its_folder_after_the_package(monkeypatch, tmp_path):
    """Frozen, the kernels' relative source name resolves inside the bundle, whatever the
    current directory, and the cache folder does not depend on where the bundle unpacked."""
    pytest.importorskip("numba")
    sys.path.insert(0, str(PACKAGING))
    try:
        from elman_bundle_cache import BundleCacheLocator
    finally:
        sys.path.remove(str(PACKAGING))
    (tmp_path / "bundle" / "elman_core").mkdir(parents=True)
    (tmp_path / "bundle" / "elman_core" / "kernels.py").write_text("def f():\n    pass\n")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "bundle"), raising=False)
    monkeypatch.setattr("numba.core.config.CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)

    def kernel():
        pass

    locator = BundleCacheLocator.from_function(kernel, os.path.join("elman_core", "kernels.py"))
    assert locator is not None
    assert Path(locator.get_cache_path()) == tmp_path / "cache" / "elman_core"
    assert BundleCacheLocator.from_function(kernel, str(tmp_path / "x.py")) is None


def test_asset_path_finds_the_checkout_and_the_bundle(monkeypatch, tmp_path):
    from elman_gui import resources

    assert resources.asset_path("icon.png") == ROOT / "assets" / "icon.png"
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.asset_path("style.qss") == tmp_path / "assets" / "style.qss"
    assert resources.stylesheet() == ""  # missing in this fake bundle: Qt's defaults, no error


def test_window_title_carries_the_version():
    import elman_core
    from elman_gui import resources

    assert resources.window_title() == f"Elman Lab {elman_core.__version__}"
