"""Sentence trajectories in hidden space: frozen components, word-by-word points, and the
headless ``main.py figure --sentences … --pcs … --out F.svg``."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import trajectories
from elman_core.training.session import TrainingSession
from elman_gui.figure_command import run

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def trained():
    task = tasks.get("grammar")
    session = TrainingSession(task, task.defaults.replace(sequence_length=400, epochs=1))
    session.train()
    return task, session.network


def test_points_are_the_sentence_hidden_states_on_the_chosen_components(trained):
    task, network = trained
    projection = trajectories.components(network, task.trajectory_corpus(200, seed=5))
    assert projection.components.shape == (network.n_hidden, network.n_hidden)
    weights_before = network.W_hh.copy()
    words, inputs = task.parse("boy who boys chase chases boy")
    figure = trajectories.trace(network, projection, task.sentence_start(), [(words, inputs)],
                                (1, 3))
    # By hand: the end-of-sentence marker, then the words, from a fresh context.
    _, hidden = network.copy().predict(np.vstack([task.sentence_start(), inputs]),
                                       return_hidden=True)
    expected = (hidden[1:] - projection.mean) @ projection.components[[0, 2]].T
    np.testing.assert_allclose(figure.paths[0].points, expected, atol=1e-12)
    assert figure.paths[0].words == ("boy", "who", "boys", "chase", "chases", "boy")
    assert figure.pcs == (1, 3)
    assert figure.explained == (projection.explained[0], projection.explained[2])
    np.testing.assert_array_equal(network.W_hh, weights_before)  # nothing learned
    again = trajectories.trace(network, projection, task.sentence_start(), [(words, inputs)],
                               (1, 3))
    np.testing.assert_array_equal(again.paths[0].points, figure.paths[0].points)


def test_sentences_differing_in_number_part_at_the_first_word(trained):
    task, network = trained
    projection = trajectories.components(network, task.trajectory_corpus(200, seed=5))
    figure = trajectories.trace(network, projection, task.sentence_start(),
                                [task.parse("boy chases boy"), task.parse("boys chase boy")],
                                (1, 2))
    one, many = (path.points for path in figure.paths)
    assert np.linalg.norm(one[0] - many[0]) > 1e-3


@pytest.mark.parametrize("pcs", [(1, 1), (0, 2), (1, 71), (2,)])
def test_components_that_do_not_exist_are_refused(trained, pcs):
    task, network = trained
    projection = trajectories.components(network, task.trajectory_corpus(50, seed=5))
    with pytest.raises(ValueError, match="component"):
        trajectories.trace(network, projection, task.sentence_start(),
                           [task.parse("boy walks")], pcs)


def cli(*argv):
    out, err = io.StringIO(), io.StringIO()
    return run(list(argv), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_figure_command_writes_one_labelled_path_per_sentence(tmp_path):
    path = tmp_path / "paths.svg"
    status, _out, err = cli("--task", "grammar", "--length", "300", "--epochs", "1",
                           "--sentences", "boy chases boy", "boys chase boy.",
                           "--pcs", "1,3", "--out", str(path))
    assert status == 0, err
    root = ET.fromstring(path.read_text())
    assert len(root.findall(f"{SVG}polyline")) == 2
    assert len(root.findall(f"{SVG}circle")) == 3 + 4
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert "PC 1 (" in " ".join(texts) and "PC 3 (" in " ".join(texts)
    for word_and_number in ("boy1", "chases2", "boy3", "boys1", "chase2", ".4"):
        assert word_and_number in texts, texts


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--sentences", "boyz chase cats"], "'boyz'"),
    (["--sentences", "boy walks", "--pcs", "1,99"], "99"),
    (["--sentences", "boy walks", "--pcs", "one"], "1,2"),
    (["--sentences", "boy walks", "--task", "xor"], "cannot be typed"),
])
def test_bad_figure_requests_are_one_line_and_write_nothing(tmp_path, argv, fragment):
    path = tmp_path / "never.svg"
    status, _, err = cli("--task", "grammar", "--length", "20", "--epochs", "1", *argv,
                         "--out", str(path))
    assert status == 2
    assert fragment in err and err.count("\n") == 1
    assert not path.exists()


# --- the app's trajectory mode, without Qt: the driver traces in the trainer thread -------------


def test_driver_traces_typed_sentences_on_frozen_components():
    from elman_core.live.driver import TrainingDriver

    task = tasks.get("grammar")
    driver = TrainingDriver(TrainingSession(task, task.defaults.replace(sequence_length=200)))
    driver.run_steps(500)
    while driver.state.name == "RUNNING":
        driver.tick()
    driver.trace_sentences(["boy chases boy", "boys chase boy"], (1, 3))
    traced = driver.figures.traced
    assert traced.global_step == driver.session.global_step == 500
    assert [p.words for p in traced.figure.paths] == [("boy", "chases", "boy"),
                                                      ("boys", "chase", "boy")]
    assert traced.figure.pcs == (1, 3)
    components = driver.figures._components[1]
    driver.trace_sentences(["boy walks"], (2, 1))  # same step: the same frozen components
    assert driver.figures._components[1] is components
    assert driver.figures.traced.figure.pcs == (2, 1)
    before = driver.figures.traced
    driver.trace_sentences(["boy flies"], (1, 2))  # a word outside the lexicon: a notice
    notices = driver.take_notices()
    assert any("'flies'" in text for _, text in notices)
    assert driver.figures.traced is before  # nothing lost
    driver.reset()
    assert driver.figures.traced is None


def test_driver_says_when_a_task_has_no_sentences_to_type():
    from elman_core.live.driver import TrainingDriver

    task = tasks.get("xor")
    driver = TrainingDriver(TrainingSession(task, task.defaults))
    driver.trace_sentences(["boy walks"], (1, 2))
    assert any("grammar" in text for _, text in driver.take_notices())
    assert driver.figures.traced is None
