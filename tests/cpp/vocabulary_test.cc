#include "akhbar/vocabulary.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/serialize.h"
#include "akhbar/utf8.h"

namespace akhbar {
namespace {

TEST(VocabularyTest, InsertFindTermInInsertionOrder) {
  Vocabulary v;
  bool added = false;
  EXPECT_EQ(v.Insert("مصر", &added), 0u);
  EXPECT_TRUE(added);
  EXPECT_EQ(v.Insert("القاهرة", &added), 1u);
  EXPECT_EQ(v.Insert("مصر", &added), 0u);
  EXPECT_FALSE(added);
  EXPECT_EQ(v.Insert(""), 2u);
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.Find("القاهرة"), 1u);
  EXPECT_EQ(v.Find(""), 2u);
  EXPECT_EQ(v.Find("مص"), Vocabulary::kNotFound);
  EXPECT_EQ(v.Term(0), "مصر");
  EXPECT_EQ(v.Term(2), "");
}

TEST(VocabularyTest, MatchesAHashMapOnManyRandomTerms) {
  std::mt19937 rng(7);
  Vocabulary v;
  std::unordered_map<std::string, std::uint32_t> ref;
  for (int i = 0; i < 200000; ++i) {
    std::string t;
    const int len = static_cast<int>(rng() % 12);
    for (int k = 0; k < len; ++k) t.push_back(static_cast<char>('a' + rng() % 6));
    const auto it = ref.emplace(t, static_cast<std::uint32_t>(ref.size())).first;
    ASSERT_EQ(v.Insert(t), it->second);
  }
  ASSERT_EQ(v.size(), ref.size());
  for (const auto& [t, id] : ref) {
    ASSERT_EQ(v.Find(t), id);
    ASSERT_EQ(v.Term(id), t);
  }
  EXPECT_EQ(v.Find("zzz"), Vocabulary::kNotFound);
}

TEST(VocabularyTest, SortedIdsFollowByteOrderLikePythonStrOrder) {
  Vocabulary v;
  const std::vector<std::string> terms = {"ب", "ا", "b", "a", "ab", "", "aaaaaaaaab", "aaaaaaaaa", "ا ب", "\xF0\x9F\x98\x80", "\xEF\xBF\xBD"};
  for (const auto& t : terms) v.Insert(t);
  std::vector<std::string> expected = terms;
  std::sort(expected.begin(), expected.end());
  std::vector<std::string> got;
  for (const std::uint32_t id : v.SortedIds()) got.emplace_back(v.Term(id));
  EXPECT_EQ(got, expected);
  // U+FFFD (EF BF BD) sorts before U+1F600 (F0 ...) in bytes and in code points.
  EXPECT_LT(std::string("\xEF\xBF\xBD"), std::string("\xF0\x9F\x98\x80"));
}

// Inserts make()'s terms until `n` distinct ones are in; returns them in insertion order.
template <typename Make>
std::vector<std::string> InsertDistinct(Vocabulary* v, std::size_t n, Make&& make) {
  std::vector<std::string> terms;
  while (terms.size() < n) {
    std::string t = make();
    bool added = false;
    v->Insert(t, &added);
    if (added) terms.push_back(std::move(t));
  }
  return terms;
}

std::vector<std::string> TermsInSortedOrder(const Vocabulary& v) {
  std::vector<std::string> out;
  for (const std::uint32_t id : v.SortedIds()) out.emplace_back(v.Term(id));
  return out;
}

std::vector<std::string> Sorted(std::vector<std::string> terms) {
  std::sort(terms.begin(), terms.end());
  return terms;
}

// Many terms (the radix path) that share 8- and 16-byte prefixes, differ past them, hold NUL bytes or are
// prefixes of one another, sorted exactly as std::sort sorts the strings; a subset of ids too.
TEST(VocabularyTest, SortByTermOrdersManyTermsWithLongSharedPrefixes) {
  std::mt19937 rng(3);
  const std::vector<std::string> stems = {"", "الحكومة ", "الحكومة المصرية", "aaaaaaaa", "aaaaaaaaaaaaaaaa", "\xD8"};
  const std::string alphabet = std::string("ab ") + std::string(1, '\0') + "\xD9\x85";
  Vocabulary v;
  const std::vector<std::string> terms = InsertDistinct(&v, 100000, [&] {
    std::string t = stems[rng() % stems.size()];
    const std::size_t tail = rng() % 12;
    for (std::size_t i = 0; i < tail; ++i) t.push_back(alphabet[rng() % alphabet.size()]);
    return t;
  });
  ASSERT_EQ(TermsInSortedOrder(v), Sorted(terms));
  std::vector<std::uint32_t> some;
  for (std::uint32_t id = 0; id < v.size(); id += 3) some.push_back(id);
  v.SortByTerm(&some);
  ASSERT_TRUE(std::is_sorted(some.begin(), some.end(),
                             [&](std::uint32_t a, std::uint32_t b) { return v.Term(a) < v.Term(b); }));
  EXPECT_EQ(some.size(), (v.size() + 2) / 3);
}

std::string Utf8(char32_t cp) {
  std::string out;
  utf8::Append(cp, out);
  return out;
}

// UTF-8 terms are sorted on a key that codes ASCII and the Arabic letters in one byte each and other code
// points in three or four: code points on every edge of those classes, in terms that share long prefixes (past
// the key's 16 bytes) or are prefixes of one another, sort exactly as std::sort sorts their bytes; with one term
// that is not UTF-8 among them (overlong, or cut), too. Both the radix path and the small one.
TEST(VocabularyTest, SortByTermOrdersUtf8TermsOfEveryCodePointClass) {
  const std::vector<char32_t> edges = {0x0,    0x1,    0x20,   0x7F,    0x80,    0xE9,    0x5FF,   0x600,
                                       0x620,  0x621,  0x627,  0x63A,   0x640,   0x64A,   0x67F,   0x680,
                                       0x69D,  0x69E,  0x6CC,  0x7FF,   0x800,   0xFFFD,  0xFFFF,  0x10000,
                                       0x1F600, 0x10FFFF};
  std::string long_prefix;
  for (int i = 0; i < 20; ++i) long_prefix += Utf8(0x628 + i);
  const std::vector<std::string> stems = {"", "الحكومة ", long_prefix, long_prefix + " ", "aaaaaaaaaaaaaaaaaa"};
  for (const std::size_t n : {std::size_t{3000}, std::size_t{100000}}) {
    for (const char* odd : {"", "\xE0\x80\x80", "\xD9"}) {
      std::mt19937 rng(static_cast<unsigned>(n));
      Vocabulary v;
      std::size_t made = 0;
      const std::vector<std::string> terms = InsertDistinct(&v, n, [&] {
        if (made++ == n / 2 && *odd) return std::string(odd) + "ب";
        std::string t = stems[rng() % stems.size()];
        const std::size_t tail = rng() % 10;
        for (std::size_t i = 0; i < tail; ++i) t += Utf8(edges[rng() % edges.size()]);
        return t;
      });
      ASSERT_EQ(TermsInSortedOrder(v), Sorted(terms)) << n << " " << odd;
    }
  }
}

// InsertAll gives every term the id that inserting other's terms one by one, in id order, gives: found terms
// keep theirs, new ones get the next ids in other's order; into an empty vocabulary, a small one and a large one.
TEST(VocabularyTest, InsertAllEqualsInsertingEachTermInOrder) {
  std::mt19937 rng(5);
  auto random_term = [&rng] { return "ك" + std::to_string(rng() % 30000); };
  for (const std::size_t existing : {std::size_t{0}, std::size_t{10}, std::size_t{20000}}) {
    Vocabulary a, b, other;
    for (std::size_t i = 0; i < existing; ++i) {
      const std::string t = random_term();
      a.Insert(t);
      b.Insert(t);
    }
    for (int i = 0; i < 20000; ++i) other.Insert(random_term());
    std::vector<std::uint32_t> ids;
    a.InsertAll(other, &ids);
    ASSERT_EQ(ids.size(), other.size());
    for (std::uint32_t k = 0; k < other.size(); ++k) {
      ASSERT_EQ(ids[k], b.Insert(other.Term(k))) << existing << " " << k;
      ASSERT_EQ(a.Term(ids[k]), other.Term(k));
    }
    EXPECT_EQ(a.size(), b.size());
    for (std::uint32_t id = 0; id < b.size(); ++id) ASSERT_EQ(a.Find(b.Term(id)), id);
  }
}

TEST(VocabularyTest, SelectKeepsTheGivenOrder) {
  Vocabulary v;
  for (const char* t : {"a", "b", "c", "d"}) v.Insert(t);
  const Vocabulary s = v.Select({3, 1});
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s.Term(0), "d");
  EXPECT_EQ(s.Find("b"), 1u);
  EXPECT_EQ(s.Find("a"), Vocabulary::kNotFound);
}

