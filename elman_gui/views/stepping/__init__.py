"""Views of single steps: the history, the sequence tape and the inspector."""
