"""A stream of news on egy2013: articles added to a related-articles index one at a time, each then queried.

The index is built on all but the last ``--stream`` articles; each of those is then added alone and its 10 most
related articles asked for (``add`` then ``related(id)``), as a monitoring service does when an article arrives.
Contenders, in one process:
- akhbar as it is: the articles added since the search index was built have an index of their own, merged
  into every search and folded into the main one every sqrt(2n) articles, by the add that makes them due
  (queries on other threads go on meanwhile);
- akhbar rebuilding the whole search index before each query (what every query after an ``add`` did before
  session 12), on the first ``--rebuilt`` articles of the stream;
- scipy: the matrix grown by ``sp.vstack`` and the new row scored against every article (``X @ q.T``, then
  ``np.argpartition``), the same rows (akhbar's matrix), on the first ``--rebuilt`` articles too.

    python benchmarks/python/bench_related_stream.py [--stream 1000] [--rebuilt 20]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

import akhbar

DATA = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
K = 10


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--stream", type=int, default=1000, help="articles added one at a time (default 1000)")
    ap.add_argument("--rebuilt", type=int, default=20, help="of them, for the slower contenders (default 20)")
    args = ap.parse_args()
    with gzip.open(DATA / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        articles = [json.loads(line) for line in f]
    ids = [a["id"] for a in articles]
    texts = [a["text"] for a in articles]
    sources = [a.get("source") for a in articles]
    cut = len(articles) - args.stream
    stream = range(cut, len(articles))

    def build() -> akhbar.RelatedArticles:
        return akhbar.RelatedArticles(progress=False, n_jobs=1).fit(texts[:cut], ids=ids[:cut], sources=sources[:cut])

    def add(ix: akhbar.RelatedArticles, i: int) -> None:
        ix.add([texts[i]], ids=[ids[i]], sources=[sources[i]])

    t0 = time.perf_counter()
    ix = build()
    ix.related(0, k=K)  # (the search index is built at the first query)
    print(f"egy2013: index of {cut} articles built in {time.perf_counter() - t0:.1f} s; then {args.stream} "
          f"articles added one at a time, each followed by related(its id, k={K}); one thread", flush=True)

    adds, queries = [], []
    for i in stream:
        t0 = time.perf_counter()
        add(ix, i)
        t1 = time.perf_counter()
        ix.related(ids[i], k=K)
        queries.append(time.perf_counter() - t1)
        adds.append(t1 - t0)
    per = (sum(adds) + sum(queries)) / args.stream
    print(f"{'akhbar':34s} add {1e3 * np.mean(adds):7.2f} ms  related {1e3 * np.mean(queries):7.2f} ms"
          f"  per article {1e3 * per:7.2f} ms  (slowest add {1e3 * max(adds):.0f} ms, slowest related "
          f"{1e3 * max(queries):.1f} ms: the added articles are folded into the search index by an add, every "
          "sqrt(2n))", flush=True)

    m = min(args.rebuilt, args.stream)
    old = build()
    t_add = t_query = 0.0
    for i in list(stream)[:m]:
        t0 = time.perf_counter()
        add(old, i)
        t1 = time.perf_counter()
        old._topk = None  # (the search index rebuilt over every article, as before session 12)
        old.related(ids[i], k=K)
        t_query += time.perf_counter() - t1
        t_add += t1 - t0
    per_old = (t_add + t_query) / m
    print(f"{'akhbar, index rebuilt per query':34s} add {1e3 * t_add / m:7.2f} ms  related {1e3 * t_query / m:7.2f} ms"
          f"  per article {1e3 * per_old:7.2f} ms  ({per_old / per:.0f}x akhbar's)", flush=True)

    X = ix.matrix[:cut].tocsr()
    t_add = t_query = 0.0
    for i in list(stream)[:m]:
        t0 = time.perf_counter()
        X = sp.vstack([X, ix.matrix[i]], format="csr")
        t1 = time.perf_counter()
        scores = (X @ X[X.shape[0] - 1].T).toarray().ravel()
        scores[-1] = -1.0
        best = np.argpartition(-scores, K)[:K]
        best[np.argsort(-scores[best], kind="stable")]
        t_query += time.perf_counter() - t1
        t_add += t1 - t0
    per_scipy = (t_add + t_query) / m
    print(f"{'scipy vstack + X @ q':34s} add {1e3 * t_add / m:7.2f} ms  related {1e3 * t_query / m:7.2f} ms"
          f"  per article {1e3 * per_scipy:7.2f} ms  ({per_scipy / per:.1f}x akhbar's)", flush=True)


if __name__ == "__main__":
    main()
