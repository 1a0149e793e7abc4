// MinHash signatures over word shingles and LSH banding, to find near-duplicate articles (wire copy republished
// by several outlets, light edits) without comparing every pair.
//
// A text is normalised (akhbar::Normalizer defaults), split into words (maximal runs of letters and digits) and
// turned into the set of its word n-grams ("shingles"), each hashed once to 64 bits. The signature uses one
// permutation hashing: the hash picks one of num_perm bins and the bin keeps the smallest value. An empty bin takes
// the value of the first non-empty bin of a pseudo-random sequence of bins that depends on the bin alone ("optimal
// densification", Shrivastava, ICML 2017), so that two signatures agree in a bin with probability the Jaccard
// similarity of the shingle sets, with a variance close to that of independent permutations even for a text of a
// few shingles. (Rotation, Shrivastava and Li 2014, which took the next non-empty bin, underestimated short texts:
// two 4-shingle titles sharing 2 agreed in 12% of the bins, not 50%. It stays for indexes saved with it.) Cost:
// O(text length + num_perm * num_perm / filled bins) per text instead of O(shingles * num_perm) for k
// independent permutations.
#ifndef AKHBAR_MINHASH_H_
#define AKHBAR_MINHASH_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar {

class Normalizer;

// How a signature fills its empty bins (see above).
enum class Densification { kRotation, kOptimal };

struct MinHashOptions {
  int num_perm = 128;    // signature length, 8 to 4096
  int shingle_size = 3;  // words per shingle, 1 to 32
  std::uint64_t seed = 1;
  Densification densification = Densification::kOptimal;
};

// A signature in which every bin is this value comes from a text without any word; it matches nothing.
inline constexpr std::uint32_t kEmptySignature = 0xFFFFFFFFu;

// Computes signatures. Immutable after construction; every method is const and thread-safe.
class MinHasher {
 public:
  // Throws InvalidArgument for out-of-range options.
  explicit MinHasher(const MinHashOptions& options = MinHashOptions());
  ~MinHasher();
  MinHasher(const MinHasher&) = delete;
  MinHasher& operator=(const MinHasher&) = delete;

  const MinHashOptions& options() const noexcept { return options_; }

  // The words of `text` after normalisation. Throws InvalidUtf8 for ill-formed input. O(n).
  std::vector<std::string> Words(std::string_view text) const;

  // The distinct 64-bit hashes of the shingles of `text`, sorted. A text with fewer words than shingle_size
  // has one shingle of all its words; a text without words has none. Throws InvalidUtf8 for ill-formed input.
  // O(n log n).
  std::vector<std::uint64_t> ShingleHashes(std::string_view text) const;

  // Writes the num_perm values of the signature of `text` to `out` (all kEmptySignature for a text without
  // words). Throws InvalidUtf8 for ill-formed input. O(n + num_perm).
  void Signature(std::string_view text, std::uint32_t* out) const;

  // Signature of a set of shingle hashes (as ShingleHashes returns). O(hashes + num_perm).
  void SignatureOfHashes(const std::vector<std::uint64_t>& hashes, std::uint32_t* out) const;

  // Signatures of many texts into out[i * num_perm ...], on n_threads threads (<= 0: all). Identical output
  // for any thread count; InvalidUtf8 names the first ill-formed text ("text 37: ...").
  void Signatures(const std::vector<std::string_view>& texts, int n_threads, std::uint32_t* out) const;

 private:
  MinHashOptions options_;
  std::unique_ptr<Normalizer> normalizer_;
};

// Fraction of equal bins: an estimate of the Jaccard similarity. 0 if either signature is empty. O(num_perm).
double EstimateJaccard(const std::uint32_t* a, const std::uint32_t* b, int num_perm) noexcept;

// Exact Jaccard similarity of two sorted sets of hashes (1 for two empty sets). O(|a| + |b|).
double ExactJaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) noexcept;

// LSH banding: `bands` bands of `rows` bins each (bands * rows <= num_perm).
struct LshParams {
  int bands = 0;
  int rows = 0;
};

// The banding that minimises the weighted probabilities of a false positive (similarity below `threshold`
// becoming a candidate) and of a false negative (at or above it missed), as datasketch does. O(num_perm^2).
LshParams OptimalLshParams(double threshold, int num_perm, double false_positive_weight = 0.5,
                           double false_negative_weight = 0.5);

struct NearDuplicatePair {
  std::int32_t a;  // a < b
  std::int32_t b;
  float jaccard;  // signature estimate
};

// Pairs (a < b) of the n signatures (row-major, num_perm each) that share an LSH band and whose estimated
// Jaccard similarity is at least `threshold`, sorted by (a, b). Empty signatures never pair. Identical output
// for any thread count. O(n * bands log n + candidate pairs * num_perm).
std::vector<NearDuplicatePair> FindNearDuplicates(const std::uint32_t* signatures, std::size_t n, int num_perm,
                                                  double threshold, LshParams params, int n_threads);

// The connected components of the pairs FindNearDuplicates gives (same arguments): component[i] is the smallest
// article of i's component (i itself if it has no near-duplicate). Equal signatures are joined first and bucketed
// once, a candidate pair whose articles are already joined is not estimated, and no pair is listed: m copies of
// one article cost O(m log m), where the pairs were m(m-1)/2 (8,000 copies: 6 GB in Python). Identical output for
// any thread count (the bands are keyed on `n_threads`, joined on one).
std::vector<std::int32_t> NearDuplicateComponents(const std::uint32_t* signatures, std::size_t n, int num_perm,
                                                  double threshold, LshParams params, int n_threads);

}  // namespace akhbar

#endif  // AKHBAR_MINHASH_H_
