"""Keywords: the terms that set a page (or section) apart, by TF-IDF.

Per page, the vectorizer is fitted over the page's sections (each section
one document) so a term that runs through every section weighs less than
one a section is about; page keywords sum the section weights. Over a batch
of pages, it is fitted over the pages themselves.

A page is a handful of small documents, where the estimator's per-call checks
cost several times the arithmetic, so ``page_keywords`` computes the same
TF-IDF directly (same tokens, counts, smoothed IDF, sublinear TF and L2 norm,
in the same order: bit-identical weights) and falls back to the estimator only
when a page has more terms than ``max_features`` keeps.
"""

from __future__ import annotations

import heapq

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, filterfalse
from operator import itemgetter

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from rules_spider.analysis.subjects import strip_backticks
from rules_spider.items import DocPage, Section

# Words every code sample and docs page is full of; they say nothing about a topic.
_EXTRA_STOP_WORDS = frozenset(
    "def self return import const let var function class true false none null new await async print "
    "use using used example examples following shown shows like need want way file code run make "
    "just want also can will may might http https www com org html instead deprecated calling avoid prefer "
    "recommended recommend ensure sure note warning tip important".split()
)
STOP_WORDS: list[str] = sorted(ENGLISH_STOP_WORDS | _EXTRA_STOP_WORDS)
_TOKEN = r"(?u)\b[A-Za-z_][A-Za-z0-9_]{2,}\b"


def section_text(section: Section) -> str:
    return "\n".join([section.heading, *(block.text for block in section.blocks)])


def page_document(page: DocPage) -> str:
    """All of a page's words, for fitting over a batch."""
    parts = [page.title, *(section_text(section) for section in page.sections)]
    return "\n".join(part for part in parts if part) or page.text


def _vectorizer() -> TfidfVectorizer:
    return TfidfVectorizer(
        stop_words=STOP_WORDS,
        token_pattern=_TOKEN,
        lowercase=True,
        sublinear_tf=True,
        ngram_range=(1, 2),
        max_features=20000,
    )


def _top_terms(indices: np.ndarray, weights: np.ndarray, terms: np.ndarray, top_n: int) -> list[str]:
    """The ``top_n`` heaviest terms among the non-zero ``weights`` at ``indices``."""
    order = np.lexsort((terms[indices], -weights))  # highest weight first, ties alphabetical
    chosen: list[str] = []
    for position in order:
        if weights[position] <= 0 or len(chosen) >= top_n:
            break
        term = str(terms[indices[position]])
        if any(term in kept.split() for kept in chosen if " " in kept):
            continue  # a bigram already kept says it
        chosen.append(term)
    return chosen


def _row_terms(matrix: sp.csr_matrix, row: int, terms: np.ndarray, top_n: int) -> list[str]:
    start, end = matrix.indptr[row], matrix.indptr[row + 1]
    return _top_terms(matrix.indices[start:end], matrix.data[start:end], terms, top_n)


def top_keywords(documents: Sequence[str], top_n: int = 10) -> list[list[str]]:
    """The ``top_n`` TF-IDF terms of each document, fitted over ``documents``."""
    if not any(doc.strip() for doc in documents):
        return [[] for _ in documents]
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:  # nothing left after stop words
        return [[] for _ in documents]
    terms = vectorizer.get_feature_names_out()
    matrix = sp.csr_matrix(matrix)
    return [_row_terms(matrix, i, terms, top_n) for i in range(matrix.shape[0])]


def _page_keywords_sklearn(documents: list[str], n_sections: int, top_n: int) -> tuple[list[str], dict[int, list[str]]]:
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:
        return [], {}
    terms = vectorizer.get_feature_names_out()
    matrix = sp.csr_matrix(matrix)
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    page_terms = _top_terms(np.arange(len(terms)), totals, terms, top_n)
    per_section = {index: _row_terms(matrix, index, terms, top_n) for index in range(n_sections)}
    return page_terms, per_section


_MAX_FEATURES = 20000
_FIND_TOKENS = re.compile(_TOKEN).findall
_STOP_SET = frozenset(STOP_WORDS)


def _terms_of(document: str) -> list[str]:
    """The vectorizer's analyzer: lower-cased tokens without stop words, then their bigrams."""
    tokens = list(filterfalse(_STOP_SET.__contains__, _FIND_TOKENS(document.lower())))
    return tokens + list(map(" ".join, zip(tokens, tokens[1:])))


