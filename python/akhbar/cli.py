"""The ``akhbar`` command: related articles, near-duplicates and story clusters from a JSONL or CSV file."""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as _dt
import email.utils
import gzip
import io
import json
import math
import os
import re
import shlex
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Callable

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


def load_articles(path: str, input_format: str | None = None) -> list[dict]:
    """Articles from a JSON Lines, JSON array or CSV file (CSV if ``input_format`` is "csv", or by default if the
    name ends in .csv or .csv.gz; gzip'd or not, as the content says; '-' reads stdin). Each needs a ``text``;
    ``id``, ``title``, ``source`` and ``date`` are optional. The rows are returned whole."""
    return _load_articles(path, input_format, whole=True)[0]


_GZIP_MAGIC = b"\x1f\x8b"
_FIELDS = ("text", "id", "title", "source", "date")  # (the fields of an article the command reads)
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _load_articles(path: str, input_format: str | None = None, columns: dict[str, str] | None = None,
                   whole: bool = False) -> tuple[list[dict], list[int]]:
    """load_articles, and the line of the file each article starts on. ``columns`` names the input's columns
    (fields) for some of the article's fields (``{"text": "body"}``, from --text-column); the rows hold the
    article's fields under their own names (or, if ``whole``, every column of the input as it is named)."""
    names = {field: field for field in _FIELDS}
    names.update(columns or {})
    given = set(columns or ())
    # utf-8-sig: a byte-order mark (which spreadsheets write) is not part of the first column's name.
    with contextlib.ExitStack() as stack:
        if path == "-":
            # (Read whole: an invalid byte's offset is then the stream's, not that of a decoder's chunk.)
            data = sys.stdin.buffer.read()
            if data[:2] == _GZIP_MAGIC:
                data = gzip.decompress(data)
            fmt = input_format or "jsonl"
            handle: Any = io.StringIO(data.decode("utf-8-sig"), newline="" if fmt == "csv" else None)
            del data
        else:
            p = Path(path)
            if not p.exists():
                raise SystemExit(f"akhbar: error: {path}: no such file")
            raw: Any = stack.enter_context(open(p, "rb"))
            # Compressed or not as the content says, not the name (a gzip'd news.jsonl was read as text). (peek:
            # nothing is consumed, so a pipe, <(zcat ...), is read whole.)
            if raw.peek(2)[:2] == _GZIP_MAGIC:
                raw = stack.enter_context(gzip.GzipFile(fileobj=raw, mode="rb"))
            handle = stack.enter_context(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
            name = p.name[:-3] if _is_gzip_name(p.name) else p.name
            fmt = input_format or ("csv" if name.lower().endswith(".csv") else "jsonl")
        read = _read_csv if fmt == "csv" else _read_json
        rows, lines = read(handle, path, names, given, whole)
    if not rows:
        raise SystemExit(f"akhbar: error: {path} holds no articles")
    if fmt != "csv":  # (a CSV header names its columns: checked before the rows are read)
        for field in sorted(given - {"text"}):
            if not any(names[field] in r for r in rows):
                raise SystemExit(f"akhbar: error: {path}: no article has a {names[field]!r} (--{field}-column)")
    return rows, lines


def _article(obj: dict, path: str, line: int, names: dict[str, str], whole: bool, is_json: bool) -> dict:
    """The fields of an article read from a row of the input (every column if ``whole``), checked for a text."""
    column = names["text"]
    text = obj.get(column)
    if not isinstance(text, str):
        hint = ""
        if is_json and column not in obj and obj:
            hint = f"; it has {_names_list(list(obj))} (--text-column names the field of the texts)"
        elif isinstance(text, dict):
            hint = (": it is an object, as pandas' to_json() writes by default; JSON Lines, an object an article, "
                    "is df.to_json(path, orient='records', lines=True)")
        raise SystemExit(f"akhbar: error: {path}: the article on line {line} has no {column!r} (a string){hint}")
    return obj if whole else {field: obj[c] for field, c in names.items() if c in obj}


def _names_list(names: list, most: int = 20) -> str:
    shown = ", ".join(repr(n) for n in names[:most])
    return shown + (f", ... ({len(names)} in all)" if len(names) > most else "")


def _read_json(handle, path: str, names: dict[str, str], given: set, whole: bool) -> tuple[list[dict], list[int]]:
    """JSON Lines (one object a line), or a JSON array of objects (pandas' ``to_json(orient="records")``)."""
    rows, lines = [], []
    lines_of = iter(handle)
    for n, line in enumerate(lines_of, 1):
        if not line.strip():
            continue
        if not rows and line.lstrip().startswith("["):
            for m, obj in _json_array(line + "".join(lines_of), n, path):
                rows.append(_article(obj, path, m, names, whole, True))
                lines.append(m)
            break
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise SystemExit(f"akhbar: error: {path}: line {n} is not JSON ({e.msg})") from None
        if not isinstance(obj, dict):
            raise SystemExit(f"akhbar: error: {path}: line {n} is not a JSON object")
        rows.append(_article(obj, path, n, names, whole, True))
        lines.append(n)
    return rows, lines


def _json_array(text: str, first_line: int, path: str):
    """(line, object) for the elements of the JSON array `text` (which starts on line `first_line`)."""
    decoder = json.JSONDecoder()
    line, counted = first_line, 0

    def line_at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    def fail(pos: int, what: str):
        raise SystemExit(f"akhbar: error: {path}: line {line_at(pos)} is not JSON ({what})")

    pos = _JSON_SPACE.match(text, text.index("[") + 1).end()
    if text.startswith("]", pos):
        pos += 1
    else:
        while True:
            try:
                obj, end = decoder.raw_decode(text, pos)
            except json.JSONDecodeError as e:
                fail(e.pos, e.msg)
            if not isinstance(obj, dict):
                raise SystemExit(f"akhbar: error: {path}: the array element on line {line_at(pos)} is not a JSON "
                                 "object")
            yield line_at(pos), obj
            pos = _JSON_SPACE.match(text, end).end()
            if text.startswith(",", pos):
                pos = _JSON_SPACE.match(text, pos + 1).end()
            elif text.startswith("]", pos):
                pos += 1
                break
            else:
                fail(pos, "expecting ',' or ']' after an element of the array")
    pos = _JSON_SPACE.match(text, pos).end()
    if pos < len(text):
        raise SystemExit(f"akhbar: error: {path}: line {line_at(pos)}: more after the JSON array of line {first_line} "
                         "(a JSON file holds one array; JSON Lines, one object a line)")


def _read_csv(handle, path: str, names: dict[str, str], given: set, whole: bool) -> tuple[list[dict], list[int]]:
    csv.field_size_limit(2**31 - 1)  # (the default, 131,072 characters, is shorter than some articles)
    # strict: a quote left open is an error, not the rest of the file read into one text.
    counted = _CountedLines(handle)
    reader = csv.DictReader(counted, strict=True, restkey=_EXTRA_FIELDS)

    def read(step: Callable[[], Any]) -> Any:
        counted.start = None
        try:
            return step()
        except csv.Error as e:
            hint = " (a quote that is never closed?)" if "end of data" in str(e) else ""
            raise SystemExit(f"akhbar: error: {path}: the row from line {counted.start or counted.line}: "
                             f"{e}{hint}") from None

    rows, lines = [], []
    header = read(lambda: reader.fieldnames)
    if header is None:
        return rows, lines
    _check_header(header, path, names, given)
    while True:
        r = read(lambda: next(reader, None))
        if r is None:
            break
        start = counted.start or counted.line
        if _EXTRA_FIELDS in r:
            raise SystemExit(
                f"akhbar: error: {path}: line {start} has {len(header) + len(r[_EXTRA_FIELDS])} "
                f"fields and the header {len(header)} (a comma in a text that is not quoted?)")
        rows.append(_article(r, path, start, names, whole, False))
        lines.append(start)
    return rows, lines


def _check_header(header: list[str], path: str, names: dict[str, str], given: set) -> None:
    """A CSV header's problems, as such (they were reported as a problem of the first row)."""
    repeated = [f for f, n in Counter(header).items() if n > 1]
    if repeated:  # (DictReader keeps the last such column: the others would be lost)
        raise SystemExit(f"akhbar: error: {path}: the header names the column {repeated[0]!r} more than once")
    for field in ("text", *sorted(given - {"text"})):
        column = names[field]
        if column in header:
            continue
        option = f"--{field}-column"
        same = [h for h in header if h.strip().casefold() == column.strip().casefold()]
        separator = next((s for s in ";\t|" if len(header) == 1 and s in header[0]), None)
        if same:
            hint = f" ({option} {shlex.quote(same[0])} reads that one)"
        elif separator:
            hint = f" (separated by {separator!r}? akhbar reads comma-separated CSV: save the file with commas)"
        elif field not in given and header:
            hint = f" ({option} names the column of the {field}s)"
        else:
            hint = ""
        named = f" ({option})" if field in given else ""
        shown = _names_list(header) if header else "nothing (is the first line blank?)"
        raise SystemExit(f"akhbar: error: {path}: no {column!r} column{named}; the header has: {shown}{hint}")


def _is_gzip_name(name: str) -> bool:
    return name.lower().endswith(".gz")


def _invalid_utf8_at(path: str) -> tuple[int, int] | None:
    """(byte offset, line) of the first byte of the file at ``path`` (decompressed) that is not UTF-8, or None:
    a decoding error reads its text in chunks, and gives the offset in its chunk."""
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data[:2] == _GZIP_MAGIC:
            data = gzip.decompress(data)
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return e.start, data.count(b"\n", 0, e.start) + 1
    except (OSError, EOFError, zlib.error):
        return None
    return None


_BINARY_KINDS = ((b"PK\x03\x04", "a zip file (an Excel workbook?): save it as CSV UTF-8, or unzip it"),
                 (b"BZh", "bzip2-compressed: bunzip2 it (akhbar reads gzip)"),
                 (b"\xfd7zXZ\x00", "xz-compressed: unxz it (akhbar reads gzip)"),
                 (b"\x28\xb5\x2f\xfd", "zstd-compressed: unzstd it (akhbar reads gzip)"))


def _binary_kind(path: str) -> str | None:
    """What the file at `path` is, if its first bytes say it is a known kind of file that is not text."""
    try:
        with open(path, "rb") as f:
            head = f.read(6)
    except OSError:
        return None
    return next((kind for magic, kind in _BINARY_KINDS if head.startswith(magic)), None)


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


def _check_writable(rows: list[dict], name: str, path: str, lines: list[int]) -> None:
    """Stops the run at a `name` field that cannot be written as UTF-8 (a lone surrogate, which JSON can hold):
    the fields the index takes are checked by it, this one is only copied to the output."""
    for row, line in zip(rows, lines):
        value = row.get(name)
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as e:
                raise SystemExit(f"akhbar: error: {path}: the {name} on line {line} holds a lone surrogate "
                                 f"({value[e.start]!r} at character {e.start}), which no UTF-8 output can "
                                 "hold") from None


def _iso_date(value: str) -> str | None:
    """`value` as the index reads a date, ISO 8601: as it is if it is ISO, converted if it is RFC 2822 (an RSS
    pubDate, ``Fri, 01 Feb 2013 00:08:22 GMT``); None if it is neither. (The index reads ISO only.)"""
    try:
        _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))  # (as the index parses it)
        return value
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(value.strip()).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):  # (TypeError: Python 3.9's for a non-date)
        return None


