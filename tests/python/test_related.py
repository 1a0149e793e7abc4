"""akhbar.RelatedArticles: exact top-k against brute-force numpy, persistence, duplicates, clusters, add()."""

from __future__ import annotations

import copy
import os
import pickle
import signal
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

import akhbar
from akhbar import _core
from akhbar.cli import load_sample


def brute_topk(X: sp.csr_matrix, k: int, min_score: float = 0.0):
    """Reference: dense float64 scores, self excluded, positive scores >= min_score, ties by smaller index."""
    D = (X.astype(np.float64) @ X.T.astype(np.float64)).toarray()
    n = X.shape[0]
    I = np.full((n, k), -1, dtype=np.int64)
    S = np.zeros((n, k))
    for i in range(n):
        cand = [j for j in range(n) if j != i and D[i, j] > 0 and D[i, j] >= min_score]
        cand.sort(key=lambda j: (-D[i, j], j))
        for r, j in enumerate(cand[:k]):
            I[i, r], S[i, r] = j, D[i, j]
    return I, S, D


def random_matrix(n: int, m: int, density: float, seed: int) -> sp.csr_matrix:
    rng = np.random.default_rng(seed)
    X = sp.random(n, m, density=density, random_state=seed, format="lil",
                  data_rvs=lambda size: rng.integers(1, 4, size).astype(float))
    X[:, :3] = (rng.random((n, 3)) < 0.7) * 1.0  # dense "stop-word" columns
    X = X.tocsr()
    rows = X.toarray()
    rows[4] = rows[2]  # a copy: exact ties
    rows[6] = 0  # an empty row
    return sp.csr_matrix(rows)


class _Identity:
    """A minimal vectoriser over a fixed matrix, to test the index on exact inputs."""

    def __init__(self, X):
        self.X = X

    def fit_transform(self, texts):
        return self.X

    def transform(self, texts):
        return sp.csr_matrix((len(texts), self.X.shape[1]))

    def get_feature_names_out(self):
        return np.array([f"t{i}" for i in range(self.X.shape[1])], dtype=object)


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def index(sample):
    return akhbar.RelatedArticles(progress=False).fit(
        [a["text"] for a in sample], ids=[a["id"] for a in sample], titles=[a["title"] for a in sample],
        sources=[a["source"] for a in sample], dates=[a["date"] for a in sample],
    )


@pytest.mark.parametrize("seed,k", [(0, 5), (1, 10), (2, 80), (3, 1)])
def test_all_related_equals_brute_force(seed, k):
    X = random_matrix(60, 40, 0.1, seed)
    r = akhbar.RelatedArticles.from_vectorizer(_Identity(X), X, progress=False)
    I, S = r.all_related(k=k, n_jobs=1)
    Xn = r.matrix
    k = min(k, 59)  # (capped at n - 1: no article has more others)
    ref_I, ref_S, D = brute_topk(Xn, k)
    assert I.shape == S.shape == (60, k)
    assert I.dtype == np.int32 and S.dtype == np.float32
    np.testing.assert_allclose(S, ref_S, atol=1e-5)
    np.testing.assert_array_equal(I < 0, ref_I < 0)
    n = X.shape[0]
    for i in range(n):
        assert i not in I[i]
        got = I[i][I[i] >= 0]
        np.testing.assert_allclose(D[i, got], S[i, : len(got)], atol=1e-5)
        assert len(set(got.tolist())) == len(got)
        for a in range(len(got) - 1):  # equal scores in increasing index order
            if S[i, a] == S[i, a + 1]:
                assert got[a] < got[a + 1]
    assert (I[6] == -1).all() and (S[6] == 0).all()  # the empty row relates to nothing


def test_copies_tie_by_index():
    X = random_matrix(40, 30, 0.15, 9)
    r = akhbar.RelatedArticles.from_vectorizer(_Identity(X), X, progress=False)
    I, S = r.all_related(k=39)
    for q in (0, 1, 3):
        row = list(I[q])
        assert row.index(4) == row.index(2) + 1
        assert S[q, row.index(2)] == S[q, row.index(4)]
    assert I[2, 0] == 4 and I[4, 0] == 2  # the copy is the best match
    assert S[2, 0] == pytest.approx(1.0, abs=1e-6)


def test_min_score_and_n_jobs_identical():
    X = random_matrix(80, 50, 0.1, 4)
    r = akhbar.RelatedArticles.from_vectorizer(_Identity(X), X, progress=False)
    I1, S1 = r.all_related(k=7, n_jobs=1, min_score=0.4)
    I2, S2 = r.all_related(k=7, n_jobs=2, min_score=0.4)
    np.testing.assert_array_equal(I1, I2)
    np.testing.assert_array_equal(S1, S2)
    # Far more threads than rows: no more are started than there are rows to share (each holds a heap per
    # row; 100,000 of them used to abort the process).
    I3, S3 = r.all_related(k=7, n_jobs=100_000, min_score=0.4)
    np.testing.assert_array_equal(I1, I3)
    np.testing.assert_array_equal(S1, S3)
    assert (S1[I1 >= 0] >= 0.4).all()
    ref_I, ref_S, _ = brute_topk(r.matrix, 7, min_score=0.4)
    np.testing.assert_allclose(S1, ref_S, atol=1e-5)


def test_heavy_term_path_matches_brute_force():
    X = random_matrix(70, 40, 0.1, 5)
    r = akhbar.RelatedArticles.from_vectorizer(_Identity(X), X, progress=False)
    Xn = r.matrix
    idx = _core.CosineTopK(Xn.indptr.astype(np.int64), Xn.indices, Xn.data, Xn.shape[1], 0.0, 1, 3)
    assert idx.n_heavy_terms == 3
    I, S = idx.search(Xn.indptr.astype(np.int64), Xn.indices, Xn.data, 0, 70, 8, 0.0, True, 0, None, 2)
    _, ref_S, _ = brute_topk(Xn, 8)
    np.testing.assert_allclose(S, ref_S, atol=1e-5)


