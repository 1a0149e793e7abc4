"""Helpers the public modules share: atomic file writes and checks of arguments."""

from __future__ import annotations

import math
import os
import sys
import warnings
from typing import Any

import numpy as np


def warn_user(message: str) -> None:
    """A UserWarning attributed to the first caller outside the akhbar package (whatever path led here)."""
    level, frame = 2, sys._getframe(1)  # (stacklevel 2: the caller of warn_user)
    while frame is not None and _in_package(frame.f_globals.get("__name__")):
        frame = frame.f_back
        level += 1
    warnings.warn(message, UserWarning, stacklevel=level)


def _in_package(module: object) -> bool:
    return isinstance(module, str) and (module == "akhbar" or module.startswith("akhbar."))


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Writes ``data`` to ``path`` through a temporary file and a rename, so that a reader never sees a partial
    file and a failed write leaves the old file in place."""
    tmp = os.fspath(path) + ".tmp"
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def refuse_frame(value: object, name: str) -> None:
    """TypeError for a pandas DataFrame given as documents: its iteration gives its column names."""
    if hasattr(value, "columns") and hasattr(value, "iloc"):
        raise TypeError(f"{name} is a DataFrame, whose iteration gives its column names: pass one column (df['text'])")


def str_list(value: object, name: str) -> list[str]:
    """``value`` (any iterable of str, not a single str) as a list; TypeError naming ``name`` or the bad element."""
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an iterable of str, not a single {type(value).__name__}; wrap it in a list")
    refuse_frame(value, name)
    try:
        items = list(value)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{name} must be an iterable of str, not {type(value).__name__}") from None
    for i, item in enumerate(items):
        if not isinstance(item, str):
            absent = item is None or (isinstance(item, float) and math.isnan(item)) or type(item).__name__ == "NAType"
            missing = " (a missing value? fill it, e.g. with '')" if absent else ""
            raise TypeError(f"{name}[{i}] must be str, not {type(item).__name__}{missing}")
    return items


class ReadOnly:
    """Mixin for a read-only dict or list (put first among the bases): methods assigned ``_refuse`` raise
    TypeError with ``_message``; copies (``copy()``, ``copy.copy``, ``copy.deepcopy``, pickle) are of the plain
    type ``_plain``, editable."""

    __slots__ = ()
    _plain: type = dict
    _message = "read-only"

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError(self._message)

    def copy(self) -> Any:
        return self._plain(self)

    def __reduce__(self) -> Any:
        return self._plain, (self._plain(self),)

    def __copy__(self) -> Any:
        return self._plain(self)

    def __deepcopy__(self, memo: dict) -> Any:
        return self._plain(self)


def bool_arg(name: str, value: object) -> bool:
    """``value`` as a bool if it is one (Python's or numpy's); TypeError naming ``name`` otherwise: "no" or 0 read
    as a flag would be taken silently."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, not {type(value).__name__}")
    return bool(value)
