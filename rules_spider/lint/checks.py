"""Checks of one rule file: frontmatter, globs, activation, size, source links, llms.txt lines."""

from __future__ import annotations

import re
from collections.abc import Mapping

from pydantic import ValidationError

from rules_spider.lint.findings import Finding
from rules_spider.lint.frontmatter import Frontmatter, read_frontmatter
from rules_spider.lint.globcheck import glob_problems, split_globs
from rules_spider.lint.markdown import rule_sections
from rules_spider.lint.schemas import GLOB_KEYS, SCHEMAS
from rules_spider.writers.budget import Budget
from rules_spider.writers.memory_file import block_markers

ASSISTANT = {
    "cursor": "Cursor", "windsurf": "Windsurf", "claude_rule": "Claude Code", "copilot": "GitHub Copilot",
    "cline": "Cline", "kiro": "Kiro", "continue": "Continue", "augment": "Augment",
}
# Files read as plain text: frontmatter there is sent to the model as it is.
PLAIN = frozenset({"agents", "gemini", "zed", "junie", "aider", "amazonq", "claude_md", "copilot_repo", "cline_single"})
_BLOCK = re.compile(r"<!-- rules-spider:begin catalog=(\S+) -->")
_LLMS_ITEM = re.compile(r"-\s*\[(?P<title>[^\]]+)\]\((?P<url>[^\)]+)\)(?::\s*(?P<desc>.*))?")
# Codex stops reading AGENTS.md files at project_doc_max_bytes (32 KiB by default) for them all.
CODEX_MAX_BYTES = 32 * 1024
LEGACY_WINDSURF_MAX_CHARS = 6000


