"""Tokeniser, stop words, stemmers and analyser: the Python API."""

from __future__ import annotations

import gzip
import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import akhbar
from akhbar.analysis import analyzer_options, builtin_stop_words, stop_words_file

# ------------------------------------------------------------------------------------------------- tokeniser

TOKEN_TABLE = [
    ("وiPhone", [("و", "clitic"), ("iphone", "word")]),
    ("والـCNN", [("وال", "clitic"), ("cnn", "word")]),
    ("و١٢٬٥٠٠", [("و", "clitic"), ("12500", "number")]),
    ("1,234.5 و 3.5", [("1234.5", "number"), ("و", "word"), ("3.5", "number")]),
    ("#قمة_الرياض", [("#قمه_الرياض", "hashtag")]),
    ("@AlArabiya_Eng", [("@alarabiya_eng", "mention")]),
    ("انظر https://example.com/a?b=1.", [("انظر", "word"), ("https://example.com/a?b=1", "url")]),
    ("news@ahram.org.eg", [("news@ahram.org.eg", "email")]),
    ("«الوطن»،“الأهرام”؛لماذا؟", [("الوطن", "word"), ("الاهرام", "word"), ("لماذا", "word")]),
    ("عام2013", [("عام", "word"), ("2013", "number")]),
]


@pytest.mark.parametrize("text,expected", TOKEN_TABLE)
def test_token_kinds(text, expected):
    tokens = akhbar.Tokenizer().tokens(text)
    assert [(t.text, t.kind) for t in tokens] == expected
    assert akhbar.tokenize(text) == [t for t, _ in expected]


def test_punct_tokens_only_when_asked():
    assert akhbar.tokenize("نعم، لا!") == ["نعم", "لا"]
    tokens = akhbar.Tokenizer(punct=True).tokens("نعم، لا!")
    assert [(t.text, t.kind) for t in tokens] == [("نعم", "word"), ("،", "punct"), ("لا", "word"), ("!", "punct")]


def test_offsets_are_code_points_of_the_original():
    text = "😀 في أعقـ.ـاب القِمَّةِ وiPhone"
    tokens = akhbar.Tokenizer().tokens(text)
    assert [text[t.start : t.end] for t in tokens] == ["في", "أعقـ.ـاب", "القِمَّةِ", "و", "iPhone"]
    assert [t.text for t in tokens] == ["في", "اعقاب", "القمه", "و", "iphone"]


def test_offsets_of_bytes_are_byte_offsets():
    raw = "في وiPhone".encode()
    tokens = akhbar.Tokenizer().tokens(raw)
    assert [raw[t.start : t.end].decode() for t in tokens] == ["في", "و", "iPhone"]


def test_tokenizer_errors():
    with pytest.raises(TypeError, match="text"):
        akhbar.tokenize(12)
    with pytest.raises(ValueError, match="2"):
        akhbar.tokenize(b"ab\xff")
    with pytest.raises(TypeError, match="unknown tokeniser option"):
        akhbar.Tokenizer(puncts=True)
    with pytest.raises(TypeError, match="punct"):
        akhbar.Tokenizer(punct=1)


_PIECES = [
    "ب", "ا", "ل", "و", "ة", "ى", "أ", "إ", "ـ", "َ", "ُ", "ّ", "a", "Z", "1", "٣", "۴", "٬", "٫", ",", ".", "#",
    "@", "_", " ", "\n", "«", "»", "“", "”", "،", "؛", "؟", "'", "http://", "www.", "x@y.com", "\u200c", "-",
    "ﻻ", "😀", "\t",
]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), st.booleans())
def test_offsets_slice_the_original_in_order(text, punct):
    tokens = akhbar.Tokenizer(punct=punct).tokens(text)
    end = 0
    for t in tokens:
        assert end <= t.start < t.end <= len(text)
        end = t.end
        assert t.text
        piece = akhbar.normalize(text[t.start : t.end])
        if t.kind == "number":
            assert piece.replace(",", "").replace(".", "") == t.text.replace(",", "").replace(".", "")
        elif t.kind != "punct":
            # The slice is the token's source: normalised alone it gives the token (case aside for URLs).
            assert piece == t.text, (text, t)


