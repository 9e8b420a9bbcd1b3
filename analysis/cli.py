"""Command line: ``python -m analysis build|evaluate|tension|bench``.

Exit codes: 0 all built, 1 some files skipped (each named in the report), 2 usage error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


def _report_lines(report) -> list[str]:
    out = []
    for r in report:
        if r.status == "built":
            out.append(f"built    {r.file} ({r.articles} article{'s' if r.articles != 1 else ''})")
        else:
            out.append(f"{r.status:<8} {r.file}: {r.reason}")
    return out


def cmd_build(args) -> int:
    from .pipeline import build_corpus
    from .storage import atomic_write_bytes, write_csv_atomic, write_parquet_atomic

    sources = args.sources or [SEEDS]
    missing = [s for s in sources if not Path(s).exists()]
    if missing:
        print(f"error: no such file or folder: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    out = Path(args.out)
    if args.engine == "dask":
        from .distributed import build_with_dask
        result = build_with_dask(sources, out, scheduler=args.scheduler)
    else:
        result = build_corpus(sources, cache_dir=out / ".cache" if not args.no_cache else None, workers=args.workers,
                              sentiment=args.sentiment)
    write_parquet_atomic(result.articles, out / "articles.parquet")
    write_parquet_atomic(result.statements, out / "statements.parquet")
    if args.csv:
        from .export import safe_csv_frame
        write_csv_atomic(safe_csv_frame(result.articles), out / "articles.csv")
        write_csv_atomic(safe_csv_frame(result.statements), out / "statements.csv")
    lines = _report_lines(result.report)
    report = {"files": [r.__dict__ for r in result.report], "articles": len(result.articles), "statements": len(result.statements)}
    atomic_write_bytes(out / "build_report.json", json.dumps(report, indent=1, ensure_ascii=False).encode())
    for line in lines:
        print(line)
    print(f"{len(result.articles)} articles, {len(result.statements)} statements -> {out}/")
    return result.exit_code


def cmd_evaluate(args) -> int:
    from .evaluate import evaluate_corpus, format_report

    if args.newsmtsc:
        from .benchmarks_newsmtsc import print_newsmtsc
        print_newsmtsc(write=args.write)
        if not args.source and not args.gold:
            return 0
    src = Path(args.source) if args.source else SEEDS
    if not src.exists():
        print(f"error: no such folder: {src}", file=sys.stderr)
        return 2
    m = evaluate_corpus(args.gold, src)
    print(format_report(m))
    try:
        from .metrics import tension_validation_summary
        written = Path(__file__).resolve().parent.parent / "tests" / "data" / "tension_statements.jsonl"
        if written.exists():
            print(tension_validation_summary(written))
            from .evaluate import evaluate_written_statements, format_written
            print(format_written(evaluate_written_statements(written)))
    except ImportError:
        pass
    try:
        from .metrics import evaluate_newsmtsc_summary
        print(evaluate_newsmtsc_summary())
    except ImportError:
        pass
    return 0


def cmd_tension(args) -> int:
    import pandas as pd

    from .aggregate import format_tension_table, rising_flag, tension_over_time
    from .pipeline import build_corpus

    from .aggregate import direction_groups

    r = build_corpus(args.sources or [SEEDS])
    st = r.statements
    by = None if args.by == "none" else args.by
    if by == "direction" and not args.raw_directions:
        # the headline view: Russia and the Russian-led CSTO as one side ("Armenia→Russia/CSTO")
        st = st.assign(direction=direction_groups(st["direction"]))
    series = tension_over_time(st, freq=args.freq, by=by, date=args.date, articles=r.articles)
    if args.since:
        series = series[series["period"] >= pd.Timestamp(args.since, tz="UTC")]
    if args.until:
        series = series[series["period"] <= pd.Timestamp(args.until, tz="UTC")]
    print(format_tension_table(series))
    flags = rising_flag(series)
    if len(flags):
        print()
        print(flags.to_string(index=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m analysis", description=__doc__)
    sub = p.add_subparsers(dest="cmd")
    b = sub.add_parser("build", help="build articles.parquet and statements.parquet")
    b.add_argument("sources", nargs="*", help="files or folders (default: seeds/)")
    b.add_argument("--out", default="out", help="output folder (default: out/)")
    b.add_argument("--csv", action="store_true", help="also write CSV files")
    b.add_argument("--workers", type=int, default=None, help="processes (default: every core)")
    b.add_argument("--no-cache", action="store_true", help="do not reuse or store per-article results")
    b.add_argument("--engine", choices=["local", "dask"], default="local")
    b.add_argument("--sentiment", choices=["auto", "encoder", "fast", "none"], default="auto",
                   help="sentiment model: the fine-tuned encoder, the fast TF-IDF model, or none "
                        "(auto: encoder up to 100 articles, fast beyond)")
    b.add_argument("--scheduler", default=None, help="dask scheduler address (default: a LocalCluster)")
    e = sub.add_parser("evaluate", help="score the extraction against the gold annotations")
    e.add_argument("source", nargs="?", help="corpus folder (default: seeds/)")
    e.add_argument("--gold", default=None, help="gold JSON (default: the shipped seeds gold)")
    e.add_argument("--newsmtsc", action="store_true", help="also score sentiment on the NewsMTSC test splits")
    e.add_argument("--write", action="store_true", help="with --newsmtsc: record the figures for the dashboard's method page")
    t = sub.add_parser("tension", help="print the tension index over time")
    t.add_argument("sources", nargs="*")
    t.add_argument("--by", default="direction", choices=["direction", "speaker", "speaker_side", "outlet", "none"])
    t.add_argument("--freq", default="M")
    t.add_argument("--date", default="statement", choices=["statement", "published"])
    t.add_argument("--since", default="2022-01-01", help="first period shown (default 2022-01-01)")
    t.add_argument("--until", default="2024-12-31", help="last period shown (default 2024-12-31)")
    t.add_argument("--raw-directions", action="store_true", help="keep Russia and the CSTO apart")
    bn = sub.add_parser("bench", help="benchmarks (see README, Performance)")
    bn.add_argument("rest", nargs=argparse.REMAINDER)
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "bench":
        # the benchmark has its own options (--quick, --sizes ...): hand them over untouched
        from .bench import main as bench_main
        return bench_main(argv[1:])
    try:
        args = p.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code else 0
    if args.cmd is None:
        p.print_help()
        return 2
    if args.cmd == "bench":
        from .bench import main as bench_main
        return bench_main(args.rest)
    return {"build": cmd_build, "evaluate": cmd_evaluate, "tension": cmd_tension}[args.cmd](args)
