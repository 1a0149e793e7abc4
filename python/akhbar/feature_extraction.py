"""Vectorisers with scikit-learn's interface: ``CountVectorizer``, ``TfidfVectorizer`` (TF-IDF or BM25) and
``HashingVectorizer``, counting in C++ with akhbar's Arabic analyser.

They are drop-in replacements for scikit-learn's classes of the same names (parameters, attributes, methods and
results: given the same terms, the matrices and the feature order are scikit-learn's), and they work with
``sklearn.base.clone``, ``Pipeline`` and ``GridSearchCV``; scikit-learn itself is not needed to use them.
"""

from __future__ import annotations

import copy
import difflib
import functools
import inspect
import itertools
import json
import numbers
import os
from collections import abc
from collections.abc import Mapping
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import numpy as np
import scipy.sparse as sp

from akhbar import _core
from akhbar._io import (
    ReadOnly,
    ReadWriteLock,
    bool_arg,
    missing_hint,
    read_model_file,
    refuse_frame,
    warn_user,
    write_atomic,
)
from akhbar.analysis import (
    ANALYZER_DEFAULTS,
    TOKENIZER_DEFAULTS,
    Analyzer,
    analyzer_options,
    get_stop_words,
    tokenize,
    warn_stop_words,
    warn_unused_options,
)
from akhbar.errors import FormatError
from akhbar.normalization import DEFAULT_OPTIONS as NORMALIZER_DEFAULTS
from akhbar.normalization import Normalizer

# Analyser keyword arguments that pass through the vectorisers (the ones they do not name themselves).
_ANALYZER_PASSTHROUGH = tuple(k for k in ANALYZER_DEFAULTS if k not in ("analyzer", "ngram_range", "stop_words"))

# scikit-learn parameters that akhbar's vectorisers do not take, with what to do instead.
_SKLEARN_ONLY = {
    "input": "pass the documents' text (read files yourself)",
    "encoding": "pass str, or UTF-8 bytes",
    "decode_error": "pass str, or valid UTF-8 bytes",
    "lowercase": "akhbar's analyser folds case (fold_latin=True); with tokenizer=, the tokens are used as given "
    "(as scikit-learn's lowercase=False): lower-case them in your tokenizer or preprocessor",
    "token_pattern": "akhbar's tokeniser splits Arabic news; pass tokenizer= or analyzer= for your own",
}

_FORMAT_VERSION_KEY = "akhbar_params_version"
# Seconds that new transforms wait for a waiting partial_fit or fit at most (see _guard).
_WRITER_PATIENCE = 1.0


def _resolve_n_jobs(n_jobs: Any) -> int:
    """Threads for `n_jobs` as joblib counts them (None: one); TypeError or ValueError for what is not one."""
    return _core._resolve_threads(n_jobs, "n_jobs", "one thread")


