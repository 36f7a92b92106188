#!/bin/sh
# Issue 20, validation on seeds no default was tuned on (101-110), one process at a time:
# the docs table at the defaults, then the trade-off: lr 0.2 at 6 passes (10 seeds) and
# lr 0.05 at 20 passes (5 seeds), measured like the tuning sweep.
cd "$(dirname "$0")/../.." || exit 1
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 NUMBA_NUM_THREADS=1 PYTHONPATH=.
nice -n 10 uv run python benchmarks/science_table.py > benchmarks/sweeps/table.log 2>&1
S=101,102,103,104,105,106,107,108,109,110
nice -n 10 uv run python benchmarks/sweeps/sentence_defaults_sweep.py $S 0.2 0.5 6 \
    > benchmarks/sweeps/validation_lr02.tsv 2> benchmarks/sweeps/validation_lr02.log
nice -n 10 uv run python benchmarks/sweeps/sentence_defaults_sweep.py 101,102,103,104,105 0.05 0.5 6,20 \
    > benchmarks/sweeps/validation_lr005.tsv 2> benchmarks/sweeps/validation_lr005.log
