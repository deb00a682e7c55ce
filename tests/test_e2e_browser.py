"""End to end in a real headless browser: Debian's chromium driven by Playwright against `streamlit run app.py`.

Opens every page, clicks solve where a page has it, waits for the result, saves a screenshot of each page
under test-artifacts/screenshots/, and fails on any Streamlit exception box or browser console error.
.ci/run installs chromium with apt-get when it is missing.
"""

from __future__ import annotations

import os
import re
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


ALLOWED = {"English", "CSV", "Excel", "GeoJSON", "HiGHS", "CBC", "SIYB", "PNG", "ZIP", "ID", "JSON", "YAML"}
NOT_WORDS = re.compile(r"https?://\S+|\bID [0-9a-f]{8,}|[\w./-]+\.(csv|json|xlsx|zip|yaml|geojson)\b|/[\w./-]+")

# (screenshot name, sidebar link, button to click, text that shows the result)
PAGES = [
    ("plan", "计划数据与检查", None, "处不一致"),
    ("allocate", "分配方案", None, "独立校验"),  # solved first, from a link (below)
    ("compare", "方案比较", "比较", "差异分布"),
    ("procurement", "政府采购", None, "候选名单"),
    ("export", "县级分解与导出", None, "预览工作表"),
    ("sweep", "参数扫描", "运行扫描", "扫描结果"),
]


def english_words(text: str) -> set[str]:
    """English words in a page's visible text beyond the names of formats and solvers."""
    return {w for w in re.findall(r"[A-Za-z]{2,}", NOT_WORDS.sub(" ", text)) if w not in ALLOWED}


# Opened at /allocate, Streamlit's client first looks for its server under /allocate/_stcore/ (404), then
# under / — its way of finding the base path, not a fault of the app.
BASE_PROBE = re.compile(r"/(plan|allocate|compare|procurement|export|sweep)/_stcore/")

# Streamlit's own chrome: icon ligatures (keyboard_arrow_right), the screen-reader "skip" link and the drop-down's
# screen-reader announcements ("7 options available.": never drawn, and in English whatever the app's language —
# Streamlit fixes their locale to en-US; a known gap, not the page's text).
CHROME = '[data-testid="stIconMaterial"], [data-testid="stSkipToContent"], [data-live-announcer]'


def visible_text(page) -> str:
    """The page's rendered text without Streamlit's icon names and skip link."""
    return page.evaluate("""(sel) => {
        const hidden = [...document.querySelectorAll(sel)];
        hidden.forEach(e => { e.dataset.display = e.style.display; e.style.display = "none"; });
        const holders = [...document.querySelectorAll("input[placeholder], textarea[placeholder]")]
            .filter(e => e.offsetParent !== null && !e.value).map(e => e.placeholder);
        const text = document.body.innerText + " " + holders.join(" ");
        hidden.forEach(e => { e.style.display = e.dataset.display; });
        return text; }""", CHROME)


def shoot(page, name: str) -> None:
    """Screenshots at 1280 and 768 px wide (the sidebar folds away at 768, as on a tablet)."""
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        time.sleep(0.5)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})
    time.sleep(0.3)


def pick(page, box: int, label: str) -> None:
    """Choose an option of the page's ``box``-th select box by the label a user sees (a scenario's title, not
    its file name: typed "rural_focus" matches no label and leaves the box as it was)."""
    page.locator('[data-testid="stSelectbox"]').nth(box).click()
    page.get_by_role("option", name=label, exact=True).click()
    wait_idle(page)


# Whole-class plans lie this close above their LP bound (0.01–0.05 % measured); the bounds of baseline and
# rural_focus are 0.18 % apart, so the band names which scenario a figure belongs to.
CLASS_GAP = 0.001


def compare_shows_both(page, shipped) -> None:
    """The compare page after B = 侧重农村地区: both scenarios named, and each column's objective (万元) is its own
    scenario's: between that scenario's LP bound (from a separate solve of its file) and the bound plus the
    whole-class gap. Not the separate solve's figure itself: the workspace re-solves a scenario from the model it
    kept, and may round to another plan of the same inputs (e.g. 35,158.91 against 35,163.01 万元)."""
    page.get_by_text("方案 A：基准方案 · 方案 B：侧重农村地区").first.wait_for(timeout=30_000)
    row = page.locator('[data-testid="stDataFrame"]').first.locator("tr", has_text="目标值（万元）")
    row.locator("td").nth(3).wait_for(state="attached", timeout=30_000)  # the grid's hidden accessible table
    _, a, b, _ = row.locator("td").all_text_contents()
    for name, shown in (("baseline", a), ("rural_focus", b)):
        bound = shipped(name).solution.summary["lp_bound"] / 10_000
        assert bound - 0.005 <= float(shown.replace(",", "")) <= bound * (1 + CLASS_GAP), (name, shown, bound)


