// Helpers shared by the binding files: argument conversion with clear errors, zero-copy arrays, and
// interruptible GIL-free batch loops.
#ifndef AKHBAR_PYTHON_COMMON_H_
#define AKHBAR_PYTHON_COMMON_H_

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "akhbar/normalizer.h"

namespace akhbar {
namespace python {

namespace py = pybind11;

// A text argument as valid UTF-8. For `str` the view points into Python's cached UTF-8 (no copy) unless
// lone surrogates had to be replaced; for `bytes` it points into the bytes object unless repaired.
struct Utf8Text {
  std::string_view utf8;
  std::string storage;
  bool from_bytes = false;
  // For bytes input that was repaired: byte of `utf8` -> byte of the original bytes, and one more entry, the
  // end of `utf8` -> the end of the original. Empty otherwise.
  std::vector<std::uint32_t> repaired_to_input;

  Utf8Text() = default;
  // Copies and moves keep `utf8` pointing into this object's own storage when it owns the text (a short
  // std::string's characters move with the object).
  Utf8Text(const Utf8Text& o)
      : utf8(o.utf8), storage(o.storage), from_bytes(o.from_bytes), repaired_to_input(o.repaired_to_input), owned_(o.owned_) {
    if (owned_) utf8 = storage;
  }
  Utf8Text(Utf8Text&& o) noexcept
      : utf8(o.utf8),
        storage(std::move(o.storage)),
        from_bytes(o.from_bytes),
        repaired_to_input(std::move(o.repaired_to_input)),
        owned_(o.owned_) {
    if (owned_) utf8 = storage;
  }
  Utf8Text& operator=(Utf8Text o) noexcept {
    storage.swap(o.storage);
    repaired_to_input.swap(o.repaired_to_input);
    from_bytes = o.from_bytes;
    owned_ = o.owned_;
    utf8 = owned_ ? std::string_view(storage) : o.utf8;
    return *this;
  }
  // Makes `utf8` view `s`, owned by this object.
  void Own(std::string s) {
    storage = std::move(s);
    utf8 = storage;
    owned_ = true;
  }

 private:
  bool owned_ = false;
};

// Converts `obj` (str or bytes) to UTF-8. `name` names the argument in errors. Raises TypeError for other
// types and ValueError (with the position) for invalid UTF-8 or lone surrogates unless `replace`.
// The returned view stays valid while `obj` is alive.
// "<name> must be str or bytes, not <type>", with a hint for a missing value (None, NaN, pandas.NA).
std::string NotText(const std::string& name, py::handle obj);

// `offer_replace`: an error message suggests errors='replace' (for calls that take it).
Utf8Text ToUtf8(py::handle obj, const char* name, bool replace, bool offer_replace = true);

// The code points of str `o`, viewed in Python's own storage (1, 2 or 4 bytes a code point; no copy, no
// UTF-8); valid while `o` lives. A 2-byte storage holds no code point above U+FFFF; it may hold surrogates.
CodePointText StrStorage(PyObject* o);

// A new str of the UTF-8 `text` (a term of the C++ core), the object PyUnicode_DecodeUTF8 makes (in the storage
// Python picks: equal to Python's own str of the text), decoded in one pass after a count: that decoder took about
// 800 instructions for a word of six Arabic letters (made for each new term of an analyser's lists), this 400.
// Ill-formed text goes to that decoder (UnicodeDecodeError). Null, with the Python error set, on failure.
PyObject* NewStr(std::string_view text);

// Parses errors="strict" / "replace"; anything else raises ValueError.
bool ParseErrors(const std::string& errors);

// An iterator over `texts`: TypeError for a single str or bytes (an iterable of characters, not of texts) and
// for an object that is not iterable; any other error of iter() (a closed file's) as it is.
py::iterator IterTexts(py::handle texts, const char* name);

// Converts every element of the iterable `texts` (str or bytes). The views stay valid while `keep` holds the
// elements. Raises TypeError naming the element index.
std::vector<Utf8Text> ToUtf8List(py::handle texts, const char* name, bool replace, py::list& keep,
                                 bool offer_replace = true);

// Releases the GIL for its scope, as py::gil_scoped_release. A daemon thread that takes the GIL back while Python
// exits is ended by pthread_exit, which unwinds its stack like an exception: out of gil_scoped_release's
// destructor (noexcept) that called std::terminate, and the process aborted at exit ("terminate called without
// an active exception"); let through, it ran destructors of Python objects without the GIL, beside the exiting
// interpreter's garbage collection (a crash). So such a thread does not go on: it waits here, touching
// nothing, until the process ends (as Python 3.14 makes such threads do).
class ReleaseGil {
 public:
  ReleaseGil() : state_(PyEval_SaveThread()) {}
  ~ReleaseGil() {
    if (Finalizing()) Park();
    try {
      PyEval_RestoreThread(state_);
    } catch (...) {  // (the unwinding of pthread_exit, called as Python exits: it must not go further)
      Park();
    }
  }
  ReleaseGil(const ReleaseGil&) = delete;
  ReleaseGil& operator=(const ReleaseGil&) = delete;

