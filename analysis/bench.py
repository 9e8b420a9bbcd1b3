"""Benchmarks: ``python -m analysis bench [--sizes 1000,10000] [--with-100k] [--quick]``.

Every figure is a ratio against a baseline measured in the same run, on the same machine, plus the
per-machine numbers behind it:

* build throughput (articles/s, statements/s) and peak memory (largest resident set of the build
  process and of its worker processes), on a deterministic synthetic corpus (``analysis.synth``);
* the full build (one process) against TextBlob ``.sentiment`` alone (one process) over the same
  statement texts: TextBlob is a mandated step, so that is the floor a build can approach;
* the default parallel build against one process;
* rebuilding with the per-article cache, nothing changed and with 1 % new articles, against a full build;
* the dashboard's data path at 100k and 1M statements (frames made directly, ``analysis.statements_synth``):
  Parquet load time, memory of the frames, and each page's filter + aggregate time, warm.

Each measurement runs in a fresh Python process, so its peak memory and its caches are its own.
``--profile N`` times each pipeline step over N articles (ms per article), to see where a build goes.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULT = "BENCH-RESULT "
TARGETS = {
    "floor_ratio": 2.0,  # build / TextBlob floor, at most
    "speedup": 1.6,  # parallel / one process, at least (2 cores)
    "nochange": 0.05,  # rebuild with nothing changed / full build, at most
    "one_percent": 0.10,  # rebuild with 1 % new / full build, at most
    "frames_gb": 1.0,  # memory of the frames at 1M statements, at most
    "page_ms": 300.0,  # filter + aggregate per page, warm, at most
}


# ----------------------------------------------------------------------------------------------------------
# Child processes: one measurement each


def _rss_mb() -> tuple[float, float]:
    """Peak resident set of this process and of its largest finished child (Linux reports KiB)."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(me, 1), round(kids, 1)


