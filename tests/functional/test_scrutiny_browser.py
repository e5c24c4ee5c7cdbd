"""The scrutiny pack opened in a real headless Chromium (Debian's ``chromium`` driven by
Playwright): its structure and figures as a browser reads them, a print to PDF of every page,
and no request leaving the file.

Outside CI these tests are skipped when Chromium or Playwright is missing; in CI (``CI`` set,
as ``.ci/run`` does) they fail instead, so a CI without a browser cannot pass silently.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from socialdesk.config import load_config
from socialdesk.core.desk import Desk
from tests.conftest import os_account
from tests.scrutiny_helpers import (
    NOW,
    OFFICER,
    URGENT_AUTHOR,
    insert_quarter,
    supervisor_config_file,
)

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
#: Chromium without the sandbox (tests may run as root) and without anything that phones home.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SECTIONS = ["summary", "volumes", "responses", "urgent", "referrals", "accuracy", "decisions",
            "retention", "audit"]


def _missing(why: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {why} (.ci/run installs Debian's "
                    "chromium; playwright is in the dev extras).")
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed")
    if not CHROMIUM.exists() and not shutil.which("chromium"):
        _missing(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")),
            args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def packs(tmp_path_factory) -> dict[str, Any]:
    """The known quarter's pack without and with names, and the figures behind them."""
    folder = tmp_path_factory.mktemp("packs")
    before = os.environ.get("SOCIALDESK_DATA_DIR")
    os.environ["SOCIALDESK_DATA_DIR"] = str(folder / "data")
    try:
        with time_machine.travel(NOW, tick=False):
            desk = Desk(load_config(supervisor_config_file(folder)), folder / "q.db",
                        actor=os_account())
            ids = insert_quarter(desk)
            quarter = desk.scrutiny.quarter("2026Q4")
            pack = desk.scrutiny.figures(quarter)
            plain = desk.scrutiny.export(quarter, False, folder / "pack.html")
            named = desk.scrutiny.export(quarter, True, folder / "pack-named.html")
            desk.close()
    finally:
        if before is None:
            os.environ.pop("SOCIALDESK_DATA_DIR", None)
        else:
            os.environ["SOCIALDESK_DATA_DIR"] = before
    return {"plain": plain, "named": named, "pack": pack, "ids": ids}


