"""Tokenisation, stop words, stemming and the analyser that turns Arabic news into terms."""

from __future__ import annotations

import copy
import functools
import numbers
import types
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from akhbar import _core
from akhbar._io import bool_arg, refuse_frame, str_list, warn_user
from akhbar.normalization import DEFAULT_OPTIONS as _NORMALIZER_DEFAULTS
from akhbar.normalization import Normalizer, _check_errors, option_arg

#: Token kinds, as ``Token.kind`` reports them. ``"clitic"`` is a proclitic split off a Latin or digit token
#: (``وiPhone`` gives ``و`` (clitic) and ``iphone``); ``"punct"`` only with ``punct=True``.
TOKEN_KINDS = ("word", "number", "url", "email", "mention", "hashtag", "punct", "clitic")

#: Default tokeniser options (normaliser options plus the tokeniser's own).
TOKENIZER_DEFAULTS: Mapping[str, bool] = types.MappingProxyType(dict(_core.Tokenizer.default_options()))

#: Built-in stop-word lists.
STOP_WORD_LISTS: tuple[str, ...] = tuple(_core.stop_word_list_names())

#: Stemmers: ``"none"``, ``"light"`` (Lucene's ArabicStemmer), ``"snowball"`` (Snowball's Arabic stemmer).
STEMMERS = ("none", "light", "snowball")

#: Analysers: word n-grams, character n-grams, character n-grams inside word boundaries.
ANALYZERS = ("word", "char", "char_wb")

#: The default value of every analyser keyword argument (see ``Analyzer``). Read-only, as the normaliser's: an
#: edit would change every later analyser and vectoriser of the process.
ANALYZER_DEFAULTS: Mapping[str, Any] = types.MappingProxyType({
    **_NORMALIZER_DEFAULTS,
    "analyzer": "word",
    "ngram_range": (1, 1),
    "stop_words": True,
    "stop_word_lists": ("arabic",),
    "add_stop_words": (),
    "remove_stop_words": (),
    "stemmer": "light",
    "protected_words": None,
    "add_protected_words": (),
    "keep_numbers": True,
    "keep_urls": True,
    "keep_clitics": False,
})

_DATA = Path(__file__).resolve().parent / "data"


def _check_unknown(kind: str, given: Iterable[str], valid: Iterable[str]) -> None:
    unknown = sorted(set(given) - set(valid))
    if unknown:
        raise TypeError(
            f"unknown {kind} option(s) {', '.join(map(repr, unknown))}; valid options: {', '.join(sorted(valid))}"
        )


def _words(name: str, value: Any) -> list[str]:
    words = str_list(value, name)
    for i, w in enumerate(words):
        try:
            w.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"{name}[{i}] holds a lone surrogate ({w[e.start]!r} at index {e.start}), which is not "
                             "text") from None
    return words


def _name(option: str, value: Any, choices: Iterable[str], none_ok: bool = False) -> None:
    """`value` is one of `choices` (str): TypeError for another type, ValueError for another str."""
    if not isinstance(value, str) and not (none_ok and value is None):
        raise TypeError(f"{option} must be one of {', '.join(choices)}{' or None' if none_ok else ''} (a str), not "
                        f"{type(value).__name__}")
    if value is not None and value not in choices:
        raise ValueError(f"{option} must be one of {', '.join(choices)}{' or None' if none_ok else ''}, not {value!r}")


