#pragma once
/// \file Utf8Text.h
/// Making text valid UTF-8 for files we write (CSV, COCO JSON): DICOM text in ISO_IR 100 and
/// other 8-bit sets may reach the store undecoded, and a byte that is not part of a valid UTF-8
/// sequence is read as Latin-1 (ISO 8859-1) and re-encoded, so "M\xfcller" becomes "Müller"
/// instead of an invalid file.

#include <string>
#include <string_view>

namespace ks::annotation {

/// `text` unchanged when it is valid UTF-8 (no overlong forms, no surrogates, ≤ U+10FFFF),
/// else with each offending byte replaced by its Latin-1 character in UTF-8. Thread-safe.
std::string validUtf8(std::string_view text);

/// True when `text` is valid UTF-8 by the rules above.
bool isValidUtf8(std::string_view text);

} // namespace ks::annotation
