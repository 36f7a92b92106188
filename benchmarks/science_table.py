"""The table of docs/science.md: Elman (1990) Figs. 3-9, the paper's result beside ours over seeds.

Runs ``main.py train --seeds`` for each experiment at its defaults (the presets that are the
paper's setup), reads the JSON, and writes one Markdown table between the markers
``<!-- science-table:start -->`` and ``<!-- science-table:end -->`` of docs/science.md (the
rest of the file is left as it is). Every figure is mean ± sd [min, max] over the seeds, or a
count of seeds. The seeds (101-110) are ones no default was tuned on.

    nice -n 10 uv run python benchmarks/science_table.py            # 10 seeds, ~30 min shared
    uv run python benchmarks/science_table.py --seeds 101-102 --print   # a quick look
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from elman_core.cli.runner import run  # noqa: E402
from elman_core.tasks import sentences  # noqa: E402

DOC = ROOT / "docs" / "science.md"
START, END = "<!-- science-table:start -->", "<!-- science-table:end -->"
RUNS = {  # experiment -> the command line's options
    "xor-paper": ["--preset", "xor-elman1990"],
    "xor": ["--task", "xor"],
    "letters": ["--preset", "letters-paper"],
    "words": ["--task", "words"],
    "sentences": ["--task", "sentences"],
}


def train(options: list[str], seeds: str) -> dict:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.json"
        out, err = io.StringIO(), io.StringIO()
        status = run([*options, "--seeds", seeds, "--json", str(path), "--quiet"], out, err)
        if status != 0:
            raise SystemExit(f"{' '.join(options)}: {err.getvalue()}")
        return json.loads(path.read_text())


def values(document: dict, path: str) -> list[float]:
    found = []
    for one in document["runs"]:
        for key in path.split("."):
            one = one[key]
        found.append(float(one))
    return found


def spread(numbers: list[float], digits: int = 3) -> str:
    n = len(numbers)
    mean = sum(numbers) / n
    sd = (sum((x - mean) ** 2 for x in numbers) / (n - 1)) ** 0.5 if n > 1 else 0.0
    return (f"{mean:.{digits}f} ± {sd:.{digits}f} [{min(numbers):.{digits}f}, "
            f"{max(numbers):.{digits}f}]")


def ratio(document: dict, top: list[str], bottom: list[str], field: str) -> list[float]:
    """Per seed: the mean of ``field.top`` entries over the mean of ``field.bottom`` entries."""
    result = []
    for one in document["runs"]:
        numbers = one[field]
        result.append(sum(numbers[k] for k in top) / len(top)
                      / (sum(numbers[k] for k in bottom) / len(bottom)))
    return result


def count(flags: list[bool]) -> str:
    return f"{sum(flags)} of {len(flags)} seeds"


def rows(docs: dict[str, dict]) -> list[tuple[str, str, str, str]]:
    xor_names = ("predict 2nd bit (random)", "predict XOR bit", "predict next 1st bit (random)")
    table = []
    for key, setup in (("xor-paper", "1-2-1 (paper)"), ("xor", "1-4-1 (seeds/000)")):
        dips = ratio(docs[key], [xor_names[1]], [xor_names[0], xor_names[2]], "position_errors")
        table.append((f"3, temporal XOR, {setup}", "error dips at every 3rd bit",
                      f"XOR-bit / random-bit squared error {spread(dips)}; dip (< 0.8) in "
                      f"{count([d < 0.8 for d in dips])}",
                      "mean squared error by position in the triple, frozen weights"))
    letters = docs["letters"]
    table.append(("4, letters", "error high on consonants, low on vowels",
                  "consonant / vowel squared error "
                  + spread(ratio(letters, list("bdg"), list("aiu"), "position_errors"), 1),
                  "test sequence from another seed; by target letter"))
    table.append(("5, letters, bits", "bit 1 (Consonantal) predicted well, bit 4 (High) not",
                  "bit 4 / bit 1 squared error "
                  + spread(ratio(letters, ["High"], ["Consonantal"], "feature_errors"), 1),
                  "mean over the whole test sequence per output bit"))
    boundaries = spread(values(docs["words"], "word_boundaries.ratio"), 2)
    table.append(("6, word boundaries", "error high at word onsets, falling within words",
                  f"onset / within-word RMS error {boundaries}",
                  "new sentences (seed + 1000), continuous stream"))
    s = docs["sentences"]
    table += [
        ("7 fit, vs likelihoods", "mean cosine 0.916",
         f"{spread(values(s, 'cosine_vs_likelihood'))} (ideal 1, bigram "
         f"{spread(values(s, 'bigram.cosine_vs_likelihood'))})",
         "exact next-word probabilities of the grammar, given the sentence so far"),
        ("7 fit, vs likelihoods", "RMS 0.053 (per output unit)",
         f"{spread(values(s, 'rms_vs_likelihood_per_unit'))} (bigram "
         f"{spread(values(s, 'bigram.rms_vs_likelihood_per_unit'))})",
         "root mean squared error per output unit (÷ √31 of the Euclidean)"),
        ("7 fit, vs next word", "RMS 0.88 (all-zero output 1.0)",
         f"{spread(values(s, 'rms_next_word'))} (ideal "
         f"{spread(values(s, 'ideal.rms_next_word'))})",
         "Euclidean per step; no predictor of this grammar can score below the ideal"),
    ]
    for method, name in (("paper", "Euclidean distance, average linkage, raw means"),
                         ("standardised", "units standardised, cosine distance, average")):
        nv = values(s, f"clustering.{method}.noun_verb_split_purity")
        an = values(s, f"clustering.{method}.animacy_split_purity")
        both = count([a >= 0.9 and b >= 0.9 for a, b in zip(nv, an, strict=True)])
        table.append((f"7 dendrogram ({method})", "verbs | nouns, then animate | inanimate",
                      f"both splits ≥ 90 % pure in {both}"
                      f"; verbs | nouns {spread(nv, 2)}, animate | inanimate {spread(an, 2)}",
                      name))
    for method in ("paper", "standardised"):
        novel = [one["clustering"][method]["novel_word"] for one in s["runs"]]
        animate = [all(map(sentences.is_animate, n["joins"])) for n in novel]
        ranks = [n["replaced_rank"] for n in novel]
        table.append((f"8, zog ({method})", "zog clusters with the animate nouns, where man was",
                      f"joins animate nouns only in {count(animate)}; \"man\" ranks "
                      f"{min(ranks)}-{max(ranks)} (median {sorted(ranks)[len(ranks) // 2]}) "
                      "among its 29 nearest",
                      "zog in place of man in 2,000 new sentences, no learning"))
    table.append(("9, tokens of boy and girl", "tokens group by role and context",
                  f"top split subject | object {spread(values(s, 'token_clusters.role_purity'), 2)}"
                  f", boy | girl {spread(values(s, 'token_clusters.word_purity'), 2)}"
                  "; nearest token same word and role "
                  f"{spread(values(s, 'token_clusters.nearest_same_word_and_role'), 2)}",
                  "10 tokens per word and role, each from another sentence; Euclidean, average"))
    return table


def markdown(table, seeds: str, minutes: float) -> str:
    lines = [START, "", f"Seeds {seeds}, each figure mean ± sd [min, max]; made by "
             f"`benchmarks/science_table.py` in {minutes:.0f} minutes on a shared machine.", "",
             "| Fig. | paper | here | method |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"
              for row in table]
    return "\n".join([*lines, "", END])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="101-110")
    parser.add_argument("--print", action="store_true", help="print the table, write nothing")
    args = parser.parse_args()
    started = time.perf_counter()
    docs = {}
    for name, options in RUNS.items():
        docs[name] = train(options, args.seeds)
        print(f"{name}: done after {time.perf_counter() - started:.0f} s", file=sys.stderr)
    text = markdown(rows(docs), args.seeds, (time.perf_counter() - started) / 60)
    if args.print:
        print(text)
        return
    old = DOC.read_text(encoding="utf-8") if DOC.exists() else "# The science\n\n"
    if START in old and END in old:
        new = old[:old.index(START)] + text + old[old.index(END) + len(END):]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    DOC.write_text(new, encoding="utf-8")
    print(f"wrote {DOC}", file=sys.stderr)


if __name__ == "__main__":
    main()
