"""A light base install: what the default path imports, and a clear error naming the extra when a run needs one."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from rules_spider.generation.registry import MissingExtraError, make_generator

ROOT = Path(__file__).parent.parent


def test_the_base_install_has_no_browser_cloud_sdk_or_model_runtime():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    base = " ".join(project["dependencies"])
    for heavy in ("playwright", "boto3", "transformers", "torch", "mcp", "uvicorn"):
        assert heavy not in base, heavy
    extras = project["optional-dependencies"]
    assert any("scrapy-playwright" in d for d in extras["js"])
    assert any("boto3" in d for d in extras["bedrock"])
    assert any("transformers" in d for d in extras["local-llm"])


def test_a_default_crawl_process_imports_none_of_them():
    code = ("import sys; import rules_spider.settings, rules_spider.spiders.docs, rules_spider.pipelines.page_rules, "
            "rules_spider.pipelines.generation, rules_spider.page_rules; "
            "print(sorted(m for m in ('boto3', 'transformers', 'torch', 'playwright', 'scrapy_playwright') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout
    assert out.strip() == "[]"


@pytest.mark.parametrize(("generator", "module", "extra"), [("bedrock", "boto3", "bedrock"),
                                                           ("transformers", "transformers", "local-llm")])
def test_a_generator_without_its_extra_names_the_extra(monkeypatch, tmp_path, generator, module, extra):
    monkeypatch.setitem(sys.modules, module, None)  # importing it now raises ImportError
    for name in [m for m in sys.modules if m.startswith(f"rules_spider.generation.{generator}")]:
        monkeypatch.delitem(sys.modules, name)
    (tmp_path / "config.json").write_text("{}")
    config = {"model_path": str(tmp_path)} if generator == "transformers" else {}
    with pytest.raises(MissingExtraError, match=rf"pip install 'rules-spider\[{extra}\]'"):
        make_generator(generator, config)
