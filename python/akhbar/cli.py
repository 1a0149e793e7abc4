"""The ``akhbar`` command."""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from importlib import resources
from typing import Sequence


def load_sample() -> list[dict]:
    """The bundled demo sample: a few hundred egy2013 articles (see akhbar/data/PROVENANCE.txt)."""
    path = resources.files("akhbar") / "data" / "egy2013_sample.jsonl.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _demo(args: argparse.Namespace) -> int:
    from akhbar import Normalizer

    articles = load_sample()
    norm = Normalizer()
    texts = [a["title"] for a in articles[: args.n]]
    for before, after in zip(texts, norm.normalize_batch(texts)):
        print(f"before: {before}\nafter:  {after}\n")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="akhbar", description="Arabic news text analytics")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the main job on the bundled sample of Arabic news")
    demo.add_argument("-n", type=int, default=10, help="how many articles to show")
    demo.set_defaults(func=_demo)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
