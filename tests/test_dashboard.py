"""The dashboard (sim/dashboard): its data layer and command line, then the real app in headless Chromium.

The browser tests start ``govsim-dashboard``'s server on a tiny real sweep (2 communes x 10 days, three
designs x two seeds) and drive Debian's ``chromium`` through Playwright (no browser download). They skip,
with the reason, only when the dashboard extra or chromium is missing; CI (.ci/run) installs both.
"""

from __future__ import annotations

import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

from report_fixtures import add_broken_runs, write_run, write_sweep
from sim.config import ConfigError, compose
from sim.dashboard.browser import chromium_path
from sim.dashboard.data import Catalog, fold
from sim.dashboard.scenario import Request, check
from sim.report import govsim_report
from sim.report.labels import design_label
from sim.report.stats import comparison_cells
from sim.runner import run_scenario

try:
    import playwright.sync_api  # noqa: F401
    import solara  # noqa: F401
    MISSING_EXTRA = None
except ImportError as exc:
    MISSING_EXTRA = f'the dashboard extra is not installed ({exc}); pip install ".[dashboard]"'
MISSING_BROWSER = None if chromium_path() else "no chromium on PATH (Debian: apt-get install chromium)"
browser_test = pytest.mark.skipif(bool(MISSING_EXTRA or MISSING_BROWSER), reason=MISSING_EXTRA or MISSING_BROWSER or "")

DESIGNS = (("two_tier", "uniform"), ("two_tier", "area_grouped"), ("three_tier", "uniform"))
COMMUNES = '["00004","00008"]'  # Ba Đình and Ngọc Hà under two tiers


# ------------------------------------------------------------------------------------------- no browser
def test_search_folds_diacritics():
    assert "ha dong" in fold("Phường Hà Đông")
    assert fold("HÀ ĐÔNG") == fold("ha dong") == "ha dong"
    assert "ba dinh" not in fold("Ba Vì")


def test_both_languages_have_every_label():
    from sim.dashboard.text import TEXT

    assert TEXT["en"].keys() == TEXT["vi"].keys()


def test_bad_dir_is_one_line_and_exit_2(tmp_path):
    for bad in (tmp_path / "absent", tmp_path / "file.txt"):
        if bad.name == "file.txt":
            bad.write_text("x")
        r = subprocess.run([sys.executable, "-m", "sim.dashboard", str(bad)], capture_output=True, text=True,
                           timeout=60)
        assert r.returncode == 2, r.stderr
        assert r.stderr.count("\n") == 1 and r.stderr.startswith("govsim-dashboard: error:"), r.stderr
        assert str(bad) in r.stderr


def test_catalog_names_broken_runs_and_writes_the_catalog(tmp_path):
    empty = Catalog(tmp_path / "empty_missing").reload()
    assert empty.error and "no such folder" in empty.error
    (tmp_path / "nothing").mkdir()
    nothing = Catalog(tmp_path / "nothing").reload()
    assert nothing.error.startswith("no finished runs") and "\n" not in nothing.error

    good = write_sweep(tmp_path / "s", tiers=("two_tier",), quotas=("uniform", "area_grouped"), seeds=(0, 1), days=5)
    broken = add_broken_runs(tmp_path / "s", good[0])
    cat = Catalog(tmp_path / "s").reload()
    assert cat.error is None and len(cat.runs) == 4
    assert {p.run for p in cat.problems} == set(broken)  # skipped and named, as in the report
    assert any("no catalog" in n for n in cat.notes)
    db = tmp_path / "s" / "report" / "catalog.duckdb"
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM runs").fetchone()[0] == 4
    con.close()
    assert Catalog(tmp_path / "s").reload().notes == []  # fresh: left as it is
    db.write_bytes(b"not a duckdb file")
    again = Catalog(tmp_path / "s").reload()
    assert again.error is None and any("rebuilt" in n for n in again.notes)