 private:
  static bool Finalizing() noexcept {
#if PY_VERSION_HEX >= 0x030D0000
    return Py_IsFinalizing() != 0;
#else
    return _Py_IsFinalizing() != 0;
#endif
  }
  [[noreturn]] static void Park() {
    for (;;) std::this_thread::sleep_for(std::chrono::hours(1));
  }
  PyThreadState* state_;
};

// Runs fn(begin, end) over [0, n) in chunks of `chunk` with the GIL released, checking for Ctrl-C between
// chunks (KeyboardInterrupt propagates promptly); after each chunk calls then(begin, end) with the GIL held
// (e.g. to turn the chunk's results into Python objects while they are still in cache).
template <typename Fn, typename Then>
void RunInterruptible(std::size_t n, std::size_t chunk, Fn&& fn, Then&& then) {
  for (std::size_t begin = 0; begin < n || (n == 0 && begin == 0); begin += chunk) {
    const std::size_t end = std::min(n, begin + chunk);
    {
      ReleaseGil release;
      fn(begin, end);
    }
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    then(begin, end);
    if (n == 0) break;
  }
}
template <typename Fn>
void RunInterruptible(std::size_t n, std::size_t chunk, Fn&& fn) {
  RunInterruptible(n, chunk, std::forward<Fn>(fn), [](std::size_t, std::size_t) {});
}

// Holds Python's cyclic garbage collector off while many new container objects (lists of str, which form no
// cycles) are built with the GIL held: the collector then runs once afterwards instead of every few hundred
// allocations, and no gc.callbacks run in between (a Ctrl-C handled inside one would be lost). Needs the GIL.
class GcPause {
 public:
  GcPause() {
#if PY_VERSION_HEX >= 0x030A0000
    was_enabled_ = PyGC_Disable() != 0;
#else
    py::module_ gc = py::module_::import("gc");
    was_enabled_ = gc.attr("isenabled")().cast<bool>();
    gc.attr("disable")();
#endif
  }
  ~GcPause() {
    if (!was_enabled_) return;
#if PY_VERSION_HEX >= 0x030A0000
    PyGC_Enable();
#else
    try {
      py::module_::import("gc").attr("enable")();
    } catch (py::error_already_set& e) {
      e.discard_as_unraisable("re-enabling the garbage collector");
    }
#endif
  }
  GcPause(const GcPause&) = delete;
  GcPause& operator=(const GcPause&) = delete;

 private:
  bool was_enabled_ = false;
};

// Moves `v` into a 1-D numpy array without copying the data.
template <typename T>
py::array_t<T> ToNumpy(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {static_cast<py::ssize_t>(sizeof(T))},
                        heap->data(), owner);
}

// A thread count argument as joblib's n_jobs: an int (numpy's too), 1 one thread, -1 all cores, -2 all but
// one...; 0 has no meaning; None is `none_means` ("one thread", as the vectorisers' n_jobs, or all cores).
// `name` names it in errors. The one place where this rule is written.
int ThreadsArg(py::handle n_threads, const char* name = "n_threads", const char* none_means = "all cores");

}  // namespace python
}  // namespace akhbar

#endif  // AKHBAR_PYTHON_COMMON_H_
