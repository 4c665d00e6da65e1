"""Amazon Q Developer project rules: ``.amazonq/rules/<name>.md``.

Plain markdown (docs.aws.amazon.com/amazonq, "Creating project rules"):
Amazon Q uses every file in the folder as context in the project's chats, so
there is no frontmatter and no scoping; the heading says which source and
files a file is about.
"""

from __future__ import annotations

from rules_spider.writers.rule_dir import RuleDirWriter


class AmazonQWriter(RuleDirWriter):
    name = "amazonq"
    assistant = "Amazon Q Developer"
    directory = ".amazonq/rules"