def test_related_queries(index, sample):
    matches = index.related(0, k=5)
    assert 1 <= len(matches) <= 5
    assert all(isinstance(m, akhbar.Match) for m in matches)
    assert all(m.index != 0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert matches[0].id == sample[matches[0].index]["id"]
    assert matches[0].title == sample[matches[0].index]["title"]
    assert "score=" in repr(matches[0]) and "Match(" in repr(matches[0])
    # by id, by index and via all_related agree
    assert index.related(sample[0]["id"], k=5) == matches
    I, S = index.all_related(k=5)
    assert [m.index for m in matches] == [i for i in I[0] if i >= 0]
    # a new text: an article's own text finds the article first
    by_text = index.related(sample[7]["text"], k=3)
    assert by_text[0].index == 7 and by_text[0].score > 0.9
    # filters
    other = index.related(0, k=10, exclude_same_source=True)
    assert all(index.sources[m.index] != index.sources[0] for m in other)
    near = index.related(0, k=10, within_days=0.5)
    d0 = np.datetime64(index.dates[0])
    assert all(abs(np.datetime64(index.dates[m.index]) - d0) <= np.timedelta64(12, "h") for m in near)
    assert all(m.score >= 0.2 for m in index.related(0, k=10, min_score=0.2))
    with pytest.raises(ValueError, match="indexed article"):
        index.related("نص جديد", exclude_same_source=True)
    with pytest.raises(IndexError):
        index.related(10_000)
    with pytest.raises(TypeError, match="query"):
        index.related(3.5)
    with pytest.raises(ValueError, match="k must be positive"):
        index.related(0, k=0)


def test_frame_and_explain(index):
    df = index.all_related(k=3, as_frame=True)
    assert {"article", "rank", "related", "score", "article_id", "related_title"} <= set(df.columns)
    I, S = index.all_related(k=3)
    assert len(df) == int((I >= 0).sum())
    first = df[df.article == 0].sort_values("rank")
    assert first.related.tolist() == [i for i in I[0] if i >= 0]
    j = int(I[0, 0])
    terms = index.explain(0, j, top=500)
    assert terms and all(isinstance(t, str) and c > 0 for t, c in terms)
    assert sum(c for _, c in terms) == pytest.approx(float(S[0, 0]), abs=1e-4)
    assert [c for _, c in terms] == sorted((c for _, c in terms), reverse=True)
    assert len(index.explain(0, j, top=3)) == 3


def test_near_duplicates_and_clusters(index, sample):
    pairs = index.near_duplicates(0.8)
    assert pairs and all(i < j and s >= 0.8 for i, j, s in pairs)
    assert pairs == sorted(pairs)
    hasher = _core.MinHasher(128, 3, 1)
    # The estimate is close to the exact Jaccard of the shingle sets (of the boilerplate-stripped texts).
    errors = []
    for i, j, s in pairs[:30]:
        a = set(hasher.shingle_hashes(sample[i]["text"]).tolist())
        b = set(hasher.shingle_hashes(sample[j]["text"]).tolist())
        errors.append(abs(len(a & b) / len(a | b) - s))
    assert np.mean(errors) < 0.08
    strict = index.near_duplicates(0.95)
    assert set((i, j) for i, j, s in strict) <= set((i, j) for i, j, s in pairs)
    clusters = index.clusters(threshold=0.5)
    assert clusters and all(len(c) >= 2 and c == sorted(c) for c in clusters)
    assert [len(c) for c in clusters] == sorted((len(c) for c in clusters), reverse=True)
    members = [m for c in clusters for m in c]
    assert len(members) == len(set(members))
    where = {m: n for n, c in enumerate(clusters) for m in c}
    for i, j, _ in pairs:  # every near-duplicate pair lies in one cluster
        assert where[i] == where[j]
    with pytest.raises(ValueError, match="threshold"):
        index.near_duplicates(1.5)


def test_find_near_duplicates_without_an_index(index, sample):
    # The pairs of fit + near_duplicates, from the MinHash signatures alone (the CLI's duplicates: 10.3 s and
    # 1.2 GB on egy2013 with the index, 5.5 s and 0.66 GB without).
    texts, sources = [a["text"] for a in sample], [a["source"] for a in sample]
    finder = akhbar.RelatedArticles(progress=False)
    for threshold in (0.8, 0.5):
        assert finder.find_near_duplicates(texts, sources, threshold) == index.near_duplicates(threshold)
    assert len(finder) == 0  # (nothing indexed)
    plain = akhbar.RelatedArticles(progress=False, strip_boilerplate=False)
    pairs = plain.find_near_duplicates(texts, threshold=0.6)
    assert pairs == plain.fit(texts).near_duplicates(0.6)
    before = index.near_duplicates()
    assert index.find_near_duplicates(texts[:5] * 2, threshold=0.9)[:1] == [(0, 5, 1.0)]
    assert index.near_duplicates() == before and len(index) == len(sample)  # (a fitted index is left as it was)
    assert finder.find_near_duplicates([]) == []
    with pytest.raises(ValueError, match="threshold"):
        finder.find_near_duplicates(texts, threshold=0)
    with pytest.raises(ValueError, match="sources"):
        finder.find_near_duplicates(texts, sources[:-1])
    with pytest.raises(TypeError):
        finder.find_near_duplicates([1, 2])


def test_boilerplate_found_and_stripped():
    texts, sources = [], []
    for i in range(30):
        body = f"تقرير رقم {i} حول الاحداث في المدينة {i * 13} والموقف من القرار رقم {i * 7}"
        if i % 2 == 0:
            texts.append(body + "\nاقرأ أيضاً:\nمقالات ذات صلة")
            sources.append("site_a")
        else:
            texts.append("جميع الحقوق محفوظة\n" + body)
            sources.append("site_b")
    r = akhbar.RelatedArticles(progress=False).fit(texts, sources=sources)
    lines = r.boilerplate_lines
    assert {(s, c) for s, _, c in lines} == {("site_a", 15), ("site_b", 15)}
    assert len(lines) == 3
    names = r.vectorizer.get_feature_names_out().tolist()
    assert not any("محفوظ" in t or "مقال" in t or "اقرا" in t for t in names)
    kept = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(texts, sources=sources)
    assert kept.boilerplate_lines == []
    assert any("محفوظ" in t for t in kept.vectorizer.get_feature_names_out().tolist())


def test_a_text_query_loses_the_boilerplate_the_index_lost():
    # Indexed texts were stripped of their source's boilerplate, but a text query was not: an article queried
    # with its own text scored 0.73 against itself, and an unrelated article sharing the footer 0.50.
    footer = "تابعوا آخر الأخبار العاجلة على موقعنا الرسمي وصفحتنا على فيسبوك"
    bodies = ["الأهلي يفوز على الزمالك في الدوري", "مرسي يلتقي وزير الدفاع", "ارتفاع أسعار الذهب اليوم",
              "الأمطار تغرق شوارع الإسكندرية", "البورصة تخسر مليار جنيه", "افتتاح معرض الكتاب بالقاهرة"]
    texts = [f"{b}\n{footer}" for b in bodies] + ["صفحتنا على فيسبوك تنشر آخر الأخبار العاجلة"]
    r = akhbar.RelatedArticles(progress=False, boilerplate_min_docs=5).fit(texts, sources=["A"] * 6 + ["B"])
    assert len(r.boilerplate_lines) == 1
    best = r.related(texts[0], k=2)
    assert best[0].index == 0 and best[0].score == pytest.approx(1.0, abs=1e-5)
    assert all(m.index != 6 for m in best)
    assert r.explain(texts[0], 6) == []
    # A line that is boilerplate of any source goes (the query's source is unknown); other lines stay.
    assert r.related(f"{bodies[1]}\n{footer}", k=1)[0].index == 1
    with pytest.raises(ValueError, match="query holds a lone surrogate"):
        r.related("abc \udc80")


def test_what_an_index_from_a_matrix_cannot_do_is_said():
    texts = ["الأهلي يفوز على الزمالك في الدوري العام", "الأهلي يفوز على الزمالك في الدوري العام اليوم",
             "مرسي يلتقي وزير الدفاع"]
    v = akhbar.TfidfVectorizer()
    X = v.fit_transform(texts)
    bare = akhbar.RelatedArticles.from_vectorizer(v, X, progress=False)
    with pytest.warns(UserWarning, match="without near-duplicate edges"):
        assert bare.clusters(threshold=1.1, near_duplicate_threshold=0.5) == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert bare.clusters(threshold=1.1, near_duplicate_threshold=None) == []
    with_texts = akhbar.RelatedArticles.from_vectorizer(v, X, texts=texts, progress=False)
    assert with_texts.clusters(threshold=1.1, near_duplicate_threshold=0.5) == [[0, 1]]
    with pytest.raises(ValueError, match="cannot strip boilerplate"):
        akhbar.RelatedArticles.from_vectorizer(v, X, strip_boilerplate=True)
    assert akhbar.RelatedArticles.from_vectorizer(v, X, strip_boilerplate=False).matrix.shape[0] == 3


def test_round_trips(index, tmp_path):
    I, S = index.all_related(k=5)
    path = tmp_path / "index.akhbar"
    index.save(path)
    for loaded in (akhbar.RelatedArticles.load(path), akhbar.RelatedArticles.load(path, mmap=False),
                   akhbar.RelatedArticles.from_bytes(index.to_bytes()), pickle.loads(pickle.dumps(index))):
        assert len(loaded) == len(index)
        I2, S2 = loaded.all_related(k=5)
        np.testing.assert_array_equal(I, I2)
        np.testing.assert_array_equal(S, S2)
        assert loaded.ids == index.ids and loaded.titles == index.titles and loaded.dates == index.dates
        assert loaded.related(index.ids[3], k=3) == index.related(3, k=3)
        assert loaded.related("تأجيل دعوى تقسيم الدوائر", k=3) == index.related("تأجيل دعوى تقسيم الدوائر", k=3)
        assert loaded.near_duplicates() == index.near_duplicates()
        assert loaded.boilerplate_lines == index.boilerplate_lines
    mapped = akhbar.RelatedArticles.load(path, mmap=True)
    assert not mapped.matrix.data.flags.writeable  # a view of the mapped file, not a copy
    empty = pickle.loads(pickle.dumps(akhbar.RelatedArticles(progress=False, num_perm=64)))
    assert len(empty) == 0 and empty.options["num_perm"] == 64


def test_corrupt_files_raise_format_error(index, tmp_path):
    data = index.to_bytes()
    for bad in (data[:100], data[: len(data) // 2], b"", b"not an index at all"):
        with pytest.raises(akhbar.FormatError):
            akhbar.RelatedArticles.from_bytes(bad)
    flipped = bytearray(data)
    flipped[len(flipped) // 2] ^= 0x40
    with pytest.raises(akhbar.FormatError, match="checksum"):
        akhbar.RelatedArticles.from_bytes(bytes(flipped))
    path = tmp_path / "broken.akhbar"
    path.write_bytes(bytes(flipped))
    with pytest.raises(akhbar.FormatError):
        akhbar.RelatedArticles.load(path)
    (tmp_path / "empty.akhbar").write_bytes(b"")
    with pytest.raises(akhbar.FormatError):
        akhbar.RelatedArticles.load(tmp_path / "empty.akhbar")
    # A well-sealed file whose matrix is inconsistent: checked after the checksum.
    X = sp.csr_matrix(np.eye(3, dtype=np.float32))
    bad_sections = [("meta", 0, b'{"version": 1, "n": 3, "n_cols": 2, "options": {}, "vectorizer": {}}'),
                    ("vectorizer", 0, b""), ("indptr", 2, X.indptr.astype(np.int64)),
                    ("indices", 1, X.indices.astype(np.int32)), ("data", 3, X.data),
                    ("signatures", 4, np.empty(0, np.uint32))]
    with pytest.raises(akhbar.FormatError, match="column index"):
        akhbar.RelatedArticles.from_bytes(_core.write_sections(_core.RELATED_INDEX_KIND, bad_sections))
    with pytest.raises(TypeError):
        akhbar.RelatedArticles.from_bytes("text")


def test_add_close_to_rebuild(sample):
    texts = [a["text"] for a in sample]
    ids = [a["id"] for a in sample]
    cut = int(len(texts) * 0.9)
    grown = akhbar.RelatedArticles(progress=False).fit(texts[:cut], ids=ids[:cut])
    before = grown.related(0, k=5)
    grown.add(texts[cut:], ids=ids[cut:])
    rebuilt = akhbar.RelatedArticles(progress=False).fit(texts, ids=ids)
    assert len(grown) == len(rebuilt) == len(texts)
    # later queries see the new articles
    assert grown.related(texts[-1], k=1)[0].index == len(texts) - 1
    assert grown.related(ids[-1], k=3) and before
    Ig, Sg = grown.all_related(k=10)
    Ir, Sr = rebuilt.all_related(k=10)
    # The README bound: best-match scores within 0.1 on average and at least 80% of top-10 lists shared.
    both = (Ig[:, 0] >= 0) & (Ir[:, 0] >= 0)
    assert np.mean(np.abs(Sg[both, 0] - Sr[both, 0])) < 0.1
    overlap = np.mean([len(set(Ig[i][Ig[i] >= 0]) & set(Ir[i][Ir[i] >= 0])) / max(1, (Ir[i] >= 0).sum())
                       for i in range(len(texts))])
    assert overlap > 0.8
    assert grown.near_duplicates() == rebuilt.near_duplicates()
    with pytest.raises(ValueError, match="already in the index"):
        grown.add(["x"], ids=[ids[0]])
    with pytest.raises(ValueError, match="ids"):
        grown.add(["x"])


def test_input_errors():
    r = akhbar.RelatedArticles(progress=False)
    with pytest.raises(TypeError, match="texts must be an iterable"):
        r.fit("one text")
    with pytest.raises(TypeError, match=r"texts\[1\]"):
        r.fit(["a", 3])
    with pytest.raises(ValueError, match="ids has 1 entries"):
        r.fit(["a b", "c d"], ids=["x"])
    with pytest.raises(ValueError, match="repeats"):
        r.fit(["a b", "c d"], ids=["x", "x"])
    with pytest.raises(ValueError, match="ISO date"):
        r.fit(["a b", "c d"], dates=["2013-02-01", "yesterday"])
    with pytest.raises(RuntimeError, match="fit"):
        r.related(0)
    with pytest.raises(TypeError, match="apply to the default vectoriser"):
        akhbar.RelatedArticles(_Identity(sp.eye(2)), min_df=3)
    assert "empty" in repr(r)


def test_metadata_lists_are_read_only_and_made_once(sample):
    # ids, titles, sources and dates were copied at every access: [index.titles[j] for j in I[i]] over 3k
    # articles took 0.25 s instead of 0.007 s, quadratic in the collection.
    import copy

    texts = [a["text"] for a in sample[:20]]
    ix = akhbar.RelatedArticles(progress=False).fit(texts, ids=[a["id"] for a in sample[:20]],
                                                    titles=[a["title"] for a in sample[:20]])
    assert ix.titles is ix.titles and ix.ids is ix.ids and ix.sources is None
    titles = ix.titles
    assert titles == [a["title"] for a in sample[:20]] and isinstance(titles, list)
    for edit in (lambda t: t.append("x"), lambda t: t.__setitem__(0, "x"), lambda t: t.sort(), lambda t: t.clear()):
        with pytest.raises(TypeError, match="read-only"):
            edit(titles)
    with pytest.raises(TypeError, match="read-only"):
        titles += ["x"]
    assert ix.titles[0] == sample[0]["title"]
    for plain in (list(titles), titles.copy(), titles[:], copy.deepcopy(titles), pickle.loads(pickle.dumps(titles))):
        assert type(plain) is list and plain == ix.titles
    ix.add(["نص جديد عن القاهرة"], ids=["new"], titles=["جديد"])
    assert ix.titles is not titles and ix.titles[-1] == "جديد" and len(titles) == 20  # (the old view stands)
    assert pickle.loads(pickle.dumps(ix)).titles == ix.titles


def test_a_query_that_looks_like_a_mistyped_id_warns(index):
    # An unknown str id was searched as a text and gave [] without a word.
    with pytest.warns(UserWarning, match="not an id of the index"):
        assert index.related("egy-00000000-nope") == []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        index.related(index.ids[0])  # an id
        index.related("السيسي")  # one Arabic word: a text
        index.related("a text of several words")
        akhbar.RelatedArticles(progress=False).fit(["كتب الولد", "ذهب الولد"]).related("nope")  # (no ids)


def test_integer_ids_are_not_positions(sample):
    texts = [a["text"] for a in sample[:50]]
    r = akhbar.RelatedArticles(progress=False).fit(texts, ids=list(range(100, 150)))
    assert r.position_of(107) == 7
    assert r.related(7, k=3) == r.related(r.position_of(107), k=3)
    assert r.related(7, k=3)[0].id == 100 + r.related(7, k=3)[0].index
    with pytest.raises(KeyError):
        r.position_of(7)
    # A float was looked up as an id (3.0 == 3 as a dict key) where the int is a position: refused.
    for q in (107.0, np.float64(107.0), 7.0, float("nan"), Decimal(107), Fraction(107), complex(107)):
        with pytest.raises(TypeError, match="position_of"):
            r.related(q, k=3)
        with pytest.raises(TypeError, match="position_of"):
            r.explain(q, 0)
    assert r.position_of(107.0) == 7  # (the id lookup itself takes any equal key)


def test_a_pickled_vectoriser_in_an_index_loads_only_when_allowed(tmp_path):
    # A hostile index: well sealed, but its vectoriser section is a pickle that would run a command.
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_RunsCode(str(marker)))
    sections = [("meta", 0, b'{"version": 1, "n": 0, "n_cols": 0, "options": {}, '
                           b'"vectorizer": {"format": "pickle"}}'),
                ("vectorizer", 0, payload), ("indptr", 2, np.zeros(1, np.int64)),
                ("indices", 1, np.zeros(0, np.int32)), ("data", 3, np.zeros(0, np.float32)),
                ("signatures", 4, np.empty(0, np.uint32))]
    data = _core.write_sections(_core.RELATED_INDEX_KIND, sections)
    with pytest.raises(akhbar.FormatError, match="allow_pickle=True"):
        akhbar.RelatedArticles.from_bytes(data)
    path = tmp_path / "hostile.akhbar"
    path.write_bytes(data)
    with pytest.raises(akhbar.FormatError, match="allow_pickle=True"):
        akhbar.RelatedArticles.load(path)
    assert not marker.exists()


def test_an_index_over_a_vectoriser_with_a_callable_pickles_and_saves(tmp_path, sample):
    # to_bytes of an akhbar vectoriser with tokenizer=str.split refuses the callable: the index could not be saved,
    # pickled or copied. Its vectoriser goes through pickle now, as one that is not akhbar's.
    for vectorizer in (akhbar.TfidfVectorizer(tokenizer=str.split), akhbar.TfidfVectorizer(preprocessor=str.strip)):
        index = akhbar.RelatedArticles(vectorizer, progress=False).fit([a["text"] for a in sample[:80]])
        I, S = index.all_related(k=3)
        path = tmp_path / "index.akhbar"
        index.save(path)
        with pytest.raises(akhbar.FormatError, match="allow_pickle=True"):
            akhbar.RelatedArticles.load(path)
        for other in (pickle.loads(pickle.dumps(index)), copy.deepcopy(index),
                      akhbar.RelatedArticles.load(path, allow_pickle=True)):
            I2, S2 = other.all_related(k=3)
            assert np.array_equal(I, I2) and np.array_equal(S, S2)
            assert other.vectorizer.get_params()["tokenizer"] is vectorizer.get_params()["tokenizer"]


class _RunsCode:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_an_index_claiming_more_columns_than_its_vectoriser_is_refused():
    # A hostile n_cols would size per-column arrays (gigabytes) at the first query.
    vec = akhbar.TfidfVectorizer().fit(["سلام عليكم", "عليكم السلام"])
    meta = (b'{"version": 1, "n": 2, "n_cols": 2147483646, "options": {}, '
            b'"vectorizer": {"format": "akhbar", "class": "akhbar.feature_extraction:TfidfVectorizer"}}')
    sections = [("meta", 0, meta), ("vectorizer", 0, vec.to_bytes()),
                ("indptr", 2, np.array([0, 1, 2], np.int64)), ("indices", 1, np.array([0, 1], np.int32)),
                ("data", 3, np.ones(2, np.float32)), ("signatures", 4, np.empty(0, np.uint32))]
    with pytest.raises(akhbar.FormatError, match="2147483646 columns"):
        akhbar.RelatedArticles.from_bytes(_core.write_sections(_core.RELATED_INDEX_KIND, sections))


def test_a_vectoriser_that_no_longer_matches_the_index_is_refused():
    # Its text queries had columns past the index's: a segmentation fault (found in review). A refit that kept
    # the width gave wrong results silently, and a save wrote a file that load called corrupt.
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس في القاهرة", "الوفد والرئيس"]
    wide = akhbar.TfidfVectorizer().fit(docs)
    narrow_vectorizer = akhbar.TfidfVectorizer().fit(docs[:2])
    narrow = narrow_vectorizer.transform(docs[:2])
    with pytest.raises(ValueError, match="columns but the vectoriser gives"):
        akhbar.RelatedArticles.from_vectorizer(wide, narrow, progress=False)
    index = akhbar.RelatedArticles.from_vectorizer(narrow_vectorizer, narrow, progress=False)
    assert index.related("الوفد")
    index.vectorizer = wide  # replaced
    with pytest.raises(ValueError, match="refitted or replaced after the index was built"):
        index.related("الرئيس")
    refitted = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(docs[:2])
    refitted.vectorizer.partial_fit(docs[2:])  # new terms: a wider vectoriser
    for call in (lambda: refitted.related("الوفد والرئيس"), lambda: refitted.add(["الرئيس"]),
                 lambda: refitted.explain(0, 1), refitted.to_bytes):
        with pytest.raises(ValueError, match="refitted or replaced after the index was built"):
            call()
    assert len(refitted) == 2 and refitted.related(0)  # the index itself still answers
    # A refit with as many features as before: the same width, other terms.
    same = akhbar.RelatedArticles(progress=False, strip_boilerplate=False, max_features=3).fit(docs)
    same.vectorizer.fit(["كلمة اولى ثانية ثالثة رابعة", "كلمة اولى"])
    assert len(same.vectorizer.get_feature_names_out()) == same.matrix.shape[1]
    with pytest.raises(ValueError, match="refitted or replaced"):
        same.related("كلمة")
    # scikit-learn's vectoriser: a refit makes a new vocabulary_.
    sk = akhbar.RelatedArticles(TfidfVectorizer(), progress=False, strip_boilerplate=False).fit(docs)
    assert sk.related("الوفد")
    sk.vectorizer.fit(docs[:3])
    with pytest.raises(ValueError, match="refitted or replaced"):
        sk.related("الوفد")
    # A vectoriser with a fixed vocabulary makes its vocabulary_ at its first transform: not a refit.
    from sklearn.feature_extraction.text import CountVectorizer

    fixed = akhbar.RelatedArticles.from_vectorizer(
        CountVectorizer(vocabulary=["الوفد", "الرئيس", "القاهرة"]),
        CountVectorizer(vocabulary=["الوفد", "الرئيس", "القاهرة"]).transform(docs), progress=False)
    assert fixed.related("الوفد") == fixed.related("الوفد")
    assert akhbar.RelatedArticles.from_bytes(fixed.to_bytes(), allow_pickle=True).related(0)
    # A fitted vectoriser with transform alone serves from_vectorizer; fit needs fit_transform.
    class TransformOnly:
        def __init__(self, inner):
            self.inner = inner

        def transform(self, texts):
            return self.inner.transform(texts)

    only = akhbar.RelatedArticles.from_vectorizer(TransformOnly(narrow_vectorizer), narrow, progress=False)
    assert only.related("الوفد")
    with pytest.raises(TypeError, match="fit_transform"):
        only.fit(docs)
    # The C++ search checks the query's columns too.
    n_cols = narrow.shape[1]
    with pytest.raises(ValueError, match="outside"):
        index._index().search(np.array([0, 1], np.int64), np.array([n_cols], np.int32), np.ones(1, np.float32),
                              0, 1, 2, 0.0, False, 0, None, 1)


def test_the_arrays_an_index_reads_in_place_cannot_be_changed_under_it():
    # Writing to matrix.indices, or to the bytearray given to from_bytes, then querying: a segmentation fault.
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس في القاهرة", "الوفد والرئيس"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(docs)
    expected = index.related(0, k=2)
    with pytest.raises(ValueError, match="read-only"):
        index.matrix.indices[0] = 10**6
    raw = bytearray(index.to_bytes())
    loaded = akhbar.RelatedArticles.from_bytes(raw)
    raw[:] = bytes(len(raw))
    assert loaded.related(0, k=2) == expected
    loaded.add(["الوفد في القاهرة"])  # a grown index is read-only too
    with pytest.raises(ValueError, match="read-only"):
        loaded.matrix.data[0] = 2.0


def test_ids_are_what_a_saved_index_gives_back():
    # Tuple ids were saved as JSON lists and then could not load; numpy integers could not be saved.
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس والوفد"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(docs, ids=np.arange(3) + 10)
    assert akhbar.RelatedArticles.from_bytes(index.to_bytes()).ids == [10, 11, 12]
    for bad in ([(1, "x"), (2, "y"), (3, "z")], [True, False, 2], [1.0, 2, 3]):
        with pytest.raises(TypeError, match=r"ids\[0\] must be a str or int"):
            akhbar.RelatedArticles(progress=False).fit(docs, ids=bad)
    with pytest.raises(TypeError, match=r"ids\[0\] must be a str or int"):
        index.add(["نص"], ids=[("a", 1)])


def test_fit_without_articles_says_so():
    with pytest.raises(ValueError, match="at least one article"):
        akhbar.RelatedArticles().fit([])


def test_missing_dates_and_explain_without_feature_names():
    pd = pytest.importorskip("pandas")
    docs = ["وصل الوفد الى القاهرة", "مدرسة الاطفال في القاهرة", "الرئيس والوفد"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        docs, dates=[pd.NaT, "2013-01-02", float("nan")])
    assert index.dates == [None, "2013-01-02T00:00:00", None]
    hashed = akhbar.RelatedArticles(akhbar.HashingVectorizer(), progress=False, strip_boilerplate=False).fit(docs)
    with pytest.raises(TypeError, match="feature names"):
        hashed.explain(0, 1)


def test_dates_that_their_offset_moves_past_year_1_or_9999_are_read():
    # datetime's astimezone raised OverflowError (not the ValueError of a bad date), and the CLI a traceback.
    docs = ["وصل الوفد الى القاهرة", "وصل الوفد الى القاهرة صباحا"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        docs, dates=["0001-01-01T00:00:00+01:00", "0001-01-01T00:30:00Z"])
    assert index.dates == ["0000-12-31T23:00:00", "0001-01-01T00:30:00"]
    assert [m.index for m in index.related(0, within_days=1)] == [1]
    assert [m.index for m in index.related(0, within_days=1 / 48)] == []  # (90 minutes apart)
    late = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(docs, dates=["9999-12-31T23:00:00"] * 2)
    assert [m.index for m in late.related(docs[0], date="9999-12-31T23:30:00-01:00", within_days=1 / 12)] == [0, 1]
    assert late.related(docs[0], date="9999-12-31T23:30:00-02:00", within_days=1 / 12) == []


# ---------------------------------------------------------------- found by a review helper (session 7)
_DOCS = ["ذهب الولد إلى المدرسة صباحا", "ذهب الولد إلى البيت", "قال الرئيس إن الاقتصاد ينمو",
         "ارتفعت أسعار الذهب اليوم"]


def _small_index(**kw):
    return akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        _DOCS, ids=list("abcd"), titles=list("ABCD"), sources=["s1", "s1", "s2", "s2"], dates=["2013-01-01"] * 4, **kw)


def _single_index_related(ix, q, k, allowed=None):
    """related(q) as one search index over the whole matrix gives it (the reference for the added articles' own
    index, merged)."""
    X = ix.matrix
    idx = _core.CosineTopK(X.indptr.astype(np.int64), X.indices, X.data, X.shape[1], 0.02, 64, 0)
    k = min(k, len(ix) - 1)
    I, S = idx.search(X.indptr.astype(np.int64), X.indices, X.data, q, q + 1, k, 0.0, True, 0, allowed, 1)
    keep = I[0] >= 0
    return I[0][keep].tolist(), S[0][keep].tolist()


def test_adding_one_article_at_a_time_answers_as_a_rebuilt_index(sample):
    # add() then a query rebuilt the whole search index (0.5 s on egy2013 for every article of a stream); the
    # articles added since are now searched in an index of their own, merged, and folded in now and then.
    cut = len(sample) - 150  # (more than the folding threshold, max(64, sqrt(2n)), so it folds)
    cols = {name: [a[name] for a in sample] for name in ("text", "id", "title", "source", "date")}
    ix = akhbar.RelatedArticles(progress=False).fit(
        cols["text"][:cut], ids=cols["id"][:cut], titles=cols["title"][:cut], sources=cols["source"][:cut],
        dates=cols["date"][:cut])
    held = ix.matrix  # a matrix taken before the adds is not changed by them
    held_copy = held.copy()
    folds = 0
    for i in range(cut, len(sample)):
        ix.add([cols["text"][i]], ids=[cols["id"][i]], titles=[cols["title"][i]], sources=[cols["source"][i]],
               dates=[cols["date"][i]])
        # (A fold is made by the add itself, while queries go on: the search index then covers every article.)
        folds += ix._topk is not None and ix._topk[1] == len(ix)
        if i % 3:  # (some adds in a row without a query: the added articles' index grows by more than one)
            continue
        for q in (i, i - 40, 5):
            got = ix.related(q, k=6)
            assert ([m.index for m in got], [m.score for m in got]) == _single_index_related(ix, q, 6)
        allowed = ix._allowed(i, True, None)
        got = ix.related(cols["id"][i], k=4, exclude_same_source=True)
        assert ([m.index for m in got], [m.score for m in got]) == _single_index_related(ix, i, 4, allowed)
        assert all(ix.sources[m.index] != cols["source"][i] for m in got)
    assert folds >= 2
    assert len(ix) == len(sample) and ix.ids == cols["id"] and ix.matrix.shape[0] == len(sample)
    assert (held != held_copy).nnz == 0 and held.shape[0] == cut
    rebuilt = akhbar.RelatedArticles.from_vectorizer(ix.vectorizer, ix.matrix, texts=cols["text"], progress=False)
    np.testing.assert_array_equal(ix._signatures, rebuilt._signatures)
    assert ix.near_duplicates() == rebuilt.near_duplicates()
    np.testing.assert_array_equal(ix.all_related(k=5)[0], rebuilt.all_related(k=5)[0])
    loaded = akhbar.RelatedArticles.from_bytes(ix.to_bytes())
    assert loaded.related(len(sample) - 1, k=5) == ix.related(len(sample) - 1, k=5)


def test_add_grows_the_metadata_in_place_and_views_taken_before_stay_as_they_were(sample):
    # Every add() copied the ids, titles, sources and dates (and the dates' array) and freed the old lists: O(n)
    # per article, 5.9 ms for one article added to 50k. The lists now grow in place; what a user took before an
    # add (index.ids, a related() result) does not change, and an add that fails leaves the lists as they were.
    cols = {name: [a[name] for a in sample] for name in ("text", "id", "title", "source", "date")}
    ix = akhbar.RelatedArticles(progress=False).fit(cols["text"][:60], ids=cols["id"][:60], titles=cols["title"][:60],
                                                    sources=cols["source"][:60], dates=cols["date"][:60])
    ix.related(0, exclude_same_source=True)  # (the sources' codes cached: they grow with the index too)
    ids_before, titles_before = ix.ids, ix.titles
    ix.add([cols["text"][60]], ids=[cols["id"][60]], titles=[cols["title"][60]], sources=[cols["source"][60]],
           dates=[cols["date"][60]])  # (the first add copies the lists fit made: from then on they are its own)
    lists = [ix._ids, ix._titles, ix._sources, ix._dates]
    for i in range(61, 70):
        ix.add([cols["text"][i]], ids=[cols["id"][i]], titles=[cols["title"][i]], sources=[cols["source"][i]],
               dates=[cols["date"][i]])
    assert [ix._ids, ix._titles, ix._sources, ix._dates] == lists and all(
        a is b for a, b in zip([ix._ids, ix._titles, ix._sources, ix._dates], lists))
    assert ids_before == cols["id"][:60] and titles_before == cols["title"][:60]
    assert ix.ids == cols["id"][:70] and ix.titles == cols["title"][:70] and ix.sources == cols["source"][:70]
    with pytest.raises(ValueError):
        ix.add([cols["text"][70]], ids=[cols["id"][70]], titles=[cols["title"][70]], sources=[cols["source"][70]],
               dates=["not a date"])
    assert len(ix.ids) == len(ix.titles) == len(ix.sources) == len(ix.dates) == len(ix) == 70
    rebuilt = akhbar.RelatedArticles(progress=False).fit(cols["text"][:60], ids=cols["id"][:60],
                                                         titles=cols["title"][:60], sources=cols["source"][:60],
                                                         dates=cols["date"][:60])
    rebuilt.add(cols["text"][60:70], ids=cols["id"][60:70], titles=cols["title"][60:70],
                sources=cols["source"][60:70], dates=cols["date"][60:70])
    assert ix.dates == rebuilt.dates
    np.testing.assert_array_equal(ix._dates64, rebuilt._dates64)
    np.testing.assert_array_equal(ix._article_source_codes(), rebuilt._article_source_codes())
    for q in (3, 65, 69):
        assert ix.related(q, k=5, exclude_same_source=True, within_days=3) == rebuilt.related(
            q, k=5, exclude_same_source=True, within_days=3)


def test_a_new_text_with_its_source_and_date_finds_what_the_added_article_finds(sample):
    # A text query could not say its outlet or date, so exclude_same_source and within_days refused it, and its
    # boilerplate was stripped as any outlet's. With source= and date= it is answered as the same article added.
    head, last = sample[:-1], sample[-1]
    ix = akhbar.RelatedArticles(progress=False, boilerplate_min_docs=3).fit(
        [a["text"] for a in head], ids=[a["id"] for a in head], sources=[a["source"] for a in head],
        dates=[a["date"] for a in head])
    # A line that is another outlet's boilerplate: stripped as any outlet's, kept as its own outlet's.
    other_line = next(line for src, line, _ in ix.boilerplate_lines if src != last["source"])
    last = dict(last, text=last["text"] + "\n" + other_line)
    assert ix.related(last["text"], k=8) != ix.related(last["text"], k=8, source=last["source"])
    options = [{}, {"exclude_same_source": True}, {"within_days": 1}, {"exclude_same_source": True, "within_days": 2}]
    as_text = [ix.related(last["text"], k=8, source=last["source"], date=last["date"], **o) for o in options]
    ix.add([last["text"]], ids=[last["id"]], sources=[last["source"]], dates=[last["date"]])
    as_article = [ix.related(last["id"], k=8, **o) for o in options]
    assert as_text == as_article
    assert all(m.score > 0 for got in as_text for m in got) and as_text[3]
    assert len({tuple(m.index for m in got) for got in as_text}) == len(options)  # each option changes the answer
    assert all(ix.sources[m.index] != last["source"] for m in as_text[1])
    with pytest.raises(ValueError, match="source="):
        ix.related(last["text"], exclude_same_source=True)
    with pytest.raises(ValueError, match="date="):
        ix.related(last["text"], within_days=1, source=last["source"])
    with pytest.raises(ValueError, match="has its own"):
        ix.related(0, source=last["source"])
    with pytest.raises(TypeError, match="source must be a str"):
        ix.related(last["text"], source=1)
    with pytest.raises(ValueError, match="not an ISO date"):
        ix.related(last["text"], date="yesterday")
    # An outlet the index has never seen excludes nothing.
    assert ix.related(last["text"], k=8, exclude_same_source=True, source="new outlet")
    with pytest.raises(ValueError, match="needs dates"):
        akhbar.RelatedArticles(progress=False).fit([a["text"] for a in head]).related(
            last["text"], within_days=1, date=last["date"])


def test_copies_of_an_index_grow_apart():
    # The arrays grow in buffers with room to spare; a copy's adds are its own (copy.copy goes through to_bytes,
    # and a copy of the attributes alone shares the buffers but not what each takes of them after).
    a = _small_index()
    a.add(["نص اخر"], ids=["x"], titles=["X"], sources=["s1"], dates=["2013-01-01"])  # (a buffer with room)
    b = copy.copy(a)
    c = object.__new__(akhbar.RelatedArticles)
    c.__dict__.update(a.__dict__, _id_map=dict(a._id_map))
    c.add(["ذهب الولد إلى البيت"], ids=["g"], titles=["G"], sources=["s3"], dates=["2013-01-02"])
    a.add(["ذهب الولد إلى السوق"], ids=["e"], titles=["E"], sources=["s3"], dates=["2013-01-02"])
    b.add(["الرئيس يزور القاهرة غدا"], ids=["f"], titles=["F"], sources=["s3"], dates=["2013-01-02"])
    assert a.ids == list("abcdxe") and b.ids == list("abcdxf") and c.ids == list("abcdxg")
    for ix, text in ((a, "ذهب الولد إلى السوق"), (b, "الرئيس يزور القاهرة غدا"), (c, "ذهب الولد إلى البيت")):
        assert len(ix) == 6 and ix.matrix.shape[0] == 6
        assert (ix.matrix[5] != ix.vectorizer.transform([text]).astype(np.float32)).nnz == 0
        np.testing.assert_array_equal(ix._signatures[5], ix._hasher.signatures([text], 1)[0])
    # The other order: the index whose adds grew the metadata lists in place adds again while a copy of its
    # attributes shares them (the lists grow in place since session 18: the copy's were grown too, 6 ids for
    # 5 articles, and it saved a file that would not load).
    d = object.__new__(akhbar.RelatedArticles)
    d.__dict__.update(a.__dict__, _id_map=dict(a._id_map))
    a.add(["خبر عن الطقس"], ids=["h"], titles=["H"], sources=["s1"], dates=["2013-01-03"])
    assert a.ids == list("abcdxeh") and d.ids == list("abcdxe") and d.titles == ["A", "B", "C", "D", "X", "E"]
    d.add(["خبر عن الرياضة"], ids=["i"], titles=["I"], sources=["s2"], dates=["2013-01-03"])
    assert d.ids == list("abcdxei") and a.ids == list("abcdxeh") and len(d.sources) == len(d.dates) == 7
    assert akhbar.RelatedArticles.from_bytes(d.to_bytes()).ids == list("abcdxei")


def test_a_failed_add_or_fit_leaves_the_index_as_it_was():
    # A bad date in add() came after ids, titles and sources had grown: the index answered with IndexError and
    # saved a file that would not load.
    ix = _small_index()
    before = ix.to_bytes()
    for dates in (["not a date"], "2013-01-02", ["2013-01-02", "2013-01-03"]):
        with pytest.raises((ValueError, TypeError)):
            ix.add(["ذهب الولد إلى السوق"], ids=["e"], titles=["E"], sources=["s3"], dates=dates)
    with pytest.raises(ValueError, match="repeats"):
        ix.add(["نص", "نص"], ids=["e", "e"], titles=["E", "F"], sources=["s3", "s3"], dates=[None, None])
    assert ix.to_bytes() == before and len(ix) == 4 and len(ix.ids) == 4
    ix.add(["ذهب الولد إلى السوق"], ids=["e"], titles=["E"], sources=["s3"], dates=["2013-01-02"])
    assert len(ix) == 5 and ix.related("e")[0].id in ("a", "b") and ix.sources[-1] == "s3"
    assert akhbar.RelatedArticles.from_bytes(ix.to_bytes()).ids == list("abcde")
    # A failed re-fit (duplicate ids) keeps the previous index.
    with pytest.raises(ValueError, match="repeats"):
        ix.fit(_DOCS, ids=list("aabc"))
    assert len(ix) == 5 and ix.ids == list("abcde")


class _DropsEmpty:
    """A vectoriser that leaves out empty texts (as a careless custom one could), or adds a row."""

    def __init__(self, extra=False):
        self.inner, self.extra = TfidfVectorizer(), extra

    def _rows(self, X, texts):
        if self.extra:  # or one row too many
            return sp.vstack([X, X[:1]]).tocsr()
        return X[[i for i, t in enumerate(texts) if t.strip()]]

    def fit_transform(self, texts):
        return self._rows(self.inner.fit_transform(texts), texts)

    def transform(self, texts):
        return self._rows(self.inner.transform(texts), texts)


def test_a_vectoriser_must_give_one_row_per_text():
    # Rows dropped gave every later article another's id and title, silently.
    docs = ["ذهب الولد إلى المدرسة", "", "ذهب الولد إلى البيت", "قال الرئيس"]
    for extra in (False, True):
        ix = akhbar.RelatedArticles(_DropsEmpty(extra), progress=False, strip_boilerplate=False)
        with pytest.raises(ValueError, match="one row per text"):
            ix.fit(docs, ids=list("abcd"))
        assert len(ix) == 0
    ok = akhbar.RelatedArticles(_DropsEmpty(), progress=False, strip_boilerplate=False).fit(docs[:1] + docs[2:])
    with pytest.raises(ValueError, match="one row per text"):
        ok.add(["", "الولد"])
    assert len(ok) == 3


def test_rows_of_any_scale_keep_their_cosines():
    # Squares of 1e20 overflow float32 and those of 1e-25 underflow: such rows were zeroed, and related nothing.
    X = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1.0]])
    expected = akhbar.RelatedArticles.from_vectorizer(_Identity(X), sp.csr_matrix(X), progress=False).all_related(2)
    for scale in (1e20, 1e-25, 1e300, 5e-320):
        Xs = sp.csr_matrix(X * scale)
        I, S = akhbar.RelatedArticles.from_vectorizer(_Identity(Xs), Xs, progress=False).all_related(k=2)
        np.testing.assert_array_equal(I, expected[0])
        np.testing.assert_allclose(S, expected[1], rtol=1e-6)
    with pytest.raises(TypeError, match="X must be a matrix"):
        akhbar.RelatedArticles.from_vectorizer(_Identity(X), None)
    with pytest.raises(ValueError, match="2-D"):
        akhbar.RelatedArticles.from_vectorizer(_Identity(X), np.ones(3))


