"""Cheap checks of the packaging files: no bundle is built here (see packaging/build.py)."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import time
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
    # numba's cache locator needs the sources of every module with cached kernels.
    for name in ("kernels.py", "kernels_bptt.py", "kernels_context.py"):
        assert f'"{name}"' in text, name
    assert '"elman_bundle_cache"' in text  # imported by numba by name: a hidden import


def test_every_file_the_spec_and_app_need_exists():
    for name in ("icon.png", "icon.svg", "icon.ico", "icon.icns", "style.qss"):
        assert (ROOT / "assets" / name).stat().st_size > 100, name
    for name in ("rthook_numba_cache.py", "elman_bundle_cache.py", "elman_bundle_paths.py",
                 "build.py", "check_bundle.py", "make_icon.py", "plan.py", "release_leg.py"):
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


def test_runtime_hook_points_numba_at_each_systems_per_user_cache(monkeypatch, tmp_path):
    """platformdirs' class for each system: XDG on Linux, %LOCALAPPDATA% on Windows,
    ~/Library/Caches on macOS (the hook itself passes the running system's)."""
    from platformdirs.macos import MacOS
    from platformdirs.unix import Unix
    from platformdirs.windows import Windows

    hook = runpy_hook(monkeypatch)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert hook.numba_cache_dir(Unix) == str(tmp_path / "xdg" / "elman-lab" / "numba")
    monkeypatch.setenv("WIN_PD_OVERRIDE_LOCAL_APPDATA", r"C:\Users\ana\AppData\Local")
    windows = hook.numba_cache_dir(Windows).replace("\\", "/")
    assert windows == "C:/Users/ana/AppData/Local/elman-lab/Cache/numba"
    monkeypatch.delenv("XDG_CACHE_HOME")  # platformdirs honours it on macOS too
    assert hook.numba_cache_dir(MacOS) == str(tmp_path / "Library" / "Caches" / "elman-lab"
                                               / "numba")


def runpy_hook(monkeypatch):
    """The runtime hook's namespace, run without touching this process's NUMBA_ variables."""
    import runpy
    import types

    monkeypatch.setenv("NUMBA_CACHE_DIR", "kept")
    monkeypatch.setenv("NUMBA_CACHE_LOCATOR_CLASSES", "kept")
    monkeypatch.setenv("NUMBA_CPU_NAME", "kept")
    monkeypatch.syspath_prepend(str(PACKAGING))  # the bundle has elman_bundle_paths inside
    return types.SimpleNamespace(**runpy.run_path(str(PACKAGING / "rthook_numba_cache.py")))


def test_runtime_hook_points_numba_at_a_per_user_cache(tmp_path):
    code = (f"import os, runpy, sys; sys.path.insert(0, {str(PACKAGING)!r}); "
            f"runpy.run_path({str(PACKAGING / 'rthook_numba_cache.py')!r}); "
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


# ---------------------------------------------------------------- per-system plan (plan.py)
def load_packaging_module(name: str):
    sys.path.insert(0, str(PACKAGING))
    try:
        return __import__(name)
    finally:
        sys.path.remove(str(PACKAGING))


def test_bundle_plan_for_each_system():
    plan = load_packaging_module("plan")
    linux, windows, mac = (plan.bundle_plan(s) for s in ("Linux", "Windows", "Darwin"))
    assert [b.program for b in linux.bundles] == ["elman-lab/elman-lab", "elman-lab"]
    assert linux.icon is None and linux.needs_xvfb and not linux.app_bundle
    assert [b.program for b in windows.bundles] == ["elman-lab/elman-lab.exe", "elman-lab.exe"]
    assert windows.icon.name == "icon.ico" and windows.version_resource
    assert not windows.needs_xvfb and not windows.app_bundle
    assert [b.program for b in mac.bundles] == ["Elman Lab.app/Contents/MacOS/elman-lab"]
    assert mac.bundles[0].shipped == "Elman Lab.app" and mac.app_bundle
    assert mac.icon.name == "icon.icns" and not mac.needs_xvfb and not mac.version_resource
    for each in (linux, windows, mac):
        assert each.icon is None or each.icon.is_file()
        assert each.bundle(onefile=False).suffix == ""  # the main download has the plain name
    with pytest.raises(ValueError, match="no one-file bundle"):
        mac.bundle(onefile=True)
    with pytest.raises(ValueError, match="no bundle plan"):
        plan.bundle_plan("Plan9")


def test_archive_names_carry_version_system_and_processor():
    plan = load_packaging_module("plan")
    windows = plan.bundle_plan("Windows")
    assert plan.archive_name("0.1.0", "Windows", "AMD64", windows.bundle(onefile=True)) == (
        "elman-lab-0.1.0-windows-x64-onefile.zip")
    mac = plan.bundle_plan("Darwin").bundle(onefile=False)
    assert plan.archive_name("0.1.0", "Darwin", "arm64", mac) == "elman-lab-0.1.0-macos-arm64.zip"
    assert plan.archive_name("0.1.0", "Darwin", "x86_64", mac) == "elman-lab-0.1.0-macos-x64.zip"
    linux = plan.bundle_plan("Linux").bundle(onefile=False)
    assert plan.archive_name("2.0.1", "Linux", "x86_64", linux) == "elman-lab-2.0.1-linux-x64.zip"


def test_windows_version_resource_carries_the_apps_one_version():
    """Read back the way PyInstaller does (eval of its VSVersionInfo classes); pefile, which
    PyInstaller's own classes need, exists only on Windows, so stand-ins record the fields.
    The version is written once: pyproject.toml's is dynamic, hatch reads elman_core's line
    (the installed metadata shows what it read)."""
    plan = load_packaging_module("plan")
    version = plan.project_version()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"] and "version" in project["project"]["dynamic"]
    assert project["tool"]["hatch"]["version"]["path"] == "elman_core/__init__.py"
    assert version == importlib.metadata.version("elman-lab")

    def record(kind):
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = ("VSVersionInfo", "FixedFileInfo", "StringFileInfo", "StringTable", "StringStruct",
             "VarFileInfo", "VarStruct")
    info = eval(plan.windows_version_resource("1.2.3"), {name: record(name) for name in names})
    fixed = info[2]["ffi"][2]
    assert fixed["filevers"] == fixed["prodvers"] == (1, 2, 3, 0)
    table = info[2]["kids"][0][1][0][0][1][1]
    strings = {args[0]: args[1] for _kind, args, _ in table}
    assert strings["FileVersion"] == strings["ProductVersion"] == "1.2.3"
    assert strings["OriginalFilename"] == "elman-lab.exe"
    assert plan.version_tuple("2.10rc1") == (2, 10, 1, 0)
    assert plan.version_tuple("3") == (3, 0, 0, 0)


def test_check_bundle_draws_on_xvfb_only_on_linux(monkeypatch):
    check_bundle = load_packaging_module("check_bundle")
    for system in ("Windows", "Darwin"):
        command, env = check_bundle.with_display(["app"], system, {"PATH": "/bin"})
        assert command == ["app"] and env["QT_QPA_PLATFORM"] == "offscreen"
    command, env = check_bundle.with_display(["app"], "Linux", {"DISPLAY": ":5"})
    assert command == ["app"] and "QT_QPA_PLATFORM" not in env
    monkeypatch.setattr(check_bundle.shutil, "which", lambda name: "/usr/bin/" + name)
    command, env = check_bundle.with_display(["app"], "Linux", {})
    assert command[0] == "xvfb-run" and command[-1] == "app" and "QT_QPA_PLATFORM" not in env


def test_release_zip_keeps_links_and_executable_bits(tmp_path):
    release_leg = load_packaging_module("release_leg")
    bundle = tmp_path / "elman-lab"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "elman-lab").write_bytes(b"#!/bin/sh\n")
    (bundle / "elman-lab").chmod(0o755)
    (bundle / "_internal" / "libx.so.1").write_bytes(b"lib")
    (bundle / "libx.so.1").symlink_to("_internal/libx.so.1")
    archive = tmp_path / "out.zip"
    release_leg.zip_tree(bundle, archive)
    release_leg.unzip_tree(archive, tmp_path / "unpacked")
    unpacked = tmp_path / "unpacked" / "elman-lab"
    assert os.access(unpacked / "elman-lab", os.X_OK)
    assert (unpacked / "libx.so.1").is_symlink()
    assert os.readlink(unpacked / "libx.so.1") == "_internal/libx.so.1"
    assert (unpacked / "libx.so.1").read_bytes() == b"lib"


def test_release_tag_must_match_the_version(monkeypatch):
    release_leg = load_packaging_module("release_leg")
    monkeypatch.setenv("RELEASE_TAG", "v0.1.0")
    release_leg.check_release_tag("0.1.0")
    monkeypatch.setenv("RELEASE_TAG", "v0.2.0")
    with pytest.raises(SystemExit, match=r"not v0\.1\.0"):
        release_leg.check_release_tag("0.1.0")


def test_linux_release_script_runs_the_workflows_commands():
    """packaging/run_release_linux.sh (run locally) and the workflow's job run the same steps."""
    script = [line for line in (PACKAGING / "run_release_linux.sh").read_text(
        encoding="utf-8").splitlines() if line.startswith("uv ")]
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    runs = re.findall(r"^\s+run: (uv .*)$", workflow, re.MULTILINE)
    assert script == runs
    assert len(script) == 3 and "--group bundle" in script[0]


def test_workflow_pins_every_action_to_a_commit():
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    uses = re.findall(r"uses: (\S+)", workflow)
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use) for use in uses)
    assert "persist-credentials: false" in workflow
    assert re.search(r"^permissions:\n  contents: read$", workflow, re.MULTILINE)
    assert workflow.count("contents: write") == 1


