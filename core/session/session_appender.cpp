#include "core/session/session_appender.h"

#include <filesystem>
#include <fstream>
#include <iterator>

#include "core/common/error.h"
#include "core/session/atomic_file.h"
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

std::string readSessionBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open session '" + path + "'");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw InputError("cannot read session '" + path + "'");
    return bytes;
}

GaSettings readSettings(const H5::Group& root) {
    H5::Group s = h5::openGroup(h5::openGroup(root, session::kGa), "settings");
    GaSettings settings;
    settings.population = int(h5::intAttr(s, "population"));
    return settings;  // appending needs only the population size
}

}  // namespace

SessionAppender::SessionAppender(std::string path) : path_(std::move(path)) {
    auto lock = h5::lockLibrary();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path_, ec))
        throw InputError("session file '" + path_ +
                         "' does not exist; save the session before autosaving to it");
    try {
        if (H5Fis_hdf5(path_.c_str()) <= 0) throw FormatError(path_, "not an HDF5 file");
        const ChecksumState checksum = verifySessionChecksum(path_);
        if (checksum == ChecksumState::Mismatch)
            throw FormatError(
                path_, "checksum mismatch: the file is damaged or was changed outside Sieve Workbench");
        if (checksum != ChecksumState::Valid) requireReadableInChild(path_, checksum);
        H5::H5File file(path_, H5F_ACC_RDONLY);
        session::checkHeader(file.openGroup("/"), path_);
        const int64_t version = h5::intAttr(file.openGroup("/"), "format_version");
        if (version != 1)
            throw FormatError(path_,
                              "cannot append to a session of format version " + std::to_string(version));
    } catch (const H5::Exception& e) {
        throw FormatError(path_, "cannot open the session to append to it: " + h5::describe(e));
    } catch (const h5::LayoutError& e) {
        throw FormatError(path_, std::string("damaged session: ") + e.what());
    }
}

template <typename Change>
void SessionAppender::change(const std::string& what, Change&& apply) {
    const SessionLock writer(path_);  // refused while another process writes it
    auto lock = h5::lockLibrary();
    try {
        // Read the file, change it in memory, seal it, write it next to the
        // original and rename it over it (hdf5_image.h says why in memory).
        std::string bytes = readSessionBytes(path_);
        if (verifySessionImage(bytes) == ChecksumState::Mismatch)
            throw FormatError(path_,
                              "checksum mismatch: the file was damaged or changed outside Sieve Workbench "
                              "while the search ran; it was left as it is");
        {
            h5::FileImage image = h5::FileImage::open(bytes);
            H5::Group root = image.file().openGroup("/");
            apply(root);
            session::setModified(root, utcNowIso8601());
            root.close();
            bytes = image.finish();
        }
        sealSessionImage(bytes);
        writeFileAtomically(path_, bytes);
    } catch (const H5::Exception& e) {
        throw InputError("cannot " + what + " in session '" + path_ + "': " + h5::describe(e));
    } catch (const h5::LayoutError& e) {
        throw FormatError(path_, std::string("damaged session: ") + e.what());
    } catch (const std::filesystem::filesystem_error& e) {
        throw InputError("cannot " + what + " in session '" + path_ + "': " + e.what());
    }
}

void SessionAppender::beginGa(const std::string& method, const GaSettings& settings,
                              const std::string& resumeKey) {
    if (settings.population < 1) throw InputError("GA population must be at least 1");
    change("start the GA", [&](const H5::Group& root) {
        session::createGa(root, method, settings, resumeKey);
        h5::setAttr(root, "default", session::kGa);
    });
}

void SessionAppender::appendGeneration(const Generation& generation, const std::string& rngState) {
    change("append GA generation " + std::to_string(generation.index), [&](const H5::Group& root) {
        const session::GaContext context = session::readGaContext(root);
        session::validateGeneration(context, readSettings(root), generation);
        session::appendGeneration(root, context, generation, rngState);
    });
}

void SessionAppender::finishGa(const GaResult& result, const std::optional<LevelStatistics>& statistics) {
    change("finish the GA", [&](const H5::Group& root) {
        const session::GaContext context = session::readGaContext(root);
        const size_t m = context.matrices.size();
        if (!result.best.genes.empty())
            session::validateChromosome("GA best", result.best.genes, m, context.levelGrid.size());
        if (statistics && (statistics->meanLevel.size() != m || statistics->minLevel.size() != m))
            throw InputError("GA level statistics: expected " + std::to_string(m) + " values per statistic");
        session::finishGa(root, context, result, true, statistics);
    });
}

}  // namespace sieve
