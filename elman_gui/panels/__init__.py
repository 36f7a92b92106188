"""The window's panels: toolbar controls, parameters, status bar and figure tabs."""