class Opened:
    """A page with the file open, every request it made and every request it was refused."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.refused: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))

        def guard(route: Any) -> None:
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                self.refused.append(route.request.url)
                route.abort()
        self.context.route("**/*", guard)
        self.page.goto(self.url, wait_until="load")
        self.page.wait_for_load_state("networkidle")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def opened(browser) -> Iterator[Any]:
    pages: list[Opened] = []

    def open_file(path: Path) -> Opened:
        pages.append(Opened(browser, path))
        return pages[-1]

    yield open_file
    for page in pages:
        page.close()


def _cells(page: Any, selector: str) -> list[list[str]]:
    return page.eval_on_selector_all(
        f"{selector} tbody tr",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")


def test_structure_and_figures_as_a_browser_reads_them(opened, packs) -> None:
    view = opened(packs["plain"])
    page, pack = view.page, packs["pack"]
    assert page.title().endswith("scrutiny pack 2026Q4 / Pecyn craffu")
    h1 = page.inner_text("h1")
    assert "Scrutiny pack" in h1 and "Pecyn craffu" in h1 and "2026Q4" in h1
    assert page.eval_on_selector_all("section.part", "s => s.map(e => e.id)") == SECTIONS
    headings = page.eval_on_selector_all("h2", "hs => hs.map(h => h.innerText)")
    assert headings[:3] == ["Summary / Crynodeb", "Volumes / Nifer y cysylltiadau",
                            "First response and SLA / Ymateb cyntaf a’r SLA"]
    assert all(" / " in heading for heading in headings)       # every one in both languages
    assert page.locator('[lang="cy"]').count() > 40
    # volumes: the table and its chart say the same as the report
    by_category = {g.key: g.count for g in pack.report.groups["category"]}
    rows = _cells(page, "table.volumes-category")
    assert [(r[0], int(r[1])) for r in rows] == [
        ("Report / Adroddiad", by_category["report"]),
        ("Concern / Pryder", by_category["concern"]), ("Chat / Sgwrs", by_category["chat"])]
    bars = page.eval_on_selector_all(
        "#chart-category rect.bar",
        "bars => bars.map(b => [b.dataset.label, Number(b.dataset.value), "
        "b.getBoundingClientRect().width])")
    assert [(label, value) for label, value, _ in bars] == [
        ("Report / Adroddiad", 2), ("Concern / Pryder", 4), ("Chat / Sgwrs", 3)]
    widths = [width for _, _, width in bars]
    assert widths[1] > widths[2] > widths[0] > 0       # drawn to scale
    shown = page.eval_on_selector_all("#chart-category text.value",
                                      "t => t.map(e => e.textContent)")
    assert shown == ["2", "4", "3"]
    assert page.locator("svg").count() >= 6
    # SLA by month, Welsh and English: the bars carry the report's shares
    for month in pack.months:
        welsh = month.group("language", "cy")
        label = f"{['October', 'November', 'December'][month.month - 10]} 2026"
        value = page.get_attribute(
            f'#chart-sla-month rect[data-series="Cymraeg / Welsh"][data-group^="{label}"]',
            "data-value")
        expected = "" if welsh is None or welsh.sla_share is None else \
            str(round(100 * welsh.sla_share, 1))
        assert value == expected, label
    # the confusion matrix and the urgent items
    matrix = _cells(page, "table.matrix")
    assert matrix[0][:4] == ["Report / Adroddiad", "2", "1", "0"]
    assert matrix[2][:4] == ["Chat / Sgwrs", "0", "1", "2"]
    assert page.inner_text("#accuracy-facts").count("4 (67%)") == 1
    urgent_rows = page.eval_on_selector_all("table.urgent-items tbody tr",
                                            "rows => rows.map(r => r.dataset.item)")
    ids = packs["ids"]
    assert urgent_rows == [str(ids["urgent_open"]), str(ids["report_to_concern"]),
                           str(ids["urgent_fast"])]
    assert page.get_attribute('#chart-urgent rect[data-label="≤ 15 min / ≤ 15 munud"]',
                              "data-value") == "1"
    # no personal data in what the browser shows
    text = page.inner_text("body")
    assert URGENT_AUTHOR not in text and OFFICER not in text and "secret-words" not in text
    assert "OFFICIAL" in text and "OFFICIAL-SENSITIVE" not in text
    # and nothing but the file itself was asked for
    assert view.requests == [view.url] and view.refused == []


def test_the_words_with_names_stay_words(opened, packs) -> None:
    """With names, a writer's "<img src=http://…>" is text on the page: no element, no
    request, no script."""
    view = opened(packs["named"])
    page = view.page
    cell = page.inner_text(f'table.urgent-items tr[data-item="{packs["ids"]["urgent_fast"]}"]')
    assert URGENT_AUTHOR in cell and OFFICER in cell
    assert '<img src="http://evil.example/x.png">' in cell
    assert page.locator("img").count() == 0 and page.locator("script").count() == 0
    assert page.locator("b").count() == 0
    assert "OFFICIAL-SENSITIVE" in page.inner_text("body")
    ids = packs["ids"]
    corrections = _cells(page, "table.corrections")
    assert [(int(r[0]), r[1], r[2], r[3]) for r in corrections] == [
        (ids["cy_concern"], "chat", "concern", OFFICER),
        (ids["report_to_concern"], "report", "concern (urgent)", OFFICER)]
    assert view.requests == [view.url] and view.refused == []


@pytest.mark.parametrize("which", ["plain", "named"])
def test_every_page_prints_to_pdf(opened, packs, tmp_path: Path, which: str) -> None:
    view = opened(packs[which])
    page = view.page
    page.emulate_media(media="print")
    # each section starts a new page when printed
    breaks = page.eval_on_selector_all(
        "section.part", "s => s.map(e => getComputedStyle(e).breakBefore)")
    assert breaks == ["auto"] + ["page"] * (len(SECTIONS) - 1)
    pdf = page.pdf(format="A4", print_background=True)
    (tmp_path / "pack.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    assert len(SECTIONS) <= pages <= 30, pages
    assert view.requests == [view.url] and view.refused == []


def test_a_missing_browser_fails_in_ci_and_is_skipped_elsewhere(monkeypatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        _missing("chromium is not installed")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception):
        _missing("chromium is not installed")
