// Small file helpers shared by the apps' on-disk layouts.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string_view>

namespace telco {

// Creates `path` (failing if it exists), writes `text`, fsyncs, with permission bits `mode`.
// Throws std::runtime_error naming the path on any failure.
void write_new_file(const std::filesystem::path& path, std::string_view text, mode_t mode);

// Atomically replaces (or creates) `path` with `text`: writes PATH.tmp, fsyncs it, renames it
// over `path` and fsyncs the directory, so a crash leaves the old file or the new one.
// Throws std::runtime_error naming the path on any failure.
void replace_file(const std::filesystem::path& path, std::string_view text, mode_t mode);

}  // namespace telco