def _df_bound(name: str, value: Any) -> tuple[float, bool]:
    """(value, is_fraction) with scikit-learn's rule: an int is a document count, a float a fraction."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be an int (documents) or a float in [0.0, 1.0] (fraction), not {value!r}")
    if isinstance(value, numbers.Integral):
        if value < 1:  # scikit-learn refuses 0 too (0.0 is the float for "no bound")
            raise ValueError(f"{name} must be >= 1 when it is an int (a document count), got {value}")
        return float(value), False
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be in [0.0, 1.0] when it is a float (a fraction of documents), got {value}")
    return float(value), True


def _ngram_range(value: Any) -> tuple[int, int]:
    if (
        not isinstance(value, (tuple, list))
        or len(value) != 2
        or not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) for n in value)
    ):
        raise TypeError(f"ngram_range must be a pair of ints (min_n, max_n), not {value!r}")
    lo, hi = int(value[0]), int(value[1])
    if not 1 <= lo <= hi or hi >= 2**31:
        raise ValueError(
            f"Invalid value for ngram_range={tuple(value)!r} lower boundary larger than the upper boundary, "
            "or below 1"
        )
    return lo, hi


def _norm(value: Any) -> str | None:
    if value not in ("l1", "l2", None):
        raise ValueError(f"norm must be 'l1', 'l2' or None, not {value!r}")
    return value


def _to_csr(parts: tuple) -> sp.csr_matrix:
    """A csr_matrix on the C++ buffers (no copy)."""
    data, indices, indptr, shape = parts
    X = sp.csr_matrix((data, indices, indptr), shape=shape, copy=False)
    X.has_sorted_indices = True
    return X


def _check_not_iterator(name: str, value: Any) -> None:
    """TypeError for an iterator (a generator) given as a collection parameter: each fit, save and copy reads the
    parameter again, and an iterator is empty after the first (a model saved after one fit lost its protected
    words, and the next fit ran without them)."""
    if isinstance(value, abc.Iterator):
        raise TypeError(f"{name} must be a collection (a list, tuple or set), not an iterator "
                        f"({type(value).__name__}), which is empty once read")


def _plain(value: Any) -> Any:
    """A numpy scalar as the Python number or bool it holds (json refuses numpy's: np.arange in a grid search
    gives them); bytes (a vocabulary's terms may be) tagged as their hex; anything else as is."""
    if isinstance(value, bytes):
        return {"__bytes__": value.hex()}
    return value.item() if isinstance(value, np.generic) else value


def _unplain(value: Any) -> Any:
    """The inverse of _plain."""
    return bytes.fromhex(value["__bytes__"]) if isinstance(value, dict) and "__bytes__" in value else value


def _unsavable_callable(value: Any) -> bool:
    """A callable parameter, which to_bytes cannot store (pickle stores it by reference). akhbar's own Analyzer is
    stored as its options, and a class (a dtype) is no callable parameter."""
    return callable(value) and not isinstance(value, type) and type(value) is not Analyzer


def _jsonable(params: dict[str, Any], who: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in params.items():
        if type(v) is Analyzer:  # (akhbar's own analyser is its options: saved as those)
            out[k] = {"__analyzer__": _jsonable(v._kwargs, who)}
            continue
        if _unsavable_callable(v):
            raise ValueError(
                f"cannot save {who} with a callable {k}: save/to_bytes store plain parameters only; "
                "pickle the vectoriser instead (pickle stores the callable by reference)"
            )
        if k == "dtype" and v is not None:  # (None stays None: CountVectorizer counts in ints with it)
            v = {"__dtype__": np.dtype(v).name}
        elif isinstance(v, (set, frozenset)):
            v = {"__set__": [_plain(x) for x in sorted(v, key=lambda x: (type(x).__name__, x))]}
        elif isinstance(v, tuple):
            v = {"__tuple__": [_plain(x) for x in v]}
        elif isinstance(v, Mapping):
            v = {"__mapping__": [[_plain(t), int(i)] for t, i in v.items()]}
        elif isinstance(v, np.generic):
            v = v.item()
        elif v is not None and not isinstance(v, (bool, int, float, str)):
            v = [_plain(x) for x in v]
        out[k] = v
    return out


def _from_jsonable(params: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in params.items():
        if isinstance(v, dict):
            if "__analyzer__" in v:
                v = Analyzer(**_from_jsonable(v["__analyzer__"]))
            elif "__dtype__" in v:
                v = np.dtype(v["__dtype__"]).type
            elif "__set__" in v:
                v = set(map(_unplain, v["__set__"]))
            elif "__tuple__" in v:
                v = tuple(map(_unplain, v["__tuple__"]))
            elif "__mapping__" in v:
                v = {_unplain(t): i for t, i in v["__mapping__"]}
        elif isinstance(v, list):
            v = [_unplain(x) for x in v]
        out[k] = v
    return out


_PARAM_NAMES: dict[tuple[type, Any], tuple[str, ...]] = {}  # (_ParamsMixin._param_names)


class _ParamsMixin:
    """get_params/set_params/__repr__ like scikit-learn's BaseEstimator, plus the analyser's pass-through
    keyword arguments, without importing scikit-learn."""

    _analyzer_options: dict[str, Any]

    @classmethod
    def _param_names(cls) -> list[str]:
        # (Read from the signature once per class and constructor: inspect.signature took about 40 us, a third
        # of a one-article HashingVectorizer.transform, which reads the parameters at every call.)
        key = (cls, cls.__init__)
        names = _PARAM_NAMES.get(key)
        if names is None:
            sig = inspect.signature(cls.__init__)
            names = _PARAM_NAMES[key] = tuple(
                p.name
                for p in sig.parameters.values()
                if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
            )
        return list(names)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters (and any analyser options given), as scikit-learn's estimators."""
        params = {name: getattr(self, name) for name in self._param_names()}
        params.update(self._analyzer_options)
        return params

    def _extra_state(self) -> dict[str, Any] | None:
        """The attributes that are neither parameters nor akhbar's own (a subclass's fitted extras, a user's
        note), which pickle and copies keep as scikit-learn's estimators do (they were lost); None if there are
        none. (What a subclass's __getstate__ gives, if it has one.)"""
        if getattr(type(self), "__getstate__", None) is not getattr(object, "__getstate__", None):
            return self.__getstate__()
        names = set(self._param_names()) | {"fixed_vocabulary_"}  # (the parameters, and what fit sets)
        extra = {k: v for k, v in self.__dict__.items() if not k.startswith("_") and k not in names}
        return extra or None

    def _stores_callables(self) -> bool:
        """Whether a parameter (now, or at the last fit) is a callable that to_bytes refuses (_unsavable_callable)."""
        params = [self.get_params(), getattr(self, "_fit_params", None) or {}]
        return any(_unsavable_callable(v) for p in params for v in p.values())

    def set_params(self, **params: Any):
        """Sets parameters (constructor parameters or analyser options); returns self. On a fitted vectoriser
        they take effect at the next ``fit``: until then ``transform``, ``partial_fit``, pickling and ``save``
        keep to the fitted model and the parameters it was fitted with (``get_params`` reports the new ones)."""
        names = set(self._param_names())
        for key, value in params.items():
            if key in names:
                setattr(self, key, value)
            elif key in _ANALYZER_PASSTHROUGH:
                self._analyzer_options[key] = value
            elif key in _SKLEARN_ONLY:  # (scikit-learn's ValueError, with what the constructor says of it)
                raise ValueError(f"Invalid parameter {key!r} for estimator {type(self).__name__}: akhbar's "
                                 f"{type(self).__name__} does not take it: {_SKLEARN_ONLY[key]}")
            else:
                raise ValueError(
                    f"Invalid parameter {key!r} for estimator {type(self).__name__}. Valid parameters are: "
                    f"{sorted(names | set(_ANALYZER_PASSTHROUGH))!r}."
                )
        return self

    def __repr__(self) -> str:
        defaults = {
            p.name: p.default
            for p in inspect.signature(type(self).__init__).parameters.values()
            if p.default is not inspect.Parameter.empty
        }
        # (Analyser options left at their defaults are not shown either: stemmer='light' looked changed.)
        defaults.update({k: ANALYZER_DEFAULTS[k] for k in self._analyzer_options if k in ANALYZER_DEFAULTS})
        shown = []
        for k, v in self.get_params().items():
            d = defaults.get(k, inspect.Parameter.empty)
            try:
                same = d is not inspect.Parameter.empty and (d is v or bool(d == v))
            except Exception:
                same = False
            if not same and isinstance(d, tuple) and isinstance(v, list):
                same = list(d) == v
            if not same:
                shown.append(f"{k}={v!r}")
        text = f"{type(self).__name__}({', '.join(shown)})"
        # As scikit-learn's: at most about 700 characters, the middle elided (a vocabulary of 30,000 terms gave
        # 395,000 characters, and a notebook's display of a pipeline 700 KB).
        if len(text) > _REPR_MAX:
            half = _REPR_MAX // 2
            text = text[:half] + " ... " + text[-half:]
        return text

    def __sklearn_tags__(self):
        from sklearn.utils import InputTags, Tags, TargetTags, TransformerTags

        return Tags(
            estimator_type=None,
            target_tags=TargetTags(required=False),
            transformer_tags=TransformerTags(),
            input_tags=InputTags(two_d_array=False, string=True),
            requires_fit=self._requires_fit,
        )

    _requires_fit = True

    def _check_analyzer_options(self) -> None:
        """The analyser options' names (at construction too, as a constructor without them would refuse an unknown
        keyword), and options read more than once that an iterator would give only once."""
        for key, value in self._analyzer_options.items():
            if key in _SKLEARN_ONLY:
                raise TypeError(f"akhbar's {type(self).__name__} does not take {key!r}: {_SKLEARN_ONLY[key]}")
            if key not in _ANALYZER_PASSTHROUGH:
                close = difflib.get_close_matches(key, self._param_names() + list(_ANALYZER_PASSTHROUGH), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise TypeError(f"{type(self).__name__} got an unknown parameter {key!r}{hint}; its parameters: "
                                f"{', '.join(self._param_names())}; analyser options: {', '.join(_ANALYZER_PASSTHROUGH)}")
            _check_not_iterator(key, value)
        _check_not_iterator("stop_words", getattr(self, "stop_words", None))


def _decode(doc: str | bytes) -> str:
    if isinstance(doc, bytes):
        return doc.decode("utf-8")
    if not isinstance(doc, str):
        raise TypeError(f"a document must be str or bytes, not {type(doc).__name__}")
    return doc


class _BuiltAnalyzer:
    """What build_analyzer returns for a callable analyzer (ngrams None: its terms), akhbar's analyser after a
    preprocessor (ngrams None), or a tokenizer's tokens without stop words in word n-grams (ngrams (lo, hi);
    stop: a collection as given, or a list name matched normalised with `options`). Picklable, as scikit-learn's
    functools.partial."""

    def __init__(self, fn, preprocessor, ngrams, stop, options, decode=None) -> None:
        self.fn, self.preprocessor, self.ngrams, self.stop, self.options = fn, preprocessor, ngrams, stop, options
        self.decode = decode  # (a subclass's own decode; None: UTF-8)

    def __call__(self, doc: str | bytes) -> list[str]:
        decode = self.__dict__.get("decode")  # (absent from one pickled before it existed)
        doc = _decode(doc) if decode is None else decode(doc)
        if self.preprocessor is not None:
            doc = self.preprocessor(doc)
        if self.ngrams is None:
            return list(self.fn(doc))
        tokens = list(self.fn(doc))
        if self.stop is not None:
            is_stop = self.__dict__.get("_is_stop")
            if is_stop is None:
                is_stop = self._is_stop = _stop_test(self.stop, self.options)
            tokens = [t for t in tokens if not is_stop(t)]
        lo, hi = self.ngrams
        terms = list(tokens) if lo == 1 else []
        for n in range(max(lo, 2), min(hi, len(tokens)) + 1):
            terms += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
        return terms

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "_is_stop"}


class _BuiltPreprocessor:
    """What build_preprocessor returns (picklable)."""

    def __init__(self, preprocessor, normalizer) -> None:
        self.preprocessor, self.normalizer = preprocessor, normalizer

    def __call__(self, doc: str | bytes) -> str:
        doc = _decode(doc)
        if self.preprocessor is not None:
            doc = self.preprocessor(doc)
        return self.normalizer.normalize(doc) if self.normalizer is not None else doc


def _normalizer_of(options: dict[str, Any]) -> Normalizer:
    """The normaliser of akhbar's analyser with these pass-through options."""
    return Normalizer(**{k: v for k, v in options.items() if k in NORMALIZER_DEFAULTS})


def _stop_test(stop: Any, options: dict[str, Any] | None) -> Callable[[str], bool]:
    """Whether a token is a stop word: `stop` a set (as given), or a list name, matched normalised with the
    analyser `options` (the list is kept normalised), each distinct token normalised once."""
    if not isinstance(stop, str):
        return frozenset(stop).__contains__
    options = options or {}
    words = get_stop_words(stop_words=stop, **options)
    normalize = _normalizer_of(options).normalize
    seen: dict[str, bool] = {}

    def test(token: str) -> bool:
        hit = seen.get(token)
        if hit is None:
            if len(seen) >= 1 << 16:  # (a build_analyzer() lives long: the cache stays bounded)
                seen.clear()
            hit = seen[token] = isinstance(token, str) and normalize(token) in words
        return hit

    return test


_REPR_MAX = 700  # (scikit-learn's N_CHAR_MAX)


class _NotFittedError(ValueError, AttributeError):
    """scikit-learn's NotFittedError where scikit-learn is not installed: a ValueError and an AttributeError as
    its is, so that hasattr(v, "vocabulary_") is False before a fit (it raised)."""


def _own_blocks_of(cls: type) -> frozenset[str]:
    """The building blocks (decode, build_preprocessor, build_tokenizer, build_analyzer) that `cls` overrides."""
    return frozenset(name for name in ("decode", "build_preprocessor", "build_tokenizer", "build_analyzer")
                     if getattr(cls, name) is not getattr(_DocumentsMixin, name))


class _DocumentsMixin:
    """Turns an iterable of documents into batches for the C++ core, in one of three modes: text for akhbar's
    analyser, terms from a callable analyzer, tokens from a callable tokenizer (word n-grams built in C++)."""

    analyzer: Any
    tokenizer: Any
    preprocessor: Any
    stop_words: Any
    ngram_range: Any
    n_jobs: Any
    progress: bool
    _analyzer_options: dict[str, Any]
    _batch_docs = 8192

    # ------------------------------------------------------------------ scikit-learn's building blocks

    def decode(self, doc: str | bytes) -> str:
        """``doc`` as str: UTF-8 bytes decoded (strictly, as scikit-learn's default), a str as it is."""
        return _decode(doc)

    def build_preprocessor(self) -> Callable[[str | bytes], str]:
        """What a document becomes before it is tokenised, as scikit-learn's: the ``preprocessor`` (if any),
        then, for akhbar's own analyser, its normaliser (where scikit-learn lower-cases)."""
        normalizer = _normalizer_of(self._analyzer_options) if self._base_mode() == "text" else None
        return _BuiltPreprocessor(self.preprocessor, normalizer)

    def build_tokenizer(self) -> Callable[[str], list[str]]:
        """The ``tokenizer`` if one was given, else akhbar's tokeniser with these options (normalised tokens,
        before stop words and stemming), as ``akhbar.tokenize``."""
        if self.tokenizer is not None:
            return self.tokenizer
        options = {k: v for k, v in self._analyzer_options.items() if k in TOKENIZER_DEFAULTS}
        return functools.partial(tokenize, **options)

    def get_stop_words(self) -> frozenset[str] | None:
        """The stop words the analysis drops, as it compares them (None: none). akhbar's analyser: its lists
        and words (``add_stop_words`` too) normalised; a ``tokenizer``'s tokens: a collection and
        ``add_stop_words`` as given (``True``: these alone, as scikit-learn's default has none), a list name
        normalised; character n-grams and a callable ``analyzer``: none."""
        sw = self.stop_words
        mode = self._base_mode()
        if sw is None or sw is False or mode == "terms" or self.analyzer != "word":
            return None
        if mode == "tokens" and not isinstance(sw, str):
            return self._token_stop_words()
        return get_stop_words(stop_words=sw, **self._analyzer_options)

    def build_analyzer(self) -> Callable[[str | bytes], list[str]]:
        """A callable that gives a document's terms as ``fit`` counts them, as scikit-learn's: akhbar's analyser
        with these options (after the ``preprocessor``), the callable ``analyzer``, or the ``tokenizer``'s
        tokens without stop words, in word n-grams. A subclass's own ``decode``, ``build_preprocessor`` or
        ``build_tokenizer`` takes the place of that step (scikit-learn's "customizing the vectorizer classes"),
        and fit and transform then count what ``build_analyzer`` gives (its own too)."""
        mode = self._base_mode()
        own = self._own_blocks()
        decode = self.decode if "decode" in own else None
        if mode == "terms":
            return _BuiltAnalyzer(self.analyzer, None, None, None, None, decode)
        lo, hi = _ngram_range(self.ngram_range)
        preprocessor = self.build_preprocessor() if "build_preprocessor" in own else self.preprocessor
        tokenizer = None  # (the character analysers have none, as scikit-learn's)
        if self.analyzer == "word":
            tokenizer = self.build_tokenizer() if "build_tokenizer" in own else self.tokenizer
        if tokenizer is None:  # (akhbar's analyser, after the preprocessor if any)
            analyzer = Analyzer(analyzer=self.analyzer, ngram_range=(lo, hi), stop_words=self.stop_words,
                                **self._analyzer_options)
            if preprocessor is None and decode is None:
                return analyzer
            return _BuiltAnalyzer(analyzer, preprocessor, None, None, None, decode)
        stop = self.stop_words if isinstance(self.stop_words, str) else self._token_stop_words()
        options = self._analyzer_options if isinstance(self.stop_words, str) else None
        return _BuiltAnalyzer(tokenizer, preprocessor, (lo, hi), stop, options, decode)

    def _own_blocks(self) -> frozenset[str]:
        """The building blocks a subclass overrides (scikit-learn's way of customising a vectoriser)."""
        return _own_blocks_of(type(self))

    def _check_run_params(self) -> None:
        """n_jobs and progress, which steer a run and which no model stores, checked as a run checks them."""
        _resolve_n_jobs(self.n_jobs)
        bool_arg("progress", self.progress)

    def _mode(self) -> str:
        """How documents reach the C++ core: "text" (akhbar's analyser in C++), "terms" (from a callable: the
        ``analyzer``, or ``build_analyzer()`` when a subclass overrides a building block) or "tokens" (from the
        ``tokenizer``, n-grams in C++)."""
        mode = self._base_mode()
        return "terms" if self._own_blocks() else mode

    def _terms_of(self) -> Callable[[str], Any]:
        """The callable that gives a document's terms in "terms" mode (with a subclass's building blocks,
        build_analyzer's, made for each batch)."""
        return self.build_analyzer() if self._own_blocks() else self.analyzer

    def _base_mode(self) -> str:
        if not callable(self.analyzer) and not isinstance(self.analyzer, str):
            raise TypeError(
                f"analyzer must be 'word', 'char', 'char_wb' or a callable, not {type(self.analyzer).__name__}"
            )
        if callable(self.analyzer):
            return "terms"
        if self.analyzer not in ("word", "char", "char_wb"):
            raise ValueError(f"analyzer must be 'word', 'char', 'char_wb' or a callable, not {self.analyzer!r}")
        if self.preprocessor is not None and not callable(self.preprocessor):
            raise TypeError(f"preprocessor must be a callable or None, not {type(self.preprocessor).__name__}")
        if self.tokenizer is not None and not callable(self.tokenizer):
            raise TypeError(f"tokenizer must be a callable or None, not {type(self.tokenizer).__name__}")
        return "tokens" if self.tokenizer is not None and self.analyzer == "word" else "text"

    def _warn_unused_params(self) -> None:
        """Once per fit (HashingVectorizer: at fit), as scikit-learn's: parameters the chosen analyser does
        not use (a stop-word collection or list name; True, the default, means akhbar's analyser's own list),
        and stop words that can never take effect."""
        def unused(name: str, reason: str) -> None:
            warn_user(f"The parameter '{name}' will not be used since {reason}")

        mode = self._base_mode()
        stop_words_given = not (self.stop_words is None or self.stop_words is True or self.stop_words is False)
        if mode == "terms":
            for name in ("tokenizer", "preprocessor"):
                if getattr(self, name) is not None:
                    unused(name, "'analyzer' is callable")
            ngram_range = self.ngram_range
            if isinstance(ngram_range, (tuple, list)) and tuple(ngram_range) != (1, 1):  # (else: refused later)
                unused("ngram_range", "'analyzer' is callable")
            if stop_words_given:
                unused("stop_words", "'analyzer' is callable")
            for name in self._analyzer_options:  # (a callable analyser, akhbar's Analyzer too, has its own)
                unused(name, "'analyzer' is callable")
        elif mode == "tokens":
            # A tokenizer's tokens are used as given: of the analyser's options, only the stop-word edits and the
            # normaliser's (to a stop-word list name's words) apply.
            for name in self._analyzer_options:
                if name not in NORMALIZER_DEFAULTS and name not in ("add_stop_words", "remove_stop_words"):
                    unused(name, "a 'tokenizer' gives the tokens")
        elif self.analyzer != "word":
            if self.tokenizer is not None:
                unused("tokenizer", "'analyzer' != 'word'")
            if stop_words_given:
                unused("stop_words", "'analyzer' != 'word'")
            if mode == "text" and not self._own_blocks():  # (the analyser's word options, given as keywords)
                warn_unused_options(self._analyzer_options, self._analyzer_dict())
        elif mode == "text" and not self._own_blocks():
            options = self._analyzer_dict()
            warn_stop_words(options)
            warn_unused_options({**self._analyzer_options, "stop_words": self.stop_words}, options)
        self._param_warnings()

    def _param_warnings(self) -> None:
        """Warnings of a class's own parameters, given with the others (see _warn_unused_params)."""

    def _analyzer_dict(self) -> dict[str, Any] | None:
        """The C++ analyser's options for text mode, else None."""
        self._check_analyzer_options()
        if self._mode() != "text":
            return None
        return analyzer_options(
            analyzer=self.analyzer,
            ngram_range=tuple(_ngram_range(self.ngram_range)),
            stop_words=self.stop_words,
            **self._analyzer_options,
        )

    def _token_stop_words(self) -> frozenset[str] | None:
        """The stop words of a tokenizer's tokens, as given, or None: ``True`` (scikit-learn's default: none)
        or a collection, with ``add_stop_words`` and less ``remove_stop_words``. (A list name: _token_stop_test.)"""
        sw = self.stop_words
        if sw is None or sw is False or isinstance(sw, str):
            return None
        options = self._analyzer_options
        words = set() if sw is True else set(sw)
        words |= set(options.get("add_stop_words", ()))
        words -= set(options.get("remove_stop_words", ()))
        return frozenset(words) if words else None

    def _token_stop_test(self) -> Callable[[str], bool] | None:
        """Whether a token of the tokenizer is a stop word, or None (no stop words). A collection (and
        add_stop_words) matches the tokens as given (as scikit-learn's); a built-in list matches them
        normalised as akhbar's analyser normalises (the list is kept normalised: إلى, على and أن are الي, علي
        and ان in it), each distinct token normalised once."""
        sw = self.stop_words
        if isinstance(sw, str):
            return _stop_test(sw, self._analyzer_options)
        words = self._token_stop_words()
        return None if words is None else _stop_test(words, None)

    def _batches(self, raw_documents: Iterable[Any]) -> Iterator[tuple[int, list]]:
        """(start index, list) per batch; a tqdm bar with progress=True."""
        if isinstance(raw_documents, (str, bytes)):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        refuse_frame(raw_documents, "raw_documents")
        try:
            it = iter(raw_documents)
        except TypeError:
            raise TypeError(
                f"raw_documents must be an iterable of str, not {type(raw_documents).__name__}"
            ) from None
        total = len(raw_documents) if hasattr(raw_documents, "__len__") else None
        bar = None
        if bool_arg("progress", self.progress):
            from tqdm.auto import tqdm

            bar = tqdm(total=total, unit="doc", desc=type(self).__name__)
        # Documents per batch: _batch_docs with one thread, which keeps batches small (the rows of the last
        # batch add to the peak memory of fit_transform); four times that per thread with several threads, whose
        # vocabularies are merged after every batch and whose ends wait for the slowest thread (fit_transform of
        # egy2013's 55k articles with n_jobs=2, best of 3 in interleaved rounds: 2 * 8192 per thread (two
        # batches) 0.281-0.294 s, 4 * 8192 (one batch) 0.260-0.280 s; one thread 0.452-0.468 s).
        n_jobs = max(_resolve_n_jobs(self.n_jobs), 1)
        size = self._batch_docs * n_jobs * (4 if n_jobs > 1 else 1)
        start = 0
        try:
            while True:
                batch = list(itertools.islice(it, size))
                if not batch:
                    break
                yield start, batch
                start += len(batch)
                if bar is not None:
                    bar.update(len(batch))
        finally:
            if bar is not None:
                bar.close()

    def _prepare(self, mode: str, batch: list, start: int = 0) -> list:
        # Callables get str or bytes only (a NaN reached a tokenizer, which failed in the user's code): the error
        # the C++ core gives akhbar's analyser, by the document's index.
        if mode != "text" or self.preprocessor is not None:
            for i, d in enumerate(batch):
                if not isinstance(d, (str, bytes)):
                    raise TypeError(f"raw_documents[{start + i}] must be str or bytes, not {type(d).__name__}"
                                    f"{missing_hint(d)}")
        # Callables get str, as scikit-learn's: UTF-8 bytes are decoded first (its decode_error="strict").
        own_decode = mode == "terms" and "decode" in self._own_blocks()  # (a subclass's decode gets the bytes)
        if (mode != "text" or self.preprocessor is not None) and not own_decode and any(isinstance(d, bytes)
                                                                                      for d in batch):
            batch = [d.decode("utf-8") if isinstance(d, bytes) else d for d in batch]
        if mode == "text":
            if self.preprocessor is not None:
                batch = [self.preprocessor(d) for d in batch]
            return batch
        if mode == "terms":
            return [t if isinstance(t, list) else list(t) for t in map(self._terms_of(), batch)]
        pre = self.preprocessor
        tok = self.tokenizer
        if self.__dict__.get("_fitted_params"):  # a transform: the test (and what it learned) is kept
            if "_token_stop" not in self.__dict__:
                self.__dict__["_token_stop"] = self._token_stop_test()
            is_stop = self.__dict__["_token_stop"]
        else:
            is_stop = self._token_stop_test()
        out = []
        for d in batch:
            tokens = tok(pre(d) if pre is not None else d)
            if is_stop is not None:
                tokens = [w for w in tokens if not is_stop(w)]
            elif not isinstance(tokens, list):
                tokens = list(tokens)
            out.append(tokens)
        return out

    def _producer(self, mode: str) -> str:
        return "analyzer" if mode == "terms" else "tokenizer"


class _VocabularyVectorizer(_ParamsMixin, _DocumentsMixin):
    """Shared implementation of CountVectorizer and TfidfVectorizer."""

    _weighting_default = "count"
    _dtypes: tuple[str, ...] = ("int32", "int64", "float32", "float64")
    _model: Any

    @property
    def vocabulary(self) -> Any:
        # (Kept in the instance's __dict__ under its own name, where _fitted's view writes the fitted value.)
        try:
            return self.__dict__["vocabulary"]
        except KeyError:
            raise AttributeError("vocabulary") from None

    @vocabulary.setter
    def vocabulary(self, value: Any) -> None:
        # An iterator (a generator, iter(list)) is read into a list once: read again by a refit, save, clone or
        # pickle, it was empty (a saved model could not be loaded), or could not be copied at all.
        self.__dict__["vocabulary"] = list(value) if isinstance(value, abc.Iterator) else value

    # ----------------------------------------------------------------------------------------- configuration

    def _weighting(self) -> str:
        return "count"

    def _options(self) -> dict[str, Any]:
        min_df, min_frac = _df_bound("min_df", self.min_df)
        max_df, max_frac = _df_bound("max_df", self.max_df)
        mf = self.max_features
        if mf is not None and (isinstance(mf, bool) or not isinstance(mf, numbers.Integral)):
            raise TypeError(f"max_features must be an int or None, not {type(mf).__name__}")
        if mf is not None and not 1 <= mf < 2**63:
            raise ValueError(f"max_features must be an int in [1, 2**63) or None, got {mf!r}")
        lo, hi = _ngram_range(self.ngram_range)
        return {
            "weighting": self._weighting(),
            "dtype": self._dtype(),
            # (dtype=bool: counted as binary, so that max_features ranks terms by the sums of the bool matrix,
            # their document frequencies, as scikit-learn's does)
            "binary": bool_arg("binary", self.binary) or self._counts_as_bool(),
            "min_df": min_df,
            "min_df_is_fraction": min_frac,
            "max_df": max_df,
            "max_df_is_fraction": max_frac,
            "max_features": int(mf or 0),
            "ngram_min": lo,
            "ngram_max": hi,
        }

    def _dtype(self) -> str:
        """The dtype the core computes in: the one asked for, or for another bool, int or float dtype (bool,
        uint8, int16, longdouble...) int64 or float64, which the matrix is then cast to (as scikit-learn's
        astype). float16 is refused: scipy.sparse has no such matrices (before scipy 1.15 it made them, and
        failed on them later, in toarray)."""
        if self.dtype is None:
            # Counts, as scikit-learn's, whose matrix then takes the dtype of its C int counts (int32), not
            # numpy's dtype(None), float64.
            return np.dtype(np.intc).name
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            raise TypeError(f"dtype must be a numpy dtype, not {self.dtype!r}") from None
        if dtype.name in self._dtypes:
            return dtype.name
        try:
            sp.csr_matrix((1, 1), dtype=dtype)
        except ValueError:
            dtype = np.dtype(object)
        if dtype == np.float16:
            dtype = np.dtype(object)
        if dtype.kind in "biu":
            return "int64"
        if dtype.kind == "f":
            return "float64"
        raise ValueError(f"{type(self).__name__} supports the bool, int and float dtypes of scipy.sparse; got "
                         f"{np.dtype(self.dtype).name}")

    _casts_dtype = True  # (see _dtype; TfidfVectorizer takes float64 instead)

    def _cast(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """X in the dtype asked for, if the core computed it in another (see _dtype)."""
        if not self._casts_dtype or self.dtype is None:
            return X
        dtype = np.dtype(self.dtype)
        return X if X.dtype == dtype else X.astype(dtype)

    def _counts_as_bool(self) -> bool:
        """dtype=bool: scikit-learn counts in bools, every count 1, for TfidfVectorizer too (whose weights it then
        makes in float64)."""
        try:
            return self.dtype is not None and np.dtype(self.dtype) == np.bool_
        except TypeError:
            return False  # (refused by _dtype)

    def _fixed_vocabulary(self) -> list[str] | None:
        vocabulary = self.vocabulary
        if vocabulary is None:
            return None
        if isinstance(vocabulary, (set, frozenset)):
            vocabulary = sorted(vocabulary)
        if isinstance(vocabulary, Mapping):
            indices = set(vocabulary.values())
            if len(indices) != len(vocabulary):
                raise ValueError("Vocabulary contains repeated indices.")
            for i in range(len(vocabulary)):
                if i not in indices:
                    raise ValueError(f"Vocabulary of size {len(vocabulary)} doesn't contain index {i}.")
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
        else:
            terms = list(vocabulary)
            seen: set = set()
            for t in terms:
                if t in seen:
                    raise ValueError(f"Duplicate term in vocabulary: {t!r}")
                seen.add(t)
        if not terms:
            raise ValueError("empty vocabulary passed to fit")
        for i, t in enumerate(terms):  # (before any use of the terms: the warning below splits them)
            if not isinstance(t, (str, bytes)):
                raise TypeError(f"vocabulary[{i}] must be str or bytes, not {type(t).__name__}")
        return terms

    def _warn_unmatchable_vocabulary(self) -> None:
        """Once per fit: a warning for the terms of a fixed vocabulary that akhbar's word analyser can never give:
        a word not as the tokeniser writes it (القاهرة, where it writes القاهره; 12,500 for 12500), more or fewer
        words than ngram_range allows, or, without stemming (or kept proclitics), a stop word. Such a term counts
        nothing, without a word otherwise. (A stem can be any token's, stop words included: terms in written form
        are not judged.)"""
        options = self._analyzer_dict()
        if options is None or options["analyzer"] != "word" or self.preprocessor is not None:
            return
        terms = self._fixed_vocabulary()
        if terms is None:
            return
        terms = [t.decode("utf-8", "replace") if isinstance(t, bytes) else t for t in terms]  # (bytes terms count)
        lo, hi = options["ngram_min"], options["ngram_max"]
        tokenizer = _core.Tokenizer({k: v for k, v in options.items() if k in TOKENIZER_DEFAULTS})
        written = {}
        for w in {w for t in terms for w in t.split(" ")}:
            tokens = tokenizer.tokenize(w)
            written[w] = " ".join(tokens) if tokens else "-"
        # (A stem, or a proclitic kept as a token, may be spelled as a stop word: then stop words prove nothing.)
        judge_stop = options["stop_words"] and options["stemmer"] == "none" and not options["keep_clitics"]
        stop = frozenset(_core.normalized_stop_words(options)) if judge_stop else frozenset()
        bad = {w for w, form in written.items() if form != w or w in stop}
        never = []
        for t in terms:  # (a vocabulary of n-grams has hundreds of thousands: the common case is cheap)
            n = t.count(" ") + 1
            if not lo <= n <= hi:
                never.append((t, f"{n} words, outside ngram_range ({lo}, {hi})"))
            elif bad and not bad.isdisjoint(parts := t.split(" ")):
                forms = " ".join(written[w] for w in parts)
                never.append((t, f"the tokeniser writes {forms!r}" if forms != t else "a stop word"))
        if never:
            shown = ", ".join(f"{t!r} ({reason})" for t, reason in never[:5])
            more = f" and {len(never) - 5} more" if len(never) > 5 else ""
            warn_user(f"vocabulary term(s) {shown}{more} can never match: the analyser normalises and tokenises the "
                      "text before it counts, so give terms as it writes them (build_analyzer()(text) shows them)")

    def _new_model(self):
        analyzer = self._analyzer_dict()
        model = _core.Vectorizer(self._options(), analyzer)
        terms = self._fixed_vocabulary()
        if terms is not None:
            model.set_vocabulary(terms)
        return model

    def _selector(self) -> Callable | None:
        """numpy's argsort on the total counts, as scikit-learn's _limit_features, so that ties at the
        max_features cut are broken exactly as scikit-learn breaks them."""
        if self.max_features is None:
            return None
        dtype = np.dtype(self._dtype())
        sum_dtype = np.int64 if dtype.kind == "i" else dtype

        def select(tfs: np.ndarray, limit: int) -> np.ndarray:
            return (-tfs.astype(sum_dtype)).argsort()[:limit]

        return select

    # --------------------------------------------------------------------------------------------- fitting

    def _feed(self, model, raw_documents, n_jobs: int) -> None:
        mode = self._mode()
        for start, batch in self._batches(raw_documents):
            batch = self._prepare(mode, batch, start)
            if mode == "text":
                model.add_texts(batch, start, n_jobs)
            else:
                model.add_terms(batch, start, n_jobs, mode == "tokens", self._producer(mode))

    def _fit(self, raw_documents, keep_rows: bool, warn: bool = True, locked: bool = False, partial: bool = False):
        """Fits a new model, which replaces the current one under the write lock (`locked`: the caller holds it).
        Transforms go on with the current model meanwhile. `partial` (a first partial_fit): bounds that keep no
        term yet give a model without features, not an error."""
        n_jobs = _resolve_n_jobs(self.n_jobs)
        model = self._new_model()
        if warn:
            self._warn_unused_params()
            self._warn_unmatchable_vocabulary()
        model.begin_fit(True, keep_rows)
        self._feed(model, raw_documents, n_jobs)
        # (A first partial_fit of no documents is no error while the model has no features to weight: with a
        # given vocabulary it has, and their idf would be undefined.)
        if model.n_documents == 0 and self._weighting() != "count" and (not partial or model.n_features > 0):
            # (a given vocabulary, so no "empty vocabulary" error): no idf without documents, nor BM25's
            # average length; scikit-learn's TfidfVectorizer refuses them too.
            raise ValueError(f"{type(self).__name__}.fit needs at least one document (got none): its weights are "
                             "document statistics")
        model.end_fit(self._selector(), n_jobs, partial)
        X = self._cast(_to_csr(model.take_fit_matrix(n_jobs))) if keep_rows else None
        if locked:
            self._set_fitted_model(model)
        else:
            with self._guard().writing():  # (not while a partial_fit changes the model: it would put it back)
                self._set_fitted_model(model)
        return X

    def _set_fitted_model(self, model) -> None:
        """`model`, fitted with the current parameters (kept as they are now: see _fitted)."""
        self._fit_params = _snapshot(self.get_params())
        self._set_model(model)

    def _set_model(self, model) -> None:
        self._model = model
        self._model_fitted = bool(model.fitted)
        # A new object at every fit and partial fit: what a RelatedArticles index built on this vectoriser checks
        # to tell that its columns are still the vectoriser's features.
        self._fit_token = object()
        self.__dict__.pop("_fitted_view", None)  # (it holds the model it was made with)
        self._infinite_idf = bool(model.fitted and model.n_features and not np.all(np.isfinite(model.idf())))
        self._model_caches: dict[str, Any] = {}  # what is derived from the model, made on first use (_cached)
        self.fixed_vocabulary_ = bool(model.fixed_vocabulary)

    def _cached(self, key: str, build: Callable[[], Any]) -> Any:
        """build(), made once per fitted model (feature names, vocabulary_, idf_...: each is O(features), and
        users read them per term or per row)."""
        caches = self.__dict__.setdefault("_model_caches", {})
        if key not in caches:
            with self._guard().reading():
                caches[key] = build()
        return caches[key]

    def _feature_names(self) -> np.ndarray:
        """The feature names, not copied (get_feature_names_out gives the user a copy)."""
        return self._cached("names", lambda: np.asarray(self._model.feature_names(), dtype=object))

    def _read_only(self, key: str, build: Callable[[], np.ndarray]) -> np.ndarray:
        """An array attribute made once per model and returned as is: read-only, since writing into it would
        change nothing in the model (unlike scikit-learn's idf_)."""
        def make() -> np.ndarray:
            a = np.array(build())
            a.flags.writeable = False
            return a

        return self._cached(key, make)

    def fit(self, raw_documents: Iterable[str], y: Any = None):
        """Learns the vocabulary (and idf) of ``raw_documents``, an iterable of str. Returns self."""
        self._fit(raw_documents, keep_rows=False)
        return self

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """Learns the vocabulary and returns the document-term matrix (analysing each document once)."""
        return self._fit(raw_documents, keep_rows=True)

    def partial_fit(self, raw_documents: Iterable[str], y: Any = None):
        """Adds the statistics of ``raw_documents`` to the fitted model: new terms, document frequencies, the
        document count, and with them the features (pruning) and idf. ``fit(a)`` then ``partial_fit(b)``
        gives the model ``fit(a + b)`` would (the model keeps the statistics of pruned terms for this). It uses
        the parameters of the last ``fit``; on an unfitted vectoriser it is ``fit``, except that until the model
        has features, ``min_df``/``max_df`` keeping no term yet (a stream of single articles with ``min_df=2``),
        or no term at all yet (stop words only, no documents), is no error: the model then has no features
        (``transform`` gives zero columns) until later batches bring terms within the bounds. Bounds that no
        number of documents opens (``max_df`` below ``min_df``, both counts or both fractions, or a fraction
        ``min_df`` over a count ``max_df``) raise, and so does a partial_fit that would prune every feature of a
        model that has some, as ``fit`` does. On error the model is left as it was. Returns self."""
        with self._guard().writing():  # (decided under the lock: two first partial_fits at once each fitted alone)
            if not self._is_fitted():
                self._fit(raw_documents, keep_rows=False, locked=True, partial=True)
                return self
            return self._partial_fit(raw_documents)

    def _fitted(self):
        """This vectoriser as it was fitted: parameters set since take effect at the next fit (its docstring), so
        transform, partial_fit and idf_ read the fitted ones (n_jobs and progress excepted: they change no
        result). Made once per fit: comparing the parameters at every call cost a one-text transform 2.5x."""
        fitted = self.__dict__.get("_fit_params")
        if fitted is None:
            return self
        cached = self.__dict__.get("_fitted_view")
        if cached is None:
            names = set(self._param_names())
            view = object.__new__(type(self))
            view.__dict__.update(self.__dict__)
            view.__dict__.update({k: v for k, v in fitted.items() if k in names})
            view._analyzer_options = {k: v for k, v in fitted.items() if k not in names}
            view.__dict__["_fitted_params"] = True  # (its parameters never change: _prepare keeps its stop test)
            self.__dict__["_fitted_view"] = cached = view
        cached.n_jobs, cached.progress, cached._model = self.n_jobs, self.progress, self._model
        return cached

    def _guard(self) -> ReadWriteLock:
        # Any number of transforms read the model at once; a partial_fit (which changes it in place) runs alone.
        # One started by a transform's own thread (from the generator it reads) cannot wait for that transform:
        # it raises instead of labelling the rows already made with the old columns under the new features.
        # New readers wait for a waiting partial_fit, but for _WRITER_PATIENCE seconds at most: never, and a
        # stream of transforms from a few threads held a partial_fit back for ever; for ever, and a transform whose
        # documents come from another thread that transforms too would wait for that thread, which would wait
        # for the partial_fit.
        guard = self.__dict__.get("_model_guard")
        if guard is not None:
            return guard
        return self.__dict__.setdefault("_model_guard", ReadWriteLock(
            "cannot fit or partial_fit this vectoriser while it transforms (from the documents it is reading?)",
            "cannot use this vectoriser's model inside its own partial_fit", prefer_writers=_WRITER_PATIENCE))

    def _partial_fit(self, raw_documents: Iterable[str]):
        n_jobs = _resolve_n_jobs(self.n_jobs)
        model = self._model
        fitted = self._fitted()
        try:
            model.begin_fit(False, False)  # (keeps what the fit changes, for abort_fit)
            fitted._feed(model, raw_documents, n_jobs)
            model.end_fit(fitted._selector(), n_jobs, True)  # (partial: see partial_fit)
        except BaseException:
            model.abort_fit()  # the model as it was before
            raise
        self._set_model(model)
        return self

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """The document-term matrix of ``raw_documents`` over the fitted features (other terms are ignored)."""
        self._check_fitted()
        with self._guard().reading():
            return self._fitted()._transform(raw_documents)

    def _transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        n_jobs = _resolve_n_jobs(self.n_jobs)
        mode = self._mode()
        model = self._model
        rows = _core._VectorizerRows()
        for start, batch in self._batches(raw_documents):
            batch = self._prepare(mode, batch, start)
            if mode == "text":
                model.transform_texts(rows, batch, start, n_jobs)
            else:
                model.transform_terms(rows, batch, start, n_jobs, mode == "tokens", self._producer(mode))
        X = _to_csr(model.finish(rows, n_jobs))
        if self.__dict__.get("_infinite_idf") and X.nnz and not np.all(np.isfinite(X.data)):
            # smooth_idf=False gives a term of a given vocabulary that no fitted document holds an infinite idf:
            # scikit-learn refuses such rows too.
            raise ValueError("Input contains infinity: a term of the given vocabulary was in no fitted document, "
                             "so its idf is infinite with smooth_idf=False; use smooth_idf=True")
        return self._cast(X)

    # ------------------------------------------------------------------------------------------ attributes

    def _is_fitted(self) -> bool:
        # (Kept by _set_model, not asked of the C++ model: during a partial_fit, which changes it in place, the
        # model says it is not fitted, and a transform then raised NotFittedError instead of waiting for it.)
        return getattr(self, "_model", None) is not None and self.__dict__.get("_model_fitted", False)

    def __sklearn_is_fitted__(self) -> bool:
        return self._is_fitted()

    def _check_fitted(self) -> None:
        if not self._is_fitted():
            try:
                from sklearn.exceptions import NotFittedError
            except ImportError:  # scikit-learn is optional
                NotFittedError = _NotFittedError  # noqa: N806
            raise NotFittedError(
                f"This {type(self).__name__} instance is not fitted yet. Call 'fit' with appropriate arguments "
                "before using this estimator."
            )

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The feature names (terms) in column order, as a numpy object array. With a fixed ``vocabulary``, also
        before a fit, as scikit-learn's."""
        if not self._is_fitted() and getattr(self, "vocabulary", None) is not None:
            return np.array(self._fixed_names(), dtype=object)
        self._check_fitted()
        return self._feature_names().copy()

    def _fixed_names(self) -> list[str]:
        """The terms of the fixed vocabulary in column order, as the model names them (bytes decoded)."""
        return [t.decode("utf-8", "replace") if isinstance(t, bytes) else t for t in self._fixed_vocabulary()]

    @property
    def vocabulary_(self) -> dict[str, int]:
        """A dict term -> column (built on first access from the C++ vocabulary; read-only: ``dict(...)`` of it
        is an editable copy). With a fixed ``vocabulary``, also before a fit, as scikit-learn's."""
        if not self._is_fitted() and self.vocabulary is not None:
            return _FittedVocabulary(zip(self._fixed_names(), itertools.count()))
        self._check_fitted()
        return self._cached(
            "vocabulary", lambda: _FittedVocabulary(zip(self._model.feature_names(), itertools.count()))
        )

    @property
    def document_frequencies_(self) -> np.ndarray:
        """Per feature, the number of fitted documents containing it (read-only)."""
        self._check_fitted()
        return self._read_only("document_frequencies", self._model.document_frequencies)

    @property
    def n_documents_(self) -> int:
        """Number of documents fitted (fit plus every partial_fit)."""
        self._check_fitted()
        return self._model.n_documents

    def memory_usage(self) -> dict[str, int]:
        """Heap bytes of the C++ model: ``vocabulary`` (terms and their hash table), ``model`` (everything),
        ``terms`` (the number of terms held: features and pruned terms, kept for exact partial_fit), and
        ``cache`` (the analysis cache kept between calls, see ``clear_cache``; not part of the model)."""
        self._check_fitted()
        with self._guard().reading():
            return self._memory_usage()

    def _memory_usage(self) -> dict[str, int]:
        return {
            "vocabulary": self._model.vocabulary_bytes,
            "model": self._model.memory_bytes,
            "terms": self._model.n_terms_seen,
            "cache": self._model.cache_bytes,
        }

    def clear_cache(self) -> None:
        """Frees the analysis cache. ``fit`` and ``transform`` keep the analysis of the text pieces they met
        (at most 128 MB in all, whatever ``n_jobs``), so that later calls skip re-analysing them; results never
        depend on it, and it is not saved or pickled."""
        if getattr(self, "_model", None) is not None:
            self._model.clear_cache()

    def inverse_transform(self, X: Any) -> list[np.ndarray]:
        """The terms with non-zero entries in each row of ``X`` (sparse or dense), as scikit-learn returns
        (with a fixed ``vocabulary``, also before a fit)."""
        if not self._is_fitted() and self.vocabulary is not None:
            names = np.array(self._fixed_vocabulary(), dtype=object)
        else:
            self._check_fitted()
            names = self._feature_names()
        if len(getattr(X, "shape", ())) == 2 and X.shape[1] > len(names):
            raise ValueError(f"X has {X.shape[1]} columns but this vectoriser has {len(names)} features")
        def check_finite(values: np.ndarray) -> None:  # (NaN is not zero: it named every term, as a weight)
            if values.dtype.kind in "fc" and not np.isfinite(values).all():
                raise ValueError("Input contains NaN or infinity.")

        if sp.issparse(X):
            X = sp.csr_matrix(X, copy=True)  # (eliminate_zeros works in place: the caller's matrix stays)
            check_finite(X.data)
            X.eliminate_zeros()
            return [names[X.indices[X.indptr[i] : X.indptr[i + 1]]].ravel() for i in range(X.shape[0])]
        X = np.asarray(X)
        if X.ndim != 2:
            raise ValueError(f"X must be 2-D, got an array of shape {X.shape}")
        check_finite(X)
        return [names[np.flatnonzero(X[i, :])].ravel() for i in range(X.shape[0])]

    # ----------------------------------------------------------------------------------------- persistence

    def _metadata(self, strict: bool) -> bytes:
        params = self.get_params()
        if not strict:
            return b""
        # (The class of akhbar's that this one is or derives from: a subclass loads through its own from_bytes.)
        name = next(c.__name__ for c in type(self).__mro__ if c in (CountVectorizer, TfidfVectorizer))
        info = {"class": name, _FORMAT_VERSION_KEY: 1, "params": _jsonable(params, type(self).__name__)}
        if self._own_blocks():  # (its terms come from its own methods: only such a class may load it)
            info["own_blocks"] = sorted(self._own_blocks())
        fitted = self._fit_params_if_changed()
        if fitted is not None:
            info["fit_params"] = _jsonable(fitted, type(self).__name__)
        return json.dumps(info).encode()

    def _fit_params_if_changed(self) -> dict[str, Any] | None:
        """The parameters of the last fit if any has been set differently since, else None. (Compared whole,
        by _frozen: `==` between pandas Series or numpy arrays is no single truth value.)"""
        fitted = getattr(self, "_fit_params", None)
        if fitted is None or _frozen(fitted) == _frozen(self.get_params()):
            return None
        return fitted

    def to_bytes(self) -> bytes:
        """The fitted model and its parameters in akhbar's versioned binary format (``from_bytes`` reads it).
        Callable parameters cannot be stored this way: pickle such a vectoriser instead."""
        self._check_fitted()
        self._fitted()._check_run_params()  # (as from_bytes checks them: a file saved must load)
        with self._guard().reading():
            return self._model.to_bytes(self._metadata(strict=True))

    def save(self, path: str | os.PathLike) -> None:
        """Writes ``to_bytes()`` to ``path`` (atomically: a temporary file, then a rename)."""
        write_atomic(path, self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes):
        """A fitted vectoriser from ``to_bytes()`` output. Raises ``akhbar.FormatError`` (a ValueError) for
        truncated, corrupted or foreign data, or a format version this akhbar does not read, saying which."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        model, meta = _core.Vectorizer.from_bytes(bytes(data))
        if not model.fitted:  # (to_bytes writes fitted models only: a C++ program may save another)
            raise FormatError("this data holds a vectoriser that was never fitted, which to_bytes does not write")
        with _stored_params():
            info = json.loads(meta.decode())
            if not isinstance(info, dict) or not isinstance(info.get("class"), str):
                raise FormatError("corrupt data: the vectoriser's metadata is not what to_bytes writes")
            _check_params_version(info)
            name, params = info["class"], _from_jsonable(info["params"])
            fitted = _from_jsonable(info["fit_params"]) if "fit_params" in info else None
            klass = {"CountVectorizer": CountVectorizer, "TfidfVectorizer": TfidfVectorizer}.get(name)
            if klass is None:
                raise FormatError(f"this data holds a {name!r}, not a CountVectorizer or TfidfVectorizer")
            if issubclass(cls, klass):  # (a subclass of the class stored: the caller's)
                klass = cls
            elif cls is not _VocabularyVectorizer and not issubclass(klass, cls):
                raise FormatError(f"this data holds a {name}, not a {cls.__name__}")
            stored_blocks = info.get("own_blocks", [])
            if sorted(_own_blocks_of(klass)) != stored_blocks:
                raise FormatError(
                    f"this vectoriser was fitted by a {name} subclass that analyses with its own "
                    f"{', '.join(stored_blocks) or 'nothing'}, and {klass.__name__} analyses with its own "
                    f"{', '.join(sorted(_own_blocks_of(klass))) or 'nothing'}: load it with the class that saved it")
            obj = _restore(klass, params, None, fitted, model)
            obj._check_stored_params()
            return obj

    def _check_stored_params(self) -> None:
        """Raises FormatError unless the parameters of the last fit pass a fit's checks and are the model's own:
        a file's metadata could otherwise describe another vectoriser than its model (a TF-IDF model read as a
        CountVectorizer reported integer counts while giving normalised weights)."""
        fitted = self._fitted()
        fitted._check_run_params()
        fitted._analyzer_dict()  # (checks the analyser's parameters and the mode)
        fitted._fixed_vocabulary()
        _check_model_options(fitted._options(), self._model.options())

    @classmethod
    def load(cls, path: str | os.PathLike):
        """Reads a vectoriser written by ``save``. Raises ``akhbar.FormatError`` as ``from_bytes`` does."""
        return cls.from_bytes(read_model_file(path))

    def __reduce__(self):
        if not self._is_fitted():
            return (_restore, (type(self), self.get_params(), None), self._extra_state())
        with self._guard().reading():
            state = self._model.to_bytes(b"")
        return (_restore, (type(self), self.get_params(), state, self._fit_params_if_changed()), self._extra_state())


class _FittedVocabulary(ReadOnly, dict):
    """``vocabulary_``: a dict of the fitted model's terms -> columns, made once per model, that refuses changes.

    Editing it would change nothing in the model (the C++ vocabulary does the work), yet every later read of
    ``vocabulary_`` would show the edit. It is read like any dict; ``dict(v.vocabulary_)`` or ``.copy()`` gives
    an editable copy, and pickling or deep-copying it gives a plain dict."""

    __slots__ = ()
    _plain = dict
    _message = ("vocabulary_ is read-only: it describes the fitted model, which editing it would not change. For "
                "another vocabulary, pass vocabulary= to a new vectoriser (dict(v.vocabulary_) is an editable copy)")
    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = __ior__ = ReadOnly._refuse


def _frozen(v: Any) -> Any:
    """`v` as nested tuples of its items, whole (to compare parameter values, whatever their container)."""
    if v is None or isinstance(v, (str, bytes, bool, numbers.Number, type, np.dtype)) or callable(v):
        return v
    if isinstance(v, Mapping):
        return ("mapping", tuple(sorted(((_frozen(k), _frozen(x)) for k, x in v.items()), key=repr)))
    if isinstance(v, (set, frozenset)):
        return ("set", tuple(sorted((_frozen(x) for x in v), key=repr)))
    try:
        return ("sequence", tuple(_frozen(x) for x in v))
    except TypeError:
        return v


@contextmanager
def _stored_params():
    """Parameters read from a file that a constructor or fit refuses, or metadata of another shape, raise
    FormatError: not what to_bytes writes."""
    try:
        yield
    except FormatError:
        raise
    except (ValueError, KeyError, TypeError, AttributeError, RecursionError, OverflowError) as e:
        raise FormatError(f"corrupt data: the vectoriser's parameters are invalid ({type(e).__name__}: {e})") from None


def _check_params_version(info: dict[str, Any]) -> None:
    """FormatError unless the stored parameters are in the version this akhbar writes (every file has it)."""
    version = info.get(_FORMAT_VERSION_KEY)
    if version != 1:
        raise FormatError(f"the vectoriser's parameters are stored in version {version!r}, which this akhbar does not "
                          "read (it reads version 1): a newer akhbar wrote them, or the data is damaged")


def _check_model_options(expected: dict[str, Any], actual: dict[str, Any]) -> None:
    """FormatError unless the loaded C++ model has the options its stored parameters give."""
    for key, value in expected.items():
        if actual[key] != value:
            raise FormatError(
                f"corrupt data: the stored parameters give {key}={value!r}, but the model has {actual[key]!r}"
            )


def _check_model_analyzer(model, options: dict[str, Any] | None) -> None:
    """FormatError unless the loaded C++ model's analyser (stored with it since akhbar's vectoriser payload 3) is
    the one its stored parameters give."""
    differs = model.analyzer_difference(options)
    if differs:
        raise FormatError(f"corrupt data: the stored parameters give another analyser than the model's ({differs})")


def _snapshot(params: dict[str, Any]) -> dict[str, Any]:
    """A copy of parameters that later changes to the objects given (a stop-word list edited in place) do not
    reach; callables and other objects that cannot be copied are kept as they are."""
    out = {}
    for k, v in params.items():
        try:
            out[k] = copy.deepcopy(v)
        except Exception:
            out[k] = v
    return out


def _restore(cls, params: dict[str, Any], state: bytes | None, fitted: dict[str, Any] | None = None, model=None):
    """A vectoriser with parameters `params` over the model `state` (or `model`) fitted with `fitted` (None:
    with `params`)."""
    obj = cls(**(params if fitted is None else fitted))
    if model is None and state is not None:
        model, _ = _core.Vectorizer.from_bytes(state)
    if model is not None:
        options = obj._analyzer_dict()
        _check_model_analyzer(model, options)
        model.set_analyzer(options)
        obj._set_fitted_model(model)
        if fitted is not None:
            obj.set_params(**params)
    return obj


class CountVectorizer(_VocabularyVectorizer):
    """Converts documents to a matrix of term counts, as ``sklearn.feature_extraction.text.CountVectorizer``,
    with akhbar's Arabic analyser (normalise, tokenise, drop stop words, stem) and a C++ core.

    Parameters (scikit-learn's, with its meaning):

    - ``analyzer``: ``"word"`` (akhbar's analyser), ``"char"``, ``"char_wb"`` (character n-grams of the
      normalised text), or a callable returning the terms of a document (then ``ngram_range``, ``tokenizer``,
      ``preprocessor`` and ``stop_words`` do not apply).
    - ``tokenizer``: a callable returning the tokens of a document; word n-grams (``ngram_range``) are built
      from them as scikit-learn does, after removing ``stop_words`` (a collection, matched as given, or a
      built-in list name, matched normalised as akhbar's analyser normalises: ``إلى`` and ``الى`` both go).
      The tokens are used as given, as scikit-learn's with ``lowercase=False`` (akhbar takes no
      ``lowercase``: its analyser folds case; a tokenizer or preprocessor of yours does its own).
    - ``preprocessor``: a callable applied to each document before analysis.
    - ``stop_words``: for akhbar's analyser, ``True`` (default: the built-in Arabic list), ``False``/``None``
      (none), a list name (``"arabic"``, ``"english"``) or a collection of words.
    - ``ngram_range``, ``min_df``, ``max_df``, ``max_features``, ``vocabulary``, ``binary``, ``dtype``: as
      scikit-learn (ties at the ``max_features`` cut are broken exactly as scikit-learn's; a dtype other than
      int32, int64, float32, float64 is counted in int64 or float64 and cast).
    - ``n_jobs``: threads (None: 1; -1: all cores); results are identical for any value.
    - ``progress``: show a tqdm progress bar.
    - Any other keyword is an analyser option passed through (``stemmer="snowball"``, ``fold_teh_marbuta=False``,
      ``keep_numbers=False``, ...: see ``akhbar.Analyzer``).

    Attributes: ``vocabulary_``, ``fixed_vocabulary_``, ``document_frequencies_``, ``n_documents_``;
    ``get_feature_names_out()``. The output is a ``scipy.sparse.csr_matrix`` on the C++ buffers (no copy),
    with 32-bit indices unless the size needs 64.
    """

    def __init__(
        self,
        *,
        analyzer: str | Callable = "word",
        tokenizer: Callable | None = None,
        preprocessor: Callable | None = None,
        stop_words: Any = True,
        ngram_range: tuple[int, int] = (1, 1),
        max_df: float | int = 1.0,
        min_df: float | int = 1,
        max_features: int | None = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.int64,
        n_jobs: int | None = None,
        progress: bool = False,
        **analyzer_options: Any,
    ) -> None:
        self.analyzer = analyzer
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress
        self._analyzer_options = analyzer_options
        self._model = None
        self._check_analyzer_options()

    def _fix_vocabulary(self) -> None:
        # As scikit-learn's CountVectorizer: with a fixed vocabulary there is nothing to learn, so it can count
        # without a fit (a fit on no documents sets the vocabulary up and validates it).
        if not self._is_fitted() and self.vocabulary is not None:
            self._warn_unmatchable_vocabulary()  # (akhbar's own warning: the trap is the same without a fit)
            self._fit([], keep_rows=False, warn=False)  # (scikit-learn warns at fit only)

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """The document-term matrix of ``raw_documents`` over the fitted features (other terms are ignored).
        With a fixed ``vocabulary`` it needs no fit, as scikit-learn's."""
        self._fix_vocabulary()
        return super().transform(raw_documents)

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The feature names (terms) in column order, as a numpy object array (with a fixed ``vocabulary``,
        also before a fit)."""
        self._fix_vocabulary()
        return super().get_feature_names_out(input_features)


class TfidfVectorizer(_VocabularyVectorizer):
    """Converts documents to a matrix of TF-IDF (or BM25) weights, as
    ``sklearn.feature_extraction.text.TfidfVectorizer``, with akhbar's Arabic analyser and a C++ core.

    Takes every ``CountVectorizer`` parameter (``dtype`` float32 or float64), and:

    - ``norm`` (``"l2"``, ``"l1"``, None), ``use_idf``, ``smooth_idf``, ``sublinear_tf``: scikit-learn's.
      TF-IDF: ``tf * idf``, ``idf = ln((1 + n) / (1 + df)) + 1`` (``ln(n / df) + 1`` without smoothing),
      ``tf`` replaced by ``1 + ln(tf)`` with ``sublinear_tf``, then rows normalised.
    - ``weighting="bm25"`` with ``k1`` (1.2) and ``b`` (0.75): Lucene's BM25 weights
      ``idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * |d| / avgdl))`` with
      ``idf = ln(1 + (n - df + 0.5) / (df + 0.5))``, ``|d|`` the number of terms of the document and
      ``avgdl`` the mean over the fitted documents; then ``norm`` applies (pass ``norm=None`` for raw BM25).
      ``smooth_idf`` does not apply; ``sublinear_tf=True`` is an error.

    Attributes: those of ``CountVectorizer``, and ``idf_`` (when ``use_idf``).
    """

    _dtypes = ("float32", "float64")

    def __init__(
        self,
        *,
        analyzer: str | Callable = "word",
        tokenizer: Callable | None = None,
        preprocessor: Callable | None = None,
        stop_words: Any = True,
        ngram_range: tuple[int, int] = (1, 1),
        max_df: float | int = 1.0,
        min_df: float | int = 1,
        max_features: int | None = None,
        vocabulary: Any = None,
        binary: bool = False,
        dtype: Any = np.float64,
        norm: str | None = "l2",
        use_idf: bool = True,
        smooth_idf: bool = True,
        sublinear_tf: bool = False,
        weighting: str = "tfidf",
        k1: float = 1.2,
        b: float = 0.75,
        n_jobs: int | None = None,
        progress: bool = False,
        **analyzer_options: Any,
    ) -> None:
        self.analyzer = analyzer
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.max_df = max_df
        self.min_df = min_df
        self.max_features = max_features
        self.vocabulary = vocabulary
        self.binary = binary
        self.dtype = dtype
        self.norm = norm
        self.use_idf = use_idf
        self.smooth_idf = smooth_idf
        self.sublinear_tf = sublinear_tf
        self.weighting = weighting
        self.k1 = k1
        self.b = b
        self.n_jobs = n_jobs
        self.progress = progress
        self._analyzer_options = analyzer_options
        self._model = None
        self._check_analyzer_options()

    def _weighting(self) -> str:
        if self.weighting not in ("tfidf", "bm25"):
            raise ValueError(f"weighting must be 'tfidf' or 'bm25', not {self.weighting!r}")
        return self.weighting

    def _asked_dtype(self) -> str:
        return np.dtype(self.dtype).name if self.dtype is not None else "float64"

    def _dtype(self) -> str:
        name = self._asked_dtype()
        return name if name in self._dtypes else "float64"  # (with a warning at fit: _param_warnings)

    def _param_warnings(self) -> None:
        if self.weighting != "bm25":
            for param, default in (("k1", 1.2), ("b", 0.75)):
                if getattr(self, param) != default:
                    warn_user(f"The parameter '{param}' will not be used since weighting != 'bm25'")
        name = self._asked_dtype()
        if name not in self._dtypes:
            warn_user(f"Only float32 and float64 are supported as dtype of TfidfVectorizer; got {name}, float64 will "
                      "be used instead.")

    _casts_dtype = False  # (another dtype is float64, with a warning, as scikit-learn's)

    def _options(self) -> dict[str, Any]:
        o = super()._options()
        for name in ("use_idf", "smooth_idf", "sublinear_tf"):
            if not isinstance(getattr(self, name), (bool, np.bool_)):
                raise TypeError(f"{name} must be True or False, not {getattr(self, name)!r}")
        for name in ("k1", "b"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, numbers.Real):
                raise TypeError(f"{name} must be a number, not {v!r}")
        o.update(
            norm=_norm(self.norm),
            use_idf=bool(self.use_idf),
            smooth_idf=bool(self.smooth_idf),
            sublinear_tf=bool(self.sublinear_tf),
            k1=float(self.k1),
            b=float(self.b),
        )
        return o

    @property
    def idf_(self) -> np.ndarray:
        """The idf of each feature (scikit-learn's, or BM25's with weighting="bm25"), in the output dtype
        (read-only: the model keeps its own)."""
        self._check_fitted()
        if not self._fitted().use_idf:
            raise AttributeError("idf_ is defined only when use_idf=True")
        model = self._model
        dtype = np.float32 if model.dtype == "float32" else np.float64
        return self._read_only("idf", lambda: model.idf().astype(dtype))

    @idf_.setter
    def idf_(self, value: Any) -> None:
        # scikit-learn's setter, to carry idf weights over from another model: one per feature, used until the
        # next fit or partial_fit computes them again from the statistics, and saved with the model. As in
        # scikit-learn, a vectoriser with a fixed vocabulary takes them before any fit, and can then transform.
        fitted = self._is_fitted()
        if not fitted and (self.vocabulary is None or self._weighting() != "tfidf"):
            self._check_fitted()  # (NotFittedError: BM25 needs a fit for its average length too)
        if not (self._fitted().use_idf if fitted else self.use_idf):
            raise ValueError("idf_ cannot be set when use_idf=False")
        try:
            if value is None or isinstance(value, (str, bytes)):  # (None would be a NaN, a str its digits)
                raise TypeError
            idf = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"idf_ must be a 1-D array of numbers, not {type(value).__name__}") from None
        if not np.isfinite(idf).all():
            raise ValueError("idf_ must be finite: it holds NaN or infinity")
        with self._guard().writing():
            if self._is_fitted() != fitted:  # (a fit or partial_fit ended meanwhile: the checks again)
                fitted = self._is_fitted()
                if not (self._fitted().use_idf if fitted else self.use_idf):
                    raise ValueError("idf_ cannot be set when use_idf=False")
            model = self._model if fitted else self._vocabulary_model()
            n = model.n_features
            if idf.ndim != 1:
                raise ValueError(f"idf_ must be a 1-D array, got shape {idf.shape}")
            if idf.size != n:
                raise ValueError(f"idf length = {idf.size} must be equal to vocabulary size = {n}")
            model.set_idf(idf)
            if fitted:
                self._set_model(model)  # (the caches go, and an index built on this vectoriser sees the change)
            else:
                self._set_fitted_model(model)

    def _vocabulary_model(self):
        """A model of the fixed vocabulary fitted on no documents, for idf weights given before any fit."""
        self._warn_unused_params()
        self._warn_unmatchable_vocabulary()
        model = self._new_model()
        model.begin_fit(True, False)
        model.end_fit(self._selector(), 1)
        return model


class HashingVectorizer(_ParamsMixin, _DocumentsMixin):
    """Converts documents to a matrix of hashed term counts, as
    ``sklearn.feature_extraction.text.HashingVectorizer`` (the same MurmurHash3 columns and signs), with akhbar's
    Arabic analyser. Stateless: no vocabulary to fit or store; ``fit`` only checks the parameters.

    Parameters: ``n_features`` (2**20), ``binary``, ``norm`` (``"l2"``), ``alternate_sign`` (True), ``dtype``
    (float64 or float32; an int or bool dtype as scikit-learn's: its counts, signed, or with bool every hashed
    term 1, in that dtype if ``norm`` is None, else normalised in float64), ``analyzer``, ``tokenizer``,
    ``preprocessor``, ``stop_words``, ``ngram_range``, ``n_jobs``, ``progress`` and analyser options, as
    ``CountVectorizer``. Text is analysed once per distinct piece between whitespace and each distinct term
    hashed once, in a cache kept between calls (``memory_usage()``, ``clear_cache()``); results never depend on
    it.
    """

    _requires_fit = False

    def __init__(
        self,
        *,
        analyzer: str | Callable = "word",
        tokenizer: Callable | None = None,
        preprocessor: Callable | None = None,
        stop_words: Any = True,
        ngram_range: tuple[int, int] = (1, 1),
        n_features: int = 2**20,
        binary: bool = False,
        norm: str | None = "l2",
        alternate_sign: bool = True,
        dtype: Any = np.float64,
        n_jobs: int | None = None,
        progress: bool = False,
        **analyzer_options: Any,
    ) -> None:
        self.analyzer = analyzer
        self.tokenizer = tokenizer
        self.preprocessor = preprocessor
        self.stop_words = stop_words
        self.ngram_range = ngram_range
        self.n_features = n_features
        self.binary = binary
        self.norm = norm
        self.alternate_sign = alternate_sign
        self.dtype = dtype
        self.n_jobs = n_jobs
        self.progress = progress
        self._analyzer_options = analyzer_options
        self._check_analyzer_options()

    def _impl(self):
        """The C++ vectoriser for the current parameters (rebuilt only when they change: building the analyser
        takes milliseconds, and the vectoriser keeps its analysis cache), but for n_jobs and progress, which
        steer each run."""
        params = {k: v for k, v in self.get_params().items() if k not in ("n_jobs", "progress")}
        key = _frozen(params)  # (repr shortened long Series and arrays: changes went unseen)
        cached = self.__dict__.get("_impl_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        impl = self._build_impl()
        self.__dict__["_impl_cache"] = (key, impl)
        return impl

    def _build_impl(self):
        nf = self.n_features
        if isinstance(nf, bool) or not isinstance(nf, numbers.Integral):
            raise TypeError(f"n_features must be an int, not {type(nf).__name__}")
        if not 1 <= nf <= 2**31 - 1:
            raise ValueError(f"n_features must be an int in [1, 2**31 - 1], got {nf!r}")
        lo, hi = _ngram_range(self.ngram_range)
        options = {
            "n_features": int(nf),
            "binary": bool_arg("binary", self.binary),
            "norm": _norm(self.norm),
            "alternate_sign": bool_arg("alternate_sign", self.alternate_sign),
            "dtype": self._core_dtype(),
            "ngram_min": lo,
            "ngram_max": hi,
        }
        if self._output_dtype().kind == "b":  # (scikit-learn's bool sums: any term, whatever its sign, is True)
            options["binary"], options["alternate_sign"] = True, False
        return _core.HashingVectorizer(options, self._analyzer_dict())

    def _output_dtype(self) -> np.dtype:
        try:
            dtype = np.dtype(self.dtype)
        except TypeError:
            raise TypeError(f"dtype must be a numpy dtype, not {self.dtype!r}") from None
        if dtype.kind not in "biuf" or dtype == np.float16 or dtype.itemsize > 8:
            raise ValueError(f"HashingVectorizer supports dtype float32, float64 and the int and bool dtypes; got "
                             f"{dtype.name}")
        if dtype.kind == "u" and self.alternate_sign is not False:
            raise ValueError(f"dtype {dtype.name} cannot hold the negative signs of alternate_sign=True")
        return dtype

    def _core_dtype(self) -> str:
        """The dtype the core computes in: the float one asked for, else float64 (exact for counts)."""
        dtype = self._output_dtype()
        return dtype.name if dtype.kind == "f" else "float64"

    def _cast(self, X: sp.csr_matrix) -> sp.csr_matrix:
        """An int or bool dtype's counts in that dtype, when they are not normalised (as scikit-learn's)."""
        dtype = self._output_dtype()
        if dtype.kind == "f" or self.norm is not None:
            return X
        return X.astype(dtype)

    def fit(self, X: Any = None, y: Any = None):
        """Checks the parameters (there is nothing to learn), warning of those the analyser does not use, as
        scikit-learn's. Returns self."""
        self._impl()
        self._warn_unused_params()
        return self

    def partial_fit(self, X: Any = None, y: Any = None):
        """Does nothing but check the parameters (stateless). Returns self."""
        self._impl()
        return self

    def transform(self, raw_documents: Iterable[str]) -> sp.csr_matrix:
        """The hashed matrix of ``raw_documents``, with the parameters as they are when it starts (a set_params
        from another thread meanwhile applies from the next call)."""
        view = object.__new__(type(self))
        view.__dict__.update(self.__dict__)  # (one copy under the GIL: a set_params is before it or after it)
        impl = view._impl()
        self.__dict__["_impl_cache"] = view.__dict__["_impl_cache"]
        return view._transform(raw_documents, impl)

    def _transform(self, raw_documents: Iterable[str], impl) -> sp.csr_matrix:
        n_jobs = _resolve_n_jobs(self.n_jobs)
        mode = self._mode()
        rows = _core._HashingRows()
        for start, batch in self._batches(raw_documents):
            batch = self._prepare(mode, batch, start)
            if mode == "text":
                impl.transform_texts(rows, batch, start, n_jobs)
            else:
                impl.transform_terms(rows, batch, start, n_jobs, mode == "tokens", self._producer(mode))
        return self._cast(_to_csr(impl.finish(rows, n_jobs)))

    def fit_transform(self, raw_documents: Iterable[str], y: Any = None) -> sp.csr_matrix:
        """``fit``, then ``transform``."""
        return self.fit().transform(raw_documents)

    def memory_usage(self) -> dict[str, int]:
        """Heap bytes of ``cache``, the analysis cache kept between calls (see ``clear_cache``)."""
        impl = self.__dict__.get("_impl_cache")
        return {"cache": impl[1].cache_bytes if impl is not None else 0}

    def clear_cache(self) -> None:
        """Frees the analysis cache. ``transform`` keeps the analysis of the text pieces it met and the columns
        of their terms (at most 128 MB in all, whatever ``n_jobs``), so that later calls skip them; results
        never depend on it, and it is not saved or pickled."""
        impl = self.__dict__.get("_impl_cache")
        if impl is not None:
            impl[1].clear_cache()

    def __sklearn_is_fitted__(self) -> bool:
        return True

    def to_bytes(self) -> bytes:
        """The parameters in akhbar's versioned binary format (``from_bytes`` reads it)."""
        self._check_run_params()  # (from_bytes checks them, and every other parameter through _impl: a file
        # saved must load)
        meta = json.dumps(
            {"class": "HashingVectorizer", _FORMAT_VERSION_KEY: 1, "params": _jsonable(self.get_params(), "HashingVectorizer")}
        ).encode()
        return self._impl().to_bytes(meta)

    def save(self, path: str | os.PathLike) -> None:
        """Writes ``to_bytes()`` to ``path``."""
        write_atomic(path, self.to_bytes())

    @classmethod
    def from_bytes(cls, data: bytes) -> HashingVectorizer:
        """A HashingVectorizer from ``to_bytes()`` output; ``akhbar.FormatError`` for bad data."""
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"data must be bytes, not {type(data).__name__}")
        model, meta = _core.HashingVectorizer.from_bytes(bytes(data))
        with _stored_params():
            info = json.loads(meta.decode())
            if not isinstance(info, dict) or info.get("class") != "HashingVectorizer":
                raise FormatError("corrupt data: this is no HashingVectorizer's metadata")
            _check_params_version(info)
            obj = cls(**_from_jsonable(info["params"]))
            obj._check_run_params()
            _check_model_options(obj._impl().options(), model.options())  # (_impl checks every parameter)
            _check_model_analyzer(model, obj._analyzer_dict())
            return obj

    @classmethod
    def load(cls, path: str | os.PathLike) -> HashingVectorizer:
        """Reads a HashingVectorizer written by ``save``."""
        return cls.from_bytes(read_model_file(path))

    def __reduce__(self):
        return (_restore_hashing, (type(self), self.get_params()), self._extra_state())


def _restore_hashing(cls, params):
    return cls(**params)


__all__ = ["CountVectorizer", "HashingVectorizer", "TfidfVectorizer"]
