"""Fig. 9 of Elman (1990): single occurrences (tokens) of words clustered by their hidden state.

Fig. 7 averages a word's hidden vectors over all its occurrences; Fig. 9 keeps them apart. The
paper shows tokens of "boy" and "girl": they group by the word's role in its sentence and by
what surrounds it, each token's state carrying its context. :func:`token_clusters` samples the
tokens of each word in each role (subject, object) over as many different sentence contexts as
there are, clusters them like Fig. 7, and measures the grouping:

* ``role_purity``: how purely the top split separates subjects from objects (1.0: perfectly),
  ``word_purity`` the same for boy | girl;
* ``nearest_same_role`` / ``nearest_same_word_and_role``: the fraction of tokens whose nearest
  other token (in the clustering's space) has the same role / is the same word in the same role.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from elman_core.analysis.clustering import (
    PAPER,
    ClusterMethod,
    Dendrogram,
    cluster_by,
    split_purity,
    standardise,
)

TOKEN_WORDS = ("boy", "girl")  # the paper's Fig. 9
TOKEN_ROLES = ("subject", "object")
PER_GROUP = 10  # tokens of each word in each role


@dataclass(frozen=True)
class Token:
    step: int  # the row of the sequence where the word is the input
    word: str
    role: str
    sentence: tuple[str, ...]  # its sentence, for the label

    @property
    def group(self) -> str:
        """Its word and role, e.g. "boy (subject)": the colour of its leaf."""
        return f"{self.word} ({self.role})"

    @property
    def label(self) -> str:
        """Its sentence with the token in capitals, e.g. "dragon eat BOY"."""
        position = TOKEN_ROLES.index(self.role) * 2  # the subject is word 0, the object word 2
        return " ".join(w.upper() if k == position else w for k, w in enumerate(self.sentence))


@dataclass(frozen=True)
class TokenClusters:
    tokens: tuple[Token, ...]
    dendrogram: Dendrogram  # leaves labelled by Token.label
    method: ClusterMethod
    role_purity: float
    word_purity: float
    nearest_same_role: float
    nearest_same_word_and_role: float

    def groups(self) -> tuple[str, ...]:
        return tuple(f"{w} ({r})" for r in TOKEN_ROLES for w in TOKEN_WORDS)

    def as_dict(self) -> dict:
        """The JSON block ``token_clusters``."""
        return {"words": list(TOKEN_WORDS), "tokens": len(self.tokens),
                "per_group": {g: sum(t.group == g for t in self.tokens) for g in self.groups()},
                "method": self.method.name, "role_purity": self.role_purity,
                "word_purity": self.word_purity,
                "nearest_same_role": self.nearest_same_role,
                "nearest_same_word_and_role": self.nearest_same_word_and_role}


def sample_tokens(sentence_list: Sequence[Sequence[str]], per_group: int = PER_GROUP
                  ) -> list[Token]:
    """Up to ``per_group`` tokens of each word of :data:`TOKEN_WORDS` in each role, every one
    from a different sentence, taken round-robin over the sentences' verbs so that each token
    has other surroundings (the first such sentences of the stream: deterministic)."""
    by_verb: dict[tuple[str, str], dict[str, list[tuple[int, tuple[str, ...]]]]] = {}
    seen: set[tuple[tuple[str, ...], str]] = set()
    step = 0
    for sentence in sentence_list:
        sentence = tuple(sentence)
        for role, position in (("subject", 0), ("object", 2)):
            if len(sentence) > position and sentence[position] in TOKEN_WORDS \
                    and (sentence, role) not in seen:
                verbs = by_verb.setdefault((sentence[position], role), {})
                verbs.setdefault(sentence[1], []).append((step + position, sentence))
                seen.add((sentence, role))
        step += len(sentence)
    tokens = []
    for role in TOKEN_ROLES:
        for word in TOKEN_WORDS:
            queues = [list(q) for q in by_verb.get((word, role), {}).values()]
            taken: list[tuple[int, tuple[str, ...]]] = []
            while len(taken) < per_group and any(queues):
                for queue in queues:
                    if queue and len(taken) < per_group:
                        taken.append(queue.pop(0))
            tokens += [Token(s, word, role, sentence) for s, sentence in sorted(taken)]
    return tokens


def token_clusters(hidden: np.ndarray, sentence_list: Sequence[Sequence[str]],
                   method: ClusterMethod = PAPER, per_group: int = PER_GROUP
                   ) -> TokenClusters | None:
    """Fig. 9 from ``hidden`` (one row per word of the sentences run together; the last word,
    which has no prediction row, may be missing); None if the sentences hold no boy or girl
    as a subject, or none as an object (a short stream)."""
    tokens = [t for t in sample_tokens(sentence_list, per_group) if t.step < len(hidden)]
    if len({t.role for t in tokens}) < 2:
        return None
    vectors = np.asarray(hidden, dtype=np.float64)[[t.step for t in tokens]]
    dendrogram = cluster_by(method, [t.label for t in tokens], vectors)
    role_of = {t.label: t.role for t in tokens}
    role_purity = split_purity(dendrogram.top_split(), lambda label: role_of[label] == "subject")
    word_of = {t.label: t.word for t in tokens}
    word_purity = split_purity(dendrogram.top_split(),
                               lambda label: word_of[label] == TOKEN_WORDS[0])
    nearest = _nearest_others(vectors, method)
    same_role = [tokens[k].role == tokens[j].role for k, j in enumerate(nearest)]
    same_group = [tokens[k].group == tokens[j].group for k, j in enumerate(nearest)]
    return TokenClusters(tuple(tokens), dendrogram, method, role_purity, word_purity,
                         float(np.mean(same_role)), float(np.mean(same_group)))


def _nearest_others(vectors: np.ndarray, method: ClusterMethod) -> np.ndarray:
    """For each row, the index of its nearest other row in ``method``'s space."""
    from scipy.spatial.distance import cdist  # see clustering.cluster: scipy where it is used

    space = standardise(vectors) if method.standardised else vectors
    distances = cdist(space, space, metric=method.metric)
    np.fill_diagonal(distances, np.inf)
    return np.argmin(distances, axis=1)
