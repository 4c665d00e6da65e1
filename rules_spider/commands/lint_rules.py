"""``scrapy lint-rules PATH``: check a project's rule files for every supported assistant.

    scrapy lint-rules .            # or any project directory
    scrapy lint-rules . --strict   # warnings fail too

Prints ``file:line: severity: message`` for each finding (see
``rules_spider.lint``) and exits 1 when there is an error (or, with
``--strict``, a warning). Works inside and outside a Scrapy project, so
other repositories can run it from pre-commit (``.pre-commit-hooks.yaml``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError


class Command(ScrapyCommand):
    requires_project = False
    requires_crawler_process = False
    default_settings = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[PATH] [--strict]"

    def short_desc(self) -> str:
        return "Check rule files for Cursor, Windsurf, Claude Code, Copilot, AGENTS.md and the other assistants"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument("--strict", action="store_true", help="exit 1 on warnings as well as errors")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        from rules_spider.lint.runner import lint_path
        from rules_spider.writers.budget import BudgetError, budgets_from, default_budgets

        if len(args) > 1:
            raise UsageError("lint-rules takes one PATH (a project directory)")
        root = Path(args[0] if args else ".")
        if not root.is_dir():
            raise UsageError(f"{root} is not a directory", print_help=False)
        assert self.settings is not None
        try:
            names = [k for k in self.settings.attributes if str(k).startswith("RULES_BUDGET_")]
            budgets = {**default_budgets(), **budgets_from({k: self.settings.get(k) for k in names})}
        except BudgetError as exc:
            raise UsageError(str(exc), print_help=False) from None
        findings = lint_path(root, budgets)
        for finding in findings:
            print(finding)
        errors = sum(1 for f in findings if f.severity == "error")
        warnings = sum(1 for f in findings if f.severity == "warning")
        print(f"{errors} errors, {warnings} warnings", file=sys.stderr)
        if errors or (opts.strict and warnings):
            self.exitcode = 1
