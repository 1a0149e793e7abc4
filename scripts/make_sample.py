"""Cuts the demo sample bundled with the package from ../shared/data/egy2013 (deterministic).

Takes whole silver story clusters of 3 to 6 articles (so the demo has real related coverage to find) until
about 300 articles, then 100 more articles outside any cluster, all from 1-7 Feb 2013.
Run: python scripts/make_sample.py [../shared/data] ; writes python/akhbar/data/egy2013_sample.jsonl.gz
"""

import gzip
import json
import random
import sys
from pathlib import Path

root = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "data")
out = Path(__file__).resolve().parents[1] / "python" / "akhbar" / "data" / "egy2013_sample.jsonl.gz"

articles = {}
with gzip.open(root / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        a = json.loads(line)
        if a["date"] < "2013-02-08" and a["dup_of"] is None and a["text"].strip():
            articles[a["id"]] = a

rng = random.Random(2013)
clusters = []
with gzip.open(root / "egy2013" / "silver_story_clusters.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        c = json.loads(line)
        if 3 <= len(c["ids"]) <= 6 and all(i in articles for i in c["ids"]):
            clusters.append(c["ids"])
rng.shuffle(clusters)
chosen, in_cluster = [], set()
for ids in clusters:
    if len(chosen) >= 300:
        break
    chosen.extend(ids)
with gzip.open(root / "egy2013" / "silver_story_clusters.jsonl.gz", "rt", encoding="utf-8") as f:
    for line in f:
        in_cluster.update(json.loads(line)["ids"])
others = sorted(i for i in articles if i not in in_cluster)
chosen.extend(rng.sample(others, 100))
chosen = sorted(set(chosen), key=lambda i: (articles[i]["date"], i))

out.parent.mkdir(parents=True, exist_ok=True)
keep = ("id", "source", "title", "text", "date")
with gzip.GzipFile(out, "wb", mtime=0) as raw:
    for i in chosen:
        raw.write((json.dumps({k: articles[i][k] for k in keep}, ensure_ascii=False) + "\n").encode("utf-8"))
print(f"wrote {len(chosen)} articles to {out}")
