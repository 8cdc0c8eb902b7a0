#pragma once
#include <cstdint>
#include <filesystem>

#include <ATen/Tensor.h>

namespace tdq {

// Tiles images [N, C, H, W] with values in [-1, 1] into one uint8 image [H', W', C] with `columns`
// per row and `padding` pixels of white between tiles (like torchvision's make_grid).
at::Tensor make_image_grid(const at::Tensor& images, std::int64_t columns,
                           std::int64_t padding = 2);

// Writes a uint8 [H, W, C] image (C = 1 or 3) atomically. PNG through OpenCV when the build has it;
// otherwise, or when the extension asks for it, binary PGM (C = 1) / PPM (C = 3): the returned path
// has the extension actually written.
std::filesystem::path write_image(const std::filesystem::path& file, const at::Tensor& image);

// Reads an 8-bit image (PNG with OpenCV; PGM/PPM always) as uint8 [H, W, C].
at::Tensor read_image(const std::filesystem::path& file);

}  // namespace tdq
