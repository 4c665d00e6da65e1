"""Merge rules that give the same guidance, keeping every page that gave it.

Two rules are the same guidance when they quote the same evidence (after
lower-casing and dropping punctuation and whitespace) or when the TF-IDF
cosine similarity of their bodies is at least ``threshold``. Only rules of
the same technology and the same polarity (a body that forbids vs one that
prescribes) are compared, so "always X" never swallows "never X".

Grouping is leader-based and deterministic: rules are visited best first
(``quality_score``, else ``heuristic_score``, then input order); each
unvisited rule leads a group and takes its unvisited near-duplicates. The
leader is kept, with ``urls`` listing every member's pages (leader's first).
Groups come back in the order of their earliest member.

Similar pairs are found without comparing all pairs: by Cauchy-Schwarz, two
unit vectors with cosine >= t must share a term outside each one's
"suffix" of most common terms whose weights' norm stays below t, so only
rows sharing such a term are scored (the prefix filter of All-Pairs,
Bayardo et al. 2007), with sparse products.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer

from rules_spider.analysis.words import NEGATION_OR_AVERSION
from rules_spider.items import Rule

DEFAULT_THRESHOLD = 0.85
_NON_WORD = re.compile(r"[\W_]+")


def evidence_key(evidence: str) -> str:
    return _NON_WORD.sub(" ", evidence.lower()).strip()


def _score(rule: Rule) -> float:
    if rule.quality_score is not None:
        return rule.quality_score
    return rule.heuristic_score if rule.heuristic_score is not None else 0.0


def similar_pairs(matrix: sp.csr_matrix, threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs ``(i, j)``, ``i < j``, of L2-normalised ``matrix`` with cosine >= ``threshold``."""
    matrix = sp.csr_matrix(matrix, dtype=np.float64)
    n_rows = matrix.shape[0]
    if n_rows < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    doc_freq = np.bincount(matrix.indices, minlength=matrix.shape[1])
    rows = np.repeat(np.arange(n_rows), np.diff(matrix.indptr))
    # Within each row, most common terms first; their running squared norm
    # marks the suffix that cannot reach the threshold alone.
    order = np.lexsort((matrix.indices, -doc_freq[matrix.indices], rows))
    squares = matrix.data[order] ** 2
    running = np.cumsum(squares)
    row_start = np.repeat(matrix.indptr[:-1], np.diff(matrix.indptr))
    before_row = np.concatenate(([0.0], running))[row_start]
    in_suffix = (running - before_row) < threshold**2 - 1e-12
    prefix = matrix.copy()
    prefix.data = prefix.data.copy()
    prefix.data[order[in_suffix]] = 0.0
    prefix.eliminate_zeros()
    candidates = (prefix @ matrix.T).tocoo()
    left = np.minimum(candidates.row, candidates.col)
    right = np.maximum(candidates.row, candidates.col)
    keep = left != right
    pairs = np.unique(np.stack([left[keep], right[keep]], axis=1), axis=0) if keep.any() else np.empty((0, 2), dtype=np.int64)
    if len(pairs) == 0:
        return pairs[:, 0], pairs[:, 1]
    similarity = np.asarray(matrix[pairs[:, 0]].multiply(matrix[pairs[:, 1]]).sum(axis=1)).ravel()
    close = similarity >= threshold - 1e-9
    return pairs[close, 0].astype(np.int64), pairs[close, 1].astype(np.int64)


def _body_matrix(bodies: Sequence[str]) -> sp.csr_matrix:
    """L2-normalised TF-IDF of word unigrams and bigrams (hashed: no vocabulary to build or sort).

    Only the hashed columns some body uses are kept, renumbered in their order: the same values, rows
    and column order, without the weighting's 2**22-long vectors (tens of MB for any number of rules).
    """
    counts = HashingVectorizer(
        lowercase=True,
        ngram_range=(1, 2),
        token_pattern=r"(?u)\b\w[\w.]*\b",
        n_features=2**22,
        alternate_sign=False,
        norm=None,
    ).transform(bodies)
    used, columns = np.unique(counts.indices, return_inverse=True)
    compact = sp.csr_matrix((counts.data, columns.reshape(-1), counts.indptr), shape=(counts.shape[0], len(used)))
    return TfidfTransformer(sublinear_tf=True).fit_transform(compact).tocsr()


def _near_duplicate_groups(rules: Sequence[Rule], members: list[int], threshold: float) -> list[list[int]]:
    """Leader groups (leader first) among ``members`` (indices into ``rules``)."""
    if len(members) == 1:
        return [members]
    matrix = _body_matrix([rules[i].body for i in members])
    left, right = similar_pairs(matrix, threshold)
    neighbours: dict[int, list[int]] = defaultdict(list)
    for a, b in zip(left.tolist(), right.tolist()):
        neighbours[a].append(b)
        neighbours[b].append(a)
    visit = sorted(range(len(members)), key=lambda local: (-_score(rules[members[local]]), members[local]))
    assigned = [False] * len(members)
    groups: list[list[int]] = []
    for local in visit:
        if assigned[local]:
            continue
        assigned[local] = True
        group = [local]
        for other in sorted(neighbours.get(local, ()), key=lambda o: members[o]):
            if not assigned[other]:
                assigned[other] = True
                group.append(other)
        groups.append([members[g] for g in group])
    return groups


def _merge(rules: Sequence[Rule], group: list[int]) -> Rule:
    primary = rules[group[0]]
    urls: list[str] = [primary.url]
    for index in group:
        for url in rules[index].urls or [rules[index].url]:
            if url not in urls:
                urls.append(url)
    if urls == primary.urls:
        return primary  # nothing merged into it: the rule itself, unchanged
    return replace(primary, urls=urls, keywords=list(primary.keywords), section=list(primary.section))


def merge_near_duplicates(rules: Sequence[Rule], threshold: float = DEFAULT_THRESHOLD) -> list[Rule]:
    """One rule per piece of guidance; see the module docstring.

    Inputs are not modified: a rule that absorbed others comes back as a copy,
    a rule nothing merged into comes back as itself.
    """
    # 1. Same evidence: one representative (the best) per (technology, evidence).
    by_evidence: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, rule in enumerate(rules):
        by_evidence[(rule.technology, evidence_key(rule.evidence))].append(index)
    same_evidence: dict[int, list[int]] = {}
    for indices in by_evidence.values():
        best = min(indices, key=lambda i: (-_score(rules[i]), i))
        same_evidence[best] = [best, *(i for i in indices if i != best)]
    # 2. Near-duplicate bodies among representatives, blocked by technology and polarity.
    blocks: dict[tuple[str, bool], list[int]] = defaultdict(list)
    for representative in sorted(same_evidence):
        rule = rules[representative]
        blocks[(rule.technology, bool(NEGATION_OR_AVERSION.search(rule.body)))].append(representative)
    merged: list[tuple[int, Rule]] = []
    for members in blocks.values():
        for group in _near_duplicate_groups(rules, members, threshold):
            expanded = [index for representative in group for index in same_evidence[representative]]
            merged.append((min(expanded), _merge(rules, expanded)))
    merged.sort(key=lambda pair: pair[0])
    return [rule for _, rule in merged]
