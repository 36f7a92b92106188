"""Draw Elman Lab's icon: assets/icon.svg, and from it icon.png (256 px), icon.ico (Windows)
and icon.icns (macOS).

Three units — input (blue, bottom left), context (purple, bottom right) and hidden (red, top) —
with input → hidden and context → hidden arrows, and the dashed hidden → context copy looping
back: the one idea the app is about. Colours are the app's own (elman_gui/views/style/palette.py).

    uv run python packaging/make_icon.py

The .ico and .icns are written here with ``struct`` (no Pillow, no macOS tools): both formats
are a small table of contents over PNG images, which Windows (Vista on) and macOS (10.7 on) read.
tests/test_packaging.py fails while a file is out of date.
"""

from __future__ import annotations

import struct
import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
PNG_SIZE = 256
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)  # Explorer's small, medium, large and extra large
# ICNS types whose payload is a PNG, by pixel size (ic10 is 512@2x; ic07 from macOS 10.7).
ICNS_TYPES = {128: b"ic07", 256: b"ic08", 512: b"ic09", 1024: b"ic10"}

SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <defs>
    <marker id="head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="2.8" markerHeight="2.8"
            orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#444b57"/>
    </marker>
    <marker id="copyhead" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="2.8"
            markerHeight="2.8" orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="#6a3d9a"/>
    </marker>
  </defs>
  <rect x="8" y="8" width="240" height="240" rx="48" fill="#f4f6fa" stroke="#c9d1de"
        stroke-width="4"/>
  <!-- input -> hidden and context -> hidden -->
  <line x1="84" y1="160" x2="110" y2="108" stroke="#444b57" stroke-width="9"
        stroke-linecap="round" marker-end="url(#head)"/>
  <line x1="172" y1="160" x2="146" y2="108" stroke="#444b57" stroke-width="9"
        stroke-linecap="round" marker-end="url(#head)"/>
  <!-- the copy: hidden -> context, looping round the right-hand side -->
  <path d="M163 64 C 232 52, 246 122, 213 157" fill="none" stroke="#6a3d9a" stroke-width="9"
        stroke-dasharray="16 11" stroke-linecap="round" marker-end="url(#copyhead)"/>
  <circle cx="128" cy="72" r="34" fill="#c0392b" stroke="#333333" stroke-width="5"/>
  <circle cx="68" cy="190" r="30" fill="#2166ac" stroke="#333333" stroke-width="5"/>
  <circle cx="188" cy="190" r="30" fill="#ffffff" stroke="#6a3d9a" stroke-width="7"/>
  <circle cx="188" cy="190" r="12" fill="#6a3d9a"/>
</svg>
"""


def render(svg: bytes, size: int):
    """The SVG drawn on a transparent square image of ``size`` pixels."""
    from PySide6.QtCore import QByteArray, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(svg)).render(painter)
    painter.end()
    return image


def png_bytes(size: int) -> bytes:
    """The icon as PNG file contents, ``size`` pixels square."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not render(SVG.encode(), size).save(buffer, "PNG"):
        raise RuntimeError(f"could not encode the {size} px icon as PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """A Windows .ico: ICONDIR, one 16-byte ICONDIRENTRY per image, then the PNGs."""
    header = struct.pack("<HHH", 0, 1, len(pngs))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(pngs)
    entries, payloads = b"", b""
    for size, png in sorted(pngs.items()):
        side = 0 if size >= 256 else size  # a byte: 0 means 256
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        payloads += png
        offset += len(png)
    return header + entries + payloads


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """A macOS .icns: ``icns`` and the file length, then (type, length with header, PNG)."""
    body = b"".join(ICNS_TYPES[size] + struct.pack(">I", 8 + len(png)) + png
                    for size, png in sorted(pngs.items()))
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def icon_files() -> dict[str, bytes]:
    """Every file this script writes into assets/, by name."""
    pngs = {size: png_bytes(size) for size in {PNG_SIZE, *ICO_SIZES, *ICNS_TYPES}}
    return {
        "icon.svg": SVG.encode("utf-8"),
        "icon.png": pngs[PNG_SIZE],
        "icon.ico": ico_bytes({size: pngs[size] for size in ICO_SIZES}),
        "icon.icns": icns_bytes({size: pngs[size] for size in ICNS_TYPES}),
    }


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([*sys.argv[:1], "-platform", "offscreen"])
    ASSETS.mkdir(exist_ok=True)
    written = []
    for name, data in icon_files().items():
        (ASSETS / name).write_bytes(data)  # bytes: the same "\n" line ends on every system
        written.append(ASSETS / name)
    del app
    for path in written:
        print(f"wrote {path.relative_to(ASSETS.parent)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
