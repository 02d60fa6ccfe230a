// Child process of the multi-process tests: one short job on a project, then exit.
//   ks_annotation_probe count PROJECT          prints the number of annotations ("count N")
//   ks_annotation_probe import PROJECT JSON    waits for a line on stdin (the start signal, so
//                                              that several probes start at the same moment),
//                                              then imports the COCO file (no headers read)
// Exit 0 on success; 1 with the error on stderr.
#include "annotation/ProjectExchange.h"
#include "annotation/ProjectStore.h"
#include "common/Error.h"

#include <iostream>
#include <string>

using namespace ks;
using namespace ks::annotation;

int main(int argc, char** argv)
{
    const std::string cmd = argc > 1 ? argv[1] : "";
    try {
        if (cmd == "count" && argc == 3) {
            const ProjectStore store(argv[2], false);
            std::cout << "count " << store.annotations().size() << std::endl;
            return 0;
        }
        if (cmd == "import" && argc == 4) {
            std::string go;
            std::getline(std::cin, go);
            ProjectStore store(argv[2], true);
            store.setAuthor("probe");
            ImportOptions o;
            o.readImageHeaders = false;
            const ImportReport r = ProjectExchange::importCoco(store, argv[3], o);
            std::cout << "added " << r.added << " duplicates " << r.duplicates << std::endl;
            return 0;
        }
    } catch (const Error& e) {
        std::cerr << e.fullText() << "\n";
        return 1;
    }
    std::cerr << "usage: ks_annotation_probe count PROJECT | import PROJECT JSON\n";
    return 2;
}
