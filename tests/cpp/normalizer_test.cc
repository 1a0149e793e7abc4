#include "akhbar/normalizer.h"

#include <gtest/gtest.h>

#include "akhbar/error.h"

namespace akhbar {
namespace {

TEST(NormalizerTest, RepairsObfuscatedWords) {
  Normalizer n;
  EXPECT_EQ(n.Normalize("في أعقـ.ـاب القمة"), "في اعقاب القمه");
  EXPECT_EQ(n.Normalize("وقـ.ـف إطـ.ـلاق النـ.ـار"), "وقف اطلاق النار");
}

TEST(NormalizerTest, InvalidUtf8NamesTheByteOffset) {
  Normalizer n;
  try {
    n.Normalize("ab\xff");
    FAIL() << "no exception";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), 2u);
  }
}

}  // namespace
}  // namespace akhbar
