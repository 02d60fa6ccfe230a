// CnnModel: Caffe import against OpenCV dnn's own forward pass, import errors, CaffeNet shapes,
// TorchScript export/import, save/load, layer access for core/interpret.
#include "cnn/CnnModel.h"
#include "cnn/TensorArchive.h"
#include "MaliciousTorchScript.h"
#include "common/Error.h"
#include "TestImages.h"

#include <opencv2/dnn.hpp>

#include <QtTest/QtTest>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <sys/stat.h>

using namespace ks;
using namespace ks::cnn;

namespace {

const std::string kSqueezeDir = std::string(KS_SHARED_DIR) + "/weights/squeezenet-v1.0";
const std::string kPrototxt = kSqueezeDir + "/deploy.prototxt";
const std::string kCaffemodel = kSqueezeDir + "/squeezenet_v1.0.caffemodel";

std::string tmpDir()
{
    const char* env = std::getenv("KS_TEST_TMP");
    std::filesystem::path dir = env ? env : std::filesystem::temp_directory_path() / "ks-test";
    dir /= "cnn";
    std::filesystem::create_directories(dir);
    return dir.string();
}

double maxAbsDiff(const cv::Mat& a, const cv::Mat& b)
{
    if (a.total() != b.total()) return 1e30;
    return cv::norm(a.reshape(1, 1), b.reshape(1, 1), cv::NORM_INF);
}

std::string errorText(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.fullText();
    }
    return {};
}

} // namespace

class TestCnnModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void squeezeNetImportMatchesOpenCv();
    void wrongWeightsGiveClearErrors();
    void caffeNetRandomShapes();
    void caffeNetMatchesOpenCvCaffeLayers();
    void torchScriptRoundTrip();
    void saveLoadKeepsEverything();
    void layerAccessForInterpretation();
    void weightsFilesRunNoCode();
    void tensorArchiveRefusesLyingLengths();
    void specialAndOversizedFilesAreRefused();
    void mutatedCaffeModelsGiveErrors();
};

void TestCnnModel::squeezeNetImportMatchesOpenCv()
{
    CnnModel model(Backbone::SqueezeNet);
    QVERIFY(!model.hasImageNetTransfer());
    QVERIFY(model.weightsDescription().find(kNoTransferText) != std::string::npos);
    model.importCaffe(kPrototxt, kCaffemodel);
    QVERIFY(model.hasImageNetTransfer());

    const cv::Mat frame = test::speckleFrame(300, 260, 7);
    const cv::Mat blob = model.makeInputBlob({frame, test::speckleFrame(227, 227, 8)});
    QCOMPARE(blob.size[0], 2);
    QCOMPARE(blob.size[1], 3);

    cv::dnn::Net reference = cv::dnn::readNetFromCaffe(kPrototxt, kCaffemodel);
    reference.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    reference.setInput(blob);
    std::vector<cv::Mat> expected;
    reference.forward(expected, std::vector<cv::String>{"fire5/concat", "pool_final"});

    const cv::Mat scores = model.forwardBlob(blob, "pool_final");
    QCOMPARE(scores.total(), size_t(2 * 1000));
    const double scale = cv::norm(expected[1], cv::NORM_INF);
    QVERIFY(scale > 1e-3); // not all zero
    const double diffScores = maxAbsDiff(scores, expected[1]);
    qInfo("class scores: max |ours - OpenCV| = %.3g (max score %.3g)", diffScores, scale);
    QVERIFY(diffScores <= 1e-4);

    const cv::Mat fire5 = model.forwardBlob(blob, "fire5/concat");
    const double diffFire5 = maxAbsDiff(fire5, expected[0]);
    qInfo("fire5/concat: max |ours - OpenCV| = %.3g (max %.3g)", diffFire5, cv::norm(expected[0], cv::NORM_INF));
    QVERIFY(diffFire5 <= 1e-4 * std::max(1.0, cv::norm(expected[0], cv::NORM_INF)));
}

