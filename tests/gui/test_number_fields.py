"""Numbers mean the same in every locale: typed "0.5" is one half, and what applies is shown."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt

from elman_core import tasks
from elman_core.model.settings import RunSettings
from elman_gui.panels.parameter_panel import ParameterPanel

# (locale, its own decimal sign, what a "1,000"-style group separator is there)
LOCALES = ["de_DE", "fr_FR", "tr_TR", "en_US", "C"]
COMMA_DECIMAL = {"de_DE", "fr_FR", "tr_TR"}


@pytest.fixture(params=LOCALES)
def panel(request, qtbot):
    previous = QLocale()
    QLocale.setDefault(QLocale(request.param))
    try:
        panel = ParameterPanel()
        qtbot.addWidget(panel)
        panel.load(RunSettings.for_task(tasks.get("xor")))
        panel.locale_name = request.param
        applied: list[dict] = []
        panel.liveChanged.connect(applied.append)
        panel.applied = applied
        yield panel
    finally:
        QLocale.setDefault(previous)


def type_into(qtbot, box, text: str) -> None:
    line = box.lineEdit()
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)


def shown_value(box) -> float:
    """The number the field's text says, read the way a person of that locale reads it."""
    text = box.lineEdit().text()
    decimal = box.locale().decimalPoint()
    return float(text.replace(decimal, "."))


@pytest.mark.parametrize("typed, expected", [("0.5", 0.5), ("0.05", 0.05), ("1.25", 1.25),
                                             ("2", 2.0), (".3", 0.3)])
def test_a_point_is_the_decimal_point_in_every_locale(panel, qtbot, typed, expected):
    type_into(qtbot, panel.learning_rate, typed)
    assert panel.applied == [{"learning_rate": expected}], panel.locale_name
    assert panel.learning_rate.value() == expected
    assert shown_value(panel.learning_rate) == expected  # what is shown is what applied


def test_the_locales_own_decimal_sign_works_and_a_thousands_comma_is_never_applied(panel, qtbot):
    type_into(qtbot, panel.momentum, "0,25")
    if panel.locale_name in COMMA_DECIMAL:
        assert panel.applied == [{"momentum": 0.25}]
        assert panel.momentum.lineEdit().text() == "0,25"
    else:  # "0,25" where a comma separates thousands: 25 or a quarter? Neither is applied.
        assert panel.applied == []
        assert panel.momentum.value() == 0.0 and shown_value(panel.momentum) == 0.0


def test_context_start_value_takes_negative_numbers_and_rounds_as_it_shows(panel, qtbot):
    type_into(qtbot, panel.context_init, "-0.5")
    type_into(qtbot, panel.context_init, "0.123")  # two decimals: 0.12 applied and shown
    assert panel.applied == [{"context_init": -0.5}, {"context_init": 0.12}]
    assert shown_value(panel.context_init) == 0.12


def test_every_value_shown_reads_back_as_the_value_in_force(panel):
    for value in (0.0001, 0.001, 0.1, 0.5, 1.0, 12.5, 1000.0, 123456.789):
        panel.learning_rate.setValue(value)
        box = panel.learning_rate
        assert box.valueFromText(box.lineEdit().text()) == box.value(), value
        assert shown_value(box) == box.value(), (panel.locale_name, box.lineEdit().text())
    assert "," not in panel.learning_rate.lineEdit().text().replace(
        panel.learning_rate.locale().decimalPoint(), "")  # never a thousands separator


def test_whole_number_fields_read_back_as_shown(panel, qtbot):
    for box, value in ((panel.epochs, 12345), (panel.seed, 1000), (panel.n_hidden, 7)):
        box.setValue(value)
        assert box.valueFromText(box.lineEdit().text()) == value, (panel.locale_name,
                                                                   box.lineEdit().text())
    type_into(qtbot, panel.epochs, "2000")
    assert panel.applied[-1] == {"epochs": 2000}


def test_values_finer_or_wider_than_a_field_are_shown_as_they_are_in_force(panel):
    """A network from the runner may have --lr 0.00005 or --weight-scale 10: the panel shows
    those, not the field's nearest (0.0001, 5), so what it shows is what trains."""
    settings = RunSettings.for_task(tasks.get("xor")).replace(
        learning_rate=0.00005, weight_scale=10.0, momentum=0.125, context_init=-0.375)
    panel.load(settings)
    for name in ("learning_rate", "weight_scale", "momentum", "context_init"):
        box = getattr(panel, name)
        assert box.value() == getattr(settings, name), name
        assert shown_value(box) == getattr(settings, name), (name, box.lineEdit().text())
    assert panel.pending() == {}  # nothing looks edited
    assert panel.applied == []
