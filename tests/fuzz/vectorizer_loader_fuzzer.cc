// Fuzzes the vectoriser loaders (vocabulary-based and hashing) with hostile bytes. Each input is tried as it is and with its CRC-32 repaired
// (so that mutations reach the payload parser, not only the checksum). Loading must either throw FormatError or
// give a model that transforms and refits without crashing; no allocation may exceed what the input's size
// justifies (libFuzzer's -rss_limit_mb and -malloc_limit_mb catch that).
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "akhbar/analyzer.h"
#include "akhbar/error.h"
#include "akhbar/hashing_vectorizer.h"
#include "akhbar/serialize.h"
#include "akhbar/vectorizer.h"

namespace {

void TryLoad(std::string_view bytes, const std::shared_ptr<const akhbar::Analyzer>& analyzer) {
  std::unique_ptr<akhbar::Vectorizer> model;
  try {
    std::string metadata;
    try {
      model = akhbar::Vectorizer::Deserialize(bytes, analyzer, &metadata);
    } catch (const akhbar::InvalidArgument&) {  // (stored with other analyser options: loaded with its own)
      model = akhbar::Vectorizer::Deserialize(bytes, nullptr, &metadata);
    }
  } catch (const akhbar::FormatError&) {
    return;
  }
  // A model that loads must be usable.
  const auto docs = akhbar::DocumentBatch::FromTexts({"في أعقاب القمة العربية", "قال الرئيس", ""});
  try {
    (void)model->Transform(docs, 1);
    (void)model->Serialize("m");
    model->PartialFit(docs, 1);
  } catch (const akhbar::InvalidArgument&) {
    // e.g. a loaded model that was never fitted, or where no feature remains
  }
}

void TryLoadHashing(std::string_view bytes, const std::shared_ptr<const akhbar::Analyzer>& analyzer) {
  std::unique_ptr<akhbar::HashingVectorizer> model;
  try {
    try {
      model = akhbar::HashingVectorizer::Deserialize(bytes, analyzer, nullptr);
    } catch (const akhbar::InvalidArgument&) {  // (stored with other analyser options: loaded with its own)
      model = akhbar::HashingVectorizer::Deserialize(bytes, nullptr, nullptr);
    }
  } catch (const akhbar::FormatError&) {
    return;
  }
  try {
    (void)model->Transform(akhbar::DocumentBatch::FromTexts({"في أعقاب القمة العربية", ""}), 1);
  } catch (const akhbar::InvalidArgument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto analyzer = std::make_shared<const akhbar::Analyzer>(akhbar::AnalyzerOptions());
  const std::string_view raw(reinterpret_cast<const char*>(data), size);
  TryLoad(raw, analyzer);
  TryLoadHashing(raw, analyzer);
  if (size >= 4) {
    std::string fixed(raw);
    const std::uint32_t crc = akhbar::Crc32(std::string_view(fixed).substr(0, size - 4));
    std::memcpy(&fixed[size - 4], &crc, 4);
    TryLoad(fixed, analyzer);
    TryLoadHashing(fixed, analyzer);
  }
  return 0;
}
