from __future__ import annotations

from types import SimpleNamespace

from rules_spider.accounting import SourceBook
from rules_spider.progress import format_progress, format_summary


class _Stats:
    def __init__(self, values):
        self.values = dict(values)

    def get_stats(self):
        return self.values

    def get_value(self, key, default=None):
        return self.values.get(key, default)

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count

    def set_value(self, key, value):
        self.values[key] = value


def test_progress_and_summary_tables():
    stats = _Stats({"source/A/pages": 40, "source/A/rules": 90, "source/B/pages": 0, "source/A/dropped/empty": 2})
    book = SourceBook(SimpleNamespace(stats=stats), ["A", "B"])
    book.fail("B", "start URL http://b/: dns")
    spider = SimpleNamespace(
        sources=[SimpleNamespace(name="A"), SimpleNamespace(name="B")],
        page_caps={"A": 100, "B": 100},
        state={"scheduled": {"A": 100, "B": 1}},
        book=book,
    )
    progress = format_progress(spider, stats.get_stats(), elapsed=20.0).splitlines()
    assert progress[0].split() == ["source", "pages", "rules", "rate", "eta"]
    assert progress[1].split() == ["A", "40/100", "90", "2.0/s", "30s"]
    assert progress[2].split() == ["B", "0/100", "0", "0.0/s", "failed"]
    summary = format_summary(book)
    assert "A  " in summary and "FAILED: start URL http://b/: dns" in summary
    assert summary.splitlines()[1].split()[:5] == ["A", "40", "90", "2", "0"]
