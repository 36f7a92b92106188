"""Saving and loading networks: exact round trips, atomic writes, and a clear error per problem."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest

from elman_core.files import persistence
from elman_core.files.persistence import NetworkFileError, load_network, save_network
from elman_core.model.network import PARAMETER_NAMES, ElmanNetwork


def trained_network(**options) -> ElmanNetwork:
    net = ElmanNetwork(3, 5, 2, 0.3, seed=8, momentum=0.5, context_init=0.5, **options)
    rng = np.random.default_rng(0)
    net.lesioned[2] = True
    net.train(rng.random((200, 3)), rng.random((200, 2)))
    return net


def sequence(seed=1, length=300):
    rng = np.random.default_rng(seed)
    return rng.random((length, 3)), rng.random((length, 2))


def assert_identical(a: ElmanNetwork, b: ElmanNetwork) -> None:
    assert a.config == b.config
    for name in PARAMETER_NAMES:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
        np.testing.assert_array_equal(a.velocity[name], b.velocity[name], err_msg=name)
    np.testing.assert_array_equal(a.context, b.context)
    np.testing.assert_array_equal(a.lesioned, b.lesioned)
    assert a.steps_trained == b.steps_trained
    assert a.forget_context == b.forget_context


def saved_arrays(tmp_path) -> dict[str, np.ndarray]:
    """The arrays of a valid file, to be spoiled one way or another."""
    path = save_network(trained_network(), tmp_path / "good.npz", extra={"epoch": 2})
    with np.load(path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def write(path, arrays) -> None:
    with open(path, "wb") as handle:
        np.savez(handle, **arrays)


def metadata_of(arrays) -> dict:
    return json.loads(str(arrays["metadata"]))


def with_metadata(arrays, **changes) -> dict:
    metadata = metadata_of(arrays) | changes
    return arrays | {"metadata": np.array(json.dumps(metadata))}


def expect_error(path, *fragments):
    with pytest.raises(NetworkFileError) as caught:
        load_network(path)
    message = str(caught.value)
    assert str(path) in message
    for fragment in fragments:
        assert fragment in message, message
    return message


# ------------------------------------------------------------------------------- round trips
def test_round_trip_is_exact_and_training_goes_on_identically(tmp_path):
    net = trained_network()
    net.forget_context = True
    extra = {"task": "xor", "epoch": 3, "position": np.int64(17), "losses": [0.5, 0.25]}
    path = save_network(net, tmp_path / "net.npz", extra=extra)
    loaded, loaded_extra = load_network(path)
    assert loaded is not net
    assert_identical(loaded, net)
    assert loaded_extra == {"task": "xor", "epoch": 3, "position": 17, "losses": [0.5, 0.25]}
    X, Y = sequence()
    np.testing.assert_array_equal(loaded.train(X, Y), net.train(X, Y))
    assert_identical(loaded, net)


def test_round_trip_in_the_middle_of_a_bptt_window(tmp_path):
    net = trained_network(rule="bptt", bptt_window=6)
    X, Y = sequence(length=10)
    for t in range(4):
        net.step(X[t], Y[t])  # four steps into a window of six: nothing applied yet
    loaded, extra = load_network(save_network(net, tmp_path / "mid.npz"))
    assert extra == {}
    assert len(loaded.learning_rule.pending) == 4
    for t in range(4, 10):
        a, b = net.step(X[t], Y[t]), loaded.step(X[t], Y[t])
        assert a.updated == b.updated
        assert a.loss == b.loss
    assert_identical(loaded, net)


def test_a_jordan_network_in_the_middle_of_a_bptt_window_resumes_exactly(tmp_path):
    net = trained_network(rule="bptt", bptt_window=6, architecture="jordan", context_decay=0.5)
    assert net.W_hh.shape == (5, 2) and net.context.shape == (2,)
    X, Y = sequence(length=10)
    for t in range(4):
        net.step(X[t], Y[t])
    path = save_network(net, tmp_path / "jordan.npz")
    config = json.loads(str(np.load(path)["metadata"]))["config"]
    assert (config["architecture"], config["context_decay"]) == ("jordan", 0.5)
    loaded, _ = load_network(path)
    assert loaded.architecture.name == "jordan" and loaded.architecture.decay == 0.5
    assert len(loaded.learning_rule.pending) == 4
    for t in range(4, 10):
        a, b = net.step(X[t], Y[t]), loaded.step(X[t], Y[t])
        assert (a.updated, a.loss) == (b.updated, b.loss)
        np.testing.assert_array_equal(a.context, b.context)
    assert_identical(loaded, net)
    np.testing.assert_array_equal(loaded.train(X, Y), net.train(X, Y))
    assert_identical(loaded, net)


def test_a_file_saved_before_jordan_networks_loads_as_elman_without_decay(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = metadata_of(arrays)["config"]
    old = {key: value for key, value in config.items()
           if key not in ("architecture", "context_decay")}
    assert len(old) == len(config) - 2
    write(tmp_path / "old.npz", with_metadata(arrays, config=old))
    loaded, _ = load_network(tmp_path / "old.npz")
    assert loaded.architecture.name == "elman" and loaded.architecture.decay == 0.0
    assert loaded.config == trained_network().config


def test_a_jordan_file_with_elman_shaped_arrays_or_an_elman_decay_is_refused(tmp_path):
    arrays = saved_arrays(tmp_path)  # a 3-5-2 Elman network: W_hh is 5×5, the context 5
    config = metadata_of(arrays)["config"]
    write(tmp_path / "bad.npz", with_metadata(arrays, config=config | {"architecture": "jordan"}))
    expect_error(tmp_path / "bad.npz", "'W_hh'", "(5, 5)", "(5, 2)")
    write(tmp_path / "bad.npz", with_metadata(arrays, config=config | {"context_decay": 0.5}))
    expect_error(tmp_path / "bad.npz", "settings are invalid", "Jordan networks only")
    write(tmp_path / "bad.npz", with_metadata(arrays, config=config | {"architecture": "hopfield"}))
    expect_error(tmp_path / "bad.npz", "settings are invalid", "hopfield")


def test_file_layout_is_plain_npz_with_json_metadata(tmp_path):
    path = save_network(trained_network(), tmp_path / "net.npz", extra={"epoch": 2})
    with np.load(path, allow_pickle=False) as archive:
        names = set(archive.files)
        metadata = archive["metadata"]
        assert archive["W_hh"].shape == (5, 5) and archive["lesioned"].dtype == np.bool_
    assert {"W_ih", "W_hh", "W_ho", "b_h", "b_o", "context", "lesioned", "metadata"} <= names
    assert {f"velocity_{name}" for name in PARAMETER_NAMES} <= names
    assert metadata.ndim == 0 and metadata.dtype.kind == "U"
    info = json.loads(str(metadata))
    assert info["format"] == "elman-lab-network" and info["version"] == 2
    assert info["config"]["n_hidden"] == 5 and info["config"]["momentum"] == 0.5
    assert info["steps_trained"] == 200 and info["extra"] == {"epoch": 2}


def test_saving_replaces_atomically_and_leaves_no_temporary_files(tmp_path, monkeypatch):
    path = tmp_path / "net.npz"
    first = trained_network()
    save_network(first, path)
    original = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(persistence.np, "savez", crash)
    with pytest.raises(NetworkFileError, match="No space left"):
        save_network(ElmanNetwork(1, 2, 1, seed=0), path)
    assert path.read_bytes() == original  # the old file survived the failed save
    monkeypatch.undo()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.npz"]
    second = ElmanNetwork(1, 2, 1, seed=0)
    save_network(second, path)  # overwriting works
    assert_identical(load_network(path)[0], second)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.npz"]


def test_saving_rejects_bad_extra_before_touching_the_disk(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        save_network(trained_network(), tmp_path / "x.npz", extra={"f": object()})
    with pytest.raises(ValueError, match="dict"):
        save_network(trained_network(), tmp_path / "x.npz", extra=[1, 2])
    assert list(tmp_path.iterdir()) == []


# ------------------------------------------------------------------------- one test per error
def test_error_class_is_a_value_error():
    assert issubclass(NetworkFileError, ValueError)


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.npz", "no such file")


def test_truncated_file(tmp_path):
    path = save_network(trained_network(), tmp_path / "net.npz")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    message = expect_error(path)
    assert re.search(r"not a readable \.npz archive|damaged", message)


def test_garbage_file(tmp_path):
    path = tmp_path / "net.npz"
    path.write_bytes(b"these are not the weights you are looking for")
    expect_error(path, "not an Elman Lab network file")
    path.write_bytes(b"")
    expect_error(path, "not an Elman Lab network file")


def test_single_npy_array_is_not_a_network(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros(3))
    expect_error(path, "not a .npz archive")


def test_missing_array(tmp_path):
    arrays = saved_arrays(tmp_path)
    del arrays["W_hh"]
    write(tmp_path / "bad.npz", arrays)
    expect_error(tmp_path / "bad.npz", "missing array 'W_hh'")
    del arrays["metadata"]
    write(tmp_path / "bad.npz", arrays)
    expect_error(tmp_path / "bad.npz", "missing array 'metadata'")


def test_unreadable_json(tmp_path):
    arrays = saved_arrays(tmp_path) | {"metadata": np.array("{'format': elman")}
    write(tmp_path / "bad.npz", arrays)
    expect_error(tmp_path / "bad.npz", "metadata is not readable JSON")


def test_wrong_format_name(tmp_path):
    write(tmp_path / "bad.npz", with_metadata(saved_arrays(tmp_path), format="keras-model"))
    expect_error(tmp_path / "bad.npz", "not an Elman Lab network file", "'keras-model'")


def test_unsupported_version(tmp_path):
    write(tmp_path / "bad.npz", with_metadata(saved_arrays(tmp_path), version=7))
    expect_error(tmp_path / "bad.npz", "unsupported file version 7", "reads version 1, 2")


def test_invalid_settings(tmp_path):
    arrays = saved_arrays(tmp_path)
    config = metadata_of(arrays)["config"] | {"hidden_activation": "relu"}
    write(tmp_path / "bad.npz", with_metadata(arrays, config=config))
    expect_error(tmp_path / "bad.npz", "settings are invalid", "relu")


def test_array_shape_not_matching_the_settings(tmp_path):
    arrays = saved_arrays(tmp_path) | {"W_hh": np.zeros((4, 4))}
    write(tmp_path / "bad.npz", arrays)
    expect_error(tmp_path / "bad.npz", "'W_hh'", "(4, 4)", "(5, 5)", "3-5-2")
    arrays = saved_arrays(tmp_path) | {"velocity_b_o": np.zeros(3)}
    write(tmp_path / "bad.npz", arrays)
    expect_error(tmp_path / "bad.npz", "'velocity_b_o'", "(3,)", "(2,)")


@pytest.mark.parametrize("name", ["W_ih", "b_o", "context", "velocity_W_hh"])
def test_non_finite_values(tmp_path, name):
    arrays = saved_arrays(tmp_path)
    spoiled = arrays[name].copy()
    spoiled.flat[0] = np.nan if name != "b_o" else np.inf
    write(tmp_path / "bad.npz", arrays | {name: spoiled})
    expect_error(tmp_path / "bad.npz", f"'{name}'", "NaN or infinity")


def test_failed_load_leaves_the_running_session_alone(tmp_path):
    """The app's load (the driver's): a broken file changes neither the session nor its
    network — the new network is read aside, and only a good file replaces the session."""
    from elman_core import tasks
    from elman_core.live.driver import TrainingDriver
    from elman_core.training.session import TrainingSession

    driver = TrainingDriver(TrainingSession(tasks.get("xor")))
    driver.step(3)
    session, net = driver.session, driver.session.network
    twin = net.copy()
    path = tmp_path / "bad.npz"
    path.write_bytes(b"junk")
    outcome = driver.load_network(str(path))
    assert not outcome.ok and str(path) in outcome.message
    assert driver.session is session and session.network is net and session.global_step == 3
    assert_identical(net, twin)
    good = save_network(ElmanNetwork(1, 4, 1, seed=99), tmp_path / "good.npz")
    assert driver.load_network(str(good)).ok  # the same call does replace it with a good file
    assert driver.session is not session and driver.session.global_step == 0


UNPICKLED: list[str] = []


def _tripwire() -> str:
    UNPICKLED.append("code from the file ran")
    return "tripped"


class Tripwire:
    """Unpickling this runs _tripwire: what a hostile file would do with allow_pickle on."""

    def __reduce__(self):
        return (_tripwire, ())


def test_a_pickled_array_is_refused_not_unpickled(tmp_path):
    """allow_pickle stays off: an object array in the file is an error, and never unpickled."""
    arrays = saved_arrays(tmp_path)
    arrays["W_ih"] = np.array([Tripwire()] * 15, dtype=object).reshape(5, 3)
    write(tmp_path / "pickled.npz", arrays)
    expect_error(tmp_path / "pickled.npz", "W_ih")
    assert UNPICKLED == []
