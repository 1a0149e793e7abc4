"""Exceptions raised by akhbar."""

from akhbar._core import FormatError

FormatError.__module__ = "akhbar"
FormatError.__doc__ = (
    "A saved model or index is truncated, corrupted, from an unknown format version or otherwise not "
    "readable. A subclass of ValueError."
)

__all__ = ["FormatError"]