def analyzer_options(**kwargs: Any) -> dict[str, Any]:
    """Validates analyser keyword arguments and returns the canonical options dict the C++ core takes
    (``_core.Analyzer(dict)``; the vectorisers use it too). Unknown names raise ``TypeError``; bad values raise
    ``TypeError`` (wrong type) or ``ValueError`` (wrong value). See ``Analyzer`` for the meaning of each one.

    The canonical dict has the normaliser options flat, ``analyzer``, ``ngram_min``, ``ngram_max``,
    ``stop_words`` (bool), ``stop_word_lists``, ``add_stop_words``, ``remove_stop_words``, ``stemmer``,
    ``protected_words``, ``add_protected_words``, ``keep_numbers``, ``keep_urls``, ``keep_clitics``.
    """
    _check_unknown("analyser", kwargs, ANALYZER_DEFAULTS)
    o = {**ANALYZER_DEFAULTS, **kwargs}
    out: dict[str, Any] = {}
    for k in _NORMALIZER_DEFAULTS:
        out[k] = option_arg(k, o[k])
    _name("analyzer", o["analyzer"], ANALYZERS)
    out["analyzer"] = o["analyzer"]
    ngram = o["ngram_range"]
    if (
        not isinstance(ngram, (tuple, list))
        or len(ngram) != 2
        or not all(isinstance(n, numbers.Integral) and not isinstance(n, (bool, np.bool_)) for n in ngram)
    ):
        raise TypeError(f"ngram_range must be a pair of ints (min_n, max_n), not {ngram!r}")
    if not 1 <= ngram[0] <= ngram[1] < 2**31:
        raise ValueError(f"ngram_range must satisfy 1 <= min_n <= max_n < 2**31, not {tuple(ngram)!r}")
    out["ngram_min"], out["ngram_max"] = int(ngram[0]), int(ngram[1])

    stop = o["stop_words"]
    lists = o["stop_word_lists"]
    if isinstance(lists, str):
        lists = (lists,)
    lists = _words("stop_word_lists", lists)
    add = _words("add_stop_words", o["add_stop_words"])
    if isinstance(stop, np.bool_):
        stop = bool(stop)
    if stop is None or stop is False:
        out["stop_words"] = False
    elif stop is True:
        out["stop_words"] = True
    elif isinstance(stop, str):
        out["stop_words"] = True
        lists = [stop]
    else:
        # A collection of words replaces the built-in lists.
        out["stop_words"] = True
        add = _words("stop_words", stop) + add
        lists = []
    for name in lists:
        if name not in STOP_WORD_LISTS:
            raise ValueError(f"unknown stop-word list {name!r}; built-in lists: {', '.join(STOP_WORD_LISTS)}")
    # (Collections of words in one canonical order, each word once: their order and repeats mean nothing, and
    # analysers given the same words in another order compared unequal.)
    out["stop_word_lists"] = sorted(set(lists))
    out["add_stop_words"] = sorted(set(add))
    out["remove_stop_words"] = sorted(set(_words("remove_stop_words", o["remove_stop_words"])))

    _name("stemmer", o["stemmer"], STEMMERS, none_ok=True)
    stemmer = "none" if o["stemmer"] is None else o["stemmer"]
    out["stemmer"] = stemmer
    protected = o["protected_words"]
    out["protected_words"] = (
        list(_core.default_protected_words()) if protected is None else _words("protected_words", protected)
    )
    out["protected_words"] = sorted(set(out["protected_words"]))
    out["add_protected_words"] = sorted(set(_words("add_protected_words", o["add_protected_words"])))
    for k in ("keep_numbers", "keep_urls", "keep_clitics"):
        out[k] = bool_arg(k, o[k])
    return out


def warn_stop_words(options: dict[str, Any]) -> None:
    """Warns of the stop words given (canonical ``options``, as ``analyzer_options`` returns them) that can
    never take effect: added with stop words off, or not one token once normalised and tokenised (``"a b"``,
    ``"وiPhone"``, ``"ﷺ"``): a stop word is compared with single tokens (a number with its term: ``"12,500"``
    matches 12500); and removed words that are no stop word of the lists, or that are added too (removal wins)."""
    add, remove = options["add_stop_words"], options["remove_stop_words"]
    if add and not options["stop_words"]:
        warn_user("add_stop_words has no effect with stop_words=False or None")
        return
    if add:
        _warn_unmatchable(add, options, "stop word(s)", "the analyser compares stop words with its tokens")
    if remove and options["stop_words"]:
        _warn_unmatchable(remove, options, "removed stop word(s)", "the analyser compares stop words with its tokens")
        _warn_removed_in_vain(options)


