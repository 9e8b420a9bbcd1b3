"""Target-dependent news sentiment trained on NewsMTSC, run without PyTorch.

Two models ship in ``analysis/data/sentiment_model/`` and are produced by
``python -m analysis.train_sentiment`` from NewsMTSC's training split only:

* ``encoder`` — all-MiniLM-L6-v2 fine-tuned on sentence–target pairs, exported
  to ONNX and run with onnxruntime and a fast tokenizer (``tokenizer.json``).
* ``fast`` — TF-IDF features of the sentence and of a window around the target
  with a multinomial logistic regression, stored as plain arrays so that it runs
  on NumPy alone; for corpora too large for the encoder.

The encoder mode, as shipped, is calibrated after training: its probabilities
are averaged with the fast model's and a per-class bias is added to the log of
that average (``"calibration"`` in ``encoder.json``; both parameters were chosen
on the dev splits, see docs/sentiment_model.md).

Both answer the same question: what does the sentence say about the target
whose character span is given (or about its subject, when no span is given)?
Labels are -1 (negative), 0 (neutral), 1 (positive); ``score`` is
p(positive) - p(negative), a number in [-1, 1] comparable to TextBlob polarity.

Heavy imports (onnxruntime, tokenizers) happen in ``load`` so that importing
this module costs nothing to a build that never asks for the model.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import time
from functools import lru_cache
from itertools import repeat
from pathlib import Path

import numpy as np

from . import regexes

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "sentiment_model"
NEWSMTSC_DIR = Path(__file__).resolve().parent / "data" / "newsmtsc"

# Class index order used by both models and by the training code.
LABELS = np.array([-1, 0, 1], dtype=np.int64)
POLARITY_TO_CLASS = {2.0: 0, 4.0: 1, 6.0: 2}

TARGET_OPEN = "[TGT]"
TARGET_CLOSE = "[/TGT]"
# Sentences longer than this (in characters) are cut to a window around the
# target before tokenising: NewsMTSC has run-on "sentences" of several thousand
# characters, and what decides the label is near the mention.
MAX_CHARS = 600


# ---------------------------------------------------------------- NewsMTSC data


def newsmtsc_file(split: str, part: str = "test", root: Path | None = None) -> Path:
    """Path of a NewsMTSC file: split "train", or "rw"/"mt" with part "dev"/"test"."""
    root = Path(root) if root else NEWSMTSC_DIR
    if split == "train":
        return root / "train.jsonl"
    if split not in ("rw", "mt") or part not in ("dev", "test"):
        raise ValueError(f"unknown NewsMTSC split {split!r}/{part!r}")
    return root / f"newsmtsc-{split}" / f"{part}.jsonl"


def load_newsmtsc(path: Path) -> tuple[list[str], list[tuple[int, int]], np.ndarray]:
    """One row per (sentence, target): sentences, target spans, class indices 0/1/2."""
    sentences, spans, classes = [], [], []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            row = json.loads(line)
            for target in row["targets"]:
                sentences.append(row["sentence_normalized"])
                spans.append((int(target["from"]), int(target["to"])))
                classes.append(POLARITY_TO_CLASS[float(target["polarity"])])
    return sentences, spans, np.asarray(classes, dtype=np.int64)


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int = 3) -> float:
    scores = []
    for c in range(n_classes):
        tp = np.sum((y_pred == c) & (y_true == c))
        fp = np.sum((y_pred == c) & (y_true != c))
        fn = np.sum((y_pred != c) & (y_true == c))
        denom = 2 * tp + fp + fn
        scores.append(0.0 if denom == 0 else 2 * tp / denom)
    return float(np.mean(scores))


# ------------------------------------------------------------- fast featuriser

_TOKEN_RE = regexes.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[!?]")
WINDOW = 10
FEATURE_GROUPS = ("s", "w")  # whole sentence, window around the target


# Every character a token of two or more characters is made of ("!" and "?" are tokens of one).
_TOKEN_INNER = frozenset("abcdefghijklmnopqrstuvwxyz0123456789'’")


def _may_cut_a_token(lowered: str, at: int) -> bool:
    """Whether a token may run across position ``at`` (False: the text splits there without cutting one)."""
    return 0 < at < len(lowered) and lowered[at - 1] in _TOKEN_INNER and lowered[at] in _TOKEN_INNER


def fast_tokens(sentence: str, span: tuple[int, int] | None) -> tuple[list[str], int]:
    """Lower-cased word tokens with the target's words replaced by one <t>, and where <t> is (-1 without a span)."""
    lowered = sentence.lower()
    if span is None:
        return _TOKEN_RE.findall(lowered), -1
    start, end = span[0], span[1]
    if (
        isinstance(start, int)
        and isinstance(end, int)
        and 0 <= start < end <= len(lowered)
        and not _may_cut_a_token(lowered, start)
        and not _may_cut_a_token(lowered, end)
        and _TOKEN_RE.search(lowered, start, end)
    ):
        # No token crosses an end of the span, so the tokens before, inside and after it are those of each
        # part read alone (pos/endpos cut like slices: the pattern has no anchor and no look-around), and
        # the span holds a word. Three C-level scans instead of a Python loop over every token.
        before = _TOKEN_RE.findall(lowered, 0, start)
        return before + ["<t>"] + _TOKEN_RE.findall(lowered, end), len(before)
    return _tokens_around(lowered, span)