def _current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def _cpu_s() -> float:
    """CPU seconds used so far by this process and its finished children: less sensitive than the wall clock
    to other programs sharing the machine."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def child_build(paths: list[str], workers: int | None, cache_dir: str | None, floor: bool = False,
                sentiment: str = "auto") -> dict:
    """One build; with ``floor``, then TextBlob ``.sentiment`` alone over its statement texts, in the same
    process right after it, so both see the same machine (other programs come and go within minutes)."""
    from analysis.pipeline import build_corpus

    c0, t0 = _cpu_s(), time.perf_counter()
    r = build_corpus(paths, workers=workers, cache_dir=cache_dir, sentiment=sentiment)
    seconds, cpu = time.perf_counter() - t0, _cpu_s() - c0
    me, kids = _rss_mb()
    from analysis.scoring import sentiment_mode
    out = {"sentiment": sentiment_mode(), "seconds": seconds, "cpu_s": cpu, "articles": len(r.articles), "statements": len(r.statements),
           "quotes": int((r.statements["kind"] == "quote").sum()) if len(r.statements) else 0,
           "skipped": sum(1 for x in r.report if x.status == "skipped"), "rss_mb": me, "worker_rss_mb": kids}
    if floor:
        from textblob import TextBlob

        texts = r.statements["text"].astype(str).tolist()
        del r
        TextBlob("A first call loads the lexicon.").sentiment
        c0, t0 = _cpu_s(), time.perf_counter()
        for t in texts:
            TextBlob(t).sentiment
        out.update(floor_s=time.perf_counter() - t0, floor_cpu_s=_cpu_s() - c0, floor_statements=len(texts))
        # The build scores each distinct text once (copies of a statement recur: syndication, boilerplate), so the
        # strictest floor is TextBlob over the distinct texts only; printed beside the floor.
        distinct = list(dict.fromkeys(texts))
        t0 = time.perf_counter()
        for t in distinct:
            TextBlob(t).sentiment
        out.update(floor_distinct_s=time.perf_counter() - t0, floor_distinct_statements=len(distinct))
    return out


def child_startup(text: str) -> dict:
    """What a fresh process spends before its first article is done: importing the steps, compiling their
    patterns, loading the actor index, the lexicons and the model (the interpreter and pandas are not counted:
    every process of the build has them before it starts)."""
    import analysis.pipeline as pipeline
    from analysis import regexes
    from analysis.document import RawArticle

    pipeline.set_sentiment_mode("fast")
    with pipeline._fewer_full_collections():  # as in a build
        t0 = time.perf_counter()
        pipeline.process_article(RawArticle(source="startup.txt", text=text))
        seconds = time.perf_counter() - t0
    stored = regexes.save()
    return {"seconds": seconds, "stored": stored, "cached": len(regexes._hits)}


def child_gen_frames(n: int, out: str) -> dict:
    from analysis.statements_synth import write_frames

    t0 = time.perf_counter()
    write_frames(n, out)
    return {"seconds": time.perf_counter() - t0}


def _timed(fn, reps: int) -> tuple[float, float]:
    """(first run, median of ``reps`` warm runs), in ms."""
    t0 = time.perf_counter()
    fn()
    cold = (time.perf_counter() - t0) * 1000
    warm = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        warm.append((time.perf_counter() - t0) * 1000)
    return round(cold, 1), round(statistics.median(warm), 1)


def child_dashboard(folder: str, lean: bool, reps: int) -> dict:
    """Load the frames as the dashboard does, then time each page's filtering and aggregation."""
    import numpy as np
    import pandas as pd

    from analysis import schema
    from analysis.schema_compact import compact_statements, frame_bytes, involves, text_match

    rss0 = _current_rss_mb()
    t0 = time.perf_counter()
    arts = pd.read_parquet(Path(folder) / "articles.parquet")
    st = pd.read_parquet(Path(folder) / "statements.parquet")
    t_read = time.perf_counter() - t0
    # The dashboard restores the schema's dtypes after reading (Parquet gives list cells as arrays).
    t0 = time.perf_counter()
    arts = schema.conform(arts, schema.ARTICLE_COLUMNS)
    st = schema.conform(st, schema.STATEMENT_COLUMNS)
    t_conform = time.perf_counter() - t0
    t_compact = 0.0
    if lean:
        t0 = time.perf_counter()
        st = compact_statements(st)
        t_compact = time.perf_counter() - t0
    out = {"rows": len(st), "read_s": round(t_read, 2), "conform_s": round(t_conform, 2), "compact_s": round(t_compact, 2),
           "statements_mb": round(frame_bytes(st) / 2**20, 1), "articles_mb": round(frame_bytes(arts) / 2**20, 1),
           "statements_deep_mb": round(st.memory_usage(deep=True).sum() / 2**20, 1),
           "rss_growth_mb": round(_current_rss_mb() - rss0, 1)}

    try:
        from analysis.aggregate import tension_over_time
    except ImportError:
        tension_over_time = None
    out["tension_over_time"] = tension_over_time is not None

    def tot(frame, by):
        if tension_over_time is None:  # stand-in until analysis.aggregate exists: monthly mean per group
            d = frame[frame["statement_date"].notna()]
            return d.groupby([d["statement_date"].dt.tz_convert(None).dt.to_period("M"), by], observed=True)["tension"].agg(["mean", "count"])
        try:
            return tension_over_time(frame, freq="M", by=by, articles=arts)
        except TypeError:
            return tension_over_time(frame, freq="M", by=by)

    last = st["statement_date"].max()
    start, end = last - pd.Timedelta(days=365), last
    top3 = st["speaker"].value_counts().index[:3].tolist()
    article = st["article_id"].iloc[len(st) // 2]
    story = arts.set_index("article_id")["story_id"]

    def in_range(frame):
        d = frame["statement_date"]
        return (d.notna() & (d >= start) & (d <= end)).to_numpy()

    def actors_of(frame, who):
        if lean:
            return involves(frame, "speaker", "targets", who)
        wanted = set(who)
        own = frame["speaker"].isin(wanted).fillna(False).to_numpy(dtype=bool)
        return own | frame["targets"].map(lambda v: bool(wanted.intersection(v))).to_numpy(dtype=bool)

    def search(frame, words):
        if lean:
            return text_match(frame, words)
        hay = (frame["text"].fillna("") + " \u2063 " + frame["speaker"].fillna("") + " \u2063 " + frame["outlet"].fillna("")).str.lower()
        m = np.ones(len(frame), dtype=bool)
        for w in words:
            m &= hay.str.contains(w, regex=False).to_numpy(dtype=bool)
        return m

    def overview():
        f = st[in_range(st)]
        quotes = f[(f["kind"] == "quote") & f["speaker"].notna()]
        head = (f["article_id"].nunique(), f["outlet"].nunique(), len(f), len(quotes), f["statement_date"].min(), f["statement_date"].max())
        return head, tot(f, "direction")

    def actors():
        f = st[actors_of(st, top3)]
        spk = f[f["speaker"].notna()]
        top = spk.groupby("speaker", observed=True).agg(n=("statement_id", "size"), mean=("tension", "mean")).nlargest(15, "n")
        pairs = spk[["speaker", "targets", "tension"]].explode("targets").dropna(subset=["targets"])
        matrix = pairs.groupby(["speaker", "targets"], observed=True)["tension"].agg(["mean", "count"])
        return top, matrix, tot(f[f["speaker"].isin(top3)], "speaker")

    def outlets():
        f = st  # the default view: every outlet
        g = f.assign(story=f["article_id"].map(story)).groupby("outlet", observed=True)
        vol = g.agg(statements=("statement_id", "size"), articles=("article_id", "nunique"), stories=("story", "nunique"),
                    mean=("tension", "mean"), sd=("tension", "std"))
        med = g["tension"].median()
        tone = f.groupby(["outlet", f["kind"] == "narrative"], observed=True)["tension"].mean()
        return vol, med, tone

    def statements_page():
        f = st[in_range(st) & search(st, ["border"])]
        page = f.sort_values("statement_date", ascending=False).head(1000)
        return page[["statement_date", "speaker", "direction", "kind", "text", "tension", "outlet"]].copy()

    def reader():
        return st[st["article_id"] == article].sort_values("position"), arts[arts["article_id"] == article]

    pages = {"overview": overview, "actors": actors, "outlets": outlets, "statements": statements_page, "reader": reader}
    out["pages"] = {}
    for name, fn in pages.items():
        cold, warm = _timed(fn, reps)
        out["pages"][name] = {"cold_ms": cold, "warm_ms": warm}

    # The dashboard's own filter function, when it is importable, on the same frame.
    try:
        import datetime as dt

        from dashboard.state import Filters, apply_filters
        f = Filters(start=dt.date.fromisoformat(str(start.date())), end=dt.date.fromisoformat(str(end.date())),
                    actors=tuple(top3), text="border")
        cold, warm = _timed(lambda: apply_filters(st, f), reps)
        out["dashboard_apply_filters"] = {"cold_ms": cold, "warm_ms": warm}
    except Exception as exc:  # noqa: BLE001 - reported, not fatal: the dashboard is another component
        out["dashboard_apply_filters"] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
    out["rss_mb"] = _rss_mb()[0]
    return out


class _StepTimer:
    def __init__(self):
        self.totals: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, name, fn):
        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                self.totals[name] = self.totals.get(name, 0.0) + time.perf_counter() - t0
                self.calls[name] = self.calls.get(name, 0) + 1
        timed.__wrapped__ = fn
        return timed