def _warn_removed_in_vain(options: dict[str, Any]) -> None:
    """Warns of the words of ``remove_stop_words`` (canonical ``options``) that remove nothing from the lists (as
    the analyser matches them: normalised, a number by its term), and of those that ``add_stop_words`` adds
    again, which are removed."""
    remove = options["remove_stop_words"]
    kept = frozenset(_core.normalized_stop_words({**options, "remove_stop_words": [], "add_stop_words": []}))
    tokenizer = Tokenizer(**{k: options[k] for k in _NORMALIZER_DEFAULTS})

    def term(word: str) -> str:
        tokens = tokenizer.tokens(word)
        return tokens[0].text if len(tokens) == 1 else ""

    added = {term(w) for w in options["add_stop_words"]} - {""}
    removed = {w: term(w) for w in remove}  # (each tokenised once)
    both = [w for w in remove if removed[w] in added]
    if both:
        warn_user(f"stop word(s) {both[:5]} both added and removed: removal wins, they are not stop words")
    absent = [w for w in remove if removed[w] and removed[w] not in kept and removed[w] not in added]
    if absent:
        more = f" and {len(absent) - 5} more" if len(absent) > 5 else ""
        warn_user(f"removed stop word(s) {absent[:5]}{more} are in none of the stop word lists used "
                  f"({', '.join(options['stop_word_lists']) or 'none'}): removing them changes nothing")


def _warn_unmatchable(words: list[str], options: dict[str, Any], what: str, why: str) -> None:
    """Warns of the `words` that are not one token once normalised and tokenised with `options`."""
    never = _unmatchable_stop_words(tuple(words), tuple((k, options[k]) for k in _NORMALIZER_DEFAULTS))
    if never:
        shown = ", ".join(f"{w!r} (tokens {t})" for w, t in never[:5])
        more = f" and {len(never) - 5} more" if len(never) > 5 else ""
        warn_user(f"{what} {shown}{more} can never match: {why}, and each of these is not one token as written")


#: The options of word analysis, which the character analysers do not use.
WORD_OPTIONS = ("stop_words", "stop_word_lists", "add_stop_words", "remove_stop_words", "stemmer", "protected_words",
                "add_protected_words", "keep_numbers", "keep_urls", "keep_clitics")


def warn_unused_options(given: Mapping[str, Any], options: dict[str, Any]) -> None:
    """Warns of the options in ``given`` (keyword arguments as the user gave them) that the analyser with the
    canonical ``options`` does not use, as scikit-learn warns of ``stop_words`` with a character analyser: the
    word options with ``analyzer="char"`` or ``"char_wb"``, ``stop_word_lists`` and ``remove_stop_words`` when
    ``stop_words`` replaces the lists or turns them off, protected words with no stemmer, and protected words
    that can never match (not one word token once normalised and tokenised, such as ``"عبد الفتاح"``)."""
    def unused(name: str, reason: str) -> None:
        warn_user(f"The parameter '{name}' will not be used since {reason}")

    def changed(name: str) -> bool:  # (given a value other than the default; values are valid)
        if name not in given:
            return False
        value = given[name]
        if name == "stop_word_lists" and isinstance(value, str):
            value = (value,)
        default = ANALYZER_DEFAULTS[name]
        if name == "stop_words":  # (None and False take nothing away from a character analyser)
            return not (value is None or isinstance(value, (bool, np.bool_)))
        if isinstance(default, tuple):
            return list(value) != list(default)
        if isinstance(default, bool):
            return bool(value) != default
        return value != default

    if options["analyzer"] != "word":
        for name in WORD_OPTIONS:
            if changed(name):
                unused(name, "'analyzer' != 'word'")
        return
    stop = given.get("stop_words", True)
    if changed("stop_word_lists") and not (stop is True or isinstance(stop, np.bool_) and stop):
        unused("stop_word_lists", f"stop_words={stop!r} " +
               ("names the list" if isinstance(stop, str) else "turns stop words off" if not stop else
                "replaces the lists"))
    if changed("remove_stop_words") and not options["stop_words"]:
        unused("remove_stop_words", "stop_words is False or None")
    protected = [*(given.get("protected_words") or ()), *options["add_protected_words"]]
    if not protected:
        return
    if options["stemmer"] == "none":
        for name in ("protected_words", "add_protected_words"):
            if changed(name):
                unused(name, "stemmer is 'none'")
        return
    _warn_unmatchable(protected, options, "protected word(s)",
                      "the stemmer leaves alone the word tokens equal to a protected word")


