"""Scrapy settings for rules-spider, and every RULES_* default.

Scrapy's own settings come first; the project's RULES_* settings follow,
grouped by the stage that reads them. Override any of them with
``-s NAME=value`` or in a ``custom_settings`` block.
"""

BOT_NAME = "rules_spider"
SPIDER_MODULES = ["rules_spider.spiders"]
NEWSPIDER_MODULE = "rules_spider.spiders"
COMMANDS_MODULE = "rules_spider.commands"

# --- Politeness -------------------------------------------------------------
# Identify ourselves; documentation hosts see who is crawling them.
USER_AGENT = "rules-spider/0.1 (+https://github.com/rules-spider/rules-spider)"
ROBOTSTXT_OBEY = True
# RULES_MAX_CONCURRENT is mapped onto CONCURRENT_REQUESTS (whole crawl) and
# CONCURRENT_REQUESTS_PER_DOMAIN (at most RULES_MAX_CONCURRENT_PER_DOMAIN) by
# rules_spider.addon.RulesAddon; set those Scrapy settings directly to override.
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
# Average parallel requests per documentation host once AutoThrottle settles.
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_DELAY = 0
DOWNLOAD_TIMEOUT = 30
# Documentation pages are small; anything bigger is not a page worth parsing.
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024
DOWNLOAD_WARNSIZE = 4 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
# A page that still fails after its retries is counted per source (source/<name>/errors/<reason>)
# and the crawl goes on: a warning, not an error. Scrapy 2.19 retries 429/503 at once and does
# not wait for a Retry-After header.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
COOKIES_ENABLED = False
# A docs page yields one item and dozens of sidebar links; Scrapy's default of 100 makes a task
# for each output of a response. 16 measured 39 s -> 28 s on a spider-only loopback crawl.
CONCURRENT_ITEMS = 16
TELNETCONSOLE_ENABLED = False

# Crawl breadth-first within a source so max_pages keeps the shallowest pages.
DEPTH_PRIORITY = 1
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"

# HTTP cache: off by default; RULES_HTTP_CACHE=1 (or HTTPCACHE_ENABLED=1) turns it on.
# HTTPCACHE_ENABLED itself is left unset here so the add-on's mapping can apply.
HTTPCACHE_DIR = "httpcache"
HTTPCACHE_EXPIRATION_SECS = 0
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]
HTTPCACHE_POLICY = "scrapy.extensions.httpcache.DummyPolicy"

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

ADDONS = {"rules_spider.addon.RulesAddon": 0}

ITEM_PIPELINES = {
    "rules_spider.pipelines.page_rules.PageRulesPipeline": 100,
    "rules_spider.pipelines.generation.RuleGenerationPipeline": 300,
    "rules_spider.pipelines.quality.QualityPipeline": 400,
    "rules_spider.pipelines.rules_store.RulesStorePipeline": 500,
}

EXTENSIONS = {
    # The worker processes the page pipelines run their CPU work in (RULES_PROCESS_WORKERS).
    "rules_spider.workers.PagePool": 100,
    "rules_spider.extensions.progress.ProgressLog": 110,
    "rules_spider.extensions.build_outputs.BuildOutputsOnClose": 500,
}

# --- Crawl scope (RULES_*) -------------------------------------------------
# Catalogs are looked up by name here when -a catalog= is not a path.
RULES_CATALOG_DIRS: list[str] = []
RULES_MAX_PAGES_PER_SOURCE = 200
RULES_MAX_DEPTH = 6
# Distinct query strings followed per path of a source (?page=2&sort=a ...); more are
# counted as source/<name>/capped/query_variants. URLs over URLLENGTH_LIMIT are not followed.
RULES_MAX_QUERY_VARIANTS = 20
RULES_MAX_CONCURRENT = 16
RULES_MAX_CONCURRENT_PER_DOMAIN = 4
RULES_HTTP_CACHE = False
# scrapy-playwright, used only when a selected source has render: js.
RULES_CHROMIUM_PATH = "/usr/bin/chromium"
RULES_PLAYWRIGHT_WAIT_SELECTOR = ""
RULES_PLAYWRIGHT_TIMEOUT_MS = 20000

# --- Extraction ------------------------------------------------------------
# Processes that turn pages into rules beside the crawl: "auto" = the CPU count, 0 = inline.
RULES_PROCESS_WORKERS = "auto"

# --- Generation ------------------------------------------------------------
RULES_GENERATOR = "extractive"  # extractive | bedrock | transformers | openai
RULES_GENERATOR_CONFIG: dict = {}
RULES_LLM_CACHE_DIR = ""  # default: <RULES_STATE_DIR>/llm_cache
RULES_LLM_MAX_CONCURRENT = 4
# Rules are selected by the rule model's probability; this is only a safety bound for pathological
# pages (a page's rules beyond it are counted as rules/dropped/over_page_bound).
RULES_MAX_RULES_PER_PAGE = 200
# Units an LLM generator sees: those the rule model gives at least this probability of being guidance.
RULES_LLM_CANDIDATE_THRESHOLD = 0.3
# Page kinds (units.page_kind) whose pages yield no rules. Contributing guides (patch etiquette, code
# review, bug reports, the project's own coding style) speak to the project's developers, not to code
# that uses it: in the labeled corpus 4 of their 401 units are guidance, and the rule model's held-out
# picks on them were right once in 35.
RULES_SKIP_PAGE_KINDS: list[str] = ["contributing"]