def test_saved_files_with_a_valid_checksum_but_bad_values_raise_format_error(tmp_path):
    ix = _small_index()
    refs = _core.read_sections(ix.to_bytes(), _core.RELATED_INDEX_KIND)
    raw = ix.to_bytes()
    sections = {}
    kinds = {"bytes": 0, "<i4": 1, "<i8": 2, "<f4": 3, "<u4": 4}
    for name, dtype, offset, count in refs:
        sections[name] = (kinds[dtype], raw[offset: offset + count] if dtype == "bytes"
                          else np.frombuffer(raw, dtype=np.dtype(dtype), count=count, offset=offset).copy())
    import json

    meta = json.loads(sections["meta"][1])

    def write(**changes):
        m = {**meta, **changes}
        parts = dict(sections)
        parts["meta"] = (0, json.dumps(m, ensure_ascii=False).encode())
        return _core.write_sections(_core.RELATED_INDEX_KIND, [(k, t, v) for k, (t, v) in parts.items()])

    for changes in ({"n_cols": -1}, {"n": "x"}, {"options": {"num_perm": 0}}, {"options": {"num_perm": "x"}},
                    {"options": {"boilerplate_min_fraction": 2}}, {"options": {"unknown": 1}}, {"options": []},
                    {"vectorizer": []}, {"vectorizer": "x"},
                    {"vectorizer": {"format": "akhbar", "class": "akhbar:Normalizer"}},
                    {"vectorizer": {"format": "akhbar", "class": "akhbar.related:json.loads"}},
                    {"vectorizer": {"format": "akhbar", "class": "akhbar.related:RelatedArticles"}},
                    {"source_codes": ["s1"]}, {"source_codes": {"s1": 2**40}}, {"ids": [[1]] * 4},
                    {"titles": "ABCD"}, {"dates": ["x"] * 4}, {"boilerplate": [[0]]}):
        with pytest.raises(akhbar.FormatError):
            akhbar.RelatedArticles.from_bytes(write(**changes))
    data = sections["data"][1].copy()
    data[0] = np.nan
    parts = dict(sections, data=(3, data))
    with pytest.raises(akhbar.FormatError, match="NaN"):
        akhbar.RelatedArticles.from_bytes(
            _core.write_sections(_core.RELATED_INDEX_KIND, [(k, t, v) for k, (t, v) in parts.items()]))
    data = sections["data"][1].copy()
    data *= np.float32(1e30)  # finite, but no longer unit rows: scores would run to infinity
    parts = dict(sections, data=(3, data))
    with pytest.raises(akhbar.FormatError, match="unit vector"):
        akhbar.RelatedArticles.from_bytes(
            _core.write_sections(_core.RELATED_INDEX_KIND, [(k, t, v) for k, (t, v) in parts.items()]))
    parts = dict(sections, meta=(0, b"[" * 100000 + b"]" * 100000))  # valid JSON, nested past Python's limit
    with pytest.raises(akhbar.FormatError):
        akhbar.RelatedArticles.from_bytes(
            _core.write_sections(_core.RELATED_INDEX_KIND, [(k, t, v) for k, (t, v) in parts.items()]))
    assert akhbar.RelatedArticles.from_bytes(write()).ids == list("abcd")  # (the rewriting itself is sound)
    # (A row that stores only zeros is no corruption.)
    v = akhbar.TfidfVectorizer().fit(["aa bb", "bb aa"])
    X = sp.csr_matrix((np.array([0.0, 0.0, 1.0, 2.0]), np.array([0, 1, 0, 1]), np.array([0, 2, 4])), shape=(2, 2))
    zero_row = akhbar.RelatedArticles.from_vectorizer(v, X, progress=False)
    assert np.array_equal(akhbar.RelatedArticles.from_bytes(zero_row.to_bytes()).matrix.toarray(),
                          zero_row.matrix.toarray())