@functools.lru_cache(maxsize=64)
def _unmatchable_stop_words(
    words: tuple[str, ...], normalizer: tuple[tuple[str, bool], ...]
) -> list[tuple[str, list[str]]]:
    options = dict(normalizer)
    normalize = Normalizer(**options).normalize
    tokenizer = Tokenizer(**options)
    never = []
    for w in words:
        tokens = tokenizer.tokens(w)
        # (A URL keeps the case of its path; the analyser matches URL stop words with it folded, as written.)
        texts = [t.text.lower() if t.kind == "url" and options["fold_latin"] else t.text for t in tokens]
        # (A number is matched by its term, without thousands separators: "12,500" matches 12500.)
        if texts != [normalize(w)] and not (len(tokens) == 1 and tokens[0].kind == "number"):
            never.append((w, [t.text for t in tokens]))
    return never


# ----------------------------------------------------------------------------------------------------- tokens


@dataclass(frozen=True)
class Token:
    """A token: ``text`` (normalised), ``kind`` (one of ``TOKEN_KINDS``), and ``start``/``end``, the span of
    the original string it came from (``original[start:end]``; code points for ``str``, bytes for ``bytes``)."""

    text: str
    kind: str
    start: int
    end: int


class Tokenizer:
    """Splits Arabic news into words, numbers, URLs, e-mail addresses, @mentions and #hashtags.

    Options: every normaliser option (see ``akhbar.Normalizer``; the text is normalised first), and

    - ``punct`` (False): also emit a ``"punct"`` token for every punctuation or symbol character;
    - ``urls``, ``emails``, ``mentions``, ``hashtags`` (True): recognise each as one token;
    - ``split_clitics`` (True): a proclitic glued to a Latin or digit token becomes its own ``"clitic"`` token
      (``وiPhone`` -> ``و``, ``iphone``; ``والـCNN`` -> ``وال``, ``cnn``); with False it is a ``"word"`` token,
      as the change of script parts the two either way.

    Numbers keep their separators, minus thousands separators (``١٢٬٥٠٠`` -> ``12500``). Quotes « » “ ” and
    Arabic punctuation ، ؛ ؟ split words. Immutable and thread-safe.

    ``tokenize`` and ``tokens`` take ``str`` or UTF-8 ``bytes`` (offsets then count bytes); invalid UTF-8 and lone
    surrogates raise ``ValueError`` naming the position, unless ``errors="replace"`` (U+FFFD), as ``Normalizer``.
    """

    def __init__(self, **options: bool) -> None:
        _check_unknown("tokeniser", options, TOKENIZER_DEFAULTS)
        options = {k: option_arg(k, v) for k, v in options.items()}
        self._impl = _core.Tokenizer(options)
        self._options = dict(self._impl.options())

    @property
    def options(self) -> dict[str, bool]:
        """Every option's value (a copy)."""
        return dict(self._options)

    def tokenize(self, text: str | bytes, errors: str = "strict") -> list[str]:
        """The normalised texts of the tokens of ``text``."""
        _check_errors(errors)
        return self._impl.tokenize(text, errors)

    __call__ = tokenize

    def tokens(self, text: str | bytes, errors: str = "strict") -> list[Token]:
        """The tokens of ``text`` with their kinds and spans in ``text``."""
        _check_errors(errors)
        texts, kinds, starts, ends = self._impl.tokens(text, errors)
        return [Token(t, k, s, e) for t, k, s, e in zip(texts, kinds, starts.tolist(), ends.tolist())]

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._options.items() if TOKENIZER_DEFAULTS[k] != v}
        return "Tokenizer(" + ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Tokenizer) and other._options == self._options

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._options.items())))

    def __reduce__(self):
        return (_rebuild_tokenizer, (self._options,))


