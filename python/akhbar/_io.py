"""Helpers the public modules share: atomic file writes and checks of arguments."""

from __future__ import annotations

import math
import os
import secrets
import sys
import threading
import time
import warnings
import weakref
from contextlib import contextmanager
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


#: The first bytes of every file in akhbar's format (cpp/include/akhbar/serialize.h).
MAGIC = b"AKHBAR\x00\x01"


def path_arg(path: object, name: str = "path") -> str | bytes | os.PathLike:
    """``path`` if it is a str, bytes or os.PathLike; TypeError otherwise. (open() takes an int, a bool
    included, as a file descriptor, and closes it: ``load(0)`` read stdin, ``load(True)`` closed stdout.)"""
    if isinstance(path, (bool, int, np.integer)) or not isinstance(path, (str, bytes, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, not {type(path).__name__}")
    return path


def read_model_file(path: object) -> bytes:
    """The bytes of the akhbar file at ``path``. A file that does not start as one raises FormatError before
    more of it is read (a device such as /dev/zero, or a large foreign file, was read whole first)."""
    from akhbar.errors import FormatError

    with open(path_arg(path), "rb") as f:
        head = f.read(len(MAGIC))
        if head != MAGIC:
            raise FormatError(f"{os.fsdecode(path)!r} is not an akhbar file (bad magic bytes)")
        return head + f.read()


@contextmanager
def atomic_file(path: str | os.PathLike):
    """A new binary file that replaces ``path`` when the ``with`` block ends normally, through a temporary file
    and a rename: a reader never sees a partial file, and a failed or interrupted write (an exception, Ctrl-C)
    leaves the old file in place and no temporary one. The temporary file's name is new (``path`` + a random
    suffix, created exclusively): writers of one path at once do not share it, and no file of the user's is
    overwritten or removed but ``path``. A symbolic link at ``path`` stays one: the file it points to is
    replaced; the file replaced keeps its permissions (a private 0600 model stays private)."""
    target = os.fsdecode(path_arg(path))
    if os.path.exists(target) and not os.path.isfile(target):  # a device or pipe (/dev/stdout): written as it is
        with open(target, "wb") as f:
            yield f
        return
    if os.path.islink(target):
        target = os.path.realpath(target)
    tmp = f"{target}.{secrets.token_hex(6)}.tmp"
    created = False  # (if the exclusive open fails, the file is not ours to remove)
    try:
        try:
            f = open(tmp, "xb")  # noqa: SIM115 (closed by the with below; opened first to name the error)
        except OSError as e:  # (named by the user's path, not the temporary file's)
            raise type(e)(e.errno, e.strerror, os.fsdecode(path)) from None
        created = True
        with f:
            yield f
        try:
            os.chmod(tmp, os.stat(target).st_mode & 0o7777)
        except FileNotFoundError:
            pass
        os.replace(tmp, target)
    except BaseException:
        if created and os.path.exists(tmp):
            os.remove(tmp)
        raise


def write_atomic(path: str | os.PathLike, data: bytes) -> None:
    """Writes ``data`` to ``path`` as ``atomic_file`` does."""
    with atomic_file(path) as f:
        f.write(data)


def refuse_frame(value: object, name: str) -> None:
    """TypeError for a data frame given as documents: a pandas DataFrame's iteration gives its column names, a
    polars DataFrame's its columns."""
    if hasattr(value, "columns") and (hasattr(value, "iloc") or type(value).__name__ == "DataFrame"):
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
            raise TypeError(f"{name}[{i}] must be str, not {type(item).__name__}{missing_hint(item)}")
    return items


def missing_hint(item: object) -> str:
    """A hint for an element that is not text because it is a missing value (None, NaN, pandas.NA), or ""."""
    absent = item is None or (isinstance(item, float) and math.isnan(item)) or type(item).__name__ == "NAType"
    return " (a missing value? fill it, e.g. with '')" if absent else ""


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


class ReadWriteLock:
    """Readers at once, or one writer alone: for a model or index that queries read and a change (partial_fit,
    fit, add) rewrites in place. A thread already reading reads again without waiting (a query calling
    another). With ``prefer_writers``, other new readers wait while a writer waits, so that a stream of readers
    cannot hold a change back for ever (but a reader that waits for another thread's new read then waits for
    the writer too); a number of seconds bounds that wait (past it, the reader goes on). A thread cannot write
    while it reads, nor read while it writes: that would wait for itself, so it raises RuntimeError with the
    message given.

    ``changing`` lets one change at a time work out what it will write while readers go on. A process forked
    while other threads held the lock gets it free in the child (they are not there); what the forking thread
    held, it keeps. If another thread was writing, what it wrote is half done in the child: the lock is then
    broken there, and every later use raises RuntimeError."""

    def __init__(self, write_while_reading: str, read_while_writing: str,
                 prefer_writers: bool | float = True) -> None:
        self._messages = (write_while_reading, read_while_writing)
        self._patience = math.inf if prefer_writers is True else float(prefer_writers)
        self._cond = threading.Condition()
        self._readers: dict[int, int] = {}
        self._writer: int | None = None
        self._waiting_writers = 0
        self._change = threading.Lock()
        self._changer: int | None = None
        self._broken = False
        _LOCKS.add(self)

    def _after_fork_in_child(self) -> None:
        me = threading.get_ident()
        mine = self._readers.get(me)
        self._broken = self._broken or self._writer not in (None, me)
        self._cond = threading.Condition()
        self._readers = {me: mine} if mine else {}
        self._writer = me if self._writer == me else None
        self._waiting_writers = 0
        if self._changer != me:
            self._change = threading.Lock()
            self._changer = None

    def _check_whole(self) -> None:
        if self._broken:
            raise RuntimeError("this process was forked while another thread changed this object in place (a "
                               "partial_fit): its copy here is half changed; load or fit it again in this process")

    @contextmanager
    def changing(self):
        """One change at a time; readers go on (until the change takes ``writing``)."""
        me = threading.get_ident()
        self._check_whole()
        if me in self._readers:
            raise RuntimeError(self._messages[0])
        if self._changer == me:
            raise RuntimeError("a change cannot start inside another change of the same thread")
        with self._change:
            self._changer = me
            try:
                yield
            finally:
                self._changer = None

    @contextmanager
    def reading(self):
        me = threading.get_ident()
        self._check_whole()
        with self._cond:
            if self._writer == me:
                raise RuntimeError(self._messages[1])
            if me not in self._readers:
                deadline = time.monotonic() + self._patience if self._patience < math.inf else math.inf
                while self._writer is not None or self._waiting_writers:
                    if self._writer is None and time.monotonic() >= deadline:
                        break  # (waited long enough for the waiting writers: go on beside the other readers)
                    self._cond.wait(None if self._writer is not None or deadline == math.inf
                                    else max(deadline - time.monotonic(), 0.0))
            self._readers[me] = self._readers.get(me, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._readers[me] -= 1
                if not self._readers[me]:
                    del self._readers[me]
                    self._cond.notify_all()

    @contextmanager
    def writing(self):
        me = threading.get_ident()
        self._check_whole()
        with self._cond:
            if me in self._readers or self._writer == me:
                raise RuntimeError(self._messages[0])
            self._waiting_writers += 1
            try:
                while self._writer is not None or self._readers:
                    self._cond.wait()
            except BaseException:  # (interrupted: the readers held back for this writer go on)
                self._waiting_writers -= 1
                self._cond.notify_all()
                raise
            self._waiting_writers -= 1
            self._writer = me
        try:
            yield
        finally:
            with self._cond:
                self._writer = None
                self._cond.notify_all()


_LOCKS: weakref.WeakSet = weakref.WeakSet()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: [lock._after_fork_in_child() for lock in list(_LOCKS)])
