"""The build on a Dask cluster: ``python -m analysis build SOURCES --engine dask [--scheduler tcp://HOST:8786]``.

The same build as ``pipeline.build_corpus``, with the per-article steps (``process_article``) run as Dask
tasks instead of in a local process pool:

1. the client reads the sources with the project's reader and drops duplicate texts, as the local build;
2. articles go to the workers in batches; each task runs ``process_article`` on its batch, writes the
   batch's rows as one part of a Parquet dataset (``<out>/dataset/articles/part-NNNNNN.parquet`` and
   ``.../statements/...``: the per-article results, before the corpus pass) and returns them;
3. the client runs the corpus pass (stories, dates borrowed from other tellings of a quotation) with
   the very code of the local build, so the frames are identical to ``build_corpus``'s, row for row.

Without a scheduler address a ``LocalCluster`` with one single-threaded worker process per core is started
(the steps are pure Python, so threads would share one core). With an address, every worker must run the
same version of this package: the build checks that first and stops with a clear message otherwise. The
dataset folder must be reachable by the workers under the same path (a shared file system) or be an
fsspec URL such as ``s3://bucket/run`` (with the matching fsspec driver installed on the workers).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .document import RawArticle
from .pipeline import BuildResult, Reference, build_corpus
from .version import code_fingerprint



def _worker_fingerprint() -> str:
    from analysis.version import code_fingerprint as fp
    return fp()


def _is_url(path: str) -> bool:
    return "://" in path


def _prepare_dataset(dataset: str) -> None:
    """Empty the dataset folders of parts from an earlier run (only our own part files are removed)."""
    if _is_url(dataset):
        return
    for sub in ("articles", "statements"):
        folder = Path(dataset) / sub
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("part-*.parquet"):
            old.unlink()


def process_batch(batch_no: int, items: list[tuple[int, RawArticle, Reference | None]], dataset: str | None,
                  sentiment: str | None = None) -> list[tuple[int, tuple]]:
    """Run the per-article steps over one batch (on a worker); write its rows as one dataset part.

    ``sentiment``: the sentiment mode the client's build chose (a worker process does not share its state).
    """
    import pandas as pd

    from analysis import schema
    from analysis.pipeline import _process_batch
    from analysis.scoring import set_sentiment_mode

    if sentiment is not None:
        set_sentiment_mode(sentiment)

    results = list(zip((i for i, _, _ in items), _process_batch([(raw, ref) for _, raw, ref in items])))
    # The dataset holds the first pass; articles dated again in the corpus pass (ref given) are not rewritten.
    first = [out for (_, out), (_, _, ref) in zip(results, items) if ref is None and out[3] is None]
    if dataset is not None and first:
        arts = [{k: v for k, v in out[1].items() if k != "_dating"} for out in first]
        rows = [r for out in first for r in out[2]]
        for sub, records, cols in (("articles", arts, schema.ARTICLE_COLUMNS), ("statements", rows, schema.STATEMENT_COLUMNS)):
            frame = schema.conform(pd.DataFrame(records) if records else pd.DataFrame(), cols)
            frame = frame[[c.name for c in cols]]  # the documented columns only, so every part has one schema
            target = f"{dataset.rstrip('/')}/{sub}/part-{batch_no:06d}.parquet"
            if _is_url(target):
                frame.to_parquet(target, index=False)
            else:
                from analysis.storage import write_parquet_atomic
                write_parquet_atomic(frame, Path(target))
    return results


class DaskRunner:
    """A ``runner`` for ``build_corpus``: batches of articles as Dask tasks, a bounded number in flight."""

    def __init__(self, client, dataset: str | None, batch_size: int | None = None):
        self.client = client
        self.dataset = dataset
        self.batch_size = batch_size
        self.next_batch = 0  # part numbers continue across calls (first pass, then articles dated again)

    def __call__(self, todo: list[tuple[int, RawArticle, Reference | None]], workers: int | None) -> Iterator[tuple[int, tuple]]:
        from dask.distributed import as_completed

        from analysis.scoring import sentiment_mode

        if not todo:
            return
        mode = sentiment_mode()  # chosen by build_corpus for this corpus, before it calls the runner
        threads = max(1, sum(self.client.nthreads().values()))
        # Several batches per worker so a slow batch does not leave the others idle at the end.
        size = self.batch_size or max(4, min(128, len(todo) // (threads * 6) or 1))
        batches = [todo[k:k + size] for k in range(0, len(todo), size)]
        window = threads * 3  # bounded: the client never ships the whole corpus to the scheduler at once
        pending = iter(enumerate(batches, start=self.next_batch))
        self.next_batch += len(batches)
        futures = as_completed()
        for no, batch in _take(pending, window):
            futures.add(self.client.submit(process_batch, no, batch, self.dataset, mode, pure=False))
        for fut in futures:
            for i, out in fut.result():
                yield i, out
            fut.release()
            for no, batch in _take(pending, 1):
                futures.add(self.client.submit(process_batch, no, batch, self.dataset, mode, pure=False))


def _take(it: Iterator, n: int) -> list:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out


def connect(scheduler: str | None = None, *, n_workers: int | None = None, processes: bool = True):
    """A Dask client: to the scheduler at ``scheduler``, else to a new ``LocalCluster`` (closed with the client)."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler)
    cluster = LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1, processes=processes,
                           dashboard_address=None, silence_logs=logging.WARNING)
    client = Client(cluster)
    client._rift_own_cluster = cluster  # closed in build_with_dask
    return client


