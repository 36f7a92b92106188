"""Pictures written whole or not at all: the Qt side of :mod:`elman_core.files.atomic_io`.

Qt's own writers (``QImage.save``, ``QSvgGenerator.setFileName``) write in place: a full disk
leaves a cut file where the old one was, and ``QSvgGenerator`` does not even say so. Here every
picture is made in memory, checked (a PNG decodes to the size made, an SVG parses as XML with an
``<svg>`` root), and handed to :func:`~elman_core.files.atomic_io.write_checked`, which writes a
temporary file, reads it back, checks it again and only then renames it over the old one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QImage, QPainter
from PySide6.QtSvg import QSvgGenerator

from elman_core.files import atomic_io


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG (ValueError if Qt cannot encode it)."""
    if image.isNull():
        raise ValueError("there is no picture (an empty image)")
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    ok = image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs say bytes; str runs
    buffer.close()
    if not ok or data.isEmpty():
        raise ValueError("Qt could not encode the picture as PNG")
    return bytes(data.data())


def png_check(width: int, height: int) -> atomic_io.Check:
    """A check that bytes are a PNG that decodes to a ``width`` × ``height`` picture."""
    def check(data: bytes) -> None:
        image = QImage.fromData(data, "PNG")  # type: ignore[arg-type]  # (as above)
        if image.isNull():
            raise ValueError("the PNG does not decode")
        if (image.width(), image.height()) != (width, height):
            raise ValueError(f"the PNG decodes to {image.width()}×{image.height()}, not "
                             f"{width}×{height}")
    return check


def check_svg(data: bytes) -> None:
    """ValueError unless ``data`` is a whole XML document whose root is ``<svg>``."""
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise ValueError(f"the SVG does not parse ({error})") from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise ValueError(f"the document's root is <{root.tag}>, not <svg>")


def painted_svg(paint: Callable[[QPainter], None], size: QSize, title: str) -> bytes:
    """An SVG of what ``paint(painter)`` draws on a ``size`` canvas (ValueError if none)."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(size)
    generator.setViewBox(QRect(0, 0, size.width(), size.height()))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        raise ValueError("Qt could not start the SVG drawing")
    try:
        paint(painter)
    finally:
        painter.end()
        buffer.close()
    return bytes(data.data())


def save_png(image: QImage, path: str | Path) -> Path:
    """Write ``image`` as a PNG at ``path`` atomically, checked; raises OSError or ValueError
    (:class:`~elman_core.files.atomic_io.OutputPathError`) and keeps the old file."""
    path = Path(path)
    atomic_io.write_checked(path, png_bytes(image), png_check(image.width(), image.height()))
    return path


def save_svg(data: bytes, path: str | Path) -> Path:
    """Write SVG ``data`` at ``path`` atomically, checked (as :func:`save_png`)."""
    path = Path(path)
    atomic_io.write_checked(path, data, check_svg)
    return path
