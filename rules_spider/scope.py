"""Which URLs belong to a source, and the one canonical form of each URL (pure)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from rules_spider.catalog import DocumentationSource

_INDEX_PAGE = re.compile(r"/index\.html?$", re.IGNORECASE)
_SKIPPED_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "ftp:")
# Query parameters that never change a docs page's content: search highlighting and trackers.
_NOISE_PARAMS = re.compile(r"^(highlight|utm_\w+|ref|ref_src|fbclid|gclid|_ga|mc_cid|mc_eid)$", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """One spelling per page: no fragment, sorted query without highlight/tracking
    parameters, no trailing index.html, lower-case host, no default port."""
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    query = parts.query
    if query:
        query = urlencode([(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _NOISE_PARAMS.match(k)])
    path = _INDEX_PAGE.sub("/", parts.path) or "/"
    netloc = parts.netloc.lower()
    if (parts.scheme, parts.port) in (("http", 80), ("https", 443)):
        netloc = netloc.rsplit(":", 1)[0]
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def is_followable_href(href: str) -> bool:
    href = href.strip()
    return bool(href) and not href.startswith("#") and not href.lower().startswith(_SKIPPED_SCHEMES)


@dataclass(frozen=True, slots=True)
class SourceScope:
    """A source's part of the web: its host, its path prefix and its allow/deny regexes."""

    scheme_host: tuple[str, str]
    path_prefix: str
    allow: tuple[re.Pattern[str], ...]
    deny: tuple[re.Pattern[str], ...]

    @classmethod
    def for_source(cls, source: DocumentationSource) -> SourceScope:
        parts = urlsplit(canonical_url(source.url))
        prefix = parts.path if parts.path.endswith("/") else parts.path.rsplit("/", 1)[0] + "/"
        return cls(
            scheme_host=(parts.scheme, parts.netloc),
            path_prefix=prefix,
            allow=tuple(re.compile(p) for p in source.allow),
            deny=tuple(re.compile(p) for p in source.deny),
        )

    def contains(self, canonical: str) -> bool:
        """Whether a canonical URL is in scope (http and https count as the same host)."""
        parts = urlsplit(canonical)
        if parts.netloc != self.scheme_host[1] or parts.scheme not in ("http", "https"):
            return False
        if not parts.path.startswith(self.path_prefix):
            return False
        if any(p.search(canonical) for p in self.deny):
            return False
        return not self.allow or any(p.search(canonical) for p in self.allow)