def check_workers(client) -> None:
    mine = code_fingerprint()
    try:
        theirs = client.run(_worker_fingerprint)
    except Exception as exc:  # noqa: BLE001 - typically: the package is not installed on the workers
        raise RuntimeError(f"the Dask workers cannot run the analysis package ({type(exc).__name__}: {exc}); "
                           "install this checkout on every worker and restart them") from exc
    if not theirs:
        raise RuntimeError("the Dask cluster has no workers")
    wrong = sorted(addr for addr, fp in theirs.items() if fp != mine)
    if wrong:
        raise RuntimeError(
            f"{len(wrong)} Dask worker(s) run another version of the analysis package ({', '.join(wrong[:3])}"
            f"{' …' if len(wrong) > 3 else ''}); install this checkout on every worker and restart them.")


def build_with_dask(sources: Iterable[str | os.PathLike] | str | os.PathLike, out_dir: str | os.PathLike | None = None,
                    scheduler: str | None = None, *, client=None, n_workers: int | None = None, processes: bool = True,
                    dataset: str | os.PathLike | None = None, batch_size: int | None = None,
                    cache_dir: str | os.PathLike | None = None, sentiment: str = "auto", progress=None) -> BuildResult:
    """Build the frames of ``sources`` on a Dask cluster; the result equals ``build_corpus(sources)``.

    ``scheduler``: address of a running scheduler (``tcp://host:8786``); None starts a ``LocalCluster`` of
    ``n_workers`` processes (default: one per core; ``processes=False`` runs threads in this process).
    ``client``: an existing ``dask.distributed.Client`` to use instead.
    ``dataset``: where the per-article Parquet dataset goes (default ``<out_dir>/dataset``; None without
    ``out_dir``: no dataset). ``cache_dir``: the per-article cache of the local build (default: none, so
    every article is processed on the cluster and the dataset is complete). ``sentiment``: as for
    ``build_corpus`` (the mode it picks is sent to the workers with each batch).
    """
    if dataset is None and out_dir is not None:
        dataset = Path(out_dir) / "dataset"
    dataset_s = None if dataset is None else (str(dataset) if _is_url(str(dataset)) else str(Path(dataset).resolve()))
    own = client is None
    if own:
        client = connect(scheduler, n_workers=n_workers, processes=processes)
    try:
        check_workers(client)
        if dataset_s is not None:
            _prepare_dataset(dataset_s)
        runner = DaskRunner(client, dataset_s, batch_size)
        return build_corpus(sources, cache_dir=cache_dir, progress=progress, runner=runner, sentiment=sentiment)
    finally:
        if own:
            cluster = getattr(client, "_rift_own_cluster", None)
            client.close()
            if cluster is not None:
                cluster.close()
