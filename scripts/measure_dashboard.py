"""Measure the dashboard's two speed targets in a real browser (Debian's Chromium through Playwright).

1. First visit on a fresh clone: copy the repository's files (what `git clone` would give: tracked and
   untracked-but-not-ignored files, so no data/ cache) to a temporary folder, start
   `streamlit run dashboard/app.py` there, and time until the Overview's chart is drawn in the browser.
   Target: under 15 s. (Installing the dependencies is not part of it: the current environment is used.)
2. Warm filter change on the seeds: on the same server, switch the date basis in the sidebar and time
   until the re-drawn chart shows the new basis, several times. Target: under 1 s.

    .venv/bin/python scripts/measure_dashboard.py [--repeats 7] [--json]
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART = ".js-plotly-plot .main-svg"
FIRST_VISIT_TARGET = 15.0
FILTER_TARGET = 1.0


def fresh_copy(dest: Path) -> Path:
    """The files a fresh clone would have (tracked + untracked, minus .gitignore'd ones such as data/)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT, check=True,
                           capture_output=True).stdout.decode().split("\0")
    for rel in filter(None, files):
        src = ROOT / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(app_dir: Path, port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("RIFT_DATA_DIR", "RIFT_CACHE_DIR")}
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def wait_health(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("streamlit did not start")


def chart_title(page) -> str:
    return page.evaluate("() => (document.querySelector('.js-plotly-plot .gtitle') || {}).textContent || ''")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeats", type=int, default=7, help="warm filter changes to time")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line too")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="rift-fresh-") as tmp:
        app_dir = fresh_copy(Path(tmp))
        assert not (app_dir / "data").exists(), "a fresh clone has no cache"
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            t0 = time.perf_counter()
            server = start_server(app_dir, port)
            try:
                wait_health(url)
                t_server = time.perf_counter() - t0
                page.goto(url)
                page.wait_for_selector(CHART, timeout=120_000)
                t_chart = time.perf_counter() - t0
                page.wait_for_selector(IDLE, timeout=60_000)

                timings = []
                for i in range(args.repeats):
                    target = "Publication date" if i % 2 == 0 else "Statement date"
                    expect = "publication dates" if i % 2 == 0 else "statement dates"
                    button = page.locator('[data-testid="stSidebar"] button', has_text=target).first
                    start = time.perf_counter()
                    button.click()
                    page.wait_for_function(
                        "(e) => ((document.querySelector('.js-plotly-plot .gtitle') || {}).textContent || '').includes(e)",
                        arg=expect, timeout=30_000)
                    timings.append(time.perf_counter() - start)
                    page.wait_for_selector(IDLE, timeout=30_000)
            finally:
                server.terminate()
                server.wait(timeout=15)
                browser.close()

    figures = {
        "first_visit_server_ready_s": round(t_server, 2),
        "first_visit_chart_visible_s": round(t_chart, 2),
        "warm_filter_change_median_s": round(statistics.median(timings), 3),
        "warm_filter_change_max_s": round(max(timings), 3),
        "repeats": len(timings),
    }
    ok_first = t_chart < FIRST_VISIT_TARGET
    ok_warm = statistics.median(timings) < FILTER_TARGET
    print(f"first visit (fresh clone, empty cache): server up {t_server:.1f} s, Overview chart visible {t_chart:.1f} s "
          f"(target < {FIRST_VISIT_TARGET:.0f} s) {'OK' if ok_first else 'MISSED'}")
    print(f"warm filter change (date basis, {len(timings)}x): median {statistics.median(timings):.2f} s, "
          f"max {max(timings):.2f} s (target < {FILTER_TARGET:.0f} s) {'OK' if ok_warm else 'MISSED'}")
    if args.json:
        print(json.dumps(figures))
    return 0 if ok_first and ok_warm else 1


if __name__ == "__main__":
    sys.exit(main())
