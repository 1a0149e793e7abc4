"""Issue 6: bad input, big input, many threads, Ctrl-C — across the public API."""

import os
import resource
import signal
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


@pytest.mark.parametrize("bad", [None, 1, 1.5, ["text"], object()])
def test_normalize_rejects_non_text(bad):
    with pytest.raises(TypeError, match="text must be str or bytes"):
        akhbar.normalize(bad)


def test_normalize_batch_names_the_bad_element():
    with pytest.raises(TypeError, match=r"texts\[2\] must be str or bytes"):
        akhbar.Normalizer().normalize_batch(["a", "b", 3])
    with pytest.raises(ValueError, match=r"texts\[1\].*byte offset 1"):
        akhbar.Normalizer().normalize_batch([b"ok", b"a\xff"])
