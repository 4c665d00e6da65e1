"""The Debian documentation packages the corpus is built from, and the pages each one installs."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

# Files that are not documentation pages: source listings, indexes, search, error pages, template examples.
_NOT_PAGES = re.compile(
    r"/_modules/|/_sources/|/_static/|/_images/|/examples?/|/genindex|/search\.html$|/py-modindex|/np-modindex"
    r"|/404\.html$|/modindex\.html$|/objects\.|/apidoc/lxml\.[\w.]+-module\.html$"
)


@dataclass(frozen=True, slots=True)
class DocSet:
    """One documentation set: a Debian package and the folder its HTML pages are under."""

    name: str
    package: str
    root: str
    technology: str

    def pages(self) -> list[Path]:
        """The set's HTML documentation pages, sorted."""
        root = Path(self.root)
        return sorted(p for p in root.rglob("*.html") if p.is_file() and not _NOT_PAGES.search(str(p)))


DOC_SETS: dict[str, DocSet] = {
    docset.name: docset
    for docset in (
        DocSet("python3.11", "python3.11-doc", "/usr/share/doc/python3.11/html", "python"),
        DocSet("django", "python-django-doc", "/usr/share/doc/python-django-doc/html", "python"),
        DocSet("celery", "python-celery-doc", "/usr/share/doc/python-celery-doc/html", "python"),
        DocSet("jinja2", "python-jinja2-doc", "/usr/share/doc/python-jinja2-doc/html", "python"),
        DocSet("lxml", "python-lxml-doc", "/usr/share/doc/python-lxml/html", "python"),
        DocSet("click", "python-click-doc", "/usr/share/doc/python-click-doc/html", "python"),
        DocSet("pytest", "python-pytest-doc", "/usr/share/doc/python-pytest-doc/html", "python"),
        DocSet("scrapy", "python-scrapy-doc", "/usr/share/doc/python-scrapy-doc/html", "python"),
        DocSet("tornado", "python-tornado-doc", "/usr/share/doc/python-tornado-doc/html", "python"),
        DocSet("git", "git-doc", "/usr/share/doc/git-doc", "git"),
        DocSet("cmake", "cmake-doc", "/usr/share/doc/cmake-data/html", "cmake"),
        DocSet("golang", "golang-1.19-doc", "/usr/share/doc/golang-1.19-doc/html", "go"),
    )
}


@cache
def installed_version(package: str) -> str | None:
    """The installed version of a Debian package, or None when it is not installed."""
    try:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}\t${Version}", package], capture_output=True, text=True, check=False
        )
    except FileNotFoundError:  # not a Debian system
        return None
    status, _, version = result.stdout.partition("\t")
    return version if result.returncode == 0 and status.endswith(" installed") else None
