"""Elman Lab's Qt face: PySide6 + pyqtgraph views over snapshots from a trainer thread."""
