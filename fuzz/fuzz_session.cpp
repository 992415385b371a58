// The session reader, structure-aware: the input is a list of edits to a
// complete, realistic session (every dataset and attribute of it): set one
// element or all of them to a value (raw bytes, or one of the values that
// break readers: -1, 0, INT32_MAX, 2^32 + 3, NaN, ...), give a dataset
// another shape, replace a string, delete an object. The edited file is
// resealed, so the checksum lets it through, and read back with
// SessionFile::load. Whatever it holds, loading ends in a FormatError or in
// data every consumer can use: the CLI's report and JSON (the tables the
// window's heatmap, sensitivity and GA views draw from) are built from it.
// HDF5's own parser is not what this fuzzes: byte-level damage is refused by
// the checksum or read in a child process (fuzz_session_bytes).
#include <H5Cpp.h>

#include <cstring>
#include <limits>

#include "app/cli/report.h"
#include "core/common/error.h"
#include "core/session/file_checksum.h"
#include "core/session/session_file.h"
#include "fuzz_support.h"
#include "session_samples.h"

namespace {

struct Target {
    std::string object;     // path of the dataset or of the attribute's owner
    std::string attribute;  // empty: the dataset itself
};

std::string g_base;  // the unedited session's bytes
std::vector<Target> g_targets;

herr_t collect(hid_t, const char* name, const H5O_info_t* info, void*) {
    const std::string path = std::string("/") + (std::strcmp(name, ".") == 0 ? "" : name);
    if (info->type == H5O_TYPE_DATASET) g_targets.push_back({path, ""});
    return 0;
}

class Input {
public:
    Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    bool empty() const { return pos_ >= size_; }
    uint64_t take(size_t bytes) {
        uint64_t v = 0;
        for (size_t i = 0; i < bytes && pos_ < size_; ++i) v |= uint64_t(data_[pos_++]) << (8 * i);
        return v;
    }
    int64_t integer() {
        static const int64_t special[] = {-1,
                                          0,
                                          1,
                                          2,
                                          7,
                                          65535,
                                          65536,
                                          std::numeric_limits<int32_t>::max(),
                                          std::numeric_limits<int32_t>::min(),
                                          (int64_t(1) << 32) + 3,
                                          std::numeric_limits<int64_t>::max(),
                                          std::numeric_limits<int64_t>::min(),
                                          1000000000};
        const uint64_t pick = take(1);
        if (pick < 200) return special[pick % (sizeof(special) / sizeof(special[0]))];
        return int64_t(take(8));
    }
    double number() {
        static const double special[] = {std::numeric_limits<double>::quiet_NaN(),
                                         std::numeric_limits<double>::infinity(),
                                         -std::numeric_limits<double>::infinity(),
                                         -1.0,
                                         0.0,
                                         0.5,
                                         1.0,
                                         1e308,
                                         -0.0,
                                         1e-320};
        const uint64_t pick = take(1);
        if (pick < 200) return special[pick % (sizeof(special) / sizeof(special[0]))];
        const uint64_t bits = take(8);
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    std::string text() {
        const size_t n = size_t(take(1) % 24);
        std::string s;
        for (size_t i = 0; i < n && !empty(); ++i) s.push_back(char(take(1)));
        return s;
    }

private:
    const uint8_t* data_;
    size_t size_, pos_ = 0;
};

void writeValue(const H5::DataSet& ds, Input& in, bool all) {
    const H5::DataSpace space = ds.getSpace();
    const hssize_t count = space.getSimpleExtentNpoints();
    if (count <= 0) return;
    const H5T_class_t type = ds.getTypeClass();
    if (type == H5T_STRING) {
        std::vector<std::string> values(size_t(count), in.text());
        std::vector<const char*> pointers;
        for (const auto& v : values) pointers.push_back(v.c_str());
        ds.write(pointers.data(), ds.getStrType());
        return;
    }
    std::vector<double> doubles;
    std::vector<int64_t> integers;
    const bool real = type == H5T_FLOAT;
    if (real) {
        doubles.resize(size_t(count));
        ds.read(doubles.data(), H5::PredType::NATIVE_DOUBLE);
    } else {
        integers.resize(size_t(count));
        ds.read(integers.data(), H5::PredType::NATIVE_INT64);
    }
    const size_t first = all ? 0 : size_t(in.take(2)) % size_t(count);
    const size_t last = all ? size_t(count) : first + 1;
    const double d = real ? in.number() : 0;
    const int64_t i = real ? 0 : in.integer();
    for (size_t k = first; k < last; ++k) {
        if (real)
            doubles[k] = d;
        else
            integers[k] = i;
    }
    if (real)
        ds.write(doubles.data(), H5::PredType::NATIVE_DOUBLE);
    else
        ds.write(integers.data(), H5::PredType::NATIVE_INT64);  // converted (and clipped) to the stored type
}

void reshape(H5::H5File& file, const Target& t, Input& in) {
    const H5::DataSet old = file.openDataSet(t.object);
    const H5::DataType type = old.getDataType();
    const bool isString = old.getTypeClass() == H5T_STRING;
    const size_t slash = t.object.rfind('/');
    H5::Group parent = file.openGroup(slash == 0 ? "/" : t.object.substr(0, slash));
    const std::string name = t.object.substr(slash + 1);
    const int rank = int(in.take(1) % 4);
    std::vector<hsize_t> dims;
    hsize_t count = 1;
    for (int r = 0; r < rank; ++r) {
        dims.push_back(hsize_t(in.take(1) % 9));
        count *= dims.back();
    }
    parent.unlink(name);
    const H5::DataSpace space = rank == 0 ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(rank, dims.data());
    const H5::DataSet created = parent.createDataSet(name, type, space);
    if (count == 0 || isString) return;
    std::vector<int64_t> values(count, in.integer());
    created.write(values.data(), H5::PredType::NATIVE_INT64);
}

void editAttribute(H5::H5File& file, Input& in) {
    // Attributes of the groups every reader starts from.
    static const char* owners[] = {"/",     "/model",      "/provenance", "/ga", "/ga/settings",
                                   "/task", "/task/splits"};
    const std::string owner = owners[in.take(1) % (sizeof(owners) / sizeof(owners[0]))];
    if (!H5Lexists(file.getId(), owner.c_str(), H5P_DEFAULT) && owner != "/") return;
    H5::Group group = file.openGroup(owner);
    const int n = group.getNumAttrs();
    if (n == 0) return;
    H5::Attribute attr = group.openAttribute(unsigned(in.take(1) % unsigned(n)));
    const std::string name = attr.getName();
    const H5T_class_t type = attr.getTypeClass();
    const hssize_t count = attr.getSpace().getSimpleExtentNpoints();
    const unsigned op = unsigned(in.take(1) % 4);
    if (op == 0) {
        attr.close();
        group.removeAttr(name);
        return;
    }
    if (type == H5T_STRING || count != 1) return;
    if (type == H5T_FLOAT) {
        const double d = in.number();
        attr.write(H5::PredType::NATIVE_DOUBLE, &d);
    } else {
        const int64_t i = in.integer();
        attr.write(H5::PredType::NATIVE_INT64, &i);
    }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    H5::Exception::dontPrint();
    sieve::test::SampleShape shape;
    shape.layers = 2;
    shape.population = 3;
    shape.generations = 2;
    const std::string base = sieve::fuzz::folder() + "/base.h5";
    sieve::SessionFile::save(base, sieve::test::sampleSession(7, shape));
    H5::H5File file(base, H5F_ACC_RDONLY);
    H5Ovisit(file.getId(), H5_INDEX_NAME, H5_ITER_NATIVE, collect, nullptr);
    file.close();
    FILE* f = std::fopen(base.c_str(), "rb");
    for (int c; (c = std::fgetc(f)) != EOF;) g_base.push_back(char(c));
    std::fclose(f);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = sieve::fuzz::writeInput("edited.h5", g_base);
    {
        H5::H5File file(path, H5F_ACC_RDWR);
        Input in(data, size);
        for (int edits = 0; !in.empty() && edits < 8; ++edits) {
            const unsigned op = unsigned(in.take(1) % 5);
            const Target& t = g_targets[size_t(in.take(2)) % g_targets.size()];
            try {
                if (op == 4) {
                    editAttribute(file, in);
                } else if (op == 3) {
                    const size_t slash = t.object.rfind('/');
                    if (H5Lexists(file.getId(), t.object.c_str(), H5P_DEFAULT) > 0)
                        file.openGroup(slash == 0 ? "/" : t.object.substr(0, slash))
                            .unlink(t.object.substr(slash + 1));
                } else if (H5Lexists(file.getId(), t.object.c_str(), H5P_DEFAULT) > 0) {
                    if (op == 2)
                        reshape(file, t, in);
                    else
                        writeValue(file.openDataSet(t.object), in, op == 1);
                }
            } catch (const H5::Exception&) {
                // an edit HDF5 refuses (e.g. a value its type cannot hold): skipped
            }
        }
    }
    sieve::sealSessionChecksum(path);  // what SessionFile::reseal does, without its read-in-a-child check
    sieve::SessionData loaded;
    try {
        loaded = sieve::SessionFile::load(path);
    } catch (const sieve::InputError&) {
        return 0;
    }
    sieve::cli::sessionReport(loaded);
    sieve::cli::sessionJson(loaded);
    sieve::cli::uniformTable(loaded);
    sieve::cli::sensitivityTable(loaded, 1000);
    sieve::cli::levelHeatmapTable(loaded);
    return 0;
}