# ------------------------------------------------------------------------------------------------ stop words


def test_shipped_stop_word_files_match_the_core():
    for name in ("arabic", "english"):
        path = stop_words_file(name)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines[0].startswith("#")
        header = "\n".join(line for line in lines if line.startswith("#"))
        assert "licen" in header.lower() and "Source" in header
        words = [line for line in lines if line and not line.startswith("#")]
        assert words == builtin_stop_words(name)


def test_stop_words_are_normalised_with_the_analyser_options():
    sw = akhbar.get_stop_words()
    assert "الي" in sw and "إلى" not in sw
    assert "الى" in akhbar.get_stop_words(fold_alef_maksura=False)
    assert "the" in akhbar.get_stop_words(stop_word_lists=("arabic", "english"))
    assert akhbar.get_stop_words(stop_words=["قال", "أكد"]) == {"قال", "اكد"}
    assert "في" not in akhbar.get_stop_words(remove_stop_words=["في"])
    assert akhbar.get_stop_words(stop_words=False) == frozenset()


def test_stop_words_dropped_by_the_analyser():
    text = "ذهب إلى المدرسة مع أصدقائه"
    assert akhbar.Analyzer(stemmer="none")(text) == ["ذهب", "المدرسه", "اصدقائه"]
    assert akhbar.Analyzer(stemmer="none", stop_words=False)(text) == ["ذهب", "الي", "المدرسه", "مع", "اصدقائه"]
    assert akhbar.Analyzer(stemmer="none", add_stop_words=["ذهب"])(text) == ["المدرسه", "اصدقائه"]


# -------------------------------------------------------------------------------------------------- stemmers


@pytest.mark.parametrize(
    "word,stem",
    [
        ("الكتاب", "كتاب"), ("والكتاب", "كتاب"), ("بالكتاب", "كتاب"), ("كالكتاب", "كتاب"), ("فالكتاب", "كتاب"),
        ("للكتاب", "كتاب"), ("وكتب", "كتب"), ("ولد", "ولد"), ("كتابها", "كتاب"), ("معلمان", "معلم"),
        ("معلمات", "معلم"), ("معلمون", "معلم"), ("معلمين", "معلم"), ("كتابيه", "كتاب"), ("مدرسية", "مدرس"),
        ("كتابه", "كتاب"), ("مدرسة", "مدرس"), ("كتابي", "كتاب"), ("كتابانها", "كتاب"), ("بها", "بها"),
    ],
)
def test_light_stemmer(word, stem):
    assert akhbar.Stemmer("light").stem(word) == stem


def test_stemmer_protected_words_and_batch():
    assert akhbar.Stemmer("snowball").stem("بايدن") == "بايدن"
    assert akhbar.Stemmer("snowball", protected=[]).stem("بايدن") == "بايد"
    s = akhbar.Stemmer("light", add_protected=["الكتاب"])
    assert s.stem("الكتاب") == "الكتاب" and s.stem("فلسطين") == "فلسطين"
    words = ["والمعلمات", "المدرسة", "بايدن"] * 1000
    for method in ("none", "light", "snowball"):
        stemmer = akhbar.Stemmer(method)
        assert stemmer.stem_batch(words, n_threads=2) == [stemmer.stem(w) for w in words]
    assert pickle.loads(pickle.dumps(s)).stem("الكتاب") == "الكتاب"
    with pytest.raises(ValueError, match="snowball"):
        akhbar.Stemmer("porter")
    with pytest.raises(TypeError, match=r"words\[1\]"):
        akhbar.Stemmer().stem_batch(["a", 1])


# -------------------------------------------------------------------------------------------------- analyser


def _sklearn_analyzer(**kwargs):
    from sklearn.feature_extraction.text import CountVectorizer

    return CountVectorizer(**kwargs).build_analyzer()


_TEXT = st.lists(
    st.sampled_from(["ب", "ا", "ة", "أ", "ـ", "َ", "a", "B", "1", " ", "  ", "\n", "\t", "\u00a0", ".", "،", "😀"]),
    max_size=25,
).map("".join)


