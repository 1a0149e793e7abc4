"""Tests of akhbar's Arabic normaliser: the Python API, its errors, and hypothesis properties."""

from __future__ import annotations

import copy
import gzip
import json
import os
import pickle
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import akhbar
from akhbar.normalization import DEFAULT_OPTIONS, Normalizer, normalize

# ---------------------------------------------------------------------------------------------------------
# Behaviour through the Python API (the C++ tables test each option in depth).


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("في أعقـ.ـاب القمة", "في اعقاب القمه"),
        ("وقـ.ـف إطـ.ـلاق النـ.ـار", "وقف اطلاق النار"),
        ("قيّما", "قيما"),
        ("البنّاء", "البناء"),
        ("مراراً", "مرارا"),
        ("ﷲ ﷺ ﷼", "الله صلي الله عليه وسلم ريال"),
        ("النبيﷺقال", "النبي صلي الله عليه وسلم قال"),
        ("١٢٣٫٤٥ و ١٬٠٠٠", "123.45 و 1,000"),
        ("a\u00a0\u202f\u2003b", "a b"),
        ("x\u200cy\u200f\ufeffz\u00ad", "xyz"),
        ("ＨＥＬＬＯ World", "hello world"),
        ('قال لـ"اليوم" إن', 'قال ل"اليوم" ان'),
        ("قال: نعم. ثم ذهب!", "قال: نعم. ثم ذهب!"),
        ("", ""),
    ],
)
def test_normalize_defaults(text, expected):
    assert akhbar.normalize(text) == expected
    assert Normalizer().normalize(text) == expected


# Default ignorable code points besides the common ZWNJ/ZWJ/bidi marks, which stayed inside (or split) a word:
# inhibit Arabic form shaping, a variation selector, a tag letter, Hangul fillers (a known way to hide words
# from filters), a Mongolian free variation selector, a Khmer inherent vowel, an invisible operator, the
# shorthand format control past the BMP.
@pytest.mark.parametrize("mark", ["\u206c", "\ufe0f", "\U000E0041", "\u3164", "\uffa0", "\u115f", "\u180b",
                                  "\u17b4", "\u2064", "\U0001BCA0"])
def test_every_default_ignorable_code_point_is_invisible(mark):
    word = "الحكو" + mark + "مة"
    assert normalize(word) == "الحكومه"
    assert akhbar.tokenize(word) == ["الحكومه"]
    [token] = akhbar.Tokenizer().tokens(word)
    assert (token.start, token.end) == (0, len(word))
    assert mark in normalize(word, remove_invisible=False)
    assert normalize("e" + mark + "\u0301") == "\u00e9"  # deleted, it no longer keeps NFC from composing


def test_options_change_the_result():
    assert normalize("مدرسة", fold_teh_marbuta=False) == "مدرسة"
    assert normalize("ﻷ", fold_alef=False) == "لأ"
    assert normalize("ا\u0654", fold_alef=False) == "أ"
    assert normalize("مسؤول", fold_hamza_carriers=True) == "مسوول"
    assert normalize("مسؤول") == "مسوول".replace("و", "ؤ", 1)
    assert normalize("a\n\n b", keep_newlines=True) == "a\nb"
    assert normalize("قيّما", remove_diacritics=False) == "قيّما"