def _dates(rows: list[dict], path: str, lines: list[int]) -> list | None:
    """The articles' dates as the index reads them (for --within-days), or None if none has one; a date that is
    not one stops the run (the article would silently have no articles within some days of it)."""
    values = _column(rows, "date", path, lines)
    if values is None:
        return None
    out = []
    for value, line in zip(values, lines):
        iso = None if value is None else _iso_date(value)
        if value is not None and iso is None:
            hint = (" (a number: pandas' to_json writes dates as epoch milliseconds unless date_format='iso')"
                    if value.strip().isdigit() else "")
            raise SystemExit(f"akhbar: error: {path}: the date on line {line}: {value!r} is not a date in ISO 8601 "
                             f"(2013-02-01T00:08:22) or RFC 2822 (Fri, 01 Feb 2013 00:08:22 GMT){hint}")
        out.append(iso)
    return out


def _inputs(args: argparse.Namespace) -> tuple[list[dict], list[int], list[str], dict[str, Any]]:
    """The input's articles (rows), the line each starts on, the texts to index (with --index-titles, each title
    before its text) and the index's other fields (ids, titles, sources, dates), checked before any work."""
    columns = {field: getattr(args, f"{field}_column") for field in ("text", "id", "title")
               if getattr(args, f"{field}_column", None) is not None}
    rows, lines = _load_articles(args.input, args.input_format, columns)
    texts = [r["text"] for r in rows]
    if args.index_titles:  # (as the quality benchmark indexes them: a title's words count with the text's)
        texts = [f"{r['title']}\n{t}" if r.get("title") else t for r, t in zip(rows, texts)]
    sources = _column(rows, "source", args.input, lines)
    # Dates are read only by --within-days: the other commands copy them to the output as the input has them,
    # whatever they hold (a date the index cannot read stopped them all).
    within_days = getattr(args, "within_days", None) is not None
    dates = _dates(rows, args.input, lines) if within_days else None
    _check_writable(rows, "date", args.input, lines)  # (copied to the output: written, it failed after the work)
    # (Checked before the work: the index would be built for nothing.)
    if getattr(args, "exclude_same_source", False) and sources is None:
        raise SystemExit("akhbar: error: --exclude-same-source needs a 'source' for the articles")
    if within_days and dates is None:
        raise SystemExit("akhbar: error: --within-days needs a 'date' for the articles")
    fields = {"ids": _column(rows, "id", args.input, lines), "titles": _column(rows, "title", args.input, lines),
              "sources": sources, "dates": dates}
    return rows, lines, texts, fields


