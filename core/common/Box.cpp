#include "Box.h"

#include <algorithm>
#include <cmath>

namespace ks {

double intersectionArea(const Box& a, const Box& b)
{
    const double w = std::min(a.right(), b.right()) - std::max(a.x, b.x);
    const double h = std::min(a.bottom(), b.bottom()) - std::max(a.y, b.y);
    return (w > 0 && h > 0) ? w * h : 0.0;
}

double dice(const Box& a, const Box& b)
{
    const double sum = a.area() + b.area();
    return sum > 0 ? 2.0 * intersectionArea(a, b) / sum : 0.0;
}

double iou(const Box& a, const Box& b)
{
    const double inter = intersectionArea(a, b);
    const double uni = a.area() + b.area() - inter;
    return uni > 0 ? inter / uni : 0.0;
}

std::array<std::array<double, 2>, 4> RotatedBox::corners() const
{
    const double t = -angleDeg * M_PI / 180.0; // screen y points down
    const double c = std::cos(t), s = std::sin(t);
    const double hl = length / 2, hw = width / 2;
    const double local[4][2] = {{-hl, -hw}, {hl, -hw}, {hl, hw}, {-hl, hw}};
    std::array<std::array<double, 2>, 4> out{};
    for (int i = 0; i < 4; ++i) {
        out[i][0] = centerX + c * local[i][0] - s * local[i][1];
        out[i][1] = centerY + s * local[i][0] + c * local[i][1];
    }
    return out;
}

Box RotatedBox::boundingBox() const
{
    const auto pts = corners();
    double x0 = pts[0][0], x1 = x0, y0 = pts[0][1], y1 = y0;
    for (const auto& p : pts) {
        x0 = std::min(x0, p[0]);
        x1 = std::max(x1, p[0]);
        y0 = std::min(y0, p[1]);
        y1 = std::max(y1, p[1]);
    }
    return Box{x0, y0, x1 - x0, y1 - y0};
}

} // namespace ks