def test_a_single_run_folder_with_the_forms_runs(tmp_path):
    """DIR may be one run; the form's runs inside it join the catalog as their own variants."""
    one = write_run(tmp_path / "one", "two_tier", "uniform", 0, days=5)
    (one / "dashboard-runs").mkdir()
    write_run(one / "dashboard-runs" / "x", "two_tier", "uniform", 0, days=6)
    cat = Catalog(one).reload()
    assert cat.error is None and sorted(cat.runs["run_dir"]) == [".", "dashboard-runs/x"]
    assert sorted(cat.designs()) == ["two_tier/uniform [run.days=5]", "two_tier/uniform [run.days=6]"]


def test_communes_table_and_daily_backlog(tmp_path):
    write_sweep(tmp_path, seeds=(0, 1), days=6)
    cat = Catalog(tmp_path).reload()
    table = cat.communes("two_tier/area_grouped")
    assert len(table) == 5 and table["backlog"].is_monotonic_decreasing
    assert table.set_index("unit").loc["00004", "population"] == 98_000
    assert table["on_time_rate"].dropna().between(0, 1).all() and table["on_time_rate"].notna().any()
    assert table["utilisation"].between(0, 1).all()
    daily = cat.commune_daily("00004", ["two_tier/uniform", "three_tier/uniform"])
    assert set(daily["design"]) == {"two_tier/uniform", "three_tier/uniform"}
    assert daily.groupby("design")["day"].nunique().eq(6).all()
    comp = cat.comparison(["two_tier/uniform", "three_tier/uniform"], "two_tier/uniform")
    assert set(comp["baseline"]) == {"two_tier/uniform"}


def test_large_runs_are_refused_with_the_command_line():
    with pytest.raises(ConfigError) as err:
        check(Request(tier="two_tier", quota="uniform", days=365))
    msg = str(err.value)
    assert "\n" not in msg and "too large" in msg and "govsim tier=two_tier quota=uniform run.days=365" in msg
    check(Request(communes=("00004",), days=5))  # tiny: accepted
    with pytest.raises(ConfigError, match="not communes"):
        check(Request(communes=("99999",), days=5))


# ------------------------------------------------------------------------------------------- browser
@pytest.fixture(scope="module")
def tiny_sweep(tmp_path_factory):
    """A real sweep: three designs x two seeds, two communes, ten days; and govsim-report's comparison."""
    root = tmp_path_factory.mktemp("dash_sweep")
    for tier, quota in DESIGNS:
        for seed in (0, 1):
            # Three tiers under the same budget, so that the quota names the design (three_tier/uniform).
            cfg = compose([f"tier={tier}", f"quota={quota}", f"run.seed={seed}", "run.days=10",
                           f"run.communes={COMMUNES}", "run.progress=false", "tier.staffing=same_budget"])
            run_scenario(cfg, out_dir=root / f"{tier}-{quota}-seed{seed}")
    govsim_report(root, figures=())
    return root


@pytest.fixture(scope="module")
def browser():
    """The system's headless chromium, driven by Playwright (one per module: Playwright's sync API
    allows one instance at a time)."""
    from playwright.sync_api import sync_playwright

    from sim.dashboard.browser import launch

    with sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture(scope="module")
def app(tiny_sweep, browser, tmp_path_factory):
    from sim.dashboard.server import running

    log = tmp_path_factory.mktemp("dash_log") / "server.log"
    with running(tiny_sweep, log=log) as url:
        yield url, browser


def _toggle(page, select: str, items: list[str]) -> None:
    """Click ``items`` in the menu of the v-select with class ``select``, then close it."""
    page.click(f".{select} .v-select__slot")
    menu = page.locator(".menuable__content__active")
    for item in items:
        menu.locator(".v-list-item", has_text=item).first.click()
    page.keyboard.press("Escape")