# ---------------------------------------------------------------- icons
def icon_images(kind: str) -> dict[int, bytes]:
    """The PNG payloads of assets/icon.ico or icon.icns, by the size their table states."""
    import struct

    data = (ROOT / "assets" / f"icon.{kind}").read_bytes()
    images = {}
    if kind == "ico":
        reserved, kind_code, count = struct.unpack_from("<HHH", data)
        assert (reserved, kind_code) == (0, 1)
        for k in range(count):
            width, height, *_rest, length, offset = struct.unpack_from("<BBBBHHII", data,
                                                                       6 + 16 * k)
            assert width == height
            images[width or 256] = data[offset:offset + length]
    else:
        assert data[:4] == b"icns"
        assert struct.unpack_from(">I", data, 4)[0] == len(data)
        types = {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024}
        offset = 8
        while offset < len(data):
            code, length = data[offset:offset + 4], struct.unpack_from(">I", data, offset + 4)[0]
            images[types[code]] = data[offset + 8:offset + length]
            offset += length
        assert offset == len(data)
    return images


@pytest.mark.parametrize(("kind", "sizes"), [("ico", {16, 24, 32, 48, 64, 128, 256}),
                                             ("icns", {128, 256, 512, 1024})])
def test_icon_files_hold_pngs_of_every_size(kind, sizes):
    import struct

    images = icon_images(kind)
    assert set(images) == sizes
    for size, png in images.items():
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (size, size)  # IHDR width, height


