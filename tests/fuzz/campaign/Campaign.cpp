// fuzz_campaign: the mutation campaign. 1,500 deterministic mutants of the shared DICOM
// files (`kidneyscope-cli info FILE`; DICOMDIR mutants beside their referenced files) and 500 of
// COCO files (`annotations import`) and model manifests (`detect --model`), each in its own
// process with a 10 s limit and its peak RSS measured. Most run the CLI's code in a forked child
// (runCli: no 0.5 s LibTorch start-up per mutant), every --exec-every-th the real binary.
// Fails (exit 1) on any crash, hang, RSS over the limit, unclear message or exit 0 on an
// unreadable file; prints a summary and saves each failing mutant under WORK/failures.
#include "ChildRunner.h"
#include "DicomMutator.h"
#include "JsonMutator.h"
#include "Rng.h"
#include "Verdict.h"

#include "common/Sha256.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace ks::fuzz;

namespace {

enum class Kind { Dicom, DicomDir, Coco, Manifest };
const char* kindName(Kind k)
{
    return k == Kind::Dicom ? "dicom" : k == Kind::DicomDir ? "dicomdir" : k == Kind::Coco ? "coco" : "manifest";
}

struct Options
{
    std::string cli, shared, work, findings;
    int dicom = 1500, coco = 250, manifest = 250, execEvery = 25, jobs = 2;
    uint64_t seed = 11;
    double timeout = 10;
    long maxRssMb = 2048;
    long only = -1;          ///< run this one mutant number (reproduction)
};

struct Seed
{
    Kind kind;
    std::string source;      ///< where it came from (for the report)
    std::string bytes;
    std::string placeIn;     ///< DICOMDIR: folder below the slot's dicomdirtests copy
};

struct Mutant
{
    long index = 0;
    const Seed* seed = nullptr;
    bool exec = false;
    bool resign = false;     ///< manifest: manifest.sha256 rewritten to match (an attacker's bundle)
    std::string bytes, what;
};

struct Tally
{
    std::map<Outcome, int> outcomes;
    int n = 0;
    long maxRssKb = 0;
    double maxSeconds = 0, totalSeconds = 0;
};

std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeFile(const fs::path& p, const std::string& bytes)
{
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), std::streamsize(bytes.size()));
    if (!out) {
        std::cerr << "fuzz_campaign: cannot write " << p << "\n";
        std::exit(3);
    }
}

[[noreturn]] void usage(const std::string& why)
{
    std::cerr << "fuzz_campaign: " << why << "\n"
              << "Usage: fuzz_campaign --cli KIDNEYSCOPE_CLI --shared SHARED_DIR --work DIR [--dicom N] [--coco N]\n"
                 "       [--manifest N] [--jobs J] [--seed S] [--exec-every K] [--timeout S] [--max-rss-mb M]\n"
                 "       [--only MUTANT] [--findings DIR]\n";
    std::exit(2);
}

Options parse(int argc, char** argv)
{
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (i + 1 >= argc)
            usage("missing value after " + a);
        const std::string v = argv[++i];
        if (a == "--cli") o.cli = v;
        else if (a == "--shared") o.shared = v;
        else if (a == "--work") o.work = v;
        else if (a == "--findings") o.findings = v;
        else if (a == "--dicom") o.dicom = std::stoi(v);
        else if (a == "--coco") o.coco = std::stoi(v);
        else if (a == "--manifest") o.manifest = std::stoi(v);
        else if (a == "--jobs") o.jobs = std::max(1, std::stoi(v));
        else if (a == "--exec-every") o.execEvery = std::stoi(v);
        else if (a == "--seed") o.seed = std::stoull(v);
        else if (a == "--timeout") o.timeout = std::stod(v);
        else if (a == "--max-rss-mb") o.maxRssMb = std::stol(v);
        else if (a == "--only") o.only = std::stol(v);
        else usage("unknown option " + a);
    }
    if (o.cli.empty() || o.shared.empty() || o.work.empty())
        usage("--cli, --shared and --work are required");
    return o;
}

