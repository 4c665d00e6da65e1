"""Each assistant's frontmatter: keys, types, allowed values, and the keys one value needs.

Unknown keys are kept (``extra="allow"``) and reported as warnings: the
assistant ignores them, which is usually a typo. Types are strict: the
string ``"true"`` is not ``alwaysApply: true``.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, model_validator

Globs = StrictStr | list[StrictStr]


class _Frontmatter(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    # (key, value, the key that value needs, why the assistant needs it)
    requires: ClassVar[tuple[tuple[str, str, str, str], ...]] = ()

    @model_validator(mode="after")
    def _needs(self) -> _Frontmatter:
        for key, value, needed, why in self.requires:
            if getattr(self, key) == value and not getattr(self, needed):
                raise ValueError(f"{key}: {value} needs {needed} ({why})")
        return self


class CursorFrontmatter(_Frontmatter):
    description: StrictStr | None = None
    globs: Globs | None = None
    alwaysApply: StrictBool | None = None


class WindsurfFrontmatter(_Frontmatter):
    trigger: Literal["always_on", "manual", "model_decision", "glob"]
    globs: Globs | None = None
    description: StrictStr | None = None
    requires = (
        ("trigger", "glob", "globs", "Windsurf never loads the file otherwise"),
        ("trigger", "model_decision", "description", "the model decides by it"),
    )


class ClaudeRuleFrontmatter(_Frontmatter):
    paths: Globs | None = None
    description: StrictStr | None = None


class CopilotFrontmatter(_Frontmatter):
    applyTo: StrictStr | None = None
    description: StrictStr | None = None
    name: StrictStr | None = None
    excludeAgent: Literal["code-review", "coding-agent"] | None = None


class ClineFrontmatter(_Frontmatter):
    paths: list[StrictStr] | None = None
    description: StrictStr | None = None


class KiroFrontmatter(_Frontmatter):
    inclusion: Literal["always", "fileMatch", "manual", "auto"] = "always"
    fileMatchPattern: Globs | None = None
    name: StrictStr | None = None
    description: StrictStr | None = None
    requires = (
        ("inclusion", "fileMatch", "fileMatchPattern", "Kiro includes the file for those paths"),
        ("inclusion", "auto", "description", "Kiro matches requests against it"),
    )


class ContinueFrontmatter(_Frontmatter):
    name: StrictStr | None = None
    globs: Globs | None = None
    regex: Globs | None = None
    description: StrictStr | None = None
    alwaysApply: StrictBool | None = None


class AugmentFrontmatter(_Frontmatter):
    type: Literal["always_apply", "agent_requested", "manual"] = "always_apply"
    description: StrictStr | None = None
    requires = (("type", "agent_requested", "description", "the agent attaches the rule by it"),)


SCHEMAS: dict[str, type[_Frontmatter]] = {
    "cursor": CursorFrontmatter,
    "windsurf": WindsurfFrontmatter,
    "claude_rule": ClaudeRuleFrontmatter,
    "copilot": CopilotFrontmatter,
    "cline": ClineFrontmatter,
    "kiro": KiroFrontmatter,
    "continue": ContinueFrontmatter,
    "augment": AugmentFrontmatter,
}
# Where each schema's globs live, and whether the assistant wants ONE comma-separated string.
GLOB_KEYS: dict[str, tuple[str, bool]] = {
    "cursor": ("globs", True),
    "windsurf": ("globs", False),
    "claude_rule": ("paths", False),
    "copilot": ("applyTo", True),
    "cline": ("paths", False),
    "kiro": ("fileMatchPattern", False),
    "continue": ("globs", False),
}
