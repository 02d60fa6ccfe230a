#include "CharacterSet.h"

#include <dcmtk/dcmdata/dcspchrs.h>

namespace ks::dicom::detail {

namespace {

/// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid (overlong
/// forms, surrogates and code points above U+10FFFF included).
size_t validSequence(std::string_view s, size_t i)
{
    const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = b(i);
    if (c < 0x80)
        return 1;
    size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0)
            lo = 0xA0;
        if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0)
            lo = 0x90;
        if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (i + n > s.size())
        return 0;
    if (b(i + 1) < lo || b(i + 1) > hi)
        return 0;
    for (size_t k = 2; k < n; ++k)
        if (b(i + k) < 0x80 || b(i + k) > 0xBF)
            return 0;
    return n;
}

std::string trimmed(const std::string& s)
{
    const auto first = s.find_first_not_of(' ');
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(' ') - first + 1);
}

bool isLatin1(const std::string& charset)
{
    return charset == "ISO_IR 100" || charset == "ISO 2022 IR 100";
}

/// True for character sets whose bytes are already UTF-8 (or 7-bit ASCII).
bool isUtf8OrAscii(const std::string& charset)
{
    return charset.empty() || charset == "ISO_IR 192" || charset == "ISO_IR 6" || charset == "ISO 2022 IR 6";
}

/// Specific Character Set of `item` itself (all values, backslash-separated); false when absent.
bool ownCharset(DcmItem& item, std::string& charset)
{
    OFString v;
    if (item.findAndGetOFStringArray(DCM_SpecificCharacterSet, v, OFFalse).bad())
        return false;
    charset = trimmed(v.c_str());
    return true;
}

void convertItem(DcmItem& item, const std::string& inherited, int depth)
{
    if (depth > 64)
        return; // deeper nesting is not shown anyway
    std::string charset = inherited;
    const bool own = ownCharset(item, charset);
    const bool needed = !isUtf8OrAscii(charset);
    DcmSpecificCharacterSet converter;
    const bool converterOk = needed && DcmSpecificCharacterSet::isConversionAvailable()
                             && converter.selectCharacterSet(charset.c_str()).good();
    for (unsigned long i = 0; i < item.card(); ++i) {
        DcmElement* e = item.getElement(i);
        if (e == nullptr)
            continue;
        if (e->ident() == EVR_SQ) {
            auto* sq = static_cast<DcmSequenceOfItems*>(e);
            for (unsigned long k = 0; k < sq->card(); ++k)
                if (DcmItem* child = sq->getItem(k))
                    convertItem(*child, charset, depth + 1);
            continue;
        }
        if (!needed || e->getTag() == DCM_SpecificCharacterSet || !e->isAffectedBySpecificCharacterSet())
            continue;
        if (converterOk && e->convertCharacterSet(converter).good())
            continue;
        char* raw = nullptr;
        Uint32 length = 0;
        if (e->getString(raw, length).bad() || raw == nullptr)
            continue;
        const std::string fixed = fallbackToUtf8(std::string_view(raw, length), charset);
        e->putString(fixed.c_str(), Uint32(fixed.size()));
    }
    if (own && needed)
        item.putAndInsertString(DCM_SpecificCharacterSet, "ISO_IR 192");
}

} // namespace

void convertToUtf8(DcmItem& dataset)
{
    convertItem(dataset, std::string(), 0);
}

std::string sanitizeUtf8(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        const size_t n = validSequence(s, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD"; // U+FFFD REPLACEMENT CHARACTER
            ++i;
        } else {
            out.append(s.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::string fallbackToUtf8(std::string_view bytes, const std::string& specificCharacterSet)
{
    if (!isLatin1(trimmed(specificCharacterSet)))
        return sanitizeUtf8(bytes);
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x80) {
            out += ch;
        } else {
            out += char(0xC0 | (c >> 6));
            out += char(0x80 | (c & 0x3F));
        }
    }
    return out;
}

std::string utf8Prefix(const std::string& s, size_t maxBytes)
{
    if (s.size() <= maxBytes)
        return s;
    size_t end = maxBytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end; // s[end] is a continuation byte: cut before its lead byte
    return s.substr(0, end);
}

} // namespace ks::dicom::detail
