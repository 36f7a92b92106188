"""The headless command line: ``main.py train …``."""