void TestCnnModel::wrongWeightsGiveClearErrors()
{
    CnnModel caffeNet(Backbone::CaffeNet);
    const std::string checksum = caffeNet.weightsChecksum();
    // SqueezeNet files into CaffeNet: the first layer's shapes differ; the message names both.
    const std::string shapes = errorText([&] { caffeNet.importCaffe(kPrototxt, kCaffemodel); });
    QVERIFY2(shapes.find("'conv1'") != std::string::npos, shapes.c_str());
    QVERIFY2(shapes.find("96×3×7×7") != std::string::npos, shapes.c_str());
    QVERIFY2(shapes.find("96×3×11×11") != std::string::npos, shapes.c_str());
    QCOMPARE(caffeNet.weightsChecksum(), checksum); // unchanged
    QVERIFY(!caffeNet.hasImageNetTransfer());

    // A prototxt that changes conv1's stride: same blobs, other network.
    std::ifstream in(kPrototxt);
    std::stringstream text;
    text << in.rdbuf();
    std::string proto = text.str();
    const auto at = proto.find("stride: 2");
    QVERIFY(at != std::string::npos);
    proto.replace(at, 9, "stride: 4");
    const std::string badProto = tmpDir() + "/stride4.prototxt";
    std::ofstream(badProto) << proto;
    CnnModel squeeze(Backbone::SqueezeNet);
    const std::string stride = errorText([&] { squeeze.importCaffe(badProto, kCaffemodel); });
    QVERIFY2(stride.find("'conv1'") != std::string::npos && stride.find("stride 4") != std::string::npos,
             stride.c_str());

    const std::string missing = errorText([&] { squeeze.importCaffe(kPrototxt, kSqueezeDir + "/nope.caffemodel"); });
    QVERIFY2(missing.find("nope.caffemodel") != std::string::npos, missing.c_str());
    const std::string garbage = errorText([&] { squeeze.importCaffe(kPrototxt, kPrototxt); });
    QVERIFY2(!garbage.empty(), "reading a prototxt as caffemodel must fail");
    QVERIFY(!squeeze.hasImageNetTransfer());
}

void TestCnnModel::caffeNetRandomShapes()
{
    CnnModel model(Backbone::CaffeNet, 3);
    QCOMPARE(model.featureDimension(), 4096);
    QCOMPARE(model.featureName(), std::string("caffenet_fc7"));
    const cv::Mat blob = model.makeInputBlob({test::speckleFrame(200, 150, 1), test::speckleFrame(90, 300, 2)});
    const cv::Mat conv5 = model.forwardBlob(blob, "conv5");
    QCOMPARE(conv5.dims, 4);
    QCOMPARE(conv5.size[1], 256);
    QCOMPARE(conv5.size[2], 13);
    const cv::Mat pool5 = model.forwardBlob(blob, "pool5");
    QCOMPARE(pool5.size[2], 6);
    const cv::Mat fc7 = model.forwardBlob(blob, "fc7");
    QCOMPARE(fc7.size[0], 2);
    QCOMPARE(fc7.size[1], 4096);
    QVERIFY(cv::countNonZero(fc7.reshape(1, 1) > 0) > 100); // ReLU output, not dead
    const cv::Mat features = model.features({test::speckleFrame(200, 150, 1)});
    QCOMPARE(features.rows, 1);
    QCOMPARE(features.cols, 4096);
    QVERIFY(maxAbsDiff(features.row(0), fc7.reshape(1, 2).row(0)) < 1e-5);
    const cv::Mat p = model.positiveProbability({test::speckleFrame(64, 64, 3)});
    QVERIFY(p.at<float>(0) > 0 && p.at<float>(0) < 1);
    // Same seed, same network; other seed, another.
    QCOMPARE(CnnModel(Backbone::CaffeNet, 3).weightsChecksum(), model.weightsChecksum());
    QVERIFY(CnnModel(Backbone::CaffeNet, 4).weightsChecksum() != model.weightsChecksum());
    QVERIFY(!errorText([&] { model.forwardBlob(blob, "conv9"); }).empty());
}