def test_load_refuses_a_file_descriptor():
    # An int was taken as a file descriptor, and closed.
    r, w = os.pipe()
    try:
        with pytest.raises(TypeError, match="path must be"):
            akhbar.RelatedArticles.load(r)
        os.write(w, b"x")
        assert os.read(r, 1) == b"x"  # still open
    finally:
        os.close(r)
        os.close(w)


def test_metadata_is_checked_when_given():
    # Lone surrogates passed fit, then to_bytes, save and pickle failed.
    for column in ("ids", "titles", "sources"):
        values = {"ids": list("abcd"), "titles": list("ABCD"), "sources": ["s"] * 4}
        values[column] = [values[column][0] + "\ud800"] + values[column][1:]
        with pytest.raises(ValueError, match="lone surrogate"):
            akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(_DOCS, **values)
    # Empty pandas cells: NaN titles and sources are missing values, as NaN dates were; pandas.NA too.
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({"title": ["A", np.nan, "C", None], "source": pd.array(["s", pd.NA, "s", "t"]),
                          "date": pd.array(["2013-01-01", pd.NA, "2013-01-03", None], dtype="string")})
    ix = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        _DOCS, titles=frame["title"], sources=frame["source"], dates=frame["date"])
    assert ix.titles == ["A", None, "C", None] and ix.sources == ["s", None, "s", "t"]
    assert ix.dates[1] is None and ix.dates[3] is None and ix.dates[0].startswith("2013-01-01")
    # An unordered collection would pair ids and texts at random.
    with pytest.raises(TypeError, match="ordered"):
        akhbar.RelatedArticles(progress=False).fit(_DOCS, ids=set("abcd"))


