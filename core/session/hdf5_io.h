#pragma once
// Thin helpers over the HDF5 C++ API for the session layout: NeXus-style
// groups (NX_class), datasets that always carry `units` and `long_name`,
// variable-length UTF-8 strings, extendible datasets, and reads that check
// rank and shape. Private to core/session.
#include <H5Cpp.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace sieve::h5 {

// The file is not laid out as a session should be (missing object, wrong rank
// or shape). Names the HDF5 object; SessionFile turns it into a FormatError
// naming the file.
class LayoutError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Serialises every HDF5 call of the session code (the C++ API is not
// thread-safe) and, on first use, stops HDF5 from printing error stacks to
// stderr: its errors come back to us as exceptions.
std::unique_lock<std::recursive_mutex> lockLibrary();

// "units" and "long_name" of a dataset (NeXus). Units follow UDUNITS; "1" is
// a dimensionless fraction, "" a count, an index or a name.
struct Meta {
    const char* units;
    const char* longName;
};

// ---- element types -----------------------------------------------------------
template <typename T>
struct Type;
#define SIEVE_H5_TYPE(CppType, MemType, FileType)              \
    template <>                                                \
    struct Type<CppType> {                                     \
        static const H5::PredType& mem() { return MemType; }   \
        static const H5::PredType& file() { return FileType; } \
    };
SIEVE_H5_TYPE(double, H5::PredType::NATIVE_DOUBLE, H5::PredType::IEEE_F64LE)
SIEVE_H5_TYPE(int64_t, H5::PredType::NATIVE_INT64, H5::PredType::STD_I64LE)
SIEVE_H5_TYPE(uint64_t, H5::PredType::NATIVE_UINT64, H5::PredType::STD_U64LE)
SIEVE_H5_TYPE(int32_t, H5::PredType::NATIVE_INT32, H5::PredType::STD_I32LE)
SIEVE_H5_TYPE(int16_t, H5::PredType::NATIVE_INT16, H5::PredType::STD_I16LE)
SIEVE_H5_TYPE(uint8_t, H5::PredType::NATIVE_UINT8, H5::PredType::STD_U8LE)
#undef SIEVE_H5_TYPE

H5::StrType utf8String();  // variable length, UTF-8

// ---- groups and attributes ------------------------------------------------------
H5::Group createGroup(const H5::Group& parent, const std::string& name, const char* nxClass);
H5::Group openGroup(const H5::Group& parent, const std::string& name);  // LayoutError if absent
bool hasChild(const H5::Group& parent, const std::string& name);
std::string objectPath(const H5::H5Object& object);

void setAttr(const H5::H5Object& object, const std::string& name, const std::string& value);
void setAttr(const H5::H5Object& object, const std::string& name, const char* value);
void setAttr(const H5::H5Object& object, const std::string& name, const std::vector<std::string>& values);
void setAttr(const H5::H5Object& object, const std::string& name, int64_t value);
void setAttr(const H5::H5Object& object, const std::string& name, uint64_t value);
void setAttr(const H5::H5Object& object, const std::string& name, int value);
void setAttr(const H5::H5Object& object, const std::string& name, double value);
void setAttr(const H5::H5Object& object, const std::string& name, bool value);  // stored as uint8
void setAttr(const H5::H5Object& object, const std::string& name, const std::vector<double>& values);

bool hasAttr(const H5::H5Object& object, const std::string& name);
std::string stringAttr(const H5::H5Object& object, const std::string& name);
std::vector<std::string> stringsAttr(const H5::H5Object& object, const std::string& name);
int64_t intAttr(const H5::H5Object& object, const std::string& name);
uint64_t uintAttr(const H5::H5Object& object, const std::string& name);
double doubleAttr(const H5::H5Object& object, const std::string& name);
bool boolAttr(const H5::H5Object& object, const std::string& name);
std::vector<double> doublesAttr(const H5::H5Object& object, const std::string& name);
std::vector<std::string> attrNames(const H5::H5Object& object);

// NeXus NXdata plot hints.
void setPlot(const H5::Group& nxdata, const std::string& signal, const std::vector<std::string>& axes,
             const std::vector<std::string>& auxiliarySignals = {});

// ---- datasets ---------------------------------------------------------------------
// Writes `values` (row-major) as a dataset of shape `dims`; `T` picks the
// file type. An empty `dims` writes a scalar.
void writeRaw(const H5::Group& group, const std::string& name, const void* values,
              const H5::PredType& memType, const H5::PredType& fileType, const std::vector<hsize_t>& dims,
              Meta meta);
template <typename Stored, typename T>
void writeArray(const H5::Group& group, const std::string& name, const std::vector<T>& values,
                const std::vector<hsize_t>& dims, Meta meta) {
    writeRaw(group, name, values.data(), Type<T>::mem(), Type<Stored>::file(), dims, meta);
}
template <typename T>
void writeArray(const H5::Group& group, const std::string& name, const std::vector<T>& values, Meta meta) {
    writeRaw(group, name, values.data(), Type<T>::mem(), Type<T>::file(), {hsize_t(values.size())}, meta);
}
template <typename T>
void writeScalar(const H5::Group& group, const std::string& name, T value, Meta meta) {
    writeRaw(group, name, &value, Type<T>::mem(), Type<T>::file(), {}, meta);
}
void writeStrings(const H5::Group& group, const std::string& name, const std::vector<std::string>& values,
                  Meta meta);

// An empty dataset extendible along every dimension (maxdims unlimited),
// chunked with `chunk`, optionally gzip-compressed (level 1-9, with shuffle).
H5::DataSet createExtendible(const H5::Group& group, const std::string& name, const H5::PredType& fileType,
                             const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk, Meta meta,
                             int gzipLevel = 0);
// Grows dimension 0 by one and writes `row` (the product of the other
// dimensions' sizes, row-major) into the new slab. Checks the row's size.
void appendRow(H5::DataSet& dataset, const void* row, size_t rowElements, const H5::PredType& memType);

// Reads a whole dataset converting to T; checks the rank (-1: any) and
// returns the dims through `dims`.
H5::DataSet openDataSet(const H5::Group& group, const std::string& name);  // LayoutError if absent
void readRaw(const H5::DataSet& dataset, void* out, const H5::PredType& memType);
std::vector<hsize_t> datasetDims(const H5::DataSet& dataset);
template <typename T>
std::vector<T> readArray(const H5::Group& group, const std::string& name, int rank,
                         std::vector<hsize_t>* dims = nullptr) {
    H5::DataSet dataset = openDataSet(group, name);
    std::vector<hsize_t> shape = datasetDims(dataset);
    if (rank >= 0 && int(shape.size()) != rank)
        throw LayoutError(objectPath(dataset) + ": expected rank " + std::to_string(rank) + ", found " +
                          std::to_string(shape.size()));
    // A damaged file can claim any extent: refused before it is allocated
    // (and, with overcommit, zero-filled until the kernel kills us).
    constexpr size_t kMaxElements = size_t(1) << 28;
    size_t count = 1;
    for (hsize_t d : shape) {
        if (d > kMaxElements || (d > 0 && count > kMaxElements / size_t(d)))
            throw LayoutError(objectPath(dataset) + ": implausible extent");
        count *= size_t(d);
    }
    std::vector<T> values(count);
    if (count > 0) readRaw(dataset, values.data(), Type<T>::mem());
    if (dims) *dims = shape;
    return values;
}
template <typename T>
T readScalar(const H5::Group& group, const std::string& name) {
    std::vector<T> v = readArray<T>(group, name, 0);
    return v.at(0);
}
std::vector<std::string> readStrings(const H5::Group& group, const std::string& name);

// Throws LayoutError unless `values.size() == expected`.
void expectLength(const H5::Group& group, const std::string& name, size_t actual, size_t expected);

}  // namespace sieve::h5
