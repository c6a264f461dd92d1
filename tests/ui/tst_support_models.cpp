// The support-set item models under the model tester while the project changes.
#include <QAbstractItemModelTester>
#include <QIcon>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include "ProjectController.h"
#include "models/ClassListModel.h"
#include "models/SupportImageModel.h"
#include "support/TestImages.h"
#include "tint/JobContext.h"

class TestSupportModels : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void modelsFollowTheProject() {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ProjectController project;
        ClassListModel classes(&project);
        SupportImageModel images(&project);
        QAbstractItemModelTester t1(&classes, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&images, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy wanted(&images, &SupportImageModel::thumbnailsWanted);

        QString error;
        QVERIFY(project.create(dir.path() + QStringLiteral("/m.tintproj"), QStringLiteral("m"), &error));
        QCOMPARE(classes.rowCount(), 0);
        QVERIFY(project.addClass(QStringLiteral("Tulip"), &error));
        QVERIFY(project.addClass(QStringLiteral("Rose"), &error));
        QVERIFY(!project.addClass(QStringLiteral("rose"), &error));
        QVERIFY(error.contains(QStringLiteral("already exists")));
        QCOMPARE(classes.rowCount(), 2);
        QCOMPARE(classes.data(classes.index(1), Qt::EditRole).toString(), QStringLiteral("Rose"));

        std::string a = dir.path().toStdString() + "/a.png", b = dir.path().toStdString() + "/b.png";
        testimg::write_png(a, 20, 10, 1);
        testimg::write_png(b, 10, 20, 2);
        tint::SilentJobContext ctx;
        auto report = tint::stage_support_images(project.project()->root(),
                                                 {{project.classAt(1)->dir, {a, b}}}, {}, 32, ctx);
        QCOMPARE(project.addStaged(report.imported, &error), 2);
        QCOMPARE(classes.data(classes.index(1), ClassListModel::SupportCountRole).toInt(), 2);

        images.setClassIndex(1);
        QCOMPARE(images.rowCount(), 2);
        QVERIFY(wanted.count() >= 1);
        QStringList asked = wanted.last().at(0).toStringList();
        QCOMPARE(asked.size(), 2);
        QCOMPARE(images.data(images.index(0), SupportImageModel::SizeRole).toSize(), QSize(20, 10));
        auto iconColor = [&](int row) {
            QIcon icon = images.data(images.index(row), Qt::DecorationRole).value<QIcon>();
            return icon.pixmap(8, 8).toImage().pixelColor(4, 4);
        };
        QCOMPARE(iconColor(0), QColor(0xe4, 0xe4, 0xe4));  // placeholder until the thumbnail arrives
        QImage thumb(8, 8, QImage::Format_RGB888);
        thumb.fill(Qt::red);
        images.setThumbnail(asked.at(0), thumb);
        QCOMPARE(iconColor(0), QColor(Qt::red));

        // Rename through the model (what editing in the list view does).
        QVERIFY(classes.setData(classes.index(0), QStringLiteral("Tulipa"), Qt::EditRole));
        QCOMPARE(QString::fromStdString(project.classAt(0)->name), QStringLiteral("Tulipa"));
        QSignalSpy renameFailed(&classes, &ClassListModel::renameFailed);
        QVERIFY(!classes.setData(classes.index(0), QStringLiteral("ROSE"), Qt::EditRole));
        QCOMPARE(renameFailed.count(), 1);

        QVERIFY(project.removeSupports(1, {0}, &error));
        QCOMPARE(images.rowCount(), 1);
        QVERIFY(project.removeClass(1, &error));
        QCOMPARE(classes.rowCount(), 1);
        QCOMPARE(images.classIndex(), 0);
        QCOMPARE(images.rowCount(), 0);
        project.close();
        QCOMPARE(classes.rowCount(), 0);
    }
};

QTEST_MAIN(TestSupportModels)
#include "tst_support_models.moc"
