import pytest

import akhbar


def test_obfuscation_is_repaired():
    assert akhbar.normalize("في أعقـ.ـاب القمة") == "في اعقاب القمه"


def test_wrong_type_raises_type_error():
    with pytest.raises(TypeError, match="text must be str or bytes"):
        akhbar.normalize(12)