def test_icon_files_are_current(qapp):
    """make_icon.py draws the same files today: run it after changing the drawing."""
    make_icon = load_packaging_module("make_icon")
    for name, data in make_icon.icon_files().items():
        assert (ROOT / "assets" / name).read_bytes() == data, f"{name}: run make_icon.py"


def test_scipy_parts_the_app_uses_import_without_the_excluded_ones():
    """The spec leaves out the scipy subpackages in SCIPY_UNUSED; clustering, distances and
    linear algebra must not need them (run in a child with those imports blocked)."""
    block = re.search(r"SCIPY_UNUSED = \[(.*?)\]", spec_text(), re.DOTALL).group(1)
    unused = re.findall(r'"(scipy\.[\w.]+)"', block)
    assert "scipy.stats" in unused and not {"scipy.cluster", "scipy.spatial",
                                            "scipy.linalg"} & set(unused)
    code = f"""
import sys
class Block:
    def find_spec(self, name, path=None, target=None):
        if any(name == u or name.startswith(u + ".") for u in {unused!r}):
            raise ImportError("left out of the bundle: " + name)
sys.meta_path.insert(0, Block())
import numpy as np
import scipy.cluster.hierarchy, scipy.cluster.vq, scipy.spatial.distance, scipy.linalg
points = np.random.default_rng(0).random((8, 3))
scipy.cluster.hierarchy.dendrogram(scipy.cluster.hierarchy.linkage(points), no_plot=True)
scipy.linalg.svd(points)
"""
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