def child_profile(paths: list[str], limit: int, sentiment: str = "auto") -> dict:
    """Per-step time over the first ``limit`` articles, one process (ms per article)."""
    import importlib

    from analysis import pipeline

    timer = _StepTimer()
    steps = [  # (module, attribute, label); nested steps are reported inside their parent
        ("analysis.pipeline", "process_articles", "process_articles (all steps)"),
        ("analysis.clean", "clean_article", "clean_article"),
        ("analysis.metadata", "extract_metadata", "extract_metadata"),
        ("analysis.segment", "segment_units", "segment_units"),
        ("analysis.quotes", "find_quotes", "  find_quotes (in segment_units)"),
        ("analysis.segment", "split_sentences", "  split_sentences/nupunkt (in segment_units)"),
        ("analysis.speakers", "attribute_speakers", "attribute_speakers"),
        ("analysis.pipeline", "_masked_text", "mask quotes for dates"),
        ("analysis.dates", "find_date_mentions", "find_date_mentions"),
        ("analysis.dates", "infer_reference_date", "infer_reference_date"),
        ("analysis.statement_dates", "resolve_statement_dates", "resolve_statement_dates"),
        ("analysis.pipeline", "_targets", "targets (actor mentions)"),
        ("analysis.scoring", "score_statements", "score_statements"),
        ("analysis.tension", "score_tension", "  score_tension (in score_statements)"),
        ("analysis.pipeline", "link_stories", "corpus pass: link_stories"),
        ("analysis.schema", "conform", "frames: schema.conform"),
    ]
    patched = []
    for mod_name, attr, label in steps:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        fn = getattr(mod, attr, None)
        if fn is None:
            continue
        w = timer.wrap(label, fn)
        setattr(mod, attr, w)
        patched.append((mod, attr, fn))
        # Modules that imported the name at load time call their own reference: patch those too.
        for other in ("analysis.pipeline", "analysis.segment", "analysis.scoring"):
            m = sys.modules.get(other)
            if m is not None and m is not mod and getattr(m, attr, None) is fn:
                setattr(m, attr, w)
                patched.append((m, attr, fn))
    # The sentiment model's predictions, as scoring calls them.
    try:
        import analysis.scoring as scoring
        real_model = scoring._model

        def timed_model(mode):
            model = real_model(mode)
            if not getattr(model, "_bench_timed", False):
                model.predict = timer.wrap(f"  sentiment model, {mode} (in score_statements)", model.predict)
                model._bench_timed = True
            return model

        scoring._model = timed_model
    except (ImportError, AttributeError):
        pass
    # TextBlob sentiment, as scoring calls it (its cache cleared, so every distinct text is timed once).
    try:
        import analysis.scoring as scoring
        scoring.textblob_sentiment.cache_clear()
        scoring.textblob_sentiment = timer.wrap("  TextBlob sentiment (in score_statements)", scoring.textblob_sentiment)
    except (ImportError, AttributeError):
        pass
    try:
        from analysis.actors import ActorIndex
        real_default = ActorIndex.default.__func__ if hasattr(ActorIndex.default, "__func__") else None
        if real_default is not None:
            ActorIndex.default = classmethod(timer.wrap("ActorIndex.default", real_default))
    except ImportError:
        pass

    files = []
    for p in paths:
        p = Path(p)
        files += sorted(x for x in p.rglob("*.txt")) if p.is_dir() else [p]
    files = [str(f) for f in files[:limit]]
    t0 = time.perf_counter()
    r = pipeline.build_corpus(files, workers=1, sentiment=sentiment)
    total = time.perf_counter() - t0
    n = max(1, len(r.articles))
    from analysis.scoring import sentiment_mode
    return {"sentiment": sentiment_mode(), "articles": len(r.articles), "statements": len(r.statements), "total_s": total,
            "ms_per_article": {k: round(v * 1000 / n, 2) for k, v in timer.totals.items()},
            "calls": timer.calls, "build_ms_per_article": round(total * 1000 / n, 2)}


