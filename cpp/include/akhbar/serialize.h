// akhbar's one versioned binary format, shared by every persisted object (vectorisers, indexes).
//
// Layout (little-endian):
//   magic "AKHBAR\0\1" (8 bytes) | format version u32 | kind length u32 + kind bytes (e.g. "tfidf")
//   | payload length u64 | payload | CRC-32 of everything before it (u32)
// The payload is written with Writer and read with Reader. Every length and count read is checked against the
// bytes that remain before anything is allocated, so truncated, bit-flipped or hostile input raises FormatError
// and never allocates more than the input's size.
#ifndef AKHBAR_SERIALIZE_H_
#define AKHBAR_SERIALIZE_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "akhbar/error.h"

namespace akhbar {

// The current version of the envelope. Objects version their payload through the `kind` string and their own
// fields; a reader accepts every version it knows and names the version it does not.
inline constexpr std::uint32_t kFormatVersion = 1;

// CRC-32 (IEEE) of `data`. O(n).
std::uint32_t Crc32(std::string_view data, std::uint32_t crc = 0) noexcept;

// Appends little-endian scalars, strings and arrays to a byte buffer. Not thread-safe.
class Writer {
 public:
  template <typename T>
  void Put(T value) {
    static_assert(std::is_arithmetic_v<T>, "scalars only");
    char bytes[sizeof(T)];
    std::memcpy(bytes, &value, sizeof(T));
    buffer_.append(bytes, sizeof(T));
  }
  void PutString(std::string_view s) {
    Put<std::uint64_t>(s.size());
    buffer_.append(s.data(), s.size());
  }
  template <typename T>
  void PutArray(const T* data, std::size_t n) {
    static_assert(std::is_arithmetic_v<T>, "scalars only");
    Put<std::uint64_t>(n);
    buffer_.append(reinterpret_cast<const char*>(data), n * sizeof(T));
  }
  template <typename T>
  void PutArray(const std::vector<T>& v) {
    PutArray(v.data(), v.size());
  }
  const std::string& bytes() const noexcept { return buffer_; }
  std::string& bytes() noexcept { return buffer_; }

 private:
  std::string buffer_;
};

// Reads what Writer wrote, checking every size against the bytes left. Errors throw FormatError naming `what`
// and the offset. Not thread-safe.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}

  template <typename T>
  T Get(const char* what) {
    static_assert(std::is_arithmetic_v<T>, "scalars only");
    Need(sizeof(T), what);
    T value;
    std::memcpy(&value, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return value;
  }
  // A count that must be at most `max` (and fit in what is left when each item takes `min_item_bytes`).
  std::uint64_t GetCount(const char* what, std::uint64_t min_item_bytes, std::uint64_t max = UINT64_MAX) {
    const std::uint64_t n = Get<std::uint64_t>(what);
    if (n > max || (min_item_bytes > 0 && n > remaining() / min_item_bytes)) {
      throw FormatError(std::string("corrupt or truncated data: ") + what + " count " + std::to_string(n) +
                        " exceeds the " + std::to_string(remaining()) + " bytes left at offset " + std::to_string(pos_));
    }
    return n;
  }
  std::string_view GetString(const char* what) {
    const std::uint64_t n = GetCount(what, 1);
    const std::string_view s = data_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  template <typename T>
  std::vector<T> GetArray(const char* what, std::uint64_t max = UINT64_MAX) {
    const std::uint64_t n = GetCount(what, sizeof(T), max);
    std::vector<T> v(n);
    if (n) std::memcpy(v.data(), data_.data() + pos_, n * sizeof(T));
    pos_ += n * sizeof(T);
    return v;
  }
  // A view of an array in place (no copy); the caller must not outlive the data. Alignment is not assumed:
  // use only with memcpy-style access, or copy with GetArray.
  std::string_view GetRawArray(const char* what, std::size_t item_size) {
    const std::uint64_t n = GetCount(what, item_size);
    const std::string_view s = data_.substr(pos_, n * item_size);
    pos_ += n * item_size;
    return s;
  }
  std::size_t remaining() const noexcept { return data_.size() - pos_; }
  std::size_t position() const noexcept { return pos_; }
  // Throws FormatError unless every byte was consumed.
  void ExpectEnd(const char* what) const;

 private:
  void Need(std::size_t n, const char* what) const;
  std::string_view data_;
  std::size_t pos_ = 0;
};

// Reads an object's u32 payload version and throws FormatError ("unsupported <what> payload version N ...")
// unless it is from `oldest` (0: `supported` alone) to `supported`.
std::uint32_t ReadPayloadVersion(Reader& r, const char* what, std::uint32_t supported, std::uint32_t oldest = 0);

// A name read from a file (kind, section), quoted for an error message: printable ASCII as is, any other byte
// as \xNN (a damaged file's bytes are no UTF-8 text, and Python could not decode the message).
std::string QuotedName(std::string_view name);

// Wraps `payload` in the envelope for object `kind`.
std::string Seal(std::string_view kind, std::string_view payload, std::uint32_t version = kFormatVersion);

// Checks the envelope (magic, version <= kFormatVersion, kind == expected_kind, length, CRC) and returns a
// view of the payload inside `data`; `*version` receives the format version. Throws FormatError with the reason.
std::string_view Unseal(std::string_view data, std::string_view expected_kind, std::uint32_t* version = nullptr);

// Reads a whole file / writes a file atomically enough (write then rename). Throw IoError on failure.
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, std::string_view data);

}  // namespace akhbar

#endif  // AKHBAR_SERIALIZE_H_
