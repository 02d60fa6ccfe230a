#pragma once
/// \file CharacterSet.h
/// INTERNAL to ks_dicom (includes DCMTK): every DICOM string KidneyScope shows or exports is
/// UTF-8. Data sets are converted right after loading, according to Specific Character Set
/// (0008,0005), nested items' own character sets included; what cannot be converted is decoded
/// as Latin-1 (ISO_IR 100) or has each invalid byte replaced by U+FFFD, so that no raw bytes ever
/// reach JSON, CSV or the screen.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <string>
#include <string_view>

namespace ks::dicom::detail {

/// Converts all values affected by Specific Character Set (PN, LO, SH, ST, LT, UC, UT) of
/// `dataset` to UTF-8 in place and sets Specific Character Set to "ISO_IR 192" where it was
/// another one. Uses DCMTK's converter (iconv) where available, else the fallback below.
/// Never throws for bad bytes. Not thread-safe on `dataset`.
void convertToUtf8(DcmItem& dataset);

/// `bytes` as UTF-8 without DCMTK: ISO_IR 100 (Latin-1) decoded, ISO_IR 192/ASCII kept; for any
/// character set, bytes that are not valid UTF-8 afterwards become U+FFFD.
std::string fallbackToUtf8(std::string_view bytes, const std::string& specificCharacterSet);

/// Valid UTF-8 unchanged; every byte of an invalid sequence replaced by U+FFFD.
std::string sanitizeUtf8(std::string_view bytes);

/// The longest prefix of UTF-8 text `s` of at most `maxBytes` bytes that ends on a character boundary.
std::string utf8Prefix(const std::string& s, size_t maxBytes);

} // namespace ks::dicom::detail