# Destinations as the PySide6-Essentials 6.11.3 wheels name them (Linux: this machine's bundle;
# Windows and macOS: listed from their wheels), so the drop rules are checked for all three.
KEPT = {
    "Linux": ["PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Gui.so.6",
              "PySide6/Qt/lib/libQt6OpenGL.so.6", "PySide6/Qt/lib/libQt6Svg.so.6",
              "PySide6/Qt/lib/libQt6XcbQpa.so.6", "PySide6/Qt/plugins/platforms/libqxcb.so",
              "PySide6/Qt/plugins/platforms/libqwayland.so",
              "PySide6/Qt/plugins/platforms/libqoffscreen.so",
              "PySide6/Qt/plugins/imageformats/libqico.so", "libicudata.so.73",
              "PySide6/Qt/plugins/platformthemes/libqxdgdesktopportal.so"],
    "Windows": [r"PySide6\Qt6Core.dll", r"PySide6\Qt6Widgets.dll", r"PySide6\Qt6OpenGL.dll",
                r"PySide6\plugins\platforms\qwindows.dll",
                r"PySide6\plugins\platforms\qoffscreen.dll",
                r"PySide6\plugins\styles\qmodernwindowsstyle.dll",
                r"PySide6\plugins\imageformats\qico.dll", r"PySide6\resources\icudtl.dat"],
    "Darwin": ["PySide6/Qt/lib/QtCore.framework/Versions/A/QtCore",
               "PySide6/Qt/lib/QtWidgets.framework/Versions/A/QtWidgets",
               "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
               "PySide6/Qt/plugins/platforms/libqoffscreen.dylib",
               "PySide6/Qt/plugins/styles/libqmacstyle.dylib",
               "PySide6/Qt/plugins/imageformats/libqicns.dylib"],
}
DROPPED = {
    "Linux": ["PySide6/Qt/lib/libQt6Pdf.so.6", "PySide6/Qt/lib/libQt6Network.so.6",
              "PySide6/Qt/plugins/platforms/libqvnc.so",
              "PySide6/Qt/plugins/platforms/libqminimal.so",
              "PySide6/Qt/plugins/platformthemes/libqgtk3.so",
              "PySide6/Qt/plugins/imageformats/libqjpeg.so",
              "PySide6/Qt/translations/qtbase_de.qm"],
    "Windows": [r"PySide6\Qt6Pdf.dll", r"PySide6\Qt6Quick.dll", r"PySide6\Qt6Network.dll",
                r"PySide6\plugins\platforms\qdirect2d.dll",
                r"PySide6\plugins\platforms\qminimal.dll",
                r"PySide6\plugins\tls\qschannelbackend.dll",
                r"PySide6\plugins\imageformats\qwebp.dll", r"PySide6\translations\qtbase_fr.qm"],
    "Darwin": ["PySide6/Qt/lib/QtPdf.framework/Versions/A/QtPdf",
               "PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork",
               "PySide6/Qt/plugins/imageformats/libqmacheif.dylib",
               "PySide6/Qt/plugins/imageformats/libqsvg.dylib",
               "PySide6/Qt/plugins/vectorimageformats/libqlottievectorimage.dylib",
               "PySide6/Qt/plugins/tls/libqsecuretransportbackend.dylib",
               "PySide6/Qt/translations/qtbase_ja.qm"],
}


@pytest.mark.parametrize("system", ["Linux", "Windows", "Darwin"])
def test_drop_rules_keep_what_each_system_needs(system):
    plan = load_packaging_module("plan")
    assert [name for name in KEPT[system] if plan.dropped(name)] == []
    assert [name for name in DROPPED[system] if not plan.dropped(name)] == []


def test_archive_version_is_the_apps_version():
    """Archives are named from the version the window title shows: elman_core's, the only one
    (pyproject.toml's is dynamic, read from the same line by hatch)."""
    import elman_core

    assert load_packaging_module("plan").project_version() == elman_core.__version__


