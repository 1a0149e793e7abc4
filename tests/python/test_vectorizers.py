"""akhbar's CountVectorizer / TfidfVectorizer / HashingVectorizer against scikit-learn, and their own API."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import pickle
import struct
import threading
import time
import warnings
import zlib
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import akhbar
from akhbar import CountVectorizer, HashingVectorizer, TfidfVectorizer

sklearn_text = pytest.importorskip("sklearn.feature_extraction.text")
from sklearn.base import clone  # noqa: E402
from sklearn.exceptions import NotFittedError  # noqa: E402


def _load(shared, name, n):
    out = []
    with gzip.open(shared / name / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            out.append((row["text"], row.get("source", "")))
            if len(out) == n:
                break
    return out


@pytest.fixture(scope="module")
def docs(shared_data):
    return [t for t, _ in _load(shared_data, "jawhara", 80)]


@pytest.fixture(scope="module")
def egy(shared_data):
    return _load(shared_data, "egy2013", 300)


@pytest.fixture(scope="module")
def tokens(docs):
    """Each document's tokens (akhbar's analyser without stop words or stemming), computed once: the shared
    `tokenizer` of both libraries in the grid is a dict lookup."""
    a = akhbar.Analyzer(stop_words=False, stemmer="none")
    return {d: a(d) for d in docs}


def assert_same(ours, theirs, ours_names, theirs_names, atol=1e-6):
    assert sp.isspmatrix_csr(ours)
    assert list(ours_names) == list(theirs_names)
    assert ours.shape == theirs.shape
    diff = abs(ours - sp.csr_matrix(theirs))
    assert (diff.max() if diff.nnz else 0.0) <= atol


# ------------------------------------------------------------------------------------------ scikit-learn grid

WEIGHTING = list(itertools.product(["l1", "l2", None], [True, False], [True, False], [True, False], [True, False]))
PRUNING = list(itertools.product([(1, 1), (1, 2), (2, 3)], [1, 2, 0.05], [1.0, 0.5, 30], [None, 60]))


@pytest.mark.parametrize("ngram_range,min_df,max_df,max_features", PRUNING)
def test_tfidf_matches_sklearn_for_every_option(docs, tokens, ngram_range, min_df, max_df, max_features):
    """Both fed the same tokenizer: same features, same matrix, for every weighting option combination.

    scikit-learn's side is computed as its TfidfVectorizer computes it (a float64 CountVectorizer, then a
    TfidfTransformer fitted on its counts), so that its counting runs once per `binary` value."""
    common = dict(ngram_range=ngram_range, min_df=min_df, max_df=max_df, max_features=max_features)
    counted = {}
    for binary in (False, True):
        cv = sklearn_text.CountVectorizer(
            tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, dtype=np.float64, binary=binary, **common
        )
        counted[binary] = (cv, cv.fit_transform(docs), cv.transform(docs[:20]))
    for norm, use_idf, smooth_idf, sublinear_tf, binary in WEIGHTING:
        weights = dict(norm=norm, use_idf=use_idf, smooth_idf=smooth_idf, sublinear_tf=sublinear_tf)
        cv, C, C_new = counted[binary]
        tt = sklearn_text.TfidfTransformer(**weights).fit(C)
        ours = TfidfVectorizer(tokenizer=tokens.__getitem__, binary=binary, **common, **weights)
        X = ours.fit_transform(docs)
        assert_same(X, tt.transform(C), ours.get_feature_names_out(), cv.get_feature_names_out())
        assert_same(ours.transform(docs[:20]), tt.transform(C_new), [], [])
        if use_idf:
            np.testing.assert_allclose(ours.idf_, tt.idf_, rtol=1e-12)


def test_tfidf_vectorizer_equals_count_plus_transformer_in_sklearn(docs, tokens):
    """The premise of the grid above, checked on a few option sets against sklearn's TfidfVectorizer itself."""
    for opts in ({"ngram_range": (1, 2), "max_features": 60, "binary": True, "sublinear_tf": True},
                 {"min_df": 2, "max_df": 0.5, "norm": "l1", "smooth_idf": False}):
        theirs = sklearn_text.TfidfVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, **opts)
        ours = TfidfVectorizer(tokenizer=tokens.__getitem__, **opts)
        assert_same(ours.fit_transform(docs), theirs.fit_transform(docs), ours.get_feature_names_out(), theirs.get_feature_names_out())


@pytest.mark.parametrize("ngram_range,min_df,max_df,max_features", PRUNING)
@pytest.mark.parametrize("binary", [False, True])
def test_count_matches_sklearn(docs, tokens, ngram_range, min_df, max_df, max_features, binary):
    opts = dict(ngram_range=ngram_range, min_df=min_df, max_df=max_df, max_features=max_features, binary=binary)
    theirs = sklearn_text.CountVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, **opts)
    ours = CountVectorizer(tokenizer=tokens.__getitem__, **opts)
    Y = theirs.fit_transform(docs)
    X = ours.fit_transform(docs)
    assert X.dtype == np.int64
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert (X != Y).nnz == 0
    assert ours.vocabulary_ == theirs.vocabulary_


def test_max_features_ties_broken_as_sklearn(tokens, docs):
    # Many terms share a count at the cut: the selection must still be scikit-learn's.
    for mf in (7, 100, 333):
        for cls_ours, cls_theirs in ((CountVectorizer, sklearn_text.CountVectorizer), (TfidfVectorizer, sklearn_text.TfidfVectorizer)):
            ours = cls_ours(tokenizer=tokens.__getitem__, max_features=mf).fit(docs)
            theirs = cls_theirs(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, max_features=mf).fit(docs)
            assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype(docs, tokens, dtype):
    theirs = sklearn_text.TfidfVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, dtype=dtype)
    ours = TfidfVectorizer(tokenizer=tokens.__getitem__, dtype=dtype)
    X, Y = ours.fit_transform(docs), theirs.fit_transform(docs)
    assert X.dtype == Y.dtype == dtype
    assert ours.idf_.dtype == theirs.idf_.dtype
    np.testing.assert_allclose(X.toarray(), Y.toarray(), atol=1e-6)


def test_callable_analyzer_matches_sklearn(docs):
    a = akhbar.Analyzer()
    ours = TfidfVectorizer(analyzer=a, sublinear_tf=True, min_df=2)
    theirs = sklearn_text.TfidfVectorizer(analyzer=a, sublinear_tf=True, min_df=2)
    assert_same(ours.fit_transform(docs), theirs.fit_transform(docs), ours.get_feature_names_out(), theirs.get_feature_names_out())


@pytest.mark.parametrize(
    "options",
    [{}, {"ngram_range": (1, 2), "min_df": 2}, {"analyzer": "char_wb", "ngram_range": (2, 4)},
     {"analyzer": "char", "ngram_range": (1, 3), "max_features": 500}, {"stemmer": "snowball", "stop_words": False}],
)
def test_own_analyzer_matches_sklearn_fed_the_same_analyzer(docs, options):
    """akhbar's built-in analysis equals scikit-learn given akhbar.Analyzer with the same options as a callable."""
    analyser_opts = {k: v for k, v in options.items() if k not in ("min_df", "max_features")}
    pruning = {k: v for k, v in options.items() if k in ("min_df", "max_features")}
    ours = TfidfVectorizer(**options)
    theirs = sklearn_text.TfidfVectorizer(analyzer=akhbar.Analyzer(**analyser_opts), **pruning)
    X, Y = ours.fit_transform(docs), theirs.fit_transform(docs)
    assert_same(X, Y, ours.get_feature_names_out(), theirs.get_feature_names_out())
    assert_same(ours.transform(docs[::7]), theirs.transform(docs[::7]), [], [])


def test_fixed_vocabulary_matches_sklearn(docs, tokens):
    vocab_list = ["مصر", "الرئيس", "zzz-not-there", "في", "قال"]
    for vocabulary in (vocab_list, {t: i for i, t in enumerate(reversed(vocab_list))}, set(vocab_list)):
        ours = TfidfVectorizer(tokenizer=tokens.__getitem__, vocabulary=vocabulary)
        theirs = sklearn_text.TfidfVectorizer(
            tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, vocabulary=vocabulary
        )
        assert_same(ours.fit_transform(docs), theirs.fit_transform(docs), ours.get_feature_names_out(), theirs.get_feature_names_out())
        assert ours.fixed_vocabulary_ and ours.vocabulary_ == theirs.vocabulary_
    with pytest.raises(ValueError, match="Duplicate term"):
        TfidfVectorizer(vocabulary=["a", "b", "a"]).fit(docs)
    with pytest.raises(ValueError, match="doesn't contain index 1"):
        TfidfVectorizer(vocabulary={"a": 0, "b": 2}).fit(docs)
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfVectorizer(vocabulary=[]).fit(docs)


def test_count_vectorizer_with_a_vocabulary_needs_no_fit(docs, tokens):
    # As scikit-learn: CountVectorizer counts with a fixed vocabulary before any fit; TfidfVectorizer needs idf.
    vocabulary = ["مصر", "الرئيس", "zzz-not-there", "في", "قال"]
    ours = CountVectorizer(tokenizer=tokens.__getitem__, vocabulary=vocabulary)
    theirs = sklearn_text.CountVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None,
                                          vocabulary=vocabulary)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert_same(ours.transform(docs), theirs.transform(docs), ours.get_feature_names_out(),
                theirs.get_feature_names_out())
    assert ours.transform(docs).sum() > 0
    with pytest.raises(NotFittedError):
        TfidfVectorizer(vocabulary=vocabulary).transform(docs)
    with pytest.raises(ValueError, match="Duplicate term"):
        CountVectorizer(vocabulary=["a", "b", "a"]).transform(docs)


@pytest.mark.parametrize("n_features,alternate_sign,norm,binary", [
    (2**20, True, "l2", False), (16, True, "l2", False), (16, False, None, True), (1000, True, "l1", False),
])
def test_hashing_matches_sklearn(docs, tokens, n_features, alternate_sign, norm, binary):
    opts = dict(n_features=n_features, alternate_sign=alternate_sign, norm=norm, binary=binary, ngram_range=(1, 2))
    ours = HashingVectorizer(tokenizer=tokens.__getitem__, **opts)
    theirs = sklearn_text.HashingVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, **opts)
    X, Y = ours.fit_transform(docs), theirs.fit_transform(docs)
    assert X.shape == Y.shape
    assert abs(X - Y).max() <= 1e-12


def test_hashing_own_analyzer(docs):
    a = akhbar.Analyzer()
    X = HashingVectorizer(n_features=2**18, n_jobs=2).transform(docs)
    Y = sklearn_text.HashingVectorizer(n_features=2**18, analyzer=a).transform(docs)
    assert X.shape == Y.shape and X.nnz > 0
    assert abs(X - Y).max() <= 1e-12


@pytest.mark.parametrize("options", [{}, {"ngram_range": (1, 2)}, {"analyzer": "char_wb", "ngram_range": (2, 4)},
                                     {"analyzer": "char", "ngram_range": (2, 3)}])
def test_hashing_memo_matches_sklearn_cold_and_warm(docs, options):
    # Text goes through an analysis cache kept between calls (each distinct chunk analysed once, each distinct
    # term hashed once): cold, warm, on more threads and after clear_cache, the matrix is scikit-learn's on
    # akhbar's terms; with 64 columns most terms collide, and their signed counts add up.
    a = akhbar.Analyzer(**{k: v for k, v in options.items()})
    for n_features in (64, 2**18):
        h = HashingVectorizer(n_features=n_features, norm=None, **options)
        Y = sklearn_text.HashingVectorizer(n_features=n_features, norm=None, analyzer=a).transform(docs)
        assert h.memory_usage()["cache"] == 0
        impl = h._impl()
        for n_jobs in (1, 2, 1):
            h.set_params(n_jobs=n_jobs)  # (n_jobs is a run parameter: the vectoriser and its cache stay)
            assert h._impl() is impl
            X = h.transform(docs)
            assert X.shape == Y.shape and X.nnz == Y.nnz > 0
            assert abs(X - Y).max() == 0
            assert h.memory_usage()["cache"] > 0
        h.clear_cache()
        assert h.memory_usage()["cache"] == 0
        assert abs(h.transform(docs[::-1]) - Y[::-1]).max() == 0


