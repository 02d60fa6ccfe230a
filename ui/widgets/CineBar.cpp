#include "widgets/CineBar.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QSlider>
#include <QStyle>
#include <QTimer>
#include <QToolButton>

#include <algorithm>
#include <cmath>

namespace ks::ui {

CineBar::CineBar(QWidget* parent)
    : QWidget(parent),
      m_timer(new QTimer(this)),
      m_playButton(new QToolButton(this)),
      m_prevButton(new QToolButton(this)),
      m_nextButton(new QToolButton(this)),
      m_slider(new QSlider(Qt::Horizontal, this)),
      m_label(new QLabel(this)),
      m_speedBox(new QComboBox(this)),
      m_loopBox(new QCheckBox(tr("Loop"), this))
{
    m_timer->setTimerType(Qt::PreciseTimer);
    connect(m_timer, &QTimer::timeout, this, &CineBar::advance);

    m_prevButton->setIcon(style()->standardIcon(QStyle::SP_MediaSeekBackward));
    m_prevButton->setToolTip(tr("Previous frame (Left)"));
    m_nextButton->setIcon(style()->standardIcon(QStyle::SP_MediaSeekForward));
    m_nextButton->setToolTip(tr("Next frame (Right)"));
    m_playButton->setToolTip(tr("Play / pause (P)"));
    connect(m_prevButton, &QToolButton::clicked, this, &CineBar::previous);
    connect(m_nextButton, &QToolButton::clicked, this, &CineBar::next);
    connect(m_playButton, &QToolButton::clicked, this, &CineBar::togglePlay);

    m_slider->setMinimum(0);
    m_slider->setPageStep(1);
    connect(m_slider, &QSlider::valueChanged, this, &CineBar::setFrame);

    for (double f : {0.25, 0.5, 1.0, 1.5, 2.0, 4.0})
        m_speedBox->addItem(QStringLiteral("%1×").arg(f), f);
    m_speedBox->setCurrentIndex(2);
    m_speedBox->setToolTip(tr("Speed relative to the file's frame rate"));
    connect(m_speedBox, &QComboBox::currentIndexChanged, this,
            [this](int i) { setSpeed(m_speedBox->itemData(i).toDouble()); });

    m_loopBox->setChecked(m_loop);
    connect(m_loopBox, &QCheckBox::toggled, this, &CineBar::setLoop);

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(6, 2, 6, 2);
    layout->addWidget(m_playButton);
    layout->addWidget(m_prevButton);
    layout->addWidget(m_nextButton);
    layout->addWidget(m_slider, 1);
    layout->addWidget(m_label);
    layout->addWidget(m_speedBox);
    layout->addWidget(m_loopBox);
    updateControls();
}

void CineBar::setFrameCount(int count)
{
    pause();
    m_count = std::max(0, count);
    m_frame = 0;
    {
        const QSignalBlocker block(m_slider);
        m_slider->setMaximum(std::max(0, m_count - 1));
        m_slider->setValue(0);
    }
    updateControls();
}

void CineBar::setFrameTimeMs(double ms)
{
    m_frameTimeMs = ms > 0 ? ms : 0;
    if (isPlaying())
        m_timer->setInterval(intervalMs());
    updateControls();
}

int CineBar::intervalMs() const
{
    const double frameTime = m_frameTimeMs > 0 ? m_frameTimeMs : defaultFrameTimeMs;
    return std::max(1, static_cast<int>(std::lround(frameTime / m_speed)));
}

bool CineBar::isPlaying() const { return m_timer->isActive(); }

void CineBar::setFrame(int index)
{
    if (m_count <= 0)
        return;
    index = std::clamp(index, 0, m_count - 1);
    if (index == m_frame)
        return;
    m_frame = index;
    {
        const QSignalBlocker block(m_slider);
        m_slider->setValue(index);
    }
    updateControls();
    Q_EMIT frameChanged(m_frame);
}

void CineBar::next() { setFrame(m_frame + 1 < m_count ? m_frame + 1 : (m_loop ? 0 : m_frame)); }
void CineBar::previous() { setFrame(m_frame > 0 ? m_frame - 1 : (m_loop ? m_count - 1 : 0)); }

void CineBar::play()
{
    if (m_count < 2 || isPlaying())
        return;
    if (!m_loop && m_frame == m_count - 1)
        setFrame(0);
    m_timer->start(intervalMs());
    updateControls();
    Q_EMIT playingChanged(true);
}

void CineBar::pause()
{
    if (!isPlaying())
        return;
    m_timer->stop();
    updateControls();
    Q_EMIT playingChanged(false);
}

void CineBar::togglePlay() { isPlaying() ? pause() : play(); }

void CineBar::setSpeed(double factor)
{
    factor = std::clamp(factor, 0.1, 8.0);
    if (factor == m_speed)
        return;
    m_speed = factor;
    const int i = m_speedBox->findData(factor);
    if (i >= 0) {
        const QSignalBlocker block(m_speedBox);
        m_speedBox->setCurrentIndex(i);
    }
    if (isPlaying())
        m_timer->setInterval(intervalMs());
    updateControls();
    Q_EMIT speedChanged(m_speed);
}

void CineBar::setLoop(bool loop)
{
    if (loop == m_loop)
        return;
    m_loop = loop;
    {
        const QSignalBlocker block(m_loopBox);
        m_loopBox->setChecked(loop);
    }
    Q_EMIT loopChanged(loop);
}

void CineBar::advance()
{
    if (m_count < 2)
        return;
    if (m_frame + 1 < m_count)
        setFrame(m_frame + 1);
    else if (m_loop)
        setFrame(0);
    else
        pause();
}

void CineBar::updateControls()
{
    const bool multi = m_count > 1;
    m_playButton->setIcon(style()->standardIcon(isPlaying() ? QStyle::SP_MediaPause : QStyle::SP_MediaPlay));
    for (QWidget* w : std::initializer_list<QWidget*>{m_playButton, m_prevButton, m_nextButton, m_slider, m_speedBox, m_loopBox})
        w->setEnabled(multi);
    const double fps = 1000.0 / intervalMs();
    m_label->setText(tr("%1 / %2   %3 fps").arg(m_count > 0 ? m_frame + 1 : 0).arg(m_count).arg(fps, 0, 'f', 1));
}

} // namespace ks::ui