# ------------------------------------------------------------ kernels shipped for a generic CPU
def shipping_bundle(tmp_path: Path, build: str = "b1") -> Path:
    """A bundle folder with a shipped numba cache: one index, one data file, a build id."""
    shipped = tmp_path / "bundle" / "numba_cache"
    shipped.mkdir(parents=True)
    (shipped / "kernels.f-1.py311.nbi").write_bytes(b"index")
    (shipped / "kernels.f-1.py311.1.nbc").write_bytes(b"data")
    (shipped / "BUILD_ID").write_text(build + "\n")
    return tmp_path / "bundle"


def test_the_shipped_kernels_are_copied_where_missing_never_over_a_file(tmp_path):
    paths = load_packaging_module("elman_bundle_paths")
    bundle = shipping_bundle(tmp_path)
    cache = tmp_path / "cache"
    assert paths.seed_user_cache(str(cache), str(bundle)) == 2
    folder = cache / "elman_core_model-b1"  # one folder per build
    assert (folder / "kernels.f-1.py311.nbi").read_bytes() == b"index"
    (folder / "kernels.f-1.py311.1.nbc").write_bytes(b"the user's own")
    assert paths.seed_user_cache(str(cache), str(bundle)) == 0
    assert (folder / "kernels.f-1.py311.1.nbc").read_bytes() == b"the user's own"
    assert not list(folder.glob("*.partial"))
    newer = shipping_bundle(tmp_path / "newer", "b2")  # another build: its own folder
    assert paths.seed_user_cache(str(cache), str(newer)) == 2
    assert (cache / "elman_core_model-b2" / "kernels.f-1.py311.1.nbc").read_bytes() == b"data"


def test_an_unwritable_cache_folder_is_reported_and_nothing_shipped_is_nothing(tmp_path):
    paths = load_packaging_module("elman_bundle_paths")
    bundle = shipping_bundle(tmp_path)
    (tmp_path / "file").write_text("a file where the folder should be")
    assert paths.seed_user_cache(str(tmp_path / "file" / "numba"), str(bundle)) is None
    assert paths.seed_user_cache(str(tmp_path / "cache"), str(tmp_path)) == 0  # ships none
    assert paths.cache_subfolder(str(tmp_path)) == "elman_core_model"


def test_the_hooks_temporary_folder_is_the_kernels_fallback():
    from elman_core.model.numba_cache import fallback_cache_dir

    assert load_packaging_module("elman_bundle_paths").temporary_cache_dir() == fallback_cache_dir()


def test_the_hook_asks_for_generic_code_and_seeds_the_users_cache(tmp_path):
    """As in a bundle: the hook sets NUMBA_CPU_NAME=generic and copies the shipped kernels;
    with a read-only home it copies them to the temporary folder and points numba there."""
    bundle = shipping_bundle(tmp_path)
    code = (f"import os, runpy, sys; sys.path.insert(0, {str(PACKAGING)!r}); "
            f"sys._MEIPASS = {str(bundle)!r}; sys.argv = ['elman-lab', 'train']; "
            f"runpy.run_path({str(PACKAGING / 'rthook_numba_cache.py')!r}); "
            "print(os.environ['NUMBA_CPU_NAME']); print(os.environ['NUMBA_CACHE_DIR'])")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    temporary = str(tmp_path / "tmp")  # tempfile's folder: TMPDIR, or TEMP/TMP on Windows
    env.update(NUMBA_CACHE_DIR=str(tmp_path / "cache"), TMPDIR=temporary, TEMP=temporary,
               TMP=temporary)
    (tmp_path / "tmp").mkdir()
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    assert done.stdout.split() == ["generic", str(tmp_path / "cache")] and done.stderr == ""
    assert (tmp_path / "cache" / "elman_core_model-b1" / "kernels.f-1.py311.nbi").is_file()
    (tmp_path / "home").write_text("read-only home")
    env["NUMBA_CACHE_DIR"] = str(tmp_path / "home" / "cache")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          check=True)
    cpu, cache = done.stdout.split()
    assert cpu == "generic" and cache.startswith(str(tmp_path / "tmp" / "elman-lab-numba-"))
    assert (Path(cache) / "elman_core_model-b1" / "kernels.f-1.py311.1.nbc").is_file()
    assert done.stderr.count("\n") == 1 and "cannot be written" in done.stderr


