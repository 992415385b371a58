#pragma once
// One chromosome scored example by example, next to the dense model: what
// the window's playground shows when a student changes a matrix's level
// (which examples flipped, which fail, per skill tag). The engine fills it
// (Engine::evaluateExamples); torch-free and Qt-free like every result.
#include <string>
#include <vector>

namespace sieve {

// Which part of the evaluation split an example belongs to.
enum class ExampleSplit { Search = 0, HeldOut = 1 };

// One example as the dense and the pruned model answered it. (Not
// ExampleOutcome, core/task/task_scorer.h: that is one model's score of an
// example while a scorer runs.)
struct ExampleComparison {
    ExampleSplit split = ExampleSplit::Search;
    int index = 0;  // in its split (search or held-out examples)
    int line = 0;   // in the task file
    std::string tag;
    std::string prompt;     // as written in the task file (without any few-shot prefix)
    std::string reference;  // the expected answer (the first one; the right choice)
    std::string denseAnswer;
    std::string prunedAnswer;
    double denseScore = 0;   // the task metric of this example alone
    double prunedScore = 0;  // (1/0 for exact match and choices)
    bool denseCorrect = false;
    bool prunedCorrect = false;

    // Correct with one model and not with the other.
    bool flipped() const { return denseCorrect != prunedCorrect; }
};

struct ChromosomeEvaluation {
    std::string method;          // the projection method that pruned the matrices
    std::vector<int> genes;      // grid index per matrix
    std::vector<double> grid;    // what the genes index
    double removedFraction = 0;  // of the prunable parameters
    double eps = 0;              // the settings' accepted loss, for the threshold
    // Task metric on the search examples (what the searches optimise) and on
    // the held-out examples (seen by no search), pruned and dense.
    double searchAccuracy = 0;
    double denseSearchAccuracy = 0;
    double heldOutAccuracy = 0;
    double denseHeldOutAccuracy = 0;
    int searchExamples = 0;
    int heldOutExamples = 0;
    std::vector<ExampleComparison> examples;  // search examples first, then held-out
    double seconds = 0;                       // the pruned evaluation's wall time
};

}  // namespace sieve
