from __future__ import annotations

import json
import threading

from rules_spider.generation.llm_cache import LlmCache, cache_key


def test_key_changes_with_each_part():
    base = ("bedrock", "amazon.nova-lite-v1:0", "v1", "abc")
    keys = {cache_key(*base)}
    for i in range(4):
        changed = list(base)
        changed[i] += "x"
        keys.add(cache_key(*changed))
    assert len(keys) == 5
    assert cache_key(*base) == cache_key(*base)
    assert len(cache_key(*base)) == 64


def test_round_trip_one_file_per_key(tmp_path):
    cache = LlmCache(tmp_path / "cache")
    key = cache_key("openai", "m", "v1", "page")
    assert cache.get(key) is None
    cache.put(key, {"rules": [{"title": "t"}]})
    assert cache.get(key) == {"rules": [{"title": "t"}]}
    files = [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert files == [cache.path_for(key)]
    assert json.loads(files[0].read_text())["key"] == key


def test_unreadable_or_foreign_files_are_misses(tmp_path):
    cache = LlmCache(tmp_path)
    key = cache_key("openai", "m", "v1", "page")
    cache.path_for(key).parent.mkdir(parents=True)
    cache.path_for(key).write_text("{not json")
    assert cache.get(key) is None
    cache.path_for(key).write_text(json.dumps({"format": 999, "payload": {}}))
    assert cache.get(key) is None


def test_concurrent_writers_leave_one_whole_file(tmp_path):
    cache = LlmCache(tmp_path)
    key = cache_key("openai", "m", "v1", "page")
    payloads = [{"rules": [], "writer": i, "pad": "p" * 20_000} for i in range(8)]
    threads = [threading.Thread(target=cache.put, args=(key, p)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get(key) in payloads
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{key}.json"]
