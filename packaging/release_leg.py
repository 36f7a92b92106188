"""One system's leg of the release workflow (.github/workflows/release.yml), runnable anywhere.

    uv run --locked --group bundle python packaging/release_leg.py test      # the test suite
    uv run --locked --group bundle python packaging/release_leg.py bundles   # build, zip, check

``test`` runs pytest on a display: under Xvfb on Linux (unless there is a DISPLAY), on Qt's
offscreen platform on Windows and macOS. ``bundles`` builds every bundle packaging/plan.py lists
for this system, zips each into dist/release/ (named with version, system and processor), unpacks
the archive into a temporary folder and runs check_bundle.py on what was unpacked: what a
student downloads is what is checked. With RELEASE_TAG set (the workflow sets it on a tag),
the tag must be ``v`` + elman_core.__version__. packaging/run_release_linux.sh runs the Linux
job's commands in order.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan import ROOT, archive_name, bundle_plan, project_version  # noqa: E402

RELEASE = ROOT / "dist" / "release"
XVFB = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24"]


def run(command: list[str], env: dict[str, str] | None = None) -> None:
    print("$", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=True, env=env)


def run_tests(system: str) -> None:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    env = dict(os.environ)
    if not bundle_plan(system).needs_xvfb:
        env["QT_QPA_PLATFORM"] = "offscreen"
    elif not env.get("DISPLAY"):
        command = XVFB + command
    run(command, env)


def zip_tree(source: Path, archive: Path) -> None:
    """Zip ``source`` (a file or folder) under its own name, keeping the executable bits and
    symbolic links (PyInstaller links libraries inside a Linux folder bundle)."""
    archive.parent.mkdir(parents=True, exist_ok=True)
    paths = [source] if source.is_file() else [source, *sorted(source.rglob("*"))]
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as bundle:
        for path in paths:
            name = path.relative_to(source.parent).as_posix()
            if path.is_symlink():
                info = zipfile.ZipInfo(name)
                info.create_system = 3  # Unix: unzip restores the link
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                bundle.writestr(info, os.readlink(path))
            elif path.is_dir():
                bundle.write(path, name + "/")
            else:
                bundle.write(path, name)


def unzip_tree(archive: Path, folder: Path) -> None:
    """Unpack an archive made by zip_tree, links and executable bits included."""
    with zipfile.ZipFile(archive) as bundle:
        for info in bundle.infolist():
            target = folder / info.filename
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                target.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(bundle.read(info).decode(), target)
                continue
            bundle.extract(info, folder)
            if mode and not info.is_dir():
                os.chmod(target, stat.S_IMODE(mode))


def archive(source: Path, zip_path: Path, system: str) -> None:
    if system == "Darwin":  # ditto keeps the .app's links, permissions and extended attributes
        run(["ditto", "-c", "-k", "--sequesterRsrc", "--keepParent", str(source), str(zip_path)])
    else:
        zip_tree(source, zip_path)


def unpack(zip_path: Path, folder: Path, system: str) -> None:
    if system == "Darwin":
        run(["ditto", "-x", "-k", str(zip_path), str(folder)])
    else:
        unzip_tree(zip_path, folder)


def check_release_tag(version: str) -> None:
    tag = os.environ.get("RELEASE_TAG", "")
    if tag and tag != f"v{version}":
        raise SystemExit(f"release_leg: the tag {tag} is not v{version}, elman_core.__version__")


def build_and_check(system: str) -> list[Path]:
    """Build, zip, unpack and check every bundle of this system; returns the archives."""
    from check_bundle import check

    plan = bundle_plan(system)
    version = project_version()
    check_release_tag(version)
    archives = []
    for bundle in plan.bundles:
        dist = ROOT / "dist" / ("onefile" if bundle.onefile else "")
        run([sys.executable, "packaging/build.py", *["--onefile"] * bundle.onefile])
        zip_path = RELEASE / archive_name(version, system, platform.machine(), bundle)
        zip_path.unlink(missing_ok=True)
        archive(dist / bundle.shipped, zip_path, system)
        print(f"zipped {zip_path.relative_to(ROOT)}: {zip_path.stat().st_size / 2**20:.0f} MB",
              flush=True)
        with tempfile.TemporaryDirectory(prefix="elman-lab-release-") as folder:
            unpack(zip_path, Path(folder), system)
            if check(Path(folder) / bundle.program) != 0:
                raise SystemExit(f"release_leg: {zip_path.name} failed check_bundle.py")
        archives.append(zip_path)
    return archives


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", choices=("test", "bundles"))
    args = parser.parse_args(argv)
    system = platform.system()
    if args.stage == "test":
        run_tests(system)
    else:
        shutil.rmtree(RELEASE, ignore_errors=True)
        for path in build_and_check(system):
            print(f"release archive: {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
