"""Arabic text normalisation."""

from __future__ import annotations

import functools
import types
from typing import Iterable, Mapping, overload

import numpy as np

from akhbar import _core
from akhbar._io import bool_arg, refuse_frame

#: The default value of every normaliser option (see ``Normalizer`` for their meaning); read-only.
DEFAULT_OPTIONS: Mapping[str, bool] = types.MappingProxyType(dict(_core.Normalizer.default_options()))


def _check_options(options: dict) -> None:
    unknown = sorted(set(options) - set(DEFAULT_OPTIONS))
    if unknown:
        raise TypeError(
            f"unknown normaliser option(s) {', '.join(map(repr, unknown))}; "
            f"valid options: {', '.join(sorted(DEFAULT_OPTIONS))}"
        )
    for name, value in options.items():
        options[name] = option_arg(name, value, f"normaliser option {name!r}")


def option_arg(name: str, value: object, label: str | None = None) -> bool:
    """The bool of normaliser (or tokeniser) option ``name`` (numpy's bools made Python's; ``strip_accents``
    also as scikit-learn gives it); ``label`` names it in a TypeError (default: ``name``)."""
    return strip_accents_arg(value) if name == "strip_accents" else bool_arg(label or name, value)


def strip_accents_arg(value: object) -> bool:
    """The ``strip_accents`` option: a bool, or scikit-learn's values (``None``, ``"unicode"``). ``"ascii"``
    (which deletes every letter outside ASCII, Arabic ones too) and a callable are refused."""
    if value is None:
        return False
    if isinstance(value, str):
        if value == "unicode":
            return True
        if value == "ascii":
            raise ValueError("strip_accents='ascii' would delete every Arabic letter (it keeps ASCII alone): use "
                             "strip_accents='unicode' (or True), which keeps Arabic letters and their hamza")
        raise ValueError(f"strip_accents must be True, False, None or 'unicode', not {value!r}")
    if callable(value):
        raise TypeError("strip_accents must be True, False, None or 'unicode', not a callable: pass your function "
                        "as preprocessor=")
    try:
        return bool_arg("strip_accents", value)
    except TypeError:
        raise TypeError(f"strip_accents must be True, False, None or 'unicode', not {type(value).__name__}") from None


def _check_errors(errors: object) -> None:
    if not isinstance(errors, str):
        raise TypeError(f"errors must be 'strict' or 'replace', not {type(errors).__name__}")