def _rebuild_tokenizer(options: dict[str, bool]) -> Tokenizer:
    return Tokenizer(**options)


@functools.lru_cache(maxsize=16)
def _cached_tokenizer(options: tuple[tuple[str, type, Any], ...]) -> Tokenizer:
    return Tokenizer(**{k: v for k, _, v in options})


def tokenize(text: str | bytes, errors: str = "strict", **options: bool) -> list[str]:
    """The normalised tokens of ``text``; see ``Tokenizer`` for the options (a tokeniser per option set is
    cached)."""
    _check_errors(errors)
    _check_unknown("tokeniser", options, TOKENIZER_DEFAULTS)
    options = {k: option_arg(k, v) for k, v in options.items()}  # (before the cache: its key must be hashable)
    return _cached_tokenizer(tuple(sorted((k, type(v), v) for k, v in options.items()))).tokenize(text, errors)


# ------------------------------------------------------------------------------------------------- stop words


def builtin_stop_words(name: str = "arabic") -> list[str]:
    """The raw words of built-in stop-word list ``name`` (``"arabic"``: Apache Lucene's list by Jacques Savoy,
    BSD; ``"english"``: scikit-learn's, BSD-3-Clause), as shipped in ``akhbar/data/stopwords_<name>.txt``."""
    if name not in STOP_WORD_LISTS:
        raise ValueError(f"unknown stop-word list {name!r}; built-in lists: {', '.join(STOP_WORD_LISTS)}")
    return list(_core.builtin_stop_words(name))


def stop_words_file(name: str = "arabic") -> Path:
    """The path of the shipped file of built-in list ``name`` (with its source and licence in its header)."""
    builtin_stop_words(name)
    return _DATA / f"stopwords_{name}.txt"


def get_stop_words(*lists: str, **options: Any) -> frozenset[str]:
    """The stop words an ``Analyzer`` with these options drops, normalised as it normalises them (none for the
    character analysers, which drop none); ``get_stop_words("english")`` is
    ``get_stop_words(stop_word_lists=("english",))``."""
    if lists:
        if "stop_word_lists" in options:
            raise TypeError("get_stop_words: give the lists by name or as stop_word_lists=, not both")
        options["stop_word_lists"] = lists
    checked = analyzer_options(**options)
    if checked["analyzer"] != "word":
        return frozenset()
    return frozenset(_core.normalized_stop_words(checked))


# --------------------------------------------------------------------------------------------------- stemmers


def default_protected_words() -> list[str]:
    """The built-in list of names the stemmers leave alone (فلسطين, بايدن, ...): each as spelled and, where it
    differs, as the default normaliser folds it (القاهرة, القاهره)."""
    return list(_core.default_protected_words())


