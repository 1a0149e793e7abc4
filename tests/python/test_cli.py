"""The akhbar command, end to end on temporary files."""

from __future__ import annotations

import csv
import functools
import gzip
import io
import json
import os
import re
import subprocess
import sys

import pytest

from akhbar.cli import load_sample, main


@pytest.fixture(scope="module")
def articles():
    return load_sample()[:120]


@pytest.fixture()
def jsonl(tmp_path, articles):
    path = tmp_path / "news.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for a in articles:
            f.write(json.dumps({k: a[k] for k in ("id", "title", "source", "date", "text")}, ensure_ascii=False) + "\n")
    return path


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_related_jsonl(jsonl, tmp_path, articles):
    out = tmp_path / "related.jsonl"
    assert main(["related", str(jsonl), "--top", "3", "--out", str(out), "-q"]) == 0
    rows = read_jsonl(out)
    assert rows
    ids = {a["id"] for a in articles}
    for r in rows:
        assert r["article_id"] in ids and r["related_id"] in ids
        assert r["article_id"] != r["related_id"]
        assert 1 <= r["rank"] <= 3 and 0 < r["score"] <= 1.0001
    first = [r for r in rows if r["article_index"] == 0]
    assert [r["rank"] for r in first] == list(range(1, len(first) + 1))
    assert first[0]["related_title"] == articles[first[0]["related_index"]]["title"]


def test_gz_output_names_are_compressed_in_their_format(jsonl, tmp_path):
    # -o x.jsonl.gz wrote plain JSONL under a .gz name, and -o x.csv.gz JSONL.
    import gzip
    import io

    plain = tmp_path / "plain.jsonl"
    assert main(["related", str(jsonl), "-k", "2", "--out", str(plain), "-q"]) == 0
    packed = tmp_path / "related.jsonl.gz"
    assert main(["related", str(jsonl), "-k", "2", "--out", str(packed), "-q"]) == 0
    assert gzip.decompress(packed.read_bytes()).decode("utf-8") == plain.read_text(encoding="utf-8")
    packed_csv = tmp_path / "related.CSV.gz"
    assert main(["related", str(jsonl), "-k", "2", "--out", str(packed_csv), "-q"]) == 0
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(packed_csv.read_bytes()).decode("utf-8"))))
    assert [int(r["related_index"]) for r in rows] == [r["related_index"] for r in read_jsonl(plain)]


