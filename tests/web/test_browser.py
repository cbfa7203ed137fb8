"""The dashboard and the HTML report in a real headless Chromium (Debian's package, driven by
Playwright through its executable path: no browser is downloaded).

Each test asserts on the page's DOM, saves a screenshot under ``test-artifacts/web/``, and
fails on any console error, uncaught page error or request that leaves 127.0.0.1 (such
requests are also blocked, so a test cannot pass by reaching the network).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from innovindex.store import read_scores

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "web"

pytestmark = pytest.mark.skipif(
    shutil.which(str(CHROMIUM)) is None,
    reason="Debian's chromium is not installed at /usr/bin/chromium (make setup installs it)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """uvicorn serving the app of one store on 127.0.0.1 in a background thread."""

    def __init__(self, db: Path, audit: Path | None = None) -> None:
        import uvicorn

        from innovindex.web.app import create_app

        self.port = _free_port()
        config = uvicorn.Config(
            create_app(db, token="", audits={"latest": audit} if audit else None),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> _Server:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def gii_server(gii_store: tuple[Path, str]) -> Iterator[_Server]:
    with _Server(gii_store[0]) as s:
        yield s


@pytest.fixture(scope="module")
def demo_server(demo_store: tuple[Path, str], demo_audit: Path) -> Iterator[_Server]:
    with _Server(demo_store[0], demo_audit) as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class _Watched:
    """A page whose console errors, page errors and outside requests are recorded."""

    def __init__(self, browser: Any, name: str) -> None:
        self.name = name
        self.context = browser.new_context(viewport={"width": 1360, "height": 900})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.context.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        u = route.request.url
        if u.startswith(("http://127.0.0.1:", "file://", "data:", "about:")):
            route.continue_()
        else:
            self.outside.append(u)
            route.abort()

    def finish(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"{self.name}.png"), full_page=False)
        self.context.close()
        assert self.errors == [], self.errors
        assert self.outside == [], self.outside


@pytest.fixture
def watched(browser: Any, request: pytest.FixtureRequest) -> Iterator[_Watched]:
    w = _Watched(browser, request.node.name)
    yield w
    w.finish()


def _units_in(db: Path, run_id: str, year: int) -> set[str]:
    s = read_scores(db, run_id, code="GII")
    s = s[(s["time"] == year) & s["score"].notna()]
    return set(s["uCode"])


def _rows(page: Any) -> set[str]:
    return set(page.eval_on_selector_all("#ranking tbody tr", "rs => rs.map(r => r.dataset.unit)"))


def test_rankings_list_every_economy_of_the_selected_year(
    gii_server: _Server, gii_store: tuple[Path, str], watched: _Watched
) -> None:
    db, run_id = gii_store
    watched.page.goto(f"{gii_server.base}/rankings?year=2022")
    assert _rows(watched.page) == _units_in(db, run_id, 2022)
    first = watched.page.locator("#ranking tbody tr").first
    assert first.get_attribute("data-unit") == "CHE"  # 2022: Switzerland 64.6, first
    assert watched.page.locator("#ranking-chart .main-svg").count() > 0


def test_changing_the_year_updates_the_rankings(
    gii_server: _Server, gii_store: tuple[Path, str], watched: _Watched
) -> None:
    db, run_id = gii_store
    page = watched.page
    page.goto(f"{gii_server.base}/rankings")
    assert page.locator("#year-select").input_value() == "2022"
    with page.expect_navigation():
        page.select_option("#year-select", "2012")
    assert "year=2012" in page.url
    assert page.locator("#year-select").input_value() == "2012"
    in_2012 = _units_in(db, run_id, 2012)
    assert in_2012 != _units_in(db, run_id, 2022)
    assert _rows(page) == in_2012
    # the text filter and the column sort work in the page
    page.fill("#filter", "switzerland")
    assert page.locator("#ranking tbody tr:visible").count() == 1
    assert page.locator("#ranking-count").inner_text() == "1"
    page.fill("#filter", "")
    page.click("#ranking thead th:nth-child(2)")  # sort by economy name, A to Z
    names = page.eval_on_selector_all(
        "#ranking tbody tr td:nth-child(2)", "c => c.map(x => x.textContent)"
    )
    assert names == sorted(names, key=str.lower) or names == sorted(names)


def test_group_filter(gii_server: _Server, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{gii_server.base}/rankings?year=2020")
    with page.expect_navigation():
        page.select_option("#group-select", "4")
    groups = set(
        page.eval_on_selector_all(
            "#ranking tbody tr td:nth-child(4)", "c => c.map(x => x.textContent)"
        )
    )
    assert groups == {"4"}


def test_the_map_renders(
    gii_server: _Server, gii_store: tuple[Path, str], watched: _Watched
) -> None:
    db, run_id = gii_store
    page = watched.page
    page.goto(f"{gii_server.base}/map?year=2022")
    page.wait_for_selector("#map-chart path.choroplethlocation")
    n = page.locator("#map-chart path.choroplethlocation").count()
    from innovindex.report.geo import iso3_codes

    scored = _units_in(db, run_id, 2022) & iso3_codes()
    assert len(scored) > 100
    assert n == len(iso3_codes()) + len(scored)  # grey base layer + one path per scored country
    assert page.locator("#map-chart .colorbar").count() == 1


def test_clicking_an_economy_opens_its_profile(gii_server: _Server, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{gii_server.base}/rankings?year=2022")
    with page.expect_navigation():
        page.click("#ranking tbody tr[data-unit=CHN] a")
    assert "/economy/CHN" in page.url
    assert page.locator("#headline-rank").inner_text() == "11"
    page.wait_for_selector("#radar-chart .polarlayer")
    assert page.locator("#radar-chart .scatterlayer .trace").count() == 1
    assert page.locator("#timeseries-chart .scatterlayer .trace .point").count() == 12  # 2011-2022
    assert page.locator("#why-summary").count() == 1
    assert page.locator("#strengths li").count() >= 1


def test_demo_profile_explains_the_change(demo_server: _Server, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{demo_server.base}/economy/S004")
    assert page.locator("#synthetic-banner").count() == 1
    assert "exact attribution" in page.locator("#why-summary").inner_text()
    page.wait_for_selector("#why-chart .barlayer")
    assert page.locator("#radar-chart .polarlayer").count() == 1
    # the audit's rank interval (served with --audit) is shown and drawn
    page.wait_for_selector("#interval-chart .scatterlayer")
    assert page.locator("#interval-chart .scatterlayer .point").count() == 24
    assert "–" in page.locator("#rank-interval-text").inner_text()


def test_compare_shows_two_economies(gii_server: _Server, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{gii_server.base}/compare?units=CHN,USA&year=2022")
    assert page.eval_on_selector_all(
        "#compared [data-unit]", "e => e.map(x => x.dataset.unit)"
    ) == ["CHN", "USA"]
    page.wait_for_selector("#compare-radar .polarlayer")
    assert page.locator("#compare-radar .scatterlayer .trace").count() == 2
    assert page.locator("#compare-timeseries .scatterlayer .trace").count() == 2
    assert page.locator("#compare-table tbody tr").count() == 8  # GII and the 7 pillars


def test_framework_tree_page(demo_server: _Server, watched: _Watched) -> None:
    page = watched.page
    page.goto(f"{demo_server.base}/framework")
    assert page.locator("#framework-tree li").count() == 80 + 21 + 7 + 2 + 1 + 1


def test_the_report_opens_with_its_charts_drawn(
    demo_store: tuple[Path, str], tmp_path: Path, watched: _Watched
) -> None:
    from innovindex.report.html import write_report

    out = write_report(demo_store[0], "latest", tmp_path / "report.html")
    page = watched.page
    page.goto(out.as_uri())
    page.wait_for_selector("#map path.choroplethlocation")
    drawn = page.locator("div.chart[data-drawn] .main-svg").count()
    assert drawn >= 4  # ranking bar, map, heatmap (each 1+ svg layers)
    assert page.locator("#correlations .heatmaplayer").count() == 1
    page.click("#profile-S001 summary")
    page.wait_for_selector("#profile-S001 .polarlayer")
    assert page.locator("#profile-S001 .scatterlayer .trace .point").count() >= 5
