#pragma once
/// \file ObjectKind.h
/// What a DICOM object is, from its SOP Class UID, in words a user understands.

#include <string>

namespace ks::dicom {

/// Classification of a SOP class. Value type; thread-safe.
struct ObjectKind
{
    std::string kind;      ///< "image", "structured report", "waveform", "RT structure set", ...
    std::string className; ///< the SOP class's name ("Comprehensive SR Storage"), or the UID
    bool isImageClass = false; ///< an image storage class (pixel data expected)
};

/// \param sopClassUid the SOP Class UID (may be empty: then "unknown object")
/// \param hasPixelData whether the data set carries (7FE0,0010); decides for unknown classes
ObjectKind classifySopClass(const std::string& sopClassUid, bool hasPixelData);

} // namespace ks::dicom
