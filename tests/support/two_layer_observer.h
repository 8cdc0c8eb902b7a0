#pragma once
// A RangeObserver over two made-up layers, fed by hand: the tests of the observer and of merging
// observers over ranks.
#include <ATen/ATen.h>

#include <vector>

#include "core/quant/range_observer.h"

namespace tdq::test {

inline std::vector<LayerInfo> two_layers() {
  LayerInfo a, b;
  a.index = 0;
  a.path = "down.conv";
  b.index = 1;
  b.path = "up.conv";
  return {a, b};
}

// One forward at time steps `t` (one per sample): layer 0 sees x, layer 1 sees 2x.
inline void observe(RangeObserver& observer, const at::Tensor& x, const at::Tensor& t) {
  observer.on_forward(t);
  observer.on_input(0, x);
  observer.on_input(1, 2 * x);
}

}  // namespace tdq::test
