// kidneyscope-cli: parse, dispatch, exit. Everything else lives in ks_cli.
#include "cli/Command.h"
#ifdef KS_HAVE_CNN
#include "cnn/BlasTuning.h"
#endif

#include <iostream>

int main(int argc, char** argv)
{
#ifdef KS_HAVE_CNN
    ks::cnn::BlasTuning::reexecIfGeneric(argv);
#endif
    return ks::cli::runCli(argc, argv, std::cout, std::cerr);
}