def _index(args: argparse.Namespace):
    """An unfitted RelatedArticles with the command's options."""
    from akhbar.related import RelatedArticles

    return RelatedArticles(n_jobs=args.jobs, progress=not args.quiet, strip_boilerplate=not args.keep_boilerplate)


@contextlib.contextmanager
def _input_errors(args: argparse.Namespace, rows: list[dict], lines: list[int]):
    """The index's ValueError and TypeError as a SystemExit in the input file's terms (its lines, not indices)."""
    try:
        yield
    except (ValueError, TypeError) as e:
        message = _in_file_terms(str(e), args.input, lines)
        if ("empty vocabulary" in message or "text is empty" in message) and not args.index_titles and \
                any(r.get("title") for r in rows):
            message += " (the articles have titles: --index-titles indexes them with the texts)"
        raise SystemExit(f"akhbar: error: {message}") from None


def _build(args: argparse.Namespace):
    rows, lines, texts, fields = _inputs(args)
    index = _index(args)
    with _input_errors(args, rows, lines):
        index.fit(texts, **fields)
    return rows, index


@contextlib.contextmanager
def _open_out(path: str | None, fmt: str):
    """The output stream: stdout, or the file (gzip-compressed if its name ends in .gz, as input can be), which
    appears whole when the block ends normally (written to a temporary file, then renamed: an error or Ctrl-C
    midway leaves no partial output, and an older file of that name as it was). A CSV file starts with a UTF-8
    byte-order mark: without one, Excel reads it as the system's code page (Arabic as mojibake); stdout gets none
    (it is read by programs, for which the mark would be part of the first name)."""
    if path in (None, "-"):
        yield sys.stdout
        return
    from akhbar._io import atomic_file

    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with atomic_file(path) as raw:
        if path.lower().endswith(".gz"):
            # Level 6 (gzip's own default), not 9: 9 took 23 s on 554k records (4.4 s uncompressed), about 3 times
            # 6's time for a file some 4% smaller. The header names the file, not its temporary name.
            with gzip.GzipFile(filename=os.path.basename(path), mode="wb", fileobj=raw, compresslevel=6) as z, \
                    io.TextIOWrapper(z, encoding=encoding, newline="") as out:
                yield out
        else:
            with io.TextIOWrapper(raw, encoding=encoding, newline="") as out:
                yield out


