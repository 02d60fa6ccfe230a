#pragma once
/// \file ImageLimits.h
/// Upper bounds on what decoding one image file may allocate, checked from the file's header
/// BEFORE any pixel buffer is allocated (a 91 KB file may declare 32767 × 32767 pixels).
///
/// Defaults (chosen so that a real ultrasound cine loop, CT/MR series frame or photograph loads,
/// while a hostile header is refused within milliseconds):
///  - 64 Mpixel per frame (e.g. 8192 × 8192),
///  - 256 MiB of decoded pixels per frame,
///  - 1 GiB of decoded pixels per file (all frames together).
/// "Decoded pixels" counts the samples as decoded (Rows × Columns × samples × bytes per sample);
/// the decoding pipeline may hold up to about three times that while it converts.
///
/// Overrides, in this order (later wins):
///  - environment KS_MAX_DECODED_MB=N (per file and per frame, MiB; frames may then also hold
///    up to N Mpixel), KS_MAX_FRAME_MPIXELS=N (per frame, Mpixel), read at the first use;
///  - ImageLimits::setCurrent() (--max-decoded-mb N of `kidneyscope-cli info` and `bench-io`).

#include <cstdint>
#include <string>

namespace ks {

/// Value type. current()/setCurrent() are thread-safe.
struct ImageLimits
{
    std::uint64_t maxFramePixels = 64ull << 20;
    std::uint64_t maxFrameBytes = 256ull << 20;
    std::uint64_t maxFileBytes = 1ull << 30;
    std::uint64_t maxFrames = 100000;

    /// The limits the loaders use now: the defaults, adjusted by the environment at the first
    /// call, or what setCurrent() set last.
    static ImageLimits current();
    static void setCurrent(const ImageLimits& limits);

    /// These limits with the per-file and per-frame byte bounds set to `mb` MiB and the per-frame
    /// pixel bound raised to `mb` Mpixel when that is more. \throws ks::Error unless 1 <= mb <= 1048576.
    ImageLimits withMaxDecodedMb(double mb) const;

    /// The hint of every "too large" message: how to raise the limits.
    static std::string howToRaise();

    /// Checks an image of `frames` frames of `width` × `height` pixels with `bitsPerPixel` bits
    /// per decoded pixel (all samples). `what` names the file in the message.
    /// \throws ks::Error (Unsupported) saying which limit the header exceeds and how to raise it
    void check(const std::string& what, std::uint64_t width, std::uint64_t height, std::uint64_t bitsPerPixel,
               std::uint64_t frames) const;
};

} // namespace ks
