"""akhbar's normaliser against a pure-Python chain on the egy2013 corpus, in one run.

The chain is what a Python user would write with PyArabic: strip_tashkeel, strip_tatweel, normalize_ligature,
then regexes for the alef variants, alef maksura, teh marbuta and whitespace. akhbar runs with its default
options, which do all of that and more (NFC, presentation forms, Persian letters, digits, invisibles,
obfuscation repair, Latin case folding), so the ratio is conservative. A str list is normalised straight from
Python's own storage into new str objects; the bytes row shows the UTF-8 path for comparison.

    python benchmarks/python/bench_normalizer.py [--limit N]

Needs the `bench` extra (pyarabic, psutil) and ../shared/data (or $AKHBAR_SHARED_DATA).
"""

from __future__ import annotations

import argparse
import gc
import gzip
import json
import os
import re
import resource
import time
import tracemalloc
from pathlib import Path

import akhbar

try:
    from pyarabic import araby
except ImportError as e:  # pragma: no cover
    raise SystemExit("pyarabic is missing: pip install 'akhbar[bench]'") from e

ALEF = re.compile("[\u0622\u0623\u0625\u0671]")
SPACES = re.compile(r"\s+")


def python_chain(text: str) -> str:
    text = araby.strip_tashkeel(text)
    text = araby.strip_tatweel(text)
    text = araby.normalize_ligature(text)
    text = ALEF.sub("\u0627", text)
    text = text.replace("\u0649", "\u064a").replace("\u0629", "\u0647")
    return SPACES.sub(" ", text).strip()


# The akhbar options that do the same folding as the chain, for the agreement check.
SAME_FOLDING = {
    "fold_persian": False,
    "ascii_digits": False,
    "remove_invisible": False,
    "repair_obfuscation": False,
    "fold_latin": False,
}


def load_texts(limit: int | None) -> list[str]:
    root = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
    path = root / "egy2013" / "articles.jsonl.gz"
    if not path.exists():
        raise SystemExit(f"corpus not found: {path} (set AKHBAR_SHARED_DATA)")
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            texts.append(json.loads(line)["text"])
            if limit and len(texts) >= limit:
                break
    return texts


def timed(label: str, fn, nbytes: int, repeat: int) -> tuple[float, list[str]]:
    """Best wall time of `repeat` runs, with the Python-heap peak (tracemalloc) of one run."""
    best = float("inf")
    out: list[str] = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{label:<34} {best:8.3f} s  {nbytes / best / 1e6:9.1f} MB/s  "
        f"python-heap peak {peak / 1e6:7.1f} MB  process peak RSS so far {rss:7.1f} MB"
    )
    return best, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="first N articles only (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per method; the best counts")
    args = parser.parse_args()

    texts = load_texts(args.limit)
    nbytes = sum(len(t.encode("utf-8")) for t in texts)
    print(f"egy2013: {len(texts)} articles, {nbytes / 1e6:.1f} MB of UTF-8; akhbar {akhbar.__version__}")
    normalizer = akhbar.Normalizer()

    t_python, _ = timed("pure Python (PyArabic + re)", lambda: [python_chain(t) for t in texts], nbytes, args.repeat)
    t_one, out1 = timed("akhbar normalize_batch, 1 thread", lambda: normalizer.normalize_batch(texts, n_threads=1),
                        nbytes, args.repeat)
    t_two, out2 = timed("akhbar normalize_batch, 2 threads", lambda: normalizer.normalize_batch(texts, n_threads=2),
                        nbytes, args.repeat)
    assert out1 == out2, "thread count changed the result"
    # bytes input takes the UTF-8 path (str input is read and written in Python's own storage).
    raw = [t.encode() for t in texts]
    _, out_bytes = timed("akhbar on UTF-8 bytes, 1 thread", lambda: normalizer.normalize_batch(raw, n_threads=1),
                         nbytes, args.repeat)
    assert [b.decode() for b in out_bytes] == out1, "the bytes path disagrees with the str path"

    same = akhbar.Normalizer(**SAME_FOLDING)
    sample = texts[:2000]
    agree = sum(a == b for a, b in zip(same.normalize_batch(sample, n_threads=1), map(python_chain, sample)))
    print(f"agreement with the chain under the same folding options: {agree}/{len(sample)} articles identical")
    print(f"ratio, 1 thread:  {t_python / t_one:6.1f}x faster than pure Python (goal >= 30x)")
    print(f"ratio, 2 threads: {t_python / t_two:6.1f}x faster than pure Python")


if __name__ == "__main__":
    main()