@browser_test
def test_browser_compare_communes_download_and_run(app, tiny_sweep):
    from sim.dashboard.browser import open_page

    url, browser = app
    page = open_page(browser, url + "/")
    started = time.monotonic()

    # Compare: keep two designs; the means table shows comparison.csv's numbers for them
    page.wait_for_selector("#means-table")
    _toggle(page, "design-select", ["three_tier/uniform"])  # all three are picked at first
    two = ["two_tier/uniform", "two_tier/area_grouped"]
    header = page.locator("#means-table thead")
    gone = design_label("en", "three_tier/uniform")
    page.wait_for_function("(gone) => { const h = document.querySelector('#means-table thead'); "
                           "return h && !h.innerText.includes(gone); }", arg=gone)
    assert [t.strip() for t in header.locator("th").all_inner_texts()[1:]] == [design_label("en", d) for d in two]
    csv = pd.read_csv(tiny_sweep / "report" / "comparison.csv")
    means, _ = comparison_cells(csv[csv["design"].isin(two) & csv["metric"].isin(["on_time_rate", "mean_delay_days",
                                                                                    "backlog_end"])], "en")
    table = page.inner_text("#means-table")
    for metric_label, row in means.iterrows():
        for cell in row:
            assert cell in table, (metric_label, cell, table)
    assert page.locator("#diff-table").count() == 1
    page.wait_for_selector("img.chart-backlog_over_time")
    page.wait_for_selector("img.chart-outcome_shares")

    # Communes: search without diacritics, open a commune, its chart renders
    page.click(".tab-communes")
    page.wait_for_selector(".commune-table tbody tr")
    page.fill(".commune-search input", "ba dinh")
    page.wait_for_function("() => document.querySelectorAll('.commune-table tbody tr').length === 1")
    row = page.locator(".commune-table tbody tr").first
    assert "Ba Đình" in row.inner_text()
    row.click()
    chart = page.wait_for_selector("img.chart-commune_00004_daily_backlog")
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 500", arg=chart)

    # Download: the figure as PNG and SVG
    for ext, magic in (("PNG", b"\x89PNG"), ("SVG", b"<svg")):
        with page.expect_download() as info:
            page.locator(".govsim-chart").get_by_text(ext, exact=True).click()
        download = info.value
        assert download.suggested_filename == f"commune_00004_daily_backlog_en.{ext.lower()}"
        data = open(download.path(), "rb").read()
        assert magic in data[:400], data[:100]

    # Run a scenario: a large run is refused in one line; a tiny one joins the catalog and Compare
    page.click(".tab-run")
    page.wait_for_selector(".run-button")
    page.fill(".run-days input", "365")
    page.press(".run-days input", "Enter")
    page.click(".run-button")
    refused = page.wait_for_selector(".run-refused")
    assert "too large" in refused.inner_text() and "govsim tier=two_tier" in refused.inner_text()
    page.fill(".run-days input", "5")
    page.press(".run-days input", "Enter")
    _toggle(page, "run-communes", ["Ba Đình (00004)"])
    page.click(".run-button")
    page.wait_for_selector(".run-progress", timeout=20_000)  # in the background, with a progress bar
    result = page.wait_for_selector(".run-result")
    text = result.inner_text()
    assert "added dashboard-runs/" in text, text
    run_dir = text.split("added ")[1].split(" ")[0]
    assert (tiny_sweep / run_dir / "summary.json").exists()
    con = duckdb.connect(str(tiny_sweep / "report" / "catalog.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM runs WHERE run_dir = ?", [run_dir]).fetchone()[0] == 1
    finally:
        con.close()
    page.click(".tab-compare")
    page.wait_for_function("() => document.querySelector('#means-table thead')?.innerText.includes('run.days=5')")
    assert time.monotonic() - started < 120


@browser_test
def test_browser_shows_folder_problems_not_tracebacks(browser, tmp_path):
    from sim.dashboard.browser import open_page
    from sim.dashboard.server import running

    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "summary.json").write_text('{"design": ')
    with running(tmp_path) as url:
        page = open_page(browser, url + "/")
        error = page.wait_for_selector(".govsim-error")
        assert "no finished runs" in error.inner_text()
        page.get_by_text("1 run folder(s) skipped or flagged").wait_for()
        assert "broken" in page.inner_text("body")
        for path in ("/communes", "/run"):
            page.goto(url + path)
            page.wait_for_selector(".govsim-error")
            assert "Traceback" not in page.inner_text("body")
        page.close()
