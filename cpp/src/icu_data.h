// Internal: ICU's normalisation data, shared and immutable, loaded once for the whole library.
#ifndef AKHBAR_SRC_ICU_DATA_H_
#define AKHBAR_SRC_ICU_DATA_H_

#include <unicode/normalizer2.h>

namespace akhbar {
namespace internal {

// ICU's NFC, NFD and NFKC instances (thread-safe). Throw akhbar::Error if ICU lacks the data.
const icu::Normalizer2& IcuNfc();
const icu::Normalizer2& IcuNfd();
const icu::Normalizer2& IcuNfkc();

}  // namespace internal
}  // namespace akhbar

#endif  // AKHBAR_SRC_ICU_DATA_H_
