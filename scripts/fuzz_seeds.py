"""Writes libFuzzer seed corpora from ../shared/data: python scripts/fuzz_seeds.py OUT_DIR [N]

Text targets get N article snippets (title + start of text, up to 1.5 KB) prefixed with one option byte.
Model and index loaders get seeds from fuzz_model_seeds (written by the Python package, when installed).
"""

import gzip
import json
import os
import sys
from pathlib import Path

out = Path(sys.argv[1])
count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
data = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
texts = []
for corpus in ("egy2013", "jawhara"):
    path = data / corpus / "articles.jsonl.gz"
    if not path.exists():
        continue
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 97:
                continue
            a = json.loads(line)
            texts.append((a["title"] + "\n" + a["text"]).encode("utf-8")[:1500])
            if len(texts) >= count:
                break
# Hand-made seeds: obfuscation, presentation forms, marks, invalid bytes.
texts += ["في أعقـ.ـاب القمة".encode(), "ﻷﹰ ﷲ ﷺ".encode(), "ا\u0654 e\u0301 ١٢٬٥٠٠".encode(), b"\xff\xfe\xed\xa0\x80"]
for target in ("normalizer_fuzzer", "analyzer_fuzzer", "tokenizer_fuzzer"):
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    for i, t in enumerate(texts):
        (d / f"seed{i:04d}").write_bytes(bytes([i % 256]) + t)
print(f"wrote {len(texts)} seeds per text target to {out}")

# Loader targets: real files written by the installed package (skipped when akhbar is not importable).
try:
    import akhbar
except ImportError:
    akhbar = None
if akhbar is not None:
    docs = [t.decode("utf-8", "replace") for t in texts[:60]]
    d = out / "vectorizer_loader_fuzzer"
    d.mkdir(parents=True, exist_ok=True)
    models = {
        "tfidf": akhbar.TfidfVectorizer(),
        "bm25": akhbar.TfidfVectorizer(weighting="bm25", ngram_range=(1, 2), min_df=2),
        "count": akhbar.CountVectorizer(max_features=50),
        "charwb": akhbar.TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), dtype="float32"),
    }
    for name, model in models.items():
        (d / f"{name}.akhbar").write_bytes(model.fit(docs).to_bytes())
    (d / "hashing.akhbar").write_bytes(akhbar.HashingVectorizer(n_features=2**12).to_bytes())
    related = getattr(akhbar, "RelatedArticles", None)
    if related is not None and hasattr(related, "to_bytes"):
        d = out / "index_loader_fuzzer"
        d.mkdir(parents=True, exist_ok=True)
        try:
            (d / "index.akhbar").write_bytes(related().fit(docs).to_bytes())
        except Exception as e:  # the index is optional for the seeds; say why it is missing
            print(f"no index seed: {e}", file=sys.stderr)
    print("wrote model seeds for the loader targets")
