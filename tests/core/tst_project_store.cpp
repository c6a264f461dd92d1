// project.json and the project folder: round trip, class changes, and refusal of bad files
// without touching anything on disk.
#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

#include "support/TestImages.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/JobContext.h"
#include "tint/Project.h"
#include "tint/Workflow.h"

namespace fs = std::filesystem;

class TestProjectStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_n = 0;
    std::string fresh(const std::string& stem = "p") {
        return (fs::path(m_dir.path().toStdString()) / (stem + std::to_string(++m_n) + ".tintproj")).string();
    }
    static std::vector<std::uint8_t> bytes(const std::string& f) { return testimg::read_bytes(f); }
    static void expectOpenFails(const std::string& root, const QString& needle) {
        auto before = testimg::read_bytes(root + "/project.json");
        auto mtime  = fs::last_write_time(root + "/project.json");
        try {
            tint::Project::open(root);
            QFAIL("open must fail");
        } catch (const tint::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(needle), e.what());
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("project.json")), "message names the file");
        }
        QCOMPARE(testimg::read_bytes(root + "/project.json"), before);
        QVERIFY(fs::last_write_time(root + "/project.json") == mtime);
    }

private Q_SLOTS:
    // The inversion and distillation settings kept in project.json: every field round-trips, the
    // optional distillation fields appear only when set (old runs' configs stay equal), wrong types
    // are named, and the sections survive saving and opening the project.
    void workflowSettingsRoundTrip() {
        tint::TintSettings t;
        t.ti_steps = 123, t.resolution = 320, t.ti_early_stop = true, t.steps = 7, t.guidance = 3.5, t.seed = 99;
        t.prompt_template = "a picture of {}";
        auto t2 = tint::tint_settings_from_json(tint::tint_settings_to_json(t), "t");
        QCOMPARE(tint::tint_settings_to_json(t2), tint::tint_settings_to_json(t));
        QCOMPARE(t2.ti_steps, 123);
        QCOMPARE(t2.prompt_template, std::string("a picture of {}"));
        tint::DistillSpec d;
        QVERIFY(tint::distill_spec_to_json(d).find("student_init") == std::string::npos);
        QVERIFY(tint::distill_spec_to_json(d).find("teacher_finetune") == std::string::npos);  // old runs still resume
        QVERIFY(tint::distill_spec_to_json(d).find("crop_min") == std::string::npos);
        QVERIFY(tint::distill_spec_to_json(d).find("feature_weight") == std::string::npos);
        QVERIFY(tint::distill_spec_to_json(d).find("train_augment") == std::string::npos);
        QVERIFY(tint::distill_spec_to_json(d).find("stage_match") == std::string::npos);
        d.student = "mobilenetv2", d.student_init = "imagenet", d.teacher_features = "logits", d.epochs = 3;
        d.teacher_finetune_blocks = 2, d.teacher_finetune_steps = 77, d.crop_min = 0.3;
        d.feature_weight = 2.5, d.train_augment = false, d.stage_match_epochs = 4;
        d.validation_dir = "/data/val";
        auto d2 = tint::distill_spec_from_json(tint::distill_spec_to_json(d), "d");
        QCOMPARE(tint::distill_spec_to_json(d2), tint::distill_spec_to_json(d));
        QCOMPARE(d2.student_init, std::string("imagenet"));
        QCOMPARE(d2.teacher_features, std::string("logits"));
        QCOMPARE(d2.teacher_finetune_blocks, 2);
        QCOMPARE(d2.teacher_finetune_steps, 77);
        QCOMPARE(d2.crop_min, 0.3);
        QCOMPARE(d2.feature_weight, 2.5);
        QCOMPARE(d2.train_augment, false);
        QCOMPARE(d2.stage_match_epochs, 4);
        QCOMPARE(tint::distill_spec_from_json("", "d").epochs, tint::DistillSpec{}.epochs);
        try {
            tint::distill_spec_from_json("{\"epochs\": \"many\"}", "project.json: distill");
            QFAIL("a string for epochs was accepted");
        } catch (const tint::Error& e) {
            QVERIFY(std::string(e.what()).find("'epochs'") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(tint::Error, tint::tint_settings_from_json("{\"prompt_template\": \"no slot\"}", "t"));

        QTemporaryDir dir;
        auto p = tint::Project::create(dir.filePath(QStringLiteral("S.tintproj")).toStdString(), "S");
        p.set_workflow_settings(tint::tint_settings_to_json(t), tint::distill_spec_to_json(d));
        auto q = tint::Project::open(p.root());
        QCOMPARE(tint::distill_spec_from_json(q.data().distill_settings, "d").student_init, std::string("imagenet"));
        QCOMPARE(tint::tint_settings_from_json(q.data().tint_settings, "t").ti_steps, 123);
    }

    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void createMakesTheLayout() {
        std::string root = fresh();
        tint::Project p  = tint::Project::create(root, "Birds");
        for (const char* sub : {"support", "inversions", "synthetic", "runs", "logs"}) QVERIFY(fs::is_directory(fs::path(root) / sub));
        QVERIFY(fs::exists(fs::path(root) / "project.json"));
        QCOMPARE(p.data().schema, tint::kProjectSchema);
        QVERIFY_THROWS_EXCEPTION(tint::Error, tint::Project::create(root, "again"));  // not empty
    }

    void roundTripKeepsEverything() {
        std::string root = fresh();
        {
            tint::Project p = tint::Project::create(root, "Fåglar 鳥");
            p.add_class("Blåmes");
            p.add_class("Robin / red");
            p.add_class("  spaced  ");
            fs::path src = fs::path(m_dir.path().toStdString()) / ("src" + std::to_string(m_n));
            fs::create_directories(src);
            testimg::write_png((src / "a.png").string(), 12, 7, 1);
            testimg::write_png((src / "b.png").string(), 9, 9, 2);
            tint::SilentJobContext ctx;
            auto r = tint::stage_support_images(p.root(), {{p.data().classes[1].dir, {(src / "a.png").string(), (src / "b.png").string()}}},
                                                {}, 32, ctx);
            p.add_staged(r.imported);
            tint::ModelSettings m;
            m.generator_dir = "/models/sd15";
            m.teacher_dir   = "/models/dinov2";
            p.set_models(m);
        }
        tint::Project q = tint::Project::open(root + "/project.json");
        QCOMPARE(QString::fromStdString(q.data().name), QStringLiteral("Fåglar 鳥"));
        QCOMPARE(int(q.data().classes.size()), 3);
        QCOMPARE(q.data().classes[0].name, std::string("Blåmes"));
        QCOMPARE(q.data().classes[1].name, std::string("Robin / red"));
        QVERIFY(q.data().classes[1].dir.find('/') == std::string::npos);
        QCOMPARE(q.data().classes[2].name, std::string("spaced"));
        QCOMPARE(int(q.data().classes[1].supports.size()), 2);
        QCOMPARE(q.data().classes[1].supports[0].width, 12);
        QCOMPARE(q.data().classes[1].supports[0].height, 7);
        QVERIFY(fs::exists(q.absolute(q.data().classes[1].supports[1].file)));
        QCOMPARE(q.data().models.generator_dir, std::string("/models/sd15"));
        QCOMPARE(q.data().models.teacher_dir, std::string("/models/dinov2"));
        // Saving what was read gives the same file again.
        QCOMPARE(tint::project_to_json(q.data()), tint::project_to_json(tint::Project::open(root).data()));
    }

    void classNamesAreChecked() {
        tint::Project p = tint::Project::create(fresh(), "n");
        p.add_class("Daisy");
        QVERIFY_THROWS_EXCEPTION(tint::Error, p.add_class("daisy"));  // case-insensitive duplicate
        QVERIFY_THROWS_EXCEPTION(tint::Error, p.add_class("   "));
        QVERIFY_THROWS_EXCEPTION(tint::Error, p.add_class(std::string("bad\x01name")));
        p.add_class("Rose");
        QVERIFY_THROWS_EXCEPTION(tint::Error, p.rename_class(1, "DAISY"));
        p.rename_class(1, "Rosa");
        QCOMPARE(tint::Project::open(p.root()).data().classes[1].name, std::string("Rosa"));
        QCOMPARE(int(tint::Project::open(p.root()).data().classes.size()), 2);
    }

    void classDirsAreSafeAndUnique() {
        QCOMPARE(tint::make_class_dir("a/b\\c:d", {}), std::string("a_b_c_d"));
        QCOMPARE(tint::make_class_dir("..", {}), std::string("class"));
        QCOMPARE(tint::make_class_dir("Daisy", {"daisy"}), std::string("Daisy-2"));
        QCOMPARE(tint::make_class_dir("Daisy", {"Daisy", "Daisy-2"}), std::string("Daisy-3"));
        std::string longName(100, 'x');
        QCOMPARE(int(tint::make_class_dir(longName, {}).size()), 64);
    }

    void removeClassAndImage() {
        std::string root = fresh();
        tint::Project p  = tint::Project::create(root, "r");
        p.add_class("keep");
        p.add_class("drop");
        fs::path src = fs::path(root).parent_path() / ("img" + std::to_string(m_n));
        fs::create_directories(src);
        testimg::write_png((src / "x.png").string(), 8, 8, 5);
        testimg::write_png((src / "y.png").string(), 8, 8, 6);
        tint::SilentJobContext ctx;
        auto r = tint::stage_support_images(p.root(), {{p.data().classes[0].dir, {(src / "x.png").string(), (src / "y.png").string()}},
                                                       {p.data().classes[1].dir, {(src / "x.png").string()}}},
                                            {}, 32, ctx);
        QCOMPARE(p.add_staged(r.imported), 3);
        std::string dropDir = p.absolute("support/" + p.data().classes[1].dir);
        QVERIFY(fs::exists(dropDir));
        p.remove_class(1);
        QVERIFY(!fs::exists(dropDir));
        std::string gone = p.absolute(p.data().classes[0].supports[0].file);
        p.remove_support(0, 0);
        QVERIFY(!fs::exists(gone));
        tint::Project q = tint::Project::open(root);
        QCOMPARE(int(q.data().classes.size()), 1);
        QCOMPARE(int(q.data().classes[0].supports.size()), 1);
        // Staged images whose class has gone meanwhile are not added, and their files are removed.
        auto late = tint::stage_support_images(p.root(), {{"vanished", {(src / "x.png").string()}}}, {}, 32, ctx);
        QCOMPARE(p.add_staged(late.imported), 0);
        QVERIFY(!fs::exists(p.absolute(late.imported[0].image.file)));
    }

    // Names that once made a saved project unreadable: dots inside a name ("photo..png", a class
    // "Other..."), and file names in another encoding or cut in the middle of a character.
    void oddNamesKeepTheProjectReadable() {
        std::string root = fresh();
        tint::Project p  = tint::Project::create(root, "odd");
        p.add_class("Other...");
        fs::path src = fs::path(root).parent_path() / ("odd" + std::to_string(m_n));
        fs::create_directories(src);
        const std::string kana = "\xe3\x81\x82";  // one 3-byte character
        std::string longUtf8;
        for (int i = 0; i < 34; ++i) longUtf8 += kana;  // 102 bytes: a cut at 100 would split one
        const std::vector<std::string> names = {"photo..png", "caf\xe9.png", longUtf8 + ".png"};
        testimg::write_png((src / names[0]).string(), 8, 8, 2);
        testimg::write_png((src / names[1]).string(), 8, 8, 3);
        testimg::write_png((src / names[2]).string(), 8, 8, 4);
        tint::SilentJobContext ctx;
        std::vector<std::string> files;
        for (const auto& n : names) files.push_back((src / n).string());
        auto r = tint::stage_support_images(p.root(), {{p.data().classes[0].dir, files}}, {}, 32, ctx);
        QCOMPARE(int(r.failed.size()), 0);
        QCOMPARE(p.add_staged(r.imported), 3);
        tint::Project q = tint::Project::open(root);  // threw "invalid file path" / invalid UTF-8 before
        QCOMPARE(int(q.data().classes[0].supports.size()), 3);
        for (const auto& s : q.data().classes[0].supports) QVERIFY2(fs::exists(q.absolute(s.file)), s.file.c_str());
        // A class name in another encoding is refused with a reason, not saved.
        try {
            p.add_class("caf\xe9");
            QFAIL("a class name that is not UTF-8 was accepted");
        } catch (const tint::Error& e) {
            QVERIFY2(std::string(e.what()).find("not UTF-8") != std::string::npos, e.what());
        }
    }

    void reimportIsADuplicate() {
        tint::Project p = tint::Project::create(fresh(), "d");
        p.add_class("c");
        fs::path src = fs::path(p.root()).parent_path() / ("dup" + std::to_string(m_n));
        fs::create_directories(src);
        testimg::write_png((src / "x.png").string(), 8, 8, 5);
        tint::SilentJobContext ctx;
        auto first = tint::stage_support_images(p.root(), {{p.data().classes[0].dir, {(src / "x.png").string()}}}, {}, 32, ctx);
        p.add_staged(first.imported);
        auto again = tint::stage_support_images(p.root(), {{p.data().classes[0].dir, {(src / "x.png").string()}}},
                                                {{p.data().classes[0].dir, p.support_hashes(0)}}, 32, ctx);
        QCOMPARE(int(again.imported.size()), 0);
        QCOMPARE(int(again.failed.size()), 1);
        QVERIFY(again.failed[0].reason.find("already in this class") != std::string::npos);
        // Two imports queued before either was recorded both stage the picture (each checked the
        // class as it was): the second is not added, and its copy is deleted.
        auto queued = tint::stage_support_images(p.root(), {{p.data().classes[0].dir, {(src / "x.png").string()}}}, {}, 32, ctx);
        QCOMPARE(int(queued.imported.size()), 1);
        const std::string copy = p.absolute(queued.imported[0].image.file);
        QVERIFY(fs::exists(copy));
        QCOMPARE(p.add_staged(queued.imported), 0);
        QCOMPARE(int(p.data().classes[0].supports.size()), 1);
        QVERIFY(!fs::exists(copy));
    }

    void unknownKeysSurviveASave() {
        auto data        = tint::project_from_json(
            R"({"schema": 1, "name": "u", "future_feature": {"a": [1, 2]}, "classes": []})", "test");
        QCOMPARE(int(data.unknown.size()), 1);
        auto again = tint::project_from_json(tint::project_to_json(data), "test");
        QCOMPARE(again.unknown.at("future_feature"), std::string(R"({"a":[1,2]})"));
    }

    void corruptProjectIsRefusedUntouched() {
        std::string root = fresh();
        tint::Project::create(root, "c").add_class("a");
        auto good = bytes(root + "/project.json");
        testimg::write_bytes(root + "/project.json", {good.begin(), good.begin() + std::ptrdiff_t(good.size() / 2)});
        expectOpenFails(root, QStringLiteral("truncated or corrupt"));
        std::string garbage = "\x89PNG not json at all";
        testimg::write_bytes(root + "/project.json", {garbage.begin(), garbage.end()});
        expectOpenFails(root, QStringLiteral("not a valid project file"));
        std::string wrongType = R"({"schema": 1, "classes": {"a": 1}})";
        testimg::write_bytes(root + "/project.json", {wrongType.begin(), wrongType.end()});
        expectOpenFails(root, QStringLiteral("classes"));
        std::string escape = R"({"schema": 1, "classes": [{"name": "a", "dir": "a", "supports": [{"file": "../../etc/passwd"}]}]})";
        testimg::write_bytes(root + "/project.json", {escape.begin(), escape.end()});
        expectOpenFails(root, QStringLiteral("invalid file path"));
        // Paths that a removal would turn into deleting a folder, or that leave the class's folder.
        for (const char* file : {".", "support", "support/a", "support/a/..", "support/b/x.png", "/etc/passwd"}) {
            const std::string j = "{\"schema\": 1, \"classes\": [{\"name\": \"a\", \"dir\": \"a\", \"supports\": [{\"file\": \"" +
                                  std::string(file) + "\"}]}]}";
            testimg::write_bytes(root + "/project.json", {j.begin(), j.end()});
            expectOpenFails(root, QStringLiteral("invalid file path"));
        }
        std::string twice = R"({"schema": 1, "classes": [{"name": "a", "dir": "x"}, {"name": "b", "dir": "X"}]})";
        testimg::write_bytes(root + "/project.json", {twice.begin(), twice.end()});
        expectOpenFails(root, QStringLiteral("is used by the class 'a' too"));
        testimg::write_bytes(root + "/project.json", {});
        expectOpenFails(root, QStringLiteral("truncated or corrupt"));
    }

    void newerSchemaIsRefusedUntouched() {
        std::string root = fresh();
        tint::Project::create(root, "n");
        std::string future = R"({"schema": 99, "name": "from the future", "classes": []})";
        testimg::write_bytes(root + "/project.json", {future.begin(), future.end()});
        expectOpenFails(root, QStringLiteral("newer"));
    }

    void atomicWriteLeavesNoTemporaryFiles() {
        std::string dir = m_dir.path().toStdString() + "/atomic";
        fs::create_directories(dir);
        for (int i = 0; i < 20; ++i) tint::write_file_atomic(dir + "/f.txt", std::string(std::size_t(i * 100), 'a'));
        int entries = 0;
        for (const auto& e : fs::directory_iterator(dir)) {
            (void)e;
            ++entries;
        }
        QCOMPARE(entries, 1);
        QCOMPARE(int(fs::file_size(dir + "/f.txt")), 1900);
        // Writing into a folder that does not exist fails with a message and leaves nothing.
        try {
            tint::write_file_atomic(dir + "/missing/f.txt", std::string("x"));
            QFAIL("must throw");
        } catch (const tint::Error& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(QStringLiteral("No such file")), e.what());
        }
    }

    void namesAreJoinedForMessages() {
        QCOMPARE(tint::join({}), std::string());
        QCOMPARE(tint::join({"daisy"}), std::string("daisy"));
        QCOMPARE(tint::join({"daisy", "", "tulip"}), std::string("daisy, , tulip"));
        QCOMPARE(tint::join({"a", "b"}, "|"), std::string("a|b"));
    }

    void demoProjectFromBundledPhotos() {
        std::string root = fresh("demo");
        tint::SilentJobContext ctx;
        tint::Project p = tint::create_demo_project(root, TINT_SOURCE_RESOURCES "/demo/flowers", 5, ctx);
        QCOMPARE(int(p.data().classes.size()), 5);
        for (const auto& c : p.data().classes) QCOMPARE(int(c.supports.size()), 5);
        QCOMPARE(p.data().classes[0].name, std::string("daisy"));
        QVERIFY(fs::exists(p.absolute("support/ATTRIBUTION.txt")));
        // A stop while the photos are copied ends the making of the demo (the caller discards the
        // folder): a demo with some classes short of photos is never returned.
        tint::CancelSource stop;
        stop.request(tint::CancelMode::Now);
        tint::SilentJobContext stopped(stop.token());
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled,
                                 tint::create_demo_project(fresh("demo-stopped"), TINT_SOURCE_RESOURCES "/demo/flowers", 5, stopped));
    }
};

QTEST_APPLESS_MAIN(TestProjectStore)
#include "tst_project_store.moc"