def test_strip_accents_is_scikit_learns_for_other_scripts_and_keeps_arabic_hamza():
    from sklearn.feature_extraction.text import strip_accents_unicode

    n = Normalizer(strip_accents=True)
    checked = 0
    # Every letter of the Latin, Greek and Cyrillic blocks with no compatibility mapping (scikit-learn's NFKD
    # also unfolds those: Ǆ to DZ), as scikit-learn strips and lower-cases it (U+034F, CGJ, is invisible).
    for c in [*range(0x80, 0x530), *range(0x1E00, 0x2000)]:
        ch = chr(c)
        if unicodedata.category(ch)[0] not in "LM" or c == 0x34F:
            continue
        if unicodedata.normalize("NFKD", ch) != unicodedata.normalize("NFD", ch):
            continue
        assert n.normalize(ch) == strip_accents_unicode(ch).casefold(), hex(c)
        checked += 1
    assert checked > 1400
    # Arabic letters keep their hamza (scikit-learn's function makes الرئيس رييس): the Arabic options decide.
    assert strip_accents_unicode("الرئيس") == "الرييس"
    assert n.normalize("الرئيس مسؤول Café") == "الرئيس مسؤول cafe"
    assert normalize("Café") == "café"  # off by default
    assert Normalizer(strip_accents="unicode") == n and Normalizer(strip_accents=None) == Normalizer()
    # The tokeniser takes it as every other taker does (it refused "unicode" and None).
    assert akhbar.tokenize("Café", strip_accents="unicode") == akhbar.Tokenizer(strip_accents=True).tokenize("Café")
    assert akhbar.Tokenizer(strip_accents=None).tokenize("Café") == ["café"]
    with pytest.raises(ValueError, match="would delete every Arabic letter"):
        Normalizer(strip_accents="ascii")
    with pytest.raises(TypeError, match="preprocessor="):
        Normalizer(strip_accents=strip_accents_unicode)
    with pytest.raises(TypeError, match="strip_accents must be True, False, None or 'unicode', not int"):
        Normalizer(strip_accents=1)


def test_default_options_and_repr():
    assert DEFAULT_OPTIONS["fold_hamza_carriers"] is False
    assert DEFAULT_OPTIONS["fold_alef"] is True
    assert set(Normalizer().options) == set(DEFAULT_OPTIONS)
    with pytest.raises(TypeError):
        DEFAULT_OPTIONS["fold_alef"] = False  # read-only
    assert repr(Normalizer()) == "Normalizer()"
    assert repr(Normalizer(fold_alef=False, keep_newlines=True)) == "Normalizer(fold_alef=False, keep_newlines=True)"
    assert Normalizer(fold_alef=False).options["fold_alef"] is False


def test_pickling_and_equality():
    n = Normalizer(fold_teh_marbuta=False, fold_hamza_carriers=True)
    m = pickle.loads(pickle.dumps(n))
    assert m == n and hash(m) == hash(n)
    assert m.options == n.options
    assert m.normalize("مسؤولة") == n.normalize("مسؤولة") == "مسوولة"
    assert Normalizer() != n


def test_bytes_in_bytes_out():
    text = "في أعقـ.ـاب القمة"
    out = akhbar.normalize(text.encode())
    assert isinstance(out, bytes) and out.decode() == akhbar.normalize(text)
    norm, offsets = Normalizer().normalize_with_offsets(text.encode())
    assert isinstance(norm, bytes)
    # Byte offsets: every one starts a UTF-8 sequence of the input.
    raw = text.encode()
    assert all(raw[o] & 0xC0 != 0x80 for o in offsets)
    assert Normalizer().normalize_batch([text, text.encode()]) == [akhbar.normalize(text), out]


def test_empty_string():
    n = Normalizer()
    assert n.normalize("") == ""
    assert n.normalize(b"") == b""
    out, offsets = n.normalize_with_offsets("")
    assert out == "" and offsets.shape == (0,)
    assert n.normalize_batch([]) == []
    assert n.normalize_batch(["", ""]) == ["", ""]


def test_offsets_point_to_the_source():
    out, offsets = Normalizer(fold_teh_marbuta=False).normalize_with_offsets("أعقـ.ـاب")
    assert out == "اعقاب"
    assert offsets.tolist() == [0, 1, 2, 6, 7]
    assert offsets.dtype == np.int64
    # NBSP run -> one space pointing at the first of the run; composition -> the base letter.
    out, offsets = Normalizer(fold_alef=False).normalize_with_offsets("ب\u00a0\u00a0ا\u0654")
    assert out == "ب أ"
    assert offsets.tolist() == [0, 1, 3]


# ---------------------------------------------------------------------------------------------------------
# Errors.


