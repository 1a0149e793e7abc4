"""akhbar: fast Arabic news text analytics.

Normalise raw Arabic web news, tokenise and analyse it, vectorise it (TF-IDF, BM25) with scikit-learn's
interface, and find related articles, near-duplicates and story clusters. The work is done in C++.
"""

from akhbar._core import __version__
from akhbar.errors import FormatError
from akhbar.normalization import Normalizer, normalize

__all__ = ["FormatError", "Normalizer", "__version__", "normalize"]
