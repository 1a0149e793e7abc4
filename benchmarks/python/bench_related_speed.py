"""Speed and memory of akhbar's related articles against the real alternatives, in one run on egy2013.

1. Exact top-10 related articles (cosine) on the matrix of akhbar's default vectoriser:
   - akhbar ``RelatedArticles.all_related(k=10)``, 1 and 2 threads;
   - scikit-learn style blocked ``X[rows] @ X.T`` + ``np.argpartition`` (1 thread; ``--block`` rows a block);
   - sparse_dot_topn ``sp_matmul_topn`` (PyPI), 1 and 2 threads.
   Every contender answers the same query rows against all articles (``--rows``, default all); each runs in its
   own process, and its peak memory is the largest resident-set growth over the process's size before the call
   (sampled every 2 ms).
2. Near-duplicates at Jaccard >= 0.8 with 128 permutations over the same word 3-gram shingles: akhbar
   ``near_duplicates`` against datasketch ``MinHash`` + ``MinHashLSH`` (``--dup-docs`` articles).

Run: python benchmarks/python/bench_related_speed.py [--limit N] [--rows N] [--dup-docs N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp

K = 10


def data_dir() -> Path:
    env = os.environ.get("AKHBAR_SHARED_DATA")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared" / "data"


class PeakRss:
    """Largest resident-set size seen while active, minus the size at the start (MB)."""

    def __init__(self) -> None:
        import psutil

        self._proc = psutil.Process()
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.002)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)

    @property
    def mb(self) -> float:
        return (self.peak - self.base) / 2**20


class _Given:
    """Stands for the vectoriser that made a saved matrix."""

    def transform(self, texts):
        raise NotImplementedError


# ------------------------------------------------------------------------------------------------ workers
def worker_topk(name: str, matrix_path: str, rows: int, threads: int, block: int) -> dict:
    X = sp.load_npz(matrix_path).tocsr()
    n = X.shape[0]
    rows = min(rows, n) if rows else n
    if name == "akhbar":
        from akhbar.related import RelatedArticles

        index = RelatedArticles.from_vectorizer(_Given(), X, progress=False)
        with PeakRss() as mem:  # includes building the search structure (done on first use)
            t = time.perf_counter()
            if rows == n:
                I, S = index.all_related(k=K, n_jobs=threads)
            else:
                Xn = index.matrix
                I, S = index._index().search(index._indptr64, Xn.indices, Xn.data, 0, rows, K, 0.0, True, 0, None,
                                             threads)
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": mem.mb, "checksum": float(S[:rows].sum())}
    if name == "sklearn":
        X = X.astype(np.float32)
        with PeakRss() as mem:
            t = time.perf_counter()
            XT = X.T.tocsr()
            total = 0.0
            for b in range(0, rows, block):
                e = min(rows, b + block)
                D = (X[b:e] @ XT).toarray()
                D[np.arange(e - b), np.arange(b, e)] = -np.inf  # not itself
                part = np.argpartition(-D, K, axis=1)[:, :K]
                top = np.take_along_axis(D, part, axis=1)
                order = np.argsort(-top, axis=1, kind="stable")
                total += float(np.take_along_axis(top, order, axis=1).clip(min=0).sum())
                del D
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": mem.mb, "checksum": total}
    if name == "sparse_dot_topn":
        from sparse_dot_topn import sp_matmul_topn

        X = X.astype(np.float32)
        with PeakRss() as mem:
            t = time.perf_counter()
            XT = X.T.tocsr()
            C = sp_matmul_topn(X[:rows], XT, top_n=K + 1, n_threads=threads, sort=True)
            C.setdiag(0)  # drop itself (the top-(K+1) holds it)
            C.eliminate_zeros()
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": mem.mb, "checksum": 0.0}
    raise ValueError(name)


def worker_dups(name: str, texts_path: str, threshold: float) -> dict:
    with open(texts_path, encoding="utf-8") as f:
        texts = json.load(f)
    from akhbar import _core

    if name == "akhbar":
        from akhbar.related import RelatedArticles

        with PeakRss() as mem:
            t = time.perf_counter()
            index = RelatedArticles(progress=False, strip_boilerplate=False, n_jobs=1)
            index._signatures = index._hasher.signatures(texts, 1)
            index._X = sp.csr_matrix((len(texts), 1), dtype=np.float32)
            pairs = index.near_duplicates(threshold)
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": mem.mb, "pairs": [[a, b] for a, b, _ in pairs]}
    if name == "datasketch":
        from datasketch import MinHash, MinHashLSH

        hasher = _core.MinHasher(128, 3, 1)
        with PeakRss() as mem:
            t = time.perf_counter()
            lsh = MinHashLSH(threshold=threshold, num_perm=128)
            sigs = []
            for i, text in enumerate(texts):
                words = hasher.words(text)
                shingles = {" ".join(words[j : j + 3]).encode("utf-8") for j in range(max(1, len(words) - 2))}
                m = MinHash(num_perm=128)
                if words:
                    m.update_batch(list(shingles))
                    lsh.insert(i, m)
                sigs.append(m)
            pairs = set()
            for i, m in enumerate(sigs):
                if m.is_empty():
                    continue
                for j in lsh.query(m):
                    if j != i and m.jaccard(sigs[j]) >= threshold:
                        pairs.add((min(i, j), max(i, j)))
            seconds = time.perf_counter() - t
        return {"seconds": seconds, "peak_mb": mem.mb, "pairs": sorted(pairs)}
    raise ValueError(name)


def run_worker(*args: str) -> dict:
    done = subprocess.run([sys.executable, __file__, "--worker", *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"worker {args[:2]} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        kind, name, *rest = sys.argv[2:]
        if kind == "topk":
            out = worker_topk(name, rest[0], int(rest[1]), int(rest[2]), int(rest[3]))
        else:
            out = worker_dups(name, rest[0], float(rest[1]))
        print(json.dumps(out))
        return 0

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=0, help="first N articles (0: all 55k)")
    ap.add_argument("--rows", type=int, default=0, help="query rows for the top-k race (0: every article)")
    ap.add_argument("--block", type=int, default=1000, help="rows per block for the scikit-learn baseline")
    ap.add_argument("--dup-docs", type=int, default=0, help="articles for the near-duplicate race (0: all)")
    ap.add_argument("--skip", default="", help="comma-separated contenders to skip (sklearn, sparse_dot_topn, "
                                               "datasketch)")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))

    import akhbar
    from akhbar.related import RelatedArticles

    path = data_dir() / "egy2013" / "articles.jsonl.gz"
    if not path.exists():
        print(f"no corpus at {path}; set AKHBAR_SHARED_DATA", file=sys.stderr)
        return 1
    with gzip.open(path, "rt", encoding="utf-8") as f:
        arts = [json.loads(line) for line in f if line.strip()]
    if args.limit:
        arts = arts[: args.limit]
    texts = [(a["title"] or "") + "\n" + a["text"] for a in arts]
    t = time.perf_counter()
    index = RelatedArticles(progress=False).fit(texts, sources=[a["source"] for a in arts])
    X = index.matrix
    n = X.shape[0]
    rows = min(args.rows, n) if args.rows else n
    print(f"egy2013: {n} articles; akhbar {akhbar.__version__} default matrix {X.shape[1]} terms, {X.nnz} stored "
          f"values (indexed in {time.perf_counter() - t:.1f} s); {os.cpu_count()} cores")

    with tempfile.TemporaryDirectory() as tmp:
        mpath = os.path.join(tmp, "X.npz")
        sp.save_npz(mpath, X, compressed=False)
        print(f"\nExact top-{K} related articles, {rows} query rows against all {n} articles:")
        results = {}
        plan = [("akhbar", 1), ("akhbar", 2), ("sklearn", 1), ("sparse_dot_topn", 1), ("sparse_dot_topn", 2)]
        for name, threads in plan:
            if name in skip:
                continue
            r = run_worker("topk", name, mpath, str(rows), str(threads), str(args.block))
            results[(name, threads)] = r
            label = {"akhbar": "akhbar all_related", "sklearn": f"scikit-learn blocked matmul ({args.block} rows)",
                     "sparse_dot_topn": "sparse_dot_topn sp_matmul_topn"}[name]
            print(f"  {label:<44} {threads} thread{'s' if threads > 1 else ' '} {r['seconds']:8.2f} s  "
                  f"peak +{r['peak_mb']:7.1f} MB")
        ours1 = results[("akhbar", 1)]
        if ("sklearn", 1) in results:
            sk = results[("sklearn", 1)]
            print(f"  akhbar vs scikit-learn, 1 thread: {sk['seconds'] / ours1['seconds']:.1f}x faster, peak memory "
                  f"{ours1['peak_mb'] / max(sk['peak_mb'], 1e-9):.3f} of scikit-learn's")
            if abs(sk["checksum"] - ours1["checksum"]) > 1e-3 * max(1.0, abs(sk["checksum"])):
                print(f"  WARNING: score sums differ: akhbar {ours1['checksum']:.3f}, scikit-learn {sk['checksum']:.3f}")
        for threads in (1, 2):
            if ("sparse_dot_topn", threads) in results:
                sd = results[("sparse_dot_topn", threads)]
                ours = results[("akhbar", threads)]
                print(f"  akhbar vs sparse_dot_topn, {threads} thread{'s' if threads > 1 else ''}: "
                      f"{sd['seconds'] / ours['seconds']:.2f}x faster, peak memory {ours['peak_mb']:.1f} vs "
                      f"{sd['peak_mb']:.1f} MB")

        docs = texts[: args.dup_docs] if args.dup_docs else texts
        tpath = os.path.join(tmp, "texts.json")
        with open(tpath, "w", encoding="utf-8") as f:
            json.dump(docs, f, ensure_ascii=False)
        print(f"\nNear-duplicates (Jaccard >= 0.8, 128 permutations, word 3-gram shingles), {len(docs)} articles:")
        dup = {}
        for name in ("akhbar", "datasketch"):
            if name in skip:
                continue
            dup[name] = r = run_worker("dups", name, tpath, "0.8")
            label = {"akhbar": "akhbar near_duplicates (1 thread)",
                     "datasketch": "datasketch MinHash + MinHashLSH"}[name]
            print(f"  {label:<44} {r['seconds']:8.2f} s  peak +{r['peak_mb']:7.1f} MB  {len(r['pairs'])} pairs")
        if "datasketch" in dup:
            a = {tuple(p) for p in dup["akhbar"]["pairs"]}
            b = {tuple(p) for p in dup["datasketch"]["pairs"]}
            print(f"  akhbar {dup['datasketch']['seconds'] / dup['akhbar']['seconds']:.1f}x faster; pairs in both: "
                  f"{len(a & b)}, akhbar only: {len(a - b)}, datasketch only: {len(b - a)}")
            # Both report estimates: check every reported pair against the exact Jaccard of its shingle sets.
            from akhbar import _core

            hasher = _core.MinHasher(128, 3, 1)
            cache: dict[int, set] = {}

            def shingles(i: int) -> set:
                if i not in cache:
                    cache[i] = set(hasher.shingle_hashes(docs[i]).tolist())
                return cache[i]

            def exact(p) -> float:
                x, y = shingles(p[0]), shingles(p[1])
                return len(x & y) / max(1, len(x | y))

            true = {p for p in a | b if exact(p) >= 0.8}
            for name, found in (("akhbar", a), ("datasketch", b)):
                hits = len(found & true)
                print(f"  {name:<10} precision {hits / max(1, len(found)):.3f} (exact Jaccard >= 0.8 among its "
                      f"pairs), recall {hits / max(1, len(true)):.3f} of the {len(true)} true pairs either found")
    return 0


if __name__ == "__main__":
    sys.exit(main())
