#pragma once
/// \file Verdict.h
/// Judges one CLI run on a mutant against the trust bar: no crash (signal), no hang (killed at
/// the time limit), peak RSS under the limit, and either exit 0 with a real result or a non-zero
/// exit with a human message on stderr (not "terminate called", not a raw library exception,
/// not "unexpected error"). Stateless; thread-safe.

#include "ChildRunner.h"

#include <string>

namespace ks::fuzz {

enum class Outcome {
    Accepted,          ///< exit 0, a result
    Refused,           ///< non-zero exit with a clear message
    Crash,             ///< a signal
    Hang,              ///< over the time limit
    Memory,            ///< peak RSS over the limit, or an allocation refused by the address-space cap
    UnclearMessage,    ///< non-zero exit with an empty or raw message
    SilentFailure,     ///< exit 0 although the input could not be read ("decode: FAILED", nothing found)
    RunnerError,       ///< the child could not be started (exec failed, no output files): nothing was tested
};

const char* outcomeName(Outcome o);
bool isFailure(Outcome o);

struct Verdict
{
    Outcome outcome = Outcome::Accepted;
    std::string detail;   ///< the offending line or reason
};

/// \param singleFileInfo the run was `info FILE` on one non-DICOMDIR file: exit 0 must mean it decoded
Verdict judge(const ChildResult& r, const std::string& out, const std::string& err, bool singleFileInfo,
              long maxRssKb);

} // namespace ks::fuzz