def plan_by_its_address(page, server: str) -> None:
    """/plan opens the plan page, not Streamlit's English "Page not found"; its severity filter, all chosen, opens
    on the catalogue's Chinese words instead of Streamlit's "No results"."""
    from optimizer.messages import msg

    page.goto(f"{server}/plan")
    wait_idle(page)
    page.get_by_text("处不一致").first.wait_for(timeout=60_000)
    assert page.get_by_text("Page not found").count() == 0
    field = page.locator('[data-testid="stMultiSelect"]').first.locator("input")
    field.scroll_into_view_if_needed()
    time.sleep(0.5)  # opened while the page still scrolls, the list closes again
    field.click()
    empty = page.locator('[data-testid="stMultiSelectDropdown"] [role="listbox"][data-empty="true"]')
    empty.wait_for(state="attached", timeout=10_000)
    expected = f'"{msg("ui.no_match", "zh")}"'
    shown = ""
    for _ in range(20):  # the style applies once the list has settled
        shown = empty.evaluate("e => getComputedStyle(e, '::after').content")
        if shown == expected:
            break
        time.sleep(0.25)
    assert shown == expected
    assert not page.get_by_text("No results").first.is_visible()
    shoot(page, "plan-filter-open")
    page.keyboard.press("Escape")


def test_every_page_in_a_real_browser(server, shipped):
    """A link to /allocate?scenario=cert_share_70 shows ρ = 0.70, solves to the 0.70 result, and marks it stale
    when ρ moves; then every page after its main action: no exception, no English words, screenshots. /plan (the
    README's address) opens the plan page; an emptied drop-down says in Chinese why it is empty."""
    from playwright.sync_api import expect, sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    english: dict[str, set[str]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}")
                if m.type == "error" and not BASE_PROBE.search(m.location.get("url", "")) else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and not BASE_PROBE.search(r.url) else None)
        T0 = time.time()
        page.goto(f"{server}/allocate?scenario=cert_share_70")
        wait_idle(page)
        rho = page.locator('[data-testid="stSidebar"] input[type="range"]').first
        # the sidebar may still be rendering when the page is first idle: wait for the value (fails after 30 s)
        expect(rho).to_have_attribute("value", "0.7", timeout=30_000)
        page.get_by_role("button", name="求解").first.click()
        wait_idle(page)
        page.get_by_text("独立校验").first.wait_for(timeout=60_000)
        banner = page.get_by_text("结果：方案「等级证书类比例提高到 70%」").first
        assert "与方案文件一致" in banner.inner_text()
        assert page.get_by_text("结果已过期").count() == 0
        rho.focus()
        page.keyboard.press("ArrowLeft")  # 0.70 → 0.65
        wait_idle(page)
        page.get_by_text("结果已过期").first.wait_for(timeout=20_000)
        assert "cert_share=0.65" in page.url and "scenario=cert_share_70" in page.url
        rho.focus()
        page.keyboard.press("ArrowRight")  # back to 0.70: the result is current again (and later pages reuse it)
        wait_idle(page)
        assert page.get_by_text("结果已过期").count() == 0
        for name, link, button, expect in PAGES:
            print(name, round(time.time() - T0, 1), flush=True)
            page.locator('[data-testid="stSidebarNav"]').get_by_text(link, exact=True).click()
            wait_idle(page)
            if name == "sweep":  # two points (0.6, 0.7) instead of the default four
                field = page.get_by_label("止")
                field.fill("0.7")
                field.press("Enter")
                wait_idle(page)
            if name == "compare":  # B: rural_focus (a 2 s solve; capacity_loss, the default B, takes longer)
                pick(page, 1, "侧重农村地区")
            if button:
                page.get_by_role("button", name=button).first.click()
                wait_idle(page)
            page.get_by_text(expect).first.wait_for(timeout=120_000)
            if name == "compare":
                compare_shows_both(page, shipped)
            assert page.locator('[data-testid="stException"]').count() == 0, f"{name}: exception box shown"
            words = english_words(visible_text(page))
            if words:
                english[name] = words
            shoot(page, name)
        plan_by_its_address(page, server)
        browser.close()
    print(problems, english, round(time.time() - T0, 1))
    assert problems == []
    assert english == {}
