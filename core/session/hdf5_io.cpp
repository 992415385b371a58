#include "core/session/hdf5_io.h"

namespace sieve::h5 {

std::unique_lock<std::recursive_mutex> lockLibrary() {
    static std::recursive_mutex mutex;
    std::unique_lock<std::recursive_mutex> lock(mutex);
    static const bool silenced = [] {
        H5::Exception::dontPrint();
        return true;
    }();
    (void)silenced;
    return lock;
}

H5::StrType utf8String() {
    H5::StrType type(H5::PredType::C_S1, H5T_VARIABLE);
    type.setCset(H5T_CSET_UTF8);
    return type;
}

std::string objectPath(const H5::H5Object& object) {
    return object.getObjName();
}

// ---- groups and attributes -------------------------------------------------------

H5::Group createGroup(const H5::Group& parent, const std::string& name, const char* nxClass) {
    H5::Group group = parent.createGroup(name);
    if (nxClass) setAttr(group, "NX_class", nxClass);
    return group;
}

bool hasChild(const H5::Group& parent, const std::string& name) {
    return H5Lexists(parent.getId(), name.c_str(), H5P_DEFAULT) > 0;
}

H5::Group openGroup(const H5::Group& parent, const std::string& name) {
    if (!hasChild(parent, name)) throw LayoutError(objectPath(parent) + ": missing group '" + name + "'");
    return parent.openGroup(name);
}

H5::DataSet openDataSet(const H5::Group& group, const std::string& name) {
    if (!hasChild(group, name)) throw LayoutError(objectPath(group) + ": missing dataset '" + name + "'");
    return group.openDataSet(name);
}

namespace {

void replaceAttr(const H5::H5Object& object, const std::string& name) {
    if (object.attrExists(name)) object.removeAttr(name);
}

template <typename T>
void setNumericAttr(const H5::H5Object& object, const std::string& name, const T* values, hsize_t count,
                    bool scalar) {
    replaceAttr(object, name);
    H5::DataSpace space = scalar ? H5::DataSpace(H5S_SCALAR) : H5::DataSpace(1, &count);
    H5::Attribute attr = object.createAttribute(name, Type<T>::file(), space);
    // An empty array stays an empty attribute: HDF5 refuses a write of nothing.
    if (scalar || count > 0) attr.write(Type<T>::mem(), values);
}

H5::Attribute openAttr(const H5::H5Object& object, const std::string& name) {
    if (!object.attrExists(name))
        throw LayoutError(objectPath(object) + ": missing attribute '" + name + "'");
    return object.openAttribute(name);
}

template <typename T>
std::vector<T> readNumericAttr(const H5::H5Object& object, const std::string& name) {
    H5::Attribute attr = openAttr(object, name);
    if (attr.getTypeClass() != H5T_INTEGER && attr.getTypeClass() != H5T_FLOAT)
        throw LayoutError(objectPath(object) + ": attribute '" + name + "' is not numeric");
    const hssize_t count = attr.getSpace().getSimpleExtentNpoints();
    std::vector<T> values(size_t(std::max<hssize_t>(count, 0)));
    if (!values.empty()) attr.read(Type<T>::mem(), values.data());
    return values;
}

template <typename T>
T readOneAttr(const H5::H5Object& object, const std::string& name) {
    std::vector<T> values = readNumericAttr<T>(object, name);
    if (values.size() != 1)
        throw LayoutError(objectPath(object) + ": attribute '" + name + "' should hold one value, holds " +
                          std::to_string(values.size()));
    return values[0];
}

std::vector<const char*> cStrings(const std::vector<std::string>& values) {
    std::vector<const char*> pointers;
    for (const auto& v : values) pointers.push_back(v.c_str());
    return pointers;
}

void readInto(const H5::Attribute& attr, const H5::DataType& type, void* buffer) {
    attr.read(type, buffer);
}
void readInto(const H5::DataSet& dataset, const H5::DataType& type, void* buffer) {
    dataset.read(buffer, type);
}

// Reads variable-length strings from an attribute or dataset and frees
// HDF5's copies.
template <typename Source>
std::vector<std::string> readVlenStrings(const Source& source, const H5::DataSpace& space,
                                         const std::string& where) {
    if (source.getTypeClass() != H5T_STRING) throw LayoutError(where + " is not a string");
    if (source.getStrType().isVariableStr() == false)
        throw LayoutError(where + " is a fixed-length string; sessions store variable-length UTF-8");
    const hssize_t count = space.getSimpleExtentNpoints();
    std::vector<char*> buffer(size_t(std::max<hssize_t>(count, 0)), nullptr);
    const H5::StrType type = utf8String();
    if (!buffer.empty()) readInto(source, type, buffer.data());
    std::vector<std::string> values;
    for (char* s : buffer) values.emplace_back(s ? s : "");
    if (!buffer.empty()) H5::DataSet::vlenReclaim(buffer.data(), type, space);
    return values;
}

}  // namespace

void setAttr(const H5::H5Object& object, const std::string& name, const std::string& value) {
    replaceAttr(object, name);
    const H5::StrType type = utf8String();
    H5::Attribute attr = object.createAttribute(name, type, H5::DataSpace(H5S_SCALAR));
    const char* text = value.c_str();
    attr.write(type, &text);
}
void setAttr(const H5::H5Object& object, const std::string& name, const char* value) {
    setAttr(object, name, std::string(value));
}
void setAttr(const H5::H5Object& object, const std::string& name, const std::vector<std::string>& values) {
    replaceAttr(object, name);
    const H5::StrType type = utf8String();
    const hsize_t count = values.size();
    H5::Attribute attr = object.createAttribute(name, type, H5::DataSpace(1, &count));
    std::vector<const char*> pointers = cStrings(values);
    if (!pointers.empty()) attr.write(type, pointers.data());
}
void setAttr(const H5::H5Object& object, const std::string& name, int64_t value) {
    setNumericAttr(object, name, &value, 1, true);
}
void setAttr(const H5::H5Object& object, const std::string& name, uint64_t value) {
    setNumericAttr(object, name, &value, 1, true);
}
void setAttr(const H5::H5Object& object, const std::string& name, int value) {
    const int32_t v = value;
    setNumericAttr(object, name, &v, 1, true);
}
void setAttr(const H5::H5Object& object, const std::string& name, double value) {
    setNumericAttr(object, name, &value, 1, true);
}
void setAttr(const H5::H5Object& object, const std::string& name, bool value) {
    const uint8_t v = value ? 1 : 0;
    setNumericAttr(object, name, &v, 1, true);
}
void setAttr(const H5::H5Object& object, const std::string& name, const std::vector<double>& values) {
    setNumericAttr(object, name, values.data(), values.size(), false);
}

bool hasAttr(const H5::H5Object& object, const std::string& name) {
    return object.attrExists(name);
}

std::string stringAttr(const H5::H5Object& object, const std::string& name) {
    H5::Attribute attr = openAttr(object, name);
    const std::string where = objectPath(object) + " attribute '" + name + "'";
    std::vector<std::string> values = readVlenStrings(attr, attr.getSpace(), where);
    if (values.size() != 1) throw LayoutError(where + " should be one string");
    return values[0];
}

std::vector<std::string> stringsAttr(const H5::H5Object& object, const std::string& name) {
    H5::Attribute attr = openAttr(object, name);
    return readVlenStrings(attr, attr.getSpace(), objectPath(object) + " attribute '" + name + "'");
}

int64_t intAttr(const H5::H5Object& object, const std::string& name) {
    return readOneAttr<int64_t>(object, name);
}
uint64_t uintAttr(const H5::H5Object& object, const std::string& name) {
    return readOneAttr<uint64_t>(object, name);
}
double doubleAttr(const H5::H5Object& object, const std::string& name) {
    return readOneAttr<double>(object, name);
}
bool boolAttr(const H5::H5Object& object, const std::string& name) {
    return readOneAttr<uint8_t>(object, name) != 0;
}
std::vector<double> doublesAttr(const H5::H5Object& object, const std::string& name) {
    return readNumericAttr<double>(object, name);
}

std::vector<std::string> attrNames(const H5::H5Object& object) {
    std::vector<std::string> names;
    const int count = object.getNumAttrs();
    for (int i = 0; i < count; ++i) names.push_back(object.openAttribute(unsigned(i)).getName());
    return names;
}

void setPlot(const H5::Group& nxdata, const std::string& signal, const std::vector<std::string>& axes,
             const std::vector<std::string>& auxiliarySignals) {
    setAttr(nxdata, "signal", signal);
    setAttr(nxdata, "axes", axes);
    if (!auxiliarySignals.empty()) setAttr(nxdata, "auxiliary_signals", auxiliarySignals);
}

// ---- datasets ------------------------------------------------------------------------

namespace {

void describe(const H5::DataSet& dataset, Meta meta) {
    setAttr(dataset, "units", meta.units);
    setAttr(dataset, "long_name", meta.longName);
}

H5::DataSpace spaceOf(const std::vector<hsize_t>& dims) {
    if (dims.empty()) return H5::DataSpace(H5S_SCALAR);
    return H5::DataSpace(int(dims.size()), dims.data());
}

}  // namespace

void writeRaw(const H5::Group& group, const std::string& name, const void* values,
              const H5::PredType& memType, const H5::PredType& fileType, const std::vector<hsize_t>& dims,
              Meta meta) {
    H5::DataSet dataset = group.createDataSet(name, fileType, spaceOf(dims));
    size_t count = 1;
    for (hsize_t d : dims) count *= size_t(d);
    if (count > 0) dataset.write(values, memType);
    describe(dataset, meta);
}

void writeStrings(const H5::Group& group, const std::string& name, const std::vector<std::string>& values,
                  Meta meta) {
    const H5::StrType type = utf8String();
    H5::DataSet dataset = group.createDataSet(name, type, spaceOf({hsize_t(values.size())}));
    std::vector<const char*> pointers = cStrings(values);
    if (!pointers.empty()) dataset.write(pointers.data(), type);
    describe(dataset, meta);
}

H5::DataSet createExtendible(const H5::Group& group, const std::string& name, const H5::PredType& fileType,
                             const std::vector<hsize_t>& dims, const std::vector<hsize_t>& chunk, Meta meta,
                             int gzipLevel) {
    std::vector<hsize_t> maxDims(dims.size(), H5S_UNLIMITED);
    H5::DataSpace space(int(dims.size()), dims.data(), maxDims.data());
    H5::DSetCreatPropList properties;
    std::vector<hsize_t> chunkDims = chunk;
    for (hsize_t& c : chunkDims) c = std::max<hsize_t>(c, 1);
    properties.setChunk(int(chunkDims.size()), chunkDims.data());
    if (gzipLevel > 0) {
        properties.setShuffle();
        properties.setDeflate(unsigned(gzipLevel));
    }
    H5::DataSet dataset = group.createDataSet(name, fileType, space, properties);
    describe(dataset, meta);
    return dataset;
}

std::vector<hsize_t> datasetDims(const H5::DataSet& dataset) {
    H5::DataSpace space = dataset.getSpace();
    const int rank = space.getSimpleExtentNdims();
    std::vector<hsize_t> dims(size_t(std::max(rank, 0)));
    if (rank > 0) space.getSimpleExtentDims(dims.data());
    return dims;
}

void appendRow(H5::DataSet& dataset, const void* row, size_t rowElements, const H5::PredType& memType) {
    std::vector<hsize_t> dims = datasetDims(dataset);
    if (dims.empty()) throw LayoutError(objectPath(dataset) + ": cannot append to a scalar");
    size_t expected = 1;
    for (size_t i = 1; i < dims.size(); ++i) expected *= size_t(dims[i]);
    if (expected != rowElements)
        throw LayoutError(objectPath(dataset) + ": a new row has " + std::to_string(rowElements) +
                          " values, the dataset's rows have " + std::to_string(expected));
    std::vector<hsize_t> offset(dims.size(), 0);
    offset[0] = dims[0];
    dims[0] += 1;
    dataset.extend(dims.data());
    std::vector<hsize_t> count = dims;
    count[0] = 1;
    H5::DataSpace fileSpace = dataset.getSpace();
    fileSpace.selectHyperslab(H5S_SELECT_SET, count.data(), offset.data());
    H5::DataSpace memorySpace(int(count.size()), count.data());
    if (rowElements > 0) dataset.write(row, memType, memorySpace, fileSpace);
}

void readRaw(const H5::DataSet& dataset, void* out, const H5::PredType& memType) {
    const H5T_class_t typeClass = dataset.getTypeClass();
    if (typeClass != H5T_INTEGER && typeClass != H5T_FLOAT)
        throw LayoutError(objectPath(dataset) + ": expected numbers");
    dataset.read(out, memType);
}

std::vector<std::string> readStrings(const H5::Group& group, const std::string& name) {
    H5::DataSet dataset = openDataSet(group, name);
    if (datasetDims(dataset).size() != 1) throw LayoutError(objectPath(dataset) + ": expected rank 1");
    return readVlenStrings(dataset, dataset.getSpace(), objectPath(dataset));
}

void expectLength(const H5::Group& group, const std::string& name, size_t actual, size_t expected) {
    if (actual != expected)
        throw LayoutError(objectPath(group) + "/" + name + ": expected " + std::to_string(expected) +
                          " values, found " + std::to_string(actual));
}

}  // namespace sieve::h5
