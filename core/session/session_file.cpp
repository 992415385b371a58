#include "core/session/session_file.h"

#include <filesystem>
#include <new>
#include <stdexcept>

#include "core/common/error.h"
#include "core/session/atomic_file.h"
#include "core/session/file_checksum.h"
#include "core/session/hdf5_errors.h"
#include "core/session/hdf5_io.h"
#include "core/session/session_names.h"
#include "core/session/session_reader.h"
#include "core/session/session_writer.h"
#include "core/session/timestamp.h"

namespace sieve {

namespace {

// `created` of the session already at `path`, so that saving over it (the
// engine's autosave does, with an empty created) keeps the first save's time.
std::string createdOfExisting(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec) || H5Fis_hdf5(path.c_str()) <= 0) return {};
    try {
        if (verifySessionChecksum(path) != ChecksumState::Valid) return {};
        H5::H5File file(path, H5F_ACC_RDONLY);
        return h5::stringAttr(file.openGroup(session::kProvenance), "created");
    } catch (...) {
        return {};  // not a session we can read: it is replaced anyway
    }
}

}  // namespace

void SessionFile::save(const std::string& path, const SessionData& data, const SessionSaveOptions& options) {
    session::validate(data);  // before anything touches the disk
    auto lock = h5::lockLibrary();
    const std::string now = utcNowIso8601();
    std::string created = data.provenance.created.empty() ? createdOfExisting(path) : data.provenance.created;
    if (created.empty()) created = now;
    TempFileNextTo temp(path);
    try {
        H5::FileCreatPropList creation;
        creation.setUserblock(kSessionUserBlockBytes);  // holds the checksum
        H5::H5File file(temp.path(), H5F_ACC_TRUNC, creation);
        session::writeAll(file, data, options, now, created);
        file.close();
        sealSessionChecksum(temp.path());
    } catch (const H5::Exception& e) {
        throw InputError("cannot write session '" + path + "': " + h5::describe(e));
    } catch (const h5::LayoutError& e) {
        throw InputError("cannot write session '" + path + "': " + e.what());
    }
    temp.commit();
}

SessionData SessionFile::load(const std::string& path, const SessionLoadOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("session file '" + path + "' does not exist or is not a file");
    auto lock = h5::lockLibrary();
    try {
        if (H5Fis_hdf5(path.c_str()) <= 0)
            throw FormatError(
                path, "not an HDF5 file (no HDF5 signature): it is not a Sieve session or is damaged");
        if (options.verifyChecksum && verifySessionChecksum(path) == ChecksumState::Mismatch)
            throw FormatError(path,
                              "checksum mismatch: the file is damaged (truncated or overwritten) or was "
                              "changed outside Sieve Workbench; it was not opened");
        H5::H5File file(path, H5F_ACC_RDONLY);
        session::checkHeader(file.openGroup("/"), path);
        return session::readAll(file, options);
    } catch (const FormatError&) {
        throw;
    } catch (const H5::Exception& e) {
        throw FormatError(path, "cannot read the session (truncated or corrupt file?): " + h5::describe(e));
    } catch (const h5::LayoutError& e) {
        throw FormatError(path, std::string("damaged session: ") + e.what());
    } catch (const std::bad_alloc&) {
        throw FormatError(path, "damaged session: a dataset claims an implausible size");
    } catch (const std::length_error&) {
        throw FormatError(path, "damaged session: a dataset claims an implausible size");
    }
}

void SessionFile::reseal(const std::string& path) {
    auto lock = h5::lockLibrary();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw FormatError(path, "not an HDF5 file");
    if (verifySessionChecksum(path) == ChecksumState::Absent)
        throw FormatError(path, "has no Sieve user block to hold a checksum");
    sealSessionChecksum(path);
    fsyncPath(path);
}

std::string verifyIdentity(const SessionData& session, const std::string& currentModelHash,
                           const std::string& currentTaskHash) {
    std::string message;
    if (!currentModelHash.empty() && session.model.contentHash != currentModelHash)
        message += "The model's weights differ from those this session was computed on (session: " +
                   session.model.contentHash + ", now: " + currentModelHash + "). ";
    if (!currentTaskHash.empty() && session.task.hash != currentTaskHash)
        message +=
            "The task file differs from the one this session was computed on (session: " + session.task.hash +
            ", now: " + currentTaskHash + "). ";
    if (!message.empty()) message.pop_back();
    return message;
}

}  // namespace sieve
