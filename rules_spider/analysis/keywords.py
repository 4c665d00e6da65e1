"""Keywords: the terms that set a page (or section) apart, by TF-IDF.

Per page, the vectorizer is fitted over the page's sections (each section
one document) so a term that runs through every section weighs less than
one a section is about; page keywords sum the section weights. Over a batch
of pages, it is fitted over the pages themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

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


def page_keywords(page: DocPage, top_n: int = 10) -> tuple[list[str], dict[int, list[str]]]:
    """The page's keywords and each section's (by section index), fitted over its sections."""
    documents = [section_text(section) for section in page.sections] or [page.text]
    if not any(doc.strip() for doc in documents):
        return [], {}
    vectorizer = _vectorizer()
    try:
        matrix = vectorizer.fit_transform(documents)
    except ValueError:
        return [], {}
    terms = vectorizer.get_feature_names_out()
    matrix = sp.csr_matrix(matrix)
    totals = np.asarray(matrix.sum(axis=0)).ravel()
    page_terms = _top_terms(np.arange(len(terms)), totals, terms, top_n)
    per_section = {index: _row_terms(matrix, index, terms, top_n) for index in range(len(page.sections))}
    return page_terms, per_section


def batch_keywords(pages: Sequence[DocPage], top_n: int = 10) -> list[list[str]]:
    """Each page's keywords with IDF fitted over the whole batch."""
    return top_keywords([page_document(page) for page in pages], top_n)


def rule_keywords(evidence: str, subjects: Sequence[str], terms: Sequence[str], limit: int = 8) -> list[str]:
    """A rule's keywords: the names it is about, then those of ``terms`` (section and page
    keywords, best first) that its evidence uses."""
    lowered = evidence.lower()
    names = [strip_backticks(subject).split("(", 1)[0].strip() for subject in subjects]
    used = [term for term in terms if re.search(rf"\b{re.escape(term)}\b", lowered)]
    return list(dict.fromkeys(name for name in [*names, *used] if name))[:limit]
