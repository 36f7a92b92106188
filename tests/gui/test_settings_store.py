"""Settings only where they belong: a usable home, else this run only; a full disk loses none."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from elman_gui import settings_store

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, env: dict, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120, preexec_fn=preexec)


def test_a_home_is_usable_only_if_it_is_set_exists_and_can_be_written(tmp_path):
    assert settings_store.home_problem({}) == "HOME is not set"
    assert "not an absolute path" in settings_store.home_problem({"HOME": "relative"})
    assert "does not exist" in settings_store.home_problem({"HOME": str(tmp_path / "gone")})
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / ".config").write_text("a file where the folder should be")
    assert "cannot be written" in settings_store.home_problem({"HOME": str(blocked)})
    good = tmp_path / "good"
    good.mkdir()
    assert settings_store.home_problem({"HOME": str(good)}) is None
    assert (good / ".config" / "Elman Lab").is_dir()
    assert list((good / ".config" / "Elman Lab").iterdir()) == []  # the probe left nothing
    xdg = tmp_path / "xdg"
    assert settings_store.home_problem({"HOME": str(good), "XDG_CONFIG_HOME": str(xdg)}) is None
    assert (xdg / "Elman Lab").is_dir()


PROBE = """
import os
from elman_gui import settings_store
store = settings_store.app_settings()
print(store.fileName())
print(settings_store.take_notice())
print(settings_store.take_notice())
print(settings_store.save(store, "welcome/shown", True))
print(store.value("welcome/shown"))
"""


def test_without_a_home_settings_live_in_a_temporary_store_said_once(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("HOME", "XDG_CONFIG_HOME")}
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    file_name, notice, second, problem, value = result.stdout.splitlines()
    assert not file_name.startswith("/.config") and "elman-lab-settings-" in file_name
    assert notice.startswith("Settings are kept only until Elman Lab closes: HOME is not set")
    assert second == "None" and problem == "None" and value == "True"
    assert not Path(file_name).parent.exists()  # removed when the app ended


def test_with_a_home_settings_go_there_and_nothing_is_said(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"} | {
        "HOME": str(tmp_path)}
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    file_name, notice, _, problem, value = result.stdout.splitlines()
    assert file_name == str(tmp_path / ".config" / "Elman Lab" / "Elman Lab.conf")
    assert notice == "None" and problem == "None" and value == "True"
    assert "welcome" in Path(file_name).read_text()


FULL_DISK = """
import resource, signal
from elman_gui import settings_store
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # like a disk with 4 KB left
store = settings_store.app_settings()
print(settings_store.save(store, "welcome/big", "x" * 20000))
"""


def test_a_settings_file_that_cannot_be_written_whole_stays_as_it_was(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "XDG_CONFIG_HOME"} | {
        "HOME": str(tmp_path)}
    folder = tmp_path / ".config" / "Elman Lab"
    folder.mkdir(parents=True)
    old = "[welcome]\nshown=true\n"
    (folder / "Elman Lab.conf").write_text(old)
    result = run_python(FULL_DISK, env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Settings could not be saved to "), result.stdout
    assert (folder / "Elman Lab.conf").read_text() == old
    assert sorted(p.name for p in folder.iterdir()) == ["Elman Lab.conf"]
