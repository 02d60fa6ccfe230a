// Child process of the crash test: edits the project in an endless loop and prints one line per
// edit AFTER it was committed ("A id x", "U id x", "D id"). The parent kills it with SIGKILL.
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

using namespace ks;
using namespace ks::annotation;

namespace {

void report(const std::string& line)
{
    const std::string s = line + "\n";
    // One write() of < PIPE_BUF bytes: the parent never sees half a line.
    if (::write(STDOUT_FILENO, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
        std::_Exit(5);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 4) {
        std::cerr << "usage: ks_annotation_crash_helper PROJECT IMAGE SEED\n";
        return 2;
    }
    try {
        ProjectStore store(argv[1]);
        store.setAuthor("crash-helper");
        ImageRecord im;
        im.path = argv[2];
        im.mmPerPixelX = im.mmPerPixelY = 0.3;
        const long long imageId = store.addImage(im);
        std::vector<long long> ids;
        for (const Annotation& a : store.annotations())
            ids.push_back(a.id);
        std::mt19937 rng(static_cast<unsigned>(std::stoul(argv[3])));
        for (long long n = 0;; ++n) {
            const int op = ids.size() < 5 ? 0 : static_cast<int>(rng() % 3);
            const double x = static_cast<double>(rng() % 100000) / 8.0;
            if (op == 0) {
                Annotation a;
                a.imageId = imageId;
                a.box = Box{x, 2, 30, 40};
                const long long id = store.add(a).id;
                ids.push_back(id);
                report("A " + std::to_string(id) + " " + std::to_string(x));
            } else if (op == 1) {
                const long long id = ids[rng() % ids.size()];
                Annotation a = *store.annotation(id);
                a.box.x = x;
                store.update(a);
                report("U " + std::to_string(id) + " " + std::to_string(x));
            } else {
                const size_t k = rng() % ids.size();
                const long long id = ids[k];
                store.remove(id);
                ids.erase(ids.begin() + static_cast<long>(k));
                report("D " + std::to_string(id));
            }
        }
    } catch (const Error& e) {
        std::cerr << e.fullText() << "\n";
        return 1;
    }
}