def test_flags_and_the_vectoriser_are_checked():
    with pytest.raises(TypeError, match="strip_boilerplate must be True or False"):
        akhbar.RelatedArticles(strip_boilerplate="no")
    with pytest.raises(TypeError, match="progress must be True or False"):
        akhbar.RelatedArticles(progress="no")
    with pytest.raises(TypeError, match="must have transform"):
        akhbar.RelatedArticles("tfidf")
    ix = _small_index()
    with pytest.raises(TypeError, match="exclude_same_source must be True or False"):
        ix.related(0, exclude_same_source="yes")
    with pytest.raises(TypeError, match="as_frame must be True or False"):
        ix.all_related(as_frame="no")
    ix.all_related(k=2)  # cached: the arguments are still checked
    for bad in (0, "abc", 2.5):
        with pytest.raises((TypeError, ValueError)):
            ix.all_related(k=2, n_jobs=bad)
    assert len(ix.related(0, k=10**8)) <= 3  # k is capped: it sized the search's heaps


@pytest.mark.parametrize("k", [1, 4, 30])
def test_all_related_from_other_sources_equals_related_per_article(sample, k):
    # One batched search per source (the CLI's --exclude-same-source ran one query per article, 3.5x slower);
    # articles without a source exclude only themselves.
    texts = [a["text"] for a in sample[:150]]
    sources = [None if i % 11 == 0 else a["source"] for i, a in enumerate(sample[:150])]
    index = akhbar.RelatedArticles(progress=False, n_jobs=2).fit(texts, sources=sources)
    I, S = index.all_related(k=k, exclude_same_source=True, min_score=0.01)
    assert I.shape == S.shape == (150, min(k, 149))
    for i in range(150):
        expected = index.related(i, k=k, exclude_same_source=True, min_score=0.01)
        got = [(int(j), float(s)) for j, s in zip(I[i], S[i]) if j >= 0]
        assert got == [(m.index, m.score) for m in expected], i
        assert i not in I[i]
    one = akhbar.RelatedArticles(progress=False, n_jobs=1).fit(texts, sources=sources)
    assert all(np.array_equal(a, b) for a, b in zip(one.all_related(k=k, exclude_same_source=True, min_score=0.01),
                                                    (I, S)))
    frame = index.to_frame(k=k, exclude_same_source=True)
    src = np.array(sources, dtype=object)
    mine, theirs = src[frame["article"].to_numpy()], src[frame["related"].to_numpy()]
    assert len(frame) and (mine[mine != None] != theirs[mine != None]).all()  # (elementwise comparisons)
    with pytest.raises(ValueError, match="needs sources"):
        akhbar.RelatedArticles(progress=False).fit(texts[:5]).all_related(exclude_same_source=True)


