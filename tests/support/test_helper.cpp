// Child process for tests that need one:
//   save-loop PROJECT          saves PROJECT over and over, printing "saved N" after each save,
//                              until killed (crash-safety test).
//   stage-as-nobody ROOT FILE… as user nobody (when started as root), stages FILEs into the project
//                              at ROOT and prints "imported N" and one "failed <path>\t<reason>" per file.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "tint/JobContext.h"
#include "tint/Project.h"

int main(int argc, char** argv) {
    if (argc >= 3 && std::strcmp(argv[1], "save-loop") == 0) {
        tint::Project p = tint::Project::open(argv[2]);
        for (long n = 1;; ++n) {
            // One save per generation; the name carries the generation, and its length varies so
            // that a torn write would show as bad JSON or a wrong name.
            std::string name = "generation " + std::to_string(n) + " " + std::string(std::size_t(n % 7) * 25, 'x');
            if (n == 1)
                p.add_class(name);
            else
                p.rename_class(0, name);
            std::printf("saved %ld %zu\n", n, p.data().classes.size());
            std::fflush(stdout);
        }
    }
    if (argc >= 4 && std::strcmp(argv[1], "stage-as-nobody") == 0) {
        if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) {
            std::perror("setuid");
            return 3;
        }
        std::vector<std::string> files(argv + 3, argv + argc);
        tint::SilentJobContext ctx;
        auto report = tint::stage_support_images(argv[2], {{"c", files}}, {}, 64, ctx);
        std::printf("imported %zu\n", report.imported.size());
        for (const auto& f : report.failed) std::printf("failed %s\t%s\n", f.path.c_str(), f.reason.c_str());
        return 0;
    }
    std::fprintf(stderr, "usage: tint_test_helper save-loop PROJECT | stage-as-nobody ROOT FILE...\n");
    return 2;
}
