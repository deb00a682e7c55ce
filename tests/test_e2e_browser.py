"""End to end in a real headless browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

Opens every page, clicks solve where a page has it, waits for the result, saves a screenshot of each page
under test-artifacts/screenshots/, and fails on any Streamlit exception box or browser console error.
.ci/run installs chromium with apt-get when it is missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-sync",
                 "--disable-background-networking", "--disable-component-update"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("streamlit") / "server.log"
    env = {**os.environ, "YUNNAN_PLAN_CACHE": str(tmp_path_factory.mktemp("cache"))}
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                                 "--server.address", "127.0.0.1", "--server.headless", "true",
                                 "--browser.gatherUsageStats", "false"], cwd=ROOT, stdout=out, stderr=out, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 90
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.5)
        else:
            raise AssertionError(f"streamlit did not start: {log.read_text(encoding='utf-8')[-2000:]}")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def wait_idle(page, timeout: float = 240) -> None:
    """Wait until the script has finished running (Streamlit's status widget says nothing is running)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    deadline = time.time() + timeout
    time.sleep(1.0)
    while time.time() < deadline:
        running = page.locator('[data-testid="stStatusWidget"]').count()
        if not running:
            time.sleep(0.5)
            if not page.locator('[data-testid="stStatusWidget"]').count():
                return
        time.sleep(0.5)
    raise AssertionError("the app kept running")


# (screenshot name, sidebar link, button to click, text that shows the result)
PAGES = [
    ("plan", "计划数据与检查", None, "处不一致"),
    ("allocate", "分配方案", "求解", "独立校验"),
    ("compare", "方案比较", "比较", "差异分布"),
    ("procurement", "政府采购", None, "候选名单"),
    ("export", "县级分解与导出", None, "预览工作表"),
    ("sweep", "参数扫描", "运行扫描", "指标"),
]


def test_every_page_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.goto(server)  # then move as a person does, by the sidebar's links
        wait_idle(page)
        for name, link, button, expect in PAGES:
            page.locator('[data-testid="stSidebarNav"]').get_by_text(link, exact=True).click()
            wait_idle(page)
            if button:
                page.get_by_role("button", name=button).first.click()
                wait_idle(page)
            page.get_by_text(expect).first.wait_for(timeout=180_000)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)
            boxes = page.locator('[data-testid="stException"]').count()
            assert boxes == 0, f"{name}: Streamlit exception box shown"
        browser.close()
    assert problems == []
