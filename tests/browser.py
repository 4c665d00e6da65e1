"""Headless Debian chromium through Playwright for Python (no browser download).

pytest-twisted keeps an asyncio loop running in the test thread, where Playwright's sync API refuses
to start, so the browser session runs in a thread of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
T = TypeVar("T")


def in_chromium(drive: Callable[[Any], T], *, width: int = 1280, height: int = 1000) -> T:
    """Run ``drive(page)`` on a fresh page of headless chromium and return what it returns."""
    assert CHROMIUM.is_file(), "the browser tests need Debian's chromium: apt-get install chromium"

    def session() -> T:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": width, "height": height})
                page.set_default_timeout(15_000)
                return drive(page)
            finally:
                browser.close()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(session).result()
