#include "common.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "akhbar/parallel.h"
#include "akhbar/utf8.h"

namespace akhbar {
namespace python {

PyObject* NewStr(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  auto decoder = [&] { return PyUnicode_DecodeUTF8(text.data(), static_cast<Py_ssize_t>(n), "strict"); };
  // The code points (the bytes that are not continuation bytes), and from the largest lead byte the storage:
  // ASCII, Latin-1 (leads C2, C3), two bytes a code point (leads up to EF) or four.
  std::size_t count = 0;
  unsigned char top = 0;
  for (std::size_t i = 0; i < n; ++i) {
    if ((s[i] & 0xC0) == 0x80) continue;
    ++count;
    top = std::max(top, s[i]);
  }
  if (top >= 0xF5) return decoder();  // (no such lead byte)
  const Py_UCS4 max_char = top < 0x80 ? 0x7F : top < 0xC4 ? 0xFF : top < 0xF0 ? 0xFFFF : 0x10FFFF;
  PyObject* str = PyUnicode_New(static_cast<Py_ssize_t>(count), max_char);
  if (str == nullptr || count == 0) return str;
  if (max_char == 0x7F) {
    std::memcpy(PyUnicode_DATA(str), s, n);
    return str;
  }
  // Each code point decoded takes one lead byte: never more than `count` of them. Ill-formed text (not a term)
  // goes to Python's decoder, which raises.
  const int kind = PyUnicode_KIND(str);
  void* data = PyUnicode_DATA(str);
  std::size_t k = 0;
  for (std::size_t i = 0; i < n; ++k) {
    int len = 0;
    const std::int32_t c = utf8::Decode(text, i, &len);
    if (c < 0) {
      Py_DECREF(str);
      return decoder();
    }
    PyUnicode_WRITE(kind, data, k, static_cast<Py_UCS4>(c));
    i += static_cast<std::size_t>(len);
  }
  return str;
}

CodePointText StrStorage(PyObject* o) {
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(o) != 0) throw py::error_already_set();
#endif
  const auto n = static_cast<std::size_t>(PyUnicode_GET_LENGTH(o));
  const void* data = PyUnicode_DATA(o);
  static_assert(sizeof(Py_UCS2) == sizeof(char16_t) && sizeof(Py_UCS4) == sizeof(char32_t), "code unit sizes");
  switch (PyUnicode_KIND(o)) {
    case PyUnicode_1BYTE_KIND:
      return CodePointText(static_cast<const std::uint8_t*>(data), n);
    case PyUnicode_2BYTE_KIND:
      return CodePointText(static_cast<const char16_t*>(data), n);
    default:
      return CodePointText(static_cast<const char32_t*>(data), n);
  }
}

bool ParseErrors(const std::string& errors) {
  if (errors == "strict") return false;
  if (errors == "replace") return true;
  throw py::value_error("errors must be 'strict' or 'replace', not '" + errors + "'");
}

Utf8Text ToUtf8(py::handle obj, const char* name, bool replace, bool offer_replace) {
  const std::string hint = offer_replace ? "; pass errors='replace' to replace it with U+FFFD" : "";
  Utf8Text text;
  if (PyUnicode_Check(obj.ptr())) {
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(obj.ptr(), &size);
    if (data != nullptr) {
      text.utf8 = std::string_view(data, static_cast<std::size_t>(size));
      return text;
    }
    // Lone surrogates: report the first, or replace them.
    PyErr_Clear();
    const Py_ssize_t length = PyUnicode_GetLength(obj.ptr());
    Py_ssize_t bad = 0;
    Py_UCS4 bad_cp = 0;
    for (; bad < length; ++bad) {
      bad_cp = PyUnicode_ReadChar(obj.ptr(), bad);
      if (bad_cp >= 0xD800 && bad_cp <= 0xDFFF) break;
    }
    if (!replace) {
      char hex[16];
      std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(bad_cp));
      throw py::value_error(std::string(name) + ": lone surrogate " + hex + " at index " + std::to_string(bad) +
                            " is not valid Unicode" + hint);
    }
    py::object encoded = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(obj.ptr(), "utf-8", "surrogatepass"));
    if (!encoded) throw py::error_already_set();
    text.Own(utf8::Repair(std::string_view(PyBytes_AS_STRING(encoded.ptr()), PyBytes_GET_SIZE(encoded.ptr())),
                          nullptr, /*whole_surrogates=*/true));
    return text;
  }
  if (PyBytes_Check(obj.ptr())) {
    text.from_bytes = true;
    const std::string_view raw(PyBytes_AS_STRING(obj.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(obj.ptr())));
    const std::size_t bad = utf8::Validate(raw);
    if (bad == utf8::kValid) {
      text.utf8 = raw;
      return text;
    }
    if (!replace) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(raw[bad]));
      throw py::value_error(std::string(name) + ": invalid UTF-8, byte " + hex + " at byte offset " + std::to_string(bad) +
                            (offer_replace ? "; pass errors='replace' to replace invalid bytes with U+FFFD" : ""));
    }
    text.Own(utf8::Repair(raw, &text.repaired_to_input));
    text.repaired_to_input.push_back(static_cast<std::uint32_t>(raw.size()));  // the end maps to the end
    return text;
  }
  throw py::type_error(NotText(name, obj));
}

