"""Load test: many concurrent dashboard sessions while an upload is being built.

    .venv/bin/python scripts/load_test.py [--sessions 24] [--upload-articles 30] [--contexts] [--budget 170]

Starts ``streamlit run dashboard/app.py`` on a free port of 127.0.0.1 (uploads and caches in a temporary
folder, so the repository's data/ is untouched), warms it up with one session (the cold build of the
seeds), then drives one session through the upload page (a CSV corpus of synthetic articles, so the
rebuild takes a while) and, as soon as the upload is submitted, opens ``--sessions`` browser sessions at
once. Each must render the Overview chart without a Streamlit exception element. The server's resident
memory (the Streamlit process and any build workers it starts) is sampled throughout. Each session is a
tab of one browser context by default (its own websocket and session state, so the server sees separate
users; the browser parses Streamlit's JavaScript once); ``--contexts`` isolates them fully. With
``--upload-articles 0`` it measures the sessions alone.

Prints: sessions OK, p50/p95 time to the Overview chart, the upload's time, and memory before / peak /
after with the growth per session. Exits 0 when every session rendered, 1 otherwise, 2 when it could
not run (no Chromium, the server did not start). Everything is bounded: per-step timeouts and an overall
budget, after which the server is stopped; it never talks to anything but 127.0.0.1.

Uses Debian's Chromium (``/usr/bin/chromium``; ``apt-get install -y chromium``), never ``playwright install``.
"""
from __future__ import annotations

