"""Training a network on a task: the session, its history and recordings, divergence, run-to."""
