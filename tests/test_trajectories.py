"""Sentence trajectories in hidden space: frozen components, word-by-word points, and the
headless ``main.py figure --sentences … --pcs … --out F.svg``."""

import io
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from elman_core import tasks
from elman_core.analysis import trajectories
from elman_core.cli.figure_command import run
from elman_core.training.session import TrainingSession

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
    status, out, err = cli("--task", "grammar", "--length", "300", "--epochs", "1",
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
    (["--task", "xor", "--sentences", "boy walks"], "cannot be typed"),
])
def test_bad_figure_requests_are_one_line_and_write_nothing(tmp_path, argv, fragment):
    path = tmp_path / "never.svg"
    status, _, err = cli("--length", "20", "--epochs", "1", *argv, "--out", str(path))
    assert status == 2
    assert fragment in err and err.count("\n") == 1
    assert not path.exists()
