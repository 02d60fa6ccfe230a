// The GUI side of the two-process test: the project held exactly as the GUI holds it (an
// AnnotationSession on the offscreen platform), driven by lines on stdin, one line on stdout
// AFTER each edit was committed:
//   add X    → a ROI at x = X on the image on screen        → "A <id> <X>"
//   train    → what the Train dialog does (TrainData opens the project again in this process)
//                                                            → "T <frames>"
//   count    → "C <number of ROIs on screen>"
// Usage: ks_gui_store_helper PROJECT IMAGE_FILE. The test kills it with SIGKILL.
#include "models/AnnotationSession.h"
#include "models/TrainData.h"

#include <QGuiApplication>

#include <opencv2/core.hpp>

#include <iostream>
#include <string>

#include <unistd.h>

namespace {

void reply(const std::string& line)
{
    const std::string s = line + "\n";
    if (::write(STDOUT_FILENO, s.data(), s.size()) != static_cast<ssize_t>(s.size()))
        std::_Exit(5);
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    if (argc != 3) {
        std::cerr << "usage: ks_gui_store_helper PROJECT IMAGE_FILE\n";
        return 2;
    }
    ks::ui::AnnotationSession session;
    session.setAuthor(QStringLiteral("gui-reader"));
    QObject::connect(&session, &ks::ui::AnnotationSession::failed,
                     [](const QString& m) { std::cerr << "failed: " << m.toStdString() << "\n"; });
    try {
        session.openProject(QString::fromLocal8Bit(argv[1]), true);
    } catch (const std::exception& e) {
        std::cerr << e.what() << "\n";
        return 1;
    }
    ks::Image image;
    image.frames.push_back(cv::Mat(240, 320, CV_8UC1, cv::Scalar(90)));
    image.calibration = ks::Calibration::user(0.3);
    session.setImage(QString::fromLocal8Bit(argv[2]), image);

    std::string cmd;
    while (std::cin >> cmd) {
        if (cmd == "add") {
            double x = 0;
            std::cin >> x;
            ks::annotation::Annotation a;
            a.box = ks::Box{x, 10, 50, 40};
            const auto stored = session.addRoi(a);
            if (!stored)
                return 3;
            reply("A " + std::to_string(stored->id) + " " + std::to_string(x));
        } else if (cmd == "train") {
            ks::ui::TrainDataFilter f;
            f.label.clear();
            reply("T " + std::to_string(ks::ui::TrainData::count(session.projectFolder().toStdString(), f)));
        } else if (cmd == "count") {
            reply("C " + std::to_string(session.visibleAnnotations().size()));
        } else {
            return 4;
        }
    }
    return 0;
}
