"""Files on disk: the network format, atomic writes and the limits a file is checked against."""
