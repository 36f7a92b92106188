"""Lesson files: read, written back, refused with the line at fault, and run headless."""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path

import pytest

from elman_core import tasks
from elman_core.cli.runner import run
from elman_core.model.settings import RunSettings
from elman_core.training import lessons
from elman_core.training.lessons import Lesson, LessonError, parse_lesson, read_lesson

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "assets" / "lessons").glob("*.toml"))


def run_cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    status = run([str(a) for a in argv], stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_a_lesson_fills_in_the_tasks_defaults_and_keeps_what_it_names():
    lesson = parse_lesson('task = "xor"\nview = "paper-figure"\nnote = "Look."\n'
                          "[settings]\nn_hidden = 2\nseed = 7\nlearning_rate = 1\n")
    expected = RunSettings.for_task(tasks.get("xor"), n_hidden=2, seed=7, learning_rate=1.0)
    assert lesson.settings == expected
    assert (lesson.task, lesson.view, lesson.note) == ("xor", "paper-figure", "Look.")
    assert lesson.title == tasks.get("xor").title  # none given: the task's
    assert lesson.changed_settings() == {"n_hidden": 2, "seed": 7, "learning_rate": 1.0}


def test_written_lessons_read_back_equal_whatever_their_text(tmp_path):
    settings = RunSettings.for_task(tasks.get("text"), n_hidden=7, bptt_window=None,
                                    rule="bptt", momentum=0.25, context_init=-0.125,
                                    reset_context_each_epoch=False)
    awkward = 'quotes " and """ and \\ backslashes,\ttabs, \u00e9, \x01 and\n\nparagraphs'
    lesson = Lesson(title="A \"title\" \\ with é", task="text", settings=settings,
                    view="hidden-space", note=awkward,
                    task_options={"text": awkward.replace("\x01", "")})
    path = lessons.write_lesson(lesson, tmp_path / "mine.toml")
    assert read_lesson(path) == lesson
    assert not list(tmp_path.glob(".elman-*"))  # written atomically: no temporary left


HOSTILE = [
    ('task = "xor"\n[settings]\nn_hidden = 0\n', 3, "Hidden units"),
    ('task = "xor"\n\n[settings]\nseed = 1\nlearning_rate = "fast"\n', 5, "learning rate"),
    ('task = "xor"\n[settings]\nepochs = 2_000_000\n', 3, "≤ 1,000,000"),
    ('task = "xor"\n[settings]\nn_hidden = 2.5\n', 3, "whole number"),
    ('task = "xor"\n[settings]\nlearning_rate = nan\n', 3, "finite"),
    ('task = "xor"\n[settings]\nwings = 2\n', 3, "unknown setting 'wings'"),
    ('task = "xor"\n[settings]\noutput_activation = "softmax"\n', 3, "Softmax"),
    ('task = "xor"\n[settings]\nreset_context_each_epoch = "yes"\n', 3, "True or False"),
    ('title = "x"\ntask = "chess"\n', 2, "unknown task 'chess'"),
    ('task = "xor"\nview = "3d"\n', 2, "unknown view"),
    ('task = "xor"\ncolour = "red"\n', 2, "unknown key 'colour'"),
    ('task = "xor"\nnote = 5\n', 2, "note must be text"),
    ('lesson = 2\ntask = "xor"\n', 1, "version 1"),
    ('task = "xor"\nsettings = 3\n', 2, "must be a table"),
    ('task = "xor"\n[settings]\nn_hidden = [1, 2]\n', 3, "single value"),
    ('task = "text"\n[task_options]\ntext = ""\n', 3, "text is empty"),
    ('task = "xor"\n[task_options]\nsize = 3\n', 3, "no option 'size'"),
    ('task = "xor"\nview = "network\n', 2, "TOML"),  # an unclosed string: tomllib's line
    ('task = "xor"\n[settings]\nn_hidden = \n', 3, "TOML"),
    ('task = "xor"\n[settings]\n[settings]\n', 3, "TOML"),
]


@pytest.mark.parametrize(("text", "line", "fragment"), HOSTILE)
def test_hostile_lessons_get_a_message_naming_the_line(text, line, fragment):
    with pytest.raises(LessonError) as caught:
        parse_lesson(text, "bad.toml")
    message = str(caught.value)
    assert message.startswith("bad.toml")
    assert f"line {line}" in message, message
    assert fragment.lower() in message.lower(), message


def test_a_lesson_without_a_task_says_how_to_name_one():
    with pytest.raises(LessonError, match='task = "xor"'):
        parse_lesson('title = "no task"\n', "bad.toml")


@pytest.mark.parametrize("content", [b"\xff\xfe not utf-8", b"x" * (lessons.MAX_LESSON_BYTES + 1)])
def test_unreadable_files_are_refused_before_parsing(tmp_path, content):
    path = tmp_path / "bad.toml"
    path.write_bytes(content)
    with pytest.raises(LessonError, match=r"bad\.toml"):
        read_lesson(path)
    with pytest.raises(LessonError, match="folder"):
        read_lesson(tmp_path)
    with pytest.raises(LessonError, match="cannot read"):
        read_lesson(tmp_path / "missing.toml")


def test_one_lesson_ships_for_each_paper_figure():
    shipped = {read_lesson(path).task: read_lesson(path) for path in SHIPPED}
    assert set(shipped) >= {"xor", "letters", "words", "sentences"}  # Figs. 3, 4/5, 6, 7/8
    assert shipped["sentences"].view == "dendrogram"
    for lesson in shipped.values():
        assert len(lesson.note.split()) > 60, lesson.title  # a note a teacher can use as is
        assert "Fig" in lesson.title
    assert all(view in lessons.VIEWS for view in ("network", "paper-figure", "hidden-space",
                                                  "dendrogram"))


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_lesson_runs_headless_with_its_settings(tmp_path, path):
    lesson = read_lesson(path)
    report = tmp_path / "report.json"
    # One epoch (the machine is shared); the lesson's other settings as they are.
    status, out, err = run_cli("--lesson", path, "--epochs", 1, "--json", report)
    assert status == 0, err
    assert f"Lesson: {lesson.title}" in out
    document = json.loads(report.read_text())
    assert document["task"] == lesson.task
    config = document["config"]
    expected = dataclasses.replace(lesson.settings, epochs=1)
    for name in ("n_hidden", "learning_rate", "momentum", "context_init", "sequence_length",
                 "epochs", "reset_context_each_epoch"):
        assert config[name] == getattr(expected, name), name
    assert len(document["losses"]) == 1


def test_the_runner_trains_a_lesson_exactly_like_the_same_options(tmp_path):
    lesson_path = tmp_path / "l.toml"
    lesson_path.write_text('task = "xor"\n[settings]\nn_hidden = 3\nseed = 9\nepochs = 3\n'
                           "context_init = 0.5\n")
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert run_cli("--lesson", lesson_path, "--json", first)[0] == 0
    assert run_cli("--task", "xor", "--hidden", 3, "--seed", 9, "--epochs", 3, "--context", 0.5,
                   "--json", second)[0] == 0
    assert json.loads(first.read_text())["losses"] == json.loads(second.read_text())["losses"]


def test_the_runner_refuses_bad_or_contradicted_lessons(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('task = "xor"\n[settings]\nn_hidden = -1\n')
    status, _, err = run_cli("--lesson", bad)
    assert status == 2 and "line 3" in err and "Hidden units" in err
    good = SHIPPED[0]
    status, _, err = run_cli("--lesson", good, "--task", "letters")
    assert status == 2 and "--lesson" in err
    status, _, err = run_cli("--lesson", good, "--text", "abc")
    assert status == 2 and "text" in err


def test_the_packaging_spec_ships_the_lessons():
    spec = (ROOT / "packaging" / "elman_lab.spec").read_text()
    assert '(str(ROOT / "assets"), "assets")' in spec  # the whole folder, lessons/ with it
    assert len(SHIPPED) >= 4