@pytest.mark.parametrize("params", [{"n_features": 2**31 - 1}, {"n_features": 3, "binary": True, "norm": "l1"},
                                    {"alternate_sign": False, "dtype": np.float32}, {"n_features": 1}])
def test_hashing_text_options_as_sklearn(docs, params):
    # Text through the cache, cold then warm, against scikit-learn on akhbar's terms: the widest columns (the
    # cache's cells hold column << 1 | sign in 32 bits), binary, l1, float32, no signs, one column.
    h = HashingVectorizer(**params)
    Y = sklearn_text.HashingVectorizer(analyzer=akhbar.Analyzer(), **params).transform(docs)
    for _ in range(2):
        X = h.transform(docs)
        assert X.dtype == Y.dtype and X.shape == Y.shape and X.nnz == Y.nnz
        assert abs(X - Y).max() <= 1e-6


def test_one_article_transforms_equal_one_batch(docs):
    # A feed: the column counts kept between calls (with the analysis cache) are 0 between documents, also
    # after a call that failed part-way.
    v = TfidfVectorizer(ngram_range=(1, 2)).fit(docs[:40])
    want = v.transform(docs[40:])
    got = []
    for k, d in enumerate(docs[40:]):
        if k == 5:
            with pytest.raises(ValueError, match="invalid UTF-8"):
                v.transform([d.encode(), b"\xff"])
        got.append(v.transform([d]))
    assert abs(sp.vstack(got) - want).max() == 0 and sp.vstack(got).nnz == want.nnz


def test_hashing_one_article_calls_equal_one_batch(docs):
    # A stream of one-article calls, on the cache and the counts it keeps between calls (0 between documents).
    h = HashingVectorizer(n_features=2**12)
    rows = sp.vstack([h.transform([d]) for d in docs[:30] * 2])
    want = HashingVectorizer(n_features=2**12).transform(docs[:30] * 2)
    assert rows.shape == want.shape and (rows != want).nnz == 0


def test_hashing_bad_text_then_good(docs):
    h = HashingVectorizer(n_features=2**10)
    want = HashingVectorizer(n_features=2**10).transform(docs)
    with pytest.raises(ValueError, match=r"raw_documents\[1\]: invalid UTF-8 at byte offset 1"):
        h.transform([b"ok", b"a\xff"])
    with pytest.raises(ValueError, match=r"raw_documents\[1\]: lone surrogate U\+D800"):
        h.transform([docs[0], docs[1][:50] + "\ud800"])
    assert (h.transform(docs) != want).nnz == 0


def test_hashing_batches_threads_and_zero_copy(docs, monkeypatch):
    ref = HashingVectorizer(n_features=2**12).transform(docs)
    monkeypatch.setattr(HashingVectorizer, "_batch_docs", 7)
    X = HashingVectorizer(n_features=2**12, n_jobs=2).transform(iter(docs))
    assert (X != ref).nnz == 0 and np.array_equal(X.indptr, ref.indptr)
    assert not X.data.flags.owndata and not X.indices.flags.owndata
    assert HashingVectorizer().fit_transform([]).shape == (0, 2**20)
    h = HashingVectorizer(n_features=32)
    assert h.transform(docs[:2]).shape == (2, 32)
    h.set_params(n_features=64, stemmer="none")  # the cached C++ vectoriser follows the parameters
    assert h.transform(docs[:2]).shape == (2, 64)
    assert (h.transform(docs[:2]) != HashingVectorizer(n_features=64, stemmer="none").transform(docs[:2])).nnz == 0


def test_inverse_transform_matches_sklearn(docs, tokens):
    ours = CountVectorizer(tokenizer=tokens.__getitem__, min_df=2).fit(docs)
    theirs = sklearn_text.CountVectorizer(tokenizer=tokens.__getitem__, lowercase=False, token_pattern=None, min_df=2).fit(docs)
    X = ours.transform(docs[:5])
    for a, b in zip(ours.inverse_transform(X), theirs.inverse_transform(X)):
        assert list(a) == list(b)
    for a, b in zip(ours.inverse_transform(X.toarray()), theirs.inverse_transform(X.toarray())):
        assert list(a) == list(b)


# ----------------------------------------------------------------------------------------------------- BM25


def test_bm25_weights_follow_the_documented_formula(docs):
    a = akhbar.Analyzer()
    k1, b = 1.5, 0.6
    X = TfidfVectorizer(analyzer=a, weighting="bm25", k1=k1, b=b, norm=None).fit_transform(docs)
    counts = sklearn_text.CountVectorizer(analyzer=a)
    C = counts.fit_transform(docs).toarray().astype(float)
    lengths = np.array([len(a(d)) for d in docs], dtype=float)
    n = len(docs)
    df = (C > 0).sum(axis=0)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    denom = C + k1 * (1 - b + b * lengths[:, None] / lengths.mean())
    expected = idf * C * (k1 + 1) / denom
    np.testing.assert_allclose(X.toarray(), expected, atol=1e-9)
    v = TfidfVectorizer(analyzer=a, weighting="bm25").fit(docs)
    np.testing.assert_allclose(v.idf_, idf, rtol=1e-12)
    # Normalised rows by default.
    np.testing.assert_allclose(sp.linalg.norm(v.transform(docs), axis=1), 1.0)
    with pytest.raises(ValueError, match="sublinear_tf"):
        TfidfVectorizer(weighting="bm25", sublinear_tf=True).fit(docs)
    with pytest.raises(ValueError, match="weighting"):
        TfidfVectorizer(weighting="okapi").fit(docs)


# ------------------------------------------------------------------------------------- threads, input kinds


def test_identical_for_any_n_jobs_and_batch_size(docs, monkeypatch):
    ref = TfidfVectorizer(ngram_range=(1, 2), min_df=2)
    X1 = ref.fit_transform(docs)
    for n_jobs, batch in ((2, 8192), (2, 7), (3, 13), (1, 5)):
        monkeypatch.setattr(TfidfVectorizer, "_batch_docs", batch)
        v = TfidfVectorizer(ngram_range=(1, 2), min_df=2, n_jobs=n_jobs)
        X = v.fit_transform(docs)
        assert list(v.get_feature_names_out()) == list(ref.get_feature_names_out())
        assert (X != X1).nnz == 0 and np.array_equal(X.indices, X1.indices) and np.array_equal(X.indptr, X1.indptr)
        assert (v.transform(docs) != X1).nnz == 0
        # First-seen order of the internal vocabulary does not leak: to_bytes is identical too.
        assert v._model.to_bytes(b"") == ref._model.to_bytes(b"")


def test_any_iterable_of_str(docs):
    pd = pytest.importorskip("pandas")
    ref = TfidfVectorizer().fit_transform(docs)
    for source in (iter(docs), (d for d in docs), pd.Series(docs), np.array(docs, dtype=object), tuple(docs)):
        X = TfidfVectorizer().fit_transform(source)
        assert (X != ref).nnz == 0
    X = TfidfVectorizer().fit_transform([d.encode() for d in docs])
    assert (X != ref).nnz == 0


def test_output_is_zero_copy_csr(docs):
    X = TfidfVectorizer().fit_transform(docs)
    assert isinstance(X, sp.csr_matrix)
    for arr in (X.data, X.indices, X.indptr):
        assert not arr.flags.owndata  # views of the C++ buffers
    assert X.indices.dtype == np.int32 and X.has_sorted_indices


def test_bad_input_errors(docs):
    v = TfidfVectorizer()
    with pytest.raises(ValueError, match="string object received"):
        v.fit("one string")
    with pytest.raises(TypeError, match=r"raw_documents\[2\] must be str"):
        v.fit(["a", "b", 3])
    with pytest.raises(ValueError, match=r"raw_documents\[1\]: invalid UTF-8 at byte offset 1"):
        v.fit([b"ok", b"a\xff"])
    with pytest.raises(ValueError, match=r"raw_documents\[0\]: lone surrogate U\+D800"):
        v.fit(["a\ud800"])
    with pytest.raises(TypeError, match="must be an iterable"):
        v.fit(5)
    with pytest.raises(TypeError, match="analyzer output for document 1, item 0 must be str"):
        TfidfVectorizer(analyzer=lambda d: [d] if d == "x" else [1]).fit(["x", "y"])
    with pytest.raises(ValueError, match="empty vocabulary"):
        TfidfVectorizer().fit(["", "  "])
    with pytest.raises(ValueError, match="no terms remain"):
        TfidfVectorizer(min_df=79).fit(docs)
    with pytest.raises(ValueError, match="max_df corresponds to < documents than min_df"):
        TfidfVectorizer(min_df=5, max_df=3).fit(docs)
    with pytest.raises(TypeError, match="min_df"):
        TfidfVectorizer(min_df="2").fit(docs)
    with pytest.raises(ValueError, match="max_df"):
        TfidfVectorizer(max_df=1.5).fit(docs)
    with pytest.raises(ValueError, match="max_features"):
        TfidfVectorizer(max_features=0).fit(docs)
    for bound in ("min_df", "max_df"):  # an int is a document count from 1, as scikit-learn's
        with pytest.raises(ValueError, match=f"{bound} must be >= 1 when it is an int"):
            TfidfVectorizer(**{bound: 0}).fit(docs)
    assert TfidfVectorizer(min_df=0.0).fit(docs).idf_.size > 0
    with pytest.raises(ValueError, match="ngram_range"):
        TfidfVectorizer(ngram_range=(2, 1)).fit(docs)
    with pytest.raises(ValueError, match="norm"):
        TfidfVectorizer(norm="max").fit(docs)
    with pytest.raises(TypeError, match="lowercase"):
        TfidfVectorizer(lowercase=False).fit(docs)
    with pytest.raises(ValueError, match="strip_accents='ascii' would delete every Arabic letter"):
        TfidfVectorizer(strip_accents="ascii").fit(docs)
    with pytest.raises(TypeError, match="unknown parameter 'stemer'"):
        TfidfVectorizer(stemer="light").fit(docs)
    with pytest.raises(NotFittedError):
        TfidfVectorizer().transform(docs)
    with pytest.raises(ValueError, match="n_jobs"):
        TfidfVectorizer(n_jobs=0).fit(docs)
    with pytest.warns(UserWarning, match="float64 will be used"):
        assert TfidfVectorizer(dtype=np.int32).fit_transform(docs).dtype == np.float64


def test_analyzer_options_pass_through(docs):
    plain = TfidfVectorizer(stemmer="none", stop_words=False).fit(docs)
    stemmed = TfidfVectorizer().fit(docs)
    assert len(plain.get_feature_names_out()) > len(stemmed.get_feature_names_out())
    unstemmed = TfidfVectorizer(stemmer="none").fit(docs)
    assert "في" in plain.vocabulary_ and "في" not in unstemmed.vocabulary_  # Arabic stop word dropped by default
    kept_teh = TfidfVectorizer(fold_teh_marbuta=False, stemmer="none").fit(docs)
    assert any(t.endswith("ة") for t in kept_teh.vocabulary_)
    assert not any(t.endswith("ة") for t in plain.vocabulary_)


def test_progress_bar(docs, capsys):
    TfidfVectorizer(progress=True).fit(docs)
    assert "doc" in capsys.readouterr().err


# ----------------------------------------------------------------------------------------------- partial_fit


@pytest.mark.parametrize("options", [{}, {"min_df": 2, "max_features": 300}, {"weighting": "bm25", "max_df": 0.5},
                                     {"min_df": 3, "ngram_range": (1, 2)}, {"min_df": 0.05, "max_df": 0.3}])
