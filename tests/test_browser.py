"""The HTML reports in a real browser: headless Debian Chromium driven by Playwright.

CI installs Chromium (.ci/run) and sets CI=true, where a missing browser fails the test;
elsewhere the test skips when /usr/bin/chromium is absent. Playwright never downloads a browser.
"""

import os
import shutil

import pytest

from tests.conftest import HOSTILE_TITLE

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Debian chromium is not installed (CI installs it)"
)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI"):
            raise
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    assert CHROMIUM is not None, "chromium is missing: .ci/run installs Debian's chromium package"
    with sync_playwright() as driver:
        instance = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


@pytest.mark.parametrize("folder", ["documented-2025", "comparison", "hostile"])
def test_report_opens_cleanly_in_chromium(browser, reports, folder, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems, requests, dialogs = [], [], []
    page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda request: requests.append(request.url))
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto((reports / folder / "index.html").as_uri(), wait_until="load")
    sizes = page.evaluate(
        "Promise.all([...document.images].map(image => image.decode().then(() => [image.naturalWidth, "
        "image.naturalHeight])))"
    )
    charts = len(list((reports / folder).glob("*.svg")))
    assert charts >= 5 and len(sizes) == charts and all(width > 500 and height > 300 for width, height in sizes)
    shot = tmp_path / f"{folder}.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 50_000
    assert problems == []
    assert dialogs == []
    assert [url for url in requests if not url.startswith(("file:", "data:"))] == []
    if folder == "hostile":
        assert page.locator("h1").inner_text() == HOSTILE_TITLE
        assert page.locator("header p").nth(1).inner_text().startswith("<img src=x onerror=alert(1)>")
    page.close()
