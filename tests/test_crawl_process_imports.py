"""The crawl process only routes pages: loading its components must not load scikit-learn or NumPy
(the worker pool does the page work, and the close step imports the build when it runs)."""

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