def test_partial_fit_equals_fit_on_everything(docs, options):
    # (A partial fit merges the features it had, in text order, with the terms that join them: new ones, and
    # pruned ones whose frequency now passes min_df; max_df may drop old ones.)
    a, b, c = docs[:50], docs[50:65], docs[65:]
    whole = TfidfVectorizer(**options).fit(docs)
    parts = TfidfVectorizer(**options).partial_fit(a)
    assert parts.n_documents_ == 50
    parts.partial_fit(b).partial_fit(c)
    assert parts.n_documents_ == len(docs)
    assert list(parts.get_feature_names_out()) == list(whole.get_feature_names_out())
    np.testing.assert_allclose(parts.idf_, whole.idf_, rtol=1e-12)
    assert abs(parts.transform(docs) - whole.transform(docs)).max() < 1e-12


@pytest.mark.parametrize("cls", [TfidfVectorizer, CountVectorizer])
def test_partial_fit_of_single_articles_with_min_df_builds_up_features(docs, cls):
    # A stream of one article at a time with min_df=2: the first partial_fit keeps no term yet. It used to raise
    # as fit does, and so did every later one (the model stayed unfitted): the stream never got a model.
    stream = cls(min_df=2)
    stream.partial_fit(docs[:1])
    assert len(stream.get_feature_names_out()) == 0 and stream.vocabulary_ == {}
    assert stream.transform(docs[:3]).shape == (3, 0)
    again = pickle.loads(pickle.dumps(stream))  # saved and loaded without features
    assert again.transform(docs[:1]).shape == (1, 0)
    for d in docs[1:20]:
        stream.partial_fit([d])
    whole = cls(min_df=2).fit(docs[:20])
    assert list(stream.get_feature_names_out()) == list(whole.get_feature_names_out())
    assert abs(stream.transform(docs[:30]) - whole.transform(docs[:30])).max() < 1e-12
    with pytest.raises(ValueError, match="min_df"):
        cls(min_df=2).fit(docs[:1])  # fit keeps scikit-learn's error
    # Bounds no stream opens: max_df below min_df as two counts, two fractions, or a fraction min_df over a
    # count max_df (its bound rises with the documents); they raise, as fit does.
    for bounds in ({"min_df": 3, "max_df": 2}, {"min_df": 0.6, "max_df": 0.5}, {"min_df": 0.5, "max_df": 1}):
        with pytest.raises(ValueError, match="min_df"):
            cls(**bounds).partial_fit(docs[:24])
    # A count min_df over a fraction max_df: more documents open them (10 documents: max_df 1.5 < min_df 2).
    opening = cls(min_df=2, max_df=0.15).partial_fit(docs[:10])
    assert len(opening.get_feature_names_out()) == 0
    opening.partial_fit(docs[10:40])
    assert len(opening.get_feature_names_out()) > 0
    # No term at all yet (no documents, or stop words only) is no error either, until the model has features.
    empty = cls().partial_fit([]).partial_fit(["في من على"])
    assert empty.transform(docs[:2]).shape == (2, 0)
    assert len(empty.partial_fit(docs[:5]).get_feature_names_out()) > 0


def test_a_first_partial_fit_of_no_documents_with_a_given_vocabulary_raises(docs):
    # Its features are given, so there would be idf weights of no documents (NaN with smooth_idf=False, and a
    # model that saved but did not load).
    for options in ({}, {"smooth_idf": False}, {"weighting": "bm25"}):
        v = TfidfVectorizer(vocabulary=["a", "b"], **options)
        with pytest.raises(ValueError, match="at least one document"):
            v.partial_fit([])
        assert not hasattr(v, "idf_")
        v.partial_fit(["a b", "a c"])
        assert np.all(np.isfinite(v.idf_)) and v.n_documents_ == 2
    assert CountVectorizer(vocabulary=["a", "b"]).partial_fit([]).transform(["a b"]).toarray().tolist() == [[1, 1]]


def test_partial_fit_error_leaves_model_unchanged(docs):
    v = TfidfVectorizer().fit(docs[:50])
    before = v._model.to_bytes(b"")
    with pytest.raises(TypeError):
        v.partial_fit(docs[50:60] + [7])
    assert v._model.to_bytes(b"") == before
    v.transform(docs[:3])


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_a_failed_partial_fit_is_undone_after_new_terms_went_in(docs, monkeypatch, n_jobs):
    # The model used to be restored from a serialised copy taken before every partial_fit (O(model) each call:
    # quadratic over a stream); now the fit keeps what it changes. Failures after whole batches added terms
    # and counts: a stream that raises after its first batches, and a pruning that leaves no term.
    monkeypatch.setattr(TfidfVectorizer, "_batch_docs", 5)
    v = TfidfVectorizer(n_jobs=n_jobs).fit(docs[:40])
    before = v._model.to_bytes(b"")
    X = v.transform(docs)

    def stream():
        yield from docs[40:70]
        raise RuntimeError("feed broke")

    with pytest.raises(RuntimeError, match="feed broke"):
        v.partial_fit(stream())
    assert v._model.to_bytes(b"") == before
    assert (v.transform(docs) != X).nnz == 0
    v.partial_fit(docs[40:])  # and the model goes on as if the failed call never was
    whole = TfidfVectorizer().fit(docs)
    assert list(v.get_feature_names_out()) == list(whole.get_feature_names_out())
    assert abs(v.transform(docs) - whole.transform(docs)).max() < 1e-12
    strict = TfidfVectorizer(max_df=1, n_jobs=n_jobs).fit(docs[:40])  # terms of one document only
    kept = strict._model.to_bytes(b"")
    with pytest.raises(ValueError, match="no terms remain"):
        strict.partial_fit(docs[:40] + ["كلمة_جديدة"] * 2)  # every term now in two documents at least
    assert strict._model.to_bytes(b"") == kept


def test_model_attributes_are_made_once_per_fit(docs):
    # idf_, document_frequencies_ and the names inverse_transform reads were rebuilt (O(features)) at every
    # access: a per-term lookup such as v.idf_[v.vocabulary_[w]] cost a thousand array indexings.
    v = TfidfVectorizer().fit(docs[:40])
    idf, df = v.idf_, v.document_frequencies_
    assert v.idf_ is idf and v.document_frequencies_ is df and v.vocabulary_ is v.vocabulary_
    assert not idf.flags.writeable and not df.flags.writeable
    with pytest.raises(ValueError):
        idf[0] = 1.0  # (it would change nothing in the model)
    names = v.get_feature_names_out()
    names[0] = "changed"
    assert v.get_feature_names_out()[0] != "changed"
    v.partial_fit(docs[40:])
    assert v.idf_ is not idf and len(v.idf_) == len(v.get_feature_names_out()) == len(v.vocabulary_)
    np.testing.assert_allclose(v.idf_, TfidfVectorizer().fit(docs).idf_, rtol=1e-12)
    assert TfidfVectorizer(dtype=np.float32).fit(docs).idf_.dtype == np.float32


def test_idf_can_be_set_as_in_scikit_learn_and_is_saved(docs, tmp_path):
    # scikit-learn's idf_ has a setter (to carry weights over from another model); akhbar's had none.
    from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

    analyzer = akhbar.Analyzer()
    ours = TfidfVectorizer(analyzer=analyzer).fit(docs[:30])
    theirs = SkTfidf(analyzer=analyzer).fit(docs[:30])
    weights = np.linspace(0.5, 3.0, len(ours.idf_))
    ours.idf_ = weights
    theirs.idf_ = weights
    np.testing.assert_array_equal(ours.idf_, weights)
    np.testing.assert_allclose(ours.transform(docs[30:40]).toarray(), theirs.transform(docs[30:40]).toarray(),
                               rtol=1e-12, atol=1e-15)
    saved = TfidfVectorizer().fit(docs[:30])
    before = saved.to_bytes()
    assert before == TfidfVectorizer().fit(docs[:30]).to_bytes()  # (deterministic: compared below)
    given = np.linspace(0.5, 3.0, len(saved.idf_))
    saved.idf_ = given
    saved.save(tmp_path / "v.akhbar")
    for copy in (TfidfVectorizer.from_bytes(saved.to_bytes()), pickle.loads(pickle.dumps(saved)),
                 pickle.loads(pickle.dumps(ours)), TfidfVectorizer.load(tmp_path / "v.akhbar")):
        original = ours if callable(copy.analyzer) else saved
        np.testing.assert_array_equal(copy.idf_, original.idf_)
        assert (copy.transform(docs[30:40]) != original.transform(docs[30:40])).nnz == 0
    # A model whose weights were not given is written as before (payload version 1, which older akhbar reads);
    # a later fit computes them again.
    plain = TfidfVectorizer().fit(docs[:30])
    assert plain.to_bytes() == before
    ours.partial_fit(docs[30:40])
    np.testing.assert_allclose(ours.idf_, TfidfVectorizer(analyzer=analyzer).fit(docs[:40]).idf_, rtol=1e-12)
    with pytest.raises(ValueError, match="must be equal to vocabulary size"):
        plain.idf_ = np.ones(len(plain.idf_) + 1)
    for bad in (np.nan, np.inf):
        with pytest.raises(ValueError, match="finite"):
            plain.idf_ = np.full(len(plain.idf_), bad)
    with pytest.raises(TypeError, match="1-D array of numbers"):
        plain.idf_ = ["a"] * len(plain.idf_)
    with pytest.raises(ValueError, match="use_idf=False"):
        TfidfVectorizer(use_idf=False).fit(docs[:30]).idf_ = weights
    with pytest.raises(ValueError, match="not fitted"):  # (scikit-learn's NotFittedError is a ValueError)
        TfidfVectorizer().idf_ = weights
    with pytest.raises(ValueError, match="not fitted"):  # (BM25 needs the average length of fitted documents)
        TfidfVectorizer(weighting="bm25", vocabulary=dict(ours.vocabulary_)).idf_ = weights
    # scikit-learn's transfer: a vectoriser with the same fixed vocabulary takes the weights without a fit.
    ours_from = TfidfVectorizer(analyzer=analyzer).fit(docs[:30])
    theirs_from = SkTfidf(analyzer=analyzer).fit(docs[:30])
    theirs_to = SkTfidf(analyzer=analyzer, vocabulary=dict(theirs_from.vocabulary_))
    theirs_to.idf_ = theirs_from.idf_
    ours_to = TfidfVectorizer(analyzer=analyzer, vocabulary=dict(ours_from.vocabulary_))
    with pytest.raises(ValueError, match="vocabulary size"):
        ours_to.idf_ = ours_from.idf_[:-1]
    assert not ours_to.__sklearn_is_fitted__()  # (a refused value leaves it unfitted)
    ours_to.idf_ = ours_from.idf_
    np.testing.assert_allclose(ours_to.transform(docs[30:40]).toarray(), theirs_to.transform(docs[30:40]).toarray(),
                               rtol=1e-12, atol=1e-15)
    # An index built on the vectoriser sees that its weights changed.
    index = akhbar.RelatedArticles.from_vectorizer(plain, plain.transform(docs[:30]), progress=False)
    plain.idf_ = np.ones(len(plain.idf_))
    with pytest.raises(ValueError, match="refitted or replaced"):
        index.related("نص جديد عن القاهرة")

def test_vocabulary_is_read_only_but_copies_and_pickles_as_a_dict(docs):
    # It was a cached dict that a caller could edit: the model did not change, yet every later read showed the
    # edit (a term "in" the vocabulary that transform ignores).
    import copy
    import json
    import pickle

    v = CountVectorizer().fit(docs[:20])
    vocab = v.vocabulary_
    term = next(iter(vocab))
    size = len(vocab)
    for edit in (lambda d: d.__setitem__("جديدة", size), lambda d: d.__delitem__(term), lambda d: d.pop(term),
                 lambda d: d.update({"جديدة": size}), lambda d: d.setdefault("جديدة", size), lambda d: d.clear(),
                 lambda d: d.popitem()):
        with pytest.raises(TypeError, match="read-only"):
            edit(vocab)
    with pytest.raises(TypeError, match="read-only"):
        vocab |= {"جديدة": size}
    assert len(v.vocabulary_) == size and "جديدة" not in v.vocabulary_ and term in v.vocabulary_
    assert vocab == dict(zip(v.get_feature_names_out(), range(size)))
    for plain in (dict(vocab), vocab.copy(), copy.copy(vocab), copy.deepcopy(vocab), pickle.loads(pickle.dumps(vocab))):
        assert type(plain) is dict and plain == vocab
        plain["جديدة"] = size  # an editable copy, as the message says
    assert json.loads(json.dumps(vocab)) == vocab
    given = CountVectorizer(vocabulary=vocab).fit(docs[:20])  # a new vectoriser's vocabulary= takes it
    assert (given.transform(docs[:20]) != v.transform(docs[:20])).nnz == 0


