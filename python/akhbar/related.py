"""Related articles, near-duplicates and story clusters over a collection of Arabic news.

``RelatedArticles`` vectorises a collection (BM25 weights by default), then answers "which articles report the same
story?" with exact cosine top-k (C++, multi-threaded, blockwise: the n-by-n similarity matrix is never held),
finds copies with MinHash + LSH over word shingles, groups coverage into story clusters, and strips each outlet's
boilerplate lines before indexing.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import decimal
import functools
import importlib
import json
import math
import mmap as _mmap
import numbers
import os
import pickle
import sys
import types
from collections.abc import Iterator, Mapping
from typing import Any, Iterable, Sequence

import numpy as np
import scipy.sparse as sp

from akhbar import _core
from akhbar._io import (
    ReadOnly,
    ReadWriteLock,
    bool_arg,
    path_arg,
    read_model_file,
    str_list,
    warn_user,
    write_atomic,
)
from akhbar.analysis import _name
from akhbar.errors import FormatError

__all__ = ["DEFAULT_VECTORIZER_OPTIONS", "Match", "RelatedArticles"]

#: Options of the default vectoriser (akhbar.TfidfVectorizer), chosen on the quality benchmark
#: (benchmarks/python/bench_related_quality.py). Constructor keywords override them. Read-only.
DEFAULT_VECTORIZER_OPTIONS: Mapping[str, Any] = types.MappingProxyType({
    "ngram_range": (1, 2),  # word pairs: +0.03 MRR on title-only queries, +0.01 on rewritten pairs
    "stemmer": "none",  # light stemming merged distinct words and cost 0.003-0.03 on every row
    "weighting": "bm25",
    "min_df": 1,  # a rare name in a title is the best clue to its article
    "dtype": np.float32,
})

#: The options of the fallback vectoriser (scikit-learn's, fed akhbar.normalize-d text) used when
#: akhbar.TfidfVectorizer is not available.
_SKLEARN_FALLBACK_OPTIONS: dict[str, Any] = {
    "sublinear_tf": True,
    "max_df": 0.5,
    "min_df": 2,
    "dtype": np.float32,
    "token_pattern": r"(?u)\b\w+\b",
}

_FORMAT_VERSION = 1
_CHUNK_ROWS = 4096
# Articles close in date searched at once by all_related(within_days=...).
_WINDOW_BLOCK = 256
_INT64 = np.iinfo(np.int64)
_INT32_MAX = np.iinfo(np.int32).max
# Articles added since the search index was built are folded into it when more than max(this, sqrt(2n)).
_MIN_FOLD_ROWS = 64


@dataclasses.dataclass(frozen=True)
class Match:
    """One related article: its position in the index, its id, the cosine score, its title, source and date
    (each None where the index has none: ids, titles, sources and dates are given to fit)."""

    index: int
    id: Any
    score: float
    title: str | None = None
    # (Not compared: they follow from the index and position, and a Match made as before still equals.)
    source: str | None = dataclasses.field(default=None, compare=False)
    date: str | None = dataclasses.field(default=None, compare=False)

    def __repr__(self) -> str:
        title = self.title if self.title is None or len(self.title) <= 60 else self.title[:57] + "..."
        parts = [f"index={self.index}"]
        if self.id is not None:
            parts.append(f"id={self.id!r}")
        parts.append(f"score={self.score:.3f}")
        if title is not None:
            parts.append(f"title={title!r}")
        for name in ("source", "date"):
            if getattr(self, name) is not None:
                parts.append(f"{name}={getattr(self, name)!r}")
        return "Match(" + ", ".join(parts) + ")"


def _progress_bar(progress: bool, **kwargs: Any):
    from tqdm.auto import tqdm

    return tqdm(disable=None if progress else True, leave=False, **kwargs)


def _is_akhbar_vectorizer_class(cls: type) -> bool:
    try:
        from akhbar import feature_extraction as fe
    except ImportError:
        return False
    return cls in (fe.CountVectorizer, fe.TfidfVectorizer, fe.HashingVectorizer)


def _default_vectorizer(options: dict[str, Any]):
    try:
        from akhbar.feature_extraction import TfidfVectorizer
    except ImportError:  # the vectoriser of akhbar is missing: scikit-learn's, fed akhbar-normalised text
        from sklearn.feature_extraction.text import TfidfVectorizer as SkTfidf

        from akhbar.normalization import normalize

        return SkTfidf(preprocessor=normalize, **{**_SKLEARN_FALLBACK_OPTIONS, **options})
    return TfidfVectorizer(**{**DEFAULT_VECTORIZER_OPTIONS, **options})


def _row_reduce(ufunc: np.ufunc, values: np.ndarray, indptr: np.ndarray) -> np.ndarray:
    """ufunc reduced over each row's values of a CSR matrix (0 for a row without entries)."""
    counts = np.diff(indptr)
    filled = counts > 0
    out = np.zeros(len(counts), dtype=np.result_type(values, np.float64))
    if values.size:
        out[filled] = ufunc.reduceat(values, indptr[:-1][filled])
    return out


def _prepare_matrix(X: Any) -> sp.csr_matrix:
    """X as a canonical float32 CSR matrix with l2-normalised rows (cosine = dot product)."""
    if X is None or isinstance(X, (str, bytes)):
        raise TypeError(f"X must be a matrix (scipy.sparse or array-like), not {type(X).__name__}")
    if not sp.issparse(X):
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be a 2-D matrix, not {X.ndim}-D")
    # In float64 (our own copy: the caller's matrix is not touched), then float32 (one rounding). Each row is
    # divided by its largest magnitude before its squares are summed: squares of 1e200 or of 1e-200 leave
    # float64's range (and those of 1e20 or 1e-25 float32's, which zeroed such rows when the squares were float32).
    X = sp.csr_matrix(X).astype(np.float64, copy=True)
    X.sum_duplicates()
    X.sort_indices()
    if X.nnz and not np.all(np.isfinite(X.data)):
        raise ValueError("the document-term matrix holds NaN or infinite values")
    counts = np.diff(X.indptr)
    peak = _row_reduce(np.maximum, np.abs(X.data), X.indptr)
    data = X.data / np.repeat(np.where(peak > 0, peak, 1), counts)  # (1 / peak overflows for subnormal peaks)
    squares = _row_reduce(np.add, data * data, X.indptr)
    data *= np.repeat(np.divide(1, np.sqrt(squares), out=np.zeros_like(squares), where=squares > 0), counts)
    out = sp.csr_matrix((data.astype(np.float32), X.indices, X.indptr), shape=X.shape)
    out.indices = out.indices.astype(np.int32, copy=False)  # (the C++ index reads int32 columns)
    return out


def _is_missing(value: Any) -> bool:
    """None, NaN, pandas' NaT and NA: a missing entry in a column (pandas gives these for empty cells)."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):  # (pandas.NA's comparisons are NA)
        return True
    if isinstance(value, (float, np.floating)):
        return math.isnan(value)
    return isinstance(value, np.datetime64) and bool(np.isnat(value))


def _check_text(value: str, name: str, saved: bool = True) -> None:
    """A str that is text (and can be saved): lone surrogates, which Python allows in str, have no UTF-8 form."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as e:
        raise ValueError(f"{name} holds a lone surrogate (U+{ord(value[e.start]):04X} at {e.start}), which is not "
                         "text" + (" and cannot be saved" if saved else "")) from None


class _ReadOnlyList(ReadOnly, list):
    """A list that refuses changes (TypeError): the index's ids, titles, sources and dates, which an edit would
    set apart from the index. Copies (``list(...)``, slices, ``+``, pickle) are plain lists."""

    __slots__ = ()
    _plain = list
    _message = "this list is read-only: it describes the index; list(...) of it is an editable copy"
    __setitem__ = __delitem__ = append = extend = insert = pop = remove = clear = sort = reverse = ReadOnly._refuse
    __iadd__ = __imul__ = ReadOnly._refuse


def _texts_list(texts: Any, name: str = "texts") -> list[str]:
    return str_list(texts, name)


def _column(values: Any, n: int, name: str, kind: type | None = str) -> list | None:
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence with one entry per text, not a single {type(values).__name__}")
    if isinstance(values, (set, frozenset, dict)):
        raise TypeError(f"{name} must be an ordered sequence with one entry per text, not a {type(values).__name__}")
    out = list(values)
    if len(out) != n:
        raise ValueError(f"{name} has {len(out)} entries but there are {n} texts")
    if kind is str:
        for i, v in enumerate(out):
            if _is_missing(v):
                out[i] = None
            elif not isinstance(v, str):
                raise TypeError(f"{name}[{i}] must be str or None, not {type(v).__name__}")
            else:
                _check_text(v, f"{name}[{i}]")
    return out


def _int_arg(name: str, value: Any, lo: int, hi: int = 2**31 - 1) -> int:
    """`value` as an int in [lo, hi]: TypeError for another type, ValueError outside (not a C++ cast error)."""
    if not isinstance(value, (int, np.integer)) or isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not lo <= value <= hi:
        raise ValueError(f"{name} must be in [{lo}, {hi}], not {value}")
    return int(value)


def _jaccard_threshold(name: str, value: Any) -> float:
    """A near-duplicate threshold: a Jaccard similarity in (0, 1]."""
    value = _real_arg(name, value, 0.0, 1.0)
    if value == 0.0:
        raise ValueError(f"{name} must be in (0, 1], not 0")
    return value


