#include "akhbar/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "akhbar/error.h"

namespace akhbar {
namespace {

struct DecodeCase {
  const char* name;
  std::string bytes;
  std::int32_t code_point;  // -1: ill-formed
  int length;
};

class Utf8DecodeTest : public ::testing::TestWithParam<DecodeCase> {};

TEST_P(Utf8DecodeTest, Decodes) {
  const DecodeCase& c = GetParam();
  int len = 99;
  EXPECT_EQ(utf8::Decode(c.bytes, 0, &len), c.code_point);
  EXPECT_EQ(len, c.length);
  EXPECT_EQ(utf8::Validate(c.bytes), c.code_point < 0 ? 0 : utf8::kValid);
}

INSTANTIATE_TEST_SUITE_P(
    Sequences, Utf8DecodeTest,
    ::testing::Values(DecodeCase{"Ascii", "A", 'A', 1}, DecodeCase{"Nul", std::string(1, '\0'), 0, 1},
                      DecodeCase{"TwoBytes", "\xD8\xA8", 0x0628, 2}, DecodeCase{"MaxTwo", "\xDF\xBF", 0x07FF, 2},
                      DecodeCase{"ThreeBytes", "\xEF\xBB\xBB", 0xFEFB, 3}, DecodeCase{"MinThree", "\xE0\xA0\x80", 0x0800, 3},
                      DecodeCase{"BeforeSurrogates", "\xED\x9F\xBF", 0xD7FF, 3},
                      DecodeCase{"AfterSurrogates", "\xEE\x80\x80", 0xE000, 3},
                      DecodeCase{"FourBytes", "\xF0\x9F\x98\x80", 0x1F600, 4},
                      DecodeCase{"MaxCodePoint", "\xF4\x8F\xBF\xBF", 0x10FFFF, 4},
                      DecodeCase{"Continuation", "\x80", -1, 0}, DecodeCase{"C0", "\xC0\x80", -1, 0},
                      DecodeCase{"C1Overlong", "\xC1\xBF", -1, 0}, DecodeCase{"Overlong3", "\xE0\x9F\xBF", -1, 0},
                      DecodeCase{"Overlong4", "\xF0\x8F\xBF\xBF", -1, 0},
                      DecodeCase{"HighSurrogate", "\xED\xA0\x80", -1, 0},
                      DecodeCase{"LowSurrogate", "\xED\xBF\xBF", -1, 0},
                      DecodeCase{"AboveMax", "\xF4\x90\x80\x80", -1, 0}, DecodeCase{"F5", "\xF5\x80\x80\x80", -1, 0},
                      DecodeCase{"FF", "\xFF", -1, 0}, DecodeCase{"Truncated2", "\xD8", -1, 0},
                      DecodeCase{"Truncated3", "\xE2\x82", -1, 0}, DecodeCase{"Truncated4", "\xF0\x9F\x98", -1, 0},
                      DecodeCase{"BadContinuation", "\xE2\x28\xA1", -1, 0}),
    [](const ::testing::TestParamInfo<DecodeCase>& info) { return std::string(info.param.name); });

TEST(Utf8, DecodeAtOffsetAndBounds) {
  const std::string s = "a\xD8\xA8\xE2\x82";  // a, ب, truncated
  int len;
  EXPECT_EQ(utf8::Decode(s, 1, &len), 0x0628);
  EXPECT_EQ(len, 2);
  EXPECT_EQ(utf8::Decode(s, 3, &len), -1);  // must not read past the end
  EXPECT_EQ(len, 0);
}

TEST(Utf8, ValidateFindsTheFirstBadByteAfterAsciiRuns) {
  EXPECT_EQ(utf8::Validate(""), utf8::kValid);
  EXPECT_EQ(utf8::Validate("plain ascii text that is longer than eight bytes"), utf8::kValid);
  EXPECT_EQ(utf8::Validate("في أعقاب القمة 😀"), utf8::kValid);
  for (std::size_t prefix = 0; prefix < 20; ++prefix) {
    const std::string s = std::string(prefix, 'x') + "\xC3\xA9" + "\xFF" + "tail";
    EXPECT_EQ(utf8::Validate(s), prefix + 2) << prefix;
  }
  EXPECT_EQ(utf8::Validate("ab\xED\xA0\x80"), 2u);
}

TEST(Utf8, CheckValidThrowsWithTheOffset) {
  EXPECT_NO_THROW(utf8::CheckValid("سلام"));
  try {
    utf8::CheckValid("سلا\xC0\xAF");
    FAIL() << "no exception";
  } catch (const InvalidUtf8& e) {
    EXPECT_EQ(e.byte_offset(), 6u);
    EXPECT_NE(std::string(e.what()).find("0xC0 at byte offset 6"), std::string::npos) << e.what();
  }
}

struct RepairCase {
  const char* name;
  std::string bytes, repaired;
  std::vector<std::uint32_t> offsets;  // per byte of the result
};

class Utf8RepairTest : public ::testing::TestWithParam<RepairCase> {};

TEST_P(Utf8RepairTest, Repairs) {
  const RepairCase& c = GetParam();
  std::vector<std::uint32_t> offsets;
  const std::string out = utf8::Repair(c.bytes, &offsets);
  EXPECT_EQ(out, c.repaired);
  EXPECT_EQ(offsets, c.offsets);
  EXPECT_EQ(utf8::Validate(out), utf8::kValid);
  EXPECT_EQ(utf8::Repair(c.bytes), out);
}

const std::string kFffd = "\xEF\xBF\xBD";

INSTANTIATE_TEST_SUITE_P(
    Sequences, Utf8RepairTest,
    ::testing::Values(
        RepairCase{"Valid", "a\xD8\xA8", "a\xD8\xA8", {0, 1, 1}},
        RepairCase{"Empty", "", "", {}},
        RepairCase{"OneBadByte", "a\xFF" "b", "a" + kFffd + "b", {0, 1, 1, 1, 2}},
        // Maximal subparts: a truncated 3-byte sequence is one U+FFFD; a bad second byte is not swallowed.
        RepairCase{"TruncatedThree", "\xE2\x82" "a", kFffd + "a", {0, 0, 0, 2}},
        RepairCase{"BadSecondByte", "\xE2" "a", kFffd + "a", {0, 0, 0, 1}},
        RepairCase{"OverlongIsPerByte", "\xC0\xAF", kFffd + kFffd, {0, 0, 0, 1, 1, 1}},
        // An encoded surrogate in bytes is three, as Python's and WHATWG's decoders give (see
        // RepairingAPythonStrKeepsASurrogateWhole for text from a str).
        RepairCase{"Surrogate", "x\xED\xA0\x80y", "x" + kFffd + kFffd + kFffd + "y",
                   {0, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4}},
        RepairCase{"AboveMax", "\xF4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd,
                   {0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3}},
        RepairCase{"TruncatedAtEnd", "\xD8\xA8\xD8", "\xD8\xA8" + kFffd, {0, 0, 2, 2, 2}}),
    [](const ::testing::TestParamInfo<RepairCase>& info) { return std::string(info.param.name); });

TEST(Utf8, RepairingAPythonStrKeepsASurrogateWhole) {
  // How Python's lone surrogates arrive (encoded with surrogatepass): one code point, one U+FFFD.
  std::vector<std::uint32_t> offsets;
  EXPECT_EQ(utf8::Repair("x\xED\xA0\x80y", &offsets, true), "x" + kFffd + "y");
  EXPECT_EQ(offsets, (std::vector<std::uint32_t>{0, 1, 1, 1, 4}));
  EXPECT_EQ(utf8::Repair("\xED\xA0", nullptr, true), kFffd + kFffd);  // (cut short: no surrogate)
}

TEST(Utf8, CountAndIndex) {
  const std::string s = "aب😀c";
  EXPECT_EQ(utf8::CountCodePoints(s), 4u);
  EXPECT_EQ(utf8::CountCodePoints(""), 0u);
  EXPECT_EQ(utf8::ByteToCodePointIndex(s), (std::vector<std::uint32_t>{0, 1, 1, 2, 2, 2, 2, 3, 4}));
  // Eight bytes at a time: every length around the word, from every offset, with bytes of every kind (the count
  // is of the bytes that are not continuation bytes, whether the text is well formed or not).
  std::mt19937 rng(11);
  const unsigned char kinds[] = {'a', 0x7F, 0x80, 0xBF, 0xC0, 0xD8, 0xE2, 0xF0, 0xFF};
  std::string bytes;
  for (int k = 0; k < 64; ++k) bytes += static_cast<char>(kinds[rng() % sizeof kinds]);
  for (std::size_t begin = 0; begin < 9; ++begin) {
    for (std::size_t len = 0; begin + len <= bytes.size(); ++len) {
      const std::string_view t = std::string_view(bytes).substr(begin, len);
      std::size_t want = 0;
      for (const char c : t) want += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      ASSERT_EQ(utf8::CountCodePoints(t), want) << begin << " " << len;
    }
  }
}

TEST(Utf8, AppendRoundTripsEveryScalarValue) {
  for (char32_t c = 0; c <= 0x10FFFF; c += (c < 0x20000 ? 1 : 97)) {
    if (c >= 0xD800 && c <= 0xDFFF) continue;
    std::string s;
    utf8::Append(c, s);
    int len;
    ASSERT_EQ(utf8::Decode(s, 0, &len), static_cast<std::int32_t>(c));
    ASSERT_EQ(static_cast<std::size_t>(len), s.size());
  }
}

}  // namespace
}  // namespace akhbar