void TestCnnModel::caffeNetMatchesOpenCvCaffeLayers()
{
    // The same CaffeNet trunk built from OpenCV dnn's Caffe layers (Convolution with group,
    // ReLU, Pooling rounding up, LRN across channels) with our random weights: same blobs.
    CnnModel model(Backbone::CaffeNet, 13);
    cv::dnn::Net reference;
    auto add = [&](const std::string& name, const std::string& type, cv::dnn::LayerParams lp) {
        lp.name = name;
        lp.type = type;
        reference.addLayerToPrev(name, type, lp);
    };
    auto conv = [&](const std::string& name) {
        const ConvWeights w = model.convWeights(name);
        cv::dnn::LayerParams lp;
        lp.set("num_output", w.outChannels);
        lp.set("kernel_size", w.kernelHeight);
        lp.set("stride", w.stride);
        lp.set("pad", w.pad);
        lp.set("group", w.groups);
        lp.set("bias_term", true);
        const int shape[] = {w.outChannels, w.inChannelsPerGroup, w.kernelHeight, w.kernelWidth};
        lp.blobs.push_back(cv::Mat(4, shape, CV_32F, const_cast<float*>(w.weights.data())).clone());
        lp.blobs.push_back(cv::Mat(1, w.outChannels, CV_32F, const_cast<float*>(w.bias.data())).clone());
        add(name, "Convolution", lp);
        add("relu_" + name, "ReLU", {});
    };
    auto pool = [&](const std::string& name) {
        cv::dnn::LayerParams lp;
        lp.set("pool", "max");
        lp.set("kernel_size", 3);
        lp.set("stride", 2);
        add(name, "Pooling", lp);
    };
    auto lrn = [&](const std::string& name) {
        cv::dnn::LayerParams lp;
        lp.set("local_size", 5);
        lp.set("alpha", 1e-4);
        lp.set("beta", 0.75);
        lp.set("bias", 1.0);
        lp.set("norm_region", "ACROSS_CHANNELS");
        add(name, "LRN", lp);
    };
    conv("conv1"); pool("pool1"); lrn("norm1");
    conv("conv2"); pool("pool2"); lrn("norm2");
    conv("conv3"); conv("conv4"); conv("conv5"); pool("pool5");
    reference.setPreferableBackend(cv::dnn::DNN_BACKEND_OPENCV);
    // Bright input so that LRN's normaliser departs from 1.
    const cv::Mat blob = model.makeInputBlob({test::speckleFrame(240, 200, 31), test::speckleFrame(227, 227, 32)}) * 40.0;
    reference.setInput(blob);
    std::vector<cv::Mat> expected;
    reference.forward(expected, std::vector<cv::String>{"relu_conv1", "norm1", "pool5"});
    const cv::Mat conv1 = model.forwardBlob(blob, "conv1");
    const cv::Mat norm1 = model.forwardBlob(blob, "norm1");
    const cv::Mat pool5 = model.forwardBlob(blob, "pool5");
    QCOMPARE(norm1.size[2], 27);
    QCOMPARE(pool5.size[3], 6);
    for (const auto& [ours, theirs, name] : {std::tuple{conv1, expected[0], "conv1"}, std::tuple{norm1, expected[1], "norm1"},
                                        std::tuple{pool5, expected[2], "pool5"}}) {
        const double scale = cv::norm(theirs, cv::NORM_INF);
        const double diff = maxAbsDiff(ours, theirs);
        qInfo("%s: max |ours - OpenCV| = %.3g (max %.3g)", name, diff, scale);
        QVERIFY(scale > 0);
        QVERIFY(diff <= 1e-4 * scale);
    }
    // LRN really normalised (the input was large enough): the ratio to un-normalised pool1 varies.
    const cv::Mat pool1 = model.forwardBlob(blob, "pool1");
    QVERIFY(maxAbsDiff(norm1, pool1) > 1e-3 * cv::norm(pool1, cv::NORM_INF));
}

void TestCnnModel::torchScriptRoundTrip()
{
    CnnModel source(Backbone::SqueezeNet, 11);
    const std::string path = tmpDir() + "/squeeze.pt";
    source.exportTorchScript(path);
    CnnModel target(Backbone::SqueezeNet, 12);
    QVERIFY(target.weightsChecksum() != source.weightsChecksum());
    target.importTorchScriptTrusted(path);
    QCOMPARE(target.weightsChecksum(), source.weightsChecksum());
    QVERIFY(target.hasImageNetTransfer());
    // Another architecture's module is refused with the parameter's name.
    CnnModel caffeNet(Backbone::CaffeNet);
    const std::string wrong = errorText([&] { caffeNet.importTorchScriptTrusted(path); });
    QVERIFY2(wrong.find("conv1.weight") != std::string::npos, wrong.c_str());
    QVERIFY(!errorText([&] { caffeNet.importTorchScriptTrusted(tmpDir() + "/missing.pt"); }).empty());
}

void TestCnnModel::saveLoadKeepsEverything()
{
    CnnModel model(Backbone::SqueezeNet, 5);
    model.importCaffe(kPrototxt, kCaffemodel);
    const std::string path = tmpDir() + "/model.ksnet";
    model.save(path);
    CnnModel loaded(Backbone::SqueezeNet, 6);
    loaded.load(path);
    QCOMPARE(loaded.weightsChecksum(), model.weightsChecksum());
    QVERIFY(loaded.hasImageNetTransfer());
    QCOMPARE(loaded.weightsDescription(), model.weightsDescription());
    CnnModel other(Backbone::CaffeNet);
    const std::string wrong = errorText([&] { other.load(path); });
    QVERIFY2(wrong.find("squeezenet") != std::string::npos, wrong.c_str());
    const std::string junk = tmpDir() + "/junk.ksnet";
    std::ofstream(junk) << "not a network";
    QVERIFY(!errorText([&] { loaded.load(junk); }).empty());
    QCOMPARE(loaded.weightsChecksum(), model.weightsChecksum());
}