@pytest.mark.parametrize("k,days,other_sources", [(1, 0.0, False), (5, 0.5, False), (5, 1.0, True), (40, 3.0, False),
                                                  (3, 1.5, True), (2, 0.05, False)])
def test_all_related_within_days_equals_related_per_article(sample, k, days, other_sources):
    # Blocks of articles close in date, each searched at once (the CLI's --within-days ran one query per
    # article: 60 s instead of 29 s on egy2013); a member whose window the block's search may not have covered is
    # searched alone. Articles without a date get none; hours count (fractions of a day).
    texts = [a["text"] for a in sample[:160]]
    sources = [None if i % 13 == 0 else a["source"] for i, a in enumerate(sample[:160])]
    dates = [None if i % 17 == 5 else f"2013-02-{1 + (i * 7) % 5:02d}T{(i * 5) % 24:02d}:00:00" for i in range(160)]
    index = akhbar.RelatedArticles(progress=False, n_jobs=2).fit(texts, sources=sources, dates=dates)
    kw = {"k": k, "min_score": 0.01, "exclude_same_source": other_sources, "within_days": days}
    I, S = index.all_related(**kw)
    assert I.shape == S.shape == (160, min(k, 159))
    for i in range(160):
        got = [(int(j), float(s)) for j, s in zip(I[i], S[i]) if j >= 0]
        if dates[i] is None:
            assert got == []
            continue
        assert got == [(m.index, m.score) for m in index.related(i, **kw)], i
    one = akhbar.RelatedArticles(progress=False, n_jobs=1).fit(texts, sources=sources, dates=dates)
    assert all(np.array_equal(a, b) for a, b in zip(one.all_related(**kw), (I, S)))
    assert not np.array_equal(index.all_related(k=k, min_score=0.01, exclude_same_source=other_sources)[0], I)
    frame = index.to_frame(**kw)
    assert len(frame) == (I >= 0).sum() and (frame["related"].to_numpy() == I[I >= 0]).all()
    with pytest.raises(ValueError, match="needs dates"):
        akhbar.RelatedArticles(progress=False).fit(texts[:5]).all_related(within_days=1)
    with pytest.raises(ValueError):
        index.all_related(within_days=-1)
    # A window wider than the dates' span: every dated article (int64 arithmetic overflowed for 1e15 days).
    for huge in (1e15, 1e300, (2**63 - 2**30) / 86400):
        assert np.array_equal(index.all_related(k=k, exclude_same_source=other_sources, within_days=huge)[0],
                              index.all_related(k=k, exclude_same_source=other_sources, within_days=1e6)[0])