@pytest.mark.parametrize("bad", [12, 1.5, None, ["text"], bytearray(b"x"), memoryview(b"x")])
def test_wrong_text_type_raises_type_error(bad):
    with pytest.raises(TypeError, match="text must be str or bytes"):
        akhbar.normalize(bad)
    with pytest.raises(TypeError, match="text must be str or bytes"):
        Normalizer().normalize_with_offsets(bad)


def test_wrong_batch_types():
    n = Normalizer()
    with pytest.raises(TypeError, match="wrap it in a list"):
        n.normalize_batch("a single string")
    with pytest.raises(TypeError, match="must be an iterable"):
        n.normalize_batch(5)
    with pytest.raises(TypeError, match=r"texts\[1\] must be str or bytes"):
        n.normalize_batch(["ok", 3])
    with pytest.raises(TypeError, match="n_threads"):
        n.normalize_batch(["a"], n_threads="2")
    with pytest.raises(TypeError, match="n_threads"):
        n.normalize_batch(["a"], n_threads=True)


@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0])
def test_option_types_raise_type_error(value):
    with pytest.raises(TypeError, match="fold_alef"):
        Normalizer(fold_alef=value)
    # The cached module-level function checks too, even after True was cached (1 == True).
    akhbar.normalize("x", fold_alef=True)
    with pytest.raises(TypeError, match="fold_alef"):
        akhbar.normalize("x", fold_alef=value)


def test_unknown_option_and_errors_argument():
    with pytest.raises(TypeError, match="unknown normaliser option.*'fold_elaf'"):
        Normalizer(fold_elaf=True)
    with pytest.raises(TypeError, match="unknown normaliser option"):
        akhbar.normalize("x", nonsense=False)
    with pytest.raises(ValueError, match="errors must be 'strict' or 'replace'"):
        akhbar.normalize("x", errors="ignore")
    with pytest.raises(TypeError, match="errors"):
        akhbar.normalize("x", errors=None)


@pytest.mark.parametrize(
    ("raw", "offset"),
    [
        (b"ab\xff", 2),  # never valid
        (b"\xd8\xa8\xc0\xaf", 2),  # overlong '/'
        (b"x\xed\xa0\x80", 1),  # encoded surrogate
        (b"\xd8\xa8\xd8", 2),  # truncated at the end
        (b"\xf4\x90\x80\x80", 0),  # above U+10FFFF
        (b"abc\x80", 3),  # lone continuation byte
    ],
)
def test_invalid_bytes_name_the_byte_offset(raw, offset):
    with pytest.raises(ValueError, match=f"at byte offset {offset}\\b"):
        akhbar.normalize(raw)
    with pytest.raises(ValueError, match=f"texts\\[1\\].*byte offset {offset}\\b"):
        Normalizer().normalize_batch([b"ok", raw])
    replaced = akhbar.normalize(raw, errors="replace")
    assert isinstance(replaced, bytes) and "\ufffd" in replaced.decode()


@pytest.mark.parametrize("raw", [b"\xed\xa0\x80", b"a\xed\xbf\xbfb", b"\xe0\x80\x80", b"\xed\xa0", b"\xf4\x90\x80\x80x",
                                 b"\xc0\xaf", b"\xe2\x82a"])
def test_replace_on_bytes_replaces_as_python_does(raw):
    # An encoded surrogate in bytes gave one U+FFFD; Python's and WHATWG's decoders give three.
    assert normalize(raw, errors="replace") == raw.decode("utf-8", "replace").encode()
    assert normalize("a\ud800b", errors="replace") == "a\ufffdb"  # (a str's lone surrogate is one code point)


def test_replace_keeps_offsets_into_the_original_bytes():
    raw = "بـ".encode() + b"\xff" + "ة".encode()
    out, offsets = Normalizer().normalize_with_offsets(raw, errors="replace")
    assert out.decode() == "ب\ufffdه"
    assert offsets.tolist() == [0, 4, 5]