void TestCnnModel::layerAccessForInterpretation()
{
    CnnModel model(Backbone::CaffeNet, 9);
    const auto names = model.convLayerNames();
    QCOMPARE(names.size(), size_t(5));
    QCOMPARE(names.front(), std::string("conv1"));
    const ConvWeights conv2 = model.convWeights("conv2");
    QCOMPARE(conv2.outChannels, 256);
    QCOMPARE(conv2.inChannelsPerGroup, 48);
    QCOMPARE(conv2.groups, 2);
    QCOMPARE(conv2.weights.size(), size_t(256 * 48 * 5 * 5));
    const cv::Mat k = conv2.kernel(3, 7);
    QCOMPARE(k.rows, 5);
    QCOMPARE(k.at<float>(1, 2), conv2.weights[(3 * 48 + 7) * 25 + 1 * 5 + 2]);
    const auto maps = model.responseMaps(test::speckleFrame(150, 120, 4), "conv1");
    QCOMPARE(maps.size(), size_t(96));
    QCOMPARE(maps[0].rows, 55);
    // At the image's own size: conv1 output (H-11)/4+1.
    const auto full = model.responseMaps(test::speckleFrame(403, 303, 4), "conv2", false);
    QCOMPARE(full.size(), size_t(256));
    QCOMPARE(full[0].cols, 49); // conv1: (403-11)/4+1 = 99; pool1 rounds up: ceil((99-3)/2)+1 = 49
    QVERIFY(!errorText([&] { model.responseMaps(test::speckleFrame(403, 303, 4), "fc7", false); }).empty());
    QVERIFY(!errorText([&] { model.convWeights("fc6"); }).empty());
}

void TestCnnModel::weightsFilesRunNoCode()
{
    // The weights file is TorchScript whose loading runs code. The control
    // shows that torch::jit::load does run it; CnnModel::load refuses it and nothing runs.
    untrusted::watchMaliciousCode();
    const std::string path = tmpDir() + "/payload.net";
    const std::string dropped = tmpDir() + "/written-by-the-weights";
    std::filesystem::remove(dropped);
    untrusted::writeMaliciousTorchScript(path, dropped);
    untrusted::maliciousRuns() = 0;
    torch::jit::load(path);
    QCOMPARE(untrusted::maliciousRuns().load(), 1); // the file is a working payload
    QVERIFY(std::filesystem::exists(dropped));     // that writes a file when loaded
    std::filesystem::remove(dropped);
    untrusted::maliciousRuns() = 0;
    CnnModel model(Backbone::SqueezeNet, 3);
    const std::string before = model.weightsChecksum();
    const std::string e = errorText([&] { model.load(path); });
    QVERIFY2(e.find("zip") != std::string::npos && e.find("run code") != std::string::npos, e.c_str());
    QCOMPARE(untrusted::maliciousRuns().load(), 0);
    QVERIFY(!std::filesystem::exists(dropped));
    QCOMPARE(model.weightsChecksum(), before);
    // The only way in is the explicitly trusted import (which runs it, as it says).
    errorText([&] { model.importTorchScriptTrusted(path); });
    QCOMPARE(untrusted::maliciousRuns().load(), 1);
}

void TestCnnModel::tensorArchiveRefusesLyingLengths()
{
    const std::string good = TensorArchive::encode({{"k", "v"}}, {{"a", {2, 3}, {1, 2, 3, 4, 5, 6}}, {"b", {}, {7}}});
    const auto back = TensorArchive::decode(good);
    QCOMPARE(back.meta.at("k"), std::string("v"));
    QCOMPARE(back.tensors.size(), size_t(2));
    QCOMPARE(back.tensors[0].values[5], 6.0f);
    QCOMPARE(back.tensors[1].values.at(0), 7.0f);
    auto refused = [](const std::string& bytes, const std::string& part) {
        const std::string e = errorText([&] { TensorArchive::decode(bytes); });
        QVERIFY2(e.find(part) != std::string::npos, (part + " | " + e).c_str());
    };
    // header length far beyond the bytes
    std::string hugeHeader = good;
    hugeHeader[15] = '\x7f';
    refused(hugeHeader, "header claims");
    // a shape whose size lies (2^40 values in a 40-byte payload): refused before any allocation
    const std::string h = good.substr(16, good.size() - 16 - 28);
    auto withHeader = [&](std::string header) {
        std::string out = good.substr(0, 8);
        for (int i = 0; i < 8; ++i)
            out.push_back(static_cast<char>((header.size() >> (8 * i)) & 0xff));
        return out + header + good.substr(good.size() - 28);
    };
    std::string lying = h;
    lying.replace(lying.find("[2,3]"), 5, "[1099511627776,1]");
    refused(withHeader(lying), "has dimension 1099511627776");
    std::string overlap = h;
    overlap.replace(overlap.find("\"offset\":24"), 11, "\"offset\":20");
    refused(withHeader(overlap), "does not lie where");
    std::string dtype = h;
    dtype.replace(dtype.find("float32"), 7, "float64");
    refused(withHeader(dtype), "dtype");
    refused(good + "x", "after the last tensor");
    refused(good.substr(0, good.size() - 1), "does not lie where");
    refused("not a network", "no KSTENSOR header");
}

