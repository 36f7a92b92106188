"""The console report, whole: every line of each kind of report for small hand-checked inputs.

The report reproduces seeds/000's tables; a changed word, column, count or rounding is a change
a reader of the runner's output sees, so these compare the exact text. The figures were checked
by hand (e.g. XOR: the XOR steps among the first 20 are 1, 4, …, 19, and 5 of those 7 are right;
letters: every feature off by 0.25 except two inverted steps, so (22 × 0.0625 + 2 × 1) / 24).
"""

from __future__ import annotations

import numpy as np

from elman_core import tasks
from elman_core.analysis import metrics


def test_xor_report_whole():
    """23 steps: the tables show the first 20, the rates count all of them."""
    task = tasks.get("xor")
    seq = task.make_sequence(24, 3)
    outputs = ((np.arange(len(seq)) * 0.37) % 1.0)[:, None]
    assert metrics.report_lines(task, seq, outputs) == [
        '== Temporal XOR ==',
        'Predictions for the first 20 steps (output > 0.5 counts as 1):',
        ' Time | Input | Actual | Rounded | Expected | Match',
        '------+-------+--------+---------+----------+------',
        '    0 |     0 | 0.0000 |       0 |        0 |   yes',
        '    1 |     0 | 0.3700 |       0 |        0 |   yes',
        '    2 |     0 | 0.7400 |       1 |        1 |   yes',
        '    3 |     1 | 0.1100 |       0 |        1 |    no',
        '    4 |     1 | 0.4800 |       0 |        0 |   yes',
        '    5 |     0 | 0.8500 |       1 |        0 |    no',
        '    6 |     0 | 0.2200 |       0 |        0 |   yes',
        '    7 |     0 | 0.5900 |       1 |        0 |    no',
        '    8 |     0 | 0.9600 |       1 |        0 |    no',
        '    9 |     0 | 0.3300 |       0 |        1 |    no',
        '   10 |     1 | 0.7000 |       1 |        1 |   yes',
        '   11 |     1 | 0.0700 |       0 |        1 |    no',
        '   12 |     1 | 0.4400 |       0 |        1 |    no',
        '   13 |     1 | 0.8100 |       1 |        0 |    no',
        '   14 |     0 | 0.1800 |       0 |        0 |   yes',
        '   15 |     0 | 0.5500 |       1 |        1 |   yes',
        '   16 |     1 | 0.9200 |       1 |        1 |   yes',
        '   17 |     1 | 0.2900 |       0 |        1 |    no',
        '   18 |     1 | 0.6600 |       1 |        1 |   yes',
        '   19 |     1 | 0.0300 |       0 |        0 |   yes',
        'Accuracy on these steps: 11/20 = 55.0%',
        'Accuracy at the XOR steps only: 5/7 = 71.4% in these steps, '
        '5/8 = 62.5% over the whole sequence',
        '',
        'Error rate by position in the group of 3 (whole sequence):',
        ' Position | Predicting                    | Errors | Total | Error rate',
        '----------+-------------------------------+--------+-------+-----------',
        '        0 | predict 2nd bit (random)      |      3 |     8 |     37.50%',
        '        1 | predict XOR bit               |      3 |     8 |     37.50%',
        '        2 | predict next 1st bit (random) |      4 |     7 |     57.14%',
    ]


def test_letters_report_whole():
    """Step 21 (inverted) is past the table's 20 rows but in every average."""
    task = tasks.get("letters")
    seq = task.evaluation_sequence(8, 1)
    outputs = seq.targets * 0.5 + 0.25
    outputs[1] = 1 - seq.targets[1]
    outputs[21] = 1 - seq.targets[21]
    assert metrics.report_lines(task, seq, outputs) == [
        '== Consonants and vowels ==',
        'Errors on the test sequence, first 20 steps '
        '(mean squared error over the 6 features):',
        ' Time | Letter | Next | Predicted | Error',
        '------+--------+------+-----------+---------',
        '    0 |      d |    i |         i | 0.062500',
        '    1 |      i |    i |         g | 1.000000',
        '    2 |      i |    d |         d | 0.062500',
        '    3 |      d |    i |         i | 0.062500',
        '    4 |      i |    i |         i | 0.062500',
        '    5 |      i |    d |         d | 0.062500',
        '    6 |      d |    i |         i | 0.062500',
        '    7 |      i |    i |         i | 0.062500',
        '    8 |      i |    g |         g | 0.062500',
        '    9 |      g |    u |         u | 0.062500',
        '   10 |      u |    u |         u | 0.062500',
        '   11 |      u |    u |         u | 0.062500',
        '   12 |      u |    g |         g | 0.062500',
        '   13 |      g |    u |         u | 0.062500',
        '   14 |      u |    u |         u | 0.062500',
        '   15 |      u |    u |         u | 0.062500',
        '   16 |      u |    b |         b | 0.062500',
        '   17 |      b |    a |         a | 0.062500',
        '   18 |      a |    b |         b | 0.062500',
        '   19 |      b |    a |         a | 0.062500',
        '',
        'Average squared error per feature (whole test sequence):',
        '  Consonantal : 0.140625',
        '  Vocalic     : 0.140625',
        '  Interrupted : 0.140625',
        '  High        : 0.140625',
        '  Back        : 0.140625',
        '  Voiced      : 0.140625',
        '',
        'Average error by target letter: '
        'b 0.0625, d 0.0625, g 0.0625, a 0.0625, i 0.2188, u 0.1667',
        'Accuracy (nearest letter): 22/24 = 91.7%',
    ]


def test_generic_report_whole():
    """Only the steps with a target, each with its own verdict."""
    task = tasks.get("end-of-sequence")
    seq = task.make_sequence(4, 1)
    outputs = np.zeros((len(seq), 1))
    outputs[5] = 2.0
    assert metrics.report_lines(task, seq, outputs) == [
        '== Count at the end ==',
        'Predictions for the first 4 steps that have a target:',
        ' Time | Input      | Predicted  | Target     | Match',
        '------+------------+------------+------------+------',
        '    2 | (1,1)      | 0.00       | 2          |    no',
        '    5 | (0,1)      | 2.00       | 2          |   yes',
        '    8 | (0,1)      | 0.00       | 1          |    no',
        '   11 | (0,0)      | 0.00       | 0          |   yes',
        'Accuracy over all 4 steps with a target: 2/4 = 50.0%',
    ]


def test_percent_of_nothing_says_so():
    assert metrics._percent(0, 0) == "n/a (no steps)"
    assert metrics._percent(1, 3) == "1/3 = 33.3%"


def test_a_position_with_no_step_has_no_error_rate():
    """Two steps (one group of 3 bits): the third position never occurs, so its rate is n/a
    (not a division by zero)."""
    task = tasks.get("xor")
    seq = task.make_sequence(3, 3)
    assert list(seq.categories) == [0, 1]
    lines = metrics.report_lines(task, seq, np.full((len(seq), 1), 0.2))
    assert lines[-3:] == [
        '        0 | predict 2nd bit (random)      |      0 |     1 |      0.00%',
        '        1 | predict XOR bit               |      0 |     1 |      0.00%',
        '        2 | predict next 1st bit (random) |      0 |     0 |        n/a',
    ]