class _Refs:
    """The fields that name an article in the output: its position, and its id and title if given; and, after
    the fields of the pair (``extra``), its source and date as the input file has them."""

    def __init__(self, ids: list | None, titles: list | None, rows: list[dict]) -> None:
        self.ids, self.titles = ids, titles
        self.columns = [(name, values) for name, values in ((name, [r.get(name) for r in rows])
                                                            for name in ("source", "date"))
                        if any(v not in (None, "") for v in values)]

    def __call__(self, i: int, prefix: str) -> dict:
        out: dict[str, Any] = {f"{prefix}index": int(i)}
        if self.ids is not None:
            out[f"{prefix}id"] = self.ids[i]
        if self.titles is not None:
            out[f"{prefix}title"] = self.titles[i]
        return out

    def extra(self, i: int, prefix: str) -> dict:
        return {f"{prefix}{name}": values[i] for name, values in self.columns}


def _write_records(records: Iterable[dict], path: str | None, fmt: str, template: dict) -> None:
    """Writes records as JSONL or CSV, as they come (they were all held first: 1.8 GB for 55k articles); the
    CSV header is that of `template`, a record of the kind written (all have its fields)."""
    with _open_out(path, fmt) as out:
        if fmt == "csv":
            writer = csv.DictWriter(out, fieldnames=list(template))
            writer.writeheader()
            writer.writerows(records)
        else:
            out.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def _check_out_dir(path: str) -> None:
    """Refuses, before any work, an output whose folder is missing or not writable (found after the work, the
    results were lost)."""
    if path == "-" or (os.path.exists(path) and not os.path.isfile(path)):
        return  # (stdout, or a device or pipe written in place)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise SystemExit(f"akhbar: error: cannot write {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SystemExit(f"akhbar: error: cannot write {path}: the folder {folder} is not writable")


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
    ref = _Refs(index.ids, index.titles, rows)
    # (An article without a date has no articles within some days of it.)
    I, S = index.all_related(k=args.top, min_score=args.min_score, exclude_same_source=args.exclude_same_source,
                             within_days=args.within_days)
    records = (_pair_record(ref, i, rank, int(j), float(s))
               for i in range(len(index)) for rank, (j, s) in enumerate(zip(I[i], S[i]), 1) if j >= 0)
    _write_records(records, args.out, _format(args), _pair_record(ref, 0, 1, 0, 0.0))
    return 0


