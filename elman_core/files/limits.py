"""Bounds on what a file or a whole run may hold, beyond the settings' own.

The settings' bounds (hidden units, epochs, sequence length…) are in
:data:`elman_core.model.settings.
BOUNDS`, the one table of them; this module adds what no single setting bounds: a network file's
size and metadata, a text file, and a run's total number of steps. Each is checked *before*
anything is allocated, with a message naming the option or file and the bound.
"""

from __future__ import annotations

from elman_core.model.settings import BOUNDS, shown  # noqa: F401 (shown: for the file checks)

# What a network file may declare: as many units as a network may have, a seed the generator takes.
MAX_UNITS = int(BOUNDS["n_hidden"].maximum)
MAX_SEED = int(BOUNDS["seed"].maximum)
MAX_SEQUENCE_LENGTH = int(BOUNDS["sequence_length"].maximum)
MAX_TOTAL_STEPS = 1_000_000_000  # epochs × steps per epoch of one run
MAX_TEXT_FILE_BYTES = 80_000  # 20,000 characters of up to 4 UTF-8 bytes each
MAX_NETWORK_FILE_BYTES = 256 * 2**20  # a .npz on disk and all its arrays once read
MAX_METADATA_CHARS = 1_000_000  # the JSON text inside a network file
MAX_METADATA_DEPTH = 32  # nesting of that JSON (the real format uses 3)
