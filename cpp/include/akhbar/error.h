// Exception hierarchy of the akhbar core. Every error the library raises derives from akhbar::Error; the
// Python binding maps each class to a named Python exception (InvalidArgument -> ValueError,
// IoError -> OSError, FormatError -> akhbar.FormatError, a ValueError).
#ifndef AKHBAR_ERROR_H_
#define AKHBAR_ERROR_H_

#include <cstddef>
#include <stdexcept>
#include <string>

namespace akhbar {

// Base class of all akhbar errors.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A caller passed a value the function cannot accept (bad option, out-of-range index, ...).
class InvalidArgument : public Error {
 public:
  using Error::Error;
};

// Input text is not valid UTF-8. byte_offset() is the offset of the first invalid byte.
class InvalidUtf8 : public InvalidArgument {
 public:
  InvalidUtf8(std::size_t byte_offset, const std::string& what)
      : InvalidArgument(what), byte_offset_(byte_offset) {}
  std::size_t byte_offset() const noexcept { return byte_offset_; }

 private:
  std::size_t byte_offset_;
};

// `e`, an error of text number `index` of a batch, with "<what> <index>: " before its message (the same offset).
inline InvalidUtf8 InvalidUtf8In(const char* what, std::size_t index, const InvalidUtf8& e) {
  return InvalidUtf8(e.byte_offset(), std::string(what) + " " + std::to_string(index) + ": " + e.what());
}

// fn() for text number `index` of a batch: its InvalidUtf8 rethrown as InvalidUtf8In(what, index, ...).
template <typename Fn>
decltype(auto) ForText(const char* what, std::size_t index, Fn&& fn) {
  try {
    return fn();
  } catch (const InvalidUtf8& e) {
    throw InvalidUtf8In(what, index, e);
  }
}

// A file could not be opened, read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

// Saved state (model, index) is truncated, corrupted, from an unknown format version or hostile.
class FormatError : public Error {
 public:
  using Error::Error;
};

// Throws akhbar::Error with `what` and ICU's error name if `status` is a failure. The one place where
// ICU status codes are checked.
void CheckIcu(int status, const char* what);

}  // namespace akhbar

#endif  // AKHBAR_ERROR_H_