# ----------------------------------------------------------------------------------------------- persistence


def test_save_load_bytes_pickle(docs, tmp_path):
    v = TfidfVectorizer(ngram_range=(1, 2), min_df=2, weighting="bm25", k1=1.7, dtype=np.float32, stemmer="snowball")
    X = v.fit_transform(docs)
    for restored in (
        TfidfVectorizer.from_bytes(v.to_bytes()),
        pickle.loads(pickle.dumps(v)),
        clone(v).fit(docs),
    ):
        assert restored.get_params() == v.get_params()
        assert list(restored.get_feature_names_out()) == list(v.get_feature_names_out())
        assert (restored.transform(docs) != X).nnz == 0
    path = tmp_path / "model.akhbar"
    v.save(path)
    loaded = akhbar.TfidfVectorizer.load(path)
    assert (loaded.transform(docs[:10]) != X[:10]).nnz == 0
    assert loaded.partial_fit(docs[:5]).n_documents_ == len(docs) + 5
    c = CountVectorizer(vocabulary={"مصر": 1, "في": 0}).fit(docs)
    c2 = CountVectorizer.from_bytes(c.to_bytes())
    assert c2.vocabulary_ == c.vocabulary_ and c2.vocabulary == c.vocabulary
    with pytest.raises(akhbar.FormatError, match="holds a TfidfVectorizer, not a CountVectorizer"):
        CountVectorizer.from_bytes(v.to_bytes())
    h = HashingVectorizer(n_features=64, ngram_range=(1, 2))
    for h2 in (HashingVectorizer.from_bytes(h.to_bytes()), pickle.loads(pickle.dumps(h))):
        assert (h2.transform(docs) != h.transform(docs)).nnz == 0
    with pytest.raises(akhbar.FormatError, match="hashing_vectorizer"):
        TfidfVectorizer.from_bytes(h.to_bytes())


def test_a_damaged_kind_name_is_a_format_error():
    # A kind name that is no UTF-8 under a valid checksum: the message quotes its bytes (a UnicodeDecodeError
    # came out of the C++ message instead of akhbar.FormatError).
    for cls, model in ((HashingVectorizer, HashingVectorizer()), (CountVectorizer, CountVectorizer().fit(["كتاب"]))):
        d = bytearray(model.to_bytes())
        at = d.index(b"vectorizer")
        d[at] = 0xFF
        d[-4:] = struct.pack("<I", zlib.crc32(bytes(d[:-4])))
        with pytest.raises(akhbar.FormatError, match=r"holds a '.*\\xffectorizer', not a"):
            cls.from_bytes(bytes(d))


def test_numpy_parameters_save(docs):
    # A grid search over np.arange gives numpy scalars: fit took them, to_bytes raised TypeError ("not iterable").
    for params in ({"min_df": np.int64(2), "max_df": np.float32(0.9), "binary": np.True_},
                   {"ngram_range": (np.int64(1), np.int64(2)), "max_features": np.int32(50), "n_jobs": np.int64(1)},
                   {"weighting": "bm25", "k1": np.float32(1.5), "stop_words": ["في", np.str_("من")]}):
        v = TfidfVectorizer(**params).fit(docs[:40])
        restored = TfidfVectorizer.from_bytes(v.to_bytes())
        assert restored.get_params() == v.get_params()
        assert (restored.transform(docs[:5]) != v.transform(docs[:5])).nnz == 0
    h = HashingVectorizer(n_features=np.int64(1024), alternate_sign=np.False_)
    assert HashingVectorizer.from_bytes(h.to_bytes()).get_params() == h.get_params()


def test_tfidf_bool_dtype_counts_in_bools_as_scikit_learn():
    docs = ["a a b", "b c c c", "a"]
    for params in ({"norm": None}, {}, {"sublinear_tf": True, "max_features": 2}):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = TfidfVectorizer(analyzer=str.split, dtype=bool, **params).fit_transform(docs)
            theirs = sklearn_text.TfidfVectorizer(analyzer=str.split, dtype=bool, **params).fit_transform(docs)
        assert ours.dtype == theirs.dtype == np.float64
        np.testing.assert_allclose(ours.toarray(), theirs.toarray(), rtol=1e-12)


def test_a_vocabulary_of_non_str_is_a_type_error_without_a_fit():
    # transform, get_feature_names_out and the idf_ setter need no fit with a vocabulary: they raised AttributeError.
    calls = [
        lambda: CountVectorizer(vocabulary=[1, 2]).transform(["a b"]),
        lambda: CountVectorizer(vocabulary=["a", None]).get_feature_names_out(),
        lambda: CountVectorizer(vocabulary=[1, 2]).inverse_transform(np.ones((1, 2))),
        lambda: setattr(TfidfVectorizer(vocabulary=[1, 2]), "idf_", [1.0, 1.0]),
    ]
    for call in calls:
        with pytest.raises(TypeError, match=r"vocabulary\[\d\] must be str or bytes, not (int|NoneType)"):
            call()


def test_hashing_int_and_bool_dtypes_as_scikit_learn():
    docs = ["a a b", "b c c c", "a b", ""]
    for dtype, norm, alternate_sign, binary in itertools.product(
        (np.int64, np.int32, bool, np.float32), ("l2", None), (True, False), (False, True)
    ):
        params = {"analyzer": str.split, "n_features": 4, "dtype": dtype, "norm": norm,
                  "alternate_sign": alternate_sign, "binary": binary}
        ours = HashingVectorizer(**params).fit_transform(docs)
        theirs = sklearn_text.HashingVectorizer(**params).fit_transform(docs)
        assert ours.dtype == theirs.dtype, params
        np.testing.assert_allclose(ours.toarray().astype(float), theirs.toarray().astype(float), atol=1e-6)
    with pytest.raises(ValueError, match="cannot hold the negative signs"):
        HashingVectorizer(dtype=np.uint8).transform(["a"])
    with pytest.raises(ValueError, match="supports dtype float32, float64 and the int and bool dtypes; got float16"):
        HashingVectorizer(dtype=np.float16).transform(["a"])


def test_saves_of_one_path_at_once_all_succeed(tmp_path):
    # Every writer had the temporary file path + ".tmp": concurrent saves removed one another's (FileNotFoundError),
    # and a file of the user's with that name was overwritten and deleted.
    v = TfidfVectorizer().fit(["كتاب جديد", "قلم جديد"])
    path = tmp_path / "model.akhbar"
    mine = tmp_path / "model.akhbar.tmp"
    mine.write_bytes(b"the user's")
    with ThreadPoolExecutor(4) as pool:
        for _ in range(3):
            list(pool.map(lambda _: v.save(path), range(16)))
    assert TfidfVectorizer.load(path).vocabulary_ == v.vocabulary_
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.akhbar", "model.akhbar.tmp"]
    assert mine.read_bytes() == b"the user's"


def _my_analyzer(doc):
    return doc.split()


def test_callables_pickle_but_do_not_save(docs):
    v = TfidfVectorizer(analyzer=_my_analyzer).fit(docs)
    with pytest.raises(ValueError, match="callable analyzer"):
        v.to_bytes()
    v2 = pickle.loads(pickle.dumps(v))
    assert v2.analyzer is _my_analyzer
    assert (v2.transform(docs) != v.transform(docs)).nnz == 0
    # akhbar's own Analyzer as the analyzer is its options, and saves as them (it was refused as a callable).
    own = TfidfVectorizer(analyzer=akhbar.Analyzer(stemmer="none", add_stop_words=["الولد"], ngram_range=(1, 2)))
    own.fit(docs)
    back = TfidfVectorizer.from_bytes(own.to_bytes())
    assert type(back.analyzer) is akhbar.Analyzer and back.analyzer.options == own.analyzer.options
    assert (back.transform(docs) != own.transform(docs)).nnz == 0


def test_corrupt_truncated_and_future_files_raise_format_error(docs):
    data = TfidfVectorizer(min_df=2).fit(docs).to_bytes()
    for cut in (0, 7, 12, 40, len(data) // 2, len(data) - 1):
        with pytest.raises(akhbar.FormatError):
            TfidfVectorizer.from_bytes(data[:cut])
    rng = np.random.default_rng(0)
    for pos in rng.integers(0, len(data), 40):
        flipped = bytearray(data)
        flipped[pos] ^= 1 << int(rng.integers(0, 8))
        with pytest.raises(akhbar.FormatError):
            TfidfVectorizer.from_bytes(bytes(flipped))
    future = bytearray(data)
    future[8:12] = (99).to_bytes(4, "little")
    with pytest.raises(akhbar.FormatError, match="unsupported akhbar format version 99"):
        TfidfVectorizer.from_bytes(bytes(future))
    assert issubclass(akhbar.FormatError, ValueError)


def test_future_payload_version_names_the_version(docs):
    import zlib

    data = bytearray(TfidfVectorizer().fit(docs[:5]).to_bytes())
    kind_len = int.from_bytes(data[12:16], "little")
    payload_at = 16 + kind_len + 8
    data[payload_at : payload_at + 4] = (4).to_bytes(4, "little")
    data[-4:] = zlib.crc32(bytes(data[:-4])).to_bytes(4, "little")
    with pytest.raises(akhbar.FormatError, match="unsupported vectorizer payload version 4"):
        TfidfVectorizer.from_bytes(bytes(data))


# ------------------------------------------------------------------------------------------ scikit-learn API


def test_clone_pipeline_gridsearch(egy):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    texts = [t for t, _ in egy]
    labels = [s for _, s in egy]
    top = {s for s, _ in __import__("collections").Counter(labels).most_common(2)}
    keep = [i for i, s in enumerate(labels) if s in top]
    texts = [texts[i] for i in keep]
    labels = [labels[i] for i in keep]
    v = TfidfVectorizer(min_df=2, stemmer="none")
    c = clone(v)
    assert c.get_params() == v.get_params() and c is not v
    pipe = Pipeline([("vec", TfidfVectorizer()), ("clf", LogisticRegression(max_iter=200))])
    grid = GridSearchCV(
        pipe, {"vec__min_df": [1, 2], "vec__stemmer": ["light", "none"], "vec__weighting": ["tfidf", "bm25"]}, cv=2
    )
    grid.fit(texts, labels)
    assert set(grid.best_params_) == {"vec__min_df", "vec__stemmer", "vec__weighting"}
    assert grid.score(texts, labels) > 0.5
    assert grid.best_estimator_.named_steps["vec"].get_feature_names_out().dtype == object
    with pytest.raises(ValueError, match="Invalid parameter"):
        TfidfVectorizer().set_params(nope=1)


def test_repr_and_params():
    v = TfidfVectorizer(min_df=2, stemmer="none")
    assert repr(v) == "TfidfVectorizer(min_df=2, stemmer='none')"
    assert v.get_params()["stemmer"] == "none"
    v.set_params(fold_alef=False, max_df=0.9)
    assert v.get_params()["fold_alef"] is False and v.max_df == 0.9


def test_memory_usage_and_attributes(docs):
    v = CountVectorizer().fit(docs)
    m = v.memory_usage()
    assert m["terms"] == len(v.vocabulary_)
    assert m["vocabulary"] / m["terms"] < 60
    np.testing.assert_array_equal(v.document_frequencies_, (v.transform(docs) > 0).sum(axis=0).A1)
    assert v.get_feature_names_out().dtype == object
    # The analysis cache is kept between calls, can be freed, and never changes a result.
    warm = v.transform(docs)
    assert v.memory_usage()["cache"] > 0
    v.clear_cache()
    assert v.memory_usage()["cache"] == 0
    assert (v.transform(docs) != warm).nnz == 0


# Python stores most Arabic text as UCS-2, which the vectoriser chunks and memoises in place (converting only
# unseen chunks to UTF-8); bytes go through UTF-8. Both, and the plain analyser, must give the same matrix.
_MIXED = st.lists(
    st.sampled_from(
        list("ابتثجحخدذرسشصضطظعغفقكلمنهويةىأإآؤئءـًٌٍَُِّْ٠١٢٣،؛؟«»")
        + list("abcXYZé09.,-#@_/:")
        + [" ", "  ", "\t", "\n", "\r", "\x0b", "\x0c", "\u00a0", "\u200c", "\u0640.\u0640", "\U0001F600", "ﻻ"]
    ),
    max_size=60,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(st.lists(_MIXED, min_size=1, max_size=6))
def test_ucs2_input_matches_utf8_and_analyser(texts):
    texts = texts + ["كلمة واحدة"]  # never an empty vocabulary
    for params in ({}, {"ngram_range": (1, 2)}, {"analyzer": "char_wb", "ngram_range": (2, 3)}):
        ref = CountVectorizer(**params)
        try:
            want = ref.fit_transform([t.encode() for t in texts])
        except ValueError:
            continue  # e.g. nothing left after stop words
        for docs in (texts, iter(texts)):
            v = CountVectorizer(**params)
            got = v.fit_transform(docs)
            assert list(v.get_feature_names_out()) == list(ref.get_feature_names_out())
            assert (got != want).nnz == 0
            # A second transform reuses the warm memo: still the same.
            assert (v.transform(texts) != want).nnz == 0
        plain = CountVectorizer(analyzer=akhbar.Analyzer(**params)) if "analyzer" not in params else None
        if plain is not None:
            assert (plain.fit_transform(texts) != want).nnz == 0


# Terms become str objects in C++ (feature names, the analyser's lists): each must be the str Python itself makes,
# in the storage Python picks (a str of Latin-1 text stored two bytes a character is equal to no other str).
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8), min_size=1,
                max_size=20))