void TestCnnModel::specialAndOversizedFilesAreRefused()
{
    const std::string fifo = tmpDir() + "/weights.fifo";
    std::filesystem::remove(fifo);
    QCOMPARE(::mkfifo(fifo.c_str(), 0600), 0);
    // without a writer, a blocking reader would wait forever
    QVERIFY(!errorText([&] { TensorArchive::readFile(fifo); }).empty());
    CnnModel model(Backbone::SqueezeNet, 3);
    QVERIFY(!errorText([&] { model.load(fifo); }).empty());
    QVERIFY(!errorText([&] { model.load("/dev/zero"); }).empty());
    const std::string big = tmpDir() + "/big.kst";
    { std::ofstream(big) << std::string(4096, 'x'); }
    const std::string e = errorText([&] { TensorArchive::readFile(big, 1000); });
    QVERIFY2(e.find("more than the 1000") != std::string::npos, e.c_str());
    std::filesystem::remove(fifo);
}

void TestCnnModel::mutatedCaffeModelsGiveErrors()
{
    // A caffemodel from a stranger: bytes flipped or cut (lengths inside that lie) give a
    // ks::Error or a clean import, never a crash; the model stays usable.
    std::ifstream in(kCaffemodel, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    QVERIFY(bytes.size() > 100000);
    const std::string path = tmpDir() + "/mutated.caffemodel";
    std::mt19937 rng(5);
    int errors = 0;
    for (int round = 0; round < 12; ++round) {
        std::string m = bytes;
        if (round % 3 == 2) {
            m.resize(rng() % m.size());
        } else {
            for (int k = 0; k < 8; ++k)
                m[rng() % std::min<size_t>(m.size(), 4096)] = static_cast<char>(rng()); // the headers and lengths
        }
        { std::ofstream(path, std::ios::binary | std::ios::trunc) << m; }
        CnnModel model(Backbone::SqueezeNet, 3);
        if (!errorText([&] { model.importCaffe(kPrototxt, path); }).empty())
            ++errors;
        QCOMPARE(model.features({test::speckleFrame(64, 64, 1)}).cols, model.featureDimension());
    }
    QVERIFY(errors > 0);

    // Hand-made caffemodels whose lengths lie: a conv1 blob of shape 100000×100000×100×1 (4 TB)
    // or 30000×30000 with one float, and a data field claiming 2 GB in a few bytes.
    auto varint = [](std::uint64_t v) {
        std::string out;
        do {
            out.push_back(static_cast<char>((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
            v >>= 7;
        } while (v);
        return out;
    };
    auto field = [&](int number, const std::string& payload) {
        return varint(static_cast<std::uint64_t>(number) << 3 | 2) + varint(payload.size()) + payload;
    };
    auto model = [&](const std::vector<std::uint64_t>& dims, const std::string& dataField) {
        std::string packed;
        for (auto d : dims)
            packed += varint(d);
        const std::string blob = field(7, field(1, packed)) + dataField;
        return field(100, field(1, "conv1") + field(2, "Convolution") + field(7, blob));
    };
    const std::string oneFloat = field(5, std::string("\0\0\x80\x3f", 4));
    const std::string lyingData = varint(5 << 3 | 2) + varint(0x7fffffff) + std::string(8, '\0');
    for (const std::string& bytes : {model({100000, 100000, 100, 1}, oneFloat), model({30000, 30000, 1, 1}, oneFloat),
                                     model({96, 3, 7, 7}, lyingData)}) {
        { std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes; }
        CnnModel m(Backbone::SqueezeNet, 3);
        const std::string before = m.weightsChecksum();
        QVERIFY(!errorText([&] { m.importCaffe(kPrototxt, path); }).empty());
        QCOMPARE(m.weightsChecksum(), before);
    }
}

QTEST_GUILESS_MAIN(TestCnnModel)
#include "TestCnnModel.moc"
