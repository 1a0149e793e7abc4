// The file format of a saved related-articles index: named, typed array sections inside akhbar's versioned
// envelope (serialize.h), each section's data aligned to 64 bytes from the start of the file so that a reader can
// map the file into memory and view every array in place (numpy.frombuffer over mmap), without copying it.
//
// Payload: u32 section count, then per section: name (u64 length + bytes), dtype u8, item count u64,
// padding length u64 (< 64) + zero bytes, the items (little-endian).
#ifndef AKHBAR_RELATED_INDEX_H_
#define AKHBAR_RELATED_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace akhbar {

// Item types of a section.
enum class SectionType : std::uint8_t { kBytes = 0, kInt32 = 1, kInt64 = 2, kFloat32 = 3, kUint32 = 4, kUint8 = 5 };

// Size in bytes of one item of `t`; throws FormatError for an unknown code.
std::size_t ItemSize(SectionType t);

// numpy's name of `t` ("u1", "<i4", ...).
const char* SectionTypeName(SectionType t) noexcept;

// A section to write: `data` holds count * ItemSize(dtype) bytes.
struct SectionIn {
  std::string name;
  SectionType dtype = SectionType::kBytes;
  std::string_view data;
};

// Where a section lies in a file.
struct SectionRef {
  std::string name;
  SectionType dtype = SectionType::kBytes;
  std::uint64_t offset = 0;  // from the start of the file; a multiple of kSectionAlignment
  std::uint64_t count = 0;   // items
};

inline constexpr std::size_t kSectionAlignment = 64;
inline constexpr char kRelatedIndexKind[] = "related_index";

// The complete file for `sections` of object `kind`. Throws InvalidArgument if a section's size is not a whole
// number of items or two sections share a name. O(total size).
std::string WriteSections(std::string_view kind, const std::vector<SectionIn>& sections);

// Checks the envelope (magic, version, kind, sizes, CRC) of `file` and returns its sections, in file order.
// Throws FormatError naming what is wrong. O(file size) (the checksum), without copying the file.
std::vector<SectionRef> ReadSections(std::string_view file, std::string_view kind);

}  // namespace akhbar

#endif  // AKHBAR_RELATED_INDEX_H_
