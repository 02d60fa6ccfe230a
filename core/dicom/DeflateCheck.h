#pragma once
/// \file DeflateCheck.h
/// INTERNAL to ks_dicom (uses zlib, as DCMTK does): a "Deflated Explicit VR Little Endian" file is
/// inflated by DCMTK into memory as a whole, so 1.5 MB of zeros can become gigabytes before any
/// header value can be checked. This measures the inflated size first, in a fixed buffer.

#include <cstdint>
#include <string>

namespace ks::dicom::detail {

/// The transfer syntax UID from the Part 10 meta header of `path` and the byte offset where the
/// data set starts; false when the file has no readable meta header. Reads at most the meta header.
bool readMetaHeader(const std::string& path, std::string& transferSyntaxUid, std::uint64_t& datasetOffset);

/// When `path` uses a deflated transfer syntax: inflates its data set without keeping it and
/// \throws ks::Error (Unsupported) when it expands to more than `maxBytes`, or to more than 64 MiB
/// at over 256 times the compressed bytes read so far (a bomb, refused within a fraction of a
/// second). A damaged stream is left for DCMTK to report. Does nothing for other files.
/// `name` names the file in messages.
void checkInflatedSize(const std::string& path, const std::string& name, std::uint64_t maxBytes);

/// The bound used by the loaders: ImageLimits::current().maxFileBytes plus 64 MiB for attributes.
std::uint64_t inflatedSizeLimit();

} // namespace ks::dicom::detail