TEST(VocabularyTest, RoundTripsAndRejectsCorruptData) {
  Vocabulary v;
  for (const char* t : {"الرئيس", "مصر", "x"}) v.Insert(t);
  Writer w;
  v.Write(w);
  Reader r(w.bytes());
  const Vocabulary back = Vocabulary::Read(r);
  ASSERT_EQ(back.size(), 3u);
  EXPECT_EQ(back.Find("مصر"), 1u);

  // A repeated term.
  Writer dup;
  dup.PutString("aa");
  dup.PutArray(std::vector<std::uint32_t>{0, 1, 2});
  Reader rd(dup.bytes());
  EXPECT_THROW(Vocabulary::Read(rd), FormatError);
  // Offsets past the text.
  Writer bad;
  bad.PutString("ab");
  bad.PutArray(std::vector<std::uint32_t>{0, 5});
  Reader rb(bad.bytes());
  EXPECT_THROW(Vocabulary::Read(rb), FormatError);
  // Truncated.
  Reader rt(std::string_view(w.bytes()).substr(0, w.bytes().size() - 3));
  EXPECT_THROW(Vocabulary::Read(rt), FormatError);
}

TEST(VocabularyTest, MemoryPerTermIsSmall) {
  Vocabulary v;
  for (int i = 0; i < 100000; ++i) v.Insert("كلمة" + std::to_string(i));
  v.ShrinkToFit();
  // ~13 bytes of text, 8 of offsets and hashes, 4/load of table.
  EXPECT_LT(static_cast<double>(v.MemoryBytes()) / v.size(), 36.0);
}

