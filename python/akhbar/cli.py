"""The ``akhbar`` command: related articles, near-duplicates and story clusters from a JSONL or CSV file."""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import math
import os
import re
import sys
import zlib
from collections import Counter
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Sequence

_EXTRA_FIELDS = "\0extra"  # (csv.DictReader's key for the fields of a row past its header's)


def load_sample() -> list[dict]:
    """The bundled demo sample: a few hundred egy2013 articles (see akhbar/data/PROVENANCE.txt)."""
    path = resources.files("akhbar") / "data" / "egy2013_sample.jsonl.gz"
    with path.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class _CountedLines:
    """The lines of a text file for csv, counted: ``start`` is the first line that is not blank since it was
    last set to None (the line a record starts on: csv skips blank lines, and a quoted field may span lines)."""

    def __init__(self, handle) -> None:
        self._handle = handle
        self.line = 0
        self.start: int | None = None

    def __iter__(self):
        return self

    def __next__(self) -> str:
        text = next(self._handle)
        self.line += 1
        if self.start is None and text.strip("\r\n"):
            self.start = self.line
        return text


def load_articles(path: str) -> list[dict]:
    """Articles from a JSONL or CSV file (gzip'd if the name ends in .gz; '-' reads JSONL from stdin). Each
    needs a ``text``; ``id``, ``title``, ``source`` and ``date`` are optional."""
    return _load_articles(path)[0]


def _load_articles(path: str) -> tuple[list[dict], list[int]]:
    """load_articles, and the line of the file each article starts on."""
    # utf-8-sig: a byte-order mark (which spreadsheets write) is not part of the first column's name.
    if path == "-":
        # (Read whole: an invalid byte's offset is then the stream's, not that of a decoder's chunk.)
        handle: Any = io.StringIO(sys.stdin.buffer.read().decode("utf-8-sig"), newline=None)
        name = "stdin.jsonl"
    else:
        p = Path(path)
        if not p.exists():
            raise SystemExit(f"akhbar: error: {path}: no such file")
        gz = _is_gzip_name(p.name)
        name = p.name[:-3] if gz else p.name
        handle = gzip.open(p, "rt", encoding="utf-8-sig", newline="") if gz else open(
            p, encoding="utf-8-sig", newline="")
    with handle:
        rows, lines = [], []
        if name.lower().endswith(".csv"):
            csv.field_size_limit(2**31 - 1)  # (the default, 131,072 characters, is shorter than some articles)
            # strict: a quote left open is an error, not the rest of the file read into one text.
            counted = _CountedLines(handle)
            reader = csv.DictReader(counted, strict=True, restkey=_EXTRA_FIELDS)
            while True:
                try:
                    if not rows:
                        repeated = [f for f, n in Counter(reader.fieldnames or ()).items() if n > 1]
                        if repeated:  # (DictReader keeps the last such column: the others would be lost)
                            raise SystemExit(f"akhbar: error: {path}: the header names the column {repeated[0]!r} "
                                             "more than once")
                    counted.start = None
                    r = next(reader)
                except StopIteration:
                    break
                except csv.Error as e:
                    hint = " (a quote that is never closed?)" if "end of data" in str(e) else ""
                    raise SystemExit(f"akhbar: error: {path}: the row from line {counted.start or counted.line}: "
                                     f"{e}{hint}") from None
                start = counted.start or counted.line
                if _EXTRA_FIELDS in r:
                    raise SystemExit(
                        f"akhbar: error: {path}: line {start} has {len(reader.fieldnames) + len(r[_EXTRA_FIELDS])} "
                        f"fields and the header {len(reader.fieldnames)} (a comma in a text that is not quoted?)")
                rows.append(r)
                lines.append(start)
        else:
            for n, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as e:
                    raise SystemExit(f"akhbar: error: {path}: line {n} is not JSON ({e.msg})") from None
                if not isinstance(obj, dict):
                    raise SystemExit(f"akhbar: error: {path}: line {n} is not a JSON object")
                rows.append(obj)
                lines.append(n)
    for r, line in zip(rows, lines):
        if not isinstance(r.get("text"), str):
            raise SystemExit(f"akhbar: error: {path}: the article on line {line} has no 'text' (a string)")
    if not rows:
        raise SystemExit(f"akhbar: error: {path} holds no articles")
    return rows, lines


