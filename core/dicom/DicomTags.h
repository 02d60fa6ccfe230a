#pragma once
/// \file DicomTags.h
/// The attributes of a DICOM file as text rows for a tag panel (ks::TagEntry), nested
/// sequences included with their depth.

#include "common/Image.h"

#include <string>
#include <vector>

namespace ks::dicom {

/// Stateless; thread-safe.
class DicomTags
{
public:
    /// All attributes of the file: meta header (group 0002) first, then the data set. Sequence
    /// items appear as rows named "Item #n" at depth+1, their attributes at depth+2. Binary
    /// values (pixel data, OB/OW/UN) show their length only; long values are shortened to
    /// `maxValueChars` characters followed by "...".
    /// Values are UTF-8 (converted from the file's Specific Character Set; invalid bytes become
    /// U+FFFD). Reads the file without decoding pixels; FIFOs and devices are refused unopened.
    /// \throws ks::Error when the file is missing or not readable as DICOM
    static std::vector<TagEntry> read(const std::string& path, size_t maxValueChars = 256);

private:
    static std::vector<TagEntry> readUnguarded(const std::string& path, size_t maxValueChars);
};

} // namespace ks::dicom