def test_terms_come_back_as_the_strs_python_makes(words):
    words = [w for w in words if w and "\x00" not in w and not any(c.isspace() for c in w)] or ["x"]
    v = CountVectorizer(analyzer=lambda doc: doc.split("\x00")).fit(["\x00".join(words)])
    names = list(v.get_feature_names_out())
    assert names == sorted(set(words))
    assert {hash(n) for n in names} == {hash(w) for w in set(words)}
    text = " ".join(words)
    terms = akhbar.Analyzer(analyzer="char", ngram_range=(1, 1))(text)
    assert terms == list(akhbar.normalize(text))


@pytest.mark.parametrize("change", [{"stemmer": "none"}, {"analyzer": "char"}, {"norm": "l1"},
                                    {"ngram_range": (1, 2)}, {"stop_words": None}])
def test_parameters_set_after_fit_take_effect_at_the_next_fit(change):
    # A copy (pickle, to_bytes) transformed with the new analyser over the old model: silently other results.
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس والوفد في القاهرة"]
    v = akhbar.TfidfVectorizer().fit(docs)
    before = v.transform(docs)
    v.set_params(**change)
    assert all(v.get_params()[k] == val for k, val in change.items())
    for copy in (v, pickle.loads(pickle.dumps(v)), akhbar.TfidfVectorizer.from_bytes(v.to_bytes())):
        assert (copy.transform(docs) != before).nnz == 0
        assert copy.get_params() == v.get_params()
    refitted = pickle.loads(pickle.dumps(v)).fit(docs)
    fresh = akhbar.TfidfVectorizer(**{**akhbar.TfidfVectorizer().get_params(), **change}).fit(docs)
    assert (refitted.transform(docs) != fresh.transform(docs)).nnz == 0


def test_hashing_vectorizer_sees_every_parameter_change():
    # Its C++ object was rebuilt when repr(params) changed: repr shortens a long Series, so a changed stop
    # word at position 30 went unseen, as did a list edited in place.
    pd = pytest.importorskip("pandas")
    words = [f"w{i}" for i in range(100)]
    docs = ["وصل الوفد الى القاهرة"]
    h = akhbar.HashingVectorizer(stop_words=pd.Series(words))
    kept = h.transform(docs).nnz
    h.set_params(stop_words=pd.Series(words[:30] + ["وصل"] + words[31:]))
    assert h.transform(docs).nnz == kept - 1
    edited = list(words)
    h = akhbar.HashingVectorizer(stop_words=edited)
    assert h.transform(docs).nnz == kept
    edited[30] = "وصل"
    assert h.transform(docs).nnz == kept - 1


def test_partial_fit_while_transforming_is_refused_or_waits():
    # From the generator a transform reads, a partial_fit changed the features under the rows already made
    # (found in review): it is refused. From another thread it waits for the transform, which stays whole.
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة"] * 20
    v = akhbar.TfidfVectorizer().fit(docs)
    v._batch_docs = 4
    expected = v.transform(docs)

    def feeding():
        for i, d in enumerate(docs):
            if i == 10:
                v.partial_fit(["كلمات جديدة تماما"])
            yield d

    with pytest.raises(RuntimeError, match="while it transforms"):
        v.transform(feeding())
    assert (v.transform(docs) != expected).nnz == 0  # the model is as it was
    started = threading.Event()

    def slow():
        for i, d in enumerate(docs):
            if i == 5:
                started.set()
                time.sleep(0.2)
            yield d

    with ThreadPoolExecutor(1) as pool:
        result = pool.submit(lambda: v.transform(slow()))
        started.wait()
        v.partial_fit(["كلمات جديدة تماما"])  # waits for the transform
        assert (result.result() != expected).nnz == 0
    assert len(v.get_feature_names_out()) > expected.shape[1]


def test_inverse_transform_of_a_wider_matrix_says_so():
    v = akhbar.TfidfVectorizer().fit(["وصل الوفد الى القاهرة", "مدرسة الاطفال"])
    n = len(v.get_feature_names_out())
    with pytest.raises(ValueError, match=f"{n + 1} columns but this vectoriser has {n} features"):
        v.inverse_transform(sp.csr_matrix(np.ones((1, n + 1))))
    with pytest.raises(ValueError, match="columns but"):
        v.inverse_transform(np.ones((1, n + 1)))
    assert len(v.inverse_transform(np.ones((1, n - 1)))[0]) == n - 1  # narrower, as scikit-learn accepts


def test_pickling_with_array_like_parameters():
    # Comparing the fit's parameters with the current ones by `==` failed on a pandas Series ("truth value of
    # a Series is ambiguous"): they are compared whole.
    pd = pytest.importorskip("pandas")
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة"]
    v = akhbar.TfidfVectorizer(stop_words=pd.Series(["وصل", "في"])).fit(docs)
    expected = v.transform(docs)
    assert (pickle.loads(pickle.dumps(v)).transform(docs) != expected).nnz == 0
    v.set_params(stop_words=pd.Series(["في"]))
    copy = pickle.loads(pickle.dumps(v))
    assert (copy.transform(docs) != expected).nnz == 0
    assert list(copy.get_params()["stop_words"]) == ["في"]


# ---------------------------------------------------------------- found by a review helper (session 7)
class _Saved:
    """A vectoriser file taken apart and put together again with a valid checksum (the layout Serialize
    writes), to forge the values a damaged writer or a hand-made file could hold."""

    import struct as _st
    import zlib as _zlib

    FIELDS = [("version", "I"), ("weighting", "B"), ("dtype", "B"), ("binary", "B"), ("norm", "B"), ("use_idf", "B"),
              ("smooth_idf", "B"), ("sublinear_tf", "B"), ("k1", "d"), ("b", "d"), ("min_df", "d"),
              ("min_df_frac", "B"), ("max_df", "d"), ("max_df_frac", "B"), ("max_features", "Q"), ("ngram_min", "i"),
              ("ngram_max", "i"), ("fixed", "B"), ("fitted", "B")]

    def __init__(self, data: bytes):
        st = self._st
        kind_len = st.unpack_from("<I", data, 12)[0]
        self.head = data[: 16 + kind_len]
        payload = data[24 + kind_len : 24 + kind_len + st.unpack_from("<Q", data, 16 + kind_len)[0]]
        self.f, pos = {}, 0

        def get(fmt):
            nonlocal pos
            v = st.unpack_from("<" + fmt, payload, pos)[0]
            pos += st.calcsize("<" + fmt)
            return v

        def arr(fmt):
            nonlocal pos
            n = get("Q")
            v = list(st.unpack_from(f"<{n}{fmt}", payload, pos))
            pos += n * st.calcsize(fmt)
            return v

        def blob():
            nonlocal pos
            n = get("Q")
            pos += n
            return payload[pos - n : pos]

        for name, fmt in self.FIELDS:
            self.f[name] = get(fmt)
        self.f.update(arena=blob(), offsets=arr("I"), df=arr("I"), tf=arr("Q"), n_docs=get("Q"),
                      total_length=get("Q"), features=arr("I"), idf=arr("d"), idf_given=get("B"), meta=blob())
        self.f["analyzer"] = payload[pos:]  # (payload version 3: the analyser's options, kept as they are)

    def bytes(self, **changes) -> bytes:
        st, f = self._st, {**self.f, **changes}
        out = b"".join(st.pack("<" + fmt, f[name]) for name, fmt in self.FIELDS)

        def arr(v, fmt):
            return st.pack("<Q", len(v)) + st.pack(f"<{len(v)}{fmt}", *v)

        out += st.pack("<Q", len(f["arena"])) + f["arena"] + arr(f["offsets"], "I") + arr(f["df"], "I")
        out += arr(f["tf"], "Q") + st.pack("<QQ", f["n_docs"], f["total_length"]) + arr(f["features"], "I")
        out += arr(f["idf"], "d") + st.pack("<BQ", f["idf_given"], len(f["meta"])) + f["meta"] + f["analyzer"]
        sealed = self.head + st.pack("<Q", len(out)) + out
        return sealed + st.pack("<I", self._zlib.crc32(sealed) & 0xFFFFFFFF)

    def meta(self, **changes) -> bytes:
        info = json.loads(self.f["meta"])
        info["params"].update(changes.pop("params", {}))
        info.update(changes)
        return self.bytes(meta=json.dumps(info).encode())


def test_files_with_a_valid_checksum_but_impossible_values_raise_format_error():
    # They loaded, then gave NaN or negative weights, columns out of scikit-learn's order, counts that wrapped,
    # or wrong BM25 lengths (found by a review helper).
    docs = ["alpha beta gamma", "alpha alpha delta", "beta eps", "gamma alpha"]
    tfidf = TfidfVectorizer(stop_words=None).fit(docs)
    saved = _Saved(tfidf.to_bytes())
    assert TfidfVectorizer.from_bytes(saved.bytes()).get_feature_names_out().tolist() == sorted(
        {w for d in docs for w in d.split()})  # (the rewriting itself is sound)
    n = len(saved.f["idf"])
    for changes in ({"idf": [float("nan")] * n}, {"idf": [-1.0] * n}, {"idf": [0.0] * n},
                    {"features": saved.f["features"][::-1]}, {"n_docs": 2**64 - 1}, {"n_docs": 0},
                    {"max_features": 2}, {"min_df": 3.0, "min_df_frac": 0}, {"total_length": 0}):
        with pytest.raises(akhbar.FormatError):
            TfidfVectorizer.from_bytes(saved.bytes(**changes))
    bm25 = _Saved(TfidfVectorizer(stop_words=None, weighting="bm25").fit(docs).to_bytes())
    with pytest.raises(akhbar.FormatError):
        TfidfVectorizer.from_bytes(bm25.bytes(total_length=2))
    # Metadata that does not describe the model, or that no fit accepts.
    for changes in ({"class": "CountVectorizer", "params": {"dtype": "int64"}}, {"params": {"norm": "l1"}},
                    {"params": {"use_idf": False}}, {"params": {"weighting": "bm25"}}, {"params": {"min_df": -1}},
                    {"params": {"n_jobs": 0}}, {"params": {"max_features": -1}}, {"params": {"k1": "abc"}},
                    {"params": {"binary": "yes"}}, {"class": [1]}, {"params": {"stemmer": "nope"}}):
        with pytest.raises(akhbar.FormatError):
            CountVectorizer.from_bytes(saved.meta(**changes)) if changes.get("class") == "CountVectorizer" else (
                TfidfVectorizer.from_bytes(saved.meta(**changes)))
    with pytest.raises(akhbar.FormatError):
        TfidfVectorizer.from_bytes(saved.bytes(meta=b"[" * 100000 + b"]" * 100000))
    hashing = HashingVectorizer(n_features=1024)
    raw = hashing.to_bytes()
    info = json.loads(raw[raw.index(b'{"class"') : raw.rindex(b"}") + 1])
    for params in ({"n_features": 7}, {"n_features": -5}, {"analyzer": "words"}, {"alternate_sign": "no"}):
        forged = json.dumps({**info, "params": {**info["params"], **params}}).encode()
        assert HashingVectorizer.from_bytes(hashing._impl().to_bytes(json.dumps(info).encode())).n_features == 1024
        with pytest.raises(akhbar.FormatError):
            HashingVectorizer.from_bytes(hashing._impl().to_bytes(forged))


