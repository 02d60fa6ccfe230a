#pragma once
/// \file RoiPooling.h
/// Plain-C++ RoI pooling on a convolutional map of a whole frame (the fast feature path), laid
/// out so that a box's bins cover the same cells that its warped 227×227 patch would see.
/// Thread-safe (pure functions).

#include "common/Box.h"

#include <utility>

namespace ks::cnn {

/// Where the cells of a conv map sit: cell k's receptive-field centre is at stride·k + offset
/// pixels of the network input (CaffeNet conv5 and SqueezeNet fire9: stride 16, offset 17).
struct MapGeometry
{
    double stride = 16;
    double offset = 17;
    int patchSize = 227;   ///< the network's patch input side
};

/// Frame cells [first, last] (inclusive, clamped to [0, cells-1], never empty) along one axis that
/// correspond to the patch cells [patchFirst, patchLast] of a box [start, start+length) (pixels of
/// the map's input): the patch cells' span, half a cell wider on each side, is mapped from patch
/// to frame coordinates and the frame cells whose centres fall inside are taken (the nearest one
/// if none does).
std::pair<int, int> frameCellSpan(double start, double length, int patchFirst, int patchLast, int cells,
                                  const MapGeometry& geometry = {});

/// CaffeNet pool5 on a box: a grid×grid max pool whose bin (i, j) covers the frame cells of patch
/// cells [2i, 2i+2] × [2j, 2j+2] (pool5's 3×3 stride-2 windows on conv5's 13×13).
/// \param hwc   map as height × width × channels floats (channels innermost)
/// \param out   channels × grid × grid floats, Caffe's flatten order
void roiMaxPool(const float* hwc, int height, int width, int channels, const Box& box, int grid, float* out,
                const MapGeometry& geometry = {});

/// SqueezeNet's global average on a box: the mean over the frame cells of patch cells [0, lastCell]
/// in both axes (lastCell = 12 for fire9's 13×13), each frame cell weighted by the share of its
/// footprint inside that span (partial cells at the box's edges count partly, so the features
/// change continuously with the box; a patch-aligned box weights whole cells 1 as the global
/// average does). \param out channels floats.
void roiAveragePool(const float* hwc, int height, int width, int channels, const Box& box, int lastCell,
                    float* out, const MapGeometry& geometry = {});

} // namespace ks::cnn