def _tokens_around(lowered: str, span: tuple[int, int]) -> tuple[list[str], int]:
    """fast_tokens for any span, token by token: every token that overlaps the span is the target."""
    tokens: list[str] = []
    target_at = -1
    for match in _TOKEN_RE.finditer(lowered):
        if match.start() < span[1] and match.end() > span[0]:
            if target_at < 0:
                target_at = len(tokens)
                tokens.append("<t>")
            continue
        tokens.append(match.group())
    if target_at < 0:
        # Span holds no word (punctuation, bad offsets): mark where it starts.
        target_at = sum(1 for m in _TOKEN_RE.finditer(lowered[: span[0]]))
        tokens.insert(target_at, "<t>")
    return tokens, target_at


def fast_features(sentence: str, span: tuple[int, int] | None) -> list[str]:
    """Feature strings of one pair; the target's own words are masked as <t>.

    Masking keeps the model from learning who is liked (entity priors of 2017
    US news) instead of what the sentence says about them.
    """
    tokens, target_at = fast_tokens(sentence, span)
    feats = ["s:" + t for t in tokens]
    feats += ["s:" + a + "_" + b for a, b in zip(tokens, tokens[1:])]
    if target_at >= 0:
        lo, hi = max(0, target_at - WINDOW), min(len(tokens), target_at + WINDOW + 1)
        # Which side a word is on matters ("X attacked" vs "attacked X"):
        # window words carry their side, window bigrams span the target.
        feats += ["w:l" + t for t in tokens[lo:target_at]]
        feats += ["w:r" + t for t in tokens[target_at + 1 : hi]]
        window = tokens[lo:hi]
        feats += ["w:" + a + "_" + b for a, b in zip(window, window[1:])]
    return feats


def group_ranges(vocab: list[str]) -> list[tuple[int, int]]:
    """Index range of each feature group; the vocabulary is stored group by group."""
    ranges, lo = [], 0
    for j in range(1, len(vocab) + 1):
        if j == len(vocab) or vocab[j].split(":", 1)[0] != vocab[lo].split(":", 1)[0]:
            ranges.append((lo, j))
            lo = j
    return ranges


def fast_vectorise(
    feats: list[str], vocab: dict[str, int], idf: np.ndarray, ranges: list[tuple[int, int]]
) -> tuple[np.ndarray, np.ndarray]:
    """Sparse TF-IDF row (indices, values), sublinear tf, each group l2-normalised.

    Normalising per group keeps a long sentence from drowning the window
    around the target.
    """
    counts: dict[int, int] = {}
    for f in feats:
        j = vocab.get(f)
        if j is not None:
            counts[j] = counts.get(j, 0) + 1
    if not counts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
    val = (1.0 + np.log(tf)) * idf[idx]
    for lo, hi in ranges:
        mask = (idx >= lo) & (idx < hi)
        norm = math.sqrt(float(np.dot(val[mask], val[mask])))
        if norm:
            val[mask] /= norm
    return idx, val


# ------------------------------------------------------------ encoder helpers


