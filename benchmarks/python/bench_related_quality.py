"""Related-articles quality on egy2013 and its silver same-story pairs: akhbar's defaults against scikit-learn.

For every silver pair (a, b) of two outlets' articles on one story, both directions are queries: does the partner
appear in the query article's top 10 (recall@10), and at which rank (MRR, ranks past 100 count as 0)? Rows:
all pairs, near-verbatim pairs (jaccard5 >= 0.9), rewritten ones (jaccard5 < 0.5). Title-only: an article's
title, as a new text, must find the article itself among all 55k.

Both systems index the same input, title + "\\n" + text, and rank by exact cosine over all articles (the ranking
uses akhbar's exact top-k engine on each system's matrix; scores are plain cosine, so the ranking is the one
`X @ X.T` gives). Systems:

- scikit-learn: ``TfidfVectorizer()`` (its defaults) on the raw text.
- akhbar: ``akhbar.RelatedArticles()`` (its defaults: akhbar.TfidfVectorizer with DEFAULT_VECTORIZER_OPTIONS,
  boilerplate stripped).

Run: python benchmarks/python/bench_related_quality.py [--limit N] [--variants]
(--variants also scores other akhbar settings, to choose the defaults.)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

import akhbar
from akhbar.related import DEFAULT_VECTORIZER_OPTIONS, RelatedArticles

K_RECALL = 10
K_RANK = 100


def data_dir() -> Path:
    env = os.environ.get("AKHBAR_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


def read_jsonl(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ranks_of(I: np.ndarray, queries: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """1-based rank of targets[i] in I[queries[i]] (0 if absent)."""
    rows = I[queries]
    hit = rows == targets[:, None]
    found = hit.any(axis=1)
    return np.where(found, hit.argmax(axis=1) + 1, 0)


def scores(ranks: np.ndarray) -> tuple[float, float]:
    recall = float(np.mean((ranks > 0) & (ranks <= K_RECALL)))
    mrr = float(np.mean(np.where(ranks > 0, 1.0 / np.maximum(ranks, 1), 0.0)))
    return recall, mrr


def evaluate(name: str, index: RelatedArticles, pairs, titles: list[str], title_queries: np.ndarray) -> dict:
    t = time.perf_counter()
    I, _ = index.all_related(k=K_RANK)
    a, b, j5 = pairs
    q = np.concatenate([a, b])
    tgt = np.concatenate([b, a])
    jac = np.concatenate([j5, j5])
    r = ranks_of(I, q, tgt)
    out = {"all": scores(r), "near-verbatim (j5>=0.9)": scores(r[jac >= 0.9]), "rewritten (j5<0.5)": scores(r[jac < 0.5])}
    # Title-only: the title as a new text, against every article (itself included).
    Q = index.vectorizer.transform([titles[i] for i in title_queries])
    from akhbar.related import _prepare_matrix

    Q = _prepare_matrix(Q)
    TI, _ = index._index().search(Q.indptr.astype(np.int64), Q.indices, Q.data, 0, Q.shape[0], K_RANK, 0.0, False, 0,
                                  None, None)
    out["title-only"] = scores(ranks_of(TI, np.arange(len(title_queries)), title_queries))
    out["seconds"] = time.perf_counter() - t
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="first N articles only (0: all 55k)")
    ap.add_argument("--variants", action="store_true", help="also score other akhbar settings")
    ap.add_argument("--title-queries", type=int, default=3000, help="articles whose title is a query")
    args = ap.parse_args()

    d = data_dir() / "egy2013"
    if not (d / "articles.jsonl.gz").exists():
        print(f"no corpus at {d}; set AKHBAR_SHARED_DATA", file=sys.stderr)
        return 1
    arts = read_jsonl(d / "articles.jsonl.gz")
    if args.limit:
        arts = arts[: args.limit]
    pos = {a["id"]: i for i, a in enumerate(arts)}
    raw_pairs = [p for p in read_jsonl(d / "silver_same_story_pairs.jsonl.gz") if p["a"] in pos and p["b"] in pos]
    pairs = (np.array([pos[p["a"]] for p in raw_pairs]), np.array([pos[p["b"]] for p in raw_pairs]),
             np.array([p["jaccard5"] for p in raw_pairs]))
    texts = [(a["title"] or "") + "\n" + a["text"] for a in arts]
    titles = [a["title"] or "" for a in arts]
    rng = np.random.default_rng(0)
    title_queries = np.sort(rng.choice([i for i, t in enumerate(titles) if t.strip()],
                                       size=min(args.title_queries, len(arts)), replace=False))
    meta = dict(ids=[a["id"] for a in arts], sources=[a["source"] for a in arts])
    print(f"egy2013: {len(arts)} articles, {len(raw_pairs)} silver pairs ({int((pairs[2] >= 0.9).sum())} "
          f"near-verbatim, {int((pairs[2] < 0.5).sum())} rewritten), {len(title_queries)} title queries; "
          f"akhbar {akhbar.__version__}")

    from sklearn.feature_extraction.text import TfidfVectorizer

    systems = {}
    t = time.perf_counter()
    sk = TfidfVectorizer()
    X = sk.fit_transform(texts)
    systems["scikit-learn TfidfVectorizer()"] = RelatedArticles.from_vectorizer(sk, X, progress=False, **meta)
    print(f"  scikit-learn vectorised in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    systems["akhbar RelatedArticles()"] = RelatedArticles(progress=False).fit(texts, **meta)
    print(f"  akhbar indexed in {time.perf_counter() - t:.1f} s (defaults {DEFAULT_VECTORIZER_OPTIONS})")
    if args.variants:
        base = {**DEFAULT_VECTORIZER_OPTIONS}
        variants = {
            "akhbar tfidf (not bm25)": dict(base, weighting="tfidf", sublinear_tf=True),
            "akhbar min_df=2": dict(base, min_df=2),
            "akhbar stemmer=light": dict(base, stemmer="light"),
            "akhbar stemmer=snowball": dict(base, stemmer="snowball"),
            "akhbar unigrams": dict(base, ngram_range=(1, 1)),
            "akhbar no stop words": dict(base, stop_words=False),
            "akhbar keep boilerplate": dict(base, strip_boilerplate=False),
        }
        for name, opts in variants.items():
            t = time.perf_counter()
            try:
                systems[name] = RelatedArticles(progress=False, **opts).fit(texts, **meta)
            except (TypeError, ValueError) as e:
                print(f"  {name}: skipped ({e})")
                continue
            print(f"  {name}: indexed in {time.perf_counter() - t:.1f} s")

    results = {name: evaluate(name, idx, pairs, titles, title_queries) for name, idx in systems.items()}
    rows = ["all", "near-verbatim (j5>=0.9)", "rewritten (j5<0.5)", "title-only"]
    width = max(len(n) for n in results) + 2
    print()
    print(f"{'system':<{width}}" + "".join(f"{r:>28}" for r in rows))
    print(f"{'':<{width}}" + "".join(f"{'recall@10   MRR':>28}" for _ in rows))
    for name, res in results.items():
        print(f"{name:<{width}}" + "".join(f"{res[r][0]:>19.3f}{res[r][1]:>9.3f}" for r in rows))
    base = results["scikit-learn TfidfVectorizer()"]
    ours = results["akhbar RelatedArticles()"]
    ahead = all(ours[r][0] >= base[r][0] and ours[r][1] >= base[r][1] for r in rows)
    print(f"\nakhbar defaults ahead of scikit-learn on every row: {'yes' if ahead else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
