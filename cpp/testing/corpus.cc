#include "corpus.h"

#include <zlib.h>

#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace akhbar {
namespace testing {

std::string SharedDataDir() {
  if (const char* env = std::getenv("AKHBAR_SHARED_DATA")) return env;
  return AKHBAR_SHARED_DATA;
}

bool HaveCorpus(const std::string& name) {
  std::ifstream f(SharedDataDir() + "/" + name + "/articles.jsonl.gz");
  return f.good();
}

void RequireCorpus(const std::string& name) {
  if (HaveCorpus(name)) return;
  std::fprintf(stderr, "shared corpus %s absent: no %s/%s/articles.jsonl.gz (set AKHBAR_SHARED_DATA)\n", name.c_str(),
               SharedDataDir().c_str(), name.c_str());
  std::exit(2);
}

std::vector<Article> LoadArticles(const std::string& name, std::size_t limit) {
  const std::string path = SharedDataDir() + "/" + name + "/articles.jsonl.gz";
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) throw std::runtime_error("cannot open " + path);
  std::vector<Article> out;
  std::string line;
  char buf[1 << 16];
  auto field = [](const nlohmann::json& j, const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  while (limit == 0 || out.size() < limit) {
    line.clear();
    bool got = false;
    while (gzgets(f, buf, sizeof buf) != nullptr) {
      got = true;
      line += buf;
      if (!line.empty() && line.back() == '\n') break;
    }
    if (!got) break;
    if (line.find_first_not_of(" \r\n") == std::string::npos) continue;
    const nlohmann::json j = nlohmann::json::parse(line);
    out.push_back({field(j, "id"), field(j, "source"), field(j, "title"), field(j, "text"), field(j, "date")});
  }
  gzclose(f);
  return out;
}

}  // namespace testing
}  // namespace akhbar
