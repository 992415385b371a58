#include "app/cli/progress_printer.h"

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <variant>

namespace sieve::cli {

std::string formatDuration(double seconds) {
    if (seconds < 0) return "--:--";
    const long s = std::lround(seconds);
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
    else
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
    return buf;
}

ProgressPrinter::ProgressPrinter(bool quiet, FILE* out)
    : quiet_(quiet), tty_(isatty(fileno(out)) != 0), out_(out) {}

ProgressPrinter::~ProgressPrinter() {
    finishLine();
}

void ProgressPrinter::finishLine() {
    if (barShown_) {
        std::fputc('\n', out_);
        std::fflush(out_);
        barShown_ = false;
    }
}

void ProgressPrinter::message(const std::string& line) {
    if (quiet_) return;
    if (barShown_) std::fputs("\r\033[K", out_);
    barShown_ = false;
    std::fprintf(out_, "%s\n", line.c_str());
    std::fflush(out_);
}

void ProgressPrinter::onProgress(const Progress& p) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const bool newPhase = p.phase != lastPhase_;
    const bool last = p.total > 0 && p.done >= p.total;
    if (newPhase) {
        finishLine();
        lastPhase_ = p.phase;
        lastPercentLogged_ = -1;
    }
    const double rate = p.elapsedSeconds > 0 ? double(p.done) / p.elapsedSeconds : 0.0;
    if (tty_) {
        // Redraw at most 10 times a second, but always the first and last state.
        if (!newPhase && !last && now - lastDraw_ < std::chrono::milliseconds(100)) return;
        lastDraw_ = now;
        const int width = 24;
        const double frac = p.total > 0 ? std::min(1.0, double(p.done) / double(p.total)) : 0.0;
        const int filled = static_cast<int>(frac * width);
        std::string bar = std::string(filled, '#') + std::string(width - filled, '-');
        std::fprintf(out_, "\r\033[K%-16s [%s] %lld/%lld  %.2f/s  ETA %s  %s", p.phase.c_str(), bar.c_str(),
                     static_cast<long long>(p.done), static_cast<long long>(p.total), rate,
                     formatDuration(p.etaSeconds).c_str(), p.detail.c_str());
        barShown_ = true;
        if (last) finishLine();
        std::fflush(out_);
        return;
    }
    // Not a terminal: one line per step, or per 5 % on long phases.
    const int percent = p.total > 0 ? static_cast<int>(100.0 * double(p.done) / double(p.total)) : -1;
    if (p.total > 40 && !newPhase && !last && percent / 5 == lastPercentLogged_ / 5) return;
    lastPercentLogged_ = percent;
    std::fprintf(out_, "[%s] %lld/%lld %.2f/s ETA %s %s\n", p.phase.c_str(), static_cast<long long>(p.done),
                 static_cast<long long>(p.total), rate, formatDuration(p.etaSeconds).c_str(),
                 p.detail.c_str());
    std::fflush(out_);
}

void ProgressPrinter::onEvent(const JobEvent& e) {
    if (const auto* log = std::get_if<LogEvent>(&e)) {
        // Warnings reach stderr even with --quiet: they say a result is not what was asked for.
        if (log->text.rfind("warning: ", 0) == 0) {
            if (barShown_) std::fputs("\r\033[K", out_);
            barShown_ = false;
            std::fprintf(stderr, "%s\n", log->text.c_str());
        } else {
            message(log->text);
        }
    } else if (const auto* g = std::get_if<GenerationEvent>(&e)) {
        char line[200];
        std::snprintf(line, sizeof line,
                      "  generation %d: best %.4f (removed %.1f %%, acc %.4f), mean %.4f, feasible %.0f %%",
                      g->generation.index, g->generation.bestFitness,
                      100 * g->generation.best.removedFraction, g->generation.best.accuracy,
                      g->generation.meanFitness, 100 * g->generation.feasibleFraction);
        message(line);
    } else if (const auto* u = std::get_if<UniformPointEvent>(&e)) {
        char line[160];
        std::snprintf(line, sizeof line, "  %s%s level %.2f: accuracy %.4f, removed %.1f %%",
                      u->method.c_str(), u->int8Factors ? " (8-bit factors)" : "", u->point.level,
                      u->point.accuracy, 100 * u->point.paramsRemovedFraction);
        message(line);
    }
}

}  // namespace sieve::cli
