// kidneyscope-cli: parse, dispatch, exit. Everything else lives in ks_cli.
#include "cli/Command.h"
#include "cnn/BlasTuning.h"

#include <iostream>

int main(int argc, char** argv)
{
    ks::cnn::BlasTuning::reexecIfGeneric(argv);
    return ks::cli::runCli(argc, argv, std::cout, std::cerr);
}
