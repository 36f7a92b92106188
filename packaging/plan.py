"""What to build on each system, as data: the spec, build.py, check_bundle.py, release_leg.py
and the tests all read it from here, so the per-system branches can be tested on Linux.

PyInstaller does not cross-compile: ``bundle_plan(platform.system())`` describes the bundles the
*current* system builds; the release workflow runs it once per system.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
NAME = "elman-lab"  # executable, folder and archive names
TITLE = "Elman Lab"  # what the student sees: the .app's name, the .exe's description
BUNDLE_ID = "org.elmanlab.elman-lab"
SYSTEMS = ("Linux", "Windows", "Darwin")  # platform.system()'s names

# Release archive names use the names students know, not platform.system()'s.
SYSTEM_LABELS = {"Linux": "linux", "Windows": "windows", "Darwin": "macos"}
MACHINE_LABELS = {"x86_64": "x64", "amd64": "x64", "arm64": "arm64", "aarch64": "arm64"}


# Files left out of every bundle, as regular expressions searched in the destination path (with
# "/" separators). The same Qt parts have different names on each system (libQt6Pdf.so.6 on
# Linux, Qt6Pdf.dll on Windows, QtPdf.framework on macOS; plugins under PySide6/Qt/plugins or,
# on Windows, PySide6/plugins). What goes: Qt libraries of modules the spec excludes, platforms
# and formats a desktop student never meets, and Qt's translations (the app is in English). The
# app reads and writes PNG (built into QtGui) and SVG (QtSvg, not the image plugin), so of the
# image plugins only .ico/.icns stay. Qt's offscreen platform stays: check_bundle.py draws the
# window with it where there is no Xvfb.
DROPPED = re.compile("|".join((
    r"Qt6?Pdf", r"Qt6?Quick", r"Qt6?Qml", r"Qt6?Network", r"Qt6?VirtualKeyboard", r"/qml/",
    r"platforms/(lib)?q(vnc|minimal|minimalegl|linuxfb|vkkhrdisplay|eglfs|direct2d)\.",
    r"egldeviceintegrations/", r"platforminputcontexts/(lib)?qtvirtualkeyboard",
    r"imageformats/(lib)?q(pdf|svg|jpeg|webp|tiff|tga|wbmp|gif|macheif|macjp2)\.",
    r"iconengines/(lib)?qsvgicon", r"vectorimageformats/", r"networkinformation/", r"tls/",
    r"generic/(lib)?qtuiotouchplugin",
    # Linux: the GTK theme plugin (the file dialogs then are Qt's own or the desktop portal's)
    # loads GTK, cairo and pango; bundled copies next to the system's GTK only risk a mismatch.
    r"platformthemes/libqgtk3",
    r"(^|/)translations/",
)))


def dropped(destination: str) -> bool:
    """Whether the file PyInstaller would put at ``destination`` stays out of the bundle."""
    return DROPPED.search(destination.replace("\\", "/")) is not None


@dataclass(frozen=True)
class Bundle:
    """One thing to build and ship: a folder (``onefile=False``) or a single file."""

    onefile: bool
    program: str  # the executable to check, relative to the dist folder
    shipped: str  # the file or folder that goes into the archive, relative to the dist folder
    suffix: str  # archive name suffix ("" for the main download, "-onefile")


@dataclass(frozen=True)
class BundlePlan:
    system: str
    icon: Path | None  # the executable's icon (Linux executables have none)
    version_resource: bool  # Windows: file/product version in the .exe's properties
    app_bundle: bool  # macOS: wrap the folder bundle in "Elman Lab.app" (PyInstaller BUNDLE)
    bundles: tuple[Bundle, ...]
    needs_xvfb: bool  # the window check: under Xvfb (Linux) or Qt's offscreen platform
    strip_llvmlite: bool  # drop libllvmlite's symbol table (~18 MB; GNU strip, checked on Linux)

    def bundle(self, onefile: bool) -> Bundle:
        for bundle in self.bundles:
            if bundle.onefile == onefile:
                return bundle
        kind = "one-file" if onefile else "one-folder"
        raise ValueError(f"no {kind} bundle is built on {self.system}")


def bundle_plan(system: str | None = None) -> BundlePlan:
    """The bundles ``system`` ('Linux', 'Windows' or 'Darwin'; default: this one) builds."""
    system = system or platform.system()
    if system == "Windows":
        return BundlePlan(
            system, ASSETS / "icon.ico", version_resource=True, app_bundle=False,
            bundles=(Bundle(False, f"{NAME}/{NAME}.exe", NAME, ""),
                     Bundle(True, f"{NAME}.exe", f"{NAME}.exe", "-onefile")),
            needs_xvfb=False, strip_llvmlite=False)
    if system == "Darwin":
        # One .app only: a one-file .app unpacks itself on every start (slow) and PyInstaller 6
        # deprecates it (an error in PyInstaller 7). A bare one-file executable would open a
        # Terminal window when double-clicked.
        return BundlePlan(
            system, ASSETS / "icon.icns", version_resource=False, app_bundle=True,
            bundles=(Bundle(False, f"{TITLE}.app/Contents/MacOS/{NAME}", f"{TITLE}.app", ""),),
            needs_xvfb=False, strip_llvmlite=False)
    if system == "Linux":
        return BundlePlan(
            system, None, version_resource=False, app_bundle=False,
            bundles=(Bundle(False, f"{NAME}/{NAME}", NAME, ""),
                     Bundle(True, NAME, NAME, "-onefile")),
            needs_xvfb=True, strip_llvmlite=True)
    raise ValueError(f"no bundle plan for {system!r}: PyInstaller builds on {', '.join(SYSTEMS)}")


def project_version() -> str:
    """The app's one version, ``elman_core.__version__`` (pyproject.toml reads it too: hatch's
    version source), read from the file: importing elman_core would load NumPy and numba."""
    text = (ROOT / "elman_core" / "__init__.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if found is None:
        raise ValueError("elman_core/__init__.py has no __version__ = \"…\" line")
    return found.group(1)


def archive_name(version: str, system: str, machine: str, bundle: Bundle) -> str:
    """``elman-lab-0.1.0-windows-x64-onefile.zip``: version, system and processor in the name."""
    label = SYSTEM_LABELS[system]
    arch = MACHINE_LABELS.get(machine.lower(), machine.lower())
    return f"{NAME}-{version}-{label}-{arch}{bundle.suffix}.zip"


def version_tuple(version: str) -> tuple[int, int, int, int]:
    """``"1.2.3rc1"`` → ``(1, 2, 3, 0)``: Windows wants four numbers."""
    numbers = [int(part) for part in re.findall(r"\d+", version.split("+")[0])[:3]]
    return tuple([*numbers, 0, 0, 0, 0][:4])


def windows_version_resource(version: str) -> str:
    """The text PyInstaller's ``EXE(version=FILE)`` reads: the Details tab of the .exe's
    Properties shows these (a ``VSVersionInfo`` in PyInstaller's own serialised form)."""
    numbers = version_tuple(version)
    strings = {
        "CompanyName": "Elman Lab",
        "FileDescription": TITLE,
        "FileVersion": version,
        "InternalName": NAME,
        "LegalCopyright": "MIT License",
        "OriginalFilename": f"{NAME}.exe",
        "ProductName": TITLE,
        "ProductVersion": version,
    }
    table = ",\n          ".join(f"StringStruct({key!r}, {value!r})"
                                 for key, value in strings.items())
    return f"""\
VSVersionInfo(
  ffi=FixedFileInfo(
    filevers={numbers!r},
    prodvers={numbers!r},
    mask=0x3f,
    flags=0x0,
    OS=0x40004,
    fileType=0x1,
    subtype=0x0,
    date=(0, 0)
  ),
  kids=[
    StringFileInfo([
      StringTable(
        '040904B0',
        [{table}])
    ]),
    VarFileInfo([VarStruct('Translation', [1033, 1200])])
  ]
)
"""