import argparse
import asyncio
import csv
import io
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
CHART = ".js-plotly-plot .main-svg"
EXCEPTION = '[data-testid="stException"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MemorySampler(threading.Thread):
    """RSS of the server and its children every 0.2 s; ``mark`` names the phase the next samples belong to."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.phase = "start"
        self.server_cpu = float("nan")  # CPU seconds the server spent while the sessions rendered
        self.machine_cpu = float("nan")  # CPU seconds the whole machine spent then (browser, other jobs)
        self.wall = float("nan")
        self.samples: list[tuple[float, str, float, float, int]] = []  # time, phase, server MB, with children MB, children
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            try:
                main = self.proc.memory_info().rss
                children = self.proc.children(recursive=True)
                kids = 0
                for c in children:
                    try:
                        kids += c.memory_info().rss
                    except psutil.Error:  # a build worker that just ended
                        pass
            except psutil.Error:
                break
            self.samples.append((time.time(), self.phase, main / MB, (main + kids) / MB, len(children)))
            self._halt.wait(0.2)

    def cpu_seconds(self) -> float:
        """CPU time the server (and its build workers) used so far."""
        try:
            t = self.proc.cpu_times()
            return t.user + t.system + t.children_user + t.children_system
        except psutil.Error:
            return float("nan")

    def mark(self, phase: str) -> None:
        self.phase = phase

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)

    def stat(self, phase: str, which: int = 3, fn=max) -> float:
        """``fn`` over the samples of ``phase``: which=2 the server process, 3 with its children, 4 children."""
        vals = [s[which] for s in self.samples if s[1] == phase]
        return fn(vals) if vals else float("nan")


def machine_busy_seconds() -> float:
    t = psutil.cpu_times()
    return t.user + t.system + t.nice + getattr(t, "irq", 0) + getattr(t, "softirq", 0)


def upload_csv(path: Path, n: int) -> Path:
    """A CSV corpus of ``n`` synthetic articles (invented text, see analysis.synth)."""
    from analysis import synth

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["text", "outlet", "published"])
    for i in range(n):
        text, meta = synth.article(10_000 + i, seed=7)
        w.writerow([text, meta.get("outlet", ""), meta.get("published", "")])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def start_server(tmp: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "RIFT_DATA_DIR": str(tmp / "uploads"), "RIFT_CACHE_DIR": str(tmp / "cache")}
    log = open(tmp / "streamlit.log", "w")
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def stop_server(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the build workers go with it
        proc.wait(timeout=10)
    except (subprocess.TimeoutExpired, ProcessLookupError):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=5)


async def new_context(browser):
    return await browser.new_context(viewport={"width": 1280, "height": 1000}, reduced_motion="reduce")


async def overview_session(browser, shared, url: str, timeout_ms: int) -> dict:
    """Open the Overview in a new tab (a Streamlit session of its own: own websocket, own session state) of the
    ``shared`` context, or of a fresh context when ``shared`` is None; time until its chart is drawn; look for
    exception elements."""
    context = shared or await new_context(browser)
    page = await context.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url + "/", timeout=timeout_ms)
        await page.wait_for_selector(CHART, timeout=timeout_ms)
        seconds = time.perf_counter() - t0
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        errors = await page.locator(EXCEPTION).count()
        detail = (await page.locator(EXCEPTION).first.inner_text())[:300] if errors else ""
        return {"ok": errors == 0, "seconds": seconds, "error": detail}
    except Exception as exc:  # a timeout or a crashed page counts as a failed session, with its reason
        return {"ok": False, "seconds": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        await (page.close() if shared else context.close())


async def upload_session(browser, url: str, file: Path, submitted: asyncio.Event, timeout_ms: int) -> dict:
    context = await new_context(browser)
    page = await context.new_page()
    t0 = time.perf_counter()
    try:
        await page.goto(url + "/upload", timeout=timeout_ms)
        await page.get_by_role("heading", name="Add articles").first.wait_for(timeout=timeout_ms)
        await page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(file))
        await page.locator('[data-testid="stFileChip"]').first.wait_for(timeout=timeout_ms)
        await page.get_by_role("button", name="Add to the corpus").click(timeout=timeout_ms)
        t_submit = time.perf_counter()
        submitted.set()
        await page.get_by_text("Last upload").first.wait_for(timeout=timeout_ms)
        await page.wait_for_selector(IDLE, timeout=timeout_ms)
        errors = await page.locator(EXCEPTION).count()
        return {"ok": errors == 0, "seconds": time.perf_counter() - t_submit,
                "error": (await page.locator(EXCEPTION).first.inner_text())[:300] if errors else ""}
    except Exception as exc:
        return {"ok": False, "seconds": time.perf_counter() - t0, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        submitted.set()  # never leave the sessions waiting
        await context.close()


async def drive(url: str, args, sampler: MemorySampler, upload: Path) -> tuple[dict, dict, list[dict]]:
    from playwright.async_api import async_playwright

    timeout_ms = int(args.step_timeout * 1000)
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            sampler.mark("warm-up")
            shared = await new_context(browser) if args.tabs else None
            warm = await overview_session(browser, shared, url, timeout_ms)
            say(f"warm-up session: {warm['seconds']:.1f} s")
            sampler.mark("before")
            await asyncio.sleep(2)
            sampler.mark("during")
            submitted = asyncio.Event()
            if upload is not None:
                up = asyncio.create_task(upload_session(browser, url, upload, submitted, timeout_ms))
                await asyncio.wait_for(submitted.wait(), timeout=args.step_timeout)
                say(f"upload submitted; opening {args.sessions} sessions")
            else:
                up = asyncio.create_task(asyncio.sleep(0, result={"ok": True, "seconds": 0.0, "error": "", "skipped": True}))
            cpu0, busy0, wall0 = sampler.cpu_seconds(), machine_busy_seconds(), time.time()
            sessions = await asyncio.gather(*(overview_session(browser, shared, url, timeout_ms)
                                              for _ in range(args.sessions)))
            sampler.server_cpu = sampler.cpu_seconds() - cpu0
            sampler.machine_cpu = machine_busy_seconds() - busy0
            sampler.wall = time.time() - wall0
            say(f"{sum(s['ok'] for s in sessions)} sessions rendered; waiting for the upload")
            up_result = await up
            sampler.mark("after")
            await asyncio.sleep(3)  # sessions closed: what the server keeps
        finally:
            await browser.close()
    return warm, up_result, sessions


def say(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = (len(values) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sessions", type=int, default=24, help="concurrent Overview sessions (default 24)")
    ap.add_argument("--upload-articles", type=int, default=30, help="articles in the uploaded CSV (default 30)")
    ap.add_argument("--contexts", dest="tabs", action="store_false",
                    help="one browser context per session (isolated like separate users, but the browser then "
                         "parses Streamlit's JavaScript once per session and the client, not the server, is the "
                         "bottleneck on a small machine); default: tabs of one context, each its own session")
    ap.add_argument("--step-timeout", type=float, default=120, help="seconds any one page may take (default 120)")
    ap.add_argument("--budget", type=float, default=170, help="seconds for the whole run (default 170)")
    args = ap.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"error: {CHROMIUM} is missing; install it with: apt-get install -y chromium", file=sys.stderr)
        return 2

    # SIGTERM (e.g. from `timeout`) unwinds like an error, so the server is always stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    t_start = time.time()
    with tempfile.TemporaryDirectory(prefix="rift-load-") as tmp_s:
        tmp = Path(tmp_s)
        upload = upload_csv(tmp / "load-test-corpus.csv", args.upload_articles) if args.upload_articles else None
        upload_mb = upload.stat().st_size / MB if upload is not None else 0.0
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc = start_server(tmp, port)
        sampler = None
        try:
            if not wait_healthy(url, proc, 60):
                print("error: streamlit did not start:\n" + (tmp / "streamlit.log").read_text()[-2000:], file=sys.stderr)
                return 2
            sampler = MemorySampler(proc.pid)
            sampler.start()
            remaining = args.budget - (time.time() - t_start)
            try:
                warm, up, sessions = asyncio.run(asyncio.wait_for(drive(url, args, sampler, upload), timeout=remaining))
            except (asyncio.TimeoutError, TimeoutError):
                print(f"error: the load test did not finish within its {args.budget:.0f} s budget", file=sys.stderr)
                return 1
        finally:
            try:
                if sampler is not None:
                    sampler.stop()
            finally:
                stop_server(proc)
        log_tail = (tmp / "streamlit.log").read_text()[-1500:]

    ok = [s for s in sessions if s["ok"]]
    times = [s["seconds"] for s in ok]
    before = sampler.stat("before", fn=statistics.median)
    before_main = sampler.stat("before", which=2, fn=statistics.median)
    peak = max(sampler.stat("during"), sampler.stat("after"))
    peak_main = max(sampler.stat("during", which=2), sampler.stat("after", which=2))
    peak_children = max(sampler.stat("during", which=4), sampler.stat("after", which=4))
    after = sampler.stat("after", fn=lambda v: v[-1])
    n = max(1, args.sessions)
    print(f"cold start (first session builds the seeds): {warm['seconds']:.1f} s, {'ok' if warm['ok'] else 'FAILED ' + warm['error']}")
    if not up.get("skipped"):
        print(f"upload of {args.upload_articles} articles ({upload_mb:.1f} MB CSV): "
              f"{'ok' if up['ok'] else 'FAILED ' + up['error']}, stored and rebuilt in {up['seconds']:.1f} s")
    print(f"sessions OK: {len(ok)}/{args.sessions} (opened together"
          f"{' while the upload was being built' if upload_mb else ', no upload'})")
    print(f"server CPU while the sessions rendered: {sampler.server_cpu:.1f} s "
          f"({sampler.server_cpu / max(1, args.sessions):.2f} s per session) of {sampler.machine_cpu:.0f} s the "
          f"machine's {psutil.cpu_count()} cores spent in those {sampler.wall:.0f} s (the rest: the browser, other jobs)")
    if times:
        print(f"time to Overview chart: p50 {percentile(times, 0.5):.1f} s, p95 {percentile(times, 0.95):.1f} s, "
              f"max {max(times):.1f} s")
    for s in sessions:
        if not s["ok"]:
            print(f"  failed session after {s['seconds']:.1f} s: {s['error']}")
    print(f"server RSS (streamlit + build workers): before {before:.0f} MB, peak {peak:.0f} MB, after {after:.0f} MB")
    print(f"  streamlit process alone: before {before_main:.0f} MB, peak {peak_main:.0f} MB; "
          f"peak child processes (build workers): {peak_children:.0f}")
    print(f"memory growth per session: peak {(peak - before) / n:.1f} MB, retained {(after - before) / n:.1f} MB "
          f"(retained includes the new corpus's frames)")
    print(f"total {time.time() - t_start:.0f} s")
    if len(ok) < args.sessions or not up["ok"]:
        print("server log tail:\n" + log_tail)
    return 0 if len(ok) == args.sessions and up["ok"] and warm["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
