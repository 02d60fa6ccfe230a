#include "SegmentedPalette.h"

#include "DcmtkSupport.h"

#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmimgle/dipixel.h>

#include <cstring>

namespace ks::dicom::detail {

namespace {

Error lutError(const std::string& what)
{
    return Error("The segmented palette colour lookup table is malformed: " + what,
                 "The file is damaged; re-export it from the scanner with a normal palette or as RGB");
}

void expandInto(const uint16_t* words, size_t count, size_t begin, size_t end, int depth,
                std::vector<uint16_t>& out)
{
    if (depth > 4)
        throw lutError("indirect segments nest too deeply");
    size_t i = begin;
    while (i < end) {
        if (i + 1 >= count)
            throw lutError("a segment header runs past the end of the data");
        const uint16_t opcode = words[i];
        const size_t length = words[i + 1];
        switch (opcode) {
        case 0: // discrete: length values follow
            if (i + 2 + length > count)
                throw lutError("a discrete segment runs past the end of the data");
            out.insert(out.end(), words + i + 2, words + i + 2 + length);
            i += 2 + length;
            break;
        case 1: { // linear: ramp from the previous value to y1 over length entries
            if (out.empty())
                throw lutError("a linear segment has no preceding value");
            if (i + 2 >= count)
                throw lutError("a linear segment runs past the end of the data");
            const double y0 = out.back(), y1 = words[i + 2];
            for (size_t k = 1; k <= length; ++k)
                out.push_back(static_cast<uint16_t>(y0 + (y1 - y0) * double(k) / double(length) + 0.5));
            i += 3;
            break;
        }
        case 2: { // indirect: repeat `length` segments starting at a byte offset
            if (i + 3 >= count)
                throw lutError("an indirect segment runs past the end of the data");
            const size_t offsetBytes = size_t(words[i + 2]) | (size_t(words[i + 3]) << 16);
            size_t j = offsetBytes / 2;
            for (size_t s = 0; s < length; ++s) {
                if (j + 1 >= count)
                    throw lutError("an indirect segment points past the end of the data");
                const size_t segWords = words[j] == 0 ? 2 + words[j + 1] : words[j] == 1 ? 3 : 4;
                expandInto(words, count, j, std::min(count, j + segWords), depth + 1, out);
                j += segWords;
            }
            i += 4;
            break;
        }
        default:
            throw lutError("unknown segment opcode " + std::to_string(opcode));
        }
        if (out.size() > 65536)
            throw lutError("it expands to more than 65536 entries");
    }
}

template <typename T>
void lookUp(const cv::Mat& idx, const std::vector<uint16_t>* lut, long first, int shift, cv::Mat& rgb)
{
    const long n = long(lut[0].size());
    for (int y = 0; y < idx.rows; ++y) {
        const T* s = idx.ptr<T>(y);
        cv::Vec3b* d = rgb.ptr<cv::Vec3b>(y);
        for (int x = 0; x < idx.cols; ++x) {
            const long k = std::clamp(long(s[x]) - first, 0L, n - 1);
            for (int c = 0; c < 3; ++c)
                d[x][c] = static_cast<uint8_t>(std::min(255, lut[c][size_t(k)] >> shift));
        }
    }
}

} // namespace

std::vector<uint16_t> expandSegmentedLut(const uint16_t* words, size_t count, size_t expectedEntries)
{
    std::vector<uint16_t> out;
    out.reserve(expectedEntries);
    expandInto(words, count, 0, count, 0, out);
    if (out.size() != expectedEntries)
        throw lutError("it expands to " + std::to_string(out.size()) + " entries but its descriptor says "
                       + std::to_string(expectedEntries));
    return out;
}

std::vector<cv::Mat> storedSingleSampleFrames(DcmDataset& ds)
{
    const std::string photometric = getString(ds, DCM_PhotometricInterpretation);
    ds.putAndInsertString(DCM_PhotometricInterpretation, "MONOCHROME2");
    std::vector<cv::Mat> frames;
    {
        DicomImage di(&ds, EXS_LittleEndianExplicit,
                      CIF_IgnoreModalityTransformation | CIF_UseAbsolutePixelRange, 0, 0);
        const DiPixel* px = di.getStatus() == EIS_Normal ? di.getInterData() : nullptr;
        if (px != nullptr && px->getData() != nullptr) {
            const int rows = int(di.getHeight()), cols = int(di.getWidth());
            const size_t n = size_t(rows) * size_t(cols);
            const int type = px->getRepresentation() == EPR_Uint8    ? CV_8UC1
                             : px->getRepresentation() == EPR_Uint16 ? CV_16UC1
                             : px->getRepresentation() == EPR_Sint16 ? CV_16SC1
                                                                     : -1;
            if (type >= 0 && px->getCount() >= n * di.getFrameCount()) {
                const size_t bytes = n * CV_ELEM_SIZE(type);
                for (unsigned long f = 0; f < di.getFrameCount(); ++f) {
                    cv::Mat m(rows, cols, type);
                    std::memcpy(m.data, static_cast<const uint8_t*>(px->getData()) + f * bytes, bytes);
                    frames.push_back(m);
                }
            }
        }
    }
    ds.putAndInsertString(DCM_PhotometricInterpretation, photometric.c_str());
    if (frames.empty())
        throw Error("The stored pixel values could not be read", "The file is damaged");
    return frames;
}

void decodeSegmentedPaletteImage(DcmDataset& ds, const std::string& path, Image& image, Progress& progress)
{
    const DcmTagKey descriptors[3] = {DCM_RedPaletteColorLookupTableDescriptor,
                                      DCM_GreenPaletteColorLookupTableDescriptor,
                                      DCM_BluePaletteColorLookupTableDescriptor};
    const DcmTagKey data[3] = {DCM_SegmentedRedPaletteColorLookupTableData,
                               DCM_SegmentedGreenPaletteColorLookupTableData,
                               DCM_SegmentedBluePaletteColorLookupTableData};
    std::vector<uint16_t> lut[3];
    long first = 0;
    int bits = 16;
    for (int c = 0; c < 3; ++c) {
        const auto entries = getInt(ds, descriptors[c], 0), firstMapped = getInt(ds, descriptors[c], 1),
                   entryBits = getInt(ds, descriptors[c], 2);
        if (!entries || !firstMapped || !entryBits)
            throw Error("The segmented palette of " + path + " has no valid lookup table descriptor",
                        "The file is damaged");
        const size_t n = *entries == 0 ? 65536 : size_t(*entries & 0xFFFF);
        const Uint16* words = nullptr;
        unsigned long count = 0;
        if (ds.findAndGetUint16Array(data[c], words, &count).bad() || words == nullptr)
            throw Error("The segmented palette of " + path + " lacks its colour data", "The file is damaged");
        lut[c] = expandSegmentedLut(words, count, n);
        first = *firstMapped;
        bits = int(*entryBits);
    }
    progress.step(0.5, "Applying the segmented palette");
    const int shift = bits > 8 ? bits - 8 : 0;
    for (const cv::Mat& idx : storedSingleSampleFrames(ds)) {
        cv::Mat rgb(idx.rows, idx.cols, CV_8UC3);
        if (idx.depth() == CV_8U)
            lookUp<uint8_t>(idx, lut, first, shift, rgb);
        else if (idx.depth() == CV_16U)
            lookUp<uint16_t>(idx, lut, first, shift, rgb);
        else
            lookUp<int16_t>(idx, lut, first, shift, rgb);
        image.frames.push_back(rgb);
    }
    image.windowCenter = 127.5;
    image.windowWidth = 256;
}

} // namespace ks::dicom::detail