def test_lone_surrogates():
    text = "ab\ud800cd"
    with pytest.raises(ValueError, match="lone surrogate U\\+D800 at index 2"):
        akhbar.normalize(text)
    with pytest.raises(ValueError, match="index 2"):
        Normalizer().normalize_batch([text])
    assert akhbar.normalize(text, errors="replace") == "ab\ufffdcd"
    out, offsets = Normalizer().normalize_with_offsets("ب\udfff ة", errors="replace")
    assert out == "ب\ufffd ه"
    assert offsets.tolist() == [0, 1, 2, 3]


def test_lone_surrogate_errors_come_in_element_order():
    # str elements are checked for lone surrogates during the work, yet an earlier one still wins over a later
    # wrong type, invalid bytes, failing iterator or bad n_threads, as when every element was converted first.
    n = Normalizer()
    bad = "ok\ud800"
    with pytest.raises(ValueError, match=r"texts\[1\]: lone surrogate U\+D800 at index 2"):
        n.normalize_batch(["fine", bad, 5])
    with pytest.raises(ValueError, match=r"texts\[1\]: lone surrogate"):
        n.normalize_batch(["fine", bad, b"\xff"])
    with pytest.raises(ValueError, match=r"texts\[0\]: lone surrogate"):
        n.normalize_batch([bad], n_threads="2")

    def failing():
        yield bad
        raise RuntimeError("iterator broke")

    with pytest.raises(ValueError, match=r"texts\[0\]: lone surrogate"):
        n.normalize_batch(failing())
    with pytest.raises(RuntimeError, match="iterator broke"):
        n.normalize_batch(failing(), errors="replace")
    with pytest.raises(TypeError, match=r"texts\[1\] must be str or bytes"):
        n.normalize_batch(["fine", 5, bad])
    with pytest.raises(ValueError, match=r"texts\[3000\]: lone surrogate"):  # found in a later chunk
        n.normalize_batch(["نص"] * 3000 + [bad] + ["x\udfff"])
    with pytest.raises(ValueError, match="lone surrogate U\\+DFFF at index 1"):
        n.normalize_with_offsets("ب\udfff")


def test_str_results_are_canonical():
    # The result's storage width follows its largest code point, whatever the input's: equality, hashing and
    # dict look-ups depend on it.
    n = Normalizer()
    cases = [
        ("١٢٣ ٤", "123 4"),  # Arabic in, ASCII out
        ("ＡＢＣ ب", "abc ب"),
        ("Ä\u00a0ﻷ", "ä لا"),  # Latin-1 out
        ("ب é", "ب é"),
        ("😀 ﷲ", "😀 الله"),
        ("ـ\U0001F600", "\U0001F600"),
        ("\U00010400", "\U00010428"),  # astral case folding
        ("\u064e", ""),
    ]
    for text, expected in cases:
        for out in (n.normalize(text), n.normalize_batch([text])[0], n.normalize_with_offsets(text)[0]):
            assert out == expected and hash(out) == hash(expected) and {expected: 1}[out] == 1
            assert type(out) is str

    class Sub(str):
        pass

    assert n.normalize(Sub("مدرسة")) == "مدرسه" and n.normalize_batch([Sub("ABC")]) == ["abc"]


def test_batch_with_replace_keeps_every_repaired_text():
    # Regression: short repaired texts lived in small-string storage that moved with the list being built.
    texts = [f"a\ud800ب{i}" for i in range(300)] + [b"x\xffy%d" % i for i in range(300)]
    n = Normalizer()
    expected = [n.normalize(t, errors="replace") for t in texts]
    assert expected[0] == "a\ufffdب0" and expected[300] == b"x\xef\xbf\xbdy0"
    for threads in (1, 2):
        assert n.normalize_batch(texts, n_threads=threads, errors="replace") == expected


def test_batch_equals_one_by_one_for_any_thread_count():
    texts = [f"نص رقم {i} في أعقـ.ـاب القمة\u00a0ـ{'ً' * (i % 3)}" for i in range(300)] + ["", "ABC"]
    n = Normalizer()
    expected = [n.normalize(t) for t in texts]
    for threads in (1, 2, 4, None, -1):  # (0 is refused: test_thread_counts_mean_what_n_jobs_means)
        assert n.normalize_batch(texts, n_threads=threads) == expected
    assert n.normalize_batch(iter(texts), n_threads=2) == expected  # any iterable