CHILDREN = {"build": child_build, "gen_frames": child_gen_frames, "dashboard": child_dashboard,
            "profile": child_profile, "startup": child_startup}


def _child_main(task: str, args_json: str) -> int:
    out = CHILDREN[task](**json.loads(args_json))
    print(RESULT + json.dumps(out, default=str), flush=True)
    return 0


# The compiled-pattern cache the children use (analysis/regexes.py): a folder of the bench's own, filled by the
# start-up benchmark, so the figures are those of a machine where a build has run before, whatever the user's
# cache holds. ANALYSIS_REGEX_CACHE=off in the environment measures every process without it.
_PATTERN_CACHE: dict[str, str] = {}


def run_child(task: str, env: dict | None = None, **kwargs) -> dict:
    cmd = [sys.executable, "-m", "analysis.bench", "--child", task, json.dumps(kwargs)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=Path(__file__).resolve().parent.parent,
                          env={**os.environ, **_PATTERN_CACHE, **(env or {})})
    for line in proc.stdout.splitlines()[::-1]:
        if line.startswith(RESULT):
            return json.loads(line[len(RESULT):])
    raise RuntimeError(f"benchmark step {task} failed:\n{proc.stderr[-3000:]}")


# ----------------------------------------------------------------------------------------------------------
# The benchmark


