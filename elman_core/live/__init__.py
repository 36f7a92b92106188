"""The live trainer behind the window: the driver, pacing, stepping and queued commands."""