def _top_listed(terms: list[str], weights: list[float], top_n: int) -> list[str]:
    """``_top_terms`` over plain lists: heaviest first, ties alphabetical, no bigram's words twice."""
    pairs = list(zip([-weight for weight in weights], terms))
    # The few heaviest first (a page has thousands of terms); all of them only when skipped bigram
    # words leave fewer than top_n among those.
    head = heapq.nsmallest(4 * top_n, pairs)
    chosen, complete = _pick(head, top_n)
    if not complete and len(head) < len(pairs):
        chosen, _ = _pick(sorted(pairs), top_n)
    return chosen


def _pick(ordered: list[tuple[float, str]], top_n: int) -> tuple[list[str], bool]:
    chosen: list[str] = []
    bigram_words: set[str] = set()
    for negative, term in ordered:
        if negative >= 0 or len(chosen) >= top_n:
            return chosen, True
        if term in bigram_words:
            continue  # a bigram already kept says it
        chosen.append(term)
        if " " in term:
            bigram_words.update(term.split())
    return chosen, len(chosen) >= top_n


def _page_keywords_direct(documents: list[str], n_sections: int, top_n: int) -> tuple[list[str], dict[int, list[str]]] | None:
    """``_page_keywords_sklearn`` without the estimator's per-call overhead (a page is a
    few small documents): the same counts, the same smoothed IDF and sublinear TF, the
    same L2 normalisation, computed in the same order so every weight is bit-identical.
    None when the page has more terms than ``max_features`` (the estimator prunes them)."""
    counts = [Counter(_terms_of(document)) for document in documents]
    # The estimator numbers terms in first-seen order and stores each row's terms by number
    # (the L2 norm sums them in that order); features come out alphabetically.
    first_seen = dict.fromkeys(chain.from_iterable(counts))
    if not first_seen:
        return [], {}
    n_terms = len(first_seen)
    if n_terms > _MAX_FEATURES:
        return None
    number = dict(zip(first_seen, range(n_terms)))
    rows = [sorted(zip(map(number.__getitem__, row), row.values())) for row in counts]
    flat = list(chain.from_iterable(rows))
    flat_indices = np.fromiter(map(itemgetter(0), flat), dtype=np.intp, count=len(flat))
    data = np.fromiter(map(itemgetter(1), flat), dtype=np.float64, count=len(flat))
    doc_freq = np.bincount(flat_indices, minlength=n_terms).astype(np.float64)
    doc_freq += 1.0
    idf = np.full_like(doc_freq, fill_value=len(documents) + 1, dtype=np.float64)
    idf /= doc_freq
    np.log(idf, out=idf)
    idf += 1.0
    np.log(data, data)
    data += 1.0
    data *= idf[flat_indices]
    weights = data.tolist()
    names = list(first_seen)
    totals = dict.fromkeys(names, 0.0)
    per_section: dict[int, list[str]] = {}
    offset = 0
    for row_number, row in enumerate(rows):
        end = offset + len(row)
        row_weights = weights[offset:end]
        squares = 0.0
        for value in row_weights:  # in order, as the estimator's normaliser sums
            squares += value * value
        if squares != 0.0:
            norm = math.sqrt(squares)
            row_weights = [value / norm for value in row_weights]
        row_terms = list(map(names.__getitem__, map(itemgetter(0), row)))
        for term, value in zip(row_terms, row_weights):
            totals[term] += value
        if row_number < n_sections:
            per_section[row_number] = _top_listed(row_terms, row_weights, top_n)
        offset = end
    return _top_listed(list(totals), list(totals.values()), top_n), per_section


def page_keywords(page: DocPage, top_n: int = 10) -> tuple[list[str], dict[int, list[str]]]:
    """The page's keywords and each section's (by section index), fitted over its sections."""
    documents = [section_text(section) for section in page.sections] or [page.text]
    if not any(doc.strip() for doc in documents):
        return [], {}
    direct = _page_keywords_direct(documents, len(page.sections), top_n)
    if direct is not None:
        return direct
    return _page_keywords_sklearn(documents, len(page.sections), top_n)


@lru_cache(maxsize=1024)
def _whole_word(term: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(term)}\b")


def rule_keywords(evidence: str, subjects: Sequence[str], terms: Sequence[str], limit: int = 8) -> list[str]:
    """A rule's keywords: the names it is about, then those of ``terms`` (section and page
    keywords, best first) that its evidence uses."""
    lowered = evidence.lower()
    names = [strip_backticks(subject).split("(", 1)[0].strip() for subject in subjects]
    used = [term for term in terms if term in lowered and _whole_word(term).search(lowered)]
    return list(dict.fromkeys(name for name in [*names, *used] if name))[:limit]
