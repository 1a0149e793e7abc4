"""Issue 6: bad input, big input, many threads, Ctrl-C — across the public API."""

import os
import resource
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import akhbar

ARABIC = "في أعقـ.ـاب القمة العربية، قال الرئيس إنّ ١٢٬٥٠٠ شخصٍ حضروا\u00a0المؤتمر. "


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def test_normalize_batch_from_many_threads_equals_sequential():
    texts = [ARABIC * (i % 7 + 1) + str(i) for i in range(400)]
    norm = akhbar.Normalizer()
    expected = [norm.normalize(t) for t in texts]

    def work(start):
        return norm.normalize_batch(texts[start:] + texts[:start], n_threads=2)

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(work, range(0, 400, 25)))
    for start, got in zip(range(0, 400, 25), results):
        assert got == expected[start:] + expected[:start]


def test_ctrl_c_interrupts_a_long_batch():
    big = ARABIC * 400  # ~25 KB; the list holds one object many times, so memory stays small
    texts = [big] * 30000  # ~750 MB of work: seconds, far longer than the interrupt delay
    timer = threading.Timer(0.2, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            akhbar.Normalizer().normalize_batch(texts, n_threads=1)
    finally:
        timer.cancel()


def test_100_mb_document_uses_memory_proportional_to_its_size():
    doc = ARABIC * (100_000_000 // len(ARABIC.encode()))
    before = _peak_rss_bytes()
    out = akhbar.normalize(doc)
    grown = _peak_rss_bytes() - before
    assert out.startswith("في اعقاب القمه العربيه")
    assert len(out) > 0.8 * len(doc)
    size = len(doc.encode())
    assert grown < 8 * size, f"peak RSS grew by {grown / size:.1f}x the document's UTF-8 size"


_FEW_THREADS = r"""
import akhbar
texts = ["وصل الوفد الى القاهرة", "مدرسة الاطفال"] * 50
same = akhbar.Normalizer().normalize_batch(texts, n_threads=8) == akhbar.Normalizer().normalize_batch(texts, n_threads=1)
X8 = akhbar.TfidfVectorizer(n_jobs=8).fit_transform(texts)
X1 = akhbar.TfidfVectorizer(n_jobs=1).fit_transform(texts)
print(same, (X8 != X1).nnz)
"""


def test_threads_the_system_refuses_are_done_without():
    # 1 GB stacks in 3 GB of address space: the system creates two or three of the eight threads asked for.
    # The others' work is done by those (the results are the same); it used to terminate the process.
    def limits():
        resource.setrlimit(resource.RLIMIT_STACK, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))

    r = subprocess.run([sys.executable, "-c", _FEW_THREADS], preexec_fn=limits, capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert r.stdout.split() == ["True", "0"]


@pytest.mark.parametrize("bad", [None, 1, 1.5, ["text"], object()])
def test_normalize_rejects_non_text(bad):
    with pytest.raises(TypeError, match="text must be str or bytes"):
        akhbar.normalize(bad)


def test_normalize_batch_names_the_bad_element():
    with pytest.raises(TypeError, match=r"texts\[2\] must be str or bytes"):
        akhbar.Normalizer().normalize_batch(["a", "b", 3])
    with pytest.raises(ValueError, match=r"texts\[1\].*byte offset 1"):
        akhbar.Normalizer().normalize_batch([b"ok", b"a\xff"])


# --------------------------------------------------------------------------- analysis and vectorisers

DOCS = [
    "في أعقـ.ـاب القمة العربية، قال الرئيس إن المفاوضات ستستمر",
    "وقـ.ـف إطـ.ـلاق النـ.ـار في غزة بعد اجتماع القاهرة",
    "ارتفاع أسعار الذهب في السوق المصرية اليوم ١٢٬٥٠٠ جنيه",
    "الرئيس يلتقي وزير الخارجية لبحث القمة العربية",
    "Apple تطلق iPhone جديد في السوق المصرية",
] * 20


def test_vectorizer_transform_from_many_threads_equals_sequential():
    vec = akhbar.TfidfVectorizer(ngram_range=(1, 2)).fit(DOCS)
    batches = [DOCS[i:] + DOCS[:i] for i in range(0, 100, 7)]
    expected = [vec.transform(b) for b in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(vec.transform, batches))
    for e, g in zip(expected, got):
        assert (e != g).nnz == 0


def test_analyzer_from_many_threads_equals_sequential():
    analyzer = akhbar.Analyzer(ngram_range=(1, 2))
    expected = [analyzer(d) for d in DOCS]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(analyzer, DOCS))
    assert got == expected
    assert analyzer.analyze_batch(DOCS, n_threads=2) == expected


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: akhbar.tokenize(5), "text"),
        (lambda: akhbar.Tokenizer().tokens(5), "text"),
        (lambda: akhbar.Analyzer()(5), "text"),
        (lambda: akhbar.Stemmer("light").stem(5), "word"),
        (lambda: akhbar.TfidfVectorizer().fit([1, 2]), "document"),
    ],
)
def test_wrong_types_raise_type_error_naming_the_argument(call, argument):
    with pytest.raises(TypeError) as info:
        call()
    assert argument in str(info.value)


