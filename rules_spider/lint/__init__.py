"""``scrapy lint-rules``: check a project's rule files for every supported assistant.

``files`` finds the rule files and says which assistant reads each one,
``frontmatter`` parses a file's frontmatter keeping line numbers,
``schemas`` holds each assistant's frontmatter keys, types and allowed
values, ``checks`` the checks of one file, ``project`` the checks across
files (the same rule twice for one assistant, AGENTS.md chains), and
``runner`` puts them together.
"""