// A finished vocabulary's table is sized to its terms (load 3/4), not to the next power of two; every term is
// still found (probes wrap around the end of a table of any size), absent ones are not, and insertions after
// it grow the table again.
TEST(VocabularyTest, ShrinkToFitSizesTheTableToItsTerms) {
  for (const std::size_t n : {0, 1, 5, 13, 100, 1000, 70000}) {
    Vocabulary v;
    std::size_t text = 0;
    auto term = [](std::size_t i) { return "كلمة" + std::to_string(i); };
    for (std::size_t i = 0; i < n; ++i) {
      v.Insert(term(i));
      text += term(i).size();
    }
    v.ShrinkToFit();
    const std::size_t table_bytes = v.MemoryBytes() - text - 4 * (n + 1);  // (power of two: up to 8 * 2.5 n)
    EXPECT_LE(table_bytes, 8 * std::max<std::size_t>(16, n + n / 3 + 3) + 16) << n;  // (+ a short string's spare)
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(v.Find(term(i)), i) << n;
    EXPECT_EQ(v.Find(term(n)), Vocabulary::kNotFound);
    EXPECT_EQ(v.Find("x"), Vocabulary::kNotFound);
    for (std::size_t i = n; i < 2 * n + 20; ++i) ASSERT_EQ(v.Insert(term(i)), i) << n;
    for (std::size_t i = 0; i < 2 * n + 20; ++i) ASSERT_EQ(v.Find(term(i)), i) << n;
    const Vocabulary s = v.Select({0, 3, 1});
    EXPECT_EQ(s.Find(term(3)), 1u);
    EXPECT_EQ(s.Find(term(2)), Vocabulary::kNotFound);
  }
}

// Rehash places entries in the order of their hashes, without probing: runs of slots that wrap around the end
// of the table, in the old table or the new, must keep every term findable. Many small tables (growth from 16
// slots, then a shrink) give many such runs.
TEST(VocabularyTest, EveryTermIsFoundAfterGrowthAndShrinkOfSmallTables) {
  std::mt19937 rng(11);
  for (std::size_t n = 0; n <= 700; ++n) {
    Vocabulary v;
    std::vector<std::string> terms;
    for (std::size_t i = 0; i < n; ++i) {
      terms.push_back(std::to_string(rng()) + "ك" + std::to_string(i));
      ASSERT_EQ(v.Insert(terms.back()), i);
    }
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(v.Find(terms[i]), i) << n << " " << round;
      for (int k = 0; k < 50; ++k) ASSERT_EQ(v.Find("absent" + std::to_string(k)), Vocabulary::kNotFound) << n;
      v.ShrinkToFit();
    }
  }
}

