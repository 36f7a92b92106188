"""The figure views as files for slides: PNG at twice the resolution, and SVG.

Used by File ▸ Export and by ``main.py figure`` alike: a fresh view of the figure is made off
screen at a slide's size (whatever the tab looks like in the window, and whether or not it was
ever opened), shown the snapshot, and painted into an image or an SVG generator. The bytes are
checked (the PNG decodes and is not one flat colour, the SVG parses) and written atomically and
checked again as read back (:mod:`elman_gui.image_files`, :mod:`elman_core.files.atomic_io`): a
failed export never leaves half a file.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QApplication, QWidget

from elman_core.files import atomic_io
from elman_core.live.snapshot import Snapshot
from elman_gui import image_files
from elman_gui.features.export import ExportError, saved

# name (as for --view) → what the figure is called in menus and messages
FIGURES = {"paper-figure": "Paper figure", "hidden-space": "Hidden space",
           "dendrogram": "Dendrogram"}
FORMATS = ("png", "svg")
SLIDE_SIZE = (1200, 750)  # logical pixels; a 16:10 slide
PNG_SCALE = 2  # the PNG has twice as many pixels each way: sharp on a projector or in print


def make_view(name: str) -> QWidget:
    """A new, unparented view of the figure ``name`` (a key of :data:`FIGURES`)."""
    if name == "paper-figure":
        from elman_gui.views.figures.paper_figure import PaperFigureView

        return PaperFigureView()
    if name == "hidden-space":
        from elman_gui.views.figures.hidden_space import HiddenSpaceView

        return HiddenSpaceView()
    if name == "dendrogram":
        from elman_gui.views.figures.dendrogram_view import DendrogramView

        return DendrogramView()
    raise ValueError(f"unknown figure {name!r}: one of {', '.join(FIGURES)}")


def figure_format(path: str | Path) -> str:
    """"png" or "svg" from the file name; ValueError for anything else."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValueError(f"{path}: the file name must end in .png or .svg")
    return suffix


def render_figure(name: str, snapshot: Snapshot, fmt: str,
                  size: tuple[int, int] = SLIDE_SIZE) -> bytes:
    """The figure ``name`` of ``snapshot`` as PNG or SVG bytes, checked."""
    view = make_view(name)
    try:
        _lay_out(view, snapshot, size)
        data = _png(view) if fmt == "png" else _svg(view, FIGURES[name])
    finally:
        view.close()
        view.deleteLater()
    check_figure_bytes(data, fmt)
    return data


def write_figure(name: str, snapshot: Snapshot, path: str | Path,
                 size: tuple[int, int] = SLIDE_SIZE) -> Path:
    """Render the figure and replace ``path`` with it atomically, checked again as written
    (:func:`~elman_core.files.atomic_io.write_checked`); ExportError if impossible."""
    path = Path(path)
    try:
        fmt = figure_format(path)
        data = render_figure(name, snapshot, fmt, size)
    except ValueError as error:  # a bad name or format, a picture Qt cannot make
        raise ExportError(str(error)) from error
    image = QImage.fromData(QByteArray(data), "PNG") if fmt == "png" else None
    check = image_files.check_svg if image is None else image_files.png_check(
        image.width(), image.height())
    # A failed write says so as every export does: not saved, the old file unchanged.
    return saved(path, lambda: atomic_io.write_checked(path, data, check))


def check_figure_bytes(data: bytes, fmt: str) -> None:
    """ExportError unless ``data`` is a PNG that decodes to more than one colour, or an SVG
    document that parses."""
    if fmt == "png":
        image = QImage.fromData(QByteArray(data), "PNG")
        if image.isNull():
            raise ExportError("the PNG picture could not be made")
        if is_blank(image):
            raise ExportError("the picture came out blank")
    else:
        try:
            image_files.check_svg(data)
        except ValueError as error:
            raise ExportError(f"the SVG picture is not valid ({error})") from error


def is_blank(image: QImage) -> bool:
    """True if every pixel of a sample grid has the same colour."""
    first = image.pixel(0, 0)
    step_x, step_y = max(image.width() // 97, 1), max(image.height() // 89, 1)
    return all(image.pixel(x, y) == first for x in range(0, image.width(), step_x)
               for y in range(0, image.height(), step_y))


# ------------------------------------------------------------------------------------ internals
def _lay_out(view: QWidget, snapshot: Snapshot, size: tuple[int, int]) -> None:
    """Size and lay the view out without a window on screen, then show it the snapshot."""
    view.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
    view.resize(*size)
    view.show()  # off screen: only so that the layouts and the plots take their sizes
    QApplication.processEvents()
    view.show_snapshot(snapshot)
    # A view may need more height than a slide (the dendrogram's rows): give it all of it.
    height = max(size[1], view.minimumSizeHint().height())
    scroll = view.tree_viewport() if hasattr(view, "tree_viewport") else None
    if scroll is not None:  # a picture does not scroll: as tall as the whole tree
        height += max(scroll.widget().minimumHeight() - scroll.viewport().height(), 0)
    if height != view.height():
        view.resize(size[0], height)
    for _ in range(3):  # the plots' resize signals redraw their ticks and labels
        QApplication.processEvents()


def _png(view: QWidget) -> bytes:
    image = QImage(view.size() * PNG_SCALE, QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(PNG_SCALE)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        view.render(painter, QPoint(0, 0))
    finally:
        painter.end()
    try:
        return image_files.png_bytes(image)
    except ValueError as error:
        raise ExportError(f"the PNG picture could not be made ({error})") from error


def _svg(view: QWidget, title: str) -> bytes:
    size = view.size() if view.width() > 0 else QSize(*SLIDE_SIZE)
    try:
        return image_files.painted_svg(lambda painter: view.render(painter, QPoint(0, 0)),
                                       size, f"Elman Lab: {title}")
    except ValueError as error:
        raise ExportError(f"the SVG picture could not be made ({error})") from error