std::string NotText(const std::string& name, py::handle obj) {
  // None, NaN and pandas.NA: a missing value of a column of texts.
  const std::string type = Py_TYPE(obj.ptr())->tp_name;
  const bool missing = obj.is_none() || type == "NAType" ||
                       (PyFloat_Check(obj.ptr()) && std::isnan(PyFloat_AS_DOUBLE(obj.ptr())));
  return name + " must be str or bytes, not " + type + (missing ? " (a missing value? fill it, e.g. with '')" : "");
}

py::iterator IterTexts(py::handle texts, const char* name) {
  if (PyUnicode_Check(texts.ptr()) || PyBytes_Check(texts.ptr())) {
    throw py::type_error(std::string(name) + " must be an iterable of str, not a single " +
                         Py_TYPE(texts.ptr())->tp_name + "; wrap it in a list");
  }
  PyObject* it = PyObject_GetIter(texts.ptr());
  if (it == nullptr) {
    // Not iterable (TypeError): said so. Any other error of iter() (a closed file's ValueError, an __iter__
    // that raises) is the caller's own and comes through as it is.
    if (!PyErr_ExceptionMatches(PyExc_TypeError)) throw py::error_already_set();
    PyErr_Clear();
    throw py::type_error(std::string(name) + " must be an iterable of str, not " + Py_TYPE(texts.ptr())->tp_name);
  }
  return py::reinterpret_steal<py::iterator>(it);
}

std::vector<Utf8Text> ToUtf8List(py::handle texts, const char* name, bool replace, py::list& keep,
                                 bool offer_replace) {
  py::iterator it = IterTexts(texts, name);
  std::vector<Utf8Text> out;
  for (; it != py::iterator::sentinel(); ++it) {
    py::handle item = *it;
    keep.append(item);
    const std::string label = std::string(name) + "[" + std::to_string(out.size()) + "]";
    out.push_back(ToUtf8(item, label.c_str(), replace, offer_replace));
  }
  return out;
}

int ThreadsArg(py::handle n_threads, const char* name, const char* none_means) {
  const std::string one_thread = "one thread";
  if (n_threads.is_none()) return none_means == one_thread ? 1 : ResolveThreads(0);
  // An int, or an integer type that says it is one (numpy's): __index__. Not bool.
  if (PyBool_Check(n_threads.ptr()) || !PyIndex_Check(n_threads.ptr())) {
    throw py::type_error(std::string(name) + " must be an int or None, not " + Py_TYPE(n_threads.ptr())->tp_name);
  }
  const py::object as_int = py::reinterpret_steal<py::object>(PyNumber_Index(n_threads.ptr()));
  if (!as_int) throw py::error_already_set();
  int overflow = 0;
  const long long v = PyLong_AsLongLongAndOverflow(as_int.ptr(), &overflow);
  if (overflow != 0 || v > std::numeric_limits<int>::max() || v <= std::numeric_limits<int>::min()) {
    throw py::value_error(std::string(name) + " must be an int in (-2**31, 2**31 - 1] or None, not " +
                          py::repr(n_threads).cast<std::string>());
  }
  if (v == 0) {
    throw py::value_error(std::string(name) + " == 0 has no meaning; use " +
                          (none_means == one_thread ? std::string("None or 1 for one thread")
                                                    : "None for " + std::string(none_means) + ", 1 for one thread") +
                          ", -1 for all cores");
  }
  if (v < 0) return std::max(ResolveThreads(0) + 1 + static_cast<int>(v), 1);
  return static_cast<int>(v);
}

}  // namespace python
}  // namespace akhbar