def mark_target(sentence: str, span: tuple[int, int] | None) -> tuple[str, str | None]:
    """Sentence with the target wrapped in markers (cut around it if very long), and the mention."""
    if span is None:
        return sentence[:MAX_CHARS], None
    start, end = span
    start, end = max(0, min(start, len(sentence))), max(0, min(end, len(sentence)))
    if end < start:
        start, end = end, start
    text = sentence[:start] + f"{TARGET_OPEN} " + sentence[start:end] + f" {TARGET_CLOSE}" + sentence[end:]
    mention = sentence[start:end].strip() or None
    if len(text) > MAX_CHARS:
        centre = start + len(TARGET_OPEN) + (end - start) // 2
        lo = min(max(0, centre - MAX_CHARS // 2), len(text) - MAX_CHARS)
        hi = lo + MAX_CHARS
        # Cut on spaces so that no word is split into nonsense subwords.
        if lo > 0 and " " in text[lo:centre]:
            lo = text.index(" ", lo) + 1
        if hi < len(text) and " " in text[centre:hi]:
            hi = text.rindex(" ", centre, hi)
        text = text[lo:hi]
    return text, mention


def load_tokenizer(path: Path, max_length: int):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
    return tokenizer


def encode_pairs(tokenizer, sentences, spans) -> list:
    """Tokenizer encodings of the marked sentences, the mention as second segment."""
    inputs = []
    for sentence, span in zip(sentences, spans):
        text, mention = mark_target(sentence, span)
        inputs.append((text, mention) if mention else text)
    return tokenizer.encode_batch(inputs)


# ------------------------------------------------------------------- the model


class SentimentModel:
    """A loaded sentiment model; ``predict`` scores sentence–target pairs."""

    name: str
    mode: str

    def __init__(self, name: str, mode: str, path: Path):
        self.name = name
        self.mode = mode
        self.path = path

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        mode: str = "encoder",
        threads: int | None = None,
        batch_size: int = 32,
        calibrated: bool = True,
    ) -> "SentimentModel":
        """Load the shipped model (offline, from files only).

        ``threads`` sets onnxruntime's intra-op threads (default: 1, so that a
        build can run one model per core in parallel processes).
        ``calibrated=False`` gives the encoder's raw probabilities (named after
        the raw network), for comparison; it has no effect on the fast mode.
        """
        path = Path(path) if path else DEFAULT_DIR
        if mode == "encoder":
            return _EncoderModel(path, threads=threads or 1, batch_size=batch_size, calibrated=calibrated)
        if mode == "fast":
            return _FastModel(path)
        raise ValueError(f"unknown sentiment model mode {mode!r} (use 'encoder' or 'fast')")

    def predict_proba(self, sentences: list[str], spans: list) -> np.ndarray:
        raise NotImplementedError

    def predict(
        self, sentences: list[str], spans: list[tuple[int, int] | None] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Label (-1/0/1), probability of that label, and score p_pos - p_neg per pair."""
        if spans is None:
            spans = [None] * len(sentences)
        if len(spans) != len(sentences):
            raise ValueError("sentences and spans differ in length")
        if not sentences:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty, empty
        probs = self.predict_proba(list(sentences), list(spans))
        # The largest probability of a row is the one at its argmax (the same element: no -0.0 in a softmax).
        return (
            LABELS[probs.argmax(axis=1)],
            probs.max(axis=1).astype(np.float64),
            (probs[:, 2] - probs[:, 0]).astype(np.float64),
        )

    def __repr__(self) -> str:
        return f"SentimentModel(name={self.name!r}, mode={self.mode!r})"


class _EncoderModel(SentimentModel):
    def __init__(self, path: Path, threads: int, batch_size: int, calibrated: bool = True):
        import onnxruntime as ort

        meta = json.loads((path / "encoder.json").read_text(encoding="utf-8"))
        calibration = meta.get("calibration") if calibrated else None
        name = meta["name"] if calibration or "calibration" not in meta else meta["calibration"]["base_name"]
        super().__init__(name, "encoder", path)
        self.meta = meta
        self.calibration = calibration
        if calibration:
            self.encoder_weight = float(calibration["encoder_weight"])
            self.log_bias = np.asarray(calibration["bias"], dtype=np.float64)
            self.partner = _FastModel(path) if self.encoder_weight < 1 else None
            if self.partner is not None and self.partner.name != calibration["fast_model"]:
                # Weights chosen for one fast model mean nothing for another.
                raise ValueError(
                    f"encoder calibration was chosen with {calibration['fast_model']!r}, "
                    f"but {path / 'fast.json'} holds {self.partner.name!r}"
                )
        self.batch_size = batch_size
        self.tokenizer = load_tokenizer(path / meta["tokenizer"], int(meta["max_length"]))
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        # The default memory arena keeps the peak of every batch shape it met (200 MB after five articles):
        # a dashboard on Community Cloud has 690 MB. Without it, memory returns to the system after each batch.
        options.enable_cpu_mem_arena = False
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(path / meta["onnx"]), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._input_names = {i.name for i in self.session.get_inputs()}

    def predict_proba(self, sentences, spans):
        encodings = encode_pairs(_no_padding(self.tokenizer), sentences, spans)
        # Batch pairs of similar length together: padding is wasted compute.
        order = np.argsort([len(e.ids) for e in encodings], kind="stable")
        probs = np.empty((len(sentences), 3), dtype=np.float32)
        for lo in range(0, len(order), self.batch_size):
            chunk = order[lo : lo + self.batch_size]
            width = max(len(encodings[i].ids) for i in chunk)
            ids = np.zeros((len(chunk), width), dtype=np.int64)
            mask = np.zeros_like(ids)
            types = np.zeros_like(ids)
            for row, i in enumerate(chunk):
                e = encodings[i]
                n = len(e.ids)
                ids[row, :n] = e.ids
                mask[row, :n] = 1
                types[row, :n] = e.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            feed = {k: v for k, v in feed.items() if k in self._input_names}
            probs[chunk] = self.session.run(["probs"], feed)[0]
        if self.calibration:
            probs = self._calibrate(probs, sentences, spans)
        return probs

    def _calibrate(self, probs: np.ndarray, sentences, spans) -> np.ndarray:
        """Average with the fast model, shift each class's log-probability, renormalise.

        The result is itself a distribution whose argmax is the calibrated
        decision, so ``predict``'s label, probability and score stay consistent.
        """
        mixed = probs.astype(np.float64)
        if self.partner is not None:
            w = self.encoder_weight
            mixed = w * mixed + (1.0 - w) * self.partner.predict_proba(sentences, spans)
        logits = np.log(mixed + _LOG_FLOOR) + self.log_bias
        logits -= logits.max(axis=1, keepdims=True)
        out = np.exp(logits)
        return (out / out.sum(axis=1, keepdims=True)).astype(np.float32)


# Keeps log() finite if both models put a class at exactly zero (float underflow).
_LOG_FLOOR = 1e-12


def _no_padding(tokenizer):
    # Padding is done per length-sorted batch in predict_proba instead.
    tokenizer.no_padding()
    return tokenizer


# The lookup tables ``_index_vocabulary`` derives from the vocabulary, stored beside the model: deriving them took
# a quarter of a worker's start-up (every process that extracts loads the model). Used only when made from the
# very vocabulary of fast.json (its hash is stored with them); otherwise derived again.
FAST_TABLES = "fast_tables.npz"
_TABLES = ("word_cols", "pair_code", "pair_cols", "group_of")


class _FastModel(SentimentModel):
    def __init__(self, path: Path):
        self._meta_bytes = (path / "fast.json").read_bytes()
        # The stored tables carry the model's name: parsing fast.json (its 63,000-word vocabulary) cost a tenth of
        # a process's start-up, for the name alone.
        name = self._load_tables(path / FAST_TABLES, hashlib.sha256(self._meta_bytes).hexdigest())
        if name is None:
            self.ranges = group_ranges(self.meta["vocab"])
            self._index_vocabulary(self.meta["vocab"])
            name = self.meta["name"]
        super().__init__(name, "fast", path)
        with np.load(path / "fast.npz") as arrays:
            self.idf = arrays["idf"].astype(np.float32)
            self.coef = arrays["coef"].astype(np.float32)  # (n_features, 3)
            self.intercept = arrays["intercept"].astype(np.float32)
        # Side by side, one gather brings what a feature weighs (one memory line instead of two).
        self._idf_coef = np.column_stack([self.idf, self.coef])
        # Where each group but the first starts: a column's group is the number of these it has reached, which
        # is ``self._group_of[column]`` worked out instead of read from a table at random (a build that does much
        # else leaves that table out of the CPU caches; the ranges run one after the other from column 0).
        self._group_starts = np.array([lo for lo, _ in self.ranges[1:]], dtype=np.int64)

    @functools.cached_property
    def meta(self) -> dict:
        """fast.json: the model's name, training settings and vocabulary."""
        return json.loads(self._meta_bytes.decode("utf-8"))

    @functools.cached_property
    def vocab(self) -> dict[str, int]:
        """Feature -> column (the reference featuriser's view; scoring uses the tables)."""
        return {f: j for j, f in enumerate(self.meta["vocab"])}

    def _load_tables(self, file: Path, vocab_hash: str) -> str | None:
        """The tables stored for the fast.json of this hash; returns the model's name, None when there are none."""
        try:
            with np.load(file) as t:
                if str(t["vocab_hash"]) != vocab_hash:
                    return None
                name = str(t["name"])
                tokens = t["tokens"].tolist()
                self.ranges = [tuple(r) for r in t["ranges"].tolist()]
                tables = {k: t[k] for k in _TABLES}
        except (OSError, KeyError, ValueError):
            return None
        self._token_id = dict(zip(tokens, range(len(tokens))))
        self._unknown = len(tokens)
        k = len(tokens) + 1
        self._code_type = np.int32 if k * k < 2**31 else np.int64
        self._word_cols, self._pair_code, self._pair_cols, self._group_of = (tables[n] for n in _TABLES)
        return name

    def write_tables(self, file: Path) -> None:
        """Store the tables derived from this model's vocabulary (``train_sentiment`` does it after training; a
        test checks that the shipped ones are those of the shipped vocabulary)."""
        self.ranges = group_ranges(self.meta["vocab"])
        self._index_vocabulary(self.meta["vocab"])
        tokens = sorted(self._token_id, key=self._token_id.get)
        np.savez(file, vocab_hash=hashlib.sha256((self.path / "fast.json").read_bytes()).hexdigest(), name=self.name,
                 tokens=np.array(tokens, dtype=str), ranges=np.array(self.ranges, dtype=np.int64).reshape(-1, 2),
                 **{name: getattr(self, "_" + name) for name in _TABLES})

    def _index_vocabulary(self, vocab: list[str]) -> None:
        """Number the features by token ids, so that scoring looks up each token once and builds no string.

        Each token of a vocabulary feature gets an id; every other token shares the id ``self._unknown``,
        which is in no feature. ``self._word_cols[t]`` holds the columns of token t as a sentence word, a
        window word on the left and one on the right; a bigram (a, b) has the code aK + b (K = that id + 1),
        sorted in ``self._pair_code``, and its columns as a sentence and as a window bigram in the same row of
        ``self._pair_cols``. -1 means "not in the vocabulary"; the last row of ``self._pair_cols`` is the
        answer for every bigram that is not there.
        Tokens never contain "_", so "s:a_b" is exactly the bigram (a, b), and a window word ("w:l<word>",
        "w:r<word>") is told from a window bigram by having no "_". An entry fast_features cannot produce
        (two "_", a window word without its side) is never looked up, and is left out.
        """
        token_id: dict[str, int] = {}
        words: list[tuple[int, int, int]] = []
        pairs: list[tuple[int, int, int, int]] = []
        for col, feature in enumerate(vocab):
            group, rest = feature.split(":", 1)
            if "_" in rest:
                pair = rest.split("_")
                if len(pair) == 2:
                    ids = [token_id.setdefault(t, len(token_id)) for t in pair]
                    pairs.append((ids[0], ids[1], int(group == "w"), col))
            elif group == "s" or rest[:1] in ("l", "r"):
                kind, word = (0, rest) if group == "s" else (1 if rest[0] == "l" else 2, rest[1:])
                words.append((token_id.setdefault(word, len(token_id)), kind, col))
        self._token_id = token_id
        self._unknown = len(token_id)
        k = len(token_id) + 1
        # 32-bit codes when they fit: smaller tables, fewer cache misses in a build that does much else.
        self._code_type = np.int32 if k * k < 2**31 else np.int64
        self._word_cols = np.full((k, 3), -1, dtype=np.int32)
        for token, kind, col in words:
            self._word_cols[token, kind] = col
        codes = sorted({a * k + b for a, b, _, _ in pairs})
        row_of_code = {code: row for row, code in enumerate(codes)}
        # Ends with k², above every code: a search never runs off the end, and that last row says "absent".
        self._pair_code = np.array(codes + [k * k], dtype=self._code_type)
        self._pair_cols = np.full((len(codes) + 1, 2), -1, dtype=np.int32)
        for a, b, window, col in pairs:
            self._pair_cols[row_of_code[a * k + b], window] = col
        # One byte per column: this table is read at random for every feature, in a build that does much else.
        self._group_of = np.zeros(len(vocab), dtype=np.uint8)
        for group, (lo, hi) in enumerate(self.ranges):
            self._group_of[lo:hi] = group

    def _pair_rows(self, codes: np.ndarray) -> np.ndarray:
        """Row of ``self._pair_cols`` for each bigram code (its last row for a bigram not in the vocabulary)."""
        at = np.searchsorted(self._pair_code, codes)
        at[self._pair_code[at] != codes] = len(self._pair_code) - 1
        return at

    def _feature_counts(self, sentences, spans) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of every vocabulary feature of the batch, in ``fast_features`` order within a row.

        That order is the order of the sums that make each row's norms and logits, so keeping it keeps
        every probability bit for bit what ``fast_vectorise`` row by row gives.
        """
        tokens: list[str] = []
        starts: list[int] = []
        templates: list[np.ndarray] = []
        for sentence, span in zip(sentences, spans):
            sentence_tokens, target_at = fast_tokens(sentence, span)
            starts.append(len(tokens))
            tokens += sentence_tokens
            templates.append(_feature_template(len(sentence_tokens), target_at))
        n_tok = len(tokens)
        tok = np.fromiter(map(self._token_id.get, tokens, repeat(self._unknown)), dtype=self._code_type, count=n_tok)
        # Every column a token can give, token by token (see _feature_template); the bigram slots of a row's
        # last token are filled with the next row's first token, and no template reads them.
        slots = np.empty((n_tok, _SLOTS), dtype=np.int32)
        slots[:, :3] = self._word_cols[tok]
        slots[:-1, 3:] = self._pair_cols[self._pair_rows(tok[:-1] * (self._unknown + 1) + tok[1:])]
        slots[-1:, 3:] = -1
        sizes = np.fromiter(map(len, templates), dtype=np.int64, count=len(templates))
        where = np.concatenate(templates) if templates else np.zeros(0, dtype=np.int64)
        col = slots.ravel()[where + np.repeat(np.array(starts, dtype=np.int64) * _SLOTS, sizes)]
        row = np.repeat(np.arange(len(templates)), sizes)
        # Row by row in fast_features' order; each (row, column) keeps its first place and counts its repeats.
        n_cols = len(self.idf)
        key = (row * n_cols + col)[col >= 0]
        by_key = np.argsort(key, kind="stable")  # a stable sort puts each key's first place first
        sorted_key = key[by_key]
        run_starts = np.empty(len(key), dtype=bool)
        run_starts[:1] = True
        np.not_equal(sorted_key[1:], sorted_key[:-1], out=run_starts[1:])
        run_start = np.flatnonzero(run_starts)
        count = np.empty_like(run_start)
        count[:-1] = run_start[1:]
        count[-1:] = len(key)
        count -= run_start
        count_at_first_place = np.zeros(len(key), dtype=np.int64)
        count_at_first_place[by_key[run_start]] = count
        first = np.flatnonzero(count_at_first_place)
        row_of, col_of = np.divmod(key[first], n_cols)
        return row_of, col_of, count_at_first_place[first]

    def predict_proba(self, sentences, spans):
        # The whole batch as one sparse matrix: fast_vectorise row by row spent most of its time in NumPy's
        # per-call overhead on arrays of a few dozen values. Same TF-IDF, same per-group normalisation.
        n = len(sentences)
        n_classes = len(self.intercept)
        row_of, idx, counts = self._feature_counts(sentences, spans)
        if not len(idx):
            logits = np.repeat(self.intercept[None, :], n, axis=0)
        else:
            weights = self._idf_coef[idx]
            val = (1.0 + np.log(counts.astype(np.float32))) * weights[:, 0]
            n_groups = len(self.ranges)
            cell = row_of * n_groups + np.searchsorted(self._group_starts, idx, side="right")
            norm = np.sqrt(np.bincount(cell, weights=np.square(val, dtype=np.float64), minlength=n * n_groups))
            norm = np.where(norm > 0, norm, 1.0)
            # Divided in float64, stored in float32, as fast_vectorise does it.
            val = np.divide(val, norm[cell], out=np.empty_like(val), casting="same_kind")
            contrib = val[:, None] * weights[:, 1:]
            # One bincount for all classes: bin (row, class) still adds its terms in feature order.
            bins = (row_of[:, None] * n_classes + np.arange(n_classes)).ravel()
            sums = np.bincount(bins, weights=contrib.ravel(), minlength=n * n_classes)
            # Sums plus intercept, in float32: the same additions as intercept plus sums.
            logits = sums.reshape(n, n_classes).astype(np.float32)
            logits += self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        probs = np.exp(logits, out=logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return probs


# Per token, the columns it can give: as a sentence word, a window word on the left, on the right, and the
# bigram it starts as a sentence bigram and as a window bigram.
_SLOTS = 5


# Rows up to this many tokens (nearly every news sentence) reuse their template: a few MB at most.
_CACHED_TEMPLATE_TOKENS = 100


def _feature_template(length: int, target_at: int) -> np.ndarray:
    """Where a row's features are in its tokens' slots (token * _SLOTS + slot), in ``fast_features`` order.

    Which features a row has depends only on its number of tokens and where its target is; what they are
    comes from the slots.
    """
    if length <= _CACHED_TEMPLATE_TOKENS:
        return _cached_feature_template(length, target_at)
    return _build_feature_template(length, target_at)


def _build_feature_template(length: int, target_at: int) -> np.ndarray:
    at = np.arange(length, dtype=np.int32)
    parts = [at * _SLOTS, at[:-1] * _SLOTS + 3]
    if target_at >= 0:
        lo, hi = max(0, target_at - WINDOW), min(length, target_at + WINDOW + 1)
        parts += [at[lo:target_at] * _SLOTS + 1, at[target_at + 1 : hi] * _SLOTS + 2, at[lo : hi - 1] * _SLOTS + 4]
    template = np.concatenate(parts)
    template.flags.writeable = False  # a cached one is shared by every row of that shape
    return template


_cached_feature_template = lru_cache(maxsize=4096)(_build_feature_template)


# ------------------------------------------------------------------ evaluation


def evaluate_newsmtsc(
    model: SentimentModel, split: str, part: str = "test", limit: int | None = None, seed: int = 0
) -> dict:
    """Macro-F1 and accuracy of ``model`` on a NewsMTSC split ("rw" or "mt").

    ``limit`` evaluates a fixed random sample of that many pairs (same sample
    for a given seed), for checks that must stay fast.
    """
    sentences, spans, gold = load_newsmtsc(newsmtsc_file(split, part))
    if limit is not None and limit < len(gold):
        pick = np.sort(np.random.default_rng(seed).choice(len(gold), size=limit, replace=False))
        sentences = [sentences[i] for i in pick]
        spans = [spans[i] for i in pick]
        gold = gold[pick]
    started = time.perf_counter()
    labels, _, _ = model.predict(sentences, spans)
    seconds = time.perf_counter() - started
    pred = labels + 1  # -1/0/1 -> class index
    return {
        "model": model.name,
        "split": f"{split}-{part}",
        "macro_f1": round(100 * macro_f1(gold, pred), 2),
        "accuracy": round(100 * float(np.mean(gold == pred)), 2),
        "n": int(len(gold)),
        "seconds": round(seconds, 3),
    }


# ----------------------------------------------------------------- calibration

# Coarse grids: the dev splits are small (343 and 442 pairs), a fine grid would fit their noise.
CALIBRATION_WEIGHTS = tuple(round(0.1 * i, 1) for i in range(11))
CALIBRATION_BIASES = tuple(round(0.1 * i, 1) for i in range(-10, 11))
NEAR_TIE = 0.2  # points of mean dev macro-F1 within which the simpler setting wins
MIN_GAIN = 0.5  # the project's rule for any post-hoc change: half a point of mean dev macro-F1


def _calibrated_labels(enc: np.ndarray, fast: np.ndarray, w: float, b_neg: float, b_pos: float) -> np.ndarray:
    return np.argmax(np.log(w * enc + (1 - w) * fast + _LOG_FLOOR) + np.array([b_neg, 0.0, b_pos]), axis=1)


def choose_calibration(path: str | Path | None = None, threads: int = 1) -> dict:
    """Choose the encoder's calibration on the NewsMTSC **dev** splits (never test).

    Three candidates, each grid-searched to maximise the mean of rw-dev and
    mt-dev macro-F1, near-ties (within ``NEAR_TIE``) going to the smallest
    |bias| and then the largest encoder weight: (a) a bias on the negative and
    positive log-probabilities, (b) an average with the fast model, (c) both.
    One is adopted only if it beats the raw encoder by ``MIN_GAIN``; among those,
    the best, unless a simpler one (a, then b) is within ``NEAR_TIE`` of it.
    Returns the ``"calibration"`` entry for encoder.json, with ``"adopted"``.
    """
    path = Path(path) if path else DEFAULT_DIR
    raw = SentimentModel.load(path, mode="encoder", threads=threads, calibrated=False)
    fast = SentimentModel.load(path, mode="fast")
    dev = {}
    for split in ("rw", "mt"):
        sentences, spans, gold = load_newsmtsc(newsmtsc_file(split, "dev"))
        dev[split] = (raw.predict_proba(sentences, spans).astype(np.float64),
                      fast.predict_proba(sentences, spans).astype(np.float64), gold)

    def dev_f1(w, b_neg, b_pos):
        return {s: 100 * macro_f1(g, _calibrated_labels(e, f, w, b_neg, b_pos)) for s, (e, f, g) in dev.items()}

    table = {}
    for w in CALIBRATION_WEIGHTS:
        for b_neg in CALIBRATION_BIASES:
            for b_pos in CALIBRATION_BIASES:
                f1 = dev_f1(w, b_neg, b_pos)
                table[w, b_neg, b_pos] = (float(np.mean(list(f1.values()))), f1)
    before = table[1.0, 0.0, 0.0]
    variants = {
        "bias": [k for k in table if k[0] == 1.0],
        "mix": [k for k in table if k[1] == k[2] == 0.0],
        "mix+bias": list(table),
    }
    chosen = {}
    for variant, keys in variants.items():
        best = max(table[k][0] for k in keys)
        near = [k for k in keys if table[k][0] >= best - NEAR_TIE]
        chosen[variant] = min(near, key=lambda k: (round(abs(k[1]) + abs(k[2]), 6), -k[0], -table[k][0]))
    qualifying = [v for v in variants if table[chosen[v]][0] >= before[0] + MIN_GAIN]
    adopted = None
    if qualifying:
        top = max(table[chosen[v]][0] for v in qualifying)
        adopted = next(v for v in qualifying if table[chosen[v]][0] >= top - NEAR_TIE)
    w, b_neg, b_pos = chosen[adopted] if adopted else (1.0, 0.0, 0.0)
    after = table[w, b_neg, b_pos]

    def rounded(entry):
        return {"rw": round(entry[1]["rw"], 2), "mt": round(entry[1]["mt"], 2), "mean": round(entry[0], 2)}

    return {
        "adopted": adopted,
        "base_name": raw.name,
        "encoder_weight": w,
        "fast_model": fast.name,
        "bias": [b_neg, 0.0, b_pos],
        "class_order": ["negative", "neutral", "positive"],
        "method": "p = w p_encoder + (1 - w) p_fast; p' proportional to p * exp(bias); label = argmax p'",
        "chosen_on": "dev",
        "rule": (f"grid w in 0..1, bias_neg/bias_pos in -1..1 (step 0.1, bias_neutral 0) maximising mean rw/mt dev "
                 f"macro-F1; within {NEAR_TIE} of the best: smallest |bias|, then largest w; adopted only if "
                 f"+{MIN_GAIN} over the raw encoder"),
        "dev_before": rounded(before),
        "dev_after": rounded(after),
        "candidates_dev": {v: dict(rounded(table[k]), encoder_weight=k[0], bias=[k[1], 0.0, k[2]])
                           for v, k in chosen.items()},
    }


def write_calibration(path: str | Path | None = None, threads: int = 1) -> dict:
    """Run ``choose_calibration`` and record the result in encoder.json (name included)."""
    path = Path(path) if path else DEFAULT_DIR
    meta_file = path / "encoder.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    base = meta.get("calibration", {}).get("base_name", meta["name"])
    meta["name"] = base
    meta.pop("calibration", None)
    meta_file.write_text(json.dumps(meta, indent=1), encoding="utf-8")  # so that the raw model is scored
    calibration = choose_calibration(path, threads=threads)
    if calibration.pop("adopted"):
        meta["name"] = base + ("-mixcal" if calibration["encoder_weight"] < 1 else "-cal")
        meta["calibration"] = calibration
        meta_file.write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return meta


def _main() -> None:  # pragma: no cover - convenience report
    import argparse

    parser = argparse.ArgumentParser(description="Evaluate the shipped sentiment models on NewsMTSC test.")
    parser.add_argument("--mode", choices=["encoder", "fast"], nargs="+", default=["fast", "encoder"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--path", default=None)
    parser.add_argument("--raw", action="store_true", help="encoder without its dev-chosen calibration")
    parser.add_argument("--calibrate", action="store_true",
                        help="choose the encoder's calibration on the dev splits and write it to encoder.json")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    if args.calibrate:
        meta = write_calibration(args.path, threads=args.threads)
        print(json.dumps({"name": meta["name"], "calibration": meta.get("calibration")}, indent=1))
        return
    for mode in args.mode:
        model = SentimentModel.load(args.path, mode=mode, threads=args.threads, calibrated=not args.raw)
        for split in ("rw", "mt"):
            result = evaluate_newsmtsc(model, split)
            result["pairs_per_s"] = round(result["n"] / result["seconds"], 1)
            print(json.dumps(result))


if __name__ == "__main__":  # pragma: no cover
    _main()
