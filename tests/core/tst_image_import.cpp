// Import of support images: every odd format decodes right, every bad file is reported with its
// path and reason while the good files of the same batch are imported.
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/TestImages.h"
#include "tint/Error.h"
#include "tint/Image.h"
#include "tint/JobContext.h"
#include "tint/Project.h"

namespace fs = std::filesystem;

class TestImageImport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::string path(const std::string& name) const { return (fs::path(m_dir.path().toStdString()) / name).string(); }
    static std::array<int, 3> px(const tint::ImageU8& im, int x, int y) {
        const std::uint8_t* p = &im.data[(std::size_t(y) * im.width + x) * 3];
        return {p[0], p[1], p[2]};
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void jpegIsRgb() {
        testimg::write_split_jpeg(path("split.jpg"), 40, 20);
        auto im = tint::load_image_rgb(path("split.jpg"));
        QCOMPARE(im.width, 40);
        QCOMPARE(im.height, 20);
        QCOMPARE(im.channels, 3);
        auto left = px(im, 5, 10), right = px(im, 35, 10);
        QVERIFY2(left[0] > 200 && left[2] < 60, "left half must be red in RGB order");
        QVERIFY2(right[2] > 200 && right[0] < 60, "right half must be blue");
    }

    void exifOrientationIsApplied_data() {
        QTest::addColumn<int>("orientation");
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("height");
        QTest::addColumn<bool>("redOnTop");  // where the stored left (red) half ends up
        QTest::newRow("1 normal") << 1 << 40 << 20 << false;
        QTest::newRow("6 rotate 90 cw") << 6 << 20 << 40 << true;
        QTest::newRow("8 rotate 90 ccw") << 8 << 20 << 40 << false;
        QTest::newRow("3 rotate 180") << 3 << 40 << 20 << false;
    }
    void exifOrientationIsApplied() {
        QFETCH(int, orientation);
        QFETCH(int, width);
        QFETCH(int, height);
        QFETCH(bool, redOnTop);
        std::string f = path("exif" + std::to_string(orientation) + ".jpg");
        testimg::write_split_jpeg_exif(f, 40, 20, orientation);
        auto im = tint::load_image_rgb(f);
        QCOMPARE(im.width, width);
        QCOMPARE(im.height, height);
        if (width < height) {
            auto top = px(im, 10, 5);
            QCOMPARE(top[0] > 200, redOnTop);
        } else {
            auto left = px(im, 5, 10);
            QCOMPARE(left[0] > 200, orientation == 1);  // 180 degrees puts red on the right
        }
    }

    void grayscaleBecomesRgb() {
        testimg::write_gray_png(path("gray.png"), 16, 8);
        auto im = tint::load_image_rgb(path("gray.png"));
        QCOMPARE(im.channels, 3);
        QCOMPARE(px(im, 3, 3), (std::array<int, 3>{77, 77, 77}));
    }

    void sixteenBitIsScaled() {
        testimg::write_png16(path("deep.png"), 16, 8);
        auto im = tint::load_image_rgb(path("deep.png"));
        QCOMPARE(px(im, 0, 0), (std::array<int, 3>{128, 128, 128}));
    }

    void alphaIsCompositedOverWhite() {
        testimg::write_rgba_png(path("alpha.png"), 20, 10);
        auto im = tint::load_image_rgb(path("alpha.png"));
        QCOMPARE(im.channels, 3);
        QCOMPARE(px(im, 2, 5), (std::array<int, 3>{0, 255, 0}));
        QCOMPARE(px(im, 17, 5), (std::array<int, 3>{255, 255, 255}));
    }

    void cmykJpegIsConverted() {
        // 48x32 red-to-blue vertical gradient saved as a CMYK JPEG (tests/data/cmyk.jpg).
        auto im = tint::load_image_rgb(TINT_TEST_DATA "/cmyk.jpg");
        QCOMPARE(im.width, 48);
        QCOMPARE(im.height, 32);
        auto top = px(im, 24, 1), bottom = px(im, 24, 30);
        QVERIFY2(top[0] > 180 && top[2] < 90, "top must be red");
        QVERIFY2(bottom[2] > 180 && bottom[0] < 90, "bottom must be blue");
    }

    void probeRejectsHugeImagesBeforeDecoding() {
        testimg::write_png_header_only(path("huge.png"), 20000, 20000);
        try {
            tint::load_image_rgb(path("huge.png"));
            QFAIL("a 20000x20000 image must be refused");
        } catch (const tint::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("20000x20000")), e.what());
        }
    }

    // A JPEG whose frame header cannot be found before decoding (junk before it), and bytes of a
    // format the probe does not know, are refused instead of decoded without the pixel limit.
    void imagesWithoutAReadableSizeAreRefused() {
        const std::vector<std::uint8_t> jpeg = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
                                                0x42,  // junk where the next marker should be
                                                0xFF, 0xC0, 0x00, 0x11, 0x08, 0x80, 0x00, 0x80, 0x00, 0x03, 1, 0x22, 0, 2, 0x11, 1,
                                                3, 0x11, 1, 0xFF, 0xD9};
        testimg::write_bytes(path("lying.jpg"), jpeg);
        try {
            tint::load_image_rgb(path("lying.jpg"));
            QFAIL("a JPEG without a readable size was decoded");
        } catch (const tint::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("gives no size")) &&
                         QString::fromUtf8(e.what()).contains(QStringLiteral("lying.jpg")),
                     e.what());
        }
        const std::string pfm = "PF\n4 4\n-1.0\n";
        testimg::write_bytes(path("float.pfm"), {pfm.begin(), pfm.end()});
        try {
            tint::load_image_rgb(path("float.pfm"));
            QFAIL("an image format the probe does not read was decoded");
        } catch (const tint::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("not an image in a format")), e.what());
        }
    }

    void thumbnailKeepsAspect() {
        testimg::write_png(path("wide.png"), 400, 100);
        auto t = tint::make_thumbnail(tint::load_image_rgb(path("wide.png")), 160);
        QCOMPARE(t.width, 160);
        QCOMPARE(t.height, 40);
    }

    // A batch of good and bad files: the good ones are copied, each bad one is named with a reason.
    void badFilesAreReportedOneByOne() {
        fs::path src = fs::path(m_dir.path().toStdString()) / "källa 花";
        fs::create_directories(src);
        auto in = [&](const std::string& n) { return (src / n).string(); };
        testimg::write_split_jpeg(in("good.jpg"), 64, 48);
        testimg::write_png(in("blåklint_花.png"), 30, 30, 3);
        testimg::write_png(in("second.png"), 30, 30, 4);
        auto jpg = testimg::read_bytes(in("good.jpg"));
        testimg::write_bytes(in("truncated.jpg"), {jpg.begin(), jpg.begin() + std::ptrdiff_t(jpg.size() / 2)});
        std::vector<std::uint8_t> corrupt(jpg.begin(), jpg.begin() + 20);
        for (int i = 0; i < 2000; ++i) corrupt.push_back(std::uint8_t((i * 7919) & 0xFF));
        testimg::write_bytes(in("corrupt.jpg"), corrupt);
        auto png = testimg::read_bytes(in("second.png"));
        testimg::write_bytes(in("truncated.png"), {png.begin(), png.begin() + std::ptrdiff_t(png.size() * 6 / 10)});
        testimg::write_bytes(in("empty.jpg"), {});
        std::string text = "this is not an image\n";
        testimg::write_bytes(in("notes.jpg"), {text.begin(), text.end()});
        testimg::write_png_header_only(in("huge.png"), 20000, 20000);
        fs::create_directories(src / "folder.jpg");

        fs::path root = fs::path(m_dir.path().toStdString()) / "proj.tintproj";
        tint::Project p = tint::Project::create(root.string(), "t");
        const auto& c   = p.add_class("Blåklint");
        std::vector<std::string> files = {in("good.jpg"),     in("truncated.jpg"),   in("corrupt.jpg"),
                                          in("blåklint_花.png"), in("truncated.png"), in("empty.jpg"),
                                          in("notes.jpg"),    in("huge.png"),        in("folder.jpg"),
                                          in("missing.jpg"),  in("second.png"),      in("good.jpg")};
        tint::SilentJobContext ctx;
        auto report = tint::stage_support_images(p.root(), {{c.dir, files}}, {}, 64, ctx);

        QCOMPARE(int(report.imported.size()), 3);
        QCOMPARE(int(report.failed.size()), 9);
        auto reason = [&](const std::string& file) -> QString {
            for (const auto& f : report.failed)
                if (f.path == in(file)) return QString::fromStdString(f.reason);
            return QStringLiteral("<not reported>");
        };
        QVERIFY2(reason("truncated.jpg").contains(QStringLiteral("truncated")), qPrintable(reason("truncated.jpg")));
        QVERIFY2(reason("corrupt.jpg").contains(QStringLiteral("corrupt")), qPrintable(reason("corrupt.jpg")));
        QVERIFY2(reason("truncated.png").contains(QStringLiteral("truncated or corrupt")),
                 qPrintable(reason("truncated.png")));
        QVERIFY2(reason("empty.jpg").contains(QStringLiteral("empty")), qPrintable(reason("empty.jpg")));
        QVERIFY2(reason("notes.jpg").contains(QStringLiteral("not an image")), qPrintable(reason("notes.jpg")));
        QVERIFY2(reason("huge.png").contains(QStringLiteral("20000x20000")), qPrintable(reason("huge.png")));
        QVERIFY2(reason("folder.jpg").contains(QStringLiteral("not a regular file")), qPrintable(reason("folder.jpg")));
        QVERIFY2(reason("missing.jpg").contains(QStringLiteral("does not exist")), qPrintable(reason("missing.jpg")));
        // The same picture twice in one batch: the second is a duplicate.
        int dupes = 0;
        for (const auto& f : report.failed)
            if (f.path == in("good.jpg") && f.reason.find("already in this class") != std::string::npos) ++dupes;
        QCOMPARE(dupes, 1);

        // The good files were copied byte for byte, under safe names, with thumbnails.
        for (const auto& s : report.imported) {
            QVERIFY(fs::exists(p.absolute(s.image.file)));
            QCOMPARE(testimg::read_bytes(p.absolute(s.image.file)), testimg::read_bytes(s.image.source));
            QVERIFY(!s.thumbnail.empty());
        }
        QCOMPARE(p.add_staged(report.imported), 3);
        tint::Project again = tint::Project::open(p.root());
        QCOMPARE(int(again.data().classes[0].supports.size()), 3);
        QCOMPARE(again.data().classes[0].supports[1].width, 30);
    }

    void unreadableFileIsReported() {
        fs::path base = fs::path(m_dir.path().toStdString()) / "perm";
        fs::create_directories(base / "support");
        testimg::write_png(base.string() + "/locked.png", 10, 10, 1);
        testimg::write_png(base.string() + "/open.png", 10, 10, 2);
        ::chmod((base.string() + "/locked.png").c_str(), 0);
        QString reasonText;
        int imported = -1;
        if (geteuid() == 0) {
            // Root reads anything: run the import as user nobody in a child process.
            ::chmod(m_dir.path().toLocal8Bit().constData(), 0755);
            for (const char* d : {"", "/support"}) ::chmod((base.string() + d).c_str(), 0777);
            QProcess child;
            child.start(QStringLiteral(TINT_TEST_HELPER),
                        {QStringLiteral("stage-as-nobody"), QString::fromStdString(base.string()),
                         QString::fromStdString(base.string() + "/locked.png"),
                         QString::fromStdString(base.string() + "/open.png")});
            QVERIFY(child.waitForFinished(60000));
            QCOMPARE(child.exitCode(), 0);
            for (const QString& line : QString::fromUtf8(child.readAllStandardOutput()).split(QLatin1Char('\n'))) {
                if (line.startsWith(QStringLiteral("imported "))) imported = line.mid(9).toInt();
                if (line.startsWith(QStringLiteral("failed ")) && line.contains(QStringLiteral("locked.png")))
                    reasonText = line.section(QLatin1Char('\t'), 1);
            }
        } else {
            tint::SilentJobContext ctx;
            auto r = tint::stage_support_images(base.string(), {{"c", {base.string() + "/locked.png",
                                                                       base.string() + "/open.png"}}},
                                                {}, 64, ctx);
            imported = int(r.imported.size());
            for (const auto& f : r.failed) reasonText = QString::fromStdString(f.reason);
        }
        QCOMPARE(imported, 1);
        QVERIFY2(reasonText.contains(QStringLiteral("Permission denied")), qPrintable(reasonText));
    }

    void cancelStopsBetweenFiles() {
        fs::path base = fs::path(m_dir.path().toStdString()) / "cancel";
        fs::create_directories(base);
        std::vector<std::string> files;
        for (int i = 0; i < 5; ++i) {
            files.push_back((base / ("f" + std::to_string(i) + ".png")).string());
            testimg::write_png(files.back(), 8, 8, i);
        }
        // A context that asks to stop after the second file has been reported.
        struct StopAfter : tint::JobContext {
            tint::CancelSource src;
            tint::CancelToken tok = src.token();
            tint::CancelMode mode;
            explicit StopAfter(tint::CancelMode m) : mode(m) {}
            void report(const tint::Progress& p) override {
                if (p.step == 2) src.request(mode);
            }
            const tint::CancelToken& cancel() const override { return tok; }
        };
        StopAfter after(tint::CancelMode::AfterCurrentItem);
        auto r = tint::stage_support_images(base.string(), {{"c", files}}, {}, 32, after);
        QVERIFY(r.cancelled);
        QCOMPARE(int(r.imported.size()), 3);  // the item being worked on when asked is finished
        // "Stop now" also returns the files already copied, so that they are recorded: a thrown
        // Cancelled had left copied files in the class folder that project.json never listed.
        StopAfter now(tint::CancelMode::Now);
        auto rn = tint::stage_support_images(base.string(), {{"d", files}}, {}, 32, now);
        QVERIFY(rn.cancelled);
        QCOMPARE(int(rn.imported.size()), 3);
        int copied = 0;
        for (const auto& e : fs::directory_iterator(base / "support" / "d")) {
            (void)e;
            ++copied;
        }
        QCOMPARE(copied, 3);
    }

    // Scanning a folder per class stops between folders when cancelled (Cancel in the status bar).
    void folderScanStopsWhenCancelled() {
        fs::path base = fs::path(m_dir.path().toStdString()) / "scan";
        for (const char* cls : {"a", "b"}) {
            fs::create_directories(base / cls);
            testimg::write_png((base / cls / "x.png").string(), 8, 8, 1);
        }
        tint::SilentJobContext running;
        QCOMPARE(int(tint::scan_class_folders(base.string(), &running).size()), 2);
        tint::CancelSource source;
        tint::SilentJobContext stopped(source.token());
        source.request(tint::CancelMode::AfterCurrentItem);
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, tint::scan_class_folders(base.string(), &stopped));
    }
};

QTEST_APPLESS_MAIN(TestImageImport)
#include "tst_image_import.moc"
