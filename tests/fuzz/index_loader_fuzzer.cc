// Fuzzes the related-articles index reader with hostile bytes (as they are, and with the CRC-32 repaired so
// mutations reach the section parser): ReadSections must throw FormatError or return sections that lie inside
// the file; a CSR matrix found in them must pass or fail CheckCsr cleanly, and one that passes must be
// searchable.
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "akhbar/error.h"
#include "akhbar/related_index.h"
#include "akhbar/serialize.h"
#include "akhbar/topk.h"

namespace {

void TryRead(std::string_view file) {
  std::vector<akhbar::SectionRef> refs;
  try {
    refs = akhbar::ReadSections(file, akhbar::kRelatedIndexKind);
  } catch (const akhbar::FormatError&) {
    return;
  }
  const akhbar::SectionRef* indptr = nullptr;
  const akhbar::SectionRef* indices = nullptr;
  const akhbar::SectionRef* data = nullptr;
  for (const auto& r : refs) {
    const std::size_t bytes = r.count * akhbar::ItemSize(r.dtype);
    if (r.offset > file.size() || bytes > file.size() - r.offset || r.offset % akhbar::kSectionAlignment) std::abort();
    if (r.name == "indptr" && r.dtype == akhbar::SectionType::kInt64) indptr = &r;
    if (r.name == "indices" && r.dtype == akhbar::SectionType::kInt32) indices = &r;
    if (r.name == "data" && r.dtype == akhbar::SectionType::kFloat32) data = &r;
  }
  if (!indptr || !indices || !data || indptr->count == 0 || indices->count != data->count) return;
  // Copies, as numpy would view them (aligned).
  std::vector<std::int64_t> p(indptr->count);
  std::vector<std::int32_t> ix(indices->count);
  std::vector<float> v(data->count);
  std::memcpy(p.data(), file.data() + indptr->offset, p.size() * sizeof p[0]);
  std::memcpy(ix.data(), file.data() + indices->offset, ix.size() * sizeof ix[0]);
  std::memcpy(v.data(), file.data() + data->offset, v.size() * sizeof v[0]);
  // As the binding's MakeCsr: indptr[-1] must be the number of stored values (CheckCsr sees no array lengths).
  if (p.back() != static_cast<std::int64_t>(ix.size())) return;
  std::int32_t max_index = -1;
  for (const auto i : ix) max_index = std::max(max_index, i);
  // The Python loader requires the column count to equal the stored vectoriser's feature count, which the
  // file's size bounds; mirror that bound here.
  if (static_cast<std::size_t>(max_index) + 1 > file.size()) return;
  akhbar::CsrView m;
  m.n_rows = p.size() - 1;
  m.n_cols = static_cast<std::size_t>(max_index) + 1;
  m.indptr = p.data();
  m.indices = ix.data();
  m.data = v.data();
  try {
    akhbar::CheckCsr(m, "matrix");
  } catch (const akhbar::InvalidArgument&) {
    return;
  }
  const akhbar::CosineTopK index(m);
  akhbar::TopKSearchOptions options;
  options.k = 3;
  options.exclude_self = true;
  const std::size_t rows = std::min<std::size_t>(m.n_rows, 8);
  std::vector<std::int32_t> out_i(rows * 3);
  std::vector<float> out_s(rows * 3);
  index.Search(m, 0, rows, options, 1, out_i.data(), out_s.data());
  for (const auto i : out_i) {
    if (i < -1 || i >= static_cast<std::int64_t>(m.n_rows)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string_view raw(reinterpret_cast<const char*>(bytes), size);
  TryRead(raw);
  if (size >= 4) {
    std::string fixed(raw);
    const std::uint32_t crc = akhbar::Crc32(std::string_view(fixed).substr(0, size - 4));
    std::memcpy(&fixed[size - 4], &crc, 4);
    TryRead(fixed);
  }
  return 0;
}
