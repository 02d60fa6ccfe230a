// Untrusted image input: decompression bombs refused from the header before anything is
// allocated, truncated pixel data refused instead of padded, DICOM text as UTF-8, FIFOs and
// devices never opened, DICOMDIR references and scanned links confined to their folder.
// Every hostile file is generated here, byte by byte (RawDicom).
#include "RawDicom.h"

#include "common/Error.h"
#include "common/ImageLimits.h"
#include "dicom/DicomTags.h"
#include "dicom/ImageLoader.h"
#include "dicom/StudyScanner.h"

#include <QtTest>

#include <zlib.h>

#include <opencv2/imgcodecs.hpp>

#include <array>
#include <filesystem>
#include <fstream>
#include <sys/resource.h>
#include <sys/stat.h>

using namespace ks;
using ks::dicom::ImageLoader;
namespace fs = std::filesystem;

namespace {

std::string shared(const std::string& rel)
{
    return std::string(KS_SHARED_DIR) + "/dicom/" + rel;
}

std::string tmpDir(const std::string& name)
{
    const std::string dir = qEnvironmentVariable("KS_TEST_TMP", QDir::tempPath()).toStdString() + "/" + name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Peak resident set size of this process so far, in MiB.
double peakRssMb()
{
    rusage u {};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_maxrss) / 1024.0;
}

template <typename F>
Error expectError(F f)
{
    try {
        f();
    } catch (const Cancelled&) {
        throw;
    } catch (const Error& e) {
        return e;
    }
    throw std::runtime_error("expected a ks::Error");
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

/// A PackBits segment: `runs` runs of 128 copies of `value`.
std::vector<uint8_t> rleRuns(size_t runs, uint8_t value)
{
    std::vector<uint8_t> s;
    for (size_t i = 0; i < runs; ++i) {
        s.push_back(0x81); // -127: repeat the next byte 128 times
        s.push_back(value);
    }
    return s;
}

std::string rleFile(const std::string& path, uint16_t rows, uint16_t cols, int frames,
                    const std::vector<std::vector<uint8_t>>& fragments)
{
    auto elements = test::imageHeader(rows, cols, frames);
    elements.push_back(test::encapsulatedPixels(fragments));
    test::writeBytes(path, test::part10(test::kRle, elements));
    return path;
}

std::string nativeFile(const std::string& path, uint16_t rows, uint16_t cols, int frames, size_t pixelBytes,
                       const std::string& charset = {}, const std::string& name = "Test^Name")
{
    auto elements = test::imageHeader(rows, cols, frames, charset, name);
    elements.push_back(test::nativePixels(std::vector<uint8_t>(pixelBytes, 7)));
    test::writeBytes(path, test::part10(test::kExplicitLittle, elements));
    return path;
}

/// A PNG whose IHDR declares width × height (8-bit grey) followed by a valid zlib stream holding
/// only the first row: a tiny file that would make a decoder allocate the whole image.
std::vector<uint8_t> hugePng(uint32_t width, uint32_t height)
{
    auto be32 = [](std::vector<uint8_t>& b, uint32_t v) {
        for (int s = 24; s >= 0; s -= 8)
            b.push_back(uint8_t(v >> s));
    };
    auto chunk = [&](std::vector<uint8_t>& out, const std::string& type, const std::vector<uint8_t>& data) {
        be32(out, uint32_t(data.size()));
        std::vector<uint8_t> typed(type.begin(), type.end());
        typed.insert(typed.end(), data.begin(), data.end());
        out.insert(out.end(), typed.begin(), typed.end());
        uint32_t crc = 0xFFFFFFFF;
        for (uint8_t byte : typed) {
            crc ^= byte;
            for (int k = 0; k < 8; ++k)
                crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1)));
        }
        be32(out, ~crc);
    };
    std::vector<uint8_t> ihdr;
    be32(ihdr, width);
    be32(ihdr, height);
    for (uint8_t b : {8, 0, 0, 0, 0}) // depth 8, grey, deflate, adaptive filter, no interlace
        ihdr.push_back(b);
    // zlib: header, one stored final block with a filter byte and a 64-pixel row start, Adler-32.
    std::vector<uint8_t> raw(65, 0);
    std::vector<uint8_t> idat = {0x78, 0x01, 0x01, uint8_t(raw.size()), 0, uint8_t(~raw.size()), 0xFF};
    idat.insert(idat.end(), raw.begin(), raw.end());
    uint32_t a = 1, b = 0;
    for (uint8_t byte : raw) {
        a = (a + byte) % 65521;
        b = (b + a) % 65521;
    }
    be32(idat, (b << 16) | a);
    std::vector<uint8_t> png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", idat);
    chunk(png, "IEND", {});
    return png;
}