// Truncate forgets the last terms added (to undo a failed partial fit): the others are found as before, the
// forgotten ones are not, and inserting them again gives them the same ids.
TEST(VocabularyTest, TruncateForgetsTheLastTerms) {
  Vocabulary v;
  std::vector<std::string> terms;
  for (int i = 0; i < 5000; ++i) terms.push_back("term" + std::to_string(i * 7919 % 10007));
  for (std::size_t i = 0; i < 3000; ++i) v.Insert(terms[i]);
  v.ShrinkToFit();
  for (std::size_t i = 3000; i < terms.size(); ++i) v.Insert(terms[i]);  // (the table grows on the way)
  v.Truncate(3000);
  ASSERT_EQ(v.size(), 3000u);
  for (std::size_t i = 0; i < terms.size(); ++i) {
    EXPECT_EQ(v.Find(terms[i]), i < 3000 ? static_cast<std::uint32_t>(i) : Vocabulary::kNotFound) << i;
  }
  for (std::size_t i = 3000; i < terms.size(); ++i) EXPECT_EQ(v.Insert(terms[i]), i);
  v.Truncate(0);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.Find(terms[0]), Vocabulary::kNotFound);
  EXPECT_EQ(v.Insert(terms[1]), 0u);
  v.Truncate(7);  // (more than it holds: nothing happens)
  EXPECT_EQ(v.size(), 1u);
}

// Terms appended without a table slot (a fit's new bigrams) are found once indexed, with their ids, among
// terms inserted meanwhile; Truncate forgets them like any other; InsertAll refuses a vocabulary holding them.
TEST(VocabularyTest, AppendedTermsAreFoundOnceIndexed) {
  Vocabulary v;
  std::vector<std::string> terms;
  for (int i = 0; i < 3000; ++i) {
    terms.push_back(i % 3 == 0 ? "word" + std::to_string(i) : "a b" + std::to_string(i));
    const std::uint32_t id = i % 3 == 0 ? v.Insert(terms.back()) : v.AppendUnindexed(terms.back());
    ASSERT_EQ(id, static_cast<std::uint32_t>(i));
  }
  EXPECT_TRUE(v.has_unindexed());
  EXPECT_EQ(v.Find(terms[0]), 0u);
  EXPECT_EQ(v.Find(terms[1]), Vocabulary::kNotFound);  // (not indexed yet)
  Vocabulary with_unindexed;
  with_unindexed.AppendUnindexed("x y");
  std::vector<std::uint32_t> ids;
  EXPECT_THROW(v.InsertAll(with_unindexed, &ids), std::logic_error);
  v.IndexAll();
  EXPECT_FALSE(v.has_unindexed());
  for (std::size_t i = 0; i < terms.size(); ++i) ASSERT_EQ(v.Find(terms[i]), i) << terms[i];
  bool added = true;
  EXPECT_EQ(v.Insert(terms[2], &added), 2u);
  EXPECT_FALSE(added);
  EXPECT_EQ(v.Insert("new"), 3000u);

  Vocabulary t;
  t.Insert("kept");
  t.AppendUnindexed("kept too");
  t.AppendUnindexed("gone 1");
  t.Insert("gone");
  t.AppendUnindexed("gone 2");
  t.Truncate(2);
  EXPECT_TRUE(t.has_unindexed());
  t.IndexAll();
  EXPECT_EQ(t.size(), 2u);
  EXPECT_EQ(t.Find("kept too"), 1u);
  EXPECT_EQ(t.Find("gone 1"), Vocabulary::kNotFound);
  EXPECT_EQ(t.Find("gone"), Vocabulary::kNotFound);
  t.AppendUnindexed("x 1");
  t.Truncate(2);
  EXPECT_FALSE(t.has_unindexed());
}

}  // namespace
}  // namespace akhbar