def test_vectorizer_rejects_a_single_string_as_scikit_learn_does():
    with pytest.raises(ValueError, match="Iterable over raw text documents expected"):
        akhbar.TfidfVectorizer().fit("a single string")


def test_vectorizer_invalid_utf8_names_the_offset():
    with pytest.raises(ValueError, match="byte offset 3"):
        akhbar.TfidfVectorizer().fit([b"abc\xff", b"ok"])


@pytest.mark.parametrize("make", [akhbar.CountVectorizer, akhbar.TfidfVectorizer])
def test_vectorizer_round_trips_bytes_file_and_pickle(make, tmp_path):
    import pickle

    vec = make(ngram_range=(1, 2)).fit(DOCS)
    expected = vec.transform(DOCS)
    path = tmp_path / "model.akhbar"
    vec.save(path)
    for loaded in (make.from_bytes(vec.to_bytes()), make.load(path), pickle.loads(pickle.dumps(vec))):
        assert list(loaded.get_feature_names_out()) == list(vec.get_feature_names_out())
        assert (loaded.transform(DOCS) != expected).nnz == 0


def test_hostile_model_files_raise_format_error(tmp_path):
    data = bytearray(akhbar.TfidfVectorizer().fit(DOCS).to_bytes())
    cases = {
        "empty": b"",
        "truncated": bytes(data[: len(data) // 2]),
        "bit flip": bytes(data[:40]) + bytes([data[40] ^ 0x10]) + bytes(data[41:]),
        "future version": bytes(data[:8]) + (99).to_bytes(4, "little") + bytes(data[12:]),
        "not akhbar": b"PK\x03\x04" + bytes(100),
        "huge count": bytes(data[:-12]) + (2**62).to_bytes(8, "little") + bytes(data[-4:]),
    }
    for name, bad in cases.items():
        with pytest.raises(akhbar.FormatError):
            akhbar.TfidfVectorizer.from_bytes(bad)
    with pytest.raises(akhbar.FormatError, match="version 99"):
        akhbar.TfidfVectorizer.from_bytes(cases["future version"])


def test_100_mb_document_through_the_vectoriser_and_analyser():
    doc = ARABIC * (100_000_000 // len(ARABIC.encode()))
    size = len(doc.encode())
    before = _peak_rss_bytes()
    X = akhbar.TfidfVectorizer().fit_transform([doc, "القمة"])
    grown = _peak_rss_bytes() - before
    assert X.shape[0] == 2 and X[0].nnz > 5
    assert grown < 8 * size, f"peak RSS grew by {grown / size:.1f}x the document's UTF-8 size"
    terms = akhbar.Analyzer().analyze_batch([doc[:10_000_000]], n_threads=1)[0]
    assert terms[:3] == akhbar.Analyzer()(ARABIC)[:3]


@pytest.mark.parametrize(
    "work",
    [
        lambda texts: akhbar.TfidfVectorizer(n_jobs=1).fit_transform(texts),
        lambda texts: akhbar.Analyzer().analyze_batch(texts, n_threads=1),
    ],
    ids=["vectorizer", "analyzer"],
)
def test_ctrl_c_interrupts_long_analysis(work):
    texts = [ARABIC * 400] * 30000  # one object many times: seconds of work, little memory
    timer = threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT))
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            work(texts)
    finally:
        timer.cancel()


def test_related_queries_from_many_threads_equal_sequential():
    from akhbar.cli import load_sample

    articles = load_sample()[:150]
    index = akhbar.RelatedArticles(progress=False).fit([a["text"] for a in articles],
                                                      titles=[a["title"] for a in articles])
    queries = list(range(0, 150, 3)) + [a["title"] for a in articles[:30]]
    expected = [index.related(q, k=5) for q in queries]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda q: index.related(q, k=5), queries))
    assert got == expected
    I1, S1 = index.all_related(k=5, n_jobs=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        for I2, S2 in pool.map(lambda _: index.all_related(k=5, n_jobs=2), range(4)):
            assert (I1 == I2).all() and (S1 == S2).all()


def test_out_of_range_numbers_raise_value_error_not_a_cast_error():
    # Found in review: ints too large for C++ gave "RuntimeError: Unable to cast", NaN passed range checks
    # (related() returned nothing while all_related() returned everything), negative sizes were accepted.
    import math

    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس والوفد"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(docs)
    calls = [
        lambda: akhbar.TfidfVectorizer(max_features=10**30).fit(docs),
        lambda: akhbar.TfidfVectorizer(ngram_range=(1, 2**31)).fit(docs),
        lambda: akhbar.TfidfVectorizer(n_jobs=10**10).fit(docs),
        lambda: akhbar.Analyzer().analyze_batch(docs, n_threads=2**40),
        lambda: index.all_related(n_jobs=2**40),
        lambda: index.related(0, k=2**31),
        lambda: index.related(0, min_score=math.nan),
        lambda: index.related(0, within_days=math.nan),
        lambda: index.all_related(min_score=math.nan),
        lambda: index.clusters(min_size=-5),
        lambda: index.clusters(threshold=math.nan),
        lambda: index.near_duplicates(math.nan),
        lambda: index.explain(0, 1, top=-1),
        lambda: akhbar.RelatedArticles(seed=-1),
        lambda: akhbar.RelatedArticles(num_perm=0),
        lambda: akhbar.RelatedArticles(boilerplate_min_docs=0),
        lambda: akhbar.RelatedArticles(boilerplate_min_fraction=math.nan),
        lambda: akhbar.RelatedArticles(boilerplate_max_chars=-1),
        lambda: akhbar.RelatedArticles(n_jobs=0),  # (as the vectorisers: 0 threads has no meaning)
        lambda: index.all_related(n_jobs=0),
    ]
    for i, call in enumerate(calls):
        with pytest.raises(ValueError):
            call()


def test_module_defaults_are_read_only_and_frames_are_refused():
    # ANALYZER_DEFAULTS and DEFAULT_VECTORIZER_OPTIONS were plain dicts: an edit changed every later analyser,
    # vectoriser and index of the process.
    import numpy as np
    import pandas as pd

    for defaults in (akhbar.analysis.ANALYZER_DEFAULTS, akhbar.analysis.TOKENIZER_DEFAULTS,
                     akhbar.related.DEFAULT_VECTORIZER_OPTIONS):
        with pytest.raises(TypeError):
            defaults["stemmer"] = "snowball"
    assert akhbar.analysis.ANALYZER_DEFAULTS["stemmer"] == "light"
    # A DataFrame iterates over its column names: a model of those was built without a word.
    frame = pd.DataFrame({"text": ["كتب الولد الدرس", "ذهب الولد"], "id": ["a", "b"]})
    for fit in (akhbar.TfidfVectorizer().fit_transform, akhbar.CountVectorizer().fit,
                akhbar.RelatedArticles(progress=False).fit, akhbar.Analyzer().analyze_batch,
                akhbar.Normalizer().normalize_batch, akhbar.Stemmer("light").stem_batch):
        with pytest.raises(TypeError, match="DataFrame"):
            fit(frame)
    assert akhbar.TfidfVectorizer().fit_transform(frame["text"]).shape[0] == 2  # (a column is fine)
    for missing in (np.nan, None, pd.NA):
        for call in (akhbar.RelatedArticles(progress=False).fit, akhbar.Analyzer().analyze_batch,
                     akhbar.Normalizer().normalize_batch, akhbar.TfidfVectorizer().fit):
            with pytest.raises(TypeError, match="missing value"):
                call(["نص", missing])
    with pytest.raises(TypeError, match=r"texts\[1\] must be str, not int$"):
        akhbar.RelatedArticles(progress=False).fit(["نص", 3])
    # get_stop_words takes list names as arguments too.
    assert akhbar.get_stop_words("english") == akhbar.get_stop_words(stop_word_lists=("english",))
    assert akhbar.get_stop_words("arabic", "english") > akhbar.get_stop_words("english")
    with pytest.raises(TypeError, match="not both"):
        akhbar.get_stop_words("english", stop_word_lists=("arabic",))


# --------------------------------------------------------------------------- saved files: what saves must load
class _MyTfidf(akhbar.TfidfVectorizer):
    """A user's subclass (at module level, so that pickle finds it)."""


def test_subclasses_save_and_load(tmp_path):
    # A subclass was stored under its own class name, which no loader knew: it saved, and nothing read it back
    # (an index over one called its own file corrupt, even with allow_pickle=True).
    import pickle

    vec = _MyTfidf().fit(DOCS)
    vec.save(tmp_path / "m.akhbar")
    for loaded in (_MyTfidf.load(tmp_path / "m.akhbar"), akhbar.TfidfVectorizer.load(tmp_path / "m.akhbar")):
        assert (loaded.transform(DOCS) != vec.transform(DOCS)).nnz == 0
    assert type(_MyTfidf.load(tmp_path / "m.akhbar")) is _MyTfidf
    index = akhbar.RelatedArticles(_MyTfidf(), progress=False).fit(DOCS[:5])
    for loaded in (pickle.loads(pickle.dumps(index)),
                   akhbar.RelatedArticles.from_bytes(index.to_bytes(), allow_pickle=True)):
        assert type(loaded.vectorizer) is _MyTfidf
        assert loaded.related(0) == index.related(0)
    with pytest.raises(akhbar.FormatError, match="allow_pickle"):
        akhbar.RelatedArticles.from_bytes(index.to_bytes())


def test_parameters_that_would_not_load_fail_at_save_and_iterators_are_refused(tmp_path):
    # n_jobs=0 or progress="no" were written, and load called the file corrupt.
    with pytest.raises(ValueError, match="n_jobs"):
        akhbar.HashingVectorizer(n_jobs=0).save(tmp_path / "h.akhbar")
    vec = akhbar.TfidfVectorizer().fit(DOCS)
    vec.set_params(progress="no")
    with pytest.raises(TypeError, match="progress"):
        vec.to_bytes()
    assert not os.listdir(tmp_path)
    # A generator was read by the first fit: the saved model and the next fit had no protected words.
    for name in ("protected_words", "add_protected_words", "add_stop_words", "stop_words"):
        with pytest.raises(TypeError, match=f"{name} must be a collection"):
            akhbar.CountVectorizer(**{name: (w for w in ["الولد"])})
    # A misspelt option was taken until fit, whose error left out the right name.
    with pytest.raises(TypeError, match="did you mean 'ngram_range'"):
        akhbar.TfidfVectorizer(ngram_rnage=(1, 3))
    with pytest.raises(TypeError, match="does not take 'lowercase'"):
        akhbar.HashingVectorizer(lowercase=False)


def test_a_vocabulary_of_bytes_round_trips():
    # Its terms were saved as their repr ("b'\\xd8...'"), which matched nothing once loaded; a list of bytes
    # could not be saved at all.
    word = "الرئيس".encode()
    for vocabulary in ({word: 0, "القمه": 1}, [word, "القمه"], {word, "القمه".encode()}):
        vec = akhbar.CountVectorizer(vocabulary=vocabulary, stemmer="none").fit(DOCS)
        loaded = akhbar.CountVectorizer.from_bytes(vec.to_bytes())
        assert loaded.get_params()["vocabulary"] == vocabulary
        assert (loaded.transform(DOCS) != vec.transform(DOCS)).nnz == 0
        assert vec.transform(DOCS).sum() > 0


def test_paths_are_checked_and_files_read_no_further_than_their_header(tmp_path):
    vec = akhbar.CountVectorizer().fit(DOCS)
    # An int was a file descriptor that load closed (True closed stdout).
    for bad in (0, True, 3.5, None):
        for load in (akhbar.CountVectorizer.load, akhbar.HashingVectorizer.load, akhbar.RelatedArticles.load):
            with pytest.raises(TypeError, match="path must be a str"):
                load(bad)
        with pytest.raises(TypeError, match="path must be a str"):
            vec.save(bad)
    # /dev/zero was read whole before its first bytes were checked (MemoryError).
    if os.path.exists("/dev/zero"):
        for load in (akhbar.CountVectorizer.load, lambda p: akhbar.RelatedArticles.load(p, mmap=False)):
            with pytest.raises(akhbar.FormatError, match="not an akhbar file"):
                load("/dev/zero")
    # A bytes path: the temporary file was named after the bytes' repr.
    vec.save(os.fsencode(tmp_path / "b.akhbar"))
    assert os.listdir(tmp_path) == ["b.akhbar"]
    # A link stays a link, and a private file stays private.
    (tmp_path / "v1").mkdir()
    os.symlink(tmp_path / "v1" / "model.akhbar", tmp_path / "current.akhbar")
    vec.save(tmp_path / "current.akhbar")
    os.chmod(tmp_path / "v1" / "model.akhbar", 0o600)
    vec.save(tmp_path / "current.akhbar")
    assert os.path.islink(tmp_path / "current.akhbar")
    assert os.stat(tmp_path / "v1" / "model.akhbar").st_mode & 0o777 == 0o600
    assert akhbar.CountVectorizer.load(tmp_path / "current.akhbar").vocabulary_ == vec.vocabulary_


def test_damaged_metadata_raises_format_error():
    import struct
    import zlib

    def with_crc(b):
        return bytes(b[:-4]) + struct.pack("<I", zlib.crc32(bytes(b[:-4])))

    data = akhbar.CountVectorizer().fit(DOCS).to_bytes()
    newer = data.replace(b'"akhbar_params_version": 1', b'"akhbar_params_version": 9')
    with pytest.raises(akhbar.FormatError, match="version 9"):
        akhbar.CountVectorizer.from_bytes(with_crc(newer))
    # A section name that is no text raised UnicodeDecodeError.
    index = bytearray(akhbar.RelatedArticles(progress=False).fit(DOCS[:5]).to_bytes())
    index[index.index(b"meta")] ^= 0x80
    with pytest.raises(akhbar.FormatError, match="not text"):
        akhbar.RelatedArticles.from_bytes(with_crc(index))
    # A stored option that is no text, quoted by the error, raised UnicodeDecodeError about the message.
    for cls in (akhbar.CountVectorizer, akhbar.HashingVectorizer):
        model = bytearray((cls().fit(DOCS) if cls is akhbar.CountVectorizer else cls()).to_bytes())
        model[model.index(b"light")] = 0xFF
        with pytest.raises(akhbar.FormatError, match=r"unknown stemmer '\\xffight'"):
            cls.from_bytes(with_crc(model))
    vec = akhbar.TfidfVectorizer().fit(DOCS)
    with pytest.raises(TypeError, match="1-D array of numbers"):
        vec.idf_ = None
    # A model that was never fitted (a C++ program may save one; to_bytes does not) loaded as unfitted.
    unfitted = akhbar._core.Vectorizer(vec._model.options(), vec._analyzer_dict())
    with pytest.raises(akhbar.FormatError, match="never fitted"):
        akhbar.TfidfVectorizer.from_bytes(unfitted.to_bytes(data[:0]))


def test_a_huge_n_jobs_runs_as_a_few_threads_a_core():
    # Each thread's part has working memory of its own: n_jobs=100000 on 200 documents took 3.9 s and 870 MB.
    base = akhbar.CountVectorizer().fit_transform(DOCS)
    assert (akhbar.CountVectorizer(n_jobs=10**6).fit_transform(DOCS) != base).nnz == 0


def test_vectoriser_options_that_take_no_effect_warn():
    import warnings

    cases = [
        ({"analyzer": str.split, "stemmer": "snowball", "fold_alef": False}, {"stemmer", "fold_alef"}),
        ({"analyzer": akhbar.Analyzer(), "stemmer": "none"}, {"stemmer"}),
        ({"tokenizer": str.split, "stemmer": "snowball", "fold_alef": False}, {"stemmer"}),
        ({"analyzer": "char", "stemmer": "snowball"}, {"stemmer"}),
    ]
    for params, names in cases:
        with pytest.warns(UserWarning) as record:
            akhbar.CountVectorizer(**params).fit(DOCS)
        assert {str(w.message).split("'")[1] for w in record} == names, params
    with pytest.warns(UserWarning, match="'k1' will not be used since weighting != 'bm25'"):
        akhbar.TfidfVectorizer(k1=5.0).fit(DOCS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        akhbar.TfidfVectorizer(weighting="bm25", k1=5.0, b=0.0).fit(DOCS)
        akhbar.CountVectorizer(tokenizer=str.split, fold_alef=False, stop_words="arabic").fit(DOCS)


@pytest.mark.parametrize("work", ["akhbar.Analyzer().analyze_batch(T, n_threads=1)",
                                  "v.transform(T)", "akhbar.Normalizer().normalize_batch(T)"])
def test_exit_while_a_daemon_thread_is_in_akhbar(work):
    # The process aborted at exit ("terminate called without an active exception", status 134): Python ended
    # the daemon thread as it took the GIL back, from a destructor that could not let that through.
    code = ("import threading, time, akhbar\nfrom akhbar.cli import load_sample\n"
            "T = [a['text'] for a in load_sample()]\nv = akhbar.TfidfVectorizer().fit(T)\n"
            f"def loop():\n    while True:\n        {work}\n"
            "threading.Thread(target=loop, daemon=True).start()\ntime.sleep(0.5)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "terminate" not in done.stderr
