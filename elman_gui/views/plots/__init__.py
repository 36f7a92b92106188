"""Live plots: the loss and the per-position error bars."""
