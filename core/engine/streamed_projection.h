#pragma once
// Calibration and projection in one layer-streamed pass (core/calibration/
// layer_stream.h): at each block the four Grams are accumulated, the
// block's seven matrices are factored for every data method of the run,
// and the Grams are freed (or kept in host memory when the memory plan
// says they fit, so that a later data method needs no second pass).
// Internal to the engine; tests and benches call it to check the engine's path.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/calibration/calibration_data.h"
#include "core/calibration/layer_stream.h"
#include "core/projection/projection_set.h"

namespace sieve {

struct StreamedProjectionOptions {
    StreamOptions stream;
    std::vector<std::string> methods;  // methods that need calibration (registry names)
    LevelGrid grid;
    // The plan's call: the methods whose factors wait in host memory.
    std::vector<std::string> hostMethods;
    bool keepGrams = false;  // every layer's Grams, in host memory, as a CalibrationData
};

struct StreamedProjection {
    std::vector<std::pair<std::string, ProjectionSet>> sets;  // one per method, in the options' order
    std::optional<CalibrationData> grams;                     // when kept
    StreamStats stats;
};

// Throws as streamLayers and ProjectionSet::factorMatrix do (InputError
// naming the matrix; Cancelled between batches and matrices).
StreamedProjection calibrateAndProject(Model& model, const std::vector<std::vector<int64_t>>& sequences,
                                       const StreamedProjectionOptions& options, JobContext& context);

}  // namespace sieve
