#include "akhbar/related_index.h"

#include <set>

#include "akhbar/error.h"
#include "akhbar/serialize.h"
#include "akhbar/utf8.h"

namespace akhbar {

namespace {

// Offset of the payload from the start of a sealed file of `kind`: magic, version, kind length, kind, payload
// length (see serialize.h).
std::size_t PayloadOffset(std::string_view kind) { return 8 + 4 + 4 + kind.size() + 8; }

}  // namespace

std::size_t ItemSize(SectionType t) {
  switch (t) {
    case SectionType::kBytes:
    case SectionType::kUint8:
      return 1;
    case SectionType::kInt32:
    case SectionType::kUint32:
    case SectionType::kFloat32:
      return 4;
    case SectionType::kInt64:
      return 8;
  }
  throw FormatError("unknown section type " + std::to_string(static_cast<int>(t)));
}

const char* SectionTypeName(SectionType t) noexcept {
  switch (t) {
    case SectionType::kBytes:
      return "bytes";
    case SectionType::kUint8:
      return "u1";
    case SectionType::kInt32:
      return "<i4";
    case SectionType::kUint32:
      return "<u4";
    case SectionType::kFloat32:
      return "<f4";
    case SectionType::kInt64:
      return "<i8";
  }
  return "?";
}

std::string WriteSections(std::string_view kind, const std::vector<SectionIn>& sections) {
  const std::size_t base = PayloadOffset(kind);
  Writer w;
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(sections.size()));
  std::set<std::string> names;
  for (const SectionIn& s : sections) {
    if (!names.insert(s.name).second) throw InvalidArgument("duplicate section name '" + s.name + "'");
    const std::size_t item = ItemSize(s.dtype);
    if (s.data.size() % item != 0) {
      throw InvalidArgument("section '" + s.name + "' holds " + std::to_string(s.data.size()) +
                            " bytes, not a whole number of items");
    }
    w.PutString(s.name);
    w.Put<std::uint8_t>(static_cast<std::uint8_t>(s.dtype));
    w.Put<std::uint64_t>(s.data.size() / item);
    const std::size_t after_pad_field = base + w.bytes().size() + sizeof(std::uint64_t);
    const std::size_t pad = (kSectionAlignment - after_pad_field % kSectionAlignment) % kSectionAlignment;
    w.Put<std::uint64_t>(pad);
    w.bytes().append(pad, '\0');
    w.bytes().append(s.data.data(), s.data.size());
  }
  return Seal(kind, w.bytes());
}

std::vector<SectionRef> ReadSections(std::string_view file, std::string_view kind) {
  const std::string_view payload = Unseal(file, kind);
  const std::uint64_t base = static_cast<std::uint64_t>(payload.data() - file.data());
  std::size_t pos = 0;  // in payload
  Reader head(payload);
  const auto n = head.Get<std::uint32_t>("section count");
  pos = head.position();
  if (n > payload.size() / 18) throw FormatError("corrupt data: " + std::to_string(n) + " sections in a small file");
  std::vector<SectionRef> out;
  std::set<std::string> names;
  for (std::uint32_t i = 0; i < n; ++i) {
    Reader r(payload.substr(pos));
    SectionRef ref;
    ref.name = std::string(r.GetString("section name"));
    // (Names are text: a damaged one read into Python's str raised UnicodeDecodeError, not a format error.)
    if (utf8::Validate(ref.name) != utf8::kValid) {
      throw FormatError("corrupt data: section name " + QuotedName(ref.name) + " is not text");
    }
    if (!names.insert(ref.name).second) throw FormatError("corrupt data: section " + QuotedName(ref.name) + " twice");
    const auto code = r.Get<std::uint8_t>("section type");
    if (code > static_cast<std::uint8_t>(SectionType::kUint8)) {
      throw FormatError("corrupt data: section " + QuotedName(ref.name) + " has unknown type " + std::to_string(code));
    }
    ref.dtype = static_cast<SectionType>(code);
    const std::size_t item = ItemSize(ref.dtype);
    ref.count = r.Get<std::uint64_t>("section size");
    const auto pad = r.Get<std::uint64_t>("section padding");
    if (pad >= kSectionAlignment || pad > r.remaining()) {
      throw FormatError("corrupt data: section " + QuotedName(ref.name) + " padding " + std::to_string(pad));
    }
    pos += r.position() + pad;
    if ((base + pos) % kSectionAlignment != 0) {
      throw FormatError("corrupt data: section " + QuotedName(ref.name) + " misaligned");
    }
    if (ref.count > (payload.size() - pos) / item) {
      throw FormatError("truncated data: section " + QuotedName(ref.name) + " claims " + std::to_string(ref.count) +
                        " items, " + std::to_string(payload.size() - pos) + " bytes left");
    }
    ref.offset = base + pos;
    pos += ref.count * item;
    out.push_back(std::move(ref));
  }
  if (pos != payload.size()) {
    throw FormatError("corrupt data: " + std::to_string(payload.size() - pos) + " unexpected bytes after the sections");
  }
  return out;
}

}  // namespace akhbar
