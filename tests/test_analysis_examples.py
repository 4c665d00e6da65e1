"""Choosing a rule's code example and describing what an example is for."""

from __future__ import annotations

import pytest

from rules_spider.analysis.examples import abbreviated_call, example_goal, nearest_example
from rules_spider.items import Block, Section


def _section(*blocks: Block) -> Section:
    return Section("Usage", 2, ["Usage"], list(blocks))


def test_nearest_block_naming_the_subject_wins() -> None:
    section = _section(
        Block("code", "client.close()"),  # 0
        Block("paragraph", "Always call Client.close()."),  # 1
        Block("code", "client = Client()"),  # 2
        Block("code", "client.close()  # later"),  # 3
    )
    example = nearest_example(section, 1, ["Client.close()"], introduces_code=False)
    assert example is not None and example.text == "client.close()"  # distance 1 before beats distance 2 after


def test_block_after_a_sentence_that_introduces_code() -> None:
    section = _section(Block("paragraph", "Configure it as follows:"), Block("code", "[tool.x]\na = 1", "toml"))
    assert nearest_example(section, 0, [], introduces_code=True) is section.blocks[1]
    assert nearest_example(section, 0, [], introduces_code=False) is None


def test_whole_programs_are_not_examples() -> None:
    section = _section(Block("paragraph", "Use Client."), Block("code", "Client()\n" * 80))
    assert nearest_example(section, 0, ["Client"], introduces_code=True) is None


@pytest.mark.parametrize(
    ("sentence", "goal"),
    [
        ("To create a client for one API, pass its base URL:", "create a client for one API"),
        ("The following snippet shows how to stream responses:", "stream responses"),
        ("Run the development server to preview the docs locally:", "preview the docs locally"),
        ("Here it is:", None),
        ("The solution is to wrap the call:", None),
    ],
)
def test_example_goal(sentence: str, goal: str | None) -> None:
    assert example_goal(sentence) == goal


@pytest.mark.parametrize(
    ("code", "name", "shown"),
    [
        ('c = pyrite.Client(base_url="https://x", timeout=Timeout(5))', "pyrite.Client", "pyrite.Client(base_url=..., timeout=...)"),
        ("client.close()", "client.close", "client.close()"),
        ("os.path.join(a, b)", "os.path.join", "os.path.join(...)"),
        ("nothing here", "Client", None),
    ],
)
def test_abbreviated_call(code: str, name: str, shown: str | None) -> None:
    assert abbreviated_call(code, name) == shown
