"""Drive the dashboard in the system's headless Chromium (Playwright, no browser download): for the
browser test and the screenshot script."""

from __future__ import annotations

import shutil
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
WAIT_MS = 90_000  # a chart pack figure on a loaded 2-core machine can take a while


def chromium_path() -> str | None:
    """The system Chromium (Debian: apt-get install chromium), or None."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def launch(playwright):
    path = chromium_path()
    if path is None:
        raise RuntimeError("no chromium on PATH (Debian: apt-get install chromium)")
    return playwright.chromium.launch(executable_path=path, headless=True)


def open_page(browser, url: str, width: int = 1400, height: int = 1000, **kw):
    page = browser.new_page(viewport={"width": width, "height": height}, accept_downloads=True, **kw)
    page.set_default_timeout(WAIT_MS)
    page.goto(url)
    return page


def screenshot(page, path, max_height: int = 5000) -> Path:
    """The whole page: Solara scrolls inside its layout, so grow the viewport to the content first."""
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('body *')).map(e => e.scrollHeight))")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": int(min(max(height + 160, size["height"]), max_height))})
    page.wait_for_timeout(500)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path
