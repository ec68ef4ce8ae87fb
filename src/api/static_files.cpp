#include "api/static_files.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <fstream>
#include <utility>

namespace telco::api {
namespace fs = std::filesystem;
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool is_within(const fs::path& root, const fs::path& p) {
  auto [root_end, _] = std::mismatch(root.begin(), root.end(), p.begin(), p.end());
  return root_end == root.end();
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 20> kContentTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".htm", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".txt", "text/plain; charset=utf-8"},
    {".md", "text/markdown; charset=utf-8"},
    {".yaml", "application/yaml"},
    {".yml", "application/yaml"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".webp", "image/webp"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".wasm", "application/wasm"},
}};

}  // namespace

std::optional<std::string> percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int hi = hex_value(text[i + 1]);
    const int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::optional<fs::path> resolve_static_path(const fs::path& root, std::string_view url_path) {
  if (root.empty() || url_path.empty() || url_path.front() != '/') return std::nullopt;
  const auto decoded = percent_decode(url_path);
  if (!decoded || decoded->find('\0') != std::string::npos || decoded->find('\\') != std::string::npos) {
    return std::nullopt;
  }
  fs::path relative;
  std::string_view rest = *decoded;
  while (!rest.empty()) {
    const std::size_t slash = rest.find('/');
    const std::string_view segment = rest.substr(0, slash);
    rest = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
    if (segment == "..") return std::nullopt;  // refused, not normalized: no legitimate link has it
    if (segment.empty() || segment == ".") continue;
    relative /= fs::path(std::string(segment));
  }
  std::error_code ec;
  fs::path candidate = root / relative;
  if (fs::is_directory(candidate, ec)) candidate /= "index.html";
  const fs::path real = fs::canonical(candidate, ec);
  if (ec || !is_within(root, real) || !fs::is_regular_file(real, ec)) return std::nullopt;
  return real;
}

std::string_view content_type_for(const fs::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [e, type] : kContentTypes) {
    if (e == ext) return type;
  }
  return "application/octet-stream";
}

std::optional<StaticFile> load_static_file(const fs::path& root, std::string_view url_path) {
  const auto path = resolve_static_path(root, url_path);
  if (!path) return std::nullopt;
  std::error_code ec;
  const auto size = fs::file_size(*path, ec);
  if (ec || size > kStaticFileBytesMax) return std::nullopt;
  std::ifstream in(*path, std::ios::binary);
  if (!in) return std::nullopt;
  StaticFile file{std::string(content_type_for(*path)), std::string(size, '\0')};
  in.read(file.body.data(), static_cast<std::streamsize>(size));
  file.body.resize(static_cast<std::size_t>(in.gcount()));
  return file;
}

}  // namespace telco::api
