"""The real app on a free port (curated data, a trained and promoted model), a second local
HTTP server as a host page on another origin, and headless Chromium driven by Playwright.

Built once for the package: importing the curated set and training the model is the slow part.
"""

from __future__ import annotations

import functools
import json
import os
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from db.importers.runner import import_dataset
from db.migrate import upgrade
from db.session import make_engine, make_session_factory
from db.tables import City
from service.app import create_app
from service.config import Settings
from tests.conftest import CURATED, REPO, require_or_skip

# Debian's package; never a browser Playwright downloads (the variable is for other layouts)
CHROMIUM = Path(os.environ.get("PARTNERMATCH_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "tests" / "screenshots"
# small but real: the ranker's own estimator, just fewer trees and sampled cold-start queries
TRAIN_PARAMS = {"n_estimators": 50, "n_cold_queries": 200}


@dataclass
class Live:
    url: str
    factory: sessionmaker[Session]
    settings: Settings

    def city_id(self, name: str) -> int:
        with self.factory() as session:
            city = session.scalar(select(City).where(City.name == name).order_by(City.id).limit(1))
            assert city is not None, name
            return city.id


@dataclass
class HostSite:
    """A static site on another port, i.e. another origin than the API."""

    url: str
    directory: Path

    def page(self, name: str, html: str) -> str:
        (self.directory / name).write_text(html, encoding="utf-8")
        return f"{self.url}/{name}"


def _listening_socket() -> socket.socket:
    # bound here and handed to the server: no window in which another process takes the port
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return 0


def post_json(url: str, body: dict[str, Any]) -> Any:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as exc:
        body = exc.read().decode(errors="replace")
        raise AssertionError(f"POST {url} answered {exc.code}: {body}") from exc


@pytest.fixture(scope="package")
def chromium_path() -> Path:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        require_or_skip(False, "the playwright package is missing; pip install -e '.[dev]'")
    require_or_skip(
        CHROMIUM.is_file(),
        f"Chromium not found at {CHROMIUM}: install Debian's package (`make browser`, or "
        "`apt-get install chromium` as root) to run the browser tests",
    )
    return CHROMIUM


@pytest.fixture(scope="package")
def live(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    import uvicorn

    from models.train import train_and_register

    directory = tmp_path_factory.mktemp("browser-app")
    url = f"sqlite:///{directory / 'app.db'}"
    engine = make_engine(url)
    upgrade(engine)
    factory = make_session_factory(engine)
    import_dataset(factory, "curated", curated_dir=CURATED, data_dir=None)
    with factory.begin() as session:
        train_and_register(session, seed=0, promote=True, params=TRAIN_PARAMS)

    settings = Settings(
        database_url=url,
        data_dir=None,
        model_dir=directory / "artifacts",
        model_poll_seconds=30.0,
        log_level="WARNING",
    )
    sock = _listening_socket()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(settings), log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while _get(f"{base}/readyz") != 200:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the app did not become ready at {base}")
        time.sleep(0.2)
    # the first answer builds the catalogue index; do it here so the page tests time only the page
    warm_up = {"city": {"name": "Warm-up", "country": "JP"}, "needs": "water", "limit": 1}
    post_json(f"{base}/v1/recommendations", warm_up)
    try:
        yield Live(url=base, factory=factory, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        engine.dispose()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="package")
def host_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostSite]:
    directory = tmp_path_factory.mktemp("host-site")
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostSite(url=f"http://127.0.0.1:{httpd.server_address[1]}", directory=directory)
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="package")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import expect, sync_playwright

    # the first answers on a busy machine take seconds: wait for them, not the default 5 s
    expect.set_options(timeout=30_000)

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    # a script error on the page fails the test even when the assertions happen to pass
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@contextmanager
def phone_page(browser: Any, width: int, height: int) -> Iterator[Any]:
    """A page on a phone-sized screen (twice as many pixels as points, as phones have)."""
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()


def assert_fits_a_phone(page: Any, what: str, controls: str) -> None:
    """``what`` does not scroll sideways on the page's screen, and every form control ``controls``
    selects has a label a screen reader announces."""
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{what} scrolls sideways on a phone: {width}px wide"
    unlabelled = page.evaluate(
        """(controls) => [...document.querySelectorAll(controls)]
             .filter((el) => !el.labels.length && !el.getAttribute('aria-label')).map((el) => el.id)""",
        controls,
    )
    assert unlabelled == []


@pytest.fixture(scope="package")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
