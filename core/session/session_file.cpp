#include "core/session/session_file.h"

#include <filesystem>
#include <new>
#include <stdexcept>

#include "core/common/error.h"
#include "core/session/atomic_file.h"
#include "core/session/child_process.h"
#include "core/session/file_checksum.h"
#include "core/session/hdf5_errors.h"
#include "core/session/hdf5_image.h"
#include "core/session/hdf5_io.h"
#include "core/session/session_lock.h"
#include "core/session/session_names.h"
#include "core/session/session_reader.h"
#include "core/session/session_writer.h"
#include "core/session/timestamp.h"
#include "core/session/unverified_session.h"

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

const char* whyUnverified(ChecksumState state) {
    switch (state) {
        case ChecksumState::Unsealed:
            return "its user block says 'sha256 none'";
        case ChecksumState::Absent:
            return "it has no Sieve user block";
        default:
            return "its checksum was not verified";
    }
}

SessionData readUnlocked(const std::string& path, const SessionLoadOptions& options) {
    try {
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

}  // namespace

void requireReadableInChild(const std::string& path, ChecksumState state, bool readerErrorsAllowed) {
    // HDF5 1.10 can crash on a damaged file (see file_checksum.h); without a
    // checksum to vouch for this one, a child process reads it first.
    SessionLoadOptions listOnly;
    listOnly.gramMatrices = false;
    const ChildOutcome outcome = runInChild([&] { readUnlocked(path, listOnly); }, 120);
    switch (outcome.kind) {
        case ChildOutcome::Kind::Finished:
            return;
        case ChildOutcome::Kind::Threw:
            if (readerErrorsAllowed) return;
            throw FormatError(path, outcome.message.rfind(path + ": ", 0) == 0
                                        ? outcome.message.substr(path.size() + 2)
                                        : outcome.message);
        case ChildOutcome::Kind::Crashed:
            throw FormatError(path, std::string("damaged session: HDF5 crashed reading it (") +
                                        outcome.message + "), and no checksum could vouch for the file (" +
                                        whyUnverified(state) + "); it was not opened");
        case ChildOutcome::Kind::TimedOut:
            throw FormatError(path, std::string("damaged session: HDF5 did not finish reading it within two "
                                                "minutes (") +
                                        whyUnverified(state) + "); it was not opened");
    }
}

void SessionFile::save(const std::string& path, const SessionData& data, const SessionSaveOptions& options) {
    session::validate(data);         // before anything touches the disk
    const SessionLock writer(path);  // refused while another process writes it
    auto lock = h5::lockLibrary();
    const std::string now = utcNowIso8601();
    std::string created = data.provenance.created.empty() ? createdOfExisting(path) : data.provenance.created;
    if (created.empty()) created = now;
    // Built in memory, then written by writeFileAtomically: a full disk is a
    // StorageError that names the folder, never a failing write inside HDF5
    // (see hdf5_image.h).
    std::string bytes;
    try {
        h5::FileImage image =
            h5::FileImage::create(kSessionUserBlockBytes);  // the user block holds the checksum
        session::writeAll(image.file(), data, options, now, created);
        bytes = image.finish();
    } catch (const H5::Exception& e) {
        throw InputError("cannot write session '" + path + "': " + h5::describe(e));
    } catch (const h5::LayoutError& e) {
        throw InputError("cannot write session '" + path + "': " + e.what());
    }
    sealSessionImage(bytes);
    writeFileAtomically(path, bytes);
}

SessionData SessionFile::load(const std::string& path, const SessionLoadOptions& options) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("session file '" + path + "' does not exist or is not a file");
    auto lock = h5::lockLibrary();
    if (H5Fis_hdf5(path.c_str()) <= 0)
        throw FormatError(path,
                          "not an HDF5 file (no HDF5 signature): it is not a Sieve session or is damaged");
    const ChecksumState checksum = verifySessionChecksum(path);
    if (options.verifyChecksum && checksum == ChecksumState::Mismatch)
        throw FormatError(path,
                          "checksum mismatch: the file is damaged (truncated or overwritten) or was "
                          "changed outside Sieve Workbench; it was not opened");
    if (checksum != ChecksumState::Valid) requireReadableInChild(path, checksum);
    return readUnlocked(path, options);
}

void SessionFile::reseal(const std::string& path) {
    auto lock = h5::lockLibrary();
    if (H5Fis_hdf5(path.c_str()) <= 0) throw FormatError(path, "not an HDF5 file");
    const ChecksumState state = verifySessionChecksum(path);
    if (state == ChecksumState::Absent) throw FormatError(path, "has no Sieve user block to hold a checksum");
    // A checksum vouches for a file from then on: never for one that crashes
    // HDF5 (one the reader refuses, e.g. a newer format version, is sealed:
    // loading it then says why).
    if (state != ChecksumState::Valid) requireReadableInChild(path, state, /*readerErrorsAllowed=*/true);
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
