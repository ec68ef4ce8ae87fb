// Static files of the explorer (web/explorer), served for paths outside /v1. Beast-free so
// the path rules are unit-tested directly.
//
// Safety: the URL path is percent-decoded, then any ".." segment, backslash or NUL is
// refused outright; the resolved file must, after following symlinks, still lie under the
// (canonical) root. Directories serve their index.html.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace telco::api {

// Largest file served; the explorer's assets are far smaller, and the whole file is read
// into memory for the response.
inline constexpr std::size_t kStaticFileBytesMax = 16 * 1024 * 1024;

// Decodes %XX escapes; nullopt on a malformed escape. '+' stays '+' (this is a path).
std::optional<std::string> percent_decode(std::string_view text);

// The file a URL path names under `root` (canonical), or nullopt when the path is refused
// or names nothing servable. Never returns a path outside root.
std::optional<std::filesystem::path> resolve_static_path(const std::filesystem::path& root,
                                                         std::string_view url_path);

// "text/html; charset=utf-8" for .html and so on; application/octet-stream when unknown.
std::string_view content_type_for(const std::filesystem::path& file);

struct StaticFile {
  std::string content_type;
  std::string body;
};
// Resolves and reads the file; nullopt when not found, refused, too large or unreadable.
std::optional<StaticFile> load_static_file(const std::filesystem::path& root, std::string_view url_path);

}  // namespace telco::api