def test_bundle_cache_locator_stamps_with_the_shipped_source_in_a_per_build_folder(
        monkeypatch, tmp_path):
    """The stamp is the source's content, as outside a bundle (so the kernels build.py compiles
    in the checkout load in the bundle), and the folder is the build's own."""
    pytest.importorskip("numba")
    from numba.core.caching import UserProvidedCacheLocator

    locator_module = load_packaging_module("elman_bundle_cache")
    bundle = shipping_bundle(tmp_path)
    source = "def f():\n    pass\n"
    (bundle / "elman_core" / "model").mkdir(parents=True)
    (bundle / "elman_core" / "model" / "kernels.py").write_text(source)
    (tmp_path / "checkout").mkdir()
    (tmp_path / "checkout" / "kernels.py").write_text(source)
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(bundle), raising=False)
    monkeypatch.setattr("numba.core.config.CACHE_DIR", str(tmp_path / "cache"))

    def kernel():
        pass

    frozen = locator_module.BundleCacheLocator.from_function(
        kernel, os.path.join("elman_core", "model", "kernels.py"))
    assert Path(frozen.get_cache_path()) == tmp_path / "cache" / "elman_core_model-b1"
    monkeypatch.setattr(sys, "frozen", False)
    checkout = UserProvidedCacheLocator.from_function(kernel,
                                                      str(tmp_path / "checkout" / "kernels.py"))
    checkout_stamp = checkout.get_source_stamp()
    monkeypatch.setattr(sys, "frozen", True)
    assert frozen.get_source_stamp() == checkout_stamp


def test_generic_until_this_processors_kernels_are_ready(tmp_path):
    paths = load_packaging_module("elman_bundle_paths")
    bundle = str(shipping_bundle(tmp_path))
    cache = str(tmp_path / "cache")
    assert paths.cpu_choice(cache, {}, bundle) == "generic"
    assert paths.cpu_choice(cache, {"NUMBA_CPU_NAME": "skylake"}, bundle) is None  # the user's
    assert paths.cpu_choice(cache, {paths.COMPILE_NATIVE: "1"}, bundle) is None
    (tmp_path / "cache" / "elman_core_model-b1").mkdir(parents=True)
    (tmp_path / "cache" / "elman_core_model-b1" / paths.NATIVE_READY).write_text("")
    assert paths.cpu_choice(cache, {}, bundle) is None


def test_one_background_compile_at_a_time(tmp_path):
    paths = load_packaging_module("elman_bundle_paths")
    bundle = str(shipping_bundle(tmp_path))
    cache = str(tmp_path / "cache")
    assert paths.claim_native_compile(cache, bundle)
    assert not paths.claim_native_compile(cache, bundle)  # a second start meanwhile
    mark = tmp_path / "cache" / "elman_core_model-b1" / paths.NATIVE_COMPILING
    old = mark.stat().st_mtime - paths.STALE_COMPILE_SECONDS - 1
    os.utime(mark, (old, old))  # left by a crashed compile
    assert paths.claim_native_compile(cache, bundle)
    (tmp_path / "file").write_text("")
    assert not paths.claim_native_compile(str(tmp_path / "file"), bundle)  # unwritable


@pytest.mark.skipif(sys.platform == "win32", reason="os.nice: Windows gets a priority class")
def test_the_background_compile_runs_alone_at_the_lowest_priority(tmp_path):
    paths = load_packaging_module("elman_bundle_paths")
    report = tmp_path / "report"
    child = ("import os, sys; open(sys.argv[1] + '.part', 'w').write("
             "f\"{os.environ.get('ELMAN_LAB_COMPILE_NATIVE')} "
             "{os.environ.get('NUMBA_CPU_NAME', 'native')} {os.nice(0)}\"); "
             "os.replace(sys.argv[1] + '.part', sys.argv[1])")
    paths.launch_native_compile([sys.executable, "-c", child, str(report)],
                                dict(os.environ, NUMBA_CPU_NAME="generic"))
    deadline = time.monotonic() + 60
    while not report.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    marker, cpu, niceness = report.read_text().split()
    assert (marker, cpu) == ("1", "native") and int(niceness) == 19
