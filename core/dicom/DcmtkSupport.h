#pragma once
/// \file DcmtkSupport.h
/// INTERNAL to ks_dicom (includes DCMTK): codec registration, OFCondition → ks::Error,
/// and small attribute readers. Never include from outside core/dicom.

#include "common/Error.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dctk.h>

#include <optional>
#include <string>

namespace ks::dicom::detail {

/// Registers the RLE, JPEG and JPEG-LS decoders and quiets DCMTK's console logger, exactly
/// once per process. Thread-safe (function-local static); call before any decoding.
void ensureCodecsRegistered();

/// Throws ks::Error(kind) "what: condition text" when `cond` is bad.
void check(const OFCondition& cond, const std::string& what, const std::string& hint = {},
           Error::Kind kind = Error::Kind::InvalidInput);

/// To be called inside a catch block around DCMTK work on untrusted data: rethrows ks::Error (and
/// Cancelled) as they are, std::bad_alloc as an Io error saying memory ran out, and anything else
/// (DCMTK 3.6.7 throws e.g. std::out_of_range from DcmByteString::verify on some damaged strings) as
/// "NAME is malformed", never with the library's own text.
[[noreturn]] void rethrowAsError(const std::string& name);

/// Value `index` of a string attribute, trimmed, as valid UTF-8 (bytes that are not UTF-8 become
/// U+FFFD; convert the data set with convertToUtf8() first); empty when absent.
std::string getString(DcmItem& item, const DcmTagKey& key, unsigned long index = 0);
/// Integer value of an attribute (US, UL, IS, SS, SL...), or nullopt when absent/unparsable.
std::optional<long> getInt(DcmItem& item, const DcmTagKey& key, unsigned long index = 0);
/// Floating value of an attribute (FD, FL, DS, IS), or nullopt when absent/unparsable.
std::optional<double> getDouble(DcmItem& item, const DcmTagKey& key, unsigned long index = 0);

/// Human-readable name of a transfer syntax UID ("RLE Lossless"), or the UID itself.
std::string transferSyntaxName(const std::string& uid);
/// True for the JPEG 2000 family (Part 1, Part 2 and HTJ2K).
bool isJpeg2000(const std::string& transferSyntaxUid);

} // namespace ks::dicom::detail