def test_parameters_set_after_fit_wait_for_the_next_fit():
    # transform and partial_fit read the new analyser, preprocessor, stop words and max_features at once.
    docs = ["dog the ran", "cat the sat", "dog sat"]
    v = CountVectorizer(analyzer=str.split).fit(docs)
    before = v.transform(docs).toarray()
    v.set_params(analyzer=lambda d: ["the"])
    np.testing.assert_array_equal(v.transform(docs).toarray(), before)
    v = CountVectorizer(tokenizer=str.split, stop_words=["the"], ngram_range=(1, 2)).fit(docs)
    before = v.transform(["dog the ran"]).toarray()
    v.set_params(stop_words=None, tokenizer=None)
    np.testing.assert_array_equal(v.transform(["dog the ran"]).toarray(), before)
    t = TfidfVectorizer(analyzer=str.split).fit(docs)
    t.set_params(use_idf=False)
    assert t.idf_.shape == (len(t.get_feature_names_out()),)
    big = [f"w{i % 37} w{i % 11} w{i % 5}" for i in range(300)]
    a = CountVectorizer(analyzer=str.split, max_features=7).fit(big[:150])
    a.set_params(max_features=None)
    a.partial_fit(big[150:])
    whole = CountVectorizer(analyzer=str.split, max_features=7).fit(big)
    assert a.get_feature_names_out().tolist() == whole.get_feature_names_out().tolist()
    v.fit(docs)  # the next fit takes them
    assert v.transform(["dog the ran"]).toarray().sum() == 5  # (1, 2)-grams of akhbar's analyser, no stop words


def test_bytes_documents_reach_callables_as_str_and_other_fixes():
    # scikit-learn decodes UTF-8 before calling the analyser or tokenizer; akhbar passed the bytes on.
    assert CountVectorizer(analyzer=lambda d: d.split()).fit_transform([b"a b", "b c"]).toarray().tolist() == [
        [1, 1, 0], [0, 1, 1]]
    assert CountVectorizer(tokenizer=str.split, stop_words=None).fit([b"a b"]).get_feature_names_out().tolist() == [
        "a", "b"]
    with pytest.raises(ValueError):
        CountVectorizer(analyzer=lambda d: d.split()).fit([b"\xff"])
    # smooth_idf=False and a given term in no document: an infinite idf, refused as scikit-learn refuses it.
    t = TfidfVectorizer(analyzer=str.split, vocabulary=["cat", "zebra"], smooth_idf=False).fit(["cat sat"])
    assert t.transform(["cat sat"]).toarray()[0, 0] == 1.0
    with pytest.raises(ValueError, match="infinity"):
        t.transform(["cat zebra"])
    # inverse_transform leaves the caller's matrix as it was.
    v = CountVectorizer(analyzer=str.split).fit(["a b"])
    X = sp.csr_matrix((np.array([1, 0]), np.array([0, 1]), np.array([0, 2])), shape=(1, 2))
    assert [list(r) for r in v.inverse_transform(X)] == [["a"]] and X.nnz == 2
    # Types: TypeError for a wrong type, and flags must be bools ("no" counted as True).
    for make in (lambda: CountVectorizer(max_features="5"), lambda: CountVectorizer(max_features=1.5),
                 lambda: CountVectorizer(analyzer=3), lambda: CountVectorizer(binary="no"),
                 lambda: CountVectorizer(preprocessor="abc"), lambda: HashingVectorizer(n_features="8"),
                 lambda: HashingVectorizer(alternate_sign="no")):
        with pytest.raises(TypeError):
            make().fit(["a b"])


@pytest.mark.parametrize("cls", [CountVectorizer, HashingVectorizer])
def test_tokenizer_tokens_match_a_builtin_stop_list_normalised(cls):
    # A built-in list is kept normalised (إلى is الي in it): a tokenizer's tokens, used as given, are compared
    # normalised too, so every word of the list goes in whatever spelling it came (34 of the 119 stayed).
    words = akhbar.analysis.builtin_stop_words("arabic")
    docs = [f"{w} كتاب" for w in words] + ["قال إن على الحكومة أن تعمل مع هذه"]
    theirs = sklearn_text.CountVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None, stop_words=words)
    if cls is CountVectorizer:
        ours = CountVectorizer(tokenizer=str.split, stop_words="arabic").fit(docs)
        assert ours.get_feature_names_out().tolist() == ["الحكومة", "تعمل", "قال", "كتاب"]
        assert ours.get_feature_names_out().tolist() == theirs.fit(docs).get_feature_names_out().tolist()
    else:
        kept = cls(tokenizer=str.split, stop_words="arabic", norm=None, alternate_sign=False).fit_transform(docs)
        assert kept.sum() == len(words) + 3
    # A collection matches the tokens as given, as scikit-learn's.
    given = CountVectorizer(tokenizer=str.split, stop_words=["إن"]).fit(docs[-1:])
    assert "إن" not in given.vocabulary_ and "أن" in given.vocabulary_
    # The list is matched as the analyser's options normalise it.
    unfolded = CountVectorizer(tokenizer=str.split, stop_words="arabic", fold_alef=False).fit(["إلى الى كتاب"])
    assert unfolded.get_feature_names_out().tolist() == ["كتاب"]


@pytest.mark.parametrize("cls", [CountVectorizer, TfidfVectorizer])
def test_an_iterator_vocabulary_is_read_once(cls):
    # Read again by a refit, save, clone or pickle, an iterator was empty: the saved model could not be loaded.
    docs = ["كتب درس", "درس علم"]
    v = cls(vocabulary=iter(["كتب", "درس"])).fit(docs)
    assert v.get_params()["vocabulary"] == ["كتب", "درس"]
    loaded = cls.from_bytes(v.to_bytes())
    assert loaded.get_feature_names_out().tolist() == ["كتب", "درس"]
    np.testing.assert_array_equal(v.fit(docs).transform(docs).toarray(), loaded.transform(docs).toarray())
    g = cls(vocabulary=(w for w in ["علم"]))
    assert clone(g).vocabulary == ["علم"] and pickle.loads(pickle.dumps(g)).vocabulary == ["علم"]
    g.set_params(vocabulary=iter(["درس"]))
    assert g.fit(docs).get_feature_names_out().tolist() == ["درس"]
    keys = {"كتب": 0}.keys()  # a view (not an iterator) stays as given
    assert cls(vocabulary=keys).vocabulary is keys
    # A vocabulary set after the fit waits for the next one: the saved model keeps the fitted one.
    v = cls(vocabulary=["كتب", "درس"]).fit(docs)
    for later in ([], ["a", "a"]):
        v.set_params(vocabulary=later)
        assert cls.from_bytes(v.to_bytes()).get_feature_names_out().tolist() == ["كتب", "درس"]
    assert not hasattr(object.__new__(cls), "vocabulary")  # (AttributeError, not KeyError)


@pytest.mark.parametrize("dtype", [bool, np.bool_, np.uint8, np.int8, np.int16, np.uint64, np.longdouble])
def test_count_dtypes_beyond_the_core_ones_are_cast(dtype):
    # scikit-learn's CountVectorizer gives any scipy.sparse dtype; akhbar counts in int64 or float64 and casts.
    docs = ["a b b", "c a", "b b b b"]
    theirs = sklearn_text.CountVectorizer(analyzer=str.split, dtype=dtype).fit_transform(docs)
    ours = CountVectorizer(analyzer=str.split, dtype=dtype)
    for X in (ours.fit_transform(docs), ours.transform(docs), pickle.loads(pickle.dumps(ours)).transform(docs)):
        assert X.dtype == theirs.dtype and (X != theirs).nnz == 0
    saved = CountVectorizer(dtype=dtype).fit(["كتب كتب درس"])
    assert CountVectorizer.from_bytes(saved.to_bytes()).transform(["كتب"]).dtype == np.dtype(dtype)


def test_a_vocabulary_the_analyser_never_writes_warns(docs):
    # CountVectorizer(vocabulary=["القاهرة"]) counted nothing, silently: the analyser writes القاهره.
    import warnings

    odd = CountVectorizer(vocabulary=["القاهرة", "12,500", "حكوم قاهر", "مصر"])
    with pytest.warns(UserWarning, match=r"'القاهرة' \(the tokeniser writes 'القاهره'\).*'12,500'.*'حكوم قاهر' "
                                         r"\(2 words, outside ngram_range \(1, 1\)\)") as caught:
        X = odd.transform(["القاهرة 12,500 مصر"])
    assert "مصر" not in str(caught[0].message) and X.toarray().tolist() == [[0, 0, 0, 1]]
    with pytest.warns(UserWarning, match="'في' \\(a stop word\\)"):
        CountVectorizer(vocabulary=["في", "مصر"], stemmer="none").fit(docs[:5])
    # Bytes terms are checked as their text (the check split them as str and crashed).
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        X = CountVectorizer(vocabulary=[b"egypt", "مصر".encode()]).fit_transform(["Egypt مصر"])
    assert X.toarray().tolist() == [[1, 1]]
    # The features of a fitted model are what the analyser writes: no warning, whatever the options (a stem may
    # equal a stop word, and a URL keeps the case of its path).
    for options in ({}, {"stemmer": "snowball", "ngram_range": (1, 3)}, {"stemmer": "none", "ngram_range": (1, 2)},
                    {"stemmer": "none", "keep_clitics": True}):  # (a kept proclitic may be spelled as a stop word)
        fitted = CountVectorizer(**options).fit(docs)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            CountVectorizer(vocabulary=dict(fitted.vocabulary_), **options).fit(docs[:5])
            TfidfVectorizer(vocabulary=dict(fitted.vocabulary_), **options).fit(docs[:5])


def test_count_dtype_none_counts_in_ints():
    # numpy's dtype(None) is float64, which CountVectorizer(dtype=None) gave; scikit-learn's counts stay ints.
    docs = ["a b b", "c a"]
    theirs = sklearn_text.CountVectorizer(analyzer=str.split, dtype=None).fit_transform(docs)
    ours = CountVectorizer(analyzer=str.split, dtype=None)
    X = ours.fit_transform(docs)
    assert X.dtype == theirs.dtype == np.intc and (X != theirs).nnz == 0
    assert ours.transform(docs).dtype == np.intc
    saved = CountVectorizer(dtype=None).fit(docs).to_bytes()
    assert CountVectorizer.from_bytes(saved).transform(docs).dtype == np.intc


def test_bool_dtype_ranks_max_features_as_scikit_learn():
    # scikit-learn ranks the features of a bool matrix by its column sums, their document frequencies.
    docs = ["aa aa aa bb", "bb", "cc"]
    theirs = sklearn_text.CountVectorizer(analyzer=str.split, max_features=1, dtype=bool).fit(docs)
    ours = CountVectorizer(analyzer=str.split, max_features=1, dtype=bool).fit(docs)
    assert ours.get_feature_names_out().tolist() == theirs.get_feature_names_out().tolist() == ["bb"]


