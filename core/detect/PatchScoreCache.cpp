#include "PatchScoreCache.h"

#include <cstring>

namespace ks::detect {

namespace {
std::uint64_t frameHash(const cv::Mat& m)
{
    // FNV-1a over 8-byte words (the tail bytewise); row by row for views into larger frames.
    std::uint64_t h = 1469598103934665603ull;
    const std::size_t rowBytes = m.cols * m.elemSize();
    for (int y = 0; y < m.rows; ++y) {
        const uchar* p = m.ptr(y);
        std::size_t i = 0;
        for (; i + 8 <= rowBytes; i += 8) {
            std::uint64_t w;
            std::memcpy(&w, p + i, 8);
            h = (h ^ w) * 1099511628211ull;
        }
        for (; i < rowBytes; ++i)
            h = (h ^ p[i]) * 1099511628211ull;
    }
    return h;
}
} // namespace

void PatchScoreCache::useFrame(const cv::Mat& gray8)
{
    const std::uint64_t h = frameHash(gray8);
    if (h == m_hash && gray8.rows == m_rows && gray8.cols == m_cols && gray8.type() == m_type)
        return;
    m_scores.clear();
    m_hash = h;
    m_rows = gray8.rows;
    m_cols = gray8.cols;
    m_type = gray8.type();
}

void PatchScoreCache::clear()
{
    m_scores.clear();
    m_rows = m_cols = m_type = -1;
}

std::optional<float> PatchScoreCache::find(const std::string& tag, const Box& box) const
{
    const auto it = m_scores.find(Key{tag, {box.x, box.y, box.width, box.height}});
    if (it == m_scores.end())
        return std::nullopt;
    return it->second;
}

void PatchScoreCache::store(const std::string& tag, const Box& box, float score)
{
    if (m_scores.size() >= kMaxScores)
        m_scores.clear();
    m_scores[Key{tag, {box.x, box.y, box.width, box.height}}] = score;
}

} // namespace ks::detect