class FileChecker:
    """Collects the findings of one file (``path`` is relative to the linted root)."""

    def __init__(self, path: str, kind: str, text: str, ours: bool, budgets: Mapping[str, Budget]) -> None:
        self.path, self.kind, self.text, self.ours, self.budgets = path, kind, text, ours, budgets
        self.findings: list[Finding] = []
        self.front: Frontmatter = read_frontmatter(text)

    def add(self, line: int, severity: str, message: str) -> None:
        self.findings.append(Finding(self.path, line, severity, message))  # type: ignore[arg-type]

    def run(self) -> list[Finding]:
        if self.front.error:
            line, message = self.front.error
            self.add(line, "error", message)
        elif self.kind in SCHEMAS:
            self._schema()
        elif self.front.data and self.kind in PLAIN:
            self.add(1, "warning", "this file is read as plain markdown: its frontmatter reaches the model as text")
        if not self.front.error:
            getattr(self, f"_{self.kind}", lambda: None)()
        self._size()
        self._source_links()
        return self.findings

    # --- frontmatter -------------------------------------------------------
    def _schema(self) -> None:
        data = self.front.data
        schema = SCHEMAS[self.kind]
        if data is None:
            return
        try:
            model = schema.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else ""
                where = f"{key}: " if key else ""
                message = str(error["msg"]).removeprefix("Value error, ")
                self.add(self.front.line_of(key), "error", f"{where}{message}")
            return
        known = ", ".join(schema.model_fields)
        for key in model.model_extra or {}:
            self.add(self.front.line_of(key), "warning", f"unknown key {key!r}; {ASSISTANT[self.kind]} reads {known}")
        if self.kind in GLOB_KEYS:
            self._globs(*GLOB_KEYS[self.kind])

    def _globs(self, key: str, one_string: bool) -> None:
        value = (self.front.data or {}).get(key)
        if value is None:
            return
        line = self.front.line_of(key)
        if one_string and isinstance(value, list):
            self.add(line, "warning", f"{key}: {ASSISTANT[self.kind]} documents ONE comma-separated string, not a list")
        for pattern in split_globs(value, one_string):
            for problem in glob_problems(pattern):
                self.add(line, "error" if "empty" in problem or "unclosed" in problem else "warning", f"{key}: {problem}")

    # --- per kind ----------------------------------------------------------
    def _cursor(self) -> None:
        data = self.front.data
        if data is None:
            self.add(1, "warning", "no frontmatter: Cursor applies this rule only when it is @-mentioned")
            return
        if data.get("alwaysApply") is True and data.get("globs"):
            self.add(self.front.line_of("alwaysApply"), "error", "alwaysApply: true makes Cursor ignore globs; "
                     "set alwaysApply: false to attach by globs")
        if not data.get("description") and not data.get("globs") and data.get("alwaysApply") is not True:
            self.add(1, "warning", "no description, globs or alwaysApply: true; Cursor applies it only when @-mentioned")

    def _cursor_md(self) -> None:
        self.add(1, "error", "Cursor project rules are .mdc files; Cursor does not load this .md (rename it to .mdc)")

    def _cursor_legacy(self) -> None:
        self.add(1, "warning", ".cursorrules is deprecated; move its rules to .cursor/rules/*.mdc")

    def _windsurf(self) -> None:
        if self.front.data is None and not self.front.error:
            self.add(1, "error", "no frontmatter with trigger: Windsurf does not load this rule "
                     "(use trigger: always_on | manual | model_decision | glob)")

    def _windsurf_legacy(self) -> None:
        self.add(1, "warning", ".windsurfrules is the legacy file; move its rules to .windsurf/rules/*.md")
        size = len(self.text.encode("utf-16-le")) // 2
        if size > LEGACY_WINDSURF_MAX_CHARS:
            self.add(1, "error", f"{size:,} characters: Windsurf reads at most {LEGACY_WINDSURF_MAX_CHARS:,} of .windsurfrules")

    def _copilot(self) -> None:
        data = self.front.data or {}
        if not data.get("applyTo"):
            self.add(1, "info", "no applyTo: Copilot applies this file only when it is attached to a request by hand")

    def _copilot_misnamed(self) -> None:
        self.add(1, "error", "Copilot reads only *.instructions.md in .github/instructions/; rename this file")

    def _kiro(self) -> None:
        if self.front.data is None:
            self.add(1, "info", "no frontmatter: Kiro includes this steering file in every interaction")

    def _llms_txt(self) -> None:
        lines = self.text.split("\n")
        if not lines or not lines[0].startswith("# "):
            self.add(1, "error", "llms.txt must start with an H1 title (# Name)")
        in_section = False
        for number, line in enumerate(lines, start=1):
            if line.startswith("## "):
                in_section = True
            elif in_section and line.strip() and not line.startswith("#"):
                match = _LLMS_ITEM.search(line)
                if not match:
                    self.add(number, "error", "not a '- [title](url): note' item; the llms.txt parser fails on it")
                elif "\\" in match.group("title") or "](" in line[match.end() :]:
                    self.add(number, "error", "the llms.txt parser reads a title up to the first ']': "
                             "no brackets or backslash escapes in titles")

    # --- sizes and links ---------------------------------------------------
    def _size(self) -> None:
        limits = {"windsurf": "error", "cursor": "warning", "claude_md": "warning"}
        severity = limits.get(self.kind)
        if severity is None:
            return
        budget = self.budgets.get("claude_md" if self.kind == "claude_md" else self.kind)
        if budget is None or budget.fits(self.text):
            return
        size = Budget(budget.measure(self.text), budget.unit).describe()
        self.add(1, severity, f"{size}: over the {budget.describe()} limit for this file; split it, never cut a rule")

    def _source_links(self) -> None:
        if self.kind in {"llms_txt", "claude_md"} and self.ours:
            return
        body, first = self.front.body, self.front.body_line
        block = _BLOCK.search(body)
        if block:
            begin, end = block_markers(block.group(1))
            start = body.index(begin)
            stop = body.find(end, start)
            first += body[:start].count("\n")
            body = body[start : stop if stop >= 0 else len(body)]
        sections = rule_sections(body, first)
        missing = [s for s in sections if not s.has_link]
        if not missing:
            return
        if self.ours or block:
            for section in missing:
                self.add(section.line, "error", f"rule {section.heading!r} has no source link")
        else:
            self.add(missing[0].line, "warning", f"{len(missing)} of {len(sections)} rules have no source link "
                     f"(first: {missing[0].heading!r})")


def check_file(path: str, kind: str, text: str, ours: bool, budgets: Mapping[str, Budget]) -> list[Finding]:
    return FileChecker(path, kind, text, ours, budgets).run()