def _sample_articles(limit):
    path = Path(akhbar.__file__).parent / "data" / "egy2013_sample.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [json.loads(line)["text"] for line, _ in zip(f, range(limit))]


def test_bundled_news_is_clean_and_stable():
    texts = _sample_articles(200)
    n = Normalizer()
    out = n.normalize_batch(texts, n_threads=2)
    joined = "".join(out)
    for bad in ("\u0640", "\u00a0", "\u064e", "\u0651", "\u064b", "\u200f", "  "):
        assert bad not in joined
    assert n.normalize_batch(out) == out


# ---------------------------------------------------------------------------------------------------------
# Properties (hypothesis).

ARABIC_LETTERS = [chr(c) for c in range(0x0621, 0x064B)] + list("ٱکیےەۀہھگپچژ")
HARAKAT = [chr(c) for c in range(0x064B, 0x0656)] + ["\u0670", "\u06d6", "\u06e1", "\u06ed"]
PRESENTATION = (
    [chr(c) for c in range(0xFE70, 0xFEFD)]
    + [chr(c) for c in range(0xFB50, 0xFB60)]
    + [chr(c) for c in range(0xFC5E, 0xFC64)]
    + ["\ufdf2", "\ufdfa", "\ufdfc", "\ufdfd"]
)
SPACES = list(" \t\n\r\u00a0\u202f\u2003\u3000\u2028\u0085\x0b\x1f")
INVISIBLE = list("\u200b\u200c\u200d\u200e\u200f\u202a\u202e\u2066\u2069\ufeff\u00ad\u061c\x01\x7f\U000e0041\U000e0100")
OTHER = list('.-*_"«»()،؛؟!:,٫٬%') + list("0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹") + list("aZéßİΣＡｚ１") + ["ـ", "😀"]
ALPHABET = ARABIC_LETTERS + HARAKAT + PRESENTATION + SPACES + INVISIBLE + OTHER

texts = st.lists(
    st.one_of(st.sampled_from(ALPHABET), st.sampled_from(["ـ.ـ", "ـ*ـ", "ـ-ـ", "ا\u0654", "ي\u0654", "و\u0654"])),
    max_size=40,
).map("".join)
option_sets = st.fixed_dictionaries({name: st.booleans() for name in DEFAULT_OPTIONS})
# AKHBAR_HYPOTHESIS_EXAMPLES=20000 for a long hunt; the default keeps the suite fast.
EXAMPLES = int(os.environ.get("AKHBAR_HYPOTHESIS_EXAMPLES", "300"))
PROPERTY_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(text=texts, options=option_sets)
def test_normalizing_twice_equals_once(text, options):
    n = Normalizer(**options)
    once = n.normalize(text)
    assert n.normalize(once) == once


@PROPERTY_SETTINGS
@given(text=texts)
def test_default_output_is_clean(text):
    out = akhbar.normalize(text)
    assert out == unicodedata.normalize("NFC", out)
    assert out == out.strip() and "  " not in out
    for k, ch in enumerate(out):
        assert ch not in "\u0640\u00a0\u200c\u200f\ufeff"
        if ch == "\u200d":  # only a ZWJ that joins two emoji stays
            assert 0 < k < len(out) - 1, out
            assert unicodedata.category(out[k - 1]) in ("So", "Sk") and unicodedata.category(out[k + 1]) == "So", out
        assert not 0x064B <= ord(ch) <= 0x0652
        assert not (0xFE70 <= ord(ch) <= 0xFEFC and unicodedata.decomposition(ch))


