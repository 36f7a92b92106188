"""Export what the student sees: the views as PNG / SVG, the numbers as CSV.

The CSV functions are pure (a snapshot in, text out) and the writers only touch the one file
asked for, whole or not at all: each file is made in memory, written to a temporary file, read
back and checked (the table has every row, the PNG decodes, the SVG parses), and only then
renamed over the old one (:mod:`elman_gui.image_files`); a failure (a full disk) is an
:class:`ExportError` and leaves the old file as it was. The loss plot and the error bars are
pyqtgraph plots and go through pyqtgraph's own exporters; whole widgets (the diagram with its
colour key) are grabbed as a PNG or painted into a ``QSvgGenerator``.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401 (registers pg.exporters)
from PySide6.QtCore import QPoint, QSize
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QWidget

from elman_core.files import atomic_io
from elman_core.live.snapshot import Snapshot
from elman_gui import image_files

PNG_MIN_WIDTH = 800  # plots are exported at least this wide, whatever their size on screen


class ExportError(Exception):
    """A file could not be written; the message names the file and why."""


# ------------------------------------------------------------------------------------ CSV
def _format(value: float) -> str:
    value = float(value)
    return "" if math.isnan(value) else repr(value)


def _csv(header: tuple[str, ...], rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def loss_csv(snapshot: Snapshot) -> str:
    """``epoch,loss``: the mean loss of every completed epoch (epochs counted from 1) — in a run
    longer than the loss curve keeps points, of each group of epochs ending at ``epoch``."""
    epochs, losses = snapshot.epoch_curve()
    return _csv(("epoch", "loss"),
                ((int(epoch), _format(loss)) for epoch, loss in zip(epochs, losses, strict=True)))


def errors_csv(snapshot: Snapshot) -> str:
    """``category,error``: the mean error at each position category over the latest epoch,
    then (as ``output:<label>``) the mean error of each output unit. An empty error means no
    data yet."""
    rows = [(name, _format(error)) for name, error in
            zip(snapshot.category_names, np.asarray(snapshot.position_errors), strict=False)]
    labels = snapshot.output_labels or tuple(str(k + 1) for k in range(snapshot.n_output))
    rows += [(f"output:{label}", _format(error)) for label, error in
             zip(labels, np.asarray(snapshot.feature_errors), strict=False)]
    return _csv(("category", "error"), rows)


def read_csv(path: str | Path) -> list[list[str]]:
    """The rows of a CSV file written here, header first (for tests and checks)."""
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_text(path: str | Path, text: str) -> Path:
    """Write a CSV table whole or not at all (the rows read back before it replaces the old)."""
    path = Path(path)
    rows = list(csv.reader(io.StringIO(text)))
    return saved(path, lambda: atomic_io.write_text(path, text, _same_rows(rows)))


def _same_rows(rows: list[list[str]]) -> atomic_io.Check:
    """A check that CSV bytes hold exactly ``rows`` (every row, each one whole)."""
    def check(data: bytes) -> None:
        found = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if found != rows:
            raise ValueError(f"the table reads back as {len(found):,} rows, not {len(rows):,}")
    return check


def saved(path: Path, write) -> Path:
    """Run ``write()``; any failure is an ExportError saying the old file is unchanged."""
    try:
        write()
    except OSError as error:
        raise ExportError(f"{path}: not saved ({error.strerror or error}); "
                          f"{_old_file_note(path)}") from error
    except ValueError as error:  # OutputPathError, WrittenFileInvalid, a picture Qt cannot make
        raise ExportError(f"Not saved: {error}" if str(path) in str(error) else
                          f"{path}: not saved ({error}); {_old_file_note(path)}") from error
    return path


def _old_file_note(path: Path) -> str:
    return "the file there is unchanged" if path.exists() else "no file was made"


# ------------------------------------------------------------------------------------ images
def _plot_item(widget) -> pg.PlotItem:
    """The PlotItem inside one of the app's views (or a PlotWidget / PlotItem itself)."""
    if isinstance(widget, pg.PlotItem):
        return widget
    if isinstance(widget, pg.PlotWidget):
        return widget.getPlotItem()
    plot = getattr(widget, "_plot", None)
    if isinstance(plot, pg.PlotWidget):
        return plot.getPlotItem()
    found = widget.findChildren(pg.PlotWidget)
    if not found:
        raise ExportError(f"{type(widget).__name__} holds no plot to export")
    return found[0].getPlotItem()


def plot_png(widget, path: str | Path, min_width: int = PNG_MIN_WIDTH) -> Path:
    """A PNG of the view's plot (axes, curves and legend) via pyqtgraph's ImageExporter."""
    path = Path(path)
    item = _plot_item(widget)
    exporter = pg.exporters.ImageExporter(item)
    width = max(int(item.sceneBoundingRect().width()), min_width)
    exporter.parameters()["width"] = width
    return saved(path, lambda: image_files.save_png(exporter.export(toBytes=True), path))


def plot_svg(widget, path: str | Path) -> Path:
    """An SVG of the view's plot via pyqtgraph's SVGExporter.

    Some items (e.g. curves whose Qt 6 path data it cannot parse) make that exporter fail;
    the plot's view is then painted into a QSvgGenerator instead, which always works.
    """
    path = Path(path)
    item = _plot_item(widget)
    try:
        data = pg.exporters.SVGExporter(item).export(toBytes=True)
    except (ValueError, IndexError, TypeError, AttributeError):  # pyqtgraph's parser
        views = item.scene().views() if item.scene() is not None else []
        if not views:
            raise ExportError(f"{path}: the plot is not on screen, nothing to draw") from None
        return widget_svg(views[0], path)
    return saved(path, lambda: image_files.save_svg(data, path))


def widget_png(widget: QWidget, path: str | Path) -> Path:
    """A PNG of the whole widget as on screen (``QWidget.grab``)."""
    path = Path(path)
    return saved(path, lambda: image_files.save_png(widget.grab().toImage(), path))


def widget_svg(widget: QWidget, path: str | Path, title: str = "Elman Lab") -> Path:
    """An SVG of the whole widget, painted into a QSvgGenerator (vector where Qt can)."""
    path = Path(path)
    size = widget.size() if widget.width() > 0 else QSize(800, 600)

    def paint(painter: QPainter) -> None:
        QWidget.render(widget, painter, QPoint(0, 0))  # not QGraphicsView.render

    return saved(path, lambda: image_files.save_svg(
        image_files.painted_svg(paint, size, title), path))
