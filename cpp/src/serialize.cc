#include "akhbar/serialize.h"

#include <array>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <random>

namespace akhbar {

namespace {

constexpr char kMagic[8] = {'A', 'K', 'H', 'B', 'A', 'R', '\0', '\1'};

std::array<std::uint32_t, 256> MakeCrcTable() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}

}  // namespace

std::uint32_t Crc32(std::string_view data, std::uint32_t crc) noexcept {
  static const std::array<std::uint32_t, 256> table = MakeCrcTable();
  crc = ~crc;
  for (const char ch : data) crc = table[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

void Reader::Need(std::size_t n, const char* what) const {
  if (n > remaining()) {
    throw FormatError(std::string("truncated data: ") + what + " needs " + std::to_string(n) + " bytes at offset " +
                      std::to_string(pos_) + ", " + std::to_string(remaining()) + " left");
  }
}

void Reader::ExpectEnd(const char* what) const {
  if (remaining() != 0) {
    throw FormatError(std::string("corrupt data: ") + std::to_string(remaining()) + " unexpected bytes after " + what);
  }
}

std::uint32_t ReadPayloadVersion(Reader& r, const char* what, std::uint32_t supported, std::uint32_t oldest) {
  const std::string name = std::string(what) + " payload version";
  const auto version = r.Get<std::uint32_t>(name.c_str());
  if (oldest == 0) oldest = supported;
  if (version < oldest || version > supported) {
    const std::string reads = oldest == supported
                                  ? "version " + std::to_string(supported)
                                  : "versions " + std::to_string(oldest) + " to " + std::to_string(supported);
    throw FormatError("unsupported " + name + " " + std::to_string(version) + " (this akhbar reads " + reads +
                      (version > supported ? "; upgrade akhbar to read it)" : ")"));
  }
  return version;
}

std::string QuotedName(std::string_view name) {
  std::string out = "'";
  for (const char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7F && c != '\\' && c != '\'') {
      out.push_back(ch);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out + "'";
}

std::string Seal(std::string_view kind, std::string_view payload, std::uint32_t version) {
  Writer w;
  w.bytes().append(kMagic, sizeof kMagic);
  w.Put<std::uint32_t>(version);
  w.Put<std::uint32_t>(static_cast<std::uint32_t>(kind.size()));
  w.bytes().append(kind.data(), kind.size());
  w.Put<std::uint64_t>(payload.size());
  w.bytes().append(payload.data(), payload.size());
  w.Put<std::uint32_t>(Crc32(w.bytes()));
  return std::move(w.bytes());
}

std::string_view Unseal(std::string_view data, std::string_view expected_kind, std::uint32_t* version) {
  if (data.size() < sizeof kMagic || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) {
    throw FormatError("not an akhbar file (bad magic bytes)");
  }
  Reader r(data.substr(sizeof kMagic));
  const auto v = r.Get<std::uint32_t>("format version");
  if (v == 0 || v > kFormatVersion) {
    throw FormatError("unsupported akhbar format version " + std::to_string(v) + " (this akhbar reads versions 1 to " +
                      std::to_string(kFormatVersion) + "; upgrade akhbar to read it)");
  }
  const auto kind_len = r.Get<std::uint32_t>("kind length");
  if (kind_len > 64 || kind_len > r.remaining()) throw FormatError("corrupt header: kind length " + std::to_string(kind_len));
  const std::string_view kind = data.substr(sizeof kMagic + r.position(), kind_len);
  Reader rest(data.substr(sizeof kMagic + r.position() + kind_len));
  const auto payload_len = rest.Get<std::uint64_t>("payload length");
  if (payload_len > rest.remaining() || rest.remaining() - payload_len != sizeof(std::uint32_t)) {
    throw FormatError("truncated or padded data: header says " + std::to_string(payload_len) + " payload bytes, file has " +
                      std::to_string(rest.remaining() >= 4 ? rest.remaining() - 4 : 0));
  }
  const std::size_t payload_at = data.size() - payload_len - sizeof(std::uint32_t);
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, data.data() + data.size() - sizeof stored_crc, sizeof stored_crc);
  if (Crc32(data.substr(0, data.size() - sizeof stored_crc)) != stored_crc) {
    throw FormatError("corrupt data: checksum mismatch (the file was damaged or modified)");
  }
  if (kind != expected_kind) {
    throw FormatError("this file holds a " + QuotedName(kind) + ", not a " + QuotedName(expected_kind));
  }
  if (version) *version = v;
  return data.substr(payload_at, payload_len);
}

std::string ReadFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw IoError("cannot open '" + path + "' for reading");
  std::string data((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  if (f.bad()) throw IoError("error reading '" + path + "'");
  return data;
}

void WriteFile(const std::string& path, std::string_view data) {
  // A new temporary name per call, created exclusively: writers of one path at once do not share it, and no
  // file but `path` is overwritten or removed.
  std::random_device random;
  char suffix[32];
  std::snprintf(suffix, sizeof suffix, ".%08x%08x.tmp", static_cast<unsigned>(random()),
                static_cast<unsigned>(random()));
  const std::string tmp = path + suffix;
  std::FILE* f = std::fopen(tmp.c_str(), "wbx");
  if (f == nullptr) throw IoError("cannot open '" + tmp + "' for writing");
  const bool written = std::fwrite(data.data(), 1, data.size(), f) == data.size();
  if (std::fclose(f) != 0 || !written) {
    std::remove(tmp.c_str());
    throw IoError("error writing '" + tmp + "'");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw IoError("cannot rename '" + tmp + "' to '" + path + "'");
  }
}

}  // namespace akhbar
