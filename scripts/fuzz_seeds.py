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
