"""akhbar's analyser against scikit-learn's default analyser on egy2013, one thread, terms per second.

scikit-learn's ``TfidfVectorizer().build_analyzer()`` lowercases and applies the regex ``(?u)\\b\\w\\w+\\b``: no
Arabic normalisation, no stop words, no stemming. akhbar's default analyser normalises (NFC, diacritics,
tatweel, alef/yeh/teh marbuta folding, digits), tokenises (URLs, hashtags, clitic splits, numbers), drops
Arabic stop words and light-stems. Each method runs in its own process, which reports its peak RSS.

An ``akhbar.Analyzer`` memoises its work per chunk of text between ASCII whitespace (each distinct chunk is
analysed once) and makes one Python str per distinct term. Plain rows reuse one analyser for every repeat, so
from the second repeat on its memo holds these very articles' chunks (an upper bound); ``_stream`` rows use a new
analyser that first analysed the next N articles (untimed), so the timed articles are new to it but most of
their words are not (an analyser running over a stream of news); ``_cold`` rows use a new, empty analyser for
every repeat, so every distinct chunk is analysed in the timed run (a first pass).

    python benchmarks/python/bench_analysis.py [--articles 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))


def load(n: int) -> list[str]:
    with gzip.open(DATA / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for _, line in zip(range(n), f)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def worker(method: str, n: int, repeat: int) -> dict | None:
    loaded = load(2 * n if "_stream" in method else n)
    texts, others = loaded[:n], loaded[n:]
    if "_stream" in method and not others:
        return None  # (no other articles to have seen: the corpus has no more than n)
    # prepare() runs before each repeat, outside the timing, and returns the timed function.
    if method == "sklearn":
        from sklearn.feature_extraction.text import TfidfVectorizer

        analyze = TfidfVectorizer().build_analyzer()
        prepare = lambda: lambda: [analyze(t) for t in texts]
    else:
        import akhbar

        variants = {"snowball": {"stemmer": "snowball"}, "none": {"stemmer": "none"}, "light": {"stemmer": "light"}}
        options = variants.get(method.split(":")[-1], {})
        kind = method.split(":")[0]
        shared = akhbar.Analyzer(**options)
        fresh = kind.endswith("_cold") or kind.endswith("_stream")

        def prepare():
            analyzer = akhbar.Analyzer(**options) if fresh else shared
            if kind.endswith("_stream"):  # a memo that has seen other articles (the next n), not these
                analyzer.analyze_batch(others, n_threads=1)
            if kind.startswith("akhbar_call"):
                return lambda: [analyzer(t) for t in texts]
            if kind.startswith("akhbar_threads"):
                return lambda: analyzer.analyze_batch(texts, n_threads=None)
            return lambda: analyzer.analyze_batch(texts, n_threads=1)

    base = peak_rss_mb()
    best = float("inf")
    terms = 0
    # One-thread rows are timed in CPU seconds of this process (the machine is shared); the all-cores row in
    # wall-clock seconds.
    clock = time.perf_counter if method.startswith("akhbar_threads") else time.process_time
    for _ in range(repeat):
        run = prepare()
        t0 = clock()
        out = run()
        best = min(best, clock() - t0)
        terms = sum(len(x) for x in out)
        del out
    nbytes = sum(len(t.encode()) for t in texts)
    return {"method": method, "seconds": best, "terms": terms, "terms_per_s": terms / best,
            "mb_per_s": nbytes / best / 1e6, "peak_rss_mb": peak_rss_mb(), "extra_rss_mb": peak_rss_mb() - base}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--articles", type=int, default=5000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--worker", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.articles, args.repeat)))
        return
    methods = ["sklearn", "akhbar_batch", "akhbar_batch_stream", "akhbar_batch_cold", "akhbar_call", "akhbar_call_cold",
               "akhbar_batch:none", "akhbar_batch:snowball", "akhbar_batch_cold:snowball", "akhbar_threads",
               "akhbar_threads_cold"]
    results = {}
    for m in methods:
        out = subprocess.run(
            [sys.executable, __file__, "--worker", m, "--articles", str(args.articles), "--repeat", str(args.repeat)],
            check=True, capture_output=True, text=True,
        ).stdout
        results[m] = json.loads(out.strip().splitlines()[-1])
    ref = results["sklearn"]["terms_per_s"]
    print(f"egy2013, {args.articles} articles, one thread (akhbar_threads: all {os.cpu_count()} cores), "
          f"best of {args.repeat}; akhbar rows use the default analyser unless a stemmer is named; _cold: a new "
          "analyser (empty memo) for every repeat; _stream: a new analyser that first analysed the next "
          f"{args.articles} articles (untimed), as in a stream of news")
    print(f"{'method':24s} {'terms':>10s} {'seconds':>8s} {'Mterms/s':>9s} {'MB/s':>7s} {'vs sklearn':>10s} {'peak RSS MB':>11s}")
    for m, r in results.items():
        if r is None:
            print(f"{m:24s} (not run: the corpus has no articles past the first {args.articles} to have seen)")
            continue
        print(f"{m:24s} {r['terms']:10d} {r['seconds']:8.3f} {r['terms_per_s'] / 1e6:9.2f} {r['mb_per_s']:7.1f} "
              f"{r['terms_per_s'] / ref:9.1f}x {r['peak_rss_mb']:11.0f}")


if __name__ == "__main__":
    main()
