"""What is not documentation: navigation, chrome, banners, widgets.

``is_boilerplate`` is asked about every element the walker meets, so it only
looks at the element's own tag and attributes (plus, for a few tags, whether a
heading sits inside).
"""

from __future__ import annotations

import re

from lxml import etree

from rules_spider.extraction.admonitions import admonition_kind

# Dropped wherever they appear.
NOISE_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed",
        "audio", "video", "map", "button", "input", "select", "textarea", "label", "option",
        "nav", "footer", "dialog", "link", "meta", "head", "title",
    }
)

# Theme chrome, by class: Sphinx (alabaster, RTD, furo, pydata), MkDocs (Material,
# readthedocs, bootstrap), Docusaurus, VitePress, Hugo, GitBook-like layouts.
NOISE_CLASSES = frozenset(
    {
        # Sphinx
        "sphinxsidebar", "sphinxsidebarwrapper", "related", "toctree-wrapper", "headerlink",
        "viewcode-link", "viewcode-back", "code-block-caption", "rst-versions", "rst-footer-buttons",
        "wy-nav-side", "wy-breadcrumbs", "wy-breadcrumbs-aside", "sidebar-drawer", "toc-drawer",
        "related-pages", "bd-sidebar", "bd-sidebar-primary", "bd-sidebar-secondary", "bd-toc",
        "bd-header", "bd-footer", "prev-next-area", "prev-next-footer", "copybtn", "copybutton",
        "linenos", "linenodiv", "lineno", "highlight-caption", "skip-link", "back-to-top",
        "edit-this-page", "searchbox",
        # MkDocs Material / readthedocs / bootstrap themes
        "md-sidebar", "md-header", "md-footer", "md-footer-meta", "md-nav", "md-tabs", "md-search",
        "md-source", "md-source-file", "md-content__button", "md-clipboard", "md-top", "md-dialog",
        "md-banner", "md-skip", "md-feedback", "md-consent", "tabbed-labels", "filename",
        "bs-sidebar", "navbar", "navbar-header", "modal", "rst-content-footer",
        # Docusaurus / VitePress / GitBook / Hugo
        "theme-doc-sidebar-container", "theme-doc-toc-desktop", "theme-doc-toc-mobile",
        "theme-doc-breadcrumbs", "theme-doc-footer", "theme-edit-this-page", "theme-last-updated",
        "theme-doc-version-badge", "theme-doc-version-banner", "pagination-nav", "hash-link",
        "table-of-contents", "header-anchor", "anchor-link", "anchorjs-link", "edit-link",
        "VPDocFooter", "VPLocalNav", "VPSidebar", "VPNav", "td-sidebar", "td-toc", "td-page-meta",
        "page-meta", "last-updated", "breadcrumb", "breadcrumbs", "pagination", "pager",
        "sidebar", "toc", "site-nav", "site-header", "site-footer", "skip-to-content",
        "sr-only", "visually-hidden", "screen-reader-text", "announcement", "announcement-bar",
        "feedback", "was-this-helpful", "share-buttons", "social",
    }
)

NOISE_IDS = frozenset(
    {
        "sidebar", "toc", "navigation", "nav", "navbar", "header", "footer", "breadcrumbs",
        "searchbox", "search", "skip-link", "table-of-contents", "on-this-page", "__consent",
        "mkdocs_search_modal", "readthedocs-ea", "rtd-footer-container", "announcement",
    }
)

NOISE_ROLES = frozenset(
    {"navigation", "banner", "contentinfo", "search", "complementary", "doc-toc", "dialog", "menu",
     "menubar", "toolbar", "tablist", "alertdialog"}
)

# Consent/cookie banners and injected ads, whatever a theme calls them.
NOISE_PATTERN = re.compile(r"cookie|consent|gdpr|ethical-?ads?|advert|sponsor|newsletter", re.IGNORECASE)

# Link texts that only ever label site chrome.
CHROME_LINK_TEXTS = frozenset(
    {
        "edit this page", "edit on github", "edit on gitlab", "edit on bitbucket", "view page source",
        "show source", "view source", "page source", "improve this page", "suggest an edit",
        "edit page", "skip to content", "skip to main content", "skip to navigation", "back to top",
        "scroll to top", "report an issue with this page", "open an issue",
    }
)
ANCHOR_GLYPHS = frozenset({"¶", "#", "§", "🔗", "link", "permalink", "\uf0c1"})

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_TITLE_ID_TAGS = frozenset(_HEADINGS + ("section", "article", "dt", "span"))
_WS = re.compile(r"\s+")


def class_tokens(el: etree._Element) -> list[str]:
    cls = el.get("class")
    return cls.split() if cls else []


def is_boilerplate(el: etree._Element) -> bool:
    """True when ``el`` (and everything inside it) is site chrome, not content."""
    tag = el.tag
    if not isinstance(tag, str):
        return True
    if tag in NOISE_TAGS:
        return True
    attrib = el.attrib
    if attrib:
        if "hidden" in attrib and attrib.get("role") != "tabpanel":
            return True
        if attrib.get("aria-hidden") == "true":
            return True
        role = attrib.get("role")
        if role and role in NOISE_ROLES:
            return True
        cls = attrib.get("class")
        tokens = cls.split() if cls else ()
        for token in tokens:
            if token in NOISE_CLASSES:
                return True
            # "admonition-cookie-policy" is a titled admonition, not a banner.
            if NOISE_PATTERN.search(token) and not token.startswith("admonition"):
                return True
        ident = attrib.get("id")
        # Headings and sections get ids from their titles ("Cookies", "Search"): content.
        if ident and tag not in _TITLE_ID_TAGS and "section" not in tokens:
            if ident.lower() in NOISE_IDS or NOISE_PATTERN.search(ident):
                return True
        style = attrib.get("style")
        if style and "none" in style and _WS.sub("", style).lower().find("display:none") >= 0:
            return True
    if tag == "a":
        return _is_chrome_link(el)
    if tag == "aside":
        return admonition_kind(el) is None
    if tag in ("header", "form"):
        # An article's own <header> holds its title; a site header holds none.
        return next(el.iterdescendants(_HEADINGS), None) is None
    return False


def _is_chrome_link(el: etree._Element) -> bool:
    text = _WS.sub(" ", "".join(el.itertext())).strip().lower()
    if el.get("href", "").startswith("#") and text in ANCHOR_GLYPHS:
        return True
    return text in CHROME_LINK_TEXTS
