"""A full build on workers sends each batch of articles to them as it is read, not after the last file."""
import pandas as pd

from analysis import pipeline, reader
from analysis.document import FileReport
from analysis.pipeline import build_corpus
from analysis.synth import write_corpus


def _record_reading_and_sending(monkeypatch) -> list[str]:
    events: list[str] = []
    real_iter = reader.iter_sources

    def iter_sources(*a, **k):
        for item in real_iter(*a, **k):
            if not isinstance(item, FileReport):  # an article, not a file's report line
                events.append("read")
            yield item

    monkeypatch.setattr(reader, "iter_sources", iter_sources)
    real_submit = pipeline.ProcessPoolExecutor.submit

    def submit(self, fn, *a, **k):
        if fn is not int:  # the warm-up's empty tasks
            events.append("sent")
        return real_submit(self, fn, *a, **k)

    monkeypatch.setattr(pipeline.ProcessPoolExecutor, "submit", submit)
    return events


def test_workers_get_articles_while_the_rest_are_still_read(tmp_path, monkeypatch):
    folder = tmp_path / "corpus"
    write_corpus(120, folder, seed=11)
    monkeypatch.setattr(pipeline, "ENCODER_MAX_ARTICLES", 20)  # the model is known after 21 articles
    modes = []
    real_mode = pipeline.set_sentiment_mode
    monkeypatch.setattr(pipeline, "set_sentiment_mode", lambda m: modes.append(m) or real_mode(m))
    events = _record_reading_and_sending(monkeypatch)
    streamed = build_corpus([folder], workers=2, sentiment="auto")
    assert "sent" in events
    first_sent, last_read = events.index("sent"), len(events) - 1 - events[::-1].index("read")
    assert first_sent < last_read, "the first batch went out before the last article was read"
    assert events[:first_sent].count("read") == 21, "the model was chosen after 21 articles, then a batch went out"
    assert modes[0] == "fast", "more articles than the encoder's limit: the fast model, as a build that counts them all"
    monkeypatch.undo()
    one = build_corpus([folder], workers=1, sentiment="fast")
    pd.testing.assert_frame_equal(streamed.articles, one.articles)
    pd.testing.assert_frame_equal(streamed.statements, one.statements)


def test_a_small_corpus_is_counted_whole_before_the_model_is_chosen(tmp_path, monkeypatch):
    """Fewer articles than the encoder's limit: every one is read before the model is chosen (the encoder, as a
    build that counts them all would choose)."""
    folder = tmp_path / "corpus"
    write_corpus(pipeline._FEW_ARTICLES + 4, folder, seed=12)
    chosen = []
    monkeypatch.setattr(pipeline, "_resolve_sentiment", lambda requested, n: chosen.append(n) or "fast")
    events = _record_reading_and_sending(monkeypatch)
    build_corpus([folder], workers=2, sentiment="auto")
    assert chosen == [pipeline._FEW_ARTICLES + 4]
    assert events.index("sent") > len(events) - 1 - events[::-1].index("read")


def test_the_workers_are_let_go_before_the_frames_are_made_and_none_outlives_the_build(tmp_path, monkeypatch):
    """Once the corpus pass needs no more articles processed, the workers are told to exit (they exit while the
    frames are made); the build still returns only once they are gone."""
    import multiprocessing

    folder = tmp_path / "corpus"
    write_corpus(pipeline._FEW_ARTICLES + 10, folder, seed=13)
    released = []
    real_frame = pipeline._FramePieces.frame

    def frame(self, *a, **k):
        released.append(runner[0]._pool is None and runner[0]._exiting is not None)
        return real_frame(self, *a, **k)

    runner = []
    real_init = pipeline._LocalRunner.__init__
    monkeypatch.setattr(pipeline._LocalRunner, "__init__", lambda self: runner.append(self) or real_init(self))
    monkeypatch.setattr(pipeline._FramePieces, "frame", frame)
    build_corpus([folder], workers=2, sentiment="fast")
    assert released == [True], "the pool was shut down before the statements frame was made"
    assert multiprocessing.active_children() == []