def _is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def _invalid_utf8_at(path: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte of the file at ``path`` (decompressed) that is not UTF-8, or None:
    a decoding error reads its text in chunks, and gives the offset in its chunk."""
    try:
        with (gzip.open(path, "rb") if _is_gzip_name(path) else open(path, "rb")) as f:
            data = f.read()
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start, data.count(b"\n", 0, e.start) + 1
    except (OSError, EOFError, zlib.error):
        return None
    return None


def _in_file_terms(message: str, path: str, lines: list[int]) -> str:
    """An error of the Python API about the articles (``ids[2] = 'a' repeats ids[0]``) in the terms of the input
    file (``news.jsonl: the id on line 3 = 'a' repeats the id on line 1``)."""
    def article(m: re.Match) -> str:
        i = int(m[2])
        return f"the {m[1][:-1]} on line {lines[i]}" if i < len(lines) else m[0]

    out = re.sub(r"\b(ids|titles|sources|dates|texts)\[(\d+)\]", article, message)
    return f"{path}: {out}" if out != message else message


def _column(rows: list[dict], name: str, path: str, lines: list[int]) -> list | None:
    if not any(r.get(name) not in (None, "") for r in rows):
        return None
    values = [r.get(name) for r in rows]
    if name == "id":
        missing = next((i for i, v in enumerate(values) if v in (None, "")), None)
        if missing is not None:
            raise SystemExit(f"akhbar: error: {path}: the article on line {lines[missing]} has no id and others "
                             "have one; give every article an id")
        return [v if isinstance(v, (str, int)) else str(v) for v in values]
    return [None if v in (None, "") else str(v) for v in values]


def _build(args: argparse.Namespace):
    from akhbar.related import RelatedArticles

    rows, lines = _load_articles(args.input)
    index = RelatedArticles(
        n_jobs=args.jobs, progress=not args.quiet, strip_boilerplate=not args.keep_boilerplate
    )
    texts = [r["text"] for r in rows]
    if args.index_titles:  # (as the quality benchmark indexes them: a title's words count with the text's)
        texts = [f"{r['title']}\n{t}" if r.get("title") else t for r, t in zip(rows, texts)]
    sources = _column(rows, "source", args.input, lines)
    dates = _column(rows, "date", args.input, lines)
    # (Checked before the work: the index would be built for nothing.)
    if getattr(args, "exclude_same_source", False) and sources is None:
        raise SystemExit("akhbar: error: --exclude-same-source needs a 'source' for the articles")
    if getattr(args, "within_days", None) is not None and dates is None:
        raise SystemExit("akhbar: error: --within-days needs a 'date' for the articles")
    try:
        index.fit(
            texts,
            ids=_column(rows, "id", args.input, lines),
            titles=_column(rows, "title", args.input, lines),
            sources=sources,
            dates=dates,
        )
    except (ValueError, TypeError) as e:
        message = _in_file_terms(str(e), args.input, lines)
        if "empty vocabulary" in message and not args.index_titles and any(r.get("title") for r in rows):
            message += " (the articles have titles: --index-titles indexes them with the texts)"
        raise SystemExit(f"akhbar: error: {message}") from None
    return rows, index


def _open_out(path: str | None):
    """The output stream: stdout, or the file (gzip-compressed if its name ends in .gz, as input can be)."""
    if path in (None, "-"):
        return sys.stdout, False
    if path.lower().endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", newline=""), True
    return open(path, "w", encoding="utf-8", newline=""), True


class _Refs:
    """The fields that name an article of `index` in the output: its position, and its id and title if given
    (read once); and, after the fields of the pair (``extra``), its source and date as the input file has them."""

    def __init__(self, index, rows: list[dict]) -> None:
        self.ids, self.titles = index.ids, index.titles
        self.columns = [(name, [r.get(name) for r in rows]) for name, given in (("source", index.sources),
                                                                               ("date", index.dates))
                        if given is not None]

    def __call__(self, i: int, prefix: str) -> dict:
        out: dict[str, Any] = {f"{prefix}index": int(i)}
        if self.ids is not None:
            out[f"{prefix}id"] = self.ids[i]
        if self.titles is not None:
            out[f"{prefix}title"] = self.titles[i]
        return out

    def extra(self, i: int, prefix: str) -> dict:
        return {f"{prefix}{name}": values[i] for name, values in self.columns}


def _write_records(records: list[dict], path: str | None, fmt: str, template: dict | None = None) -> None:
    """Writes records as JSONL or CSV; the CSV header is that of `template` (a record of the kind written)
    when there are no records."""
    out, close = _open_out(path)
    try:
        if fmt == "csv":
            fields: list[str] = []
            for r in records or ([template] if template else []):
                for key in r:
                    if key not in fields:
                        fields.append(key)
            writer = csv.DictWriter(out, fieldnames=fields)
            writer.writeheader()
            writer.writerows(records)
        else:
            for r in records:
                out.write(json.dumps(r, ensure_ascii=False) + "\n")
    finally:
        if close:
            out.close()


def _format(args: argparse.Namespace) -> str:
    if args.format:
        return args.format
    name = "" if args.out in (None, "-") else args.out.lower()
    if name and not name.endswith((".jsonl", ".jsonl.gz", ".csv", ".csv.gz")):
        # (-o out.tsv or out.json wrote JSONL under that name)
        raise SystemExit(f"akhbar: error: cannot tell the output format from {args.out!r}: name it .jsonl or .csv "
                         "(.gz to compress), or pass --format")
    return "csv" if name.endswith((".csv", ".csv.gz")) else "jsonl"


def _related(args: argparse.Namespace) -> int:
    rows, index = _build(args)
    ref = _Refs(index, rows)
    records = []
    # (An article without a date has no articles within some days of it.)
    I, S = index.all_related(k=args.top, min_score=args.min_score, exclude_same_source=args.exclude_same_source,
                             within_days=args.within_days)
    for i in range(len(index)):
        for rank, (j, s) in enumerate(zip(I[i], S[i]), 1):
            if j >= 0:
                records.append(_pair_record(ref, i, rank, int(j), float(s)))
    _write_records(records, args.out, _format(args), _pair_record(ref, 0, 1, 0, 0.0))
    return 0


def _pair_record(ref: _Refs, i: int, rank: int, j: int, score: float) -> dict:
    return {**ref(i, "article_"), "rank": rank, **ref(j, "related_"), "score": round(score, 6),
            **ref.extra(i, "article_"), **ref.extra(j, "related_")}


def _duplicates(args: argparse.Namespace) -> int:
    rows, index = _build(args)
    ref = _Refs(index, rows)

    def record(i: int, j: int, s: float) -> dict:
        return {**ref(i, "a_"), **ref(j, "b_"), "jaccard": round(s, 4), **ref.extra(i, "a_"), **ref.extra(j, "b_")}

    records = [record(i, j, s) for i, j, s in index.near_duplicates(threshold=args.threshold)]
    _write_records(records, args.out, _format(args), record(0, 0, 0.0))
    return 0


def _clusters(args: argparse.Namespace) -> int:
    _, index = _build(args)
    ids, titles = index.ids, index.titles

    def record(c: int, members: list[int]) -> dict:
        r: dict[str, Any] = {"cluster": c, "size": len(members), "members": members}
        if ids is not None:
            r["ids"] = [ids[i] for i in members]
        if titles is not None:
            r["titles"] = [titles[i] for i in members]
        return r

    clusters = index.clusters(threshold=args.threshold, k=args.top, min_size=args.min_size)
    records = [record(c, members) for c, members in enumerate(clusters)]
    if _format(args) == "csv":
        records = [{**r, **{k: json.dumps(v, ensure_ascii=False) for k, v in r.items() if isinstance(v, list)}}
                   for r in records]
    _write_records(records, args.out, _format(args), record(0, []))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from akhbar.related import RelatedArticles

    articles = load_sample()
    index = RelatedArticles(progress=False).fit(
        [a["text"] for a in articles],
        ids=[a["id"] for a in articles],
        titles=[a["title"] for a in articles],
        sources=[a["source"] for a in articles],
        dates=[a["date"] for a in articles],
    )
    out = sys.stdout
    out.write(f"Related articles in {len(index)} Arabic news articles (egy2013 sample, February 2013; see "
              "akhbar/data/PROVENANCE.txt)\n\n")
    I, S = index.all_related(k=args.top)
    titles, sources = index.titles, index.sources
    shown = 0
    seen: set[int] = set()
    # Articles with the strongest best match first: the clearest examples of the same story in several outlets.
    for i in sorted(range(len(index)), key=lambda i: (-float(S[i, 0]), i)):
        if shown >= args.n:
            break
        if I[i, 0] < 0 or i in seen:
            continue
        seen.add(i)
        seen.update(int(j) for j in I[i] if j >= 0)
        shown += 1
        out.write(f"{shown:>2}. {titles[i]}  [{sources[i]}]\n")
        for j, s in zip(I[i], S[i]):
            if j >= 0:
                out.write(f"      {s:5.3f}  {titles[j]}  [{sources[j]}]\n")
        out.write("\n")
    dups = index.near_duplicates(0.8)
    clusters = index.clusters()
    out.write(f"{len(dups)} near-duplicate pairs (Jaccard >= 0.8), {len(clusters)} story clusters, "
              f"{len(index.boilerplate_lines)} boilerplate lines stripped.\n")
    return 0


def _jobs(text: str) -> int:
    """--jobs: a thread count, or -1 for all cores (-2 all but one, as joblib's; 0 means nothing)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an int: {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("must be a number of threads, or -1 for all cores (-2: all but one), not 0")
    return value


def _number(kind: type, lo: float, hi: float = math.inf, open_lo: bool = False) -> Callable[[str], Any]:
    """An argparse type: a `kind` (int or float) in [lo, hi] ((lo, hi] with open_lo), checked as the command line
    is read, not after the index is built."""
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not {'an int' if kind is int else 'a number'}: {text!r}") from None
        if not (math.isfinite(value) and (lo < value if open_lo else lo <= value) and value <= hi):
            if hi != math.inf:
                where = f"in {'(' if open_lo else '['}{lo:g}, {hi:g}]"
            else:
                where = f"at least {lo:g}" if lo != -math.inf else "a finite number"
            raise argparse.ArgumentTypeError(f"must be {where}, not {text}")
        return value

    parse.__name__ = kind.__name__
    return parse


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="JSONL or CSV file (optionally .gz; '-' for JSONL on stdin) with a 'text' column "
                                 "and optional 'id', 'title', 'source', 'date'")
    p.add_argument("--out", "-o", help="output file (default: stdout); .csv selects CSV, .gz compresses")
    p.add_argument("--format", choices=("jsonl", "csv"), help="output format (default: from --out, else jsonl)")
    p.add_argument("--jobs", "-j", type=_jobs, default=None, help="threads (default: all cores; -1: all cores, "
                                                                      "-2: all but one)")
    p.add_argument("--index-titles", action="store_true",
                   help="index each article's title with its text (an article with an empty text then has words)")
    p.add_argument("--keep-boilerplate", action="store_true",
                   help="do not strip lines that repeat across many articles of one source")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bars")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="akhbar", description="Arabic news text analytics: related articles, near-duplicates, story clusters")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("related", help="the most similar articles of every article",
                       description="For every article, its most similar other articles (exact cosine of BM25-weighted "
                                   "vectors, the default vectoriser).")
    _add_common(p)
    p.add_argument("--top", "-k", type=_number(int, 1), default=10, help="related articles per article (default 10)")
    p.add_argument("--min-score", type=_number(float, -math.inf), default=0.0,
                   help="smallest cosine score kept (default 0)")
    p.add_argument("--exclude-same-source", action="store_true", help="only other outlets' articles")
    p.add_argument("--within-days", type=_number(float, 0.0), default=None,
                   help="only articles at most this many days apart (articles without a date get none)")
    p.set_defaults(func=_related)

    p = sub.add_parser("duplicates", help="pairs of near-duplicate articles (copies, light edits)",
                       description="Pairs of articles whose word 3-gram shingles overlap (MinHash + LSH).")
    _add_common(p)
    p.add_argument("--threshold", type=_number(float, 0.0, 1.0, open_lo=True), default=0.8,
                   help="smallest estimated Jaccard similarity (0.8)")
    p.set_defaults(func=_duplicates)

    p = sub.add_parser("clusters", help="story clusters",
                       description="Groups of articles covering one story: near-duplicates and close neighbours.")
    _add_common(p)
    p.add_argument("--threshold", type=_number(float, -math.inf), default=0.5,
                   help="smallest cosine score of an edge (0.5)")
    p.add_argument("--top", "-k", type=_number(int, 1), default=10, help="neighbours considered per article (10)")
    p.add_argument("--min-size", type=_number(int, 1), default=2, help="smallest cluster listed (2)")
    p.set_defaults(func=_clusters)

    p = sub.add_parser("demo", help="related articles on the bundled sample of Arabic news",
                       description="Related articles on 401 bundled egy2013 articles, as a table.")
    p.add_argument("-n", type=_number(int, 1), default=8, help="articles to show (default 8)")
    p.add_argument("--top", "-k", type=_number(int, 1), default=3, help="related articles per article (default 3)")
    p.set_defaults(func=_demo)

    args = parser.parse_args(argv)
    if getattr(args, "out", None) is not None:
        _format(args)  # (an output name whose format cannot be told: refused before any work)
    try:
        return args.func(args)
    except (EOFError, zlib.error, gzip.BadGzipFile, csv.Error) as e:  # a truncated or damaged input file
        raise SystemExit(f"akhbar: error: {getattr(args, 'input', 'input')}: {e}") from None
    except BrokenPipeError:  # the reader stopped (akhbar demo | head): quietly, as Unix tools do
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # (no second error at exit's flush)
        except OSError:
            pass
        return 1
    except UnicodeDecodeError as e:  # (a ValueError)
        path = getattr(args, "input", "input")
        where = f"at byte {e.start}"
        found = _invalid_utf8_at(path) if path != "-" else None
        if found is not None:
            where = f"at byte {found[0]}, line {found[1]}"
        raise SystemExit(f"akhbar: error: {path}: not UTF-8 text ({e.reason} {where}); save it as UTF-8 (from "
                         "Windows-1256: iconv -f cp1256 -t utf-8)") from None
    except (ValueError, TypeError, OSError) as e:
        raise SystemExit(f"akhbar: error: {e}") from None
    except MemoryError:
        raise SystemExit("akhbar: error: out of memory (a smaller --top, or fewer articles, needs less)") from None


if __name__ == "__main__":
    sys.exit(main())