/// The shared DICOM files as seeds; ultrasound three times (the product's own input), the 30
/// near-identical TINY_ALPHA images only thrice.
std::vector<Seed> dicomSeeds(const fs::path& dicom)
{
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(dicom))
        if (e.is_regular_file())
            files.push_back(e.path());
    std::sort(files.begin(), files.end());
    std::vector<Seed> seeds;
    int tiny = 0;
    for (const fs::path& f : files) {
        const std::string name = f.filename().string();
        const std::string rel = fs::relative(f, dicom).string();
        if (name.rfind("README", 0) == 0 || f.extension() == ".txt" || f.extension() == ".md")
            continue;
        if (name.rfind("DICOMDIR", 0) == 0) {
            const std::string in = fs::relative(f.parent_path(), dicom / "other/dicomdirtests").string();
            seeds.push_back({Kind::DicomDir, rel, readFile(f), in == "." ? "" : in});
            continue;
        }
        if (rel.find("TINY_ALPHA/") != std::string::npos && ++tiny > 3)
            continue;
        const int copies = rel.rfind("us/", 0) == 0 ? 3 : 1;
        for (int c = 0; c < copies; ++c)
            seeds.push_back({Kind::Dicom, rel, readFile(f), {}});
    }
    return seeds;
}

/// Two COCO seeds from hc18/train: its first four images as they are, and the same with every
/// extension field the importer reads (rotated box, author, status, source, patient, frame, ...).
std::vector<Seed> cocoSeeds(const fs::path& annotations)
{
    using nlohmann::ordered_json;
    const ordered_json full = ordered_json::parse(readFile(annotations));
    ordered_json small = full;
    small["images"] = ordered_json::array();
    small["annotations"] = ordered_json::array();
    std::vector<long long> ids;
    for (size_t i = 0; i < std::min<size_t>(4, full["images"].size()); ++i) {
        small["images"].push_back(full["images"][i]);
        ids.push_back(full["images"][i]["id"].get<long long>());
    }
    for (const auto& a : full["annotations"])
        if (std::find(ids.begin(), ids.end(), a["image_id"].get<long long>()) != ids.end())
            small["annotations"].push_back(a);
    ordered_json rich = small;
    int k = 0;
    for (auto& im : rich["images"]) {
        im["patient_id"] = "P" + std::to_string(k % 2);
        im["frame"] = 0;
        im["pixel_spacing_y_mm"] = im.value("pixel_spacing_mm", 0.1);
        im["sop_instance_uid"] = "1.2.3.4." + std::to_string(++k);
    }
    for (auto& a : rich["annotations"]) {
        const auto& b = a["bbox"];
        a["ks_rotated_box"] = {{"cx", b[0].get<double>() + b[2].get<double>() / 2},
                               {"cy", b[1].get<double>() + b[3].get<double>() / 2},
                               {"length", b[2]}, {"width", b[3]}, {"angle_deg", 12.5}};
        a["author"] = "reader1";
        a["status"] = "approved";
        a["source"] = "manual";
    }
    return {{Kind::Coco, "hc18/train (4 images)", small.dump(2), {}},
            {Kind::Coco, "hc18/train (4 images, extension fields)", rich.dump(2), {}}};
}

ChildJob job(const std::vector<std::string>& args, const fs::path& slot, bool exec)
{
    ChildJob j;
    j.argv = {"kidneyscope-cli"};
    j.argv.insert(j.argv.end(), args.begin(), args.end());
    j.exec = exec;
    j.stdoutPath = (slot / "stdout.txt").string();
    j.stderrPath = (slot / "stderr.txt").string();
    return j;
}

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : "..." + s.substr(s.size() - n); }

} // namespace

