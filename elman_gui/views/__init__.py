"""The live views: each is a QWidget with ``show_snapshot(snapshot)`` and ``clear()``."""