@settings(max_examples=200)
@given(_TEXT, st.sampled_from(["char", "char_wb"]), st.integers(1, 4), st.integers(0, 2), st.booleans())
def test_char_ngrams_equal_scikit_learn(text, kind, lo, span, normalize_whitespace):
    ours = akhbar.Analyzer(analyzer=kind, ngram_range=(lo, lo + span), normalize_whitespace=normalize_whitespace)
    norm = akhbar.Normalizer(normalize_whitespace=normalize_whitespace)
    ref = _sklearn_analyzer(analyzer=kind, ngram_range=(lo, lo + span), preprocessor=norm.normalize)
    assert ours(text) == ref(text)


def test_word_ngrams_equal_scikit_learn():
    unigrams = akhbar.Analyzer()
    text = "ذهب الولد إلى المدرسة في القاهرة صباح اليوم مع أصدقائه"
    for rng in [(1, 2), (1, 3), (2, 3), (3, 3)]:
        ref = _sklearn_analyzer(
            tokenizer=unigrams, preprocessor=lambda s: s, lowercase=False, token_pattern=None, ngram_range=rng
        )
        assert akhbar.Analyzer(ngram_range=rng)(text) == ref(text)


def test_analyzer_in_scikit_learn_tfidf():
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = ["ذهب الولد إلى المدرسة", "المدارس في القاهرة", "الولد في المدرسة"]
    vec = TfidfVectorizer(analyzer=akhbar.Analyzer())
    x = vec.fit_transform(docs)
    assert x.shape == (3, len(vec.vocabulary_))
    assert "مدرس" in vec.vocabulary_ and "الي" not in vec.vocabulary_


def test_analyze_batch_matches_single_calls_for_any_thread_count(shared_data):
    with gzip.open(shared_data / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for _, line in zip(range(300), f)]
    for options in ({}, {"stemmer": "snowball", "ngram_range": (1, 2)}, {"analyzer": "char_wb"}):
        a = akhbar.Analyzer(**options)
        expected = [a(t) for t in texts]
        assert a.analyze_batch(texts, n_threads=1) == expected
        assert a.analyze_batch(texts, n_threads=3) == expected


def test_analyzer_options_validation():
    with pytest.raises(TypeError, match="unknown analyser option"):
        akhbar.Analyzer(stemer="light")
    with pytest.raises(ValueError, match="stemmer"):
        akhbar.Analyzer(stemmer="porter")
    with pytest.raises(ValueError, match="analyzer"):
        akhbar.Analyzer(analyzer="words")
    with pytest.raises(ValueError, match="ngram_range"):
        akhbar.Analyzer(ngram_range=(2, 1))
    with pytest.raises(TypeError, match="ngram_range"):
        akhbar.Analyzer(ngram_range=2)
    with pytest.raises(ValueError, match="stop-word list"):
        akhbar.Analyzer(stop_words="klingon")
    with pytest.raises(TypeError, match="add_stop_words"):
        akhbar.Analyzer(add_stop_words="قال")
    with pytest.raises(TypeError, match="keep_numbers"):
        akhbar.Analyzer(keep_numbers="yes")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        akhbar.Analyzer().analyze_batch(["a", None])
    with pytest.raises(ValueError):
        akhbar.Analyzer()(b"\xff")
    opts = analyzer_options(ngram_range=(1, 2), stop_words="english", stemmer=None)
    assert (opts["ngram_min"], opts["ngram_max"], opts["stop_word_lists"], opts["stemmer"]) == (1, 2, ["english"], "none")


def test_analyzer_pickles_and_compares():
    a = akhbar.Analyzer(stemmer="snowball", add_stop_words=["قال"])
    b = pickle.loads(pickle.dumps(a))
    assert a == b and hash(a) == hash(b)
    assert b("قال الرئيس") == a("قال الرئيس") == ["رييس"]
    assert "snowball" in repr(a)
    assert a.stop_words == akhbar.get_stop_words(add_stop_words=["قال"])


def test_python_defaults_match_the_core():
    core = dict(akhbar._core.Analyzer.default_options())
    ours = analyzer_options()
    assert ours == core
    assert akhbar.Analyzer().options == core
