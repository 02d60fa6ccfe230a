#pragma once
/// \file CineBar.h
/// Cine controls for multi-frame images: play/pause, previous/next, a frame slider, a speed
/// factor on the file's frame time, and loop. Owns the playback timer; the view follows
/// frameChanged.

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QSlider;
class QTimer;
class QToolButton;

namespace ks::ui {

/// GUI thread only.
class CineBar : public QWidget
{
    Q_OBJECT
public:
    /// Frame time used when the file gives none (25 frames per second).
    static constexpr double defaultFrameTimeMs = 40.0;

    explicit CineBar(QWidget* parent = nullptr);

    /// Resets to frame 0 and stops playback. Playback needs at least two frames.
    void setFrameCount(int count);
    int frameCount() const { return m_count; }
    /// Time between frames from the file (ms); ≤ 0 means unknown (defaultFrameTimeMs).
    void setFrameTimeMs(double ms);
    double frameTimeMs() const { return m_frameTimeMs; }

    int frame() const { return m_frame; }
    /// Timer interval in ms: frame time / speed factor (at least 1 ms).
    int intervalMs() const;
    double speed() const { return m_speed; }
    bool loop() const { return m_loop; }
    bool isPlaying() const;

public Q_SLOTS:
    /// Shows frame `index` (clamped); emits frameChanged when it changes.
    void setFrame(int index);
    void next();
    void previous();
    void play();
    void pause();
    void togglePlay();
    /// Speed factor on the file's frame rate (clamped to [0.1, 8]).
    void setSpeed(double factor);
    void setLoop(bool loop);
    /// One playback tick: the next frame; at the end, frame 0 when looping, else stop.
    void advance();

Q_SIGNALS:
    void frameChanged(int frame);
    void playingChanged(bool playing);
    void speedChanged(double factor);
    void loopChanged(bool loop);

private:
    void updateControls();

    int m_count = 0;
    int m_frame = 0;
    double m_frameTimeMs = 0;
    double m_speed = 1.0;
    bool m_loop = true;
    QTimer* m_timer;
    QToolButton* m_playButton;
    QToolButton* m_prevButton;
    QToolButton* m_nextButton;
    QSlider* m_slider;
    QLabel* m_label;
    QComboBox* m_speedBox;
    QCheckBox* m_loopBox;
};

} // namespace ks::ui
