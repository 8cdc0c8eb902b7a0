#include "core/image/image_grid.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <sstream>

#include "core/common/errors.h"
#include "core/common/file_io.h"

#ifdef TDQ_HAVE_OPENCV
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#endif

namespace tdq {

at::Tensor make_image_grid(const at::Tensor& images, std::int64_t columns, std::int64_t padding) {
  if (images.dim() != 4 || images.size(0) == 0) {
    throw ConfigError("image grid needs a non-empty [N, C, H, W] tensor");
  }
  const auto n = images.size(0), c = images.size(1), h = images.size(2), w = images.size(3);
  columns = std::max<std::int64_t>(1, std::min(columns, n));
  const std::int64_t rows = (n + columns - 1) / columns;
  at::Tensor grid = at::full({c, rows * (h + padding) + padding, columns * (w + padding) + padding},
                             255.0, at::TensorOptions().dtype(at::kFloat));
  const at::Tensor pixels =
      ((images.detach().to(at::kCPU).to(at::kFloat).clamp(-1, 1) + 1) * 127.5).round();
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int64_t top = (i / columns) * (h + padding) + padding;
    const std::int64_t left = (i % columns) * (w + padding) + padding;
    grid.narrow(1, top, h).narrow(2, left, w).copy_(pixels[i]);
  }
  return grid.permute({1, 2, 0}).contiguous().to(at::kByte);
}

namespace {

std::string lower_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char ch) { return std::tolower(ch); });
  return ext;
}

std::string encode_netpbm(const at::Tensor& image) {
  const auto h = image.size(0), w = image.size(1), c = image.size(2);
  std::ostringstream header;
  header << (c == 1 ? "P5" : "P6") << "\n" << w << " " << h << "\n255\n";
  std::string bytes = header.str();
  bytes.append(reinterpret_cast<const char*>(image.data_ptr<std::uint8_t>()),
               static_cast<std::size_t>(h * w * c));
  return bytes;
}

at::Tensor decode_netpbm(const std::filesystem::path& file, const std::string& bytes) {
  std::istringstream in(bytes);
  std::string magic;
  int w = 0, h = 0, maxval = 0;
  in >> magic >> w >> h >> maxval;
  if ((magic != "P5" && magic != "P6") || w <= 0 || h <= 0 || maxval != 255) {
    throw FormatError(file, "not an 8-bit binary PGM/PPM image");
  }
  in.get();
  const std::int64_t c = magic == "P5" ? 1 : 3;
  const auto offset = static_cast<std::size_t>(in.tellg());
  if (bytes.size() - offset != static_cast<std::size_t>(w) * h * c) {
    throw FormatError(file, "pixel data size does not match the header",
                      static_cast<std::int64_t>(offset));
  }
  at::Tensor image = at::empty({h, w, c}, at::TensorOptions().dtype(at::kByte));
  std::copy(bytes.begin() + static_cast<std::ptrdiff_t>(offset), bytes.end(),
            reinterpret_cast<char*>(image.data_ptr<std::uint8_t>()));
  return image;
}

}  // namespace

std::filesystem::path write_image(const std::filesystem::path& file, const at::Tensor& image) {
  if (image.dim() != 3 || image.scalar_type() != at::kByte ||
      (image.size(2) != 1 && image.size(2) != 3)) {
    throw ConfigError("write_image needs a uint8 [H, W, 1|3] tensor");
  }
  const at::Tensor pixels = image.contiguous();
  const std::string ext = lower_extension(file);
  const bool netpbm = ext == ".pgm" || ext == ".ppm";
#ifdef TDQ_HAVE_OPENCV
  if (!netpbm) {
    const int type = pixels.size(2) == 1 ? CV_8UC1 : CV_8UC3;
    cv::Mat mat(static_cast<int>(pixels.size(0)), static_cast<int>(pixels.size(1)), type,
                pixels.data_ptr<std::uint8_t>());
    cv::Mat bgr;
    if (pixels.size(2) == 3)
      cv::cvtColor(mat, bgr, cv::COLOR_RGB2BGR);
    else
      bgr = mat;
    std::vector<unsigned char> buffer;
    if (!cv::imencode(ext.empty() ? ".png" : ext, bgr, buffer)) {
      throw IoError(file.string() + ": OpenCV cannot encode this image format");
    }
    write_file_atomic(file, std::string(buffer.begin(), buffer.end()));
    return file;
  }
#endif
  std::filesystem::path target = file;
  if (!netpbm) target.replace_extension(pixels.size(2) == 1 ? ".pgm" : ".ppm");
  write_file_atomic(target, encode_netpbm(pixels));
  return target;
}

at::Tensor read_image(const std::filesystem::path& file) {
  const std::string bytes = read_file_bytes(file);
  if (bytes.size() >= 2 && bytes[0] == 'P' && (bytes[1] == '5' || bytes[1] == '6')) {
    return decode_netpbm(file, bytes);
  }
#ifdef TDQ_HAVE_OPENCV
  std::vector<unsigned char> buffer(bytes.begin(), bytes.end());
  cv::Mat mat = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  if (mat.empty() || mat.depth() != CV_8U) throw FormatError(file, "not a readable 8-bit image");
  if (mat.channels() == 3) cv::cvtColor(mat, mat, cv::COLOR_BGR2RGB);
  if (mat.channels() == 4) cv::cvtColor(mat, mat, cv::COLOR_BGRA2RGB);
  at::Tensor image =
      at::empty({mat.rows, mat.cols, mat.channels()}, at::TensorOptions().dtype(at::kByte));
  std::memcpy(image.data_ptr<std::uint8_t>(), mat.data, image.numel());
  return image;
#else
  throw FormatError(file, "only PGM/PPM images can be read in a build without OpenCV");
#endif
}

}  // namespace tdq
