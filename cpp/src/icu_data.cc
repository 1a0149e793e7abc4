#include "icu_data.h"

#include "akhbar/error.h"

namespace akhbar {
namespace internal {

namespace {

template <typename Get>
const icu::Normalizer2& Load(Get get, const char* what) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = get(status);
  CheckIcu(status, what);
  if (n == nullptr) CheckIcu(U_MISSING_RESOURCE_ERROR, what);
  return *n;
}

}  // namespace

const icu::Normalizer2& IcuNfc() {
  static const icu::Normalizer2& n = Load(icu::Normalizer2::getNFCInstance, "loading ICU's NFC data");
  return n;
}

const icu::Normalizer2& IcuNfd() {
  static const icu::Normalizer2& n = Load(icu::Normalizer2::getNFDInstance, "loading ICU's NFD data");
  return n;
}

const icu::Normalizer2& IcuNfkc() {
  static const icu::Normalizer2& n = Load(icu::Normalizer2::getNFKCInstance, "loading ICU's NFKC data");
  return n;
}

}  // namespace internal
}  // namespace akhbar
