"""akhbar: fast Arabic news text analytics.

Normalise raw Arabic web news, tokenise and analyse it, vectorise it (TF-IDF, BM25) with scikit-learn's
"""

from akhbar._core import __version__
from akhbar.errors import FormatError
from akhbar.normalization import Normalizer, normalize
from akhbar.analysis import Analyzer, Stemmer, Token, Tokenizer, get_stop_words, tokenize
from akhbar.feature_extraction import CountVectorizer, HashingVectorizer, TfidfVectorizer

__all__ = ["FormatError", "Normalizer", "__version__", "normalize"]
__all__ += ["Analyzer", "Stemmer", "Token", "Tokenizer", "get_stop_words", "tokenize"]
__all__ += ["CountVectorizer", "HashingVectorizer", "TfidfVectorizer"]