def test_queries_on_other_threads_while_articles_are_added(sample):
    # A query running during add() read the matrix, its offsets and the article count at different moments, and
    # could keep a search index labelled with the wrong size: later queries missed articles, or failed. Now
    # fit and add run alone, and queries beside each other.
    import threading

    cut = len(sample) - 120
    cols = {name: [a[name] for a in sample] for name in ("text", "id", "source", "date")}
    ix = akhbar.RelatedArticles(progress=False).fit(cols["text"][:cut], ids=cols["id"][:cut],
                                                   sources=cols["source"][:cut], dates=cols["date"][:cut])
    errors, answers, stop = [], [], threading.Event()

    def query() -> None:
        while not stop.is_set():
            try:
                n = len(ix)
                got = ix.related(0, k=5, exclude_same_source=True)
                ix.related(cols["text"][1], k=5, source=cols["source"][1], date=cols["date"][1], within_days=3)
                answers.append((threading.get_ident(), n, got))
            except Exception as e:  # noqa: BLE001 - any failure is the finding
                errors.append(repr(e))

    readers = [threading.Thread(target=query) for _ in range(2)]
    for t in readers:
        t.start()
    try:
        for i in range(cut, len(sample)):
            ix.add([cols["text"][i]], ids=[cols["id"][i]], sources=[cols["source"][i]], dates=[cols["date"][i]])
            done = len(answers)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert errors == []
    # Adds one after another left the queries no turn (each took the lock again at once); now an add works
    # out the new index while queries go on.
    assert done > 20
    for t in readers:  # (each reader sees the index grow, never shrink)
        seen = [n for ident, n, _ in answers if ident == t.ident]
        assert seen == sorted(seen)
    fresh = akhbar.RelatedArticles.from_bytes(ix.to_bytes())
    for q in (0, 7, len(sample) - 1):
        assert ix.related(q, k=8) == fresh.related(q, k=8)
        assert ix.related(q, k=8, exclude_same_source=True) == fresh.related(q, k=8, exclude_same_source=True)


def test_matches_and_frames_carry_source_and_date(index, sample):
    m = index.related(0, k=3)[0]
    assert (m.source, m.date) == (index.sources[m.index], index.dates[m.index]) and m.source and m.date
    assert f"source={m.source!r}" in repr(m)
    frame = index.to_frame(k=2)
    row = frame.iloc[0]
    assert row["related_source"] == index.sources[row["related"]]
    assert row["article_date"] == index.dates[row["article"]]
    bare = akhbar.RelatedArticles(progress=False).fit([a["text"] for a in sample[:50]])
    assert bare.related(0, k=1)[0].source is None and "related_source" not in bare.to_frame(k=1)


def test_id_membership_undated_articles_and_ids_not_added(sample):
    head = sample[:60]
    ix = akhbar.RelatedArticles(progress=False).fit(
        [a["text"] for a in head], ids=[a["id"] for a in head], sources=[a["source"] for a in head],
        dates=[None if i == 3 else a["date"] for i, a in enumerate(head)])
    assert head[0]["id"] in ix and "not-an-id" not in ix and [1] not in ix  # (unhashable: not in it)
    # An undated article has no articles within days of it, as all_related gives it (it raised ValueError).
    assert ix.related(3, within_days=2) == [] and (ix.all_related(k=3, within_days=2)[0][3] == -1).all()
    assert ix.related(4, within_days=30)
    # An id not added yet was taken as a text, and the error blamed the filters alone.
    with pytest.warns(UserWarning, match="not an id"), pytest.raises(ValueError, match="taken as a new text"):
        ix.related("egy-not-added-yet", exclude_same_source=True)


def test_load_takes_the_threads_of_this_machine(index, tmp_path):
    path = tmp_path / "ix.akhbar"
    index.save(path)
    assert akhbar.RelatedArticles.load(path, n_jobs=1).n_jobs == 1
    assert akhbar.RelatedArticles.load(path).n_jobs is None
    assert akhbar.RelatedArticles.from_bytes(index.to_bytes(), n_jobs=2).n_jobs == 2
    with pytest.raises(ValueError):
        akhbar.RelatedArticles.load(path, n_jobs=0)


def test_a_change_from_inside_a_query_is_refused(sample):
    # (It waited for itself for ever, e.g. from a custom vectoriser's transform during a text query.)
    ix = akhbar.RelatedArticles(progress=False).fit([a["text"] for a in sample[:40]])
    with ix._lock.reading(), pytest.raises(RuntimeError, match="inside one of its own queries"):
        ix.add(["نص"])
    assert len(ix) == 40
    ix.add(["نص"])  # (the lock is free again)
    assert len(ix) == 41


def test_review_findings_on_ids_dates_and_matches(sample):
    head = sample[:30]
    ix = akhbar.RelatedArticles(progress=False).fit([a["text"] for a in head], ids=list(range(1, 31)),
                                                   dates=[None if i == 3 else a["date"] for i, a in enumerate(head)])
    # True and 1.0 equal the id 1 as dict keys, but queries refuse them.
    assert 1 in ix and True not in ix and 1.0 not in ix
    # With ids 1..n, the last id is no position: the error says where it is.
    with pytest.raises(IndexError, match=r"position_of\(30\) = 29"):
        ix.related(30)
    # An undated article with exclude_same_source on an index without sources: the error, as for a dated one.
    with pytest.raises(ValueError, match="needs sources"), pytest.warns(UserWarning, match="taken as a position"):
        ix.related(3, within_days=2, exclude_same_source=True)
    # source and date follow from the index: a Match made as before still equals.
    m = akhbar.RelatedArticles(progress=False).fit(
        [a["text"] for a in head], sources=[a["source"] for a in head]).related(0, k=1)[0]
    assert m.source is not None and m == akhbar.Match(m.index, m.id, m.score, m.title)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_process_forked_during_an_add_can_change_its_index(sample):
    # The lock of a change held by another thread at the fork was held for ever in the child (that thread is
    # not there): its first add waited for ever. What the forking thread itself holds, it keeps.
    import threading

    ix = akhbar.RelatedArticles(progress=False).fit([a["text"] for a in sample[:60]])
    inside, release = threading.Event(), threading.Event()
    transform = ix.vectorizer.transform

    def slow_transform(texts):
        inside.set()
        release.wait(30)
        return transform(texts)

    ix.vectorizer.transform = slow_transform
    adder = threading.Thread(target=ix.add, args=(["نص جديد عن القاهرة"],))
    adder.start()
    try:
        assert inside.wait(30)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # (fork with threads, Python 3.12+)
            pid = os.fork()
        if pid == 0:  # the child: the adding thread is gone, its lock free
            code = 1
            signal.alarm(30)  # (a child that waits for ever dies, and the test fails)
            try:
                ix.vectorizer.transform = transform
                ix.add(["نص اخر"])
                with ix._lock.reading():  # (the forking thread's own read is kept: no change inside it)
                    try:
                        ix.add(["نص"])
                    except RuntimeError:
                        code = 0 if len(ix) == 61 else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    finally:
        release.set()
        adder.join()
    assert len(ix) == 61