def _real_arg(name: str, value: Any, lo: float = -math.inf, hi: float = math.inf) -> float:
    """`value` as a finite float in [lo, hi] (NaN compares false both ways, and so passed some checks)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    v = float(value)
    if not (math.isfinite(v) and lo <= v <= hi):
        raise ValueError(f"{name} must be a finite number in [{lo}, {hi}], not {value!r}")
    return v


def _jobs_arg(n_jobs: Any, none_means: str) -> Any:
    """`n_jobs` checked: None or an int other than 0 (as the vectorisers and joblib: 0 threads has no meaning)."""
    _core._resolve_threads(n_jobs, "n_jobs", none_means)
    return n_jobs


def _id_column(values: Any, n: int) -> list | None:
    """The ids as str or int (numpy integers made int): what a saved index can give back as they were."""
    out = _column(values, n, "ids", kind=None)
    if out is None:
        return None
    for i, v in enumerate(out):
        if isinstance(v, np.integer) and not isinstance(v, np.bool_):
            out[i] = v = int(v)
        if isinstance(v, bool) or not isinstance(v, (str, int)):
            raise TypeError(f"ids[{i}] must be a str or int, not {type(v).__name__}")
        if isinstance(v, str):
            _check_text(v, f"ids[{i}]")
    return out


def _parse_date(value: Any, where: str) -> np.datetime64:
    if _is_missing(value) or (isinstance(value, str) and value == ""):
        return np.datetime64("NaT", "s")
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[s]")
    if isinstance(value, _dt.datetime):
        d = value
    elif isinstance(value, _dt.date):
        d = _dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            d = _dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD[THH:MM:SS])") from None
    else:
        raise TypeError(f"{where} must be an ISO date string, date or datetime, not {type(value).__name__}")
    offset = d.utcoffset()
    if offset is None:
        return np.datetime64(d.replace(microsecond=0), "s")
    # To UTC in numpy, whose dates have no year limit: datetime's astimezone raised OverflowError for a date that
    # an offset moves out of years 1-9999 (0001-01-01T00:00:00+01:00, a sentinel some exports write).
    utc = np.datetime64(d.replace(tzinfo=None), "us") - np.timedelta64(offset // _dt.timedelta(microseconds=1), "us")
    return utc.astype("datetime64[s]")


def _vectorizer_width(vectorizer) -> int | None:
    """Number of features the vectoriser produces, where it can be told without building anything."""
    model = getattr(vectorizer, "_model", None)
    if model is not None and isinstance(getattr(model, "n_features", None), int):
        return int(model.n_features)
    if isinstance(getattr(vectorizer, "n_features", None), int):
        return int(vectorizer.n_features)
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    return len(vocabulary) if vocabulary is not None else None


def _fit_state(vectorizer) -> tuple | None:
    """What changes when `vectorizer` is refitted, compared by identity: akhbar's vectorisers make a new token at
    every fit and partial fit, scikit-learn's a new ``vocabulary_``. None for a vectoriser without such state
    (hashing vectorisers: their columns do not depend on a fit)."""
    token = getattr(vectorizer, "_fit_token", None)
    if token is not None:
        return (token, None)
    vocabulary = getattr(vectorizer, "vocabulary_", None)
    if vocabulary is not None:
        return (vocabulary, len(vocabulary))
    return None


def _same_fit(state: tuple, vectorizer) -> bool:
    now = _fit_state(vectorizer)
    return now is not None and state[0] is now[0] and state[1] == now[1]


def _reads(method):
    """The method reads the index: it runs beside other queries, never while a change is put in place."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock.reading():
            return method(self, *args, **kwargs)

    return wrapper


def _writes(method):
    """The method changes the index from start to end: it runs alone."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._changing(), self._lock.writing():
            return method(self, *args, **kwargs)

    return wrapper


class _Appendable:
    """An array that grows at its end, as add() grows the index: a buffer with room to spare and how much of it is
    taken, so that adding articles one at a time copies the index's arrays O(log n) times, not at every add (a
    copy of egy2013's matrix took 26 ms). Views of the buffer's start stay valid: what is taken is never written
    again. An index whose attributes were copied (copy.copy goes through to_bytes) shares the buffer, but not
    what either takes of it after: see ``extended``."""

    __slots__ = ("buffer", "taken")

    def __init__(self) -> None:
        self.buffer: np.ndarray | None = None
        self.taken = 0

    def extended(self, current: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """A read-only array of ``current`` followed by ``extra`` (along the first axis). It is the start of the
        buffer when ``current`` is exactly what the buffer has taken and there is room (writing past what is
        taken, which no view shows); else of a new buffer half as large again. Nothing is taken until
        ``take``."""
        n, m = len(current), len(extra)
        buffer = self.buffer
        if (buffer is None or self.taken != n or current.base is not buffer or len(buffer) < n + m
                or buffer.dtype != current.dtype or buffer.shape[1:] != current.shape[1:]):
            buffer = np.empty((max(n + m, n + n // 2 + 16),) + current.shape[1:], dtype=current.dtype)
            buffer[:n] = current
        buffer[n:n + m] = extra
        view = buffer[:n + m]
        view.flags.writeable = False
        return view

    def take(self, view: np.ndarray) -> None:
        """``view`` (from ``extended``) is now the array: its rows of the buffer are taken."""
        self.buffer, self.taken = view.base, len(view)


def _search_index(indptr64: np.ndarray, indices: np.ndarray, data: np.ndarray, n_columns: int):
    """The C++ top-k search index over a CSR matrix's arrays (read in place: they must outlive it)."""
    return _core.CosineTopK(indptr64, indices, data, n_columns, 0.02, 64, 0)


