"""Colours and category palettes shared by the views."""
