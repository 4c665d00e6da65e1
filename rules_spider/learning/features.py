"""Rule features the quality model learns from, and the column transformer over them.

A feature row is a plain dict (see :data:`FEATURE_COLUMNS`), built from a
:class:`~rules_spider.items.Rule` in memory or from a
:class:`~rules_spider.learning.store.RuleRecord` saved by an earlier crawl, so
feedback keeps training the model after the rule has left memory.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.utils.validation import check_is_fitted

if TYPE_CHECKING:
    from rules_spider.items import Rule
    from rules_spider.learning.store import RuleRecord

TEXT_COLUMN = "text"
CATEGORICAL_COLUMNS: tuple[str, ...] = ("category", "technology")
NUMERIC_COLUMNS: tuple[str, ...] = (
    "body_length",  # characters of title + body
    "has_example",  # 0/1
    "evidence_length",  # characters of the verbatim quote grounding the rule
    "evidence_present",  # 0/1
    "source_priority",  # 1..5 from the catalog
    "heuristic_score",  # NaN when the heuristic gave none
    "specificity",  # code-like tokens (identifiers, calls, flags, paths) in title + body
    "vagueness",  # share of words from the vague-word list
)
FEATURE_COLUMNS: tuple[str, ...] = (TEXT_COLUMN, *CATEGORICAL_COLUMNS, *NUMERIC_COLUMNS)

# Words that make guidance unspecific ("handle errors properly").
VAGUE_WORDS = frozenset(
    [
        "appropriate",
        "appropriately",
        "properly",
        "correctly",
        "carefully",
        "good",
        "better",
        "best",
        "nice",
        "consider",
        "various",
        "some",
        "something",
        "things",
        "stuff",
        "generally",
        "usually",
        "certain",
        "relevant",
        "suitable",
        "reasonable",
        "etc",
        "maybe",
        "possibly",
        "probably",
        "might",
        "ideally",
        "sensible",
        "sensibly",
    ]
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")
_CODE_TOKEN = re.compile(
    r"`[^`\n]+`"  # inline code
    r"|\b\w+(?:\.\w+)+(?:\(\))?"  # dotted names: os.path.join, app.get()
    r"|\b\w+\(\)"  # calls: render()
    r"|\b[a-z]+_[a-z0-9_]+\b"  # snake_case identifiers
    r"|\b[a-z]+[A-Z]\w*\b"  # camelCase identifiers
    r"|(?<!\w)--?[a-z][\w-]*"  # command-line flags
    r"|(?<!\w)/[\w.-]+/[\w./-]*"  # paths and URL paths
)


def specificity(text: str) -> int:
    """Number of code-like tokens in ``text``."""
    return len(_CODE_TOKEN.findall(text))


def vague_words_in(text: str) -> list[str]:
    """The distinct vague words of ``text``, sorted."""
    return sorted({word.lower() for word in _WORD.findall(text)} & VAGUE_WORDS)


def vagueness(text: str) -> float:
    """Share of the words of ``text`` that are on the vague-word list (0 when no words)."""
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return 0.0
    return sum(word in VAGUE_WORDS for word in words) / len(words)


def feature_row(
    *,
    title: str,
    body: str,
    category: str,
    technology: str,
    has_example: bool,
    evidence: str,
    source_priority: int,
    heuristic_score: float | None,
) -> dict[str, Any]:
    text = f"{title}\n{body}"
    return {
        TEXT_COLUMN: text,
        "category": category,
        "technology": technology,
        "body_length": float(len(text)),
        "has_example": float(bool(has_example)),
        "evidence_length": float(len(evidence.strip())),
        "evidence_present": float(bool(evidence.strip())),
        "source_priority": float(source_priority),
        "heuristic_score": math.nan if heuristic_score is None else float(heuristic_score),
        "specificity": float(specificity(text)),
        "vagueness": vagueness(text),
    }


def features_from_rule(rule: Rule) -> dict[str, Any]:
    return feature_row(
        title=rule.title,
        body=rule.body,
        category=rule.category,
        technology=rule.technology,
        has_example=bool(rule.example and rule.example.strip()),
        evidence=rule.evidence,
        source_priority=rule.source_priority,
        heuristic_score=rule.heuristic_score,
    )


def features_from_record(record: RuleRecord) -> dict[str, Any]:
    return feature_row(
        title=record.title,
        body=record.body,
        category=record.category,
        technology=record.technology,
        has_example=record.has_example,
        evidence=record.evidence,
        source_priority=record.source_priority,
        heuristic_score=record.heuristic_score,
    )


def to_matrix(rows: Iterable[Mapping[str, Any]] | np.ndarray) -> np.ndarray:
    """Feature rows as an object array whose columns follow :data:`FEATURE_COLUMNS`."""
    if isinstance(rows, np.ndarray):
        if rows.ndim != 2 or rows.shape[1] != len(FEATURE_COLUMNS):
            raise ValueError(
                f"expected a 2-D array with {len(FEATURE_COLUMNS)} columns "
                f"{FEATURE_COLUMNS}, got shape {rows.shape}"
            )
        return rows
    rows = list(rows)
    matrix = np.empty((len(rows), len(FEATURE_COLUMNS)), dtype=object)
    for i, row in enumerate(rows):
        missing = [column for column in FEATURE_COLUMNS if column not in row]
        if missing:
            raise ValueError(f"feature row {i} lacks {', '.join(missing)}")
        matrix[i] = [row[column] for column in FEATURE_COLUMNS]
    return matrix


def _as_float(values: Any) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


def _column_indices(names: Sequence[str]) -> list[int]:
    return [FEATURE_COLUMNS.index(name) for name in names]


class TextComponents(TransformerMixin, BaseEstimator):
    """Truncated SVD of a TF-IDF matrix (latent semantic analysis), dense output.

    Asks for at most ``n_components`` but never more than the vocabulary or
    the number of documents allows, so small training sets still fit.
    """

    def __init__(self, n_components: int = 30, random_state: int | None = 0) -> None:
        self.n_components = n_components
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> TextComponents:
        n_components = min(self.n_components, X.shape[1] - 1, X.shape[0] - 1)
        self.svd_ = (
            TruncatedSVD(n_components=n_components, random_state=self.random_state).fit(X)
            if n_components >= 1
            else None
        )
        return self

    def transform(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "svd_")
        if self.svd_ is None:
            return np.asarray(X.todense() if hasattr(X, "todense") else X, dtype=np.float64)
        return self.svd_.transform(X)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "svd_")
        count = self.svd_.n_components if self.svd_ is not None else 0
        return np.asarray([f"text_component{i}" for i in range(count)], dtype=object)


def build_preprocessor(
    max_text_features: int = 2000, text_components: int = 30, random_state: int | None = 0
) -> ColumnTransformer:
    """Title + body as TF-IDF reduced by truncated SVD, one-hot category and
    technology, numeric columns as floats.

    The output is dense and narrow: the histogram gradient boosting models
    behind :class:`~rules_spider.learning.model.QualityModel` need dense input,
    and their fitting time grows with the number of columns.
    """
    return ColumnTransformer(
        [
            (
                "text",
                Pipeline(
                    [
                        (
                            "tfidf",
                            TfidfVectorizer(
                                max_features=max_text_features,
                                ngram_range=(1, 2),
                                sublinear_tf=True,
                                token_pattern=r"(?u)\b\w[\w.]*\w\b|\b\w\b",
                            ),
                        ),
                        ("svd", TextComponents(text_components, random_state=random_state)),
                    ]
                ),
                FEATURE_COLUMNS.index(TEXT_COLUMN),
            ),
            (
                "categorical",
                OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                _column_indices(CATEGORICAL_COLUMNS),
            ),
            (
                "numeric",
                FunctionTransformer(_as_float, feature_names_out="one-to-one"),
                _column_indices(NUMERIC_COLUMNS),
            ),
        ],
        sparse_threshold=0.0,
    )