def _merge_top(I1: np.ndarray, S1: np.ndarray, I2: np.ndarray, S2: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The best k of two searches' results for the same queries (indices -1 where none), each row best first with
    ties by smaller index, as one search over both parts would give them."""
    I = np.concatenate([I1, I2], axis=1)
    S = np.concatenate([S1, S2], axis=1)
    order = np.lexsort((np.where(I < 0, _INT32_MAX, I), -S, I < 0), axis=-1)[:, :k]
    return np.take_along_axis(I, order, axis=1), np.take_along_axis(S, order, axis=1)


class RelatedArticles:
    """An index of articles that finds related articles, near-duplicates and story clusters.

    Build it with ``RelatedArticles(**options).fit(texts, ids=None, titles=None, sources=None, dates=None)``, or
    from a fitted vectoriser and its matrix with ``RelatedArticles.from_vectorizer(vectorizer, X, ...)``.

    Options:

    - ``vectorizer``: any fitted-or-not object with scikit-learn's ``fit_transform`` / ``transform`` /
      ``get_feature_names_out`` (default: ``akhbar.TfidfVectorizer`` with ``DEFAULT_VECTORIZER_OPTIONS``). Other
      keyword options are passed to the default vectoriser.
    - ``strip_boilerplate`` (True): lines repeated across many articles of one source are found and removed before
      indexing (``boilerplate_lines`` lists them); ``boilerplate_min_docs`` (10) and ``boilerplate_min_fraction``
      (0.01) set how often a line must repeat, ``boilerplate_max_chars`` (400) the longest line considered.
    - ``num_perm`` (128), ``shingle_size`` (3), ``seed`` (1): MinHash signatures over word shingles.
    - ``n_jobs`` (None: all cores) and ``progress`` (True: tqdm bars on long work, in terminals only).

    Scores are cosine similarities of the vectoriser's rows (re-normalised to unit length). Results are the same
    for any ``n_jobs``.
    """

    def __init__(
        self,
        vectorizer: Any = None,
        *,
        strip_boilerplate: bool = True,
        boilerplate_min_docs: int = 10,
        boilerplate_min_fraction: float = 0.01,
        boilerplate_max_chars: int = 400,
        num_perm: int = 128,
        shingle_size: int = 3,
        seed: int = 1,
        n_jobs: int | None = None,
        progress: bool = True,
        **vectorizer_options: Any,
    ) -> None:
        if vectorizer is not None and not hasattr(vectorizer, "transform"):
            raise TypeError(f"vectorizer must have transform (and fit_transform, to fit: scikit-learn's interface), "
                            f"not be a {type(vectorizer).__name__}")
        if vectorizer is not None and vectorizer_options:
            raise TypeError(
                "vectoriser options " + ", ".join(sorted(vectorizer_options)) + " apply to the default vectoriser "
                "only; configure the vectoriser you pass instead"
            )
        num_perm = _int_arg("num_perm", num_perm, 1, 1 << 16)
        shingle_size = _int_arg("shingle_size", shingle_size, 1, 1 << 16)
        seed = _int_arg("seed", seed, 0, 2**63 - 1)
        self.vectorizer = vectorizer if vectorizer is not None else _default_vectorizer(vectorizer_options)
        self.strip_boilerplate = bool_arg("strip_boilerplate", strip_boilerplate)
        self.boilerplate_min_docs = _int_arg("boilerplate_min_docs", boilerplate_min_docs, 1)
        self.boilerplate_min_fraction = _real_arg("boilerplate_min_fraction", boilerplate_min_fraction, 0.0, 1.0)
        self.boilerplate_max_chars = _int_arg("boilerplate_max_chars", boilerplate_max_chars, 1)
        self.n_jobs = _jobs_arg(n_jobs, "all cores")
        self.progress = bool_arg("progress", progress)
        self._hasher = _core.MinHasher(int(num_perm), int(shingle_size), int(seed))
        # A change (fit, add) works out the new index while queries go on, one change at a time, then puts it in
        # place with no query running (short for an add; fit holds the lock throughout).
        self._lock = ReadWriteLock("the index cannot be changed (fit, add) from inside one of its own queries",
                                   "the index cannot be queried from inside its own fit or add")
        self._reset()

    # ---------------------------------------------------------------- building
    @contextlib.contextmanager
    def _changing(self):
        """One change (fit, add) at a time; queries go on until it takes the write lock."""
        with self._lock.changing():
            yield

    def _reset(self) -> None:
        self._X: sp.csr_matrix | None = None
        self._indptr64: np.ndarray | None = None
        self._signatures: np.ndarray | None = None
        self._ids: list | None = None
        self._id_map: dict | None = None
        self._titles: list | None = None
        self._sources: list | None = None
        self._dates: list | None = None
        self._dates64: np.ndarray | None = None
        self._boilerplate = None
        self._source_codes: dict[str, int] = {}
        # The search indexes, each replaced whole (one assignment) so that a query reads a consistent pair:
        # (index, n) over the first n articles, and (index, n, columns) over the articles from n on (added since),
        # with their own column numbers (columns: the index's columns they stand for). None: not built.
        self._topk: tuple | None = None
        self._delta: tuple | None = None
        self._grow: dict[str, _Appendable] = {}
        self._warned_int_ids = False
        self._cache: dict = {}
        self._feature_names: np.ndarray | None = None
        self._fit_state: tuple | None = None  # the vectoriser's fit the matrix's columns belong to

    @property
    def options(self) -> dict[str, Any]:
        """The index's own options (not the vectoriser's)."""
        return {
            "strip_boilerplate": self.strip_boilerplate,
            "boilerplate_min_docs": self.boilerplate_min_docs,
            "boilerplate_min_fraction": self.boilerplate_min_fraction,
            "boilerplate_max_chars": self.boilerplate_max_chars,
            "num_perm": self._hasher.num_perm,
            "shingle_size": self._hasher.shingle_size,
            "seed": int(self._hasher.seed),
        }

    def _codes(self, sources: list | None, n: int, grow: bool, codes: dict[str, int] | None = None) -> np.ndarray:
        """Each source's code in `codes` (default: the index's); new sources get the next codes, kept if `grow`."""
        if codes is None:
            codes = self._source_codes
        if sources is None:
            return np.full(n, -1, dtype=np.int32)
        out = np.empty(n, dtype=np.int32)
        new: dict[str, int] = {}
        for i, s in enumerate(sources):
            if s is None:
                out[i] = -1
                continue
            code = codes.get(s, new.get(s))
            if code is None:
                code = new[s] = len(codes) + len(new)
            out[i] = code
        if grow:
            codes.update(new)
        return out

    @_writes
    def fit(
        self,
        texts: Iterable[str],
        ids: Sequence | None = None,
        titles: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        dates: Sequence | None = None,
    ) -> RelatedArticles:
        """Indexes ``texts`` (with optional per-article ``ids``, ``titles``, ``sources`` and ISO ``dates``) and
        returns the index itself. Boilerplate lines are found and stripped first (unless turned off)."""
        texts = _texts_list(texts)
        if not texts:
            raise ValueError("RelatedArticles.fit needs at least one article; got none")
        # Built aside, then put in place: a fit that fails leaves the index as it was (but for its vectoriser,
        # which the index then refuses to use: see _check_vectorizer).
        meta = self._metadata(len(texts), ids, titles, sources, dates)
        source_codes: dict[str, int] = {}
        codes = self._codes(meta["_sources"], len(texts), grow=True, codes=source_codes)
        boilerplate = None
        with _progress_bar(self.progress, total=3, desc="indexing", unit="step") as bar:
            texts, boilerplate = self._strip_found_boilerplate(texts, codes)
            bar.update(1)
            if not hasattr(self.vectorizer, "fit_transform"):
                raise TypeError(f"fit needs a vectoriser with fit_transform; a {type(self.vectorizer).__name__} has "
                                "none (from_vectorizer takes a fitted one)")
            X = self._rows(self.vectorizer.fit_transform(texts), len(texts), "fit_transform")
            bar.update(1)
            signatures = self._hasher.signatures(texts, self.n_jobs)
            bar.update(1)
        self._reset()
        self.__dict__.update(meta)
        self._source_codes = source_codes
        self._boilerplate = boilerplate
        self._signatures = signatures
        self._set_matrix(X)
        self._fit_state = _fit_state(self.vectorizer)
        return self

    def _strip_found_boilerplate(self, texts: list[str], codes: np.ndarray) -> tuple[list[str], Any]:
        """The texts without the boilerplate found in them (per source code), and the boilerplate found (None,
        and the texts as they are, with strip_boilerplate off)."""
        if not self.strip_boilerplate:
            return texts, None
        boilerplate = _core.Boilerplate.find(
            texts, codes, self.boilerplate_min_docs, self.boilerplate_min_fraction, self.boilerplate_max_chars,
            self.n_jobs,
        )
        return boilerplate.strip_batch(texts, codes, self.n_jobs), boilerplate

    def _rows(self, X: Any, n: int, method: str) -> sp.csr_matrix:
        """The vectoriser's matrix for n texts, prepared: one row per text, or ValueError (rows dropped or added
        would give every later article another's metadata)."""
        X = _prepare_matrix(X)
        if X.shape[0] != n:
            raise ValueError(f"the vectoriser's {method} returned {X.shape[0]} rows for {n} texts; it must return "
                             "one row per text")
        return X

    @classmethod
    def from_vectorizer(
        cls,
        vectorizer: Any,
        X: Any,
        texts: Iterable[str] | None = None,
        ids: Sequence | None = None,
        titles: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        dates: Sequence | None = None,
        **options: Any,
    ) -> RelatedArticles:
        """An index over the rows of ``X``, the matrix the fitted ``vectorizer`` made. Pass the same ``texts`` to
        enable ``near_duplicates`` (MinHash needs the words). No boilerplate is stripped (the matrix is given)."""
        if options.get("strip_boilerplate"):
            raise ValueError("from_vectorizer cannot strip boilerplate: the matrix is built already; strip it from "
                             "the texts before vectorising them, or use fit()")
        options.pop("strip_boilerplate", None)
        self = cls(vectorizer, strip_boilerplate=False, **options)
        X = _prepare_matrix(X)
        width = _vectorizer_width(vectorizer)
        if width is not None and width != X.shape[1]:
            raise ValueError(f"X has {X.shape[1]} columns but the vectoriser gives {width} features: X must be the "
                             "matrix this vectoriser made")
        self._set_metadata(X.shape[0], ids, titles, sources, dates)
        self._codes(self._sources, X.shape[0], grow=True)
        if texts is not None:
            texts = _texts_list(texts)
            if len(texts) != X.shape[0]:
                raise ValueError(f"texts has {len(texts)} entries but X has {X.shape[0]} rows")
            self._signatures = self._hasher.signatures(texts, self.n_jobs)
        self._set_matrix(X)
        self._fit_state = _fit_state(vectorizer)
        return self

    def _set_metadata(self, n: int, ids, titles, sources, dates) -> None:
        self.__dict__.update(self._metadata(n, ids, titles, sources, dates))

    @staticmethod
    def _metadata(n: int, ids, titles, sources, dates) -> dict[str, Any]:
        """The index's metadata fields for n articles, checked (nothing is changed)."""
        meta: dict[str, Any] = {"_ids": _id_column(ids, n), "_id_map": None}
        if meta["_ids"] is not None:
            id_map: dict = {}
            for i, v in enumerate(meta["_ids"]):
                if v in id_map:
                    raise ValueError(f"ids[{i}] = {v!r} repeats ids[{id_map[v]}]")
                id_map[v] = i
            meta["_id_map"] = id_map
        meta["_titles"] = _column(titles, n, "titles")
        meta["_sources"] = _column(sources, n, "sources")
        meta["_dates"] = meta["_dates64"] = None
        if dates is not None:
            raw = _column(dates, n, "dates", kind=None)
            dates64 = np.array([_parse_date(d, f"dates[{i}]") for i, d in enumerate(raw)], dtype="datetime64[s]")
            meta["_dates64"] = dates64
            meta["_dates"] = [None if np.isnat(d) else str(d) for d in dates64]
        return meta

    def _set_matrix(self, X: sp.csr_matrix, indptr64: np.ndarray | None = None, added: bool = False,
                    folded: tuple | None = None) -> None:
        """``X`` (and its indptr as int64, if at hand) becomes the index's matrix: a new one, or (``added``) the old
        one with rows added after it; ``folded``, if given, its search index over every article."""
        # The C++ index reads these arrays in place: read-only, so that `matrix` cannot be changed under it.
        for a in (X.indptr, X.indices, X.data):
            a.flags.writeable = False
        self._X = X
        self._indptr64 = X.indptr.astype(np.int64, copy=False) if indptr64 is None else indptr64
        self._delta = None
        if folded is not None:
            self._topk = folded
        elif not added or (self._topk is not None and self._fold_due(len(self), self._topk[1])):
            self._topk = None
        self._cache = {}

    @staticmethod
    def _fold_due(n: int, main_rows: int) -> bool:
        """Whether the articles added since the search index of the first ``main_rows`` was built are due to be
        folded into it. (They are searched in an index of their own, rebuilt at the first query after each add:
        with d of them that costs O(d), and folding them in O(n). Folded every sqrt(2n) articles, an add and a
        query cost about 2 sqrt(2n) articles' indexing.)"""
        return n - main_rows > max(_MIN_FOLD_ROWS, math.isqrt(2 * main_rows))

    def _check_built(self) -> None:
        if self._X is None:
            raise RuntimeError("this RelatedArticles index is empty: call fit(texts) first")

    def __len__(self) -> int:
        return 0 if self._X is None else self._X.shape[0]

    @property
    def matrix(self) -> sp.csr_matrix:
        """The index's document-term matrix (float32 CSR, unit-length rows). Its arrays are read-only: the index
        reads them in place."""
        self._check_built()
        return self._X

    @property
    def ids(self) -> list | None:
        """The articles' ids (None if not given): a read-only list, made once (``list(...)`` is a copy)."""
        return self._read_only("_ids")

    @property
    def titles(self) -> list | None:
        """The articles' titles (None if not given): a read-only list, made once (``list(...)`` is a copy)."""
        return self._read_only("_titles")

    @property
    def sources(self) -> list | None:
        """The articles' sources, their outlets (None if not given): a read-only list, made once (``list(...)``
        is a copy)."""
        return self._read_only("_sources")

    @property
    def dates(self) -> list | None:
        """The articles' dates as ISO 8601 in UTC, without an offset (None if not given; None for an undated
        one): a read-only list, made once (``list(...)`` is a copy)."""
        return self._read_only("_dates")

    def _read_only(self, name: str) -> list | None:
        """The list attribute `name` as a read-only list, made once per list and length (add() extends it): a copy
        at every access made `[index.titles[j] for j in ...]` quadratic."""
        values = getattr(self, name)
        if values is None:
            return None
        views = self.__dict__.setdefault("_views", {})
        made = views.get(name)
        # (add() extends the list in place: a view of fewer entries is of before it.)
        if made is None or made[0] is not values or len(made[1]) != len(values):
            made = views[name] = (values, _ReadOnlyList(values))
        return made[1]

    @property
    def boilerplate_lines(self) -> list[tuple[str | None, str, int]]:
        """The stripped boilerplate lines as ``(source, normalised line, number of articles)``, by source and
        decreasing count."""
        if self._boilerplate is None:
            return []
        names = {code: name for name, code in self._source_codes.items()}
        return [(names.get(code), line, count) for code, line, count in self._boilerplate.lines()]

    def _check_vectorizer(self) -> None:
        """ValueError if the vectoriser is no longer the fit the index's columns come from."""
        if self._fit_state is None:
            # No fit state when the index was built: a vectoriser given a fixed vocabulary makes its
            # vocabulary_ at its first transform (scikit-learn's). Its state from then on is the index's.
            self._fit_state = _fit_state(self.vectorizer)
            return
        if not _same_fit(self._fit_state, self.vectorizer):
            raise ValueError(
                "the index's vectoriser was refitted or replaced after the index was built, so its features are no "
                "longer the index's columns: build the index again (fit), or use another vectoriser for other work"
            )

    def _transform(self, texts: list[str]) -> sp.csr_matrix:
        """The rows of ``texts`` by the index's vectoriser, which must still give the index's columns."""
        self._check_vectorizer()
        X = self._rows(self.vectorizer.transform(texts), len(texts), "transform")
        self._check_vectorizer()  # (again: a partial_fit on another thread may have run meanwhile)
        if X.shape[1] != self._X.shape[1]:
            raise ValueError(
                f"the vectoriser gives {X.shape[1]} features but the index has {self._X.shape[1]} columns: it was "
                "refitted after the index was built, or is not the one that made its matrix"
            )
        return X

    def _index(self):
        """The search index of every article."""
        main = self._topk
        if main is None or main[1] != len(self):
            X = self._X
            main = (_search_index(self._indptr64, X.indices, X.data, X.shape[1]), len(self))
            self._topk = main
        return main[0]

    def _delta_index(self, begin: int) -> tuple:
        """(index, columns): the search index of the articles from ``begin`` on (added since the main one was
        built), over the columns they use (column c of it is the index's columns[c]: its size is theirs, not the
        vocabulary's, which is millions of (1, 2)-grams)."""
        delta = self._delta
        if delta is None or delta[1] != begin:
            X = self._X
            lo, hi = int(self._indptr64[begin]), int(self._indptr64[-1])
            columns, local = np.unique(X.indices[lo:hi], return_inverse=True)
            delta = (_search_index(self._indptr64[begin:] - lo, local.astype(np.int32), X.data[lo:hi],
                                   max(len(columns), 1)), begin, columns)
            self._delta = delta
        return delta[0], delta[2]

    # ---------------------------------------------------------------- queries
    def _resolve(self, query: Any, name: str = "query",
                 source_code: int | None = None) -> tuple[int | None, sp.csr_matrix]:
        """(article index or None, its 1-row matrix). A text's boilerplate is stripped as its source's articles'
        was (``source_code``, a code of the index's sources) or, for an unknown source, as any source's."""
        if isinstance(query, (bool, np.bool_)):
            raise TypeError(f"{name} must be an article index, an id or a text, not bool")
        if isinstance(query, (numbers.Number, decimal.Decimal)) and not isinstance(query, numbers.Integral):
            # A float (or Decimal, Fraction, complex) equals the int of the same value as a dict key: 3.0 would be
            # the id 3 where 3 is a position.
            raise TypeError(
                f"{name} must be an article index (int), an id or a text (str), not {type(query).__name__} "
                f"{query!r}: for a numeric id, pass position_of(id)"
            )
        if self._id_map is not None and not isinstance(query, (int, np.integer)):
            try:
                i = self._id_map.get(query)
            except TypeError:
                i = None
            if i is not None:
                return i, self._X[i]
        if isinstance(query, (int, np.integer)):
            i = int(query)
            if not -len(self) <= i < len(self):
                hint = (f"; the article with id {i} is at position_of({i}) = {self._id_map[i]}"
                        if self._id_map is not None and i in self._id_map else "")
                raise IndexError(f"{name}: article index {i} is out of range for an index of {len(self)} articles"
                                 + hint)
            i %= len(self)
            if not self._warned_int_ids and self._id_map is not None and self._id_map.get(int(query), i) != i:
                # (Integer ids, as a database gives them: an int is a position, and here also another article's id.
                # Once per index: a caller who means positions is told once.)
                self._warned_int_ids = True
                warn_user(f"{name} {int(query)} is taken as a position (the article with id {self._ids[i]!r}); the "
                          f"article with id {int(query)} is at position_of({int(query)}) = {self._id_map[int(query)]}")
            return i, self._X[i]
        if isinstance(query, str):
            _check_text(query, name, saved=False)
            if self._looks_like_id(query):
                warn_user(f"{name} {query[:60]!r} is not an id of the index, so it is searched as a text; ids are "
                          "looked up exactly (position_of(id) raises KeyError for one that is missing)")
            # As the indexed texts were: when the text's source is unknown, a line that is boilerplate of any
            # source goes.
            if self._boilerplate is not None:
                query = self._boilerplate.strip(query, _core.Boilerplate.ANY_SOURCE if source_code is None
                                                else source_code)
            return None, self._transform([query])
        raise TypeError(f"{name} must be an article index (int), an id or a text (str), not {type(query).__name__}")

    def _looks_like_id(self, query: Any) -> bool:
        """A str query that is no id of the index but looks like one (one word, no Arabic): more likely a mistyped
        id, or one not added yet, than a text, which would find little or nothing."""
        return (isinstance(query, str) and self._id_map is not None and query != "" and query not in self._id_map
                and not any(c.isspace() or "\u0600" <= c <= "\u06ff" for c in query))

    def __contains__(self, id: Any) -> bool:
        """Whether an article of the index has id ``id`` (``id in index``)."""
        if isinstance(id, (bool, np.bool_, float, np.floating, complex, decimal.Decimal)):
            return False  # (as queries refuse them: True and 1.0 equal the id 1 as dict keys)
        try:
            return self._id_map is not None and id in self._id_map
        except TypeError:  # (unhashable)
            return False

    def position_of(self, id: Any) -> int:
        """The position of the article with id ``id`` (KeyError if none). Queries take positions as ints and
        string ids directly; use this for integer ids."""
        if self._id_map is None or id not in self._id_map:
            raise KeyError(f"no article has id {id!r}")
        return self._id_map[id]

    def _match(self, i: int, score: float) -> Match:
        return Match(
            index=int(i),
            id=None if self._ids is None else self._ids[i],
            score=float(score),
            title=None if self._titles is None else self._titles[i],
            source=None if self._sources is None else self._sources[i],
            date=None if self._dates is None else self._dates[i],
        )

    @_reads
    def related(
        self,
        query: Any,
        k: int = 10,
        min_score: float = 0.0,
        exclude_same_source: bool = False,
        within_days: float | None = None,
        *,
        source: str | None = None,
        date: Any = None,
    ) -> list[Match]:
        """The ``k`` articles most similar to ``query``, best first. ``query`` is an article's position (an int),
        its id (a str; see ``position_of`` for int ids) or, if it is no id, a new text.

        Only articles with a positive score of at least ``min_score`` are returned; an article never lists
        itself. ``exclude_same_source`` keeps only other outlets' articles, ``within_days`` only articles dated
        within that many days of the query article (articles without a date are then left out, and an undated
        article has none, as in ``all_related``). For a new text, ``source`` and ``date`` say where and when it
        was published, as ``fit`` takes them: they let those two apply, and its boilerplate is stripped as its
        outlet's was (without them, the lines found in any outlet)."""
        self._check_built()
        k = self._check_k(k)
        min_score = _real_arg("min_score", min_score)
        exclude_same_source = bool_arg("exclude_same_source", exclude_same_source)
        if within_days is not None:
            within_days = _real_arg("within_days", within_days, 0.0)
        if source is not None and not isinstance(source, str):
            raise TypeError(f"source must be a str (an outlet's name), not {type(source).__name__}")
        date64 = None if date is None else _parse_date(date, "date")
        code = None if source is None else self._source_codes.get(source)
        index, row = self._resolve(query, source_code=code)
        if index is not None and (source is not None or date is not None):
            raise ValueError(f"source= and date= are for a new text; the query is article {index}, which has its own")
        k = min(k, max(len(self) - (index is not None), 1))  # (no more can be found: k sizes the search's heaps)
        allowed = None
        if exclude_same_source or within_days is not None:
            if index is not None:
                if exclude_same_source:
                    self._article_source_codes()  # (an index without sources: the error, undated or not)
                if within_days is not None and np.isnat(self._dates_or_raise()[index]):
                    return []  # (no article is dated within days of an undated one: as all_related gives it)
                allowed = self._allowed(index, exclude_same_source, within_days)
            else:
                # (A query that looks like an id and is none was taken as a text: the error says so.)
                taken = (f" ({query[:60]!r} is no id of the index, so it was taken as a new text)"
                         if self._looks_like_id(query) else "")
                if exclude_same_source and source is None:
                    raise ValueError("exclude_same_source needs the query's source: an indexed article, or a text "
                                     "with source=" + taken)
                if within_days is not None and (date64 is None or np.isnat(date64)):
                    raise ValueError("within_days needs the query's date: an indexed article, or a text with "
                                     "date=" + taken)
                allowed = self._allowed_for(-1 if code is None else code, date64, exclude_same_source, within_days)
        I, S = self._search(row, k, float(min_score), allowed, self_row=index)
        return [self._match(i, s) for i, s in zip(I[0], S[0]) if i >= 0]

    def _search(self, Q: sp.csr_matrix, k: int, min_score: float, allowed: np.ndarray | None, jobs: Any = 1,
                self_row: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The best k of the index for each row of Q among the `allowed` articles; a 1-row Q that is the indexed
        article `self_row` never finds itself."""
        def search(index, begin: int, end: int, indptr, indices, data) -> tuple[np.ndarray, np.ndarray]:
            own = self_row is not None and begin <= self_row < end
            return index.search(indptr, indices, data, 0, Q.shape[0], k, min_score, own,
                                self_row - begin if own else 0, None if allowed is None else allowed[begin:end], jobs)

        n, main = len(self), self._topk
        if main is None or main[1] == n:
            return search(self._index(), 0, n, Q.indptr.astype(np.int64), Q.indices, Q.data)
        # Articles were added since the index was built: the two parts' best, merged. The scores are the same as
        # one index's: each article's is summed over the query's terms in the same order in either (this holds
        # with no heavy terms, max_heavy_terms=0, as every index here is built).
        index, n_main = main
        I1, S1 = search(index, 0, n_main, Q.indptr.astype(np.int64), Q.indices, Q.data)
        delta, columns = self._delta_index(n_main)
        # The query's terms in the added articles' own column numbers, in order (the others are in none of them).
        at = np.searchsorted(columns, Q.indices)
        found = at < len(columns)
        found[found] = columns[at[found]] == Q.indices[found]
        rows = np.repeat(np.arange(Q.shape[0]), np.diff(Q.indptr))
        indptr = np.concatenate([[0], np.cumsum(np.bincount(rows[found], minlength=Q.shape[0]))])
        I2, S2 = search(delta, n_main, n, indptr.astype(np.int64), at[found].astype(np.int32), Q.data[found])
        return _merge_top(I1, S1, np.where(I2 >= 0, I2 + n_main, -1).astype(np.int32), S2, k)

    def _dates_or_raise(self) -> np.ndarray:
        if self._dates64 is None:
            raise ValueError("within_days needs dates: pass dates= to fit()")
        return self._dates64

    def _within(self, index: int, others: np.ndarray | slice, within_days: float) -> np.ndarray:
        """Whether the articles ``others`` are dated within ``within_days`` of article ``index`` (a dated one)."""
        return self._within_date(self._dates64[index], others, within_days)

    def _within_date(self, date: np.datetime64, others: np.ndarray | slice, within_days: float) -> np.ndarray:
        """Whether the articles ``others`` are dated within ``within_days`` of ``date`` (not NaT)."""
        dates = self._dates_or_raise()[others]
        delta = np.abs((dates - date).astype("timedelta64[s]").astype(np.float64))
        return ~np.isnat(dates) & (delta <= float(within_days) * 86400.0)

    def _allowed(self, index: int, exclude_same_source: bool, within_days: float | None) -> np.ndarray:
        """The articles ``related(index, ...)`` may return (uint8 per article): those of other sources, those
        dated within ``within_days`` of it."""
        code = int(self._article_source_codes()[index]) if exclude_same_source else -1
        return self._allowed_for(code, None if within_days is None else self._dates64[index], exclude_same_source,
                                 within_days)

    def _allowed_for(self, code: int, date: np.datetime64 | None, exclude_same_source: bool,
                     within_days: float | None) -> np.ndarray:
        """The articles a query of source ``code`` (-1: none, or one the index lacks) and date ``date`` may
        find (uint8 per article): those of other sources, those dated within ``within_days`` of it."""
        allowed = np.ones(len(self), dtype=np.uint8)
        if exclude_same_source:
            codes = self._article_source_codes()
            if code >= 0:  # an article without a source excludes nothing
                allowed &= (codes != code).astype(np.uint8)
        if within_days is not None:
            allowed &= self._within_date(date, slice(None), within_days).astype(np.uint8)
        return allowed

    def _article_source_codes(self) -> np.ndarray:
        """Each article's source as a number (-1: none), for exclude_same_source."""
        if self._sources is None:
            raise ValueError("exclude_same_source needs sources: pass sources= to fit()")
        codes = self._cache.get("codes")  # (one read: a query on another thread may replace the cache meanwhile)
        if codes is None:
            codes = self._codes(self._sources, len(self), grow=False)
            self._cache["codes"] = codes
        return codes

    @staticmethod
    def _check_k(k: Any) -> int:
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool):
            raise TypeError(f"k must be an int, not {type(k).__name__}")
        if k <= 0:
            raise ValueError(f"k must be positive, not {k}")
        return _int_arg("k", k, 1)

    @_reads
    def all_related(self, k: int = 10, n_jobs: int | None = None, as_frame: bool = False, min_score: float = 0.0,
                    exclude_same_source: bool = False, within_days: float | None = None):
        """For every article, its ``k`` most similar other articles: ``(indices, scores)``, arrays of shape
        ``(n, k)`` (int32, float32), best first, ties by smaller index, ``-1`` / ``0`` where fewer than ``k``
        articles share a term. A ``k`` above n - 1 (the others an article has) gives n - 1 columns (one for an
        index of one article). Exact cosine, blockwise and multi-threaded (``n_jobs``, None: the index's
        setting); identical for any thread count.
        ``exclude_same_source=True`` keeps only other outlets' articles and ``within_days`` only articles dated
        within that many days (an article without a date gets none): what ``related`` gives each article with
        them. ``as_frame=True`` returns ``to_frame``'s DataFrame instead."""
        self._check_built()
        k = min(self._check_k(k), max(len(self) - 1, 1))  # (no more can be found: k sizes the search's heaps)
        min_score = _real_arg("min_score", min_score)
        jobs = self.n_jobs if _jobs_arg(n_jobs, "the index's setting") is None else n_jobs
        exclude_same_source = bool_arg("exclude_same_source", exclude_same_source)
        if within_days is not None:
            within_days = _real_arg("within_days", within_days, 0.0)
        if bool_arg("as_frame", as_frame):
            return self.to_frame(k=k, n_jobs=n_jobs, min_score=min_score, exclude_same_source=exclude_same_source,
                                 within_days=within_days)
        key = ("all_related", k, min_score, exclude_same_source, within_days)
        hit = self._cache.get(key)  # (one read: a query on another thread may replace the cache meanwhile)
        if hit is not None:
            return hit[0].copy(), hit[1].copy()
        self._index()  # (the articles added since the search index was built are folded in: many searches follow)
        if within_days is not None:
            I, S = self._all_within_days(k, float(min_score), exclude_same_source, within_days, jobs)
        elif exclude_same_source:
            I, S = self._all_from_other_sources(k, float(min_score), jobs)
        else:
            I, S = self._all_pairs(k, float(min_score), jobs)
        self._cache = {"codes": self._cache.get("codes"), key: (I, S)}  # (the last result only: n * k each)
        return I.copy(), S.copy()

    def _all_pairs(self, k: int, min_score: float, jobs: Any) -> tuple[np.ndarray, np.ndarray]:
        """all_related: each pair is scored once (symmetry) and offered to both articles; rows in chunks for the
        progress bar and Ctrl-C."""
        n, X = len(self), self._X
        passes = _core.AllPairsTopK(self._index(), self._indptr64, X.indices, X.data, k, min_score, jobs)
        with _progress_bar(self.progress, total=n, desc="related articles", unit="article") as bar:
            for begin in range(0, n, _CHUNK_ROWS):
                end = min(n, begin + _CHUNK_ROWS)
                passes.process(begin, end)
                bar.update(end - begin)
        return passes.finish()

    def _all_from_other_sources(self, k: int, min_score: float, jobs: Any) -> tuple[np.ndarray, np.ndarray]:
        """all_related with exclude_same_source: one batched search per source, whose own articles are not
        allowed (so no article meets itself); articles without a source exclude nothing but themselves (k + 1
        found, itself dropped)."""
        codes = self._article_source_codes()
        n, X = len(self), self._X
        I = np.full((n, k), -1, dtype=np.int32)
        S = np.zeros((n, k), dtype=np.float32)
        with _progress_bar(self.progress, total=n, desc="related articles", unit="article") as bar:
            for code in np.unique(codes):
                rows = np.flatnonzero(codes == code)
                allowed = None if code < 0 else (codes != code).astype(np.uint8)
                found = k if code >= 0 else min(k + 1, n)
                qi, qs = self._search(X[rows], found, min_score, allowed, jobs)
                if code < 0:
                    for r, row in enumerate(rows):
                        keep = qi[r] != row
                        got_i, got_s = qi[r][keep][:k], qs[r][keep][:k]
                        I[row, : len(got_i)], S[row, : len(got_s)] = got_i, got_s
                else:
                    I[rows], S[rows] = qi, qs
                bar.update(len(rows))
        return I, S

    def _all_within_days(self, k: int, min_score: float, exclude_same_source: bool, within_days: float,
                         jobs: Any) -> tuple[np.ndarray, np.ndarray]:
        """all_related with within_days (and exclude_same_source): the dated articles in date order (of each
        source), in blocks of at most _WINDOW_BLOCK that span at most the window; each block searched at once
        among the articles within its dates +- within_days (a superset of each member's window, at most one and
        a half times as wide) for 3k + 1, and each member's results outside its own window (and itself)
        dropped. A member left with fewer than k while the search may have stopped short of more is searched
        alone in its exact window (related's search). The result is related's for every article."""
        dates = self._dates_or_raise()
        n, X = len(self), self._X
        I = np.full((n, k), -1, dtype=np.int32)
        S = np.zeros((n, k), dtype=np.float32)
        dated = ~np.isnat(dates)
        codes = self._article_source_codes() if exclude_same_source else np.full(n, -1, dtype=np.int64)
        seconds = dates.astype("datetime64[s]").astype(np.int64)  # (NaT: the smallest int64; never allowed)
        order = np.flatnonzero(dated)
        order = order[np.argsort(seconds[order], kind="stable")]
        # A superset of each exact window, at most the whole span of the dates (a window of 1e300 days would
        # overflow int64 arithmetic).
        span = int(seconds[order[-1]]) - int(seconds[order[0]]) if len(order) else 0
        window = float(within_days) * 86400.0
        margin = span + 1 if window >= span else math.ceil(window) + 1
        found = min(3 * k + 1, n)
        with _progress_bar(self.progress, total=n, desc="related articles", unit="article") as bar:
            bar.update(n - len(order))  # (no date: none)
            for code in np.unique(codes[order]):
                members = order[codes[order] == code]
                member_seconds = seconds[members]  # (ascending)
                pool = dated if code < 0 else dated & (codes != code)
                begin = 0
                while begin < len(members):
                    # (A block wider than the window would find for each member mostly articles outside its own
                    # window, and fall back to searching it alone: 15-minute windows over egy2013 did so.)
                    wide = min(int(member_seconds[begin]) + margin - 1, _INT64.max)
                    end = min(begin + _WINDOW_BLOCK, int(np.searchsorted(member_seconds, wide, side="right")))
                    rows = members[begin:max(end, begin + 1)]
                    begin += len(rows)
                    lo = max(int(seconds[rows[0]]) - margin, _INT64.min + 1)  # (NaT stays out)
                    hi = min(int(seconds[rows[-1]]) + margin, _INT64.max)
                    allowed = (pool & (seconds >= lo) & (seconds <= hi)).astype(np.uint8)
                    qi, qs = self._search(X[rows], found, min_score, allowed, jobs)
                    for r, row in enumerate(rows):
                        got = qi[r][qi[r] >= 0]
                        keep = (got != row) & self._within(row, got, within_days)
                        if keep.sum() < k and len(got) == found:  # more may lie past what was found
                            allowed_one = self._allowed(row, exclude_same_source, within_days)
                            one_i, one_s = self._search(X[row], k, min_score, allowed_one, self_row=row)
                            I[row], S[row] = one_i[0], one_s[0]
                            continue
                        got_i, got_s = got[keep][:k], qs[r][: len(got)][keep][:k]
                        I[row, : len(got_i)], S[row, : len(got_s)] = got_i, got_s
                    bar.update(len(rows))
        return I, S

    @_reads
    def to_frame(self, k: int = 10, n_jobs: int | None = None, min_score: float = 0.0,
                 exclude_same_source: bool = False, within_days: float | None = None):
        """``all_related`` as a pandas DataFrame, one row per (article, related article) pair: ``article``,
        ``rank`` (1 = best), ``related``, ``score``, plus ``article_id`` / ``related_id``, ``article_title`` /
        ``related_title``, ``article_source`` / ``related_source`` and ``article_date`` / ``related_date`` when
        ids, titles, sources, dates were given."""
        import pandas as pd

        I, S = self.all_related(k=k, n_jobs=n_jobs, min_score=min_score, exclude_same_source=exclude_same_source,
                                within_days=within_days)
        rows, ranks = np.nonzero(I >= 0)
        related = I[rows, ranks]
        frame = {"article": rows.astype(np.int64), "rank": ranks.astype(np.int64) + 1,
                 "related": related.astype(np.int64), "score": S[rows, ranks]}
        for name, values in (("id", self._ids), ("title", self._titles), ("source", self._sources),
                             ("date", self._dates)):
            if values is not None:
                column = np.array(values, dtype=object)
                frame[f"article_{name}"] = column[rows]
                frame[f"related_{name}"] = column[related]
        return pd.DataFrame(frame)

    @_reads
    def explain(self, a: Any, b: Any, top: int = 10) -> list[tuple[str, float]]:
        """The ``top`` terms that contribute most to the cosine score of ``a`` and ``b`` (each an article's index
        or id, or a text), as ``(term, contribution)``, largest first; the contributions of all shared terms add
        up to the score."""
        self._check_built()
        self._check_vectorizer()
        top = _int_arg("top", top, 1)
        _, ra = self._resolve(a, "a")
        _, rb = self._resolve(b, "b")
        prod = ra.multiply(rb).tocsr()
        order = np.argsort(-prod.data, kind="stable")[:top]
        if self._feature_names is None:
            if not hasattr(self.vectorizer, "get_feature_names_out"):
                raise TypeError(f"explain needs a vectoriser with feature names; a {type(self.vectorizer).__name__} "
                                "has none (HashingVectorizer's columns are hashes)")
            self._feature_names = np.asarray(self.vectorizer.get_feature_names_out(), dtype=object)
        return [(str(self._feature_names[prod.indices[i]]), float(prod.data[i])) for i in order if prod.data[i] != 0]

    # ---------------------------------------------------------------- growing
    def add(
        self,
        texts: Iterable[str],
        ids: Sequence | None = None,
        titles: Sequence[str] | None = None,
        sources: Sequence[str] | None = None,
        dates: Sequence | None = None,
        on_duplicate: str = "error",
    ) -> RelatedArticles:
        """Adds articles to a built index; later queries see them. The vectoriser is not refitted: the new
        articles are weighted with the vocabulary and IDF of the first ``fit`` (words it never saw are ignored,
        and document frequencies do not change), so scores differ slightly from a rebuild with ``fit`` on all
        texts. Boilerplate lines found at ``fit`` are stripped from them too. Queries on other threads go on
        while the articles are analysed, and wait only while they are put in place. Returns the index.

        ``on_duplicate``: what an article whose id the index already has does (a feed that gives an article again,
        or its update): ``"error"`` (ValueError, nothing added), ``"skip"`` (left out; the others are added), or
        ``"replace"`` (its text and metadata replace the indexed article's, which keeps its position; the index
        is then rebuilt as by ``remove``, O(n): replace in batches). An id repeated within ``ids`` is an error
        whatever it says. All or nothing, as always."""
        _name("on_duplicate", on_duplicate, ("error", "skip", "replace"))
        texts = _texts_list(texts)
        # (Iterators read once here: the columns are read more than once below.)
        ids, titles, sources, dates = (list(v) if isinstance(v, Iterator) else v for v in (ids, titles, sources, dates))
        with self._changing():
            if on_duplicate != "error" and ids is not None and self._id_map is not None:
                self._check_built()
                meta = self._metadata(len(texts), ids, titles, sources, dates)
                known = [v in self._id_map for v in meta["_ids"]]
                if any(known) and on_duplicate == "replace":
                    commit = self._prepare_replace(texts, ids, titles, sources, dates)
                    with self._lock.writing():
                        commit()
                    return self
                if any(known):  # "skip"
                    keep = [i for i, k in enumerate(known) if not k]
                    if not keep:
                        return self
                    texts, ids, titles, sources, dates = (
                        None if v is None else [v[i] for i in keep]
                        for v in (texts, meta["_ids"], meta["_titles"], meta["_sources"], meta["_dates"]))
            commit = self._prepare_add(texts, ids, titles, sources, dates)
            with self._lock.writing():
                commit()
        return self

    def _new_articles(self, texts, ids, titles, sources, dates) -> dict[str, Any]:
        """What add() and replace work out for new articles, the index unchanged: their checked metadata
        (``meta``), their sources' codes with the new ones (``codes``, ``source_codes``), their rows (``X``) and
        their signatures (``sig``, or None)."""
        self._check_built()
        texts = _texts_list(texts)
        n_new = len(texts)
        for name, values, own in (("ids", ids, self._ids), ("titles", titles, self._titles),
                                  ("sources", sources, self._sources), ("dates", dates, self._dates)):
            if own is not None and values is None:
                raise ValueError(f"the index has {name}: pass {name}= for the added articles too")
            if own is None and values is not None:
                raise ValueError(f"the index was built without {name}; {name}= cannot be given to add()")
        meta = self._metadata(n_new, ids, titles, sources, dates)
        source_codes = dict(self._source_codes)  # (put in place with the rest, as fit does)
        codes = self._codes(meta["_sources"], n_new, grow=True, codes=source_codes)
        if self._boilerplate is not None:
            texts = self._boilerplate.strip_batch(texts, codes, self.n_jobs)
        X = self._transform(texts)
        sig = self._hasher.signatures(texts, self.n_jobs) if self._signatures is not None else None
        return {"meta": meta, "codes": codes, "source_codes": source_codes, "X": X, "sig": sig}

    def _prepare_replace(self, texts, ids, titles, sources, dates):
        """add(on_duplicate="replace") with ids the index has: the index rebuilt with those articles' rows and
        metadata in their places and the others after it, the index unchanged; returns the function that changes
        it."""
        new = self._new_articles(texts, ids, titles, sources, dates)
        meta, n_old = new["meta"], len(self)
        # Row k of the stacked [old; new] rows that each article of the result takes.
        order = np.arange(n_old, dtype=np.int64)
        appended = []
        for j, v in enumerate(meta["_ids"]):
            p = self._id_map.get(v)
            if p is None:
                appended.append(n_old + j)
            else:
                order[p] = n_old + j
        order = np.concatenate([order, np.array(appended, dtype=np.int64)])
        X = sp.vstack([self._X, new["X"]], format="csr")[order]
        fields: dict[str, Any] = {}
        if new["sig"] is not None:
            fields["_signatures"] = np.concatenate([self._signatures, new["sig"]])[order]
        for name in ("_ids", "_titles", "_sources", "_dates"):
            if meta[name] is not None:
                both = getattr(self, name) + meta[name]
                fields[name] = [both[k] for k in order]
        if meta["_dates64"] is not None:
            fields["_dates64"] = np.concatenate([self._dates64, meta["_dates64"]])[order]
        fields["_source_codes"] = new["source_codes"]
        return self._prepare_rebuild(X, fields)

    def _prepare_add(self, texts, ids, titles, sources, dates):
        """add(): everything checked and computed, the index unchanged; returns the function that changes it."""
        # Everything is checked and computed first, and the index changed only at the end: a failed add leaves
        # it as it was. (The ids already in the index first: before the work.)
        self._check_built()
        if ids is not None and self._id_map is not None:
            for i, v in enumerate(_id_column(ids, len(_texts_list(texts))) or ()):
                if v in self._id_map:
                    raise ValueError(f"ids[{i}] = {v!r} is already in the index (on_duplicate='skip' leaves such "
                                     "articles out, 'replace' replaces them)")
        new = self._new_articles(texts, ids, titles, sources, dates)
        meta, codes, source_codes, X_new, sig = new["meta"], new["codes"], new["source_codes"], new["X"], new["sig"]
        n_old, n_new = len(self), X_new.shape[0]
        grown = self._grown_matrix(X_new)
        X = sp.csr_matrix((grown["data"], grown["indices"], grown["indptr"]),
                          shape=(n_old + n_new, self._X.shape[1]), copy=False)
        if X.indices.dtype != np.int32:  # (more than 2^31 values: scipy widened them with the offsets)
            X.indices = grown["indices"]
        # When this add makes the added articles due to be folded into the search index (and there is one: a
        # query has run), the new one is built here, while queries go on, not at the next query, which would
        # wait for it (0.5 s on egy2013).
        main = self._topk
        folded = None
        if main is not None and self._fold_due(n_old + n_new, main[1]):
            folded = (_search_index(grown["indptr64"], grown["indices"], grown["data"], X.shape[1]), n_old + n_new)
        # The arrays grow in buffers with room to spare, and the metadata lists in place (at commit): a copy of
        # each at every add made adding one article to egy2013's 50k cost 5.9 ms, most of it copying and freeing
        # the lists.
        arrays = {}
        for name, current, extra in (("_signatures", self._signatures, sig),
                                     ("_dates64", self._dates64, meta["_dates64"]),
                                     ("codes", self._cache.get("codes"), codes)):
            if current is not None and extra is not None:
                extra = np.asarray(extra, dtype=current.dtype)
                arrays[name] = self._grow.setdefault(name, _Appendable()).extended(current, extra)
        names = [name for name in ("_ids", "_titles", "_sources", "_dates") if meta[name] is not None]
        lists = [(getattr(self, name), meta[name]) for name in names]
        # The lists grow in place once an add has copied them: those of an index no add has marked (whose lists
        # may be shared: a copy of its attributes made before) are copied once, and so are those of an index
        # whose mark a copy of its attributes also holds (one reference more). (Fit, load and rebuilds make
        # lists of their own.)
        attrs = self.__dict__
        if "_lists_token" not in attrs or sys.getrefcount(attrs["_lists_token"]) != attrs["_lists_refs"]:
            lists = [(list(values), extra) for values, extra in lists]

        def commit() -> None:
            # The index changes (nothing here allocates more than a few small objects, and the lists' room for
            # n_new more references: if that fails, they are cut back). The ids last: an id in the index (id in
            # index, position_of) is an article that every part of it has.
            try:
                for values, extra in lists:
                    values.extend(extra)
            except BaseException:
                for values, _ in lists:
                    del values[n_old:]
                raise
            for name, (values, _) in zip(names, lists):
                setattr(self, name, values)
            attrs["_lists_token"] = object()
            attrs["_lists_refs"] = sys.getrefcount(attrs["_lists_token"])  # (counted as above)
            self._source_codes = source_codes
            for name, view in grown.items():
                self._grow[name].take(view)
            self._set_matrix(X, grown["indptr64"], added=True, folded=folded)  # (empties the cache)
            for name, view in arrays.items():
                if name == "codes":
                    self._cache["codes"] = view
                else:
                    setattr(self, name, view)
                self._grow[name].take(view)
            if meta["_ids"] is not None:
                for i, v in enumerate(meta["_ids"]):
                    self._id_map[v] = n_old + i

        return commit

    def remove(self, ids: Iterable | None = None, *, positions: Iterable[int] | None = None) -> RelatedArticles:
        """Removes articles from the index, given by their ``ids`` or by their ``positions``: the others keep their
        order, and their positions close up (``position_of`` follows). To keep a window of recent news, remove
        what fell out of it, e.g. ``index.remove([i for i, d in zip(index.ids, index.dates) if d and d <
        "2013-06-01"])``. As with ``add``, the vectoriser is not refitted (the weights stay those of the first
        ``fit``) and the boilerplate lines stay. All or nothing: an id not in the index (KeyError) or a position
        out of range (IndexError) leaves it unchanged; so does removing every article (ValueError: build a new
        index instead). The search index is rebuilt while queries go on (O(n): 0.6-1.0 s on egy2013's 55k articles,
        so remove in batches, e.g. once a day). Returns the index."""
        with self._changing():
            commit = self._prepare_remove(ids, positions)
            with self._lock.writing():
                commit()
        return self

    def _prepare_remove(self, ids, positions):
        """remove(): the articles to keep worked out and their index built, the index unchanged; returns the
        function that changes it."""
        self._check_built()
        if (ids is None) == (positions is None):
            raise TypeError("remove takes the articles' ids, or positions= (one of the two)")
        n = len(self)
        drop = np.zeros(n, dtype=bool)
        if ids is not None:
            if self._id_map is None:
                raise ValueError("the index has no ids: remove articles by positions= instead")
            if isinstance(ids, (str, bytes)) or not isinstance(ids, Iterable):
                raise TypeError(f"ids must be a list of ids, not {type(ids).__name__} (for one id: [id])")
            missing = []
            for v in ids:
                if v in self:
                    drop[self._id_map[v]] = True
                else:
                    missing.append(v)
            if missing:
                raise KeyError(f"{len(missing)} of the ids given are not in the index (first: {missing[0]!r}); "
                               "nothing was removed")
        else:
            if not isinstance(positions, Iterable) or isinstance(positions, (str, bytes)):
                raise TypeError(f"positions must be a list of ints, not {type(positions).__name__}")
            for p in positions:
                if isinstance(p, (bool, np.bool_)) or not isinstance(p, (numbers.Integral, np.integer)):
                    raise TypeError(f"positions must be ints, not {type(p).__name__} {p!r}")
                if not -n <= int(p) < n:
                    raise IndexError(f"position {int(p)} is out of range for an index of {n} articles; nothing was "
                                     "removed")
                drop[int(p) % n] = True
        keep = np.flatnonzero(~drop)
        if len(keep) == n:
            return lambda: None
        if len(keep) == 0:
            raise ValueError("remove would leave the index empty: build a new index with fit instead")
        new: dict[str, Any] = {}
        if self._signatures is not None:
            new["_signatures"] = self._signatures[keep]
        for name in ("_ids", "_titles", "_sources", "_dates"):
            values = getattr(self, name)
            if values is not None:
                new[name] = [values[i] for i in keep]
        if self._dates64 is not None:
            new["_dates64"] = self._dates64[keep]
        return self._prepare_rebuild(self._X[keep], new)

    def _prepare_rebuild(self, X: sp.csr_matrix, fields: dict[str, Any]):
        """remove() and add(on_duplicate="replace"): the index of the matrix X, whose articles have the given fields
        (``_ids``, ``_titles``, ... as new lists; ``_source_codes``), prepared; returns the function that puts it
        in place."""
        X.indices = X.indices.astype(np.int32, copy=False)
        X.data = X.data.astype(np.float32, copy=False)
        indptr64 = X.indptr.astype(np.int64)
        id_map = None if fields.get("_ids") is None else {v: k for k, v in enumerate(fields["_ids"])}
        # With a search index in use, the new one is built here, while queries go on, not by the next query.
        folded = None
        if self._topk is not None:
            folded = (_search_index(indptr64, X.indices, X.data, X.shape[1]), X.shape[0])

        def commit() -> None:
            # The ids first: an id in the index (id in index, position_of) is an article that every part of it has.
            if id_map is not None:
                self._id_map = id_map
            for name, value in fields.items():
                setattr(self, name, value)
            self._grow = {}  # (the arrays are new: nothing of the growth buffers is theirs)
            self._set_matrix(X, indptr64, folded=folded)

        return commit

    def _grown_matrix(self, X_new: sp.csr_matrix) -> dict[str, np.ndarray]:
        """The arrays of the matrix with X_new's rows after it (data, indices, indptr and indptr64), each the start
        of a growing buffer (not taken yet)."""
        X = self._X
        nnz = int(self._indptr64[-1])
        new_indptr = X_new.indptr[1:].astype(np.int64) + nnz
        # 32-bit offsets while the values fit them (scipy's choice, as vstack's); the column numbers stay 32-bit.
        offsets = np.int64 if X.indptr.dtype == np.int64 or nnz + X_new.nnz > _INT32_MAX else np.int32
        out = {}
        for name, current, extra in (
            ("data", X.data, X_new.data.astype(np.float32, copy=False)),
            ("indices", X.indices.astype(np.int32, copy=False), X_new.indices.astype(np.int32, copy=False)),
            ("indptr", X.indptr.astype(offsets, copy=False), new_indptr.astype(offsets)),
            ("indptr64", self._indptr64, new_indptr),
        ):
            out[name] = self._grow.setdefault(name, _Appendable()).extended(current, extra)
        return out

    # ---------------------------------------------------------------- duplicates and clusters
    @_reads
    def near_duplicates(self, threshold: float = 0.8) -> list[tuple[int, int, float]]:
        """Pairs ``(i, j, jaccard)`` (i < j, sorted) of articles whose word shingles overlap with an estimated
        Jaccard similarity of at least ``threshold``: copies and light edits. MinHash with LSH banding (bands and
        rows chosen for the threshold), so a pair near the threshold may be missed or kept by chance."""
        self._check_built()
        if self._signatures is None:
            raise ValueError("near_duplicates needs the texts: build the index with fit(), or from_vectorizer(texts=)")
        return self._pairs(self._signatures, _jaccard_threshold("threshold", threshold))

    def find_near_duplicates(
        self, texts: Iterable[str], sources: Sequence[str] | None = None, threshold: float = 0.8
    ) -> list[tuple[int, int, float]]:
        """The pairs ``near_duplicates(threshold)`` gives after ``fit(texts, sources=sources)``, without building
        an index: boilerplate is found and stripped as ``fit`` does (unless turned off) and only the MinHash
        signatures are computed, no vectoriser (a fraction of ``fit``'s time and memory on a large corpus), and
        no texts, or texts without words, give no pairs where ``fit`` raises. The index itself (fitted or not) is
        neither used nor changed: this uses its parameters alone."""
        texts = _texts_list(texts)
        threshold = _jaccard_threshold("threshold", threshold)
        codes = self._codes(_column(sources, len(texts), "sources"), len(texts), grow=True, codes={})
        with _progress_bar(self.progress, total=2, desc="near-duplicates", unit="step") as bar:
            texts, _ = self._strip_found_boilerplate(texts, codes)
            bar.update(1)
            signatures = self._hasher.signatures(texts, self.n_jobs)
            bar.update(1)
        return self._pairs(signatures, threshold)

    def _pairs(self, signatures: np.ndarray, threshold: float) -> list[tuple[int, int, float]]:
        """The near-duplicate pairs (i, j, jaccard) among `signatures` (MinHash with LSH) at `threshold`."""
        a, b, j = _core.find_near_duplicates(signatures, threshold, *self._lsh_params(threshold), self.n_jobs)
        return [(int(x), int(y), float(s)) for x, y, s in zip(a, b, j)]

    def _lsh_params(self, threshold: float) -> tuple[int, int]:
        """The LSH bands and rows of the near-duplicate search at `threshold` (near_duplicates, clusters)."""
        return _core.optimal_lsh_params(min(threshold, 0.99), self._hasher.num_perm)

    @_reads
    def clusters(
        self, threshold: float = 0.5, near_duplicate_threshold: float = 0.8, k: int = 10, min_size: int = 2
    ) -> list[list[int]]:
        """Story clusters: connected components over near-duplicate pairs (``near_duplicate_threshold``; None to
        skip) and over each article's ``k`` nearest neighbours with cosine at least ``threshold``. Clusters with at
        least ``min_size`` articles, largest first (ties: smallest member first), members ascending."""
        self._check_built()
        threshold = _real_arg("threshold", threshold)
        min_size = _int_arg("min_size", min_size, 1)
        if near_duplicate_threshold is not None:  # (named as the caller named it)
            near_duplicate_threshold = _jaccard_threshold("near_duplicate_threshold", near_duplicate_threshold)
        edges_a, edges_b = [], []
        if near_duplicate_threshold is not None and self._signatures is None:
            warn_user("clusters without near-duplicate edges: they need the texts (build the index with fit(), or "
                      "from_vectorizer(texts=)); pass near_duplicate_threshold=None to use the similarity edges alone")
        elif near_duplicate_threshold is not None:
            # Each article joined to its near-duplicate component's first article (not every pair: m copies of one
            # article are m(m-1)/2 pairs).
            component = _core.near_duplicate_components(self._signatures, near_duplicate_threshold,
                                                        *self._lsh_params(near_duplicate_threshold), self.n_jobs)
            joined = np.flatnonzero(component != np.arange(len(component)))
            edges_a.append(joined.astype(np.int32))
            edges_b.append(component[joined].astype(np.int32))
        I, S = self.all_related(k=k)
        rows, cols = np.nonzero((I >= 0) & (S >= threshold))
        edges_a.append(rows.astype(np.int32))
        edges_b.append(I[rows, cols].astype(np.int32))
        a = np.concatenate(edges_a) if edges_a else np.empty(0, np.int32)
        b = np.concatenate(edges_b) if edges_b else np.empty(0, np.int32)
        return [g.tolist() for g in _core.connected_components(len(self), a, b, min_size)]

    # ---------------------------------------------------------------- persistence
    def _vectorizer_blob(self) -> tuple[dict, bytes]:
        v = self.vectorizer
        cls = type(v)
        info = {"class": f"{cls.__module__}:{cls.__qualname__}"}
        # (An akhbar vectoriser with a callable parameter, tokenizer=str.split, cannot be stored as akhbar's: pickled.)
        # (akhbar's format for akhbar's own classes only: a subclass of one is the user's code, which only pickle
        # brings back; stored as its base, it could not be read.)
        if _is_akhbar_vectorizer_class(cls) and not v._stores_callables():
            info["format"] = "akhbar"
            return info, v.to_bytes()
        info["format"] = "pickle"
        return info, pickle.dumps(v, protocol=pickle.HIGHEST_PROTOCOL)

    @_reads
    def to_bytes(self) -> bytes:
        """The index as bytes (akhbar's versioned, checksummed format; ``from_bytes`` reads it)."""
        self._check_built()
        self._check_vectorizer()  # (a file whose vectoriser is not its matrix's could not be loaded)
        vinfo, vblob = self._vectorizer_blob()
        meta = {
            "version": _FORMAT_VERSION,
            "n": len(self),
            "n_cols": int(self._X.shape[1]),
            "options": self.options,
            "vectorizer": vinfo,
            "ids": self._ids,
            "titles": self._titles,
            "sources": self._sources,
            "dates": self._dates,
            "source_codes": self._source_codes,
            "densification": self._hasher.densification,
            "boilerplate": None if self._boilerplate is None else [list(t) for t in self._boilerplate.lines()],
            "has_signatures": self._signatures is not None,
        }
        try:
            meta_bytes = json.dumps(meta, ensure_ascii=False).encode("utf-8")
        except TypeError as e:
            raise TypeError(f"ids must be str or int to be saved: {e}") from None
        X = self._X
        sig = self._signatures if self._signatures is not None else np.empty((0,), np.uint32)
        sections = [
            ("meta", 0, meta_bytes),
            ("vectorizer", 0, vblob),
            ("indptr", 2, np.ascontiguousarray(self._indptr64)),
            ("indices", 1, np.ascontiguousarray(X.indices, dtype=np.int32)),
            ("data", 3, np.ascontiguousarray(X.data, dtype=np.float32)),
            ("signatures", 4, np.ascontiguousarray(sig, dtype=np.uint32).reshape(-1)),
        ]
        return _core.write_sections(_core.RELATED_INDEX_KIND, sections)

    def save(self, path: str | os.PathLike) -> None:
        """Writes the index to ``path`` (see ``to_bytes``); ``RelatedArticles.load(path, mmap=True)`` maps it back."""
        write_atomic(path, self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes | bytearray | memoryview, allow_pickle: bool = False,
                   n_jobs: int | None = None) -> RelatedArticles:
        """Reads what ``to_bytes`` wrote. Raises ``akhbar.FormatError`` for damaged or foreign data. An index
        whose vectoriser is not akhbar's stores it with pickle, and unpickling can run code: such an index loads
        only with ``allow_pickle=True``, for files you trust. akhbar's own data never goes through pickle.
        ``n_jobs``: the threads of the loaded index (None: all cores), as the constructor's (a file does not
        keep the threads of the machine that wrote it)."""
        n_jobs = _jobs_arg(n_jobs, "all cores")
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        # The index reads its arrays where they lie: a buffer the caller can still change is copied first.
        if not isinstance(data, bytes):
            data = bytes(data)
        return cls._from_buffer(data, allow_pickle, n_jobs)

    @classmethod
    def load(cls, path: str | os.PathLike, mmap: bool = True, allow_pickle: bool = False,
             n_jobs: int | None = None) -> RelatedArticles:
        """Reads an index saved with ``save``. With ``mmap=True`` the arrays stay in the file, mapped into memory
        and shared between processes, and loading costs little beyond one checksum pass: replace such a file by
        saving anew (``save`` writes another file and renames it), never by writing over it in place, which
        changes the arrays under the loaded index. ``allow_pickle`` and ``n_jobs`` as for ``from_bytes``."""
        n_jobs = _jobs_arg(n_jobs, "all cores")
        if not mmap:
            return cls._from_buffer(read_model_file(path), allow_pickle, n_jobs)
        with open(path_arg(path), "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                raise FormatError(f"'{os.fsdecode(path)}' is empty, not an akhbar index")
            buffer = _mmap.mmap(f.fileno(), 0, access=_mmap.ACCESS_READ)
        return cls._from_buffer(buffer, allow_pickle, n_jobs)

    @classmethod
    def _from_buffer(cls, buffer, allow_pickle: bool = False, n_jobs: int | None = None) -> RelatedArticles:
        refs = _core.read_sections(buffer, _core.RELATED_INDEX_KIND)
        sections = {}
        for name, dtype, offset, count in refs:
            if dtype == "bytes":
                sections[name] = bytes(memoryview(buffer)[offset : offset + count])
            else:
                sections[name] = np.frombuffer(buffer, dtype=np.dtype(dtype), count=count, offset=offset)
        missing = {"meta", "vectorizer", "indptr", "indices", "data", "signatures"} - set(sections)
        if missing:
            raise FormatError("corrupt index: missing section(s) " + ", ".join(sorted(missing)))
        try:
            index = cls._from_sections(sections, allow_pickle)
        except FormatError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError, OverflowError, RecursionError) as e:
            # Sections that pass the checksum but hold values no index writes (a damaged writer, or a hand-made
            # file): still a format error, never another exception from deep inside.
            raise FormatError(f"corrupt index: {type(e).__name__}: {e}") from None
        index.n_jobs = n_jobs
        return index

    @classmethod
    def _from_sections(cls, sections: dict, allow_pickle: bool) -> RelatedArticles:
        meta = json.loads(sections["meta"].decode("utf-8"))
        if not isinstance(meta, dict):
            raise FormatError("corrupt index metadata: not a JSON object")
        if meta.get("version") != _FORMAT_VERSION:
            raise FormatError(f"unsupported related-index version {meta.get('version')!r}")
        n, n_cols, options = meta["n"], meta["n_cols"], meta["options"]
        if not (isinstance(n, int) and isinstance(n_cols, int) and 0 <= n < 2**31 and 0 <= n_cols < 2**31):
            raise FormatError(f"corrupt index metadata: {n!r} articles, {n_cols!r} columns")
        if not isinstance(options, dict):
            raise FormatError("corrupt index metadata: options is not an object")
        indptr, indices, data = sections["indptr"], sections["indices"], sections["data"]
        if len(indptr) != n + 1:
            raise FormatError(f"corrupt index: {len(indptr)} row pointers for {n} articles")
        _core.check_csr(indptr, indices, data, n_cols, True)
        if data.size and not np.all(np.isfinite(data)):
            raise FormatError("corrupt index: the matrix holds NaN or infinite values")
        # Rows are unit vectors, or hold no value but zeros: others would give scores above 1, or overflow to
        # infinity.
        squares = _row_reduce(np.add, data.astype(np.float64) ** 2, indptr)  # (0 for empty rows)
        if not np.all((np.abs(squares - 1.0) <= 1e-3) | (squares == 0)):
            raise FormatError("corrupt index: a row of the matrix is not a unit vector")
        info = meta.get("vectorizer") or {}
        if not isinstance(info, dict):
            raise FormatError("corrupt index metadata: vectorizer is not an object")
        vectorizer = cls._load_vectorizer(info, sections["vectorizer"], allow_pickle)
        # n_cols sizes per-column work later: it must be the vectoriser's width, not whatever the file claims.
        width = _vectorizer_width(vectorizer)
        if width is not None and width != n_cols:
            raise FormatError(f"corrupt index: the matrix has {n_cols} columns but its vectoriser {width} features")
        self = cls(vectorizer, progress=False, **options)
        # The signatures' empty bins as they were filled when they were computed: by rotation before optimal
        # densification came (a file without the key), so that the articles added later agree with them.
        densification = meta.get("densification", "rotation")
        if densification not in ("optimal", "rotation"):
            raise FormatError(f"corrupt index metadata: densification {densification!r}")
        if densification != self._hasher.densification:
            h = self._hasher
            self._hasher = _core.MinHasher(h.num_perm, h.shingle_size, h.seed, densification)
        X = sp.csr_matrix((data, indices, indptr), shape=(n, n_cols), copy=False)
        self._X = X
        self._indptr64 = indptr
        self._fit_state = _fit_state(vectorizer)
        sig = sections["signatures"]
        if meta.get("has_signatures"):
            if sig.size != n * self._hasher.num_perm:
                raise FormatError(f"corrupt index: {sig.size} signature values for {n} articles")
            self._signatures = sig.reshape(n, self._hasher.num_perm)
        self._set_metadata(n, meta.get("ids"), meta.get("titles"), meta.get("sources"), meta.get("dates"))
        source_codes = meta.get("source_codes") or {}
        if not isinstance(source_codes, dict):
            raise FormatError("corrupt index metadata: source_codes is not an object")
        self._source_codes = {str(k): _int_arg("source code", v, 0) for k, v in source_codes.items()}
        if meta.get("boilerplate") is not None:
            self._boilerplate = _core.Boilerplate([
                (_int_arg("source code", s, -1), str(line), _int_arg("count", c, 0))
                for s, line, c in meta["boilerplate"]
            ])
        return self

    @staticmethod
    def _load_vectorizer(info: dict, blob: bytes, allow_pickle: bool):
        fmt = info.get("format")
        if fmt == "akhbar":
            module, _, qualname = str(info.get("class", "")).partition(":")
            if not module.startswith("akhbar"):
                raise FormatError(f"corrupt index: vectoriser class {info.get('class')!r} is not akhbar's")
            try:
                cls = importlib.import_module(module)
                for part in qualname.split("."):
                    cls = getattr(cls, part)
            except (ImportError, AttributeError):
                raise FormatError(f"this akhbar cannot read the index's vectoriser {info.get('class')!r}") from None
            if not (isinstance(cls, type) and hasattr(cls, "from_bytes") and hasattr(cls, "transform")):
                raise FormatError(f"corrupt index: {info.get('class')!r} is no vectoriser class")
            return cls.from_bytes(blob)
        if fmt == "pickle":
            if not allow_pickle:
                raise FormatError(
                    "this index stores its vectoriser (not akhbar's, or with a callable parameter) with pickle, and "
                    "unpickling can run code: pass allow_pickle=True to load it if you trust the file"
                )
            try:
                return pickle.loads(blob)
            except Exception as e:  # noqa: BLE001 - any unpickling failure means a damaged index
                raise FormatError(f"corrupt index: cannot unpickle its vectoriser ({e})") from None
        raise FormatError(f"corrupt index: unknown vectoriser format {fmt!r}")

    def __getstate__(self) -> dict:
        if self._X is not None:
            return {"bytes": self.to_bytes(), "n_jobs": self.n_jobs, "progress": self.progress}
        return {"vectorizer": self.vectorizer, "options": self.options, "n_jobs": self.n_jobs,
                "progress": self.progress}

    def __setstate__(self, state: dict) -> None:
        if "bytes" not in state:
            self.__init__(state["vectorizer"], n_jobs=state["n_jobs"], progress=state["progress"],
                          **state["options"])
            return
        # Unpickling the index is already trusting it.
        other = type(self)._from_buffer(state["bytes"], allow_pickle=True)
        other.n_jobs, other.progress = state["n_jobs"], state["progress"]
        self.__dict__.update(other.__dict__)

    def __repr__(self) -> str:
        extra = []
        for name in ("ids", "titles", "sources", "dates"):
            if getattr(self, "_" + name) is not None:
                extra.append(name)
        size = f"{len(self)} articles" if self._X is not None else "empty"
        vocab = f", {self._X.shape[1]} terms" if self._X is not None else ""
        return f"RelatedArticles({size}{vocab}" + (", with " + ", ".join(extra) if extra else "") + ")"
