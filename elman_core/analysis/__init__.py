"""Measurements of a network: metrics, hidden-state analysis, clustering and the figure records."""