def test_count_dtypes_scipy_sparse_lacks_are_refused():
    for dtype in (np.float16, np.complex128, object):
        with pytest.raises(ValueError, match="bool, int and float dtypes"):
            CountVectorizer(dtype=dtype).fit(["a"])
    with pytest.raises(TypeError, match="numpy dtype"):
        CountVectorizer(dtype="no such dtype").fit(["a"])


def test_parameters_the_analyser_does_not_use_warn_as_in_scikit_learn():
    # A tokenizer with analyzer="char" raised, where scikit-learn warns and goes on; stop words given with a
    # callable or character analyser were dropped without a word.
    docs = ["abc de", "de f"]
    cases = [
        ({"analyzer": "char", "tokenizer": str.split}, "tokenizer", "char"),
        ({"analyzer": "char_wb", "stop_words": ["de"]}, "stop_words", "char_wb"),
        ({"analyzer": str.split, "stop_words": "english"}, "stop_words", str.split),
        ({"analyzer": str.split, "ngram_range": (1, 2)}, "ngram_range", str.split),
        ({"analyzer": str.split, "tokenizer": str.split}, "tokenizer", str.split),
    ]
    for kwargs, name, analyzer in cases:
        for ours, theirs in ((CountVectorizer, sklearn_text.CountVectorizer), (HashingVectorizer, None)):
            with pytest.warns(UserWarning, match=f"'{name}' will not be used"):
                X = ours(**kwargs).fit_transform(docs)
            assert (X != ours(analyzer=analyzer).fit_transform(docs)).nnz == 0
            if theirs is not None:
                with pytest.warns(UserWarning, match=f"'{name}' will not be used"):
                    theirs(token_pattern=None, **kwargs).fit(docs)
    # Once per fit, from the caller's line, and not again at transform, partial_fit or load (it came at every
    # internal look at the parameters, from akhbar's own files).
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        v = CountVectorizer(analyzer="char", stop_words=["de"])
        v.fit(docs)
        v.transform(docs)
        v.partial_fit(docs)
        pickle.loads(pickle.dumps(v))
        CountVectorizer.from_bytes(v.to_bytes())
    assert len(caught) == 1 and caught[0].filename == __file__
    with pytest.raises(TypeError, match="ngram_range must be a pair of ints"):  # (not "truth value ambiguous")
        CountVectorizer(analyzer=str.split, ngram_range=np.array([1, 2])).fit(docs)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        CountVectorizer(analyzer="char").fit(docs)  # (stop_words=True, the default, is no request)
        CountVectorizer(analyzer=str.split, stop_words=None).fit(docs)


@pytest.mark.parametrize("weights", [{}, {"weighting": "bm25"}, {"use_idf": False}])
def test_tfidf_fit_on_no_documents_is_refused(weights):
    # With a given vocabulary there is no "empty vocabulary" error: BM25's average length was 0/0 and the idf
    # weights 1. scikit-learn's TfidfVectorizer refuses the empty fit too; a CountVectorizer counts without one.
    with pytest.raises(ValueError, match="Found array with 0 sample"):
        sklearn_text.TfidfVectorizer(vocabulary=["a", "b"]).fit([])
    for fit in ("fit", "fit_transform"):
        with pytest.raises(ValueError, match="at least one document"):
            getattr(TfidfVectorizer(vocabulary=["a", "b"], **weights), fit)([])
    assert CountVectorizer(vocabulary=["a"], analyzer=str.split).fit([]).transform(["a a"]).toarray().tolist() == [[2]]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"ngram_range": (1, 2), "stemmer": "snowball"},
        {"analyzer": "char_wb", "ngram_range": (2, 3)},
        {"analyzer": "char", "ngram_range": (1, 2), "preprocessor": str.upper},
        {"tokenizer": str.split, "stop_words": "arabic", "ngram_range": (1, 3)},
        {"tokenizer": str.split, "stop_words": ["في"], "preprocessor": lambda d: d.replace("،", " ")},
        {"analyzer": str.split},
    ],
)
def test_build_analyzer_gives_the_terms_fit_counts(kwargs):
    # scikit-learn's build_analyzer, build_tokenizer, build_preprocessor, get_stop_words and decode were missing
    # (vec.build_analyzer()(text) is the usual way to look at the terms).
    docs = ["قال الرئيس، إن الحكومة في القاهرة تعمل", "في أعقـ.ـاب القمة قال", b"Apple \xd9\x88iPhone"]
    for cls in (CountVectorizer, TfidfVectorizer, HashingVectorizer):
        v = cls(**kwargs)
        analyze = v.build_analyzer()
        terms = [analyze(d) for d in docs]
        if cls is CountVectorizer:
            X = v.fit_transform(docs)
            names = v.get_feature_names_out().tolist()
            assert sorted({t for ts in terms for t in ts}) == names
            expected = [[ts.count(n) for n in names] for ts in terms]
            assert X.toarray().tolist() == expected
    if "tokenizer" in kwargs:  # as scikit-learn's own, given the same stop words
        theirs = sklearn_text.CountVectorizer(
            lowercase=False, token_pattern=None, **{**kwargs, "stop_words": list(v.get_stop_words())}
        ).build_analyzer()
        if kwargs["stop_words"] != "arabic":  # (akhbar matches a built-in list normalised)
            assert [theirs(d) for d in docs] == terms


def test_building_blocks_of_akhbars_analyser():
    v = TfidfVectorizer(fold_teh_marbuta=False)
    assert v.decode(b"\xd9\x88") == "و" and v.decode("x") == "x"
    with pytest.raises(UnicodeDecodeError):
        v.decode(b"\xff")
    with pytest.raises(TypeError):
        v.decode(3)
    assert v.build_preprocessor()("في أعقـ.ـاب القمة") == "في اعقاب القمة"
    assert v.build_tokenizer()("قال: إن الحكومة") == ["قال", "ان", "الحكومة"]
    assert v.get_stop_words() == akhbar.analysis.get_stop_words(fold_teh_marbuta=False)
    assert "الي" in v.get_stop_words()
    assert TfidfVectorizer(stop_words=None).get_stop_words() is None
    assert TfidfVectorizer(stop_words=["a"]).get_stop_words() == frozenset({"a"})
    assert CountVectorizer(tokenizer=str.split).build_tokenizer() is str.split
    # The stop words as the analysis compares them, add_stop_words too; none where none are dropped.
    assert CountVectorizer(stop_words=["إلى"], add_stop_words=["غزة"]).get_stop_words() == {"الي", "غزه"}
    assert CountVectorizer(tokenizer=str.split).get_stop_words() is None
    assert CountVectorizer(tokenizer=str.split, stop_words=["إلى"]).get_stop_words() == {"إلى"}
    assert CountVectorizer(analyzer="char", stop_words=["إلى"]).get_stop_words() is None


def test_inverse_transform_with_a_given_vocabulary_and_non_finite_input():
    # As scikit-learn's: a CountVectorizer with a given vocabulary inverts before a fit (it raised
    # NotFittedError), and NaN or infinity in X is refused (NaN is not zero: it named every term).
    pairs = ((CountVectorizer, sklearn_text.CountVectorizer), (TfidfVectorizer, sklearn_text.TfidfVectorizer))
    for ours, theirs in pairs:
        v, t = ours(vocabulary=["b", "a"]), theirs(vocabulary=["b", "a"])
        for X in (np.array([[1, 0], [0, 0]]), sp.csr_matrix([[0, 2.0], [1, 1]])):
            assert [r.tolist() for r in v.inverse_transform(X)] == [r.tolist() for r in t.inverse_transform(X)]
    fitted = CountVectorizer(analyzer=str.split).fit(["a b c d"])
    for bad in (np.array([[np.nan, 0, 0, 0]]), sp.csr_matrix(np.array([[0, np.inf, 0, 0]]))):
        with pytest.raises(ValueError, match="NaN or infinity"):
            fitted.inverse_transform(bad)
        with pytest.raises(ValueError, match="NaN|infinity"):
            sklearn_text.CountVectorizer(analyzer=str.split).fit(["a b c d"]).inverse_transform(bad)


