// Internal: the built-in stop-word lists (raw, not normalised).
#ifndef AKHBAR_SRC_STOPWORDS_DATA_H_
#define AKHBAR_SRC_STOPWORDS_DATA_H_

#include <cstddef>

namespace akhbar {
namespace stopwords_data {

extern const char* const kArabic[];
extern const std::size_t kArabicSize;
extern const char* const kEnglish[];
extern const std::size_t kEnglishSize;

}  // namespace stopwords_data
}  // namespace akhbar

#endif  // AKHBAR_SRC_STOPWORDS_DATA_H_