def _plausible(out_char, text, start, end, n):
    """Could `out_char` come from text[start:end] (the span up to the next output code point's source)?"""
    src = text[start]
    if out_char in " \n" and (src.isspace() or unicodedata.category(src) == "Zs"):
        return True
    if out_char in ".," and src in "٫٬":
        return True
    if out_char == " ":
        # A code point set apart as words of its own (ﷺ, ﷼) puts a space before it, mapped to it, and one after
        # it, which comes after the marks that follow it (they stay on its last word), so it maps to the last of
        # them: walk back over marks and code points that normalise to nothing, to the ligature.
        def set_apart(c):
            return " " in n.normalize("ب" + c + "ب")

        if set_apart(src):
            return True
        j = start
        while j > 0 and (unicodedata.category(text[j]).startswith("M") or n.normalize(text[j]) == ""):
            j -= 1
        if j < start and set_apart(text[j]):
            return True
    return out_char in n.normalize(text[start:end])


@PROPERTY_SETTINGS
@given(text=texts, options=option_sets)
# (hypothesis found it outside CI: the space after ﷺ and its mark maps to the mark)
@example(text="\ufdfa\u064b\u0621", options={k: k == "unicode" for k in DEFAULT_OPTIONS})
@example(text="\u0621\ufdfc", options={k: k == "unicode" for k in DEFAULT_OPTIONS})
def test_offsets_map_output_into_input_in_order(text, options):
    n = Normalizer(**options)
    out, offsets = n.normalize_with_offsets(text)
    assert out == n.normalize(text)
    assert len(offsets) == len(out)
    offsets = offsets.tolist()
    assert offsets == sorted(offsets)
    assert all(0 <= o < len(text) for o in offsets)
    distinct = sorted(set(offsets)) + [len(text)]
    for ch, o in zip(out, offsets):
        end = distinct[distinct.index(o) + 1]
        assert _plausible(ch, text, o, end, n), (ch, o, text[o:end])


@PROPERTY_SETTINGS
@given(text=texts, options=option_sets)
def test_bytes_offsets_agree_with_str_offsets(text, options):
    n = Normalizer(**options)
    out, offsets = n.normalize_with_offsets(text)
    bout, boffsets = n.normalize_with_offsets(text.encode())
    assert bout.decode() == out
    starts = [len(text[:i].encode()) for i in range(len(text))]
    assert boffsets.tolist() == [starts[o] for o in offsets.tolist()]