class Normalizer:
    """Normalises raw Arabic web text for search and similarity.

    Every option is a bool (``strip_accents`` also takes scikit-learn's ``None`` and ``"unicode"``); the
    defaults are in ``akhbar.normalization.DEFAULT_OPTIONS``:

    - ``unicode``: NFC; Arabic presentation forms to base letters; ligatures such as U+FDF2 expanded; an emoji's
      keycap deleted (1️⃣ is 1).
    - ``remove_diacritics``: delete harakat, superscript alef, Quranic marks.
    - ``remove_tatweel``: delete tatweel (U+0640).
    - ``fold_alef`` (أ إ آ ٱ to ا), ``fold_alef_maksura`` (ى to ي), ``fold_teh_marbuta`` (ة to ه),
      ``fold_persian`` (ک ی ے ە ۀ ہ ھ to Arabic letters), ``fold_hamza_carriers`` (ؤ to و, ئ to ي; off).
    - ``ascii_digits``: Arabic-Indic digits and separators to ASCII.
    - ``remove_invisible``: delete Unicode's default-ignorable code points (ZWNJ, ZWJ, bidi controls, BOM, soft
      hyphen, variation selectors, tag characters, Hangul fillers...) and control characters; a ZWJ between two
      emoji stays (a family or profession emoji is one).
    - ``normalize_whitespace``: every Unicode space to one plain space, runs collapsed, ends trimmed;
      ``keep_newlines`` keeps a line break in a run as ``"\\n"`` (off).
    - ``repair_obfuscation``: ``أعقـ.ـاب`` to ``اعقاب``.
    - ``fold_latin``: case folding and fullwidth forms to ASCII.
    - ``strip_accents``: delete the accents of other scripts (``café`` to ``cafe``, ``Ελλάδα`` to ``ελλαδα`` with
      ``fold_latin``) as scikit-learn's ``strip_accents="unicode"`` does (also given as ``"unicode"``; ``None``
      is False), but Arabic letters keep their hamza (scikit-learn's function makes ``الرئيس`` ``رييس``); off.

    Text may be ``str`` or UTF-8 ``bytes`` (the result has the input's type). Invalid UTF-8 and lone surrogates
    raise ``ValueError`` naming the position, unless ``errors="replace"`` (then each becomes U+FFFD).
    A Normalizer is immutable and thread-safe.
    """

    def __init__(self, **options: bool) -> None:
        _check_options(options)
        self._impl = _core.Normalizer(options)
        self._options = dict(self._impl.options())

    def __setattr__(self, name: str, value: object) -> None:
        # (n.fold_alef = False was taken, and changed nothing.)
        if name in ("_impl", "_options") and name not in self.__dict__:
            object.__setattr__(self, name, value)
            return
        hint = f": pass it when making one, Normalizer({name}=...)" if name in DEFAULT_OPTIONS else ""
        raise AttributeError(f"a Normalizer is immutable; cannot set {name!r}{hint}")

    @property
    def options(self) -> dict[str, bool]:
        """Every option's value (a copy)."""
        return dict(self._options)

    @overload
    def normalize(self, text: str, errors: str = "strict") -> str: ...
    @overload
    def normalize(self, text: bytes, errors: str = "strict") -> bytes: ...
    def normalize(self, text, errors="strict"):
        """Normalised ``text`` (same type as the input)."""
        _check_errors(errors)
        return self._impl.normalize(text, errors)

    __call__ = normalize

    def normalize_with_offsets(self, text: str | bytes, errors: str = "strict") -> tuple[str | bytes, np.ndarray]:
        """``(normalised, offsets)``: ``offsets[i]`` is the index in ``text`` of the code point (for bytes:
        the byte offset) that output code point ``i`` came from. The offsets never decrease."""
        _check_errors(errors)
        return self._impl.normalize_with_offsets(text, errors)

    def normalize_batch(
        self, texts: Iterable[str | bytes], n_threads: int | None = None, errors: str = "strict"
    ) -> list:
        """Normalises many texts with the GIL released, over ``n_threads`` threads (None: all cores; negative as
        joblib's, -1 all cores, -2 all but one; 0 is refused).
        The result is the same for any thread count. Ctrl-C interrupts it."""
        _check_errors(errors)
        refuse_frame(texts, "texts")
        return self._impl.normalize_batch(texts, n_threads, errors)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._options.items() if DEFAULT_OPTIONS[k] != v}
        return "Normalizer(" + ", ".join(f"{k}={v}" for k, v in sorted(changed.items())) + ")"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Normalizer) and other._options == self._options

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._options.items())))

    def __reduce__(self):
        return (_rebuild, (self._options,))


def _rebuild(options: dict[str, bool]) -> Normalizer:
    return Normalizer(**options)


@functools.lru_cache(maxsize=32)
def _cached(options: tuple[tuple[str, bool], ...]) -> Normalizer:
    return Normalizer(**dict(options))


def normalize(text: str | bytes, errors: str = "strict", **options: bool):
    """Normalises one text; see ``Normalizer`` for the options. Reuses a cached Normalizer per option set."""
    _check_options(options)  # before the cache, where 1 == True would hide a wrong type
    return _cached(tuple(sorted(options.items()))).normalize(text, errors)


__all__ = ["DEFAULT_OPTIONS", "Normalizer", "normalize"]