int main(int argc, char** argv)
{
    const Options o = parse(argc, argv);
    const auto t0 = std::chrono::steady_clock::now();
    const fs::path work = fs::absolute(o.work), shared = fs::absolute(o.shared);
    std::error_code ec;
    fs::remove_all(work, ec);
    fs::create_directories(work / "failures");
    const unsigned long long asCap = 4ull << 30;   // safety net for the shared machine; RSS is what is judged
    const long maxRssKb = o.maxRssMb * 1024;

    // --- fixtures: a tiny real bundle trained by the CLI, one slot folder per job --------------
    const fs::path phantom = work / "phantom", bundle = work / "bundle";
    for (const auto& args : std::vector<std::vector<std::string>>{
             {"phantom", "--out", phantom.string(), "--count", "6", "--seed", "3"},
             {"train", "--train", (phantom / "annotations.json").string(), "--out", bundle.string(), "--candidates",
              "200", "--haar", "50", "--rounds", "20", "--quiet"}}) {
        const ChildResult r = runOne(o.cli, job(args, work, false), 120, asCap);
        if (r.exitCode != 0) {
            std::cerr << "fuzz_campaign: setup '" << args[0] << "' failed (exit " << r.exitCode << ", signal " << r.signal
                      << "):\n" << readFile(work / "stderr.txt");
            return 3;
        }
    }
    const std::string detectImage = (phantom / "phantom_0001.dcm").string();
    const fs::path cocoImages = shared / "realdata/hc18/train";
    for (int s = 0; s < o.jobs; ++s) {
        const fs::path slot = work / ("slot" + std::to_string(s));
        fs::create_directories(slot / "coco");
        fs::copy(shared / "dicom/other/dicomdirtests", slot / "dicomdirtests", fs::copy_options::recursive);
        fs::copy(bundle, slot / "bundle", fs::copy_options::recursive);
    }

    std::vector<Seed> dicom = dicomSeeds(shared / "dicom");
    std::vector<Seed> coco = cocoSeeds(cocoImages / "annotations.json");
    const Seed manifest{Kind::Manifest, "bundle trained on 6 phantom images", readFile(bundle / "manifest.json"), {}};
    const std::string manifestChecksum = readFile(bundle / "manifest.sha256");

    auto argsFor = [&](const Mutant& m, const fs::path& slot) -> std::vector<std::string> {
        switch (m.seed->kind) {
        case Kind::Dicom:
            writeFile(slot / "mutant.dcm", m.bytes);
            return {"info", (slot / "mutant.dcm").string()};
        case Kind::DicomDir: {
            const fs::path p = slot / "dicomdirtests" / m.seed->placeIn / "DICOMDIR-mutant";
            writeFile(p, m.bytes);
            return {"info", p.string()};
        }
        case Kind::Coco:
            writeFile(slot / "coco/annotations.json", m.bytes);
            fs::remove_all(slot / "project", ec);
            return {"annotations", "import", "--quiet", "--project", (slot / "project").string(), "--study",
                    cocoImages.string(), (slot / "coco/annotations.json").string()};
        case Kind::Manifest:
            writeFile(slot / "bundle/manifest.json", m.bytes);
            writeFile(slot / "bundle/manifest.sha256",
                      m.resign ? ks::Sha256::ofBytes(m.bytes) + "  manifest.json\n" : manifestChecksum);
            return {"detect", "--model", (slot / "bundle").string(), detectImage};
        }
        return {};
    };

    // Baseline: the unmutated COCO and manifest seeds must be accepted, else the mutants test nothing.
    for (const Seed* s : std::vector<const Seed*>{&coco[0], &coco[1], &manifest}) {
        Mutant m{-1, s, true, true, s->bytes, "none"};
        const fs::path slot = work / "slot0";
        const ChildResult r = runOne(o.cli, job(argsFor(m, slot), slot, true), o.timeout * 3, asCap);
        if (r.exitCode != 0) {
            std::cerr << "fuzz_campaign: setup: the unmutated seed '" << s->source << "' is not accepted (exit "
                      << r.exitCode << ", signal " << r.signal << "):\n" << readFile(slot / "stderr.txt");
            return 3;
        }
    }

    // --- mutants --------------------------------------------------------------------------------
    const long total = long(o.dicom) + o.coco + o.manifest;
    auto makeMutant = [&](long i) {
        Mutant m;
        m.index = i;
        Rng rng(o.seed * 0x100000001B3ull + uint64_t(i) * 0x9E3779B97F4A7C15ull);
        if (i < o.dicom) {
            m.seed = &dicom[size_t(i) % dicom.size()];
            std::vector<unsigned char> b(m.seed->bytes.begin(), m.seed->bytes.end());
            m.what = DicomMutator::mutate(b, rng);
            m.bytes.assign(b.begin(), b.end());
        } else {
            const bool isCoco = i < o.dicom + o.coco;
            m.seed = isCoco ? &coco[size_t(i) % coco.size()] : &manifest;
            m.bytes = JsonMutator::mutate(m.seed->bytes, rng, m.what);
            // Three in four manifests come with a matching manifest.sha256, as a bundle made to
            // attack would: the parser behind the checksum gate must hold on its own.
            m.resign = !isCoco && i % 4 != 0;
            if (m.resign)
                m.what += " (re-signed)";
        }
        m.exec = o.execEvery > 0 && i % o.execEvery == 0;
        return m;
    };

    // One line per mutant: number, kind, exec|fork, seed, mutation, outcome, exit, signal, RSS MB, s, message.
    std::ofstream log(work / "mutants.tsv");
    std::map<std::string, Tally> tallies;
    std::map<std::string, std::map<std::string, int>> messages;   // per kind: refusal text (start) -> count
    std::map<int, int> exitCodes;
    std::vector<std::string> failures;
    long maxRssKbSeen = 0, maxRssAt = -1, escapesAccepted = 0, execRuns = 0;
    double slowest = 0;
    long slowestAt = -1;
    std::vector<Mutant> running(size_t(o.jobs));
    ChildRunner runner(o.cli, o.jobs, o.timeout, asCap);

    auto finished = [&](int slotIndex, const ChildResult& r) {
        const Mutant& m = running[size_t(slotIndex)];
        const fs::path slot = work / ("slot" + std::to_string(slotIndex));
        const std::string out = readFile(slot / "stdout.txt"), err = readFile(slot / "stderr.txt");
        const Verdict v = judge(r, out, err, m.seed->kind == Kind::Dicom, maxRssKb);
        log << m.index << '\t' << kindName(m.seed->kind) << '\t' << (m.exec ? "exec" : "fork") << '\t' << m.seed->source
            << '\t' << m.what.substr(0, 200) << '\t' << outcomeName(v.outcome) << '\t' << r.exitCode << '\t' << r.signal
            << '\t' << r.maxRssKb / 1024 << '\t' << r.seconds << '\t' << v.detail.substr(0, 200) << '\n';
        Tally& t = tallies[kindName(m.seed->kind)];
        ++t.n;
        ++t.outcomes[v.outcome];
        t.maxRssKb = std::max(t.maxRssKb, r.maxRssKb);
        t.maxSeconds = std::max(t.maxSeconds, r.seconds);
        t.totalSeconds += r.seconds;
        if (r.signal == 0 && !r.timedOut)
            ++exitCodes[r.exitCode];
        else
            ++exitCodes[r.timedOut ? -9999 : -r.signal];
        if (r.maxRssKb > maxRssKbSeen)
            maxRssKbSeen = r.maxRssKb, maxRssAt = m.index;
        if (r.seconds > slowest)
            slowest = r.seconds, slowestAt = m.index;
        execRuns += m.exec;
        if (v.outcome == Outcome::Refused) {
            std::string text = v.detail;
            if (const size_t colon = text.find(": "); text.rfind("kidneyscope-cli", 0) == 0 && colon != std::string::npos)
                text = text.substr(colon + 2);
            for (size_t at = text.find(work.string()); at != std::string::npos; at = text.find(work.string(), at))
                text.replace(at, work.string().size(), "WORK");
            for (size_t at = text.find("WORK/slot"); at != std::string::npos; at = text.find("WORK/slot", at + 1))
                if (at + 9 < text.size() && std::isdigit(static_cast<unsigned char>(text[at + 9])))
                    text[at + 9] = 'N';
            ++messages[kindName(m.seed->kind)][text.substr(0, 90)];
        }
        if (m.seed->kind == Kind::Coco && r.exitCode == 0 && r.signal == 0
            && (m.what.find("path ") != std::string::npos || m.what.find("images+=") != std::string::npos))
            ++escapesAccepted;
        if (isFailure(v.outcome) || o.only >= 0) {
            const std::string ext = m.seed->kind == Kind::Dicom || m.seed->kind == Kind::DicomDir ? ".dcm" : ".json";
            const std::string base = std::string(kindName(m.seed->kind)) + "-" + std::to_string(m.index);
            writeFile(work / "failures" / (base + ext), m.bytes);
            std::ostringstream note;
            note << "mutant " << m.index << " (" << kindName(m.seed->kind) << ", " << (m.exec ? "real binary" : "in-process")
                 << ") of " << m.seed->source << ": " << m.what << "\n"
                 << outcomeName(v.outcome) << ": " << v.detail << "\nexit " << r.exitCode << ", signal " << r.signal
                 << ", " << r.seconds << " s, peak RSS " << r.maxRssKb / 1024 << " MB\n--- stderr (tail)\n"
                 << tail(err, 3000) << "\n--- stdout (tail)\n" << tail(out, 1500) << "\n";
            writeFile(work / "failures" / (base + ".txt"), note.str());
            if (!o.findings.empty()) {
                fs::create_directories(o.findings, ec);
                fs::copy_file(work / "failures" / (base + ext), fs::path(o.findings) / (base + ext),
                              fs::copy_options::overwrite_existing, ec);
                fs::copy_file(work / "failures" / (base + ".txt"), fs::path(o.findings) / (base + ".txt"),
                              fs::copy_options::overwrite_existing, ec);
            }
            if (isFailure(v.outcome))
                failures.push_back("#" + std::to_string(m.index) + " " + kindName(m.seed->kind) + " " + m.seed->source
                                   + " [" + m.what.substr(0, 120) + "] -> " + outcomeName(v.outcome) + ": " + v.detail);
            if (o.only >= 0)
                std::cout << note.str();
        }
    };

    const long first = o.only >= 0 ? o.only : 0, last = o.only >= 0 ? o.only + 1 : total;
    for (long i = first; i < last; ++i) {
        int slot = runner.freeSlot();
        while (slot < 0) {
            runner.waitOne();
            slot = runner.freeSlot();
        }
        running[size_t(slot)] = makeMutant(i);
        const fs::path dir = work / ("slot" + std::to_string(slot));
        runner.start(slot, job(argsFor(running[size_t(slot)], dir), dir, running[size_t(slot)].exec), finished);
    }
    while (runner.waitOne()) {
    }

    // --- summary ----------------------------------------------------------------------------------
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("fuzz_campaign: %ld mutants (seed %llu, %d jobs, %ld through the real kidneyscope-cli, the rest "
                "through runCli in a forked child), limits %.0f s and %ld MB RSS, %.0f s wall\n",
                last - first, static_cast<unsigned long long>(o.seed), o.jobs, execRuns, o.timeout, o.maxRssMb, wall);
    std::printf("  %-9s %5s %8s %7s %5s %4s %6s %7s %6s %6s %9s %7s %6s\n", "kind", "n", "accepted", "refused", "crash",
                "hang", "memory", "unclear", "exit0!", "runner", "maxRSS MB", "max s", "mean s");
    for (auto& [name, t] : tallies)
        std::printf("  %-9s %5d %8d %7d %5d %4d %6d %7d %6d %6d %9ld %7.2f %6.3f\n", name.c_str(), t.n,
                    t.outcomes[Outcome::Accepted], t.outcomes[Outcome::Refused], t.outcomes[Outcome::Crash],
                    t.outcomes[Outcome::Hang], t.outcomes[Outcome::Memory], t.outcomes[Outcome::UnclearMessage],
                    t.outcomes[Outcome::SilentFailure], t.outcomes[Outcome::RunnerError], t.maxRssKb / 1024,
                    t.maxSeconds, t.n ? t.totalSeconds / t.n : 0.0);
    std::printf("  exit codes:");
    for (const auto& [code, n] : exitCodes)
        code == -9999 ? std::printf(" timeout: %d", n)
                      : code < 0 ? std::printf(" signal %d: %d", -code, n) : std::printf(" %d: %d", code, n);
    std::printf("\n  peak RSS %ld MB (mutant #%ld), slowest %.2f s (mutant #%ld)\n", maxRssKbSeen / 1024, maxRssAt,
                slowest, slowestAt);
    for (const auto& [kind, texts] : messages) {
        std::vector<std::pair<int, std::string>> top;
        for (const auto& [text, n] : texts)
            top.emplace_back(-n, text);
        std::sort(top.begin(), top.end());
        std::printf("  %s: %zu different refusals; most often:\n", kind.c_str(), texts.size());
        for (size_t i = 0; i < top.size() && i < 4; ++i)
            std::printf("    %4d  %s\n", -top[i].first, top[i].second.c_str());
    }
    std::printf("  COCO mutants with a path mutation that import accepted (exit 0): %ld\n", escapesAccepted);
    std::printf("  %zu failure(s)%s\n", failures.size(),
                failures.empty() ? "" : (", mutants saved in " + (work / "failures").string()).c_str());
    for (size_t i = 0; i < failures.size() && i < 60; ++i)
        std::printf("    %s\n", failures[i].c_str());
    if (failures.size() > 60)
        std::printf("    ... %zu more\n", failures.size() - 60);
    std::printf("  reproduce one: fuzz_campaign --cli ... --shared ... --work DIR --only N\n");
    return failures.empty() ? 0 : 1;
}