def test_related_csv_input_and_output(tmp_path, articles):
    src = tmp_path / "news.csv"
    with open(src, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["text", "title", "source"])
        w.writeheader()
        for a in articles[:60]:
            w.writerow({"text": a["text"], "title": a["title"], "source": a["source"]})
    out = tmp_path / "related.csv"
    assert main(["related", str(src), "-k", "2", "--out", str(out), "-q", "--exclude-same-source"]) == 0
    with open(out, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and {"article_index", "related_index", "score", "related_title"} <= set(rows[0])
    assert "article_id" not in rows[0]  # no ids given
    source = {i: a["source"] for i, a in enumerate(articles[:60])}
    assert all(source[int(r["article_index"])] != source[int(r["related_index"])] for r in rows)
    bare = tmp_path / "bare.csv"
    bare.write_text("text\nنص اول\nنص ثان\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="--exclude-same-source needs a 'source' for the articles"):
        main(["related", str(bare), "--exclude-same-source", "-q"])


def test_duplicates_and_clusters(jsonl, tmp_path):
    out = tmp_path / "dups.jsonl"
    assert main(["duplicates", str(jsonl), "--threshold", "0.8", "--out", str(out), "-q"]) == 0
    dups = read_jsonl(out)
    assert dups and all(d["jaccard"] >= 0.8 and d["a_index"] < d["b_index"] for d in dups)
    out = tmp_path / "clusters.jsonl"
    assert main(["clusters", str(jsonl), "--out", str(out), "-q"]) == 0
    clusters = read_jsonl(out)
    assert clusters and all(c["size"] == len(c["members"]) == len(c["ids"]) >= 2 for c in clusters)
    pairs = {(d["a_index"], d["b_index"]) for d in dups}
    where = {m: c["cluster"] for c in clusters for m in c["members"]}
    assert all(where[a] == where[b] for a, b in pairs)


def test_duplicates_are_those_of_the_index(jsonl, articles, tmp_path):
    # The command finds them from the MinHash signatures alone (no vectoriser or search index): the pairs of
    # RelatedArticles.fit + near_duplicates, with the articles' ids and titles, and the ids checked as fit does.
    from akhbar import RelatedArticles

    out = tmp_path / "dups.jsonl"
    assert main(["duplicates", str(jsonl), "--threshold", "0.7", "--out", str(out), "-q"]) == 0
    index = RelatedArticles(progress=False).fit([a["text"] for a in articles], sources=[a["source"] for a in articles])
    got = read_jsonl(out)
    assert [(d["a_index"], d["b_index"], d["jaccard"]) for d in got] == [
        (i, j, round(s, 4)) for i, j, s in index.near_duplicates(0.7)]
    assert got and all(d["a_id"] == articles[d["a_index"]]["id"] and d["b_title"] == articles[d["b_index"]]["title"]
                       for d in got)
    assert main(["duplicates", str(jsonl), "--threshold", "0.5", "--keep-boilerplate", "-o", str(out), "-q"]) == 0
    kept = RelatedArticles(progress=False, strip_boilerplate=False).fit([a["text"] for a in articles])
    assert [(d["a_index"], d["b_index"]) for d in read_jsonl(out)] == [(i, j) for i, j, _ in kept.near_duplicates(0.5)]
    dup = tmp_path / "dup.jsonl"
    dup.write_text('{"id": "a", "text": "نص اول"}\n{"id": "a", "text": "نص"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"dup\.jsonl: the id on line 2 = 'a' repeats the id on line 1$"):
        main(["duplicates", str(dup), "-q"])
    # Articles with titles and no texts: an error with the hint, as the index's fit gave (not an empty output).
    dup.write_text('{"title": "الأهلي يفوز", "text": ""}\n{"title": "مباراة", "text": " "}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"every article's text is empty.*--index-titles indexes them"):
        main(["duplicates", str(dup), "-q"])
    assert main(["duplicates", str(dup), "-q", "--index-titles", "-o", str(out)]) == 0


def test_bad_input(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "no text"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="no 'text'"):
        main(["related", str(bad)])
    with pytest.raises(SystemExit, match="no such file"):
        main(["related", str(tmp_path / "missing.jsonl")])
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="line 1 is not JSON"):
        main(["related", str(bad)])


def test_index_titles_gives_an_article_with_an_empty_text_its_words(tmp_path):
    # 60 egy2013 articles have a title but no text: they were related to nothing.
    src = tmp_path / "titles.jsonl"
    rows = [{"id": "a", "title": "الأهلي يفوز على الزمالك في الدوري", "text": ""},
            {"id": "b", "title": "مباراة", "text": "الأهلي يفوز على الزمالك بهدفين في مباراة الدوري"},
            {"id": "c", "title": "سياسة", "text": "مرسي يلتقي وزير الدفاع في القاهرة"}]
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    plain, titled = tmp_path / "plain.jsonl", tmp_path / "titled.jsonl"
    assert main(["related", str(src), "-k", "1", "--out", str(plain), "-q"]) == 0
    assert main(["related", str(src), "-k", "1", "--out", str(titled), "-q", "--index-titles"]) == 0
    assert not [r for r in read_jsonl(plain) if r["article_id"] == "a"]
    assert [(r["article_id"], r["related_id"]) for r in read_jsonl(titled) if r["article_id"] == "a"] == [("a", "b")]
    assert read_jsonl(titled)[0]["article_title"] == rows[0]["title"]  # (titles are still output as titles)


def test_bad_options_are_refused_before_the_input_is_read(tmp_path, capsys):
    # They were checked after the index was built (8.5 s on egy2013 for --within-days -1).
    missing = str(tmp_path / "missing.jsonl")  # (never opened: the options fail first)
    for argv, option in ((["related", missing, "--within-days", "-1"], "--within-days"),
                         (["related", missing, "--top", "0"], "--top"),
                         (["related", missing, "--min-score", "nan"], "--min-score"),
                         (["duplicates", missing, "--threshold", "1.5"], "--threshold"),
                         (["duplicates", missing, "--threshold", "0"], "--threshold"),
                         (["clusters", missing, "--min-size", "0"], "--min-size"),
                         (["demo", "-n", "x"], "-n")):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert option in err and "no such file" not in err, argv


@pytest.mark.parametrize("command", ["related", "duplicates", "clusters", "demo"])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as e:
        main([command, "--help"])
    assert e.value.code == 0
    assert "usage: akhbar " + command in capsys.readouterr().out


def test_demo_runs_as_module():
    done = subprocess.run([sys.executable, "-m", "akhbar", "demo", "-n", "3"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "401 Arabic news articles" in lines[0]
    assert sum(1 for line in lines if re.match(r"^ ?\d+\. ", line)) == 3  # three numbered articles
    assert sum(1 for line in lines if re.match(r"^ +\d\.\d{3}  ", line)) >= 3  # their related titles, scored
    assert "near-duplicate pairs" in lines[-1]


def test_damaged_and_unusual_input_files(tmp_path, articles):
    # Each of these printed a Python traceback (found by a review helper).
    import gzip

    whole = gzip.compress(b'{"text": "\xd9\x86\xd8\xb5 \xd8\xa7\xd9\x88\xd9\x84"}\n' * 50)
    truncated = tmp_path / "t.jsonl.gz"
    truncated.write_bytes(whole[:20])
    with pytest.raises(SystemExit, match=r"akhbar: error: .*t\.jsonl\.gz: .*end-of-stream"):
        main(["related", str(truncated), "-q"])
    damaged = tmp_path / "d.jsonl.gz"
    damaged.write_bytes(whole[:12] + bytes(40) + whole[52:])
    with pytest.raises(SystemExit, match=r"akhbar: error: .*d\.jsonl\.gz"):
        main(["related", str(damaged), "-q"])
    # A CSV field longer than the csv module's default limit (131,072 characters): one long article.
    long_csv = tmp_path / "long.csv"
    with open(long_csv, "w", encoding="utf-8-sig", newline="") as f:  # with a byte-order mark, as Excel writes
        w = csv.DictWriter(f, fieldnames=["text", "title"])
        w.writeheader()
        w.writerow({"text": " ".join(a["text"] for a in articles[:60]) * 3, "title": "long"})
        for a in articles[60:70]:
            w.writerow({"text": a["text"], "title": a["title"]})
    assert len(" ".join(a["text"] for a in articles[:60]) * 3) > 131072
    out = tmp_path / "long.jsonl"
    assert main(["related", str(long_csv), "-k", "2", "--out", str(out), "-q"]) == 0
    assert {r["article_index"] for r in read_jsonl(out)} <= set(range(11)) and read_jsonl(out)


def test_within_days_leaves_out_articles_without_a_date(tmp_path, articles):
    # One undated article stopped the whole run with no output.
    path = tmp_path / "dated.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for i, a in enumerate(articles[:40]):
            row = {"id": a["id"], "text": a["text"], "date": None if i == 5 else a["date"]}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    out = tmp_path / "within.jsonl"
    assert main(["related", str(path), "--within-days", "30", "-k", "3", "--out", str(out), "-q"]) == 0
    rows = read_jsonl(out)
    assert rows
    undated = articles[5]["id"]
    assert all(undated not in (r["article_id"], r["related_id"]) for r in rows)
    plain = tmp_path / "plain.jsonl"
    plain.write_text("".join(json.dumps({"text": a["text"]}, ensure_ascii=False) + "\n" for a in articles[:5]),
                     encoding="utf-8")
    with pytest.raises(SystemExit, match="--within-days needs a 'date'"):
        main(["related", str(plain), "--within-days", "3", "-q"])


def test_a_huge_top_is_capped(jsonl, tmp_path):
    # k sized every thread's heaps and the output: --top 1000000 on 120 articles ran out of memory.
    out = tmp_path / "huge.jsonl"
    assert main(["related", str(jsonl), "--top", "100000000", "--out", str(out), "-q"]) == 0
    rows = read_jsonl(out)
    assert max(r["rank"] for r in rows) <= 119


def test_empty_results_keep_their_csv_header(tmp_path):
    # The header came from the records' keys: with no records a CSV file held a lone line break.
    src = tmp_path / "few.csv"
    src.write_text("id,title,text\na1,t1,الأهلي يفوز على الزمالك\na2,t2,مرسي يلتقي وزير الدفاع\n", encoding="utf-8")
    for command, header in (
        (["duplicates"], ["a_index", "a_id", "a_title", "b_index", "b_id", "b_title", "jaccard"]),
        (["clusters", "--threshold", "1.1"], ["cluster", "size", "members", "ids", "titles"]),
        (["related", "--min-score", "1.1"],
         ["article_index", "article_id", "article_title", "rank", "related_index", "related_id", "related_title",
          "score"]),
    ):
        out = tmp_path / f"{command[0]}.csv"
        assert main([command[0], str(src), *command[1:], "--out", str(out), "-q"]) == 0
        with open(out, encoding="utf-8-sig", newline="") as f:
            assert list(csv.reader(f)) == [header], command


def test_input_that_is_not_utf8_is_named(tmp_path):
    src = tmp_path / "cp1256.csv"
    src.write_bytes("text\nالأهلي يفوز\n".encode("cp1256"))
    with pytest.raises(SystemExit, match=r"cp1256.csv: not UTF-8 text .* save it as UTF-8"):
        main(["related", str(src), "-q"])


def test_a_bad_byte_far_into_a_file_is_named_where_it_is(tmp_path, jsonl):
    # The offset was the one inside the decoder's chunk (4977 for a byte at 217969), with no line.
    data = bytearray(jsonl.read_bytes())
    lines = data.split(b"\n")
    at = len(b"\n".join(lines[:99])) + 1 + lines[99].index(b'"text": "') + 9  # (line 100's text starts there)
    data[at:at] = b"\xff"
    for name, raw in (("bad.jsonl", bytes(data)), ("BAD.JSONL.GZ", gzip.compress(bytes(data)))):
        src = tmp_path / name
        src.write_bytes(raw)
        with pytest.raises(SystemExit, match=rf"{name}: not UTF-8 text \(invalid .* at byte {at}, line 100\)"):
            main(["related", str(src), "-q"])


def test_input_names_stdin_and_headers_that_lose_nothing(tmp_path, jsonl, monkeypatch, capsys):
    # An upper-case .GZ was read as plain text; a byte-order mark on stdin was refused (not in a file); a CSV header
    # that names a column twice lost all but the last of them.
    upper = tmp_path / "NEWS.JSONL.GZ"
    upper.write_bytes(gzip.compress(jsonl.read_bytes()))
    assert main(["related", str(upper), "-q", "-k", "1"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xef\xbb\xbf" + jsonl.read_bytes())))
    assert main(["related", "-", "-q", "-k", "1"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 120
    twice = tmp_path / "twice.csv"
    twice.write_text("text,text\nنص اول,نص ثان\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="twice.csv: the header names the column 'text' more than once"):
        main(["related", str(twice), "-q"])
    bare = tmp_path / "bare.csv"
    bare.write_text("text\nنص اول\nنص ثان\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="--within-days needs a 'date' for the articles"):
        main(["related", str(bare), "--within-days", "2"])  # (before the index is built: no progress bar)
    assert capsys.readouterr().err == ""


def test_a_reader_that_stops_early_gets_no_error(jsonl):
    # `akhbar related news.jsonl | head` printed "akhbar: error: [Errno 32] Broken pipe".
    with subprocess.Popen([sys.executable, "-m", "akhbar", "related", str(jsonl), "-q"], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE) as p:
        assert p.stdout.readline()  # one record, then the reader goes (the rest does not fit the pipe's buffer)
        p.stdout.close()
        assert p.wait(timeout=120) == 1
        assert p.stderr.read() == b""


def _related_fails(tmp_path, name: str, content: str, message: str, *options: str) -> None:
    """`related` on a file `name` holding `content` stops with an error matching `message`."""
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit, match=message):
        main(["related", str(path), "-q", *options])


def test_input_errors_name_the_line_of_the_file(tmp_path):
    # Errors about the articles were the Python API's, counted from 0 (`ids[2] = 'a' repeats ids[0]`); a CSV
    # quote left open read the rest of the file into one text, and a row with more fields than the header (an
    # unquoted comma) lost them: both silently.
    fails = functools.partial(_related_fails, tmp_path)

    fails("dup.jsonl", '\n{"id": "a", "text": "نص اول"}\n{"id": "b", "text": "نص"}\n\n{"id": "a", "text": "نص"}\n',
          r"dup\.jsonl: the id on line 5 = 'a' repeats the id on line 2$")
    fails("date.jsonl", '{"text": "نص", "date": "2013-01-01"}\n{"text": "نص", "date": "yesterday"}\n',
          r"date\.jsonl: the date on line 2: 'yesterday' is not a date in ISO 8601", "--within-days", "1")
    fails("notext.jsonl", '{"text": "نص"}\n\n{"id": 1}\n', r"notext\.jsonl: the article on line 3 has no 'text'")
    # (a quoted text over two lines: the next row starts on line 4)
    fails("dup.csv", 'id,text\na,"نص\nاول"\na,نص\n', r"dup\.csv: the id on line 4 = 'a' repeats the id on line 2$")
    fails("blank.csv", 'id,text\na,نص\n\n\nb,نص\n\na,"نص\nاخر"\n',  # (blank lines between rows)
          r"blank\.csv: the id on line 7 = 'a' repeats the id on line 2$")
    fails("open.csv", 'id,text\na,نص\nb,"نص ثان\nc,نص\n', r"open\.csv: the row from line 3: .*never closed")
    fails("extra.csv", 'id,text\na,نص\nb,نص اول, مع فاصلة\n', r"extra\.csv: line 3 has 3 fields and the header 2")


def test_cli_output_names_and_option_checks(tmp_path, capsys):
    src = tmp_path / "s.jsonl"
    src.write_text('{"id": "a", "text": "نص اول عن مصر", "source": "x", "date": "2013-01-01"}\n'
                   '{"id": "b", "text": "نص ثان عن مصر", "source": "y", "date": "2013-01-02"}\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert main(["related", str(src), "-q", "-o", str(out)]) == 0
    first = read_jsonl(out)[0]
    # The source and date after the pair's fields (the columns before stay where they were), as the input has them.
    assert list(first)[:6] == ["article_index", "article_id", "rank", "related_index", "related_id", "score"]
    assert (first["article_source"], first["related_source"], first["related_date"]) == ("x", "y", "2013-01-02")
    capsys.readouterr()
    assert main(["related", str(src), "-q", "-o", "-", "-j", "-2"]) == 0  # (- is stdout; -2: all cores but one)
    assert [json.loads(line)["rank"] for line in capsys.readouterr().out.splitlines()] == [1, 1]
    # (refused as the command line is read: the input is not even opened)
    with pytest.raises(SystemExit, match="cannot tell the output format from .*x.tsv"):  # (it wrote JSONL)
        main(["related", str(tmp_path / "missing.jsonl"), "-q", "-o", str(tmp_path / "x.tsv")])
    with pytest.raises(SystemExit):
        main(["related", str(src), "-q", "--jobs", "0"])
    assert "-1 for all cores" in capsys.readouterr().err
    titles = tmp_path / "t.jsonl"
    titles.write_text('{"text": "", "title": "عنوان اول"}\n{"text": "", "title": "عنوان ثان"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match="--index-titles"):
        main(["related", str(titles), "-q"])
    mixed = tmp_path / "m.jsonl"
    mixed.write_text('{"id": "a", "text": "نص"}\n\n{"text": "نص"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"m\.jsonl: the article on line 3 has no id"):
        main(["related", str(mixed), "-q"])


def test_dates_that_are_not_iso_stop_only_within_days(tmp_path, articles):
    # An RSS pubDate ("Fri, 01 Feb 2013 00:08:22 GMT") stopped every command, even those that read no dates.
    from datetime import datetime, timezone
    from email.utils import format_datetime

    path = tmp_path / "rss.jsonl"
    rows = [{"id": a["id"], "text": a["text"], "source": a["source"],
             "date": format_datetime(datetime.fromisoformat(a["date"]).replace(tzinfo=timezone.utc), usegmt=True)}
            for a in articles[:40]]
    assert rows[0]["date"] == "Fri, 01 Feb 2013 00:08:22 GMT"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "within.jsonl"
    assert main(["related", str(path), "--within-days", "0.25", "-k", "3", "-o", str(out), "-q"]) == 0
    pairs = read_jsonl(out)
    assert pairs and {r["article_date"] for r in pairs} <= {r["date"] for r in rows}  # (as the input has them)
    when = {r["id"]: datetime.fromisoformat(a["date"]) for r, a in zip(rows, articles)}
    assert all(abs(when[r["article_id"]] - when[r["related_id"]]).total_seconds() <= 6 * 3600 for r in pairs)
    rows[3]["date"] = "yesterday"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    for command in (["related"], ["duplicates"], ["clusters"]):  # (they read no dates: copied as they are)
        out = tmp_path / f"{command[0]}.jsonl"
        assert main([*command, str(path), "-o", str(out), "-q"]) == 0, command
        assert read_jsonl(out), command
    assert any(r["article_date"] == "yesterday" for r in read_jsonl(tmp_path / "related.jsonl"))
    with pytest.raises(SystemExit, match=r"rss\.jsonl: the date on line 4: 'yesterday' is not a date in ISO 8601 "
                                         r"\(.*\) or RFC 2822"):
        main(["related", str(path), "--within-days", "1", "-q"])


def test_input_format_from_the_content_json_arrays_and_stdin(tmp_path, jsonl, monkeypatch, capsys, articles):
    # A gzip file not named .gz was read as text (and advised to convert from Windows-1256); a JSON array (pandas'
    # to_json(orient="records")) gave "line 1 is not a JSON object"; CSV could not be read from stdin.
    expected = tmp_path / "expected.jsonl"
    assert main(["related", str(jsonl), "-k", "2", "-o", str(expected), "-q"]) == 0
    packed = tmp_path / "packed.jsonl"
    packed.write_bytes(gzip.compress(jsonl.read_bytes()))
    array = tmp_path / "news.json"
    array.write_text(json.dumps([json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]),
                     encoding="utf-8")  # (as pandas writes it: one line, non-ASCII letters escaped)
    for src in (packed, array):
        out = tmp_path / "out.jsonl"
        assert main(["related", str(src), "-k", "2", "-o", str(out), "-q"]) == 0
        assert out.read_bytes() == expected.read_bytes(), src
    for name, content, message in (
        ("pretty.json", '\n[\n  {"text": "نص"},\n  {"text": 1}\n]\n', r"the article on line 4 has no 'text'"),
        ("joined.json", '[{"text": "نص"}\n {"text": "نص"}]', r"line 2 is not JSON \(expecting ',' or ']'"),
        ("two.json", '[{"text": "نص"}]\n[{"text": "نص"}]\n', r"line 2: more after the JSON array of line 1"),
    ):
        (tmp_path / name).write_text(content, encoding="utf-8")
        with pytest.raises(SystemExit, match=re.escape(name) + ": " + message):
            main(["related", str(tmp_path / name), "-q"])
    buffer = io.StringIO()
    csv.writer(buffer).writerows([("id", "text"), *((a["id"], a["text"]) for a in articles[:30])])
    csv_text = buffer.getvalue()
    for data, options in ((csv_text.encode("utf-8"), ["--input-format", "csv"]),
                          (gzip.compress(jsonl.read_bytes()), [])):
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
        capsys.readouterr()
        assert main(["related", "-", "-k", "1", "-q", *options]) == 0
        assert len(capsys.readouterr().out.splitlines()) == (30 if options else 120)
    named = tmp_path / "export.txt"  # (a CSV file by another name)
    named.write_text(csv_text, encoding="utf-8")
    assert main(["related", str(named), "--input-format", "csv", "-k", "1", "-q"]) == 0
    workbook = tmp_path / "news.xlsx"
    workbook.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\xff\xfe")
    with pytest.raises(SystemExit, match=r"news\.xlsx: not text but a zip file \(an Excel workbook\?\)"):
        main(["related", str(workbook), "-q"])


def test_csv_header_problems_are_named_as_such(tmp_path):
    # A header without a 'text' column was reported as "the article on line 2 has no 'text'".
    fails = functools.partial(_related_fails, tmp_path)

    fails("semi.csv", "id;text\n1;نص\n",
          r"semi\.csv: no 'text' column; the header has: 'id;text' \(separated by ';'\? .*comma-separated")
    fails("case.csv", "ID,Text\n1,نص\n", r"case\.csv: no 'text' column; the header has: 'ID', 'Text' "
                                         r"\(--text-column Text reads that one\)")
    fails("body.csv", "id,body\n1,نص\n", r"no 'text' column; the header has: 'id', 'body' \(--text-column names")
    fails("body.csv", "id,body\n1,نص\n", r"no 'uid' column \(--id-column\); the header has: 'id', 'body'$",
          "--text-column", "body", "--id-column", "uid")
    fails("body.jsonl", '{"id": 1, "body": "نص"}\n',
          r"the article on line 1 has no 'text' \(a string\); it has 'id', 'body' \(--text-column names")
    fails("body.jsonl", '{"id": 1, "body": "نص"}\n', r"body\.jsonl: no article has a 'headline' \(--title-column\)",
          "--text-column", "body", "--title-column", "headline")
    export = tmp_path / "export.csv"  # (a newsroom export: other names for the fields)
    export.write_text("uid,headline,body,id\na,عنوان اول,الأهلي يفوز على الزمالك,1\nb,عنوان ثان,الأهلي يفوز "
                      "على الزمالك بهدفين,2\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["related", str(export), "-q", "-o", str(out), "--text-column", "body", "--id-column", "uid",
                 "--title-column", "headline"]) == 0
    first = read_jsonl(out)[0]
    assert (first["article_id"], first["article_title"], first["related_id"]) == ("a", "عنوان اول", "b")


def test_ctrl_c_is_a_line_and_status_130(jsonl):
    # It printed a Python traceback and exited with -2.
    code = ("import os, signal, sys, time\nimport akhbar.cli as cli\n"
            "def interrupted(*args, **kwargs):\n    os.kill(os.getpid(), signal.SIGINT)\n    time.sleep(60)\n"
            "cli._load_articles = interrupted\nsys.exit(cli.main(['related', sys.argv[1], '-q']))\n")
    done = subprocess.run([sys.executable, "-c", code, str(jsonl)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 130
    assert done.stderr == "akhbar: interrupted\n"


def test_version(capsys):
    import akhbar

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0
    assert capsys.readouterr().out == f"akhbar {akhbar.__version__}\n"


def test_gz_output_is_not_compressed_at_level_9(jsonl, tmp_path):
    # .gz output was compressed at level 9: 23 s against 4.4 s uncompressed on 554k records.
    packed = tmp_path / "related.jsonl.gz"
    assert main(["related", str(jsonl), "-k", "2", "-o", str(packed), "-q"]) == 0
    assert packed.read_bytes()[8] != 2  # (the gzip header's XFL: 2 marks level 9)


def test_csv_files_start_with_a_byte_order_mark(jsonl, tmp_path, capsys):
    # Without one, Excel read the UTF-8 of a CSV file as the system's code page: Arabic as mojibake.
    plain_csv, packed_csv = tmp_path / "related.csv", tmp_path / "related.csv.gz"
    for out in (plain_csv, packed_csv):
        assert main(["related", str(jsonl), "-k", "2", "-o", str(out), "-q"]) == 0
    assert plain_csv.read_bytes().startswith(b"\xef\xbb\xbfarticle_index,")
    assert gzip.decompress(packed_csv.read_bytes()) == plain_csv.read_bytes()
    capsys.readouterr()
    assert main(["related", str(jsonl), "-k", "2", "--format", "csv", "-q"]) == 0
    assert capsys.readouterr().out.encode("utf-8") == plain_csv.read_bytes()[3:]  # (stdout: no mark)
    assert main(["related", str(jsonl), "-k", "2", "-o", str(tmp_path / "plain.jsonl"), "-q"]) == 0
    assert (tmp_path / "plain.jsonl").read_bytes().startswith(b'{"article_index": 0')  # (nor JSONL)


def test_records_are_written_as_they_are_made(jsonl, tmp_path, monkeypatch):
    # Every record was held before the first was written (1.8 GB for 55k articles).
    from akhbar import cli

    given = []
    write = cli._write_records
    monkeypatch.setattr(cli, "_write_records", lambda records, *args: (given.append(records), write(records, *args)))
    for command in ("related", "duplicates", "clusters"):
        assert main([command, str(jsonl), "-o", str(tmp_path / "x.csv"), "-q"]) == 0
    assert len(given) == 3 and not any(isinstance(records, (list, tuple)) for records in given)


def test_clusters_near_duplicate_threshold_sources_and_dates(jsonl, tmp_path, articles, capsys):
    # clusters had no --near-duplicate-threshold (the Python API has it), and gave no sources or dates.
    from akhbar import RelatedArticles

    index = RelatedArticles(progress=False).fit([a["text"] for a in articles], sources=[a["source"] for a in articles])
    for option, value in (("0.5", 0.5), ("1", 1.0), ("none", None)):
        out = tmp_path / "clusters.jsonl"
        assert main(["clusters", str(jsonl), "--threshold", "1.1", "--near-duplicate-threshold", option,
                     "-o", str(out), "-q"]) == 0
        clusters = read_jsonl(out)
        assert [c["members"] for c in clusters] == index.clusters(threshold=1.1, near_duplicate_threshold=value)
        assert bool(clusters) == (value is not None)
    out = tmp_path / "clusters.jsonl"
    assert main(["clusters", str(jsonl), "-o", str(out), "-q"]) == 0
    clusters = read_jsonl(out)
    assert clusters and list(clusters[0]) == ["cluster", "size", "members", "ids", "titles", "sources", "dates"]
    for c in clusters:
        assert c["sources"] == [articles[i]["source"] for i in c["members"]]
        assert c["dates"] == [articles[i]["date"] for i in c["members"]]
    with pytest.raises(SystemExit):
        main(["clusters", str(tmp_path / "missing.jsonl"), "--near-duplicate-threshold", "0"])
    err = capsys.readouterr().err
    assert "--near-duplicate-threshold" in err and "no such file" not in err


@pytest.mark.parametrize("name", ["related.jsonl", "related.csv.gz"])
def test_an_interrupted_run_leaves_no_partial_output(jsonl, tmp_path, monkeypatch, name):
    # Ctrl-C midway through the output left the first part of it under the output's name, over an older file.
    from akhbar import cli

    out = tmp_path / name
    out.write_bytes(b"older output\n")
    out.chmod(0o640)
    real, written = cli._pair_record, []

    def record(*args):
        if len(written) == 30:
            raise KeyboardInterrupt
        written.append(1)
        return real(*args)

    monkeypatch.setattr(cli, "_pair_record", record)
    assert main(["related", str(jsonl), "-k", "3", "-o", str(out), "-q"]) == 130
    assert len(written) == 30
    assert out.read_bytes() == b"older output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["news.jsonl", name])
    monkeypatch.setattr(cli, "_pair_record", real)
    assert main(["related", str(jsonl), "-k", "3", "-o", str(out), "-q"]) == 0
    assert (out.stat().st_mode & 0o777) == 0o640  # (a finished run replaces it, keeping its permissions)
    data = out.read_bytes()
    if name.endswith(".gz"):
        assert gzip.GzipFile(fileobj=io.BytesIO(data)).read().startswith(b"\xef\xbb\xbfarticle_index,")
        assert b"\xffrelated.csv\x00" in data[:40]  # (the header names the file itself, not its temporary name)
    else:
        assert len(data.splitlines()) == 3 * 120


def test_output_to_a_missing_directory_names_the_path_given(jsonl, tmp_path, capsys):
    out = tmp_path / "missing" / "related.jsonl"
    with pytest.raises(SystemExit) as e:
        main(["related", str(jsonl), "-o", str(out), "-q"])
    assert str(out) in str(e.value.code) and ".tmp" not in str(e.value.code)


def test_output_to_a_device_is_written_in_place(jsonl, tmp_path):
    # (/dev/stdout and named pipes are not files to replace by a rename.)
    code = ("import sys\nfrom akhbar.cli import main\n"
            "sys.exit(main(['related', sys.argv[1], '-k', '2', '-q', '-o', '/dev/stdout', '--format', 'jsonl']))\n")
    done = subprocess.run([sys.executable, "-c", code, str(jsonl)], capture_output=True, text=True, timeout=120,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert len(done.stdout.splitlines()) == 2 * 120


def test_an_unwritable_output_folder_is_refused_before_the_work(jsonl, tmp_path, monkeypatch):
    # Found only when the results were written: 17 s of work on egy2013, then the error and nothing.
    from akhbar import cli

    def no_work(*args, **kwargs):
        raise AssertionError("the work started")

    monkeypatch.setattr(cli, "_load_articles", no_work)
    with pytest.raises(SystemExit, match="does not exist"):
        main(["related", str(jsonl), "-o", str(tmp_path / "missing" / "out.jsonl"), "-q"])
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if not os.access(locked, os.W_OK):  # (root writes anywhere)
            with pytest.raises(SystemExit, match="not writable"):
                main(["related", str(jsonl), "-o", str(locked / "out.jsonl"), "-q"])
    finally:
        locked.chmod(0o700)


def test_a_date_that_cannot_be_written_stops_the_run_with_its_line(tmp_path, articles, capsys):
    # A lone surrogate in a date (JSON's "\ud800") was copied to the output, where its encoding failed without a
    # line, after part of the output was written.
    path = tmp_path / "news.jsonl"
    rows = [{"text": a["text"], "date": "2013-02-01"} for a in articles[:20]]
    rows[7]["date"] = "2013\ud800"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    for command in ("related", "duplicates", "clusters"):
        with pytest.raises(SystemExit, match="the date on line 8 holds a lone surrogate"):
            main([command, str(path), "-q"])
    assert capsys.readouterr().out == ""
