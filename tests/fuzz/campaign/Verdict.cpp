#include "Verdict.h"

#include <csignal>
#include <cstring>

namespace ks::fuzz {

const char* outcomeName(Outcome o)
{
    switch (o) {
    case Outcome::Accepted: return "accepted (exit 0)";
    case Outcome::Refused: return "refused with a message";
    case Outcome::Crash: return "CRASH";
    case Outcome::Hang: return "HANG";
    case Outcome::Memory: return "MEMORY";
    case Outcome::UnclearMessage: return "UNCLEAR MESSAGE";
    case Outcome::SilentFailure: return "EXIT 0 ON UNREADABLE INPUT";
    case Outcome::RunnerError: return "RUNNER ERROR";
    }
    return "?";
}

bool isFailure(Outcome o) { return o != Outcome::Accepted && o != Outcome::Refused; }

namespace {

std::string lineWith(const std::string& text, size_t at)
{
    const size_t b = text.rfind('\n', at);
    const size_t e = text.find('\n', at);
    return text.substr(b == std::string::npos ? 0 : b + 1, e == std::string::npos ? std::string::npos : e - (b == std::string::npos ? 0 : b + 1)).substr(0, 300);
}

/// The last non-empty line that is not a progress line.
std::string lastMessage(const std::string& err)
{
    std::string best;
    size_t start = 0;
    while (start < err.size()) {
        size_t end = err.find('\n', start);
        if (end == std::string::npos)
            end = err.size();
        std::string line = err.substr(start, end - start);
        if (const size_t cr = line.rfind('\r'); cr != std::string::npos)
            line = line.substr(cr + 1);
        // Progress lines ("  42%  Scanned ...") are not messages.
        const size_t first = line.find_first_not_of(" \t");
        size_t digits = first;
        while (digits != std::string::npos && digits < line.size() && line[digits] >= '0' && line[digits] <= '9')
            ++digits;
        const bool progress = digits != first && digits < line.size() && line[digits] == '%';
        if (first != std::string::npos && !progress)
            best = line;
        start = end + 1;
    }
    return best.substr(0, 300);
}

} // namespace

Verdict judge(const ChildResult& r, const std::string& out, const std::string& err, bool singleFileInfo,
              long maxRssKb)
{
    if (r.timedOut)
        return {Outcome::Hang, "killed after the time limit (" + std::to_string(r.seconds) + " s)"};
    if (r.signal != 0)
        return {Outcome::Crash, std::string("signal ") + std::to_string(r.signal) + " (" + strsignal(r.signal) + ")"
                                    + (err.empty() ? "" : ": " + lastMessage(err))};
    if (r.maxRssKb > maxRssKb)
        return {Outcome::Memory, "peak RSS " + std::to_string(r.maxRssKb / 1024) + " MB"};
    static const char* const allocation[] = {"bad_alloc", "Cannot allocate memory", "std::length_error",
                                             "Insufficient memory", "Failed to allocate"};
    static const char* const raw[] = {"terminate called", "what():", "unexpected error", "std::", "[json.exception",
                                      "OpenCV(", "cv::Exception", "basic_string", "vector::", "Assertion failed",
                                      "Segmentation fault", "Aborted"};
    if ((r.exitCode == 120 || r.exitCode == 121) && (err.empty() || err.rfind("exec ", 0) == 0))
        return {Outcome::RunnerError, "the child could not start: " + lastMessage(err)};
    if (r.exitCode != 0) {
        for (const char* a : allocation)
            if (const size_t at = err.find(a); at != std::string::npos)
                return {Outcome::Memory, "allocation refused: " + lineWith(err, at)};
        for (const char* m : raw)
            if (const size_t at = err.find(m); at != std::string::npos)
                return {Outcome::UnclearMessage, lineWith(err, at)};
        const std::string msg = lastMessage(err);
        size_t letters = 0;
        for (char c : msg)
            letters += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (letters < 10)
            return {Outcome::UnclearMessage, msg.empty() ? "exit " + std::to_string(r.exitCode) + " with nothing on stderr"
                                                         : "too short: " + msg};
        return {Outcome::Refused, msg};
    }
    if (singleFileInfo) {
        if (const size_t at = out.find("decode: FAILED"); at != std::string::npos)
            return {Outcome::SilentFailure, lineWith(out, at)};
        // An image object whose pixels were not even tried ("no image (image)"), e.g. Rows = 0 or
        // the Pixel Data element lost: as unreadable as a failed decode. (An SR or a waveform saying
        // "no image (structured report)" is a correct answer.)
        if (const size_t at = out.find("decode: no image (image)"); at != std::string::npos)
            return {Outcome::SilentFailure, lineWith(out, at)};
        if (out.find(" 0 instance(s)") != std::string::npos)
            return {Outcome::SilentFailure, lineWith(out, 0)};
    }
    return {Outcome::Accepted, {}};
}

} // namespace ks::fuzz
