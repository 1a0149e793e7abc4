// Reads the shared Arabic news corpora (../shared/data) for tests and benchmarks. Not part of the library.
#ifndef AKHBAR_TESTING_CORPUS_H_
#define AKHBAR_TESTING_CORPUS_H_

#include <cstddef>
#include <string>
#include <vector>

namespace akhbar {
namespace testing {

struct Article {
  std::string id, source, title, text, date;
};

// Folder of the shared corpora: $AKHBAR_SHARED_DATA if set, else the path configured at build time.
std::string SharedDataDir();

// True if `name`/articles.jsonl.gz exists under SharedDataDir().
bool HaveCorpus(const std::string& name);

// For a program that cannot run without corpus `name` (a benchmark): if it is missing, says so on stderr and
// exits with status 2 (an uncaught exception from a static initialiser aborted instead).
void RequireCorpus(const std::string& name);

// The first `limit` articles (all if 0) of corpus `name` ("egy2013", "jawhara"). Throws std::runtime_error
// if the file is missing or unreadable.
std::vector<Article> LoadArticles(const std::string& name, std::size_t limit = 0);

}  // namespace testing
}  // namespace akhbar

#endif  // AKHBAR_TESTING_CORPUS_H_
