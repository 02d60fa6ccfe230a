#include "ImageLimits.h"

#include "Error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <mutex>

namespace ks {

namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

/// a × b, saturating at 2^64 - 1 (header values are untrusted: 65535² × 2^31 frames overflows).
std::uint64_t mul(std::uint64_t a, std::uint64_t b)
{
    if (a != 0 && b > kMax / a)
        return kMax;
    return a * b;
}

std::string mib(std::uint64_t bytes)
{
    char buf[48];
    if (bytes == kMax)
        std::snprintf(buf, sizeof buf, "more than 16 EiB");
    else if (bytes >= (1ull << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(1ull << 30));
    else
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(1ull << 20));
    return buf;
}

std::string mpix(std::uint64_t pixels)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.1f Mpixel", double(pixels) / double(1ull << 20));
    return buf;
}

/// A positive number from the environment, or 0 when unset or not a positive number.
double envNumber(const char* name)
{
    const char* v = std::getenv(name);
    if (v == nullptr || *v == '\0')
        return 0;
    char* end = nullptr;
    const double d = std::strtod(v, &end);
    if (end == v || *end != '\0' || !std::isfinite(d) || d <= 0)
        return 0;
    return d;
}

ImageLimits fromEnvironment()
{
    ImageLimits l;
    if (const double mb = envNumber("KS_MAX_DECODED_MB"); mb >= 1 && mb <= 1048576)
        l = l.withMaxDecodedMb(mb);
    if (const double mp = envNumber("KS_MAX_FRAME_MPIXELS"); mp > 0 && mp <= 1048576)
        l.maxFramePixels = std::uint64_t(mp * double(1ull << 20));
    return l;
}

std::mutex& limitsMutex()
{
    static std::mutex m;
    return m;
}

ImageLimits& limitsStorage()
{
    static ImageLimits limits = fromEnvironment();
    return limits;
}

} // namespace

std::string ImageLimits::howToRaise()
{
    return "If the image is genuine, raise the limit: environment variable KS_MAX_DECODED_MB=N (MiB per file) "
           "and KS_MAX_FRAME_MPIXELS=N (Mpixel per frame), or --max-decoded-mb N for kidneyscope-cli info and "
           "bench-io; otherwise the file is damaged or made to exhaust memory";
}

ImageLimits ImageLimits::current()
{
    std::lock_guard<std::mutex> lock(limitsMutex());
    return limitsStorage();
}

void ImageLimits::setCurrent(const ImageLimits& limits)
{
    std::lock_guard<std::mutex> lock(limitsMutex());
    limitsStorage() = limits;
}

ImageLimits ImageLimits::withMaxDecodedMb(double mb) const
{
    if (!(mb >= 1 && mb <= 1048576))
        throw Error("The decoded-size limit must be between 1 and 1048576 MiB (got " + std::to_string(mb) + ")",
                    "Give the limit in MiB, e.g. --max-decoded-mb 4096");
    ImageLimits l = *this;
    l.maxFileBytes = std::uint64_t(mb * double(1ull << 20));
    l.maxFrameBytes = l.maxFileBytes;
    l.maxFramePixels = std::max(l.maxFramePixels, l.maxFileBytes);
    return l;
}

void ImageLimits::check(const std::string& what, std::uint64_t width, std::uint64_t height,
                        std::uint64_t bitsPerPixel, std::uint64_t frames) const
{
    if (frames > maxFrames)
        throw Error(what + " declares " + std::to_string(frames) + " frames, more than KidneyScope decodes per file ("
                        + std::to_string(maxFrames) + ")",
                    "The file is damaged or made to exhaust memory; split the series if it is genuine",
                    Error::Kind::Unsupported);
    const std::uint64_t pixels = mul(width, height);
    const std::string size = std::to_string(width) + " × " + std::to_string(height);
    if (pixels > maxFramePixels)
        throw Error(what + " declares frames of " + size + " pixels (" + mpix(pixels)
                        + "), more than KidneyScope decodes per frame (" + mpix(maxFramePixels) + ")",
                    howToRaise(), Error::Kind::Unsupported);
    const std::uint64_t bits = mul(pixels, bitsPerPixel);
    const std::uint64_t frameBytes = bits == kMax ? kMax : (bits + 7) / 8;
    if (frameBytes > maxFrameBytes)
        throw Error(what + " declares frames of " + size + " pixels at " + std::to_string(bitsPerPixel)
                        + " bits each (" + mib(frameBytes) + " per frame), more than KidneyScope decodes per frame ("
                        + mib(maxFrameBytes) + ")",
                    howToRaise(), Error::Kind::Unsupported);
    const std::uint64_t total = mul(frameBytes, frames);
    if (total > maxFileBytes)
        throw Error(what + " declares " + std::to_string(frames) + " frames of " + size + " pixels ("
                        + mib(total) + " decoded), more than KidneyScope decodes per file (" + mib(maxFileBytes) + ")",
                    howToRaise(), Error::Kind::Unsupported);
}

} // namespace ks
