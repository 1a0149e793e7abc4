// Related articles: exact cosine top-k, MinHash near-duplicates, clusters, boilerplate, the index file format.
// Converts and forwards; the Pythonic API is akhbar/related.py.
#include <pybind11/stl.h>

#include <cstring>
#include <memory>

#include "akhbar/boilerplate.h"
#include "akhbar/clusters.h"
#include "akhbar/error.h"
#include "akhbar/minhash.h"
#include "akhbar/related_index.h"
#include "akhbar/topk.h"
#include "common.h"

namespace akhbar {
namespace python {

namespace {

template <typename T>
using CArray = py::array_t<T, py::array::c_style | py::array::forcecast>;

// A CSR view over numpy arrays, with their sizes checked against each other.
CsrView MakeCsr(const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<float>& data,
                std::size_t n_cols, const char* what) {
  if (indptr.ndim() != 1 || indptr.size() < 1) {
    throw py::value_error(std::string(what) + ": indptr must be a 1-D array with at least one entry");
  }
  if (indices.ndim() != 1 || data.ndim() != 1 || indices.size() != data.size()) {
    throw py::value_error(std::string(what) + ": indices and data must be 1-D arrays of the same length");
  }
  CsrView m;
  m.n_rows = static_cast<std::size_t>(indptr.size() - 1);
  m.n_cols = n_cols;
  m.indptr = indptr.data();
  m.indices = indices.data();
  m.data = data.data();
  const std::int64_t nnz = m.indptr[m.n_rows];
  if (nnz != static_cast<std::int64_t>(indices.size())) {
    throw py::value_error(std::string(what) + ": indptr[-1] is " + std::to_string(nnz) + " but there are " +
                          std::to_string(indices.size()) + " stored values");
  }
  return m;
}

py::array_t<std::int32_t> Matrix(std::vector<std::int32_t>&& v, std::size_t rows, std::size_t cols) {
  return ToNumpy(std::move(v)).reshape({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
}

py::array_t<float> Matrix(std::vector<float>&& v, std::size_t rows, std::size_t cols) {
  return ToNumpy(std::move(v)).reshape({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)});
}

std::vector<std::string_view> Views(const std::vector<Utf8Text>& texts) {
  std::vector<std::string_view> views;
  views.reserve(texts.size());
  for (const auto& t : texts) views.push_back(t.utf8);
  return views;
}

std::vector<std::int32_t> Sources(const CArray<std::int32_t>& sources, std::size_t n) {
  if (sources.ndim() != 1 || static_cast<std::size_t>(sources.size()) != n) {
    throw py::value_error("sources must be a 1-D array with one entry per text (" + std::to_string(n) + ")");
  }
  return std::vector<std::int32_t>(sources.data(), sources.data() + n);
}

// The article count and num_perm of a matrix of MinHash signatures (ValueError unless it is 2-D).
std::pair<std::size_t, int> SignatureShape(const CArray<std::uint32_t>& signatures) {
  if (signatures.ndim() != 2) throw py::value_error("signatures must be a 2-D array (articles, num_perm)");
  return {static_cast<std::size_t>(signatures.shape(0)), static_cast<int>(signatures.shape(1))};
}

}  // namespace

void BindIndex(py::module_& m) {
  m.def(
      "check_csr",
      [](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices, const CArray<float>& data,
         std::size_t n_cols, bool format_error) {
        try {
          const CsrView v = MakeCsr(indptr, indices, data, n_cols, "matrix");
          ReleaseGil release;
          CheckCsr(v, "matrix");
        } catch (const InvalidArgument& e) {
          if (format_error) throw FormatError(std::string("corrupt index: ") + e.what());
          throw;
        } catch (const py::value_error& e) {
          if (format_error) throw FormatError(std::string("corrupt index: ") + e.what());
          throw;
        }
      },
      py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n_cols"), py::arg("format_error") = false);

  py::class_<CosineTopK>(m, "CosineTopK")
      .def(py::init([](const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices,
                       const CArray<float>& data, std::size_t n_cols, double heavy_df_fraction,
                       std::size_t min_heavy_df, std::size_t max_heavy_terms) {
             const CsrView v = MakeCsr(indptr, indices, data, n_cols, "corpus");
             TopKIndexOptions o;
             o.heavy_df_fraction = heavy_df_fraction;
             o.min_heavy_df = min_heavy_df;
             o.max_heavy_terms = max_heavy_terms;
             ReleaseGil release;
             return new CosineTopK(v, o);
           }),
           py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("n_cols"),
           py::arg("heavy_df_fraction") = 0.02, py::arg("min_heavy_df") = 64, py::arg("max_heavy_terms") = 0)
      .def_property_readonly("n_rows", &CosineTopK::n_rows)
      .def_property_readonly("n_cols", &CosineTopK::n_cols)
      .def_property_readonly("n_heavy_terms", &CosineTopK::n_heavy_terms)
      .def(
          "search",
          [](const CosineTopK& index, const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices,
             const CArray<float>& data, std::size_t begin, std::size_t end, int k, float min_score, bool exclude_self,
             std::int64_t self_offset, py::object allowed, py::handle n_threads) {
            const CsrView q = MakeCsr(indptr, indices, data, index.n_cols(), "queries");
            CheckCsr(q, "queries");  // (a column past the index's: a vectoriser refitted since, a wider one)
            if (k <= 0) throw py::value_error("k must be a positive int, not " + std::to_string(k));
            if (begin > end || end > q.n_rows) throw py::value_error("query rows out of range");
            TopKSearchOptions o;
            o.k = k;
            o.min_score = min_score;
            o.exclude_self = exclude_self;
            o.self_offset = self_offset;
            CArray<std::uint8_t> mask;
            if (!allowed.is_none()) {
              mask = allowed.cast<CArray<std::uint8_t>>();
              if (mask.ndim() != 1 || static_cast<std::size_t>(mask.size()) != index.n_rows()) {
                throw py::value_error("allowed must be a 1-D mask with one entry per indexed article");
              }
              o.allowed = mask.data();
            }
            const int threads = ThreadsArg(n_threads);
            const std::size_t rows = end - begin;
            std::vector<std::int32_t> out_i(rows * static_cast<std::size_t>(k));
            std::vector<float> out_s(rows * static_cast<std::size_t>(k));
            const std::size_t step = std::max<std::size_t>(256, 64 * static_cast<std::size_t>(threads));
            RunInterruptible(rows, step, [&](std::size_t b, std::size_t e) {
              if (b >= e) return;
              index.Search(q, begin + b, begin + e, o, threads, out_i.data() + b * k, out_s.data() + b * k);
            });
            return py::make_tuple(Matrix(std::move(out_i), rows, k), Matrix(std::move(out_s), rows, k));
          },
          py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("begin"), py::arg("end"), py::arg("k"),
          py::arg("min_score") = 0.0f, py::arg("exclude_self") = false, py::arg("self_offset") = 0,
          py::arg("allowed") = py::none(), py::arg("n_threads") = py::none());

  // The all-pairs pass keeps the arrays it reads alive.
  struct AllPairs {
    CArray<std::int64_t> indptr;
    CArray<std::int32_t> indices;
    CArray<float> data;
    std::unique_ptr<AllPairsTopK> impl;
    std::size_t n = 0;
    int k = 0;
  };
  py::class_<AllPairs>(m, "AllPairsTopK")
      .def(py::init([](const CosineTopK& index, const CArray<std::int64_t>& indptr, const CArray<std::int32_t>& indices,
                       const CArray<float>& data, int k, float min_score, py::handle n_threads) {
             if (k <= 0) throw py::value_error("k must be a positive int, not " + std::to_string(k));
             auto* a = new AllPairs{indptr, indices, data, nullptr, index.n_rows(), k};
             const CsrView v = MakeCsr(a->indptr, a->indices, a->data, index.n_cols(), "corpus");
             a->impl = std::make_unique<AllPairsTopK>(index, v, k, min_score, ThreadsArg(n_threads));
             return a;
           }),
           py::arg("index"), py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("k"),
           py::arg("min_score") = 0.0f, py::arg("n_threads") = py::none(), py::keep_alive<1, 2>())
      .def("process",
           [](AllPairs& a, std::size_t begin, std::size_t end) {
             if (begin > end || end > a.n) throw py::value_error("rows out of range");
             RunInterruptible(end - begin, 512, [&](std::size_t b, std::size_t e) { a.impl->Process(begin + b, begin + e); });
           })
      .def("finish", [](AllPairs& a) {
        std::vector<std::int32_t> idx(a.n * static_cast<std::size_t>(a.k));
        std::vector<float> sc(idx.size());
        {
          ReleaseGil release;
          a.impl->Finish(idx.data(), sc.data());
        }
        return py::make_tuple(Matrix(std::move(idx), a.n, a.k), Matrix(std::move(sc), a.n, a.k));
      });

  py::class_<MinHasher>(m, "MinHasher")
      .def(py::init([](int num_perm, int shingle_size, std::uint64_t seed, const std::string& densification) {
             MinHashOptions o;
             o.num_perm = num_perm;
             o.shingle_size = shingle_size;
             o.seed = seed;
             if (densification == "rotation") {
               o.densification = Densification::kRotation;
             } else if (densification != "optimal") {
               throw py::value_error("densification must be 'optimal' or 'rotation', not '" + densification + "'");
             }
             return new MinHasher(o);
           }),
           py::arg("num_perm") = 128, py::arg("shingle_size") = 3, py::arg("seed") = 1,
           py::arg("densification") = "optimal")
      .def_property_readonly("densification",
                             [](const MinHasher& h) {
                               return h.options().densification == Densification::kRotation ? "rotation" : "optimal";
                             })
      .def_property_readonly("num_perm", [](const MinHasher& h) { return h.options().num_perm; })
      .def_property_readonly("shingle_size", [](const MinHasher& h) { return h.options().shingle_size; })
      .def_property_readonly("seed", [](const MinHasher& h) { return h.options().seed; })
      .def("words",
           [](const MinHasher& h, py::handle text) {
             const Utf8Text t = ToUtf8(text, "text", false, /*offer_replace=*/false);
             return h.Words(t.utf8);
           })
      .def("shingle_hashes",
           [](const MinHasher& h, py::handle text) {
             const Utf8Text t = ToUtf8(text, "text", false, /*offer_replace=*/false);
             std::vector<std::uint64_t> out;
             {
               ReleaseGil release;
               out = h.ShingleHashes(t.utf8);
             }
             return ToNumpy(std::move(out));
           })
      .def(
          "signatures",
          [](const MinHasher& h, py::handle texts, py::handle n_threads) {
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(texts, "texts", false, keep, /*offer_replace=*/false);
            const std::vector<std::string_view> views = Views(in);
            const int threads = ThreadsArg(n_threads);
            const std::size_t m = static_cast<std::size_t>(h.options().num_perm);
            std::vector<std::uint32_t> out(views.size() * m);
            RunInterruptible(views.size(), 4096, [&](std::size_t b, std::size_t e) {
              const std::vector<std::string_view> part(views.begin() + static_cast<std::ptrdiff_t>(b),
                                                       views.begin() + static_cast<std::ptrdiff_t>(e));
              h.Signatures(part, threads, out.data() + b * m);
            });
            const std::size_t n = views.size();
            return ToNumpy(std::move(out)).reshape({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(m)});
          },
          py::arg("texts"), py::arg("n_threads") = py::none());

  m.def(
      "optimal_lsh_params",
      [](double threshold, int num_perm) {
        const LshParams p = OptimalLshParams(threshold, num_perm);
        return py::make_tuple(p.bands, p.rows);
      },
      py::arg("threshold"), py::arg("num_perm"));

  m.def(
      "find_near_duplicates",
      [](const CArray<std::uint32_t>& signatures, double threshold, int bands, int rows, py::handle n_threads) {
        const auto [n, m] = SignatureShape(signatures);
        const int threads = ThreadsArg(n_threads);
        std::vector<NearDuplicatePair> pairs;
        {
          ReleaseGil release;
          pairs = FindNearDuplicates(signatures.data(), n, m, threshold, LshParams{bands, rows}, threads);
        }
        std::vector<std::int32_t> a(pairs.size()), b(pairs.size());
        std::vector<float> j(pairs.size());
        for (std::size_t i = 0; i < pairs.size(); ++i) {
          a[i] = pairs[i].a;
          b[i] = pairs[i].b;
          j[i] = pairs[i].jaccard;
        }
        return py::make_tuple(ToNumpy(std::move(a)), ToNumpy(std::move(b)), ToNumpy(std::move(j)));
      },
      py::arg("signatures"), py::arg("threshold"), py::arg("bands"), py::arg("rows"),
      py::arg("n_threads") = py::none());

  m.def(
      "near_duplicate_components",
      [](const CArray<std::uint32_t>& signatures, double threshold, int bands, int rows, py::handle n_threads) {
        const auto [n, m] = SignatureShape(signatures);
        const int threads = ThreadsArg(n_threads);
        std::vector<std::int32_t> component;
        {
          ReleaseGil release;
          component = NearDuplicateComponents(signatures.data(), n, m, threshold, LshParams{bands, rows}, threads);
        }
        return ToNumpy(std::move(component));
      },
      py::arg("signatures"), py::arg("threshold"), py::arg("bands"), py::arg("rows"),
      py::arg("n_threads") = py::none());

  m.def(
      "connected_components",
      [](std::size_t n, const CArray<std::int32_t>& a, const CArray<std::int32_t>& b, std::size_t min_size) {
        if (a.ndim() != 1 || b.ndim() != 1 || a.size() != b.size()) {
          throw py::value_error("edge arrays must be 1-D and of the same length");
        }
        std::vector<std::pair<std::int32_t, std::int32_t>> edges(static_cast<std::size_t>(a.size()));
        for (std::size_t i = 0; i < edges.size(); ++i) edges[i] = {a.data()[i], b.data()[i]};
        std::vector<std::vector<std::int32_t>> groups;
        {
          ReleaseGil release;
          groups = ConnectedComponents(n, edges, min_size);
        }
        py::list out;
        for (auto& g : groups) out.append(ToNumpy(std::move(g)));
        return out;
      },
      py::arg("n"), py::arg("a"), py::arg("b"), py::arg("min_size") = 2);

  py::class_<Boilerplate> boilerplate(m, "Boilerplate");
  boilerplate.attr("ANY_SOURCE") = Boilerplate::kAnySource;
  boilerplate
      .def(py::init([](const std::vector<std::tuple<std::int32_t, std::string, std::uint32_t>>& lines) {
             std::vector<BoilerplateLine> v;
             for (const auto& [source, line, count] : lines) v.push_back({source, line, count});
             return new Boilerplate(std::move(v));
           }),
           py::arg("lines"))
      .def_static(
          "find",
          [](py::handle texts, const CArray<std::int32_t>& sources, std::size_t min_docs, double min_fraction,
             std::size_t max_line_chars, py::handle n_threads) {
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(texts, "texts", false, keep, /*offer_replace=*/false);
            const std::vector<std::int32_t> src = Sources(sources, in.size());
            BoilerplateOptions o;
            o.min_docs = min_docs;
            o.min_fraction = min_fraction;
            o.max_line_chars = max_line_chars;
            const int threads = ThreadsArg(n_threads);
            const std::vector<std::string_view> views = Views(in);
            ReleaseGil release;
            return new Boilerplate(Boilerplate::Find(views, src, o, threads));
          },
          py::arg("texts"), py::arg("sources"), py::arg("min_docs") = 5, py::arg("min_fraction") = 0.01,
          py::arg("max_line_chars") = 400, py::arg("n_threads") = py::none())
      .def("lines",
           [](const Boilerplate& b) {
             py::list out;
             for (const auto& l : b.lines()) out.append(py::make_tuple(l.source, l.line, l.count));
             return out;
           })
      .def("strip",
           [](const Boilerplate& b, py::handle text, std::int32_t source) {
             const Utf8Text t = ToUtf8(text, "text", false, /*offer_replace=*/false);
             return b.Strip(t.utf8, source);
           })
      .def(
          "strip_batch",
          [](const Boilerplate& b, py::handle texts, const CArray<std::int32_t>& sources, py::handle n_threads) {
            py::list keep;
            const std::vector<Utf8Text> in = ToUtf8List(texts, "texts", false, keep, /*offer_replace=*/false);
            const std::vector<std::int32_t> src = Sources(sources, in.size());
            const std::vector<std::string_view> views = Views(in);
            const int threads = ThreadsArg(n_threads);
            std::vector<std::string> out(views.size());
            RunInterruptible(views.size(), 8192, [&](std::size_t lo, std::size_t hi) {
              const std::vector<std::string_view> part(views.begin() + static_cast<std::ptrdiff_t>(lo),
                                                       views.begin() + static_cast<std::ptrdiff_t>(hi));
              const std::vector<std::int32_t> part_src(src.begin() + static_cast<std::ptrdiff_t>(lo),
                                                       src.begin() + static_cast<std::ptrdiff_t>(hi));
              std::vector<std::string> done = b.StripBatch(part, part_src, threads);
              for (std::size_t i = lo; i < hi; ++i) out[i] = std::move(done[i - lo]);
            });
            return out;
          },
          py::arg("texts"), py::arg("sources"), py::arg("n_threads") = py::none());

  m.def(
      "write_sections",
      [](const std::string& kind, const std::vector<std::tuple<std::string, int, py::buffer>>& sections) {
        std::vector<py::buffer_info> infos;
        infos.reserve(sections.size());
        std::vector<SectionIn> in;
        for (const auto& [name, code, buffer] : sections) {
          infos.push_back(buffer.request());
          const py::buffer_info& info = infos.back();
          std::size_t bytes = static_cast<std::size_t>(info.itemsize);
          for (const auto extent : info.shape) bytes *= static_cast<std::size_t>(extent);
          bool contiguous = true;
          py::ssize_t expect = info.itemsize;
          for (py::ssize_t d = info.ndim - 1; d >= 0; --d) {
            if (info.shape[d] > 1 && info.strides[d] != expect) contiguous = false;
            expect *= info.shape[d];
          }
          if (!contiguous) throw py::value_error("section '" + name + "' is not a contiguous buffer");
          in.push_back({name, static_cast<SectionType>(code), std::string_view(static_cast<const char*>(info.ptr), bytes)});
        }
        std::string file;
        {
          ReleaseGil release;
          file = WriteSections(kind, in);
        }
        return py::bytes(file);
      },
      py::arg("kind"), py::arg("sections"));

  m.def(
      "read_sections",
      [](py::buffer buffer, const std::string& kind) {
        const py::buffer_info info = buffer.request();
        const std::string_view file(static_cast<const char*>(info.ptr),
                                    static_cast<std::size_t>(info.size * info.itemsize));
        std::vector<SectionRef> refs;
        {
          ReleaseGil release;
          refs = ReadSections(file, kind);
        }
        py::list out;
        for (const auto& r : refs) out.append(py::make_tuple(r.name, SectionTypeName(r.dtype), r.offset, r.count));
        return out;
      },
      py::arg("buffer"), py::arg("kind"));
  m.attr("RELATED_INDEX_KIND") = kRelatedIndexKind;
}

}  // namespace python
}  // namespace akhbar
