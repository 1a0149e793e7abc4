"""akhbar: fast Arabic news text analytics.

Normalise raw Arabic web news, tokenise and analyse it, vectorise it (TF-IDF, BM25) with scikit-learn's
interface, and find related articles, near-duplicates and story clusters. The work is done in C++.
"""

from akhbar._core import __version__
from akhbar.errors import FormatError
from akhbar.normalization import Normalizer, normalize
from akhbar.analysis import Analyzer, Stemmer, Token, Tokenizer, get_stop_words, tokenize
from akhbar.feature_extraction import CountVectorizer, HashingVectorizer, TfidfVectorizer
from akhbar.related import Match, RelatedArticles

__all__ = ["FormatError", "Normalizer", "__version__", "normalize"]
__all__ += ["Analyzer", "Stemmer", "Token", "Tokenizer", "get_stop_words", "tokenize"]
__all__ += ["CountVectorizer", "HashingVectorizer", "TfidfVectorizer"]
__all__ += ["Match", "RelatedArticles"]
