"""One configuration: every RULES_* default in settings.py, parsed once, found through Scrapy's component lookup."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_twisted import ensureDeferred
from scrapy.settings import Settings

from rules_spider import settings as project_settings
from rules_spider.addon import RulesAddon
from rules_spider.config import RulesConfig
from rules_spider.extensions.build_outputs import BuildOutputsOnClose
from rules_spider.extensions.progress import ProgressLog
from rules_spider.learning.engine import SelfImprovingEngine
from rules_spider.pipelines.page_rules import PageRulesPipeline
from rules_spider.pipelines.rules_store import RulesStorePipeline
from rules_spider.workers import PagePool
from tests.crawling import run_crawl


@ensureDeferred
async def test_progress_interval_zero_crawls_without_progress_and_components_share_one_config(
    docs_server, write_catalog, tmp_path: Path
):
    catalog = write_catalog(
        f"sources:\n  - url: {docs_server.url('/sphinx/')}\n    name: Pyrite\n    technology: python\n"
        "    max_pages: 4\n    deny: ['changelog']\n"
    )
    out = tmp_path / "out"
    result = await run_crawl(
        {"RULES_PROGRESS_INTERVAL": 0, "RULES_OUTPUT_DIR": str(out), "RULES_REPORT": False}, catalog=str(catalog)
    )
    crawler = result.crawler
    assert result.stats["finish_reason"] == "finished"
    assert (out / "fixture" / "rules.jsonl").is_file()
    progress = crawler.get_extension(ProgressLog)
    assert progress is not None and progress.interval == 0 and progress._task is None

    config = crawler.get_addon(RulesAddon).config
    assert config.progress_interval == 0 and config.output_dir == out
    assert crawler.get_item_pipeline(RulesStorePipeline).config is config
    assert crawler.get_extension(BuildOutputsOnClose).config is config
    pool = crawler.get_extension(PagePool)
    assert pool is not None
    assert crawler.get_item_pipeline(PageRulesPipeline).pool is pool
    assert not [name for name in vars(crawler) if name.startswith("_rules")]


def test_missing_settings_take_the_defaults_of_settings_py(monkeypatch, tmp_path: Path):
    monkeypatch.setattr(project_settings, "RULES_OUTPUT_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setattr(project_settings, "RULES_MAX_CLUSTERS", 3)
    monkeypatch.setattr(project_settings, "RULES_MIN_FEEDBACK_SIGNALS", 7)
    config = RulesConfig.from_settings(Settings())
    assert config.output_dir == tmp_path / "elsewhere"
    assert config.state_dir == tmp_path / "elsewhere" / "state"
    assert config.catalog_dir("My Docs") == (tmp_path / "elsewhere" / "my-docs").resolve()
    assert config.max_clusters == 3
    with SelfImprovingEngine.from_settings(Settings()) as engine:
        assert engine.state_dir == tmp_path / "elsewhere" / "state"
        assert engine.config.min_feedback_signals == 7
    # A value given in the settings wins over the default, whatever its priority.
    assert RulesConfig.from_settings(Settings({"RULES_MAX_CLUSTERS": "5"})).max_clusters == 5


def test_engine_threshold_is_the_crawls_rule_threshold(tmp_path: Path):
    with SelfImprovingEngine(state_dir=tmp_path / "a") as engine:
        assert engine.config.rule_threshold is project_settings.RULES_RULE_THRESHOLD is None
        assert engine.threshold == engine.current_model().card.threshold  # the model's own
    settings = Settings({"RULES_STATE_DIR": str(tmp_path / "b"), "RULES_RULE_THRESHOLD": "0.45"})
    with SelfImprovingEngine.from_settings(settings) as engine:
        assert engine.config.rule_threshold == engine.threshold == 0.45


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"RULES_OUTPUT_DIR": ""}, "RULES_OUTPUT_DIR must not be empty"),
        ({"RULES_PROGRESS_INTERVAL": -1}, "progress_interval"),
        ({"RULES_PROCESS_WORKERS": -2}, "RULES_PROCESS_WORKERS"),
        ({"RULES_FORMATS": "cursor,nope"}, "unknown format"),
        # One bound on LLM calls: the pipeline's, set by RULES_LLM_MAX_CONCURRENT.
        ({"RULES_GENERATOR_CONFIG": '{"max_concurrent": 8}'}, "set RULES_LLM_MAX_CONCURRENT"),
    ],
)
def test_bad_settings_name_the_setting(settings, message):
    with pytest.raises(ValueError, match=message):
        RulesConfig.from_settings(Settings(settings))