def _say(*parts) -> None:
    print(*parts, flush=True)


def _mark(ok: bool) -> str:
    return "ok" if ok else "MISSED"


# Rebuilds are short, and a single short run on a shared machine is at the mercy of whatever else runs: each
# rebuild figure is the median of this many runs.
REBUILD_REPS = 3


def _median_run(runs: list) -> dict:
    """The run (a child's figures) with the median time among ``runs`` (callables), each run once, in turn."""
    return _median_of([run() for run in runs])


def _median_of(done: list[dict]) -> dict:
    """The child's figures with the median time among ``done``."""
    return sorted(done, key=lambda r: r["seconds"])[len(done) // 2]


def bench_startup(work: Path, results: dict) -> None:
    from analysis.synth import write_corpus

    corpus = work / "startup"
    write_corpus(1, corpus, seed=5)
    text = sorted(corpus.rglob("*.txt"))[0].read_text(encoding="utf-8")
    user = os.environ.get("ANALYSIS_REGEX_CACHE", "")
    if user.lower() not in ("off", "0", "no", "false"):
        _PATTERN_CACHE["ANALYSIS_REGEX_CACHE"] = str(work / "pattern-cache")
    first = run_child("startup", text=text)
    warm = _median_run([lambda: run_child("startup", text=text)] * REBUILD_REPS)
    off = _median_run([lambda: run_child("startup", text=text, env={"ANALYSIS_REGEX_CACHE": "off"})] * REBUILD_REPS)
    results["startup"] = {"first_s": first["seconds"], "cached_s": warm["seconds"], "without_cache_s": off["seconds"],
                          "patterns": first["stored"], "cache_used": bool(_PATTERN_CACHE)}
    _say("\n== Start-up of a process that extracts (imports, patterns, actor index, lexicons, model, first article) ==")
    _say(f"  without the pattern cache      : {off['seconds']:.2f} s")
    if _PATTERN_CACHE:
        _say(f"  first run on this machine      : {first['seconds']:.2f} s (compiles and stores {first['stored']} entries)")
        _say(f"  with the pattern cache         : {warm['seconds']:.2f} s  ({warm['seconds'] / off['seconds']:.2f}x of without); "
             "the builds below run with it")
    else:
        _say("  ANALYSIS_REGEX_CACHE=off: the builds below run without the pattern cache")


def bench_build(n: int, work: Path, workers: int | None, results: dict, sentiment: str = "auto") -> None:
    from analysis.synth import write_corpus

    corpus = work / f"corpus-{n}"
    t0 = time.perf_counter()
    write_corpus(n, corpus)
    _say(f"\n== Build, {n} synthetic articles (generated in {time.perf_counter() - t0:.1f} s) ==")
    one = run_child("build", paths=[str(corpus)], workers=1, cache_dir=None, floor=True, sentiment=sentiment)
    cache = str(work / f"cache-{n}")
    cold = run_child("build", paths=[str(corpus)], workers=workers, cache_dir=cache, sentiment=sentiment)
    nochange = _median_run([lambda: run_child("build", paths=[str(corpus)], workers=workers, cache_dir=cache,
                                              sentiment=sentiment)] * REBUILD_REPS)
    # The new articles go in folders of their own, beside the corpus, so that the full build of the corpus alone
    # can run again between the rebuilds.
    new = max(1, n // 100)
    grown_paths = [str(corpus), str(write_corpus(new, work / f"new-{n}-1", start=n))]
    again_paths = grown_paths + [str(write_corpus(new, work / f"new-{n}-2", start=n + new))]
    kept = work / f"cache-{n}-as-built"
    shutil.copytree(cache, kept)

    def rebuild(paths, start_from: Path):
        shutil.rmtree(cache)
        shutil.copytree(start_from, cache)
        return run_child("build", paths=paths, workers=workers, cache_dir=cache, sentiment=sentiment)

    # The machine's speed drifts from minute to minute (other programs share it): each rebuild is timed right
    # after a full build, and its figure is the median of those pairs' ratios. The second rebuild starts from the
    # store the first one left: the frames as the full build wrote them plus a delta (the rows of the new
    # articles); it reads both, and writes a delta that holds both rebuilds' articles. Its figure is the steady
    # state of a corpus that grows a little at a time.
    once = work / f"cache-{n}-grown-once"
    pars, grown_runs, again_runs = [], [], []
    for _ in range(REBUILD_REPS):
        pars.append(run_child("build", paths=[str(corpus)], workers=workers, cache_dir=None, sentiment=sentiment))
        grown_runs.append(rebuild(grown_paths, kept))
        if not once.exists():
            shutil.copytree(cache, once)
        again_runs.append(rebuild(again_paths, once))
    shutil.rmtree(kept)
    shutil.rmtree(once)
    par, grown, again = _median_of(pars), _median_of(grown_runs), _median_of(again_runs)
    paired = statistics.median(g["seconds"] / p["seconds"] for g, p in zip(grown_runs, pars))
    again_paired = statistics.median(g["seconds"] / p["seconds"] for g, p in zip(again_runs, pars))

    cores = workers or os.cpu_count() or 1
    r = {
        "articles": one["articles"], "statements": one["statements"], "quotes": one["quotes"], "skipped": one["skipped"],
        "one_process_s": one["seconds"], "parallel_s": par["seconds"], "workers": cores,
        "floor_s": one["floor_s"], "floor_statements": one["floor_statements"],
        "cold_cache_s": cold["seconds"], "nochange_s": nochange["seconds"], "one_percent_s": grown["seconds"],
        "one_percent_again_s": again["seconds"],
        "new_articles": new, "rss_mb": par["rss_mb"], "worker_rss_mb": par["worker_rss_mb"], "one_process_rss_mb": one["rss_mb"],
    }
    r["floor_ratio"] = r["one_process_s"] / r["floor_s"] if r["floor_s"] else float("nan")
    r["floor_ratio_cpu"] = one["cpu_s"] / one["floor_cpu_s"] if one["floor_cpu_s"] else float("nan")
    r["floor_distinct_s"], r["floor_distinct_statements"] = one["floor_distinct_s"], one["floor_distinct_statements"]
    r["floor_distinct_ratio"] = r["one_process_s"] / r["floor_distinct_s"] if r["floor_distinct_s"] else float("nan")
    r["parallel_cpu_s"], r["one_process_cpu_s"] = par["cpu_s"], one["cpu_s"]
    r["speedup"] = r["one_process_s"] / r["parallel_s"]
    r["parallel_runs_s"] = [x["seconds"] for x in pars]
    r["one_percent_runs_s"] = [x["seconds"] for x in grown_runs]
    r["nochange_frac"] = r["nochange_s"] / r["parallel_s"]
    r["one_percent_frac"] = paired
    r["one_percent_again_frac"] = again_paired
    results.setdefault("build", {})[str(n)] = r

    r["sentiment"] = one["sentiment"]
    _say(f"  {r['articles']} articles, {r['statements']} statements ({r['quotes']} quotes), {r['skipped']} skipped; "
         f"sentiment model: {r['sentiment']}")
    _say(f"  one process : {r['one_process_s']:7.2f} s  {r['articles'] / r['one_process_s']:7.1f} articles/s  "
         f"{r['statements'] / r['one_process_s']:8.0f} statements/s  peak RSS {r['one_process_rss_mb']:.0f} MB")
    _say(f"  {cores} workers   : {r['parallel_s']:7.2f} s  {r['articles'] / r['parallel_s']:7.1f} articles/s  "
         f"{r['statements'] / r['parallel_s']:8.0f} statements/s  peak RSS {r['rss_mb']:.0f} MB main, "
         f"{r['worker_rss_mb']:.0f} MB largest worker  (median of {REBUILD_REPS} runs: "
         f"{', '.join(f'{x:.2f}' for x in r['parallel_runs_s'])} s)")
    _say(f"  TextBlob .sentiment alone, right after it in the same process, same {r['floor_statements']} statement texts: {r['floor_s']:.2f} s "
         f"({r['floor_statements'] / r['floor_s']:.0f} statements/s)")
    _say(f"  full build with an empty cache (writes it): {r['cold_cache_s']:.2f} s")
    _say(f"  ratio build / TextBlob floor (one process each) : {r['floor_ratio']:5.2f}x   target <= {TARGETS['floor_ratio']}x  "
         f"{_mark(r['floor_ratio'] <= TARGETS['floor_ratio'])}   (in CPU time: {r['floor_ratio_cpu']:.2f}x)")
    _say(f"  stricter: against TextBlob over the {r['floor_distinct_statements']} distinct texts only "
         f"({100 * r['floor_distinct_statements'] / max(1, r['floor_statements']):.0f} %; the build scores a repeated text once): "
         f"{r['floor_distinct_s']:.2f} s, ratio {r['floor_distinct_ratio']:5.2f}x")
    _say(f"  speed-up of {cores} workers over one process      : {r['speedup']:5.2f}x   target >= {TARGETS['speedup']}x  "
         f"{_mark(r['speedup'] >= TARGETS['speedup'])}")
    _say(f"  rebuilds: the median of {REBUILD_REPS} runs each; each 1 % rebuild against the full build run just before it "
         "(the median of those ratios)")
    _say(f"  rebuild, nothing changed / full build          : {100 * r['nochange_frac']:5.1f} %   ({r['nochange_s']:.2f} s) "
         f"target <= {100 * TARGETS['nochange']:.0f} %  {_mark(r['nochange_frac'] <= TARGETS['nochange'])}")
    _say(f"  rebuild, {new} new articles (1 %) / full build   : {100 * r['one_percent_frac']:5.1f} %   ({r['one_percent_s']:.2f} s) "
         f"target <= {100 * TARGETS['one_percent']:.0f} %  {_mark(r['one_percent_frac'] <= TARGETS['one_percent'])}")
    _say(f"  then {new} more (the store holds a delta)        : {100 * r['one_percent_again_frac']:5.1f} %   "
         f"({r['one_percent_again_s']:.2f} s) target <= {100 * TARGETS['one_percent']:.0f} %  "
         f"{_mark(r['one_percent_again_frac'] <= TARGETS['one_percent'])}")


def bench_dashboard(n: int, work: Path, reps: int, results: dict) -> None:
    folder = work / f"frames-{n}"
    if (folder / "statements.parquet").exists():  # kept from an earlier run (--keep): the same frames
        _say(f"\n== Dashboard data path, {n:,} statements (frames kept in {folder}) ==")
    else:
        gen = run_child("gen_frames", n=n, out=str(folder))
        _say(f"\n== Dashboard data path, {n:,} statements (frames made in {gen['seconds']:.0f} s) ==")
    for lean in (False, True):
        d = run_child("dashboard", folder=str(folder), lean=lean, reps=reps)
        results.setdefault("dashboard", {}).setdefault(str(n), {})["lean" if lean else "plain"] = d
        total_gb = (d["statements_mb"] + d["articles_mb"]) / 1024
        label = "compact frames (schema_compact)" if lean else "frames as schema.conform gives them"
        _say(f"  {label}:")
        _say(f"    load {d['read_s']:.2f} s Parquet + {d['conform_s']:.2f} s restoring dtypes"
             + (f" + {d['compact_s']:.2f} s compacting" if lean else ""))
        _say(f"    memory: statements {d['statements_mb']:.0f} MB, articles {d['articles_mb']:.0f} MB "
             f"(process grew by {d['rss_growth_mb']:.0f} MB)"
             + (f"   target <= {TARGETS['frames_gb']} GB at 1M  {_mark(total_gb <= TARGETS['frames_gb'])}" if n >= 1_000_000 else ""))
        agg = "analysis.aggregate.tension_over_time" if d["tension_over_time"] else "a monthly groupby (analysis.aggregate missing)"
        _say(f"    filter + aggregate per page, warm median of {reps} (first run), tension series by {agg}:")
        for page, t in d["pages"].items():
            _say(f"      {page:<11} {t['warm_ms']:8.1f} ms  ({t['cold_ms']:.0f} ms first)   "
                 f"target <= {TARGETS['page_ms']:.0f} ms  {_mark(t['warm_ms'] <= TARGETS['page_ms'])}")
        af = d.get("dashboard_apply_filters", {})
        if "warm_ms" in af:
            _say(f"      dashboard.state.apply_filters (date + 3 actors + text): {af['warm_ms']:.1f} ms warm")
        elif af:
            _say(f"      dashboard.state.apply_filters: {af.get('error')}")


def bench_profile(n: int, work: Path, results: dict, sentiment: str = "auto") -> None:
    from analysis.synth import write_corpus

    corpus = work / f"profile-{n}"
    write_corpus(n, corpus, seed=11)
    p = run_child("profile", paths=[str(corpus)], limit=n, sentiment=sentiment)
    results["profile"] = p
    _say(f"\n== Where a build's time goes: {p['articles']} articles, one process, sentiment model {p['sentiment']}, "
         f"{p['build_ms_per_article']:.1f} ms/article ==")
    total = p["ms_per_article"].get("process_articles (all steps)") or p["build_ms_per_article"]
    for label, ms in sorted(p["ms_per_article"].items(), key=lambda kv: -kv[1]):
        _say(f"  {label:<48} {ms:8.2f} ms/article  {100 * ms / total:5.1f} %")


def _code_version() -> str:
    """The package's fingerprint: figures from runs whose code changed in between do not compare."""
    from analysis.version import code_fingerprint
    return code_fingerprint()


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:  # ``python -m analysis bench -- --quick``
        argv = argv[1:]
    if argv[:1] == ["--child"]:
        return _child_main(argv[1], argv[2])
    p = argparse.ArgumentParser(prog="python -m analysis bench", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", default="1000,10000", help="corpus sizes in articles (default 1000,10000)")
    p.add_argument("--with-100k", action="store_true", help="also build 100 000 articles (long)")
    p.add_argument("--quick", action="store_true", help="a short run: 300 articles, dashboard at 100k statements")
    p.add_argument("--workers", type=int, default=None, help="workers of the parallel build (default: every core)")
    p.add_argument("--dashboard-sizes", default="100000,1000000", help="statements for the dashboard data path")
    p.add_argument("--no-build", action="store_true", help="skip the build benchmarks")
    p.add_argument("--no-dashboard", action="store_true", help="skip the dashboard data path")
    p.add_argument("--profile", type=int, default=0, metavar="N", help="time each pipeline step over N articles")
    p.add_argument("--sentiment", default="auto", choices=["auto", "encoder", "fast", "none"],
                   help="sentiment model of the builds (default auto: as python -m analysis build)")
    p.add_argument("--reps", type=int, default=5, help="warm repetitions per page (median reported)")
    p.add_argument("--json", default=None, help="also write every figure to this JSON file")
    p.add_argument("--keep", default=None, help="keep the generated corpora and frames in this folder")
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    dash_sizes = [int(x) for x in args.dashboard_sizes.split(",") if x.strip()]
    if args.quick:
        sizes, dash_sizes, args.reps = [300], [100_000], min(args.reps, 3)
    if args.with_100k and 100_000 not in sizes:
        sizes.append(100_000)

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rift-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version(), "system": platform.platform(),
                                 "load_average": os.getloadavg(), "started": time.strftime("%Y-%m-%d %H:%M:%S"),
                                 "code": _code_version()}}
    _say(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}; "
         f"load average at start {os.getloadavg()[0]:.2f}")
    if os.getloadavg()[0] > 0.5 * (os.cpu_count() or 1):
        _say("warning: other programs are using the cores; wall-clock ratios (the parallel speed-up above all) "
             "understate what an idle machine does. CPU-time ratios are printed beside them.")
    # The package's bytecode, as the setup scripts write it: where PYTHONDONTWRITEBYTECODE is set, every child
    # process would otherwise compile each module edited since from source, and time it as start-up.
    import compileall
    compileall.compile_dir(str(Path(__file__).resolve().parent), quiet=1)
    try:
        if not args.no_build or args.profile:
            bench_startup(work, results)
        if args.profile:
            bench_profile(args.profile, work, results, args.sentiment)
        if not args.no_build:
            for n in sizes:
                bench_build(n, work, args.workers, results, args.sentiment)
        if not args.no_dashboard:
            for n in dash_sizes:
                bench_dashboard(n, work, args.reps, results)
    finally:
        results["machine"]["load_average_end"] = os.getloadavg()
        if _code_version() != results["machine"]["code"]:
            _say("warning: the analysis package changed while the benchmark ran; rerun it for comparable figures")
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=1, default=str))
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
