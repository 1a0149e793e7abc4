"""Which analyser defaults find related articles best? egy2013 silver same-story pairs, TF-IDF + cosine.

For each option set (stemmer none / light / snowball x Arabic stop words on / off, plus scikit-learn's default
analyser as a baseline), fits scikit-learn's TfidfVectorizer with ``akhbar.Analyzer(**options)`` as its callable
analyser on a corpus made of the articles of sampled silver pairs plus random distractor articles. Each query
article's partner(s) must then be found among all other articles by cosine similarity, from three queries:
the whole article ("full": easy, the pairs share half their word 5-grams), its title ("title") and its first
25 words ("lead"). Reports recall@10 and MRR of the partner. Fixed seed; a few minutes.

    python benchmarks/python/quality_analysis.py [--queries 1500] [--distractors 20000] [--seed 0]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

import akhbar

DATA = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))


def load(queries: int, distractors: int, seed: int):
    rng = random.Random(seed)
    with gzip.open(DATA / "egy2013" / "silver_same_story_pairs.jsonl.gz", "rt", encoding="utf-8") as f:
        pairs = [json.loads(line) for line in f]
    partners: dict[str, set[str]] = defaultdict(set)
    jac: dict[tuple[str, str], float] = {}
    for p in pairs:
        partners[p["a"]].add(p["b"])
        partners[p["b"]].add(p["a"])
        jac[(p["a"], p["b"])] = jac[(p["b"], p["a"])] = p["jaccard5"]
    chosen = rng.sample(pairs, min(queries, len(pairs)))
    query_ids = [p["a"] for p in chosen]
    needed = set(query_ids)
    for q in query_ids:
        needed |= partners[q]
    articles = {}
    with gzip.open(DATA / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        all_ids = []
        for line in f:
            r = json.loads(line)
            if r.get("dup_of"):
                continue
            all_ids.append(r["id"])
            articles[r["id"]] = ((r.get("title") or ""), (r.get("text") or ""))
    others = [i for i in all_ids if i not in needed]
    ids = sorted(needed & articles.keys()) + rng.sample(others, min(distractors, len(others)))
    docs = [t + "\n" + x for t, x in (articles[i] for i in ids)]
    titles = [articles[i][0] for i in ids]
    leads = [" ".join(articles[i][1].split()[:25]) for i in ids]
    index = {i: k for k, i in enumerate(ids)}
    queries_out = []
    for q in dict.fromkeys(query_ids):
        if q not in index:
            continue
        ps = [index[p] for p in partners[q] if p in index]
        if ps:
            queries_out.append((index[q], ps))
    return docs, titles, leads, queries_out


def evaluate(x, q, queries) -> tuple[float, float]:
    """Recall@10 and MRR of the partners of each query (row k of q is query k) among the rows of x."""
    xt = x.T.tocsr()
    hits, rrs = [], []
    for start in range(0, len(queries), 256):
        part = queries[start : start + 256]
        sims = (q[start : start + len(part)] @ xt).toarray()
        for row, (self_index, ps) in zip(sims, part):
            row[self_index] = -np.inf
            best = max(row[p] for p in ps)
            rank = 1 + int(np.sum(row > best))
            hits.append(rank <= 10)
            rrs.append(1.0 / rank)
    return float(np.mean(hits)), float(np.mean(rrs))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--queries", type=int, default=1500)
    p.add_argument("--distractors", type=int, default=20000)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()
    docs, titles, leads, queries = load(args.queries, args.distractors, args.seed)
    print(f"egy2013: {len(docs)} articles, {len(queries)} query articles with partners")
    configs: list[tuple[str, object]] = [("scikit-learn default analyser", "word")]
    for stemmer in ("none", "light", "snowball"):
        for stop in (False, True):
            configs.append((f"akhbar stemmer={stemmer:8s} stop_words={stop!s:5s}",
                            akhbar.Analyzer(stemmer=stemmer, stop_words=stop)))
    head = " ".join(f"{k + ' ' + m:>11s}" for k in ("full", "title", "lead") for m in ("R@10", "MRR"))
    print(f"{'analyser':45s} {'vocab':>7s} {head} {'fit s':>6s}")
    rows = [q for q, _ in queries]
    for name, analyzer in configs:
        t0 = time.perf_counter()
        vec = TfidfVectorizer(analyzer=analyzer)
        x = vec.fit_transform(docs).tocsr()
        fit = time.perf_counter() - t0
        cells = []
        for q in (x[rows], vec.transform([titles[i] for i in rows]), vec.transform([leads[i] for i in rows])):
            cells += list(evaluate(x, q.tocsr(), queries))
        print(f"{name:45s} {len(vec.vocabulary_):7d} " + " ".join(f"{c:11.3f}" for c in cells) + f" {fit:6.1f}",
              flush=True)


if __name__ == "__main__":
    main()
