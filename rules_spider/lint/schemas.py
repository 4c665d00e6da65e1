"""Each assistant's frontmatter: keys, types, allowed values, and the keys one value needs.

Unknown keys are kept (``extra="allow"``) and reported as warnings: the
assistant ignores them, which is usually a typo. Types are strict: the
string ``"true"`` is not ``alwaysApply: true``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, StrictBool, StrictStr, model_validator

Globs = StrictStr | list[StrictStr]


class _Frontmatter(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class CursorFrontmatter(_Frontmatter):
    description: StrictStr | None = None
    globs: Globs | None = None
    alwaysApply: StrictBool | None = None


class WindsurfFrontmatter(_Frontmatter):
    trigger: Literal["always_on", "manual", "model_decision", "glob"]
    globs: Globs | None = None
    description: StrictStr | None = None

    @model_validator(mode="after")
    def _needs(self) -> WindsurfFrontmatter:
        if self.trigger == "glob" and not self.globs:
            raise ValueError("trigger: glob needs globs (Windsurf never loads the file otherwise)")
        if self.trigger == "model_decision" and not self.description:
            raise ValueError("trigger: model_decision needs a description (the model decides by it)")
        return self


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

    @model_validator(mode="after")
    def _needs(self) -> KiroFrontmatter:
        if self.inclusion == "fileMatch" and not self.fileMatchPattern:
            raise ValueError("inclusion: fileMatch needs fileMatchPattern")
        if self.inclusion == "auto" and not self.description:
            raise ValueError("inclusion: auto needs a description (Kiro matches requests against it)")
        return self


class ContinueFrontmatter(_Frontmatter):
    name: StrictStr | None = None
    globs: Globs | None = None
    regex: Globs | None = None
    description: StrictStr | None = None
    alwaysApply: StrictBool | None = None


class AugmentFrontmatter(_Frontmatter):
    type: Literal["always_apply", "agent_requested", "manual"] = "always_apply"
    description: StrictStr | None = None

    @model_validator(mode="after")
    def _needs(self) -> AugmentFrontmatter:
        if self.type == "agent_requested" and not self.description:
            raise ValueError("type: agent_requested needs a description (the agent attaches the rule by it)")
        return self


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
