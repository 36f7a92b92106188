"""Draw Elman Lab's icon: assets/icon.svg, and from it icon.png (256 px) and icon.ico.

Three units — input (blue, bottom left), context (purple, bottom right) and hidden (red, top) —
with input → hidden and context → hidden arrows, and the dashed hidden → context copy looping
back: the one idea the app is about. Colours are the app's own (elman_gui/views/palette.py).

    uv run python packaging/make_icon.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"

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


def main() -> int:
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1] + ["-platform", "offscreen"])
    ASSETS.mkdir(exist_ok=True)
    (ASSETS / "icon.svg").write_text(SVG, encoding="utf-8")
    written = [ASSETS / "icon.svg"]
    for name, size in (("icon.png", 256), ("icon.ico", 64)):
        if not render(SVG.encode(), size).save(str(ASSETS / name)):
            print(f"make_icon: could not write {name}", file=sys.stderr)
            return 1
        written.append(ASSETS / name)
    del app
    for path in written:
        print(f"wrote {path.relative_to(ASSETS.parent)} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