/// Replaces the first occurrence of `from` in the file by `to` (same length).
void patchFile(const std::string& path, const std::string& from, const std::string& to)
{
    QCOMPARE(from.size(), to.size());
    auto bytes = test::readBytes(path);
    const std::string text(bytes.begin(), bytes.end());
    const size_t at = text.find(from);
    QVERIFY2(at != std::string::npos, from.c_str());
    std::copy(to.begin(), to.end(), bytes.begin() + long(at));
    fs::remove(path);
    test::writeBytes(path, bytes);
}

std::vector<dicom::InstanceInfo> allInstances(const dicom::StudyTree& t)
{
    std::vector<dicom::InstanceInfo> out;
    for (const auto& p : t.patients)
        for (const auto& s : p.studies)
            for (const auto& se : s.series)
                out.insert(out.end(), se.instances.begin(), se.instances.end());
    return out;
}

} // namespace

class TestUntrustedInput : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { ImageLimits::setCurrent(ImageLimits{}); }

    // Runs first, while the process is small, so that peak RSS shows any large allocation.
    void rleBombRefusedBeforeAllocating()
    {
        const std::string dir = tmpDir("untrusted-rle-bomb");
        // 2 KB of RLE claiming 32767 × 32767 pixels (1 GiB); the old loader padded it and said OK.
        const std::string path =
            rleFile(dir + "/bomb.dcm", 32767, 32767, 0, {test::rleFrame({rleRuns(1000, 0)})});
        QVERIFY(fs::file_size(path) < 4096);
        const double before = peakRssMb();
        const Error e = expectError([&] { ImageLoader::load(path); });
        QVERIFY2(contains(e.message(), "32767 × 32767"), e.message().c_str());
        QVERIFY2(contains(e.message(), "per frame"), e.message().c_str());
        QVERIFY2(contains(e.hint(), "--max-decoded-mb"), e.hint().c_str());
        QCOMPARE(e.kind(), Error::Kind::Unsupported);
        // With the limit raised far enough, the data is still refused: it does not fill the frame.
        ImageLimits::setCurrent(ImageLimits{}.withMaxDecodedMb(8192));
        const Error t = expectError([&] { ImageLoader::load(path); });
        QVERIFY2(contains(t.message(), "truncated"), t.message().c_str());
        QVERIFY2(contains(t.message(), "of 1073676289"), t.message().c_str());
        QVERIFY2(peakRssMb() - before < 200, qPrintable(QString::number(peakRssMb() - before) + " MiB more"));
    }

    void deflateBombRefusedBeforeInflating()
    {
        // Deflated Explicit VR Little Endian: DCMTK inflates the whole data set into memory, so the
        // header cannot be checked first. 100 MiB of zero pixel data deflate to about 100 KB.
        const std::string dir = tmpDir("untrusted-deflate-bomb");
        std::vector<uint8_t> plain;
        for (const auto& e : test::imageHeader(64, 64))
            plain.insert(plain.end(), e.bytes.begin(), e.bytes.end());
        const uint32_t pixelBytes = 100u << 20;
        for (uint8_t b : std::initializer_list<uint8_t>{0xE0, 0x7F, 0x10, 0x00, 'O', 'B', 0x00, 0x00})
            plain.push_back(b);
        for (int k = 0; k < 4; ++k)
            plain.push_back(uint8_t(pixelBytes >> (8 * k)));
        z_stream z {};
        QCOMPARE(deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY), Z_OK);
        std::vector<uint8_t> packed(1 << 20), zeros(1 << 20, 0);
        size_t used = 0;
        auto pump = [&](const uint8_t* data, size_t size, int flush) {
            z.next_in = const_cast<Bytef*>(data);
            z.avail_in = uInt(size);
            do {
                if (packed.size() - used < 65536)
                    packed.resize(packed.size() * 2);
                z.next_out = packed.data() + used;
                z.avail_out = uInt(packed.size() - used);
                deflate(&z, flush);
                used = packed.size() - z.avail_out;
            } while (z.avail_in > 0 || (flush == Z_FINISH && z.avail_out == 0));
        };
        pump(plain.data(), plain.size(), Z_NO_FLUSH);
        for (uint32_t done = 0; done < pixelBytes; done += uint32_t(zeros.size()))
            pump(zeros.data(), zeros.size(), done + zeros.size() >= pixelBytes ? Z_FINISH : Z_NO_FLUSH);
        deflateEnd(&z);
        packed.resize(used);
        auto file = test::part10("1.2.840.10008.1.2.1.99", {});
        file.insert(file.end(), packed.begin(), packed.end());
        const std::string path = dir + "/bomb.dcm";
        test::writeBytes(path, file);
        QVERIFY(fs::file_size(path) < (1u << 20));
        const double before = peakRssMb();
        const Error e = expectError([&] { ImageLoader::load(path); });
        QVERIFY2(contains(e.message(), "deflated") && contains(e.message(), "bomb"), e.message().c_str());
        const dicom::StudyTree tree = dicom::StudyScanner::scan(path);
        QCOMPARE(tree.instanceCount(), 0);
        QCOMPARE(int(tree.problems.size()), 1);
        QVERIFY2(peakRssMb() - before < 50, qPrintable(QString::number(peakRssMb() - before) + " MiB more"));
        // A genuine deflated file still loads.
        QCOMPARE(ImageLoader::load(shared("other/image_dfl.dcm")).width(), 512);
    }

    void rasterBombsRefusedFromTheHeader()
    {
        const std::string dir = tmpDir("untrusted-raster-bomb");
        test::writeBytes(dir + "/huge.png", hugePng(20000, 20000));
        QVERIFY(fs::file_size(dir + "/huge.png") < 1024);
        // A JPEG whose frame header declares 60000 × 60000 (SOI, SOF0, EOI).
        test::writeBytes(dir + "/huge.jpg", {0xFF, 0xD8, 0xFF, 0xC0, 0x00, 0x0B, 0x08, 0xEA, 0x60, 0xEA, 0x60, 0x01,
                                             0x01, 0x11, 0x00, 0xFF, 0xD9});
        const double before = peakRssMb();
        const Error png = expectError([&] { ImageLoader::load(dir + "/huge.png"); });
        QVERIFY2(contains(png.message(), "20000 × 20000"), png.message().c_str());
        const Error jpg = expectError([&] { ImageLoader::load(dir + "/huge.jpg"); });
        QVERIFY2(contains(jpg.message(), "60000 × 60000"), jpg.message().c_str());
        QVERIFY2(peakRssMb() - before < 200, qPrintable(QString::number(peakRssMb() - before) + " MiB more"));
        // A TIFF whose only IFD declares 100000 × 100000 pixels.
        std::vector<uint8_t> tiff = {'I', 'I', 42, 0, 8, 0, 0, 0};
        auto le = [&](uint32_t v, int n) {
            for (int k = 0; k < n; ++k)
                tiff.push_back(uint8_t(v >> (8 * k)));
        };
        const std::vector<std::array<uint32_t, 3>> entries = {
            {256, 4, 100000}, {257, 4, 100000}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
            {273, 4, 200},    {277, 3, 1},      {278, 4, 100000}, {279, 4, 16}};
        le(uint32_t(entries.size()), 2);
        for (const auto& [tag, type, value] : entries) {
            le(tag, 2);
            le(type, 2);
            le(1, 4);
            le(value, type == 3 ? 2 : 4);
            if (type == 3)
                le(0, 2);
        }
        le(0, 4);
        tiff.resize(216, 0);
        test::writeBytes(dir + "/huge.tif", tiff);
        const Error tif = expectError([&] { ImageLoader::load(dir + "/huge.tif"); });
        QVERIFY2(contains(tif.message(), "100000 × 100000"), tif.message().c_str());
        QVERIFY2(peakRssMb() - before < 200, qPrintable(QString::number(peakRssMb() - before) + " MiB more"));
        // Ordinary files still load: a three-page TIFF and a BMP.
        std::vector<cv::Mat> pages(3, cv::Mat(10, 20, CV_8UC1, cv::Scalar(4)));
        QVERIFY(cv::imwritemulti(dir + "/three.tif", pages));
        QCOMPARE(ImageLoader::load(dir + "/three.tif").frameCount(), 3);
        QCOMPARE(allInstances(dicom::StudyScanner::scan(dir + "/three.tif")).front().frames, 3);
        QVERIFY(cv::imwrite(dir + "/small.bmp", cv::Mat(10, 20, CV_8UC3, cv::Scalar(1, 2, 3))));
        QCOMPARE(ImageLoader::load(dir + "/small.bmp").width(), 20);
        // The study browser reads the size from the header without decoding.
        const auto in = allInstances(dicom::StudyScanner::scan(dir + "/huge.png"));
        QCOMPARE(int(in.size()), 1);
        QCOMPARE(in.front().columns, 20000);
        QCOMPARE(in.front().rows, 20000);
    }

    void limitsAreConfigurable()
    {
        const std::string dir = tmpDir("untrusted-limits");
        // 1024 × 1024 × 8 frames = 8 MiB of decoded pixels.
        const std::string path = nativeFile(dir + "/eight.dcm", 1024, 1024, 8, 8u << 20);
        QCOMPARE(ImageLoader::load(path).frameCount(), 8);
        ImageLimits::setCurrent(ImageLimits{}.withMaxDecodedMb(4));
        const Error e = expectError([&] { ImageLoader::load(path); });
        QVERIFY2(contains(e.message(), "per file"), e.message().c_str());
        QVERIFY2(contains(e.message(), "8.0 MiB"), e.message().c_str());
        ImageLimits::setCurrent(ImageLimits{}.withMaxDecodedMb(16));
        QCOMPARE(ImageLoader::load(path).frameCount(), 8);
        QVERIFY_THROWS_EXCEPTION(Error, ImageLimits{}.withMaxDecodedMb(0));
    }

    void truncatedPixelDataRefused()
    {
        const std::string dir = tmpDir("untrusted-truncated");
        // RLE: 64 × 64 needs 4096 bytes per segment; 8 runs give 1024. The old loader padded with zeros.
        const Error rle = expectError(
            [&] { ImageLoader::load(rleFile(dir + "/short.dcm", 64, 64, 0, {test::rleFrame({rleRuns(8, 5)})})); });
        QVERIFY2(contains(rle.message(), "the pixel data is truncated: 1024 bytes of 4096"), rle.message().c_str());
        // The same with all 32 runs loads, every pixel 5.
        const Image ok = ImageLoader::load(rleFile(dir + "/ok.dcm", 64, 64, 0, {test::rleFrame({rleRuns(32, 5)})}));
        QCOMPARE(ok.width(), 64);
        QCOMPARE(cv::countNonZero(ok.frames[0] != 5), 0);
        // Three frames declared, one fragment stored.
        const Error frames = expectError(
            [&] { ImageLoader::load(rleFile(dir + "/frames.dcm", 64, 64, 3, {test::rleFrame({rleRuns(32, 5)})})); });
        QVERIFY2(contains(frames.message(), "truncated"), frames.message().c_str());
        QVERIFY2(contains(frames.message(), "3 frames"), frames.message().c_str());
        // Uncompressed: three frames declared, one stored.
        const Error native = expectError([&] { ImageLoader::load(nativeFile(dir + "/native.dcm", 64, 64, 3, 4096)); });
        QVERIFY2(contains(native.message(), "the pixel data is truncated: 4096 bytes of 12288"),
                 native.message().c_str());
        QVERIFY_THROWS_EXCEPTION(Error, ImageLoader::loadStoredValues(dir + "/short.dcm"));
        // A JPEG file whose Rows were raised: the compressed frame is smaller than the header says.
        auto jpeg = test::readBytes(shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"));
        const auto [rowsAt, rowsLen] = test::findElementValue(jpeg, 0x0028, 0x0010, true);
        QCOMPARE(rowsLen, size_t(2));
        QCOMPARE(int(jpeg[rowsAt] | jpeg[rowsAt + 1] << 8), 768);
        jpeg[rowsAt] = 800 & 0xFF;
        jpeg[rowsAt + 1] = 800 >> 8;
        test::writeBytes(dir + "/rows.dcm", jpeg);
        const Error j = expectError([&] { ImageLoader::load(dir + "/rows.dcm"); });
        QVERIFY2(contains(j.message(), "1024 × 768") && contains(j.message(), "1024 × 800"), j.message().c_str());
        // The same file with its JPEG stream cut in half (the codec fills in the rest and only warns).
        auto cut = test::readBytes(shared("us/JPGLosslessP14SV1_1s_1f_8b.dcm"));
        const std::string text(cut.begin(), cut.end());
        const size_t item = text.rfind(std::string("\xFE\xFF\x00\xE0", 4));
        QVERIFY(item != std::string::npos);
        const uint32_t length = uint32_t(cut[item + 4]) | uint32_t(cut[item + 5]) << 8 | uint32_t(cut[item + 6]) << 16
                                | uint32_t(cut[item + 7]) << 24;
        QVERIFY(item + 8 + length <= cut.size());
        const uint32_t half = (length / 2) & ~1u;
        cut.resize(item + 8 + half);
        for (int k = 0; k < 4; ++k)
            cut[item + 4 + size_t(k)] = uint8_t(half >> (8 * k));
        for (uint8_t b : std::initializer_list<uint8_t>{0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0})
            cut.push_back(b);
        test::writeBytes(dir + "/cut.dcm", cut);
        const Error c = expectError([&] { ImageLoader::load(dir + "/cut.dcm"); });
        QVERIFY2(contains(c.message(), "truncated") && contains(c.message(), "end-of-image"), c.message().c_str());
    }

    void latin1TextBecomesUtf8()
    {
        const std::string dir = tmpDir("untrusted-latin1");
        const std::string latin1 = "M\xFCller^J\xFCrgen";
        const std::string utf8 = "M\xC3\xBCller^J\xC3\xBCrgen";
        const std::string path = nativeFile(dir + "/latin1.dcm", 8, 8, 0, 64, "ISO_IR 100", latin1);
        const Image im = ImageLoader::load(path);
        QCOMPARE(im.meta.patientName, utf8);
        const auto in = dicom::StudyScanner::scan(path);
        QCOMPARE(int(in.patients.size()), 1);
        QCOMPARE(in.patients.front().patientName, utf8);
        const auto tags = dicom::DicomTags::read(path);
        const auto pn = std::find_if(tags.begin(), tags.end(), [](const TagEntry& t) { return t.tag == "(0010,0010)"; });
        QVERIFY(pn != tags.end());
        QCOMPARE(pn->value, utf8);
        // Without a declared character set, the 0xFC bytes are not UTF-8: each becomes U+FFFD.
        const std::string bad = nativeFile(dir + "/undeclared.dcm", 8, 8, 0, 64, {}, latin1);
        QCOMPARE(ImageLoader::load(bad).meta.patientName, std::string("M\xEF\xBF\xBDller^J\xEF\xBF\xBDrgen"));
        QCOMPARE(dicom::StudyScanner::scan(bad).patients.front().patientName,
                 std::string("M\xEF\xBF\xBDller^J\xEF\xBF\xBDrgen"));
        // UTF-8 declared as such passes through.
        const std::string u = nativeFile(dir + "/utf8.dcm", 8, 8, 0, 64, "ISO_IR 192", utf8);
        QCOMPARE(ImageLoader::load(u).meta.patientName, utf8);
    }

    void fifosAndDevicesNeverOpened()
    {
        const std::string dir = tmpDir("untrusted-fifo");
        const std::string fifo = dir + "/pipe.dcm";
        QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
        // Opening a FIFO without a writer blocks forever: each of these would hang the test.
        QVERIFY(contains(expectError([&] { ImageLoader::load(fifo); }).message(), "FIFO"));
        QVERIFY(contains(expectError([&] { ImageLoader::loadStoredValues(fifo); }).message(), "FIFO"));
        QVERIFY(contains(expectError([&] { dicom::DicomTags::read(fifo); }).message(), "FIFO"));
        QVERIFY(contains(expectError([&] { dicom::StudyScanner::scan(fifo); }).message(), "FIFO"));
        QVERIFY(!ImageLoader::hasDicomPreamble(fifo));
        QVERIFY(contains(expectError([&] { ImageLoader::load("/dev/zero"); }).message(), "character device"));
        // In a folder, the FIFO (and a link to it) is skipped; the image beside it is listed.
        fs::copy_file(shared("us/US1_UNCR.dcm"), dir + "/image.dcm");
        fs::create_symlink(fifo, dir + "/link.dcm");
        const dicom::StudyTree tree = dicom::StudyScanner::scan(dir);
        QCOMPARE(tree.instanceCount(), 1);
        QCOMPARE(tree.skippedFiles, 2);
    }

    void dicomDirReferencesConfinedToTheirFolder()
    {
        const std::string dir = tmpDir("untrusted-dicomdir");
        const std::string study = dir + "/study";
        fs::copy(shared("other/dicomdirtests"), study, fs::copy_options::recursive);
        for (const auto& e : fs::recursive_directory_iterator(dir))
            fs::permissions(e.path(), fs::perms::owner_write, fs::perm_options::add);
        fs::permissions(study, fs::perms::owner_write, fs::perm_options::add);
        // A DICOM file outside the study, and three records that point at it or elsewhere outside.
        fs::create_directories(dir + "/SECRET");
        fs::copy_file(shared("us/US1_UNCR.dcm"), dir + "/SECRET/ABCDEFG");
        const std::string dicomdir = study + "/DICOMDIR";
        patchFile(dicomdir, "77654033\\CR1\\6154 ", "..\\SECRET\\ABCDEFG ");
        patchFile(dicomdir, "77654033\\CR2\\6247 ", "/etc/passwd       ");
        fs::remove(study + "/77654033/CR3/6278");
        fs::create_symlink(dir + "/SECRET/ABCDEFG", study + "/77654033/CR3/6278");

        // And one at a project database beside it (a DICOM file by content, to tempt a reader):
        // opening it would drop the SQLite locks of a store open in this process.
        fs::copy_file(shared("us/US1_UNCR.dcm"), study + "/project.sqlite");
        patchFile(dicomdir, "77654033\\CT2\\17106", "project.sqlite    ");

        const dicom::StudyTree tree = dicom::StudyScanner::scan(dicomdir);
        QCOMPARE(tree.instanceCount(), 27); // 31 in the reference DICOMDIR, 4 refused
        QVERIFY(std::any_of(tree.problems.begin(), tree.problems.end(),
                            [](const std::string& p) { return contains(p, "project database"); }));
        for (const auto& in : allInstances(tree))
            QVERIFY2(!contains(in.path, "project.sqlite"), in.path.c_str());
        // Neither opened directly nor listed by a folder scan.
        try {
            dicom::ImageLoader::load(study + "/project.sqlite");
            QFAIL("a project database was read as an image");
        } catch (const Error& e) {
            QVERIFY2(contains(e.message(), "project database"), e.what());
        }
        const dicom::StudyTree scanned = dicom::StudyScanner::scan(study);
        for (const auto& in : allInstances(scanned))
            QVERIFY2(!contains(in.path, "project.sqlite"), in.path.c_str());
        const std::string root = fs::canonical(study).string() + "/";
        for (const auto& in : allInstances(tree))
            QVERIFY2(in.path.rfind(root, 0) == 0, in.path.c_str());
        int outside = 0;
        for (const auto& p : tree.problems)
            outside += contains(p, "outside the DICOMDIR's folder");
        QCOMPARE(outside, 3);

        // A plain folder scan does not follow the link out either.
        const dicom::StudyTree folder = dicom::StudyScanner::scan(study + "/77654033");
        for (const auto& in : allInstances(folder))
            QVERIFY2(!contains(in.path, "SECRET"), in.path.c_str());
        QVERIFY(std::any_of(folder.problems.begin(), folder.problems.end(),
                            [](const std::string& p) { return contains(p, "outside the scanned folder"); }));
    }

    void dcmtkExceptionsBecomeClearErrors()
    {
        // A fuzzed DICOMDIR on which DCMTK 3.6.7 throws std::out_of_range (DcmByteString::verify):
        // it escaped as "basic_string::erase: __pos ...".
        const std::string dir = tmpDir("untrusted-dcmtk-throws");
        fs::copy(shared("other/dicomdirtests"), dir + "/d", fs::copy_options::recursive);
        fs::permissions(dir + "/d", fs::perms::owner_write, fs::perm_options::add);
        const std::string bad = dir + "/d/DICOMDIR-fuzz";
        fs::copy_file(std::string(KS_SOURCE_DIR) + "/tests/core/dicom/data/dicomdir-dcmtk-out_of_range.dcm", bad);
        const Error e = expectError([&] { dicom::StudyScanner::scan(bad); });
        QVERIFY2(contains(e.message(), "is malformed"), e.message().c_str());
        QVERIFY2(!contains(e.fullText(), "basic_string") && !contains(e.fullText(), "std::"), e.fullText().c_str());
        // The same bytes as a plain file: an error (or an image), never a foreign exception.
        try {
            ImageLoader::load(bad);
        } catch (const Error&) {
        }
        try {
            dicom::DicomTags::read(bad);
        } catch (const Error&) {
        }
    }

    void malformedFilesGiveImagesOrClearErrors()
    {
        for (const auto& entry : fs::directory_iterator(shared("malformed"))) {
            try {
                const Image im = ImageLoader::load(entry.path().string());
                QVERIFY(!im.isEmpty());
                QVERIFY(im.width() > 0 && im.height() > 0);
            } catch (const Error& e) {
                QVERIFY2(e.kind() != Error::Kind::Internal, e.message().c_str());
                QVERIFY2(e.message().size() > 20, e.message().c_str());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestUntrustedInput)
#include "TestUntrustedInput.moc"
