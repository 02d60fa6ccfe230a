#include "DcmtkSupport.h"

#include "CharacterSet.h"

#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>

#include <cstdlib>
#include <new>

namespace ks::dicom::detail {

void ensureCodecsRegistered()
{
    static const bool registered = [] {
        // DCMTK warns on stderr about every oddity; our errors carry the message instead.
        OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
        DcmRLEDecoderRegistration::registerCodecs();
        // Colour JPEG is converted to RGB during decompression (PhotometricInterpretation updated).
        DJDecoderRegistration::registerCodecs(EDC_photometricInterpretation);
        DJLSDecoderRegistration::registerCodecs();
        return true;
    }();
    (void)registered;
}

void check(const OFCondition& cond, const std::string& what, const std::string& hint, Error::Kind kind)
{
    if (cond.bad())
        throw Error(what + ": " + cond.text(), hint, kind);
}

void rethrowAsError(const std::string& name)
{
    try {
        throw;
    } catch (const Error&) {
        throw;
    } catch (const std::bad_alloc&) {
        throw Error("Not enough memory to read " + name,
                    "Close other programs, or lower the decoded-size limit (KS_MAX_DECODED_MB, --max-decoded-mb) "
                    "so that such files are refused up front",
                    Error::Kind::Io);
    } catch (...) {
        throw Error(name + " is malformed: the DICOM library stopped while reading it",
                    "The file is damaged; copy it again from the source");
    }
}

std::string getString(DcmItem& item, const DcmTagKey& key, unsigned long index)
{
    OFString value;
    if (item.findAndGetOFString(key, value, index).bad())
        return {};
    std::string s(value.c_str());
    const auto first = s.find_first_not_of(" \0", 0, 2);
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" \0", std::string::npos, 2);
    return sanitizeUtf8(std::string_view(s).substr(first, last - first + 1));
}

std::optional<long> getInt(DcmItem& item, const DcmTagKey& key, unsigned long index)
{
    const auto d = getDouble(item, key, index);
    if (!d)
        return std::nullopt;
    return static_cast<long>(*d);
}

std::optional<double> getDouble(DcmItem& item, const DcmTagKey& key, unsigned long index)
{
    DcmElement* element = nullptr;
    if (item.findAndGetElement(key, element).bad() || element == nullptr || element->getVM() <= index)
        return std::nullopt;
    switch (element->ident()) {
    case EVR_FD: { Float64 v; if (element->getFloat64(v, index).good()) return v; break; }
    case EVR_FL: { Float32 v; if (element->getFloat32(v, index).good()) return v; break; }
    case EVR_US: { Uint16 v; if (element->getUint16(v, index).good()) return v; break; }
    case EVR_SS: { Sint16 v; if (element->getSint16(v, index).good()) return v; break; }
    case EVR_UL: { Uint32 v; if (element->getUint32(v, index).good()) return v; break; }
    case EVR_SL: { Sint32 v; if (element->getSint32(v, index).good()) return v; break; }
    default: {
        OFString s;
        if (element->getOFString(s, index).good()) {
            char* end = nullptr;
            const double v = std::strtod(s.c_str(), &end);
            if (end != s.c_str())
                return v;
        }
        break;
    }
    }
    return std::nullopt;
}

std::string transferSyntaxName(const std::string& uid)
{
    const DcmXfer xfer(uid.c_str());
    if (xfer.getXfer() == EXS_Unknown) {
        const char* name = dcmFindNameOfUID(uid.c_str());
        return name ? name : uid;
    }
    return xfer.getXferName();
}

bool isJpeg2000(const std::string& uid)
{
    for (const char* j2k : {"1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.91", "1.2.840.10008.1.2.4.92",
                            "1.2.840.10008.1.2.4.93", "1.2.840.10008.1.2.4.201", "1.2.840.10008.1.2.4.202",
                            "1.2.840.10008.1.2.4.203"})
        if (uid == j2k)
            return true;
    return false;
}

} // namespace ks::dicom::detail