class Stemmer:
    """An Arabic stemmer, applied to words as given (no normalisation in front; normalise first, as
    ``Analyzer`` does).

    - ``"light"``: Lucene's ArabicStemmer (Larkey's light stemming): strips the first matching prefix of
      ال وال بال كال فال لل و (و only from words of 4+ letters; the others if 2+ letters remain), then each
      suffix ها ان ات ون ين يه ية ه ة ي in this order if 2+ letters remain.
    - ``"snowball"``: Snowball's Arabic stemmer (libstemmer), one instance per thread.
    - ``"none"``: returns words unchanged.

    ``protected``: words left alone (``None``: ``default_protected_words()``), also behind the proclitics
    و ف ب ك ل and both (وبفلسطين gives فلسطين, للقاهره gives القاهره); ``add_protected`` extends it.
    Immutable and thread-safe.
    """

    def __init__(
        self, method: str = "light", protected: Iterable[str] | None = None, add_protected: Iterable[str] = ()
    ) -> None:
        _name("method", method, STEMMERS)
        words = default_protected_words() if protected is None else _words("protected", protected)
        words += _words("add_protected", add_protected)
        self._impl = _core.Stemmer(method, words)
        self.method = method

    @property
    def protected(self) -> frozenset[str]:
        """The protected words."""
        return frozenset(self._impl.protected_words())

    def stem(self, word: str) -> str:
        """The stem of ``word``."""
        if not isinstance(word, str):
            raise TypeError(f"word must be str, not {type(word).__name__}")
        return self._impl.stem(word)

    __call__ = stem

    def stem_batch(self, words: Iterable[str], n_threads: int | None = None) -> list[str]:
        """The stems of ``words`` over ``n_threads`` threads (None: all cores; negative as joblib's), with the GIL
        released; the same for any thread count."""
        return self._impl.stem_batch(str_list(words, "words"), n_threads)

    def __repr__(self) -> str:
        return f"Stemmer({self.method!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stemmer) and (other.method, other.protected) == (self.method, self.protected)

    def __hash__(self) -> int:
        return hash((self.method, self.protected))

    def __reduce__(self):
        return (_rebuild_stemmer, (self.method, sorted(self.protected)))


def _rebuild_stemmer(method: str, protected: list[str]) -> Stemmer:
    return Stemmer(method, protected)


# --------------------------------------------------------------------------------------------------- analyser


