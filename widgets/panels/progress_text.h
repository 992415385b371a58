#pragma once
// The engine names its phases for machines ("ga sieve", "project:input-pca",
// "uniform weight-svd"); the progress panel shows them to people:
// "Genetic search (LLM-Sieve): generation 12 of 60, 24 models each". Counts
// carry their unit; a phase the window does not know is shown as it came.
#include <QString>

#include "core/types/job.h"

namespace sieve::widgets {

struct ProgressText {
    QString phase;       // one readable line: what runs and how far it is
    QString bar;         // the text inside the progress bar ("%p %" style)
    bool known = false;  // false: an unknown phase, shown as the engine named it
};

// `gaPopulation`: models per generation of the running genetic search (the
// engine counts evaluated models; the window knows the population it asked for).
ProgressText describeProgress(const Progress& progress, int gaPopulation);

}  // namespace sieve::widgets