def _pair_record(ref: _Refs, i: int, rank: int, j: int, score: float) -> dict:
    return {**ref(i, "article_"), "rank": rank, **ref(j, "related_"), "score": round(score, 6),
            **ref.extra(i, "article_"), **ref.extra(j, "related_")}


def _duplicates(args: argparse.Namespace) -> int:
    # MinHash alone: no vectoriser, no search index (egy2013: 10.3 s and 1.2 GB with them).
    from akhbar.related import RelatedArticles

    rows, lines, texts, fields = _inputs(args)
    with _input_errors(args, rows, lines):
        meta = RelatedArticles._metadata(len(texts), **fields)  # (ids and titles checked as fit checks them)
        if not any(t.strip() for t in texts):  # (as the index's fit refused them: an empty output said nothing)
            raise ValueError("every article's text is empty: there is nothing to compare")
        pairs = _index(args).find_near_duplicates(texts, fields["sources"], threshold=args.threshold)
    ref = _Refs(meta["_ids"], meta["_titles"], rows)

    def record(i: int, j: int, s: float) -> dict:
        return {**ref(i, "a_"), **ref(j, "b_"), "jaccard": round(s, 4), **ref.extra(i, "a_"), **ref.extra(j, "b_")}

    records = (record(i, j, s) for i, j, s in pairs)
    _write_records(records, args.out, _format(args), record(0, 0, 0.0))
    return 0


def _clusters(args: argparse.Namespace) -> int:
    rows, index = _build(args)
    ref = _Refs(index.ids, index.titles, rows)
    lists = [(name, values) for name, values in (("ids", ref.ids), ("titles", ref.titles)) if values is not None]
    lists += [(f"{name}s", values) for name, values in ref.columns]  # (the sources and dates, as the input has them)

    def record(c: int, members: list[int]) -> dict:
        r: dict[str, Any] = {"cluster": c, "size": len(members), "members": members}
        for name, values in lists:
            r[name] = [values[i] for i in members]
        return r

    clusters = index.clusters(threshold=args.threshold, near_duplicate_threshold=args.near_duplicate_threshold,
                              k=args.top, min_size=args.min_size)
    records: Iterable[dict] = (record(c, members) for c, members in enumerate(clusters))
    if _format(args) == "csv":  # (a list as JSON in its cell)
        records = ({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in r.items()}
                   for r in records)
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