def test_warnings_come_where_scikit_learn_gives_them():
    # TfidfVectorizer's dtype warning came from akhbar's own lines, twice a fit with max_features, and again at
    # partial_fit and load; HashingVectorizer warned at every transform, not at fit; a CountVectorizer with a
    # given vocabulary warned at transform before any fit.
    docs = ["a b", "b c"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        t = TfidfVectorizer(analyzer=str.split, dtype=np.int64, max_features=2)
        t.fit(docs)
        t.partial_fit(docs)
        TfidfVectorizer.from_bytes(TfidfVectorizer(dtype=np.int64).fit(["كتب"]).to_bytes())
    assert [str(w.message)[:40] for w in caught] == ["Only float32 and float64 are supported a"] * 2
    assert all(w.filename == __file__ for w in caught)
    for fit in ("fit", "fit_transform"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            h = HashingVectorizer(analyzer="char", stop_words=["x"])
            getattr(h, fit)(docs)
            h.transform(docs)
            h.partial_fit(docs)
            CountVectorizer(vocabulary=["a"], analyzer="char", stop_words=["x"]).transform(docs)
        assert len(caught) == 1 and "'stop_words' will not be used" in str(caught[0].message)


def test_tokenizer_takes_add_and_remove_stop_words_with_any_stop_words():
    # They were honoured with a list name only; with True (no list) or a collection they were dropped unsaid.
    doc = ["foo bar baz"]
    assert CountVectorizer(tokenizer=str.split, add_stop_words=["foo"]).fit(doc).get_feature_names_out().tolist() == [
        "bar", "baz"]
    v = CountVectorizer(
        tokenizer=str.split, stop_words=["bar", "baz"], add_stop_words=["foo"], remove_stop_words=["baz"]
    )
    assert v.fit(doc).get_feature_names_out().tolist() == ["baz"]
    assert v.get_stop_words() == {"foo", "bar"}
    assert v.build_analyzer()("foo bar baz") == ["baz"]


def test_built_analysers_pickle():
    # scikit-learn's build_analyzer gives a functools.partial, which pickles; akhbar's gave closures.
    for kwargs in ({"tokenizer": str.split, "stop_words": "arabic", "ngram_range": (1, 2)}, {"analyzer": str.split},
                   {"preprocessor": str.upper}, {}, {"tokenizer": str.split, "add_stop_words": ["x"]}):
        v = CountVectorizer(**kwargs)
        for built in (v.build_analyzer(), v.build_preprocessor()):
            assert pickle.loads(pickle.dumps(built))("قال إن x y") == built("قال إن x y")


# ------------------------------------------------------------------------- scikit-learn users' customisations
class _OnlyTerm(TfidfVectorizer):
    def build_analyzer(self):
        return lambda doc: ["ONLY", doc[:1]]


class _SkOnlyTerm(sklearn_text.TfidfVectorizer):
    def build_analyzer(self):
        return lambda doc: ["ONLY", doc[:1]]


class _SplitTokens(CountVectorizer):
    def build_tokenizer(self):
        return str.split


class _Cp1256(CountVectorizer):
    def decode(self, doc):
        return doc.decode("cp1256") if isinstance(doc, bytes) else doc


class _WithExtras(TfidfVectorizer):
    def fit(self, raw_documents, y=None):
        super().fit(raw_documents)
        self.n_docs_seen_ = len(raw_documents)
        return self


def test_subclass_building_blocks_are_used_as_scikit_learn_uses_them(docs, tmp_path):
    # scikit-learn's "customizing the vectorizer classes": a subclass's build_analyzer, build_tokenizer,
    # build_preprocessor or decode was ignored by fit and transform, which counted akhbar's analyser's terms.
    ours, theirs = _OnlyTerm().fit(docs), _SkOnlyTerm().fit(docs)
    assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out())
    assert abs(ours.transform(docs) - theirs.transform(docs)).max() < 1e-6
    split = _SplitTokens(ngram_range=(1, 2)).fit(docs)
    sk_split = sklearn_text.CountVectorizer(tokenizer=str.split, lowercase=False, token_pattern=None,
                                            ngram_range=(1, 2)).fit(docs)
    assert list(split.get_feature_names_out()) == list(sk_split.get_feature_names_out())
    assert list(_Cp1256(stemmer="none").fit(["ذهب الولد".encode("cp1256")]).get_feature_names_out()) == ["الولد", "ذهب"]
    # Saved, it loads through its own class only (akhbar's would analyse otherwise).
    ours.save(tmp_path / "only.akhbar")
    assert (_OnlyTerm.load(tmp_path / "only.akhbar").transform(docs) != ours.transform(docs)).nnz == 0
    with pytest.raises(akhbar.FormatError, match="own build_analyzer.*load it with the class that saved it"):
        TfidfVectorizer.load(tmp_path / "only.akhbar")


def test_pickles_and_copies_keep_a_subclass_s_attributes(docs):
    import copy

    v = _WithExtras().fit(docs)
    v.note = "x"
    for c in (pickle.loads(pickle.dumps(v)), copy.deepcopy(v), copy.copy(v)):
        assert (c.n_docs_seen_, c.note) == (len(docs), "x")
        assert (c.transform(docs) != v.transform(docs)).nnz == 0


def test_scikit_learn_conventions_without_surprises(docs, monkeypatch):
    # A fixed vocabulary names the features before a fit, as scikit-learn's TfidfVectorizer does.
    v = TfidfVectorizer(vocabulary=["ولد", "مدرس"])
    assert list(v.get_feature_names_out()) == ["ولد", "مدرس"] and v.vocabulary_ == {"ولد": 0, "مدرس": 1}
    # repr: defaults of the analyser's options not shown; at most about 700 characters, as scikit-learn's.
    assert repr(TfidfVectorizer(stemmer="light", fold_alef=True, min_df=2)) == "TfidfVectorizer(min_df=2)"
    assert len(repr(TfidfVectorizer(vocabulary=[f"w{i}" for i in range(30000)]))) < 720
    # A missing value reached a callable tokenizer, which failed in the user's code.
    with pytest.raises(TypeError, match=r"raw_documents\[1\] must be str or bytes, not float \(a missing value"):
        TfidfVectorizer(tokenizer=str.split).fit(["نص", float("nan")])
    # A refused scikit-learn parameter says why through set_params too (a grid search's way).
    with pytest.raises(ValueError, match="Invalid parameter 'lowercase'.*folds case"):
        TfidfVectorizer().set_params(lowercase=False)
    # A data frame of another library (polars') iterates over its columns: refused as a pandas one is.
    class DataFrame:
        columns = ["text"]

        def __iter__(self):
            return iter([docs])

    with pytest.raises(TypeError, match="is a DataFrame"):
        TfidfVectorizer().fit(DataFrame())
    # Without scikit-learn, hasattr(v, "vocabulary_") was an error, not False.
    monkeypatch.setitem(__import__("sys").modules, "sklearn.exceptions", None)
    assert not hasattr(TfidfVectorizer(), "vocabulary_") and not hasattr(CountVectorizer(), "idf_")
    with pytest.raises(ValueError, match="not fitted"):
        TfidfVectorizer().transform(docs)


def test_metadata_of_another_analyser_than_the_model_s_is_a_format_error():
    # The model did not store its analyser: a file whose parameters named another stemmer or other folds loaded,
    # and transformed with an analyser whose terms were not the vocabulary's.
    docs = ["قال الرئيس إن المدارس مغلقة", "أحمد قال للمدارس", "المدارس والمدرسة"]
    saved = _Saved(TfidfVectorizer().fit(docs).to_bytes())
    assert TfidfVectorizer.from_bytes(saved.meta()).vocabulary_ == TfidfVectorizer().fit(docs).vocabulary_
    for params in ({"stemmer": "snowball"}, {"fold_alef": False}, {"stop_words": None}, {"add_protected_words": ["x"]}):
        with pytest.raises(akhbar.FormatError, match="another analyser than the model's"):
            TfidfVectorizer.from_bytes(saved.meta(params=params))
    hashing = HashingVectorizer(n_features=1024, stemmer="none")
    raw = hashing.to_bytes()
    info = json.loads(raw[raw.index(b'{"class"') : raw.rindex(b"}") + 1])
    for params in ({"stemmer": "light"}, {"keep_numbers": False}):
        forged = json.dumps({**info, "params": {**info["params"], **params}}).encode()
        with pytest.raises(akhbar.FormatError, match=r"another analyser than the model's \((stemmer|keep_numbers)\)"):
            HashingVectorizer.from_bytes(hashing._impl().to_bytes(forged))


# ------------------------------------------------------------- concurrency (found by a review, session 16)
def _blocking(texts, started: threading.Event, go: threading.Event):
    """The texts, from a generator that signals `started` at its first text and waits for `go` before its last."""
    for i, t in enumerate(texts):
        if i == 0:
            started.set()
        if i == len(texts) - 1:
            assert go.wait(60)
        yield t


@pytest.fixture(scope="module")
def sample_texts():
    from akhbar.cli import load_sample

    return [a["text"] for a in load_sample()]


def test_two_first_partial_fits_at_once_keep_both_batches(sample_texts):
    # Both saw an unfitted vectoriser and fitted their own batch alone: the second to end replaced the first.
    a, b = sample_texts[:200], sample_texts[200:260]
    v = TfidfVectorizer()
    started, go = threading.Event(), threading.Event()
    first = threading.Thread(target=lambda: v.partial_fit(_blocking(a, started, go)))
    first.start()
    assert started.wait(60)
    second = threading.Thread(target=lambda: v.partial_fit(b))
    second.start()
    second.join(0.3)  # (it waits for the first: before, it fitted b meanwhile)
    go.set()
    first.join(60)
    second.join(60)
    assert v.n_documents_ == 260
    assert v.vocabulary_ == TfidfVectorizer().fit(a + b).vocabulary_


def test_a_fit_during_a_partial_fit_is_not_undone(sample_texts):
    # The partial_fit put back the model it had started with when it ended, over the fit's; the fit's parameters
    # stayed, so the file saved then described another model and did not load.
    v = TfidfVectorizer(ngram_range=(1, 2)).fit(sample_texts[:100])
    started, go = threading.Event(), threading.Event()
    feeding = threading.Thread(target=lambda: v.partial_fit(_blocking(sample_texts[100:300], started, go)))
    feeding.start()
    assert started.wait(60)
    v.set_params(ngram_range=(1, 1))
    refit = threading.Thread(target=lambda: v.fit(sample_texts[300:340]))
    refit.start()
    refit.join(0.3)
    go.set()
    feeding.join(60)
    refit.join(60)
    assert v.n_documents_ == 40  # (the fit came last: its model, not the partial_fit's)
    assert max(len(t.split(" ")) for t in v.get_feature_names_out()) == 1
    assert TfidfVectorizer.from_bytes(v.to_bytes()).vocabulary_ == v.vocabulary_


def test_reads_during_a_partial_fit_wait_instead_of_failing(sample_texts):
    # While a partial_fit made its features, the model said it was not fitted: transform, idf_ and n_documents_
    # from other threads raised NotFittedError on a fitted vectoriser.
    v = TfidfVectorizer(ngram_range=(1, 3)).fit(sample_texts[:300])
    errors, done = [], threading.Event()

    def read():
        while not done.is_set():
            try:
                v.transform(sample_texts[:2])
                _ = v.n_documents_
            except Exception as e:  # noqa: BLE001
                errors.append(e)

    def feed():
        for k in range(5):
            v.partial_fit(sample_texts[300 + 20 * k : 320 + 20 * k])

    readers = [threading.Thread(target=read) for _ in range(2)]
    for r in readers:
        r.start()
    feeder = threading.Thread(target=feed)
    feeder.start()
    feeder.join(60)  # (liveness: see the next test)
    fed_in_time = not feeder.is_alive()
    done.set()
    for r in readers:
        r.join(60)
    feeder.join(60)
    assert fed_in_time
    assert errors == []
    assert v.n_documents_ == 400


def test_a_partial_fit_gets_its_turn_between_constant_transforms(sample_texts):
    # New transforms never waited for a waiting partial_fit: a thread transforming in a loop kept it out for ever.
    v = TfidfVectorizer().fit(sample_texts[:300])
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            v.transform(sample_texts[300:301])

    servers = [threading.Thread(target=serve) for _ in range(2)]
    for s in servers:
        s.start()
    fed = threading.Thread(target=lambda: v.partial_fit(sample_texts[301:320]))
    fed.start()
    fed.join(60)  # (liveness, not speed: before, it was still waiting when the servers stopped)
    waited = fed.is_alive()
    stop.set()
    for s in servers:
        s.join(60)
    fed.join(60)
    assert not waited
    assert v.n_documents_ == 319


def test_hashing_set_params_during_transform_applies_from_the_next_call(sample_texts):
    # The matrix was cast with the parameters at its end: a set_params meanwhile gave L2 weights truncated to
    # an int64 matrix of zeros, or raw counts as float64.
    h = HashingVectorizer(n_features=2**12)

    def preprocessor(text):
        h.set_params(norm=None, dtype=np.int64)
        return text

    h.set_params(preprocessor=preprocessor)
    X = h.transform(sample_texts[:3])
    assert X.dtype == np.float64 and np.allclose(sp.linalg.norm(X, axis=1), 1.0)
    Y = h.transform(sample_texts[:3])
    assert Y.dtype == np.int64 and Y.sum() != 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_a_process_forked_during_a_partial_fit_refuses_its_half_changed_copy(sample_texts):
    v = TfidfVectorizer().fit(sample_texts[:100])
    started, go = threading.Event(), threading.Event()
    feeding = threading.Thread(target=lambda: v.partial_fit(_blocking(sample_texts[100:200], started, go)))
    feeding.start()
    assert started.wait(60)
    pid = os.fork()
    if pid == 0:  # (the child: no feeding thread, a model half changed)
        code = 3
        try:
            v.transform(sample_texts[:1])
            code = 1
        except RuntimeError as e:
            code = 0 if "forked while another thread changed" in str(e) else 2
        finally:
            os._exit(code)
    go.set()
    feeding.join(60)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert v.n_documents_ == 200 and v.transform(sample_texts[:1]).shape[0] == 1


def test_strip_accents_as_scikit_learn_takes_it():
    # strip_accents was refused ("akhbar's normaliser removes diacritics", which it does for Arabic alone): it is
    # scikit-learn's strip_accents="unicode" for other scripts, Arabic letters keeping their hamza.
    docs = ["Le Président du café", "le president, naïve", "الرئيس المسؤول"]
    v = TfidfVectorizer(strip_accents="unicode", stop_words=None)
    X = v.fit_transform(docs)
    assert list(v.get_feature_names_out()) == ["cafe", "du", "le", "naive", "president", "رئيس", "مسؤول"]
    assert X[0, v.vocabulary_["president"]] > 0 and X[1, v.vocabulary_["president"]] > 0
    # The parameter as given, through clone, pickling and a saved file; the accents stay without it.
    for w in (clone(v).fit(docs), pickle.loads(pickle.dumps(v))):
        assert w.get_params()["strip_accents"] == "unicode"
        assert list(w.get_feature_names_out()) == list(v.get_feature_names_out())
    assert (v.transform(["Président"]) != v.transform(["president"])).nnz == 0
    assert "président" in TfidfVectorizer(stop_words=None).fit(docs).vocabulary_
    for analyzer in ("char", "char_wb"):
        char = CountVectorizer(analyzer=analyzer, strip_accents="unicode", ngram_range=(1, 1)).fit(["é"])
        assert "e" in char.vocabulary_ and "é" not in char.vocabulary_
    with pytest.raises(TypeError, match="pass your function as preprocessor="):
        TfidfVectorizer(strip_accents=str.lower).fit(docs)
