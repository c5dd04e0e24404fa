"""Screenshots of each dashboard page on a sweep folder, for docs/dashboard/.

    python scripts/dashboard_screenshots.py results/sweeps/tier_x_quota [--out docs/dashboard] [--lang en]

Starts the dashboard on 127.0.0.1, opens Compare (waits for its charts), Communes (clicks the commune
with the largest backlog and waits for its chart) and Run a scenario in the system's headless Chromium
and saves one PNG per page. Needs the dashboard extra and Debian's chromium. Bad input: one line, exit 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("dir", help="sweep folder (or one run folder)")
    p.add_argument("--out", default="docs/dashboard", help="where to save the PNGs (default docs/dashboard)")
    p.add_argument("--lang", choices=("en", "vi"), default="en")
    p.add_argument("--width", type=int, default=1400)
    args = p.parse_args(argv)
    root = Path(args.dir)
    if not root.is_dir():
        print(f"dashboard_screenshots: error: no such directory: {root}", file=sys.stderr)
        return 2
    try:
        from playwright.sync_api import sync_playwright

        from sim.dashboard.browser import chromium_path, launch, open_page, screenshot
        from sim.dashboard.server import running
    except ImportError as exc:
        print(f'dashboard_screenshots: error: {exc} (pip install ".[dashboard]")', file=sys.stderr)
        return 2
    if chromium_path() is None:
        print("dashboard_screenshots: error: no chromium on PATH (apt-get install chromium)", file=sys.stderr)
        return 2
    out = Path(args.out)
    suffix = "" if args.lang == "en" else f"_{args.lang}"
    with running(root) as url, sync_playwright() as pw:
        browser = launch(pw)
        page = open_page(browser, url + "/", width=args.width)
        if args.lang != "en":
            page.click(f".lang-toggle >> text={args.lang.upper()}")
        if page.locator(".govsim-error").count() == 0:
            page.wait_for_selector("img.chart-backlog_over_time")
        print(screenshot(page, out / f"compare{suffix}.png"))
        page.click(".tab-communes")
        page.wait_for_selector(".commune-table")
        if page.locator(".commune-table tbody tr").count():
            page.click(".commune-table tbody tr >> nth=0")
            page.wait_for_selector("img[class*=chart-commune_]")
        print(screenshot(page, out / f"communes{suffix}.png"))
        page.click(".tab-run")
        page.wait_for_selector(".run-button")
        print(screenshot(page, out / f"run{suffix}.png"))
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