@settings(max_examples=max(40, EXAMPLES // 10), deadline=None)
@given(batch=st.lists(texts, max_size=30), options=option_sets)
def test_batch_equals_one_by_one(batch, options):
    n = Normalizer(**options)
    expected = [n.normalize(t) for t in batch]
    assert n.normalize_batch(batch, n_threads=1) == expected
    assert n.normalize_batch(batch, n_threads=3) == expected


# Python stores a str at 1, 2 or 4 bytes per code point; str input is normalised straight from that storage
# into a new str, bytes input through UTF-8. Both must agree for every width.
ASTRAL = st.characters(min_codepoint=0x10000, blacklist_categories=("Cs",))
any_width_texts = st.one_of(
    texts,
    st.just(""),
    st.text(st.characters(max_codepoint=0x7F), max_size=30),
    st.text(st.characters(max_codepoint=0xFF), max_size=30),
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.lists(st.one_of(st.sampled_from(ALPHABET), ASTRAL), max_size=30).map("".join),
    st.lists(st.one_of(st.sampled_from(ALPHABET), st.characters(max_codepoint=0xFF)), max_size=30).map("".join),
)


@settings(max_examples=max(60, EXAMPLES // 3), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=st.lists(any_width_texts, max_size=20), options=option_sets)
def test_str_path_equals_bytes_path(batch, options):
    n = Normalizer(**options)
    expected = [n.normalize(t.encode()).decode() for t in batch]
    assert n.normalize_batch(batch, n_threads=1) == expected
    assert n.normalize_batch(batch, n_threads=2) == expected
    mixed = [t if i % 2 else t.encode() for i, t in enumerate(batch)]
    assert n.normalize_batch(mixed, n_threads=2) == [e if i % 2 else e.encode() for i, e in enumerate(expected)]
    for text, want in zip(batch, expected):
        assert n.normalize(text) == want
        out, offsets = n.normalize_with_offsets(text)
        bout, boffsets = n.normalize_with_offsets(text.encode())
        assert out == want and bout.decode() == want
        starts = [len(text[:i].encode()) for i in range(len(text))]
        assert boffsets.tolist() == [starts[o] for o in offsets.tolist()]


@pytest.mark.skipif(
    not (Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
         / "egy2013" / "articles.jsonl.gz").exists(),
    reason="shared corpus absent",
)
def test_shared_corpus_is_stable():
    root = Path(os.environ.get("AKHBAR_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
    with gzip.open(root / "egy2013" / "articles.jsonl.gz", "rt", encoding="utf-8") as f:
        docs = [json.loads(line)["text"] for line, _ in zip(f, range(2000))]
    n = Normalizer()
    out = n.normalize_batch(docs, n_threads=2)
    assert n.normalize_batch(out, n_threads=2) == out
    assert not any("\u0640" in t or "\u00a0" in t for t in out)


@PROPERTY_SETTINGS
@given(text=st.text(st.characters(blacklist_categories=("Cs",)), max_size=30), options=option_sets)
def test_any_unicode_is_stable_and_offsets_in_order(text, options):
    n = Normalizer(**options)
    out, offsets = n.normalize_with_offsets(text)
    assert out == n.normalize(text)
    assert n.normalize(out) == out
    offsets = offsets.tolist()
    assert offsets == sorted(offsets) and all(0 <= o < len(text) for o in offsets)


def test_long_runs_of_marks_are_put_in_order_30_at_a_time():
    # ICU reorders a run of marks by insertion: 100k marks in alternating classes took 2 s, a million minutes.
    # Unicode's stream-safe format: at most 30 marks in a row are ordered together (found by a review helper).
    # Up to 30 marks the result is NFC's; longer runs keep their marks, and normalising again changes nothing.
    import collections
    import unicodedata

    keep = dict(remove_diacritics=False, fold_latin=False)
    for base, pair in (("a", "\u0301\u0316"), ("ب", "\u0651\u064e")):
        for n in (3, 15, 16, 40, 50000):
            text = base + pair * n
            out = akhbar.normalize(text, **keep)
            if 2 * n <= 30:
                assert out == unicodedata.normalize("NFC", text)
            assert akhbar.normalize(out, **keep) == out
            # (the base may have absorbed a mark: á; CPython's own NFD of the whole run is quadratic too)
            assert collections.Counter(unicodedata.normalize("NFD", out[0]) + out[1:]) == collections.Counter(text)
    assert akhbar.normalize("ب" + "\u0651\u064e" * 50000) == "ب"  # the default removes Arabic diacritics
    # A hamza that folds into its alef past the first 30 marks is absorbed one a round: 8 rounds left some for the
    # next call (the fuzzer's input: lam-alef, then fathatan, shaddas and hamzas, with NULs between).
    for text in ("ا" + "\u0654" * 241, "\ufef7" + "\x00" * 20 + ("\u064b" + "\u0651" * 5 + "\u0654" * 4) * 4):
        out = akhbar.normalize(text, remove_diacritics=False)
        assert akhbar.normalize(out, remove_diacritics=False) == out
    # U+0F73 is a starter by its own class but decomposes into two marks: the run is counted through the
    # decomposition (a first count reset at each U+0F73, and 32k of them took a second; found in review).
    out = akhbar.normalize("a" + "\u0f73" * 20000, **keep)  # U+0F73 = U+0F71 U+0F72
    c = collections.Counter(out)
    assert akhbar.normalize(out, **keep) == out and out[0] == "a"
    assert c["\u0f71"] + c["\u0f73"] == 20000 and c["\u0f72"] + c["\u0f73"] == 20000 and len(c) <= 4
    out = akhbar.normalize("a" + "\u0f81\u0316" * 10000, **keep)  # U+0F81 = U+0F71 U+0F80
    c = collections.Counter(out)
    assert akhbar.normalize(out, **keep) == out
    assert c["\u0f71"] + c["\u0f81"] == c["\u0f80"] + c["\u0f81"] == c["\u0316"] == 10000


def test_obfuscation_fillers_include_arabic_separators_and_emoji():
    # '٫' and '٬' were digit separators even between letters, and symbols outside the BMP ended the scan, so
    # these stayed obfuscated (found by a review helper). Between digits '٫' is still a decimal point.
    for text in ("أعقـ٫ـاب", "أعقـ٬ـاب", "أعقـ😀ـاب", "أعقـ😀😀ـاب", "أعقـ.ـاب"):
        assert akhbar.normalize(text) == "اعقاب", text
        assert akhbar.normalize(text.encode()) == "اعقاب".encode()
        out, offsets = Normalizer().normalize_with_offsets(text)
        assert out == "اعقاب" and list(offsets)[:3] == [0, 1, 2] and text[offsets[3]:].startswith("ـ") is False
    assert akhbar.normalize("٣ـ٫ـ٥") == "3.5"
    assert akhbar.normalize("بـ😀 الوطن") == "ب😀 الوطن"  # no letter after the run: no obfuscation


def test_a_filler_pads_alike_whether_or_not_nfc_splits_it_into_a_symbol_and_a_mark():
    # U+2ADC and U+1D15E (composition exclusions) and the Greek tonos symbols are symbols that NFC splits into a
    # symbol and a mark. A text that needs no NFC elsewhere was repaired as a whole symbol; one that needs it
    # (e + U+0301 below) saw the mark after the filler and was not (found by a review helper). Marks after a
    # filler are now the filler's.
    for filler in ("\u2adc", "\U0001d15e", "\u1fc1", "\u0385", ".\u0338", "😀\u0301", "\U0001d157\u0338"):
        text = "أعقـ" + filler + "ـاب"
        assert akhbar.normalize(text) == "اعقاب", ascii(filler)
        assert akhbar.normalize(text + " e\u0301") == "اعقاب \u00e9", ascii(filler)
        assert akhbar.normalize((text + " e\u0301").encode()) == "اعقاب \u00e9".encode(), ascii(filler)
        out, offsets = Normalizer().normalize_with_offsets(text + " e\u0301")
        assert out == "اعقاب \u00e9" and list(offsets)[3:] == [len(text) - 2, len(text) - 1, len(text), len(text) + 1]
    # A mark after a tatweel is no filler's: it stays (the tatweels go, as ever).
    assert akhbar.normalize("أعقـ\u0338ـاب") == "اعق\u0338اب"


def test_a_mark_after_a_hangul_vowel_is_not_absorbed_by_the_alef_before_it():
    # An alef absorbs the hamza that composes with it (ا + U+0654 -> أ -> ا), but not one after another starter
    # of its NFC segment (a Hangul vowel); and each part of such a segment maps to where it came from.
    assert akhbar.normalize("ا\u1161\u0654", remove_diacritics=False) == "ا\u1161\u0654"
    assert akhbar.normalize("ا\u0654\u1161", remove_diacritics=False) == "ا\u1161"
    out, offsets = Normalizer().normalize_with_offsets("ا\u0654\u1161")
    assert out == "ا\u1161" and list(offsets) == [0, 2]
    out, offsets = Normalizer().normalize_with_offsets("e\u0301\u1100\u1161x")
    assert out == "\u00e9\uac00x" and list(offsets) == [0, 2, 4]
    # A run of Hangul vowels is one NFC segment however long: it is mapped as a whole, not cut (cutting it was
    # quadratic: 16k vowels took 2 s, these 200k would take minutes).
    text = "\u1100\u1161" + "\u1161" * 200_000
    out, offsets = Normalizer().normalize_with_offsets(text)
    assert out == "\uac00" + "\u1161" * 200_000 and len(offsets) == len(out) and offsets[-1] == 0


def test_a_normalizer_refuses_new_option_values():
    # n.fold_alef = False was taken silently, and changed nothing.
    n = Normalizer()
    with pytest.raises(AttributeError, match=r"immutable; cannot set 'fold_alef': pass it when making one"):
        n.fold_alef = False
    with pytest.raises(AttributeError, match="immutable"):
        n._impl = None
    assert n.normalize("أ") == "ا"
    assert copy.deepcopy(n) == n and pickle.loads(pickle.dumps(n)) == n
