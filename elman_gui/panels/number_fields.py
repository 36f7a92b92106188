"""Number fields that read "0.5" as one half in every language.

Qt's ``QDoubleSpinBox`` parses with the user's locale: in German "." is the thousands separator,
so a learning rate typed as ``0.5`` is read as 5 (and shown as ``5,0000``). :class:`DecimalField`
accepts the point everywhere and the locale's own decimal sign (``0,5`` in German, French or
Turkish) and no thousands separators at all, so every text it accepts has one meaning (a
comma where it separates thousands, as in English, is never applied: Enter puts back the value
in force); it shows
the value with the locale's decimal sign and no trailing zeros, and the value it applies is the
one it shows (rounded to its decimals, as the spin box rounds).
"""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox

State = QValidator.State
MAX_DECIMALS = 10  # a finer value is shown rounded to this many places


class DecimalField(QDoubleSpinBox):
    """A ``QDoubleSpinBox`` whose text means the same number in every locale."""

    def decimal_signs(self) -> str:
        """The characters read as the decimal point: "." and the locale's own."""
        return "." + self.locale().decimalPoint().replace(".", "")

    def _number_pattern(self) -> re.Pattern:
        # Any separator may be typed; only the decimal signs make a number (below).
        signs = re.escape(".," + self.decimal_signs())
        return re.compile(rf"[+\-−]?(\d*)([{signs}]?)(\d*)")

    def _core(self, text: str) -> str:
        text = text.strip()
        text = text.removeprefix(self.prefix()).removesuffix(self.suffix())
        return text.strip()

    def _parse(self, text: str) -> tuple[float | None, bool]:
        """(value, complete): None if the text cannot become a number; complete if it is one."""
        core = self._core(text)
        if core == "":
            return None, False
        match = self._number_pattern().fullmatch(core)
        if match is None:
            return None, False
        whole, sign, fraction = match.groups()
        if len(fraction) > self.decimals() or (sign and self.decimals() == 0):
            return None, False
        if sign and sign not in self.decimal_signs():
            # "0,25" where the comma separates thousands (English): it could mean 25 or a
            # quarter, so it is never applied (Enter puts back the value in force).
            return math_nan(), False
        if not whole and not fraction:
            return math_nan(), False  # "-", "." or "," alone: on the way to a number
        number = float(f"{'-' if core[0] in '-−' else ''}{whole or '0'}.{fraction or '0'}")
        return number, True

    def validate(self, text: str, position: int):  # noqa: D102 (Qt's)
        value, complete = self._parse(text)
        if value is None:
            core = self._core(text)
            return (State.Intermediate if core == "" else State.Invalid), text, position
        if not complete:
            return State.Intermediate, text, position
        if self.minimum() <= value <= self.maximum():
            return State.Acceptable, text, position
        # Out of range: it may still become valid with more digits (typing "1" towards 10).
        return State.Intermediate, text, position

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt name)
        value, complete = self._parse(text)
        return value if complete and value is not None else self.value()

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt name)
        text = f"{round(value, self.decimals()):.{self.decimals()}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
        if text in ("-0", ""):
            text = "0"
        return text.replace(".", self.locale().decimalPoint())

    def show_exactly(self, value: float) -> None:
        """Show ``value`` as it is, even if finer than the field's decimals or outside its
        range (a network saved by the runner with ``--lr 0.00005``): the field then grows
        to hold it, so what it shows is what is in force."""
        decimals = self.decimals()
        while decimals < MAX_DECIMALS and round(value, decimals) != value:
            decimals += 1
        if decimals > self.decimals():
            self.setDecimals(decimals)  # before the range: setDecimals rounds the range too
        if value < self.minimum():
            self.setMinimum(value)
        if value > self.maximum():
            self.setMaximum(value)
        self.setValue(value)

    def fixup(self, text: str) -> str:  # noqa: D102 (Qt's)
        return text  # an incomplete or invalid text goes back to the value in force


def math_nan() -> float:
    return float("nan")
