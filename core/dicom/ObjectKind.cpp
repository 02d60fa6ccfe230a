#include "ObjectKind.h"

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcuid.h>

namespace ks::dicom {

namespace {
bool startsWith(const std::string& s, const char* prefix)
{
    return s.rfind(prefix, 0) == 0;
}
} // namespace

ObjectKind classifySopClass(const std::string& uid, bool hasPixelData)
{
    ObjectKind k;
    const char* name = uid.empty() ? nullptr : dcmFindNameOfUID(uid.c_str());
    k.className = name ? name : (uid.empty() ? "no SOP class" : uid);
    if (uid == UID_MediaStorageDirectoryStorage)
        k.kind = "DICOMDIR (media directory)";
    else if (startsWith(uid, "1.2.840.10008.5.1.4.1.1.88."))
        k.kind = (uid == UID_KeyObjectSelectionDocumentStorage) ? "key object selection" : "structured report";
    else if (startsWith(uid, "1.2.840.10008.5.1.4.1.1.9."))
        k.kind = "waveform";
    else if (uid == UID_RTStructureSetStorage)
        k.kind = "RT structure set";
    else if (uid == UID_RTPlanStorage || uid == UID_RTIonPlanStorage)
        k.kind = "RT plan";
    else if (startsWith(uid, "1.2.840.10008.5.1.4.1.1.481."))
        k.kind = hasPixelData ? "image" : "RT object";
    else if (startsWith(uid, "1.2.840.10008.5.1.4.1.1.11."))
        k.kind = "presentation state";
    else if (startsWith(uid, "1.2.840.10008.5.1.4.1.1.104."))
        k.kind = "encapsulated document";
    else if (uid == UID_RawDataStorage)
        k.kind = "raw data";
    else if (dcmIsaStorageSOPClassUID(uid.c_str(), ESSC_Image) || hasPixelData) {
        k.kind = "image";
        k.isImageClass = true;
    } else
        k.kind = uid.empty() ? "unknown object" : "non-image object";
    if (k.kind == "image")
        k.isImageClass = true;
    return k;
}

} // namespace ks::dicom