def test_removing_articles_answers_as_an_index_of_the_others(sample):
    # A stream of news keeps a window of recent articles: remove() drops articles, the others keep their order and
    # close up. It must answer as an index built from the kept rows of the same fit (same weights).
    cols = {name: [a[name] for a in sample] for name in ("text", "id", "title", "source", "date")}
    ix = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        cols["text"], ids=cols["id"], titles=cols["title"], sources=cols["source"], dates=cols["date"])
    ix.related(0, k=3)  # (a search index in use: remove builds the new one)
    gone = sorted(set(cols["id"][::3]) | {cols["id"][-1]})
    keep = [i for i, v in enumerate(cols["id"]) if v not in set(gone)]
    before = ix.matrix
    assert ix.remove(list(reversed(gone)) + gone[:2]) is ix  # (any order; a repeat is harmless)
    assert len(ix) == len(keep) and ix.ids == [cols["id"][i] for i in keep]
    assert ix.titles == [cols["title"][i] for i in keep] and ix.dates == [cols["date"][i] for i in keep]
    assert gone[0] not in ix and ix.position_of(cols["id"][keep[5]]) == 5
    assert ix._topk is not None and ix._topk[1] == len(ix)
    assert before.shape[0] == len(sample)  # (a matrix taken before is not changed)
    want = akhbar.RelatedArticles.from_vectorizer(
        ix.vectorizer, before[keep], texts=[cols["text"][i] for i in keep], ids=[cols["id"][i] for i in keep],
        titles=[cols["title"][i] for i in keep], sources=[cols["source"][i] for i in keep],
        dates=[cols["date"][i] for i in keep], progress=False)
    want._set_matrix(before[keep])  # (the kept rows exactly: from_vectorizer normalises them again, to 1 ulp)
    assert (ix.matrix != want.matrix).nnz == 0
    np.testing.assert_array_equal(ix._signatures, want._signatures)
    for q in (0, 7, len(ix) - 1):
        assert ix.related(q, k=6) == want.related(q, k=6)
        assert ix.related(q, k=4, exclude_same_source=True, within_days=30) == want.related(
            q, k=4, exclude_same_source=True, within_days=30)
    np.testing.assert_array_equal(ix.all_related(k=5)[0], want.all_related(k=5)[0])
    assert ix.near_duplicates() == want.near_duplicates() and ix.clusters() == want.clusters()
    # Then adds, positions, saving: as any index.
    ix.add([cols["text"][-1]], ids=[cols["id"][-1]], titles=[cols["title"][-1]], sources=[cols["source"][-1]],
           dates=[cols["date"][-1]])
    assert ix.position_of(cols["id"][-1]) == len(keep)
    assert ix.related(cols["id"][-1], k=1)[0].id != cols["id"][-1]
    ix.remove(positions=[0, -1])
    assert len(ix) == len(keep) - 1 and ix.ids[0] == cols["id"][keep[1]] and cols["id"][-1] not in ix
    loaded = akhbar.RelatedArticles.from_bytes(ix.to_bytes())
    assert loaded.ids == ix.ids and loaded.related(3, k=5) == ix.related(3, k=5)


def test_a_remove_that_cannot_be_done_changes_nothing():
    ix = _small_index()
    state = (ix.ids, ix.matrix, ix.related(0, k=3))
    with pytest.raises(KeyError, match="1 of the ids given are not in the index .*'z'"):
        ix.remove(["a", "z"])
    with pytest.raises(IndexError, match="position 4 is out of range"):
        ix.remove(positions=[1, 4])
    with pytest.raises(ValueError, match="leave the index empty"):
        ix.remove(list("abcd"))
    with pytest.raises(TypeError, match="ids must be a list of ids, not str"):
        ix.remove("a")
    with pytest.raises(TypeError, match="positions must be ints, not float"):
        ix.remove(positions=[1.0])
    with pytest.raises(TypeError, match="positions must be ints, not bool"):
        ix.remove(positions=[True])
    with pytest.raises(TypeError, match="one of the two"):
        ix.remove()
    with pytest.raises(TypeError, match="one of the two"):
        ix.remove(["a"], positions=[0])
    assert (ix.ids, ix.related(0, k=3)) == (state[0], state[2]) and (ix.matrix != state[1]).nnz == 0
    ix.remove([])  # (nothing to remove)
    assert len(ix) == 4
    no_ids = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(_DOCS)
    with pytest.raises(ValueError, match="no ids: remove articles by positions="):
        no_ids.remove(["a"])
    no_ids.remove(positions=[2])  # (the article on the economy: the two on the boy stay, at 0 and 1)
    assert len(no_ids) == 3 and [m.index for m in no_ids.related(0, k=2)] == [1]


def test_an_index_saved_with_rotation_densification_keeps_it():
    # Signatures fill their empty bins by optimal densification now; an index saved before (its metadata has no
    # "densification") keeps rotation, so that the articles added to it agree with those it holds.
    import json

    from akhbar import _core

    texts = ["ذهب الولد الى المدرسة صباحا", "ذهب الولد الى المدرسة مساء", "اجتمع الرئيس مع الحكومة"]
    index = akhbar.RelatedArticles(progress=False).fit(texts)
    assert index._hasher.densification == "optimal"
    data = index.to_bytes()
    sections = []
    for name, dtype, offset, count in _core.read_sections(data, _core.RELATED_INDEX_KIND):
        raw = data[offset: offset + count * (1 if dtype == "bytes" else np.dtype(dtype).itemsize)]
        if name == "meta":
            meta = json.loads(raw)
            del meta["densification"]
            raw = json.dumps(meta).encode()
        code = {"bytes": 0, "<i4": 1, "<i8": 2, "<f4": 3, "<u4": 4, "u1": 5}[dtype]
        sections.append((name, code, np.frombuffer(raw, dtype=np.uint8 if code == 0 else dtype)))
    old = akhbar.RelatedArticles.from_bytes(_core.write_sections(_core.RELATED_INDEX_KIND, sections))
    assert old._hasher.densification == "rotation"
    old.add(texts[:1])
    rotation = _core.MinHasher(128, 3, 1, "rotation").signatures(texts[:1], 1)
    assert (old._signatures[-1] == rotation[0]).all()
    assert not (index._hasher.signatures(texts[:1], 1)[0] == rotation[0]).all()
    assert akhbar.RelatedArticles.from_bytes(old.to_bytes())._hasher.densification == "rotation"


def test_add_on_duplicate_skips_or_replaces():
    texts = ["ذهب الولد الى المدرسة صباحا", "اجتمع الرئيس مع الحكومة اليوم", "ارتفاع اسعار الذهب في السوق",
             "الرئيس يلتقي الوزير في القاهرة", "المدرسة تفتح ابوابها للطلاب"]
    ids = ["a", "b", "c", "d", "e"]
    index = akhbar.RelatedArticles(progress=False, strip_boilerplate=False).fit(
        texts, ids=ids, titles=list("ABCDE"), dates=[f"2013-01-0{i + 1}" for i in range(5)])
    index.related("a")  # (a search index in use: the change must build the new one)
    with pytest.raises(ValueError, match="already in the index.*on_duplicate"):
        index.add(["نص"], ids=["b"], titles=["B2"], dates=["2013-02-01"])
    with pytest.raises(ValueError, match="on_duplicate must be one of"):
        index.add(["نص"], ids=["z"], titles=["Z"], dates=["2013-02-01"], on_duplicate="update")
    # skip: the articles with known ids are left out, the others added.
    index.add(iter(["نص جديد", "الرئيس يلتقي الوزير"]), ids=iter(["b", "f"]), titles=["B2", "F"],
              dates=["2013-02-01", "2013-02-02"], on_duplicate="skip")
    assert index.ids == ids + ["f"] and index.titles == list("ABCDEF")
    assert index.add(["x"], ids=["a"], titles=["x"], dates=[None], on_duplicate="skip") is index and len(index) == 6
    # replace: text and metadata replaced in place, new ids added after; as an index built on the final texts.
    index.add(["ارتفاع اسعار الذهب في القاهرة", "اجتمع الوزير مع الطلاب"], ids=["c", "g"], titles=["C2", "G"],
              dates=["2013-03-01", "2013-03-02"], on_duplicate="replace")
    final = texts[:2] + ["ارتفاع اسعار الذهب في القاهرة"] + texts[3:] + ["الرئيس يلتقي الوزير",
                                                                        "اجتمع الوزير مع الطلاب"]
    assert index.ids == ["a", "b", "c", "d", "e", "f", "g"] and index.position_of("c") == 2
    assert index.titles == ["A", "B", "C2", "D", "E", "F", "G"] and index.dates[2] == "2013-03-01T00:00:00"
    rebuilt = akhbar.RelatedArticles.from_vectorizer(index.vectorizer, index.vectorizer.transform(final),
                                                     texts=final, ids=index.ids)
    assert abs(index.matrix - rebuilt.matrix).max() < 1e-6
    assert (index._signatures == rebuilt._signatures).all()
    for q in index.ids:
        assert [(m.id, round(m.score, 5)) for m in index.related(q)] == \
            [(m.id, round(m.score, 5)) for m in rebuilt.related(q)]
    assert index.near_duplicates(0.5) == rebuilt.near_duplicates(0.5)
    # All or nothing: a bad date among the replacements leaves the index as it was.
    before = index.to_bytes()
    with pytest.raises(ValueError, match="dates"):
        index.add(["x", "y"], ids=["a", "h"], titles=["x", "y"], dates=["2013-04-01", "not a date"],
                  on_duplicate="replace")
    assert index.to_bytes() == before
    loaded = akhbar.RelatedArticles.from_bytes(before)
    assert loaded.ids == index.ids and loaded.related("c") == index.related("c")


def test_clusters_join_near_duplicates_without_listing_their_pairs(sample):
    # clusters() listed every near-duplicate pair first: a group of m copies of one article made m(m-1)/2 Python
    # tuples (8,000 copies: 78 s and 6 GB). Its components are now made in C++ from the LSH buckets; they are
    # those of the pairs near_duplicates lists.
    texts = [a["text"] for a in sample[:150]]
    texts += [texts[3]] * 300 + [texts[5] + " تحديث"] * 5 + [" ".join(texts[7].split()[:-3])] * 2
    index = akhbar.RelatedArticles(progress=False).fit(texts)
    for jaccard in (0.3, 0.5, 0.8, 0.95):
        pairs = index.near_duplicates(jaccard)
        a = np.array([p[0] for p in pairs], dtype=np.int32)
        b = np.array([p[1] for p in pairs], dtype=np.int32)
        want = [g.tolist() for g in _core.connected_components(len(index), a, b, 2)]
        got = index.clusters(threshold=2.0, near_duplicate_threshold=jaccard)  # (no cosine edge reaches 2)
        assert got == want, jaccard
        assert [3] + list(range(150, 450)) in got
