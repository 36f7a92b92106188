"""Helpers the tests share (import them from here; tests never import each other)."""