def _or_none(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """An argparse type that also takes 'none' (None)."""
    def parse_or_none(text: str) -> Any:
        return None if text.strip().lower() == "none" else parse(text)

    parse_or_none.__name__ = parse.__name__
    return parse_or_none


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="JSON Lines, JSON array or CSV file, gzip'd or not ('-': stdin) with a 'text' "
                                 "column and optional 'id', 'title', 'source', 'date' (ISO 8601 or RFC 2822, as "
                                 "in RSS; read only by related --within-days, otherwise copied to the output as "
                                 "it is, whatever it holds)")
    p.add_argument("--input-format", choices=("jsonl", "csv"),
                   help="input format (default: csv for a name ending in .csv or .csv.gz, else jsonl, which also "
                        "reads a JSON array of objects; stdin: jsonl)")
    p.add_argument("--text-column", metavar="NAME", help="the input's column (field) of the texts (default: text)")
    p.add_argument("--id-column", metavar="NAME", help="the input's column of the ids (default: id, if there is one)")
    p.add_argument("--title-column", metavar="NAME",
                   help="the input's column of the titles (default: title, if there is one)")
    p.add_argument("--out", "-o", help="output file (default: stdout); .csv selects CSV, .gz compresses; a CSV file "
                                       "starts with a UTF-8 byte-order mark, for Excel (stdout has none)")
    p.add_argument("--format", choices=("jsonl", "csv"), help="output format (default: from --out, else jsonl)")
    p.add_argument("--jobs", "-j", type=_jobs, default=None, help="threads (default: all cores; -1: all cores, "
                                                                      "-2: all but one)")
    p.add_argument("--index-titles", action="store_true",
                   help="index each article's title with its text (an article with an empty text then has words)")
    p.add_argument("--keep-boilerplate", action="store_true",
                   help="do not strip lines that repeat across many articles of one source")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bars")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # (Ctrl-C: a line, not a traceback, and 128 + SIGINT, as Unix tools exit)
        try:
            sys.stderr.write("akhbar: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass
        return 130


def _main(argv: Sequence[str] | None) -> int:
    from akhbar import __version__

    parser = argparse.ArgumentParser(
        prog="akhbar", description="Arabic news text analytics: related articles, near-duplicates, story clusters")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
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
                   help="only articles at most this many days apart (dates: ISO 8601 or RFC 2822; articles "
                        "without a date get none)")
    p.set_defaults(func=_related)

    p = sub.add_parser("duplicates", help="pairs of near-duplicate articles (copies, light edits)",
                       description="Pairs of articles whose word 3-gram shingles overlap (MinHash + LSH).")
    _add_common(p)
    p.add_argument("--threshold", type=_number(float, 0.0, 1.0, open_lo=True), default=0.8,
                   help="smallest estimated Jaccard similarity (0.8)")
    p.set_defaults(func=_duplicates)

    p = sub.add_parser("clusters", help="story clusters",
                       description="Groups of articles covering one story: near-duplicates and close neighbours "
                                   "(with the ids, titles, sources and dates of the members the input has).")
    _add_common(p)
    p.add_argument("--threshold", type=_number(float, -math.inf), default=0.5,
                   help="smallest cosine score of an edge (0.5)")
    p.add_argument("--top", "-k", type=_number(int, 1), default=10, help="neighbours considered per article (10)")
    p.add_argument("--near-duplicate-threshold", type=_or_none(_number(float, 0.0, 1.0, open_lo=True)), default=0.8,
                   help="smallest estimated Jaccard similarity of a near-duplicate pair, which joins a cluster "
                        "whatever its cosine score (0.8; none: no such pairs)")
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
        _check_out_dir(args.out)
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
        kind = _binary_kind(path) if path != "-" else None
        if kind is not None:
            raise SystemExit(f"akhbar: error: {path}: not text but {kind}") from None
        raise SystemExit(f"akhbar: error: {path}: not UTF-8 text ({e.reason} {where}); save it as UTF-8 (from "
                         "Windows-1256: iconv -f cp1256 -t utf-8)") from None
    except (ValueError, TypeError, OSError) as e:
        raise SystemExit(f"akhbar: error: {e}") from None
    except MemoryError:
        raise SystemExit("akhbar: error: out of memory (a smaller --top, or fewer articles, needs less)") from None


if __name__ == "__main__":
    sys.exit(main())
