#pragma once
// The one list of projection methods. Everything that names a method reads
// it from here: the engine (what to calibrate, how to evaluate), the run
// panel, plot colours and markers, CLI help and validation, sessions.
// Torch-free: the widgets link it without the engine.
//
// Adding a method: one row in method_registry.cpp, plus its implementation
// (a ProjectionMethod in core/projection, named by `factorization`, and its
// constructor in projectionFactory() there). A variant of an existing
// factorization (as sieve-sequential is of sieve) is the row alone.
#include <string>
#include <vector>

namespace sieve {

// How a method's pruned model is built for an evaluation.
enum class MethodEvaluation {
    // One factorization per matrix on the dense model's calibration data;
    // every level is a slice of it (parallel calibration).
    Projected,
    // Block l is factored on the inputs the already pruned blocks before it
    // give, so the factors depend on the levels of earlier blocks.
    Sequential,
};

struct MethodInfo {
    std::string name;               // "sieve": the CLI, sessions and settings use it
    std::string label;              // "LLM-Sieve": legends and check boxes (widgets translate it)
    std::string description;        // one line for tooltips and --help
    std::string factorization;      // the ProjectionMethod that factors the matrices
    bool needsCalibration = false;  // reads the whole-model Gram matrices of the calibration split
    bool structured = true;         // false: saves parameters only as masks (no speed or size gain)
    bool uniformOnly = false;       // no factorization shared by every level: no GA, sensitivity, export
    MethodEvaluation evaluation = MethodEvaluation::Projected;
    std::string color;   // plot colour, "#0072B2" (Okabe-Ito: colour-blind safe, prints in grey)
    std::string marker;  // plot marker: circle, square, triangle, diamond, inverted-triangle, cross-square
};

// Every method, in the order the UI lists them (sieve first).
const std::vector<MethodInfo>& methodRegistry();
// nullptr when `name` is not a method.
const MethodInfo* findMethod(const std::string& name);
// Throws InputError naming the unknown method and the known ones.
const MethodInfo& requireMethod(const std::string& name);
std::vector<std::string> methodNames();
// "sieve, sieve-sequential, ..." for messages and help.
std::string methodNameList();

// The method the genetic search and the sensitivity scan use when the
// settings do not name one: the first of `methods` in registry order that
// has one factorization for every level; "sieve" when none has.
std::string defaultSearchMethod(const std::vector<std::string>& methods);

}  // namespace sieve