class Analyzer:
    """Turns a text into terms: normalise, tokenise, drop stop words, stem, build n-grams.

    Calling it returns a ``list[str]``, so it can be scikit-learn's ``TfidfVectorizer(analyzer=...)``.
    Keyword options (defaults in ``ANALYZER_DEFAULTS``):

    - every normaliser option (``fold_teh_marbuta``, ``remove_diacritics``, ...; see ``akhbar.Normalizer``);
    - ``analyzer``: ``"word"`` (default), ``"char"`` or ``"char_wb"`` (character n-grams of the normalised text
      exactly as scikit-learn's; the word options below then do not apply);
    - ``ngram_range``: ``(min_n, max_n)``, default ``(1, 1)``; word n-grams are joined by a space;
    - ``stop_words``: ``True`` (default: the lists in ``stop_word_lists``), ``False``/``None`` (keep all), a
      list name (``"arabic"``, ``"english"``), or a collection of words that replaces the built-in lists;
      ``stop_word_lists`` (default ``("arabic",)``; ``("arabic", "english")`` for mixed text);
      ``add_stop_words`` and ``remove_stop_words`` edit the set. Stop words are normalised with the same
      normaliser options, so ``إلى`` also drops ``الى``;
    - ``stemmer``: ``"light"`` (default), ``"snowball"`` or ``"none"`` (``None`` too); ``protected_words``
      (``None``: the built-in names) and ``add_protected_words``: words the stemmer leaves alone;
    - ``keep_numbers`` (True), ``keep_urls`` (True: URLs and e-mail addresses are terms), ``keep_clitics``
      (False: proclitics split off Latin or digit tokens are dropped).

    The defaults were chosen on the egy2013 related-articles benchmark (see the README). Immutable and
    thread-safe; picklable.

    Texts are ``str`` or UTF-8 ``bytes``. Invalid UTF-8 and lone surrogates raise ``ValueError`` naming the
    position (in ``analyze_batch``, of the first bad text, by index), unless ``errors="replace"`` (an argument of
    each call), which analyses them as U+FFFD, as ``Normalizer`` does.

    Speed: the analyser remembers the terms of each distinct piece of text between ASCII whitespace that it
    has analysed (analysis never crosses it, so the terms are the same), and returns one shared ``str`` object
    per distinct term. Repeated words cost a lookup; the memory this takes is bounded (see ``clear_cache``).
    The lists it returns are not tracked by Python's cyclic garbage collector: they hold only ``str``, which
    cannot be part of a reference cycle, so collections need not walk the millions of terms of an analysed
    corpus (``[a(t) for t in texts]`` over egy2013: 0.32 -> 0.20 s). A cycle you then make through such a list
    (by appending to it an object that refers back to it) is not freed by the collector.
    """

    def __init__(self, **options: Any) -> None:
        self._init(options)
        if self._options["analyzer"] == "word":
            warn_stop_words(self._options)
        warn_unused_options(self._kwargs, self._options)

    def _init(self, options: dict[str, Any]) -> None:
        # The caller's collections are copied (iterators read once): a list changed later, or a generator already
        # used up, must not change what a pickled or printed analyser holds.
        self._kwargs = {k: _own_copy(v) for k, v in options.items()}
        self._options = analyzer_options(**self._kwargs)
        self._impl = _core.Analyzer(self._options)

    @property
    def options(self) -> dict[str, Any]:
        """The canonical options (as ``analyzer_options`` returns them; a copy, lists included)."""
        return copy.deepcopy(self._options)

    @property
    def stop_words(self) -> frozenset[str]:
        """The normalised stop words this analyser drops (empty if ``stop_words`` is off, and for the character
        analysers, which drop none)."""
        if self._options["analyzer"] != "word":
            return frozenset()
        return frozenset(self._impl.stop_words())

    def analyze(self, text: str | bytes, errors: str = "strict") -> list[str]:
        """The terms of ``text``, in order."""
        _check_errors(errors)
        return self._impl.analyze(text, errors)

    __call__ = analyze

    def analyze_batch(
        self, texts: Iterable[str | bytes], n_threads: int | None = None, errors: str = "strict"
    ) -> list[list[str]]:
        """The terms of every text, with the GIL released over ``n_threads`` threads (None: all cores; negative
        as joblib's, -1 all cores, -2 all but one; 0 is refused). The result is the same for any thread count.
        Ctrl-C interrupts it."""
        _check_errors(errors)
        refuse_frame(texts, "texts")
        return self._impl.analyze_batch(texts, n_threads, errors)

    def clear_cache(self) -> None:
        """Frees the memo of analysed text (about 50 MB per thread that used this analyser for 55k news
        articles, at most about 100 MB). The terms stay the same; the next calls analyse each piece of text
        anew."""
        self._impl.clear_memos()

    def __repr__(self) -> str:
        return "Analyzer(" + ", ".join(f"{k}={v!r}" for k, v in sorted(self._kwargs.items())) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Analyzer) and other._options == self._options

    def __hash__(self) -> int:
        return hash(repr(sorted(self._options.items())))

    def __reduce__(self):
        return (_rebuild_analyzer, (self._kwargs,))


def _own_copy(value: Any) -> Any:
    """An option value the analyser can keep: collections and iterators as tuples, other values as they are."""
    if value is None or isinstance(value, (str, bytes, bool, int, float, np.generic)):
        return value
    if isinstance(value, list):
        return list(value)
    if isinstance(value, (set, frozenset)):
        return tuple(sorted(value, key=repr))  # (a stable order: the same options print the same)
    try:
        return tuple(value)
    except TypeError:
        return value  # (not a collection: analyzer_options says what is wrong with it)


def _rebuild_analyzer(kwargs: dict[str, Any]) -> Analyzer:
    a = Analyzer.__new__(Analyzer)
    a._init(kwargs)  # (no warning: its construction gave them, as scikit-learn warns at fit, not at load)
    return a


__all__ = [
    "ANALYZERS",
    "ANALYZER_DEFAULTS",
    "STEMMERS",
    "STOP_WORD_LISTS",
    "TOKENIZER_DEFAULTS",
    "TOKEN_KINDS",
    "Analyzer",
    "Stemmer",
    "Token",
    "Tokenizer",
    "analyzer_options",
    "builtin_stop_words",
    "default_protected_words",
    "get_stop_words",
    "stop_words_file",
    "tokenize",
]