# --- Rule model ------------------------------------------------------------
# P(guidance) a unit needs to become a rule (and a rule to keep after its feedback adjustment).
# None: the threshold the model card records, chosen by cross-validation (F1 on held-out sets).
RULES_RULE_THRESHOLD: float | None = None
# Use the rule model retrained in RULES_STATE_DIR (scrapy feedback --retrain) when there is one;
# False: always the model shipped in the package.
RULES_USE_LEARNED_MODEL = True
# A reranker folder made by `rules-spider-corpus train-reranker` (needs the local-llm extra): a fine-tuned
# sentence encoder rescores the units the rule model finds plausible, and the mean of both probabilities
# selects rules at the reranker's own threshold (RULES_RULE_THRESHOLD, when set, applies to that mean).
# Empty: off.
RULES_RERANKER = ""

# --- Feedback and the learned quality model (rules_spider.learning) ------
RULES_FEEDBACK_WINDOW_HOURS = 168
# Signals a rule needs in the window before its mean becomes a label (>= 0.5: keep, else not).
RULES_MIN_FEEDBACK_SIGNALS = 5
# Labeled units (rated rules, review decisions, MCP outcomes) needed before the model is refitted.
RULES_MIN_USER_LABELS = 10
# One user label weighs as much as this many corpus units in the refit: a user's judgements are about the
# documentation they crawl, and a few of them must move the model there (tests/test_review_loop.py: 7
# labels at 50 take every rule of the rejected kind out of the next crawl, 5 and 20 leave some in).
RULES_USER_LABEL_WEIGHT = 50.0
RULES_FEEDBACK_LEARNING_RATE = 0.1
RULES_MODEL_UPDATE_INTERVAL_HOURS = 24

# --- Output ----------------------------------------------------------------
RULES_OUTPUT_DIR = "output"
RULES_STATE_DIR = ""  # default: <RULES_OUTPUT_DIR>/state
RULES_FORMATS = ["cursor", "windsurf"]
# One writer per target, each in its own module; `-a formats=all` means every one of them.
RULES_WRITERS = {
    "cursor": "rules_spider.writers.cursor.CursorWriter",
    "windsurf": "rules_spider.writers.windsurf.WindsurfWriter",
    "agents": "rules_spider.writers.agents.AgentsWriter",
    "claude": "rules_spider.writers.claude.ClaudeWriter",
    "copilot": "rules_spider.writers.copilot.CopilotWriter",
    "cline": "rules_spider.writers.cline.ClineWriter",
    "kiro": "rules_spider.writers.kiro.KiroWriter",
    "continue": "rules_spider.writers.continue_rules.ContinueWriter",
    "gemini": "rules_spider.writers.gemini.GeminiWriter",
    "zed": "rules_spider.writers.zed.ZedWriter",
    "junie": "rules_spider.writers.junie.JunieWriter",
    "amazonq": "rules_spider.writers.amazonq.AmazonQWriter",
    "augment": "rules_spider.writers.augment.AugmentWriter",
    "aider": "rules_spider.writers.aider.AiderWriter",
    "llms_txt": "rules_spider.writers.llms_txt.LlmsTxtWriter",
}
# Size budget of each target's files: "<n> chars" (UTF-16 code units), "<n> bytes", "<n> KiB"
# or "<n> lines". A rule is never cut: over budget, files are split by cluster where the
# target reads a directory, else rules are packed by priority and the rest left out.
RULES_BUDGET_DEFAULT = "12000 chars"
RULES_BUDGET_CURSOR = "500 lines"  # Cursor: keep each rule under 500 lines
RULES_BUDGET_WINDSURF = "12000 chars"  # Windsurf: workspace rule file limit
RULES_BUDGET_AGENTS = "12 KiB"  # share of Codex's 32 KiB for ALL AGENTS.md files together
RULES_BUDGET_CLAUDE_MD = "200 lines"  # Claude Code: keep CLAUDE.md under 200 lines
RULES_BUDGET_LLMS_TXT = "64 KiB"
# Rule ids packed first whatever their score (then model probability, then category).
RULES_PINNED_RULES: list[str] = []
# Output tree: one file per "cluster" (default) or per "source" of a technology.
RULES_TREE_GROUP_BY = "cluster"
# export-rules: one file per "source" (default) or per "cluster" of a technology.
RULES_EXPORT_GROUP_BY = "source"
# export-rules -a detect=1: dependency name -> source name, for packages not named like the source.
RULES_DETECT_ALIASES: dict[str, str] = {}
RULES_MAX_CLUSTERS = 8
RULES_CLUSTER_RANDOM_STATE = 42
RULES_BUILD_ON_CLOSE = True
RULES_REPORT = True
# Processes a big build (over 20,000 rules) runs its per-technology passes in, one technology each:
# "auto" = the CPU count (1 CPU: none), 0 = all in the building process.
RULES_CLOSE_WORKERS = "auto"

# --- Progress --------------------------------------------------------------
# Seconds between per-source progress logs; 0 switches them off.
RULES_PROGRESS_INTERVAL = 30.0

# --- Distributed -----------------------------------------------------------
# A redis:// URL switches scheduler and dupefilter to scrapy-redis.
RULES_REDIS_URL = ""
