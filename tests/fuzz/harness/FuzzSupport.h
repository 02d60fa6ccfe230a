#pragma once
/// \file FuzzSupport.h
/// Helpers shared by the fuzz harnesses: a private scratch folder per process, writing an input
/// to a file (the loaders take paths), and where the shared test data is.
/// Not thread-safe: libFuzzer and the replay driver call a harness from one thread.

#include <cstddef>
#include <cstdint>
#include <string>

namespace ks::fuzz {

/// A folder private to this process (created on first use under $TMPDIR or /tmp, removed at exit).
const std::string& scratchDir();

/// Writes `size` bytes to `path` (truncating). Aborts when the file cannot be written: a harness
/// that cannot write its input would otherwise test nothing.
void writeBytes(const std::string& path, const uint8_t* data, size_t size);

/// The shared test data folder: $KS_SHARED_DIR, else the KS_SHARED_DIR compile definition.
std::string sharedDir();

/// Copies a folder tree (regular files and folders only). Aborts on failure.
void copyTree(const std::string& from, const std::string& to);

} // namespace ks::fuzz

/// Every harness defines these (libFuzzer's entry points; ReplayMain.cpp calls them too).
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv);
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
