#pragma once
/// \file RasterHeader.h
/// INTERNAL to ks_dicom: the size of a PNG, JPEG, TIFF or BMP image read from its header only
/// (PNG IHDR, JPEG SOF marker, every TIFF IFD, BMP info header), so that a limit can be checked
/// before OpenCV allocates the decoded image. Reads are bounded by the file size; never decodes.

#include <cstdint>
#include <string>
#include <vector>

namespace ks::dicom::detail {

/// One page (TIFF) or the image (other formats), as the decoder will deliver it.
struct RasterPage
{
    std::uint64_t width = 0;
    std::uint64_t height = 0;
    std::uint64_t bitsPerPixel = 0; ///< all samples of one decoded pixel (upper bound)
};

struct RasterHeader
{
    std::string format; ///< "PNG", "JPEG", "TIFF", "BMP"; empty when the signature is none of them
    std::vector<RasterPage> pages; ///< empty when the header is damaged
};

/// Identifies the format by its signature (not the extension) and reads the size(s). Thread-safe.
/// A TIFF with more than `maxPages` pages or IFDs pointing outside the file gives `pages` empty.
RasterHeader readRasterHeader(const std::string& path, std::size_t maxPages = 10000);

} // namespace ks::dicom::detail
