"""The crawl process only routes pages: loading its components must not load scikit-learn or NumPy
(the worker pool does the page work, and the close step imports the build when it runs); a close step
whose technology passes run in build workers only merges their outcomes, without NumPy either."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]

_LOAD_COMPONENTS = """
import json, sys
from scrapy.utils.misc import load_object
from scrapy.utils.project import get_project_settings
settings = get_project_settings()
paths = ["rules_spider.spiders.docs.DocsSpider", *settings.getwithbase("ITEM_PIPELINES"),
         *settings.getwithbase("EXTENSIONS"), *settings.getwithbase("DOWNLOADER_MIDDLEWARES"),
         *settings.getwithbase("SPIDER_MIDDLEWARES"), *settings.get("ADDONS", {})]
loaded = [load_object(p) for p in paths if isinstance(p, str) and p.startswith("rules_spider")]
print(json.dumps({"loaded": len(loaded), "heavy": sorted(m for m in ("sklearn", "scipy", "numpy", "joblib")
                                                          if m in sys.modules)}))
"""


def test_loading_the_crawl_components_imports_no_scikit_learn_or_numpy():
    out = subprocess.run([sys.executable, "-c", _LOAD_COMPONENTS], cwd=PROJECT, capture_output=True, text=True,
                         check=True, timeout=120)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["loaded"] >= 5
    assert result["heavy"] == []


_CLOSE_WITH_WORKERS = """
import json, sys
from pathlib import Path
from scrapy.settings import Settings
from rules_spider.catalog import Catalog, DocumentationSource
from rules_spider.config import RulesConfig
from rules_spider.items import rule_dict
from rules_spider.outputs import build
from rules_spider.outputs.finalize import finalize_run
from tests.test_outputs_fixtures import make_rule

build.PARALLEL_ABOVE_RULES = 0
root = Path(sys.argv[1])
technologies = ["python", "go"]
settings = Settings()
settings.setmodule("rules_spider.settings")
settings.setdict({"RULES_OUTPUT_DIR": str(root / "out"), "RULES_STATE_DIR": str(root / "state"),
                  "RULES_CLOSE_WORKERS": 2, "RULES_FORMATS": "cursor,windsurf"})
part = root / "part.jsonl"
part.write_text("".join(json.dumps(rule_dict(make_rule(technologies[n % 2], f"topic{n}",
                f"Always close the client {n} before the loop ends.", n))) + "\\n" for n in range(60)))
sources = tuple(DocumentationSource(url=f"https://docs.example.org/{t}/", name=t.title(), technology=t)
                for t in technologies)
results = finalize_run(Catalog("close", root / "close.yaml", sources), RulesConfig.from_settings(settings), [part], [])
print(json.dumps({"rules": results.total_rules_generated,
                  "heavy": sorted(m for m in ("sklearn", "scipy", "numpy") if m in sys.modules)}))
"""


def test_a_close_step_with_build_workers_merges_their_outcomes_without_numpy(tmp_path):
    out = subprocess.run([sys.executable, "-c", _CLOSE_WITH_WORKERS, str(tmp_path)], cwd=PROJECT,
                         capture_output=True, text=True, check=True, timeout=300)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"rules": 60, "heavy": []}
