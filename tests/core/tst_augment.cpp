// Augmentation (crop, flip, colour jitter: statistics and determinism), the background loader
// (batches, cancel, worker errors) and the classic-augmentation generator.
#include <QtTest>

#include <opencv2/imgproc.hpp>
#include <torch/torch.h>

#include <atomic>
#include <filesystem>
#include <set>

#include "support/DemoPhotos.h"
#include "distill/augment.h"
#include "distill/classic_generator.h"
#include "tint/Error.h"
#include "tint/FileUtil.h"
#include "tint/Image.h"
#include "tint/JobContext.h"

namespace fs = std::filesystem;
using namespace tint::distill;

namespace {
const std::string kFlowers = TINT_SOURCE_RESOURCES "/demo/flowers";

// A smooth colour image with structure in both directions (so flips and crops are visible).
cv::Mat gradient(int w, int h, int lo = 0, int hi = 255) {
    cv::Mat m(h, w, CV_8UC3);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            m.at<cv::Vec3b>(y, x) = cv::Vec3b(std::uint8_t(lo + (hi - lo) * x / std::max(1, w - 1)),
                                              std::uint8_t(lo + (hi - lo) * y / std::max(1, h - 1)),
                                              std::uint8_t(lo + (hi - lo) * ((x + y) % 64) / 63));
    return m;
}

bool same(const cv::Mat& a, const cv::Mat& b) {
    return a.size() == b.size() && a.type() == b.type() && cv::norm(a, b, cv::NORM_INF) == 0;
}

QString errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const tint::Error& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

std::vector<LoaderSample> gradientSamples(int n, int w = 40, int h = 30) {
    std::vector<LoaderSample> s;
    for (int i = 0; i < n; ++i) s.push_back({gradient(w + i, h + i), {}, i % 3});
    return s;
}

class RecordingContext : public tint::JobContext {
public:
    void report(const tint::Progress& p) override {
        if (cancelAfter > 0 && ++seen == cancelAfter) source.request(mode);
        last = p;
        ++reports;
    }
    const tint::CancelToken& cancel() const override { return token; }
    tint::CancelSource source;
    tint::CancelToken token = source.token();
    tint::Progress last;
    int reports = 0, seen = 0, cancelAfter = 0;
    tint::CancelMode mode = tint::CancelMode::Now;
};
}  // namespace

class TestAugment : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    // ---- random numbers ----

    void uniformIntIsUniformAndInRange() {
        std::mt19937_64 rng(1);
        std::vector<int> counts(7, 0);
        for (int i = 0; i < 70000; ++i) {
            auto v = uniform_int(rng, -3, 3);
            QVERIFY(v >= -3 && v <= 3);
            ++counts[static_cast<std::size_t>(v + 3)];
        }
        for (int c : counts) QVERIFY2(c > 9400 && c < 10600, qPrintable(QString::number(c)));
        for (int i = 0; i < 1000; ++i) {
            double u = uniform01(rng);
            QVERIFY(u >= 0 && u < 1);
        }
        QVERIFY(mix_seed(1, 2, 3) != mix_seed(1, 3, 2));
    }

    // ---- random resized crop ----

    void resizedCropStatistics() {
        std::mt19937_64 rng(1);
        RandomResizedCrop p;
        const int W = 400, H = 300, N = 4000;
        double fractionSum = 0;
        int left = 0;
        for (int i = 0; i < N; ++i) {
            cv::Rect r = sample_resized_crop(W, H, p, rng);
            QVERIFY((r & cv::Rect(0, 0, W, H)) == r && r.area() > 0);
            const double f = double(r.area()) / (W * H), ratio = double(r.width) / r.height;
            QVERIFY2(f >= 0.075 && f <= 1.0, qPrintable(QString::number(f)));
            QVERIFY2(ratio >= 0.74 && ratio <= 1.35, qPrintable(QString::number(ratio)));
            fractionSum += f;
            left += r.x + r.width / 2 < W / 2 ? 1 : 0;
        }
        // torchvision's rule on a 4:3 image gives a mean area fraction of 0.433 (large crops with
        // extreme ratios do not fit and are redrawn); positions are symmetric.
        const double mean = fractionSum / N;
        QVERIFY2(mean > 0.41 && mean < 0.455, qPrintable(QString::number(mean)));
        QVERIFY2(left > N * 0.45 && left < N * 0.55, qPrintable(QString::number(left)));
        // A fixed scale and ratio gives exactly that crop size.
        p = {0.25, 0.25, 1.0, 1.0};
        for (int i = 0; i < 20; ++i) QCOMPARE(sample_resized_crop(400, 400, p, rng).size(), cv::Size(200, 200));
    }

    void resizedCropFallsBackToTheCentre() {
        std::mt19937_64 rng(2);
        RandomResizedCrop p;
        // A strip so thin that no draw fits: the centre crop clamped to the widest ratio.
        QCOMPARE(sample_resized_crop(1000, 10, p, rng), cv::Rect(493, 0, 13, 10));
        QCOMPARE(sample_resized_crop(10, 1000, p, rng), cv::Rect(0, 493, 10, 13));
        // A scale range larger than the image: the whole image when its ratio is in range.
        p.scale_min = 1.5;
        p.scale_max = 2.0;
        QCOMPARE(sample_resized_crop(300, 280, p, rng), cv::Rect(0, 0, 300, 280));
        QVERIFY(!errorOf([&] { sample_resized_crop(0, 10, p, rng); }).isEmpty());
        p.scale_min = -1;
        QVERIFY(!errorOf([&] { sample_resized_crop(10, 10, p, rng); }).isEmpty());
    }

    void cropResizeMatchesPlainCropAtFullSize() {
        cv::Mat img = gradient(64, 48);
        QVERIFY(same(crop_resize(img, {8, 4, 32, 24}, {32, 24}), img(cv::Rect(8, 4, 32, 24))));
        QCOMPARE(crop_resize(img, {0, 0, 10, 10}, {40, 30}).size(), cv::Size(40, 30));
        QVERIFY(!errorOf([&] { crop_resize(img, {60, 0, 10, 10}, {4, 4}); }).isEmpty());
    }

    // ---- flip ----

    void flipHalfTheTime() {
        cv::Mat img = gradient(48, 32), flipped;
        cv::flip(img, flipped, 1);
        AugmentOptions o;
        o.size               = img.size();
        o.random_crop        = false;
        o.jitter_probability = 0;
        int flips = 0;
        for (std::uint64_t seed = 0; seed < 400; ++seed) {
            std::mt19937_64 rng(seed);
            cv::Mat out = augment(img, o, rng);
            if (same(out, flipped)) ++flips;
            else QVERIFY(same(out, img));
        }
        QVERIFY2(flips > 160 && flips < 240, qPrintable(QString::number(flips)));
        o.flip_probability = 0;
        std::mt19937_64 rng(9);
        QVERIFY(same(augment(img, o, rng), img));
    }

    // ---- colour ----

    void singleAdjustments() {
        cv::Mat img = gradient(40, 30);
        QVERIFY(same(adjust_brightness(img, 1.0), img));
        QVERIFY(same(adjust_contrast(img, 1.0), img));
        QVERIFY(same(adjust_saturation(img, 1.0), img));
        QVERIFY(same(adjust_hue(img, 0.0), img));
        QCOMPARE(cv::norm(adjust_brightness(img, 0.0), cv::NORM_INF), 0.0);  // black
        // Saturation 0: grey (R = G = B).
        cv::Mat grey = adjust_saturation(img, 0.0);
        std::vector<cv::Mat> ch;
        cv::split(grey, ch);
        QCOMPARE(cv::norm(ch[0], ch[1], cv::NORM_INF), 0.0);
        QCOMPARE(cv::norm(ch[1], ch[2], cv::NORM_INF), 0.0);
        // Contrast 0: a flat image at the mean grey level.
        cv::Mat flat = adjust_contrast(img, 0.0);
        double mn, mx;
        cv::minMaxLoc(flat.reshape(1), &mn, &mx);
        QVERIFY(mx - mn <= 1);
        cv::Mat g;
        cv::cvtColor(img, g, cv::COLOR_RGB2GRAY);
        QVERIFY(std::abs(mn - cv::mean(g)[0]) <= 1.0);
        // Hue: a third of a turn takes pure red to pure green; half a turn twice is the identity.
        cv::Mat red(4, 4, CV_8UC3, cv::Scalar(255, 0, 0));
        QVERIFY(cv::norm(adjust_hue(red, 1.0 / 3.0), cv::Mat(4, 4, CV_8UC3, cv::Scalar(0, 255, 0)), cv::NORM_INF) <= 1);
        cv::Mat colour = gradient(32, 32, 40, 220);
        QVERIFY(cv::norm(adjust_hue(adjust_hue(colour, 0.5), 0.5), colour, cv::NORM_INF) <= 2);
        QVERIFY(!errorOf([&] { adjust_hue(img, 0.7); }).isEmpty());
        QVERIFY(!errorOf([&] { adjust_brightness(cv::Mat(4, 4, CV_8UC1), 1.0); }).isEmpty());
    }

    void jitterFactorRanges() {
        // Brightness only on a mid-grey image (no clipping): the mean scales by the factor, which
        // is uniform in [0.6, 1.4].
        cv::Mat img = gradient(32, 32, 60, 140);
        const double base = cv::mean(img.reshape(1))[0];
        ColorJitter bright{0.4, 0, 0, 0};
        std::mt19937_64 rng(5);
        double lo = 9, hi = 0, sum = 0;
        const int N = 500;
        for (int i = 0; i < N; ++i) {
            const double f = cv::mean(color_jitter(img, bright, rng).reshape(1))[0] / base;
            lo = std::min(lo, f), hi = std::max(hi, f), sum += f;
        }
        QVERIFY2(lo >= 0.595 && lo < 0.63, qPrintable(QString::number(lo)));
        QVERIFY2(hi <= 1.405 && hi > 1.37, qPrintable(QString::number(hi)));
        QVERIFY2(std::abs(sum / N - 1.0) < 0.03, qPrintable(QString::number(sum / N)));
        // Hue only keeps the grey levels of a grey image; all strengths zero is the identity.
        cv::Mat grey = adjust_saturation(img, 0.0);
        QVERIFY(cv::norm(color_jitter(grey, {0, 0, 0, 0.5}, rng), grey, cv::NORM_INF) <= 1);
        QVERIFY(same(color_jitter(img, {0, 0, 0, 0}, rng), img));
        // Saturation: the spread of the channels around grey changes by the factor.
        ColorJitter sat{0, 0, 0.4, 0};
        for (int i = 0; i < 50; ++i) {
            cv::Mat out = color_jitter(img, sat, rng);
            cv::Mat d1, d2;
            cv::absdiff(out, adjust_saturation(img, 0.0), d1);
            cv::absdiff(img, grey, d2);
            const double r = cv::sum(d1)[0] / cv::sum(d2)[0];
            QVERIFY2(r > 0.55 && r < 1.45, qPrintable(QString::number(r)));
        }
        QVERIFY(!errorOf([&] { color_jitter(img, {-0.1, 0, 0, 0}, rng); }).isEmpty());
    }

    void augmentIsDeterministicUnderASeed() {
        cv::Mat photo = to_mat(tint::load_image_rgb(kFlowers + "/daisy/100080576_f52e8ee070_n.jpg"));
        AugmentOptions o = heavy_augmentation({96, 96});
        std::mt19937_64 a(42), b(42), c(43);
        cv::Mat x = augment(photo, o, a), y = augment(photo, o, b), z = augment(photo, o, c);
        QCOMPARE(x.size(), cv::Size(96, 96));
        QCOMPARE(x.type(), CV_8UC3);
        QVERIFY(same(x, y));
        QVERIFY(!same(x, z));
        // The generator continues deterministically too.
        QVERIFY(same(augment(photo, o, a), augment(photo, o, b)));
        QVERIFY(!errorOf([&] { augment(cv::Mat(), o, a); }).isEmpty());
    }

    // ---- loader ----

    // No image's random stream is the epoch's shuffle stream, and below index 24 300 the streams
    // are the earlier versions' (index + 1), so recorded runs repeat.
    void sampleStreamsAvoidTheShuffleStream() {
        using tint::distill::sample_stream;
        QCOMPARE(sample_stream(0), std::uint64_t(1));
        QCOMPARE(sample_stream(24299), std::uint64_t(24300));
        QVERIFY(sample_stream(24300) != tint::distill::kShuffleStream);
        QCOMPARE(sample_stream(24300), std::uint64_t(24302));
        QCOMPARE(sample_stream(24301), std::uint64_t(24303));
        for (std::int64_t i = 0; i < 100000; ++i) {
            QVERIFY(sample_stream(i) != tint::distill::kShuffleStream);
            if (i > 0) QVERIFY(sample_stream(i) > sample_stream(i - 1));  // distinct
        }
    }

    void loaderProducesTheExpectedBatches() {
        LoaderOptions o;
        o.batch_size   = 4;
        o.epochs       = 3;
        o.seed         = 7;
        o.augment.size = {24, 20};
        auto samples   = gradientSamples(10);
        BackgroundLoader loader(samples, o);
        QCOMPARE(loader.batches_per_epoch(), std::int64_t(3));
        QCOMPARE(loader.total_batches(), std::int64_t(9));
        std::vector<Batch> got;
        while (auto b = loader.next()) got.push_back(std::move(*b));
        QCOMPARE(got.size(), std::size_t(9));
        QVERIFY(!loader.next());  // stays at the end
        std::vector<std::set<std::int64_t>> seen(3);
        for (std::size_t i = 0; i < got.size(); ++i) {
            const Batch& b = got[i];
            QCOMPARE(b.number, std::int64_t(i));
            QCOMPARE(b.epoch, int(i / 3));
            const std::int64_t n = i % 3 == 2 ? 2 : 4;
            QCOMPARE(b.images.sizes(), (torch::IntArrayRef{n, 3, 20, 24}));
            QCOMPARE(b.images.scalar_type(), torch::kFloat32);
            QVERIFY(torch::isfinite(b.images).all().item<bool>());
            for (std::int64_t k = 0; k < n; ++k) {
                const std::int64_t idx = b.indices[k].item<std::int64_t>();
                QCOMPARE(b.labels[k].item<std::int64_t>(), idx % 3);
                seen[static_cast<std::size_t>(b.epoch)].insert(idx);
            }
        }
        for (const auto& s : seen) QCOMPARE(s.size(), std::size_t(10));  // each sample once per epoch
        // Same seed, same batches; another seed, other batches.
        BackgroundLoader again(samples, o);
        for (const auto& b : got) {
            auto c = again.next();
            QVERIFY(c && torch::equal(c->images, b.images) && torch::equal(c->indices, b.indices));
        }
        o.seed = 8;
        BackgroundLoader other(samples, o);
        QVERIFY(!torch::equal(other.next()->images, got[0].images));
        // drop_last drops the short batch.
        o.drop_last = true;
        BackgroundLoader dropping(samples, o);
        int count = 0;
        while (auto b = dropping.next()) {
            QCOMPARE(b->images.size(0), std::int64_t(4));
            ++count;
        }
        QCOMPARE(count, 6);
    }

    void loaderNormalisesLikeTheTeacher() {
        // No augmentation: the batch is the normalised image, channel-first.
        LoaderOptions o;
        o.batch_size                 = 1;
        o.shuffle                    = false;
        o.augment.random_crop        = false;
        o.augment.flip_probability   = 0;
        o.augment.jitter_probability = 0;
        o.augment.size               = {16, 12};
        o.normalization.scale        = 1.0 / 128.0;
        o.normalization.mean         = {1.f, 1.f, 1.f};
        o.normalization.std          = {1.f, 1.f, 1.f};
        cv::Mat img = gradient(16, 12);
        BackgroundLoader loader({{img, {}, 0}}, o);
        auto b = loader.next();
        QVERIFY(b);
        auto ref = (torch::from_blob(img.data, {12, 16, 3}, torch::kUInt8).to(torch::kFloat32) - 128) / 128;
        QVERIFY(torch::equal(b->images[0], ref.permute({2, 0, 1})));
    }

    void loaderStopsOnCancel() {
        // The sample hook requests cancel-now while the worker is on its third image: the worker
        // stops before a fourth and the consumer gets tint::Cancelled, however far it got.
        tint::CancelSource source;
        std::atomic<int> loads{0};
        LoaderOptions o;
        o.batch_size   = 1;
        o.epochs       = 1000;
        o.augment.size = {16, 16};
        o.load         = [&](const LoaderSample&) {
            if (++loads == 3) source.request(tint::CancelMode::Now);
            return gradient(32, 32);
        };
        std::vector<LoaderSample> samples(50);
        QElapsedTimer timer;
        timer.start();
        {
            BackgroundLoader loader(samples, o, source.token());
            int batches = 0;
            bool cancelled = false;
            try {
                while (loader.next()) ++batches;
            } catch (const tint::Cancelled&) {
                cancelled = true;
            }
            QVERIFY(cancelled);
            QVERIFY(batches <= 3);
            QVERIFY_THROWS_EXCEPTION(tint::Cancelled, loader.next());
        }
        QCOMPARE(loads.load(), 3);  // the worker is joined and made nothing more
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    void loaderStopsWhenDestroyedWithAFullQueue() {
        // The worker waits for room in a full queue; destruction must wake and join it.
        std::atomic<int> loads{0};
        LoaderOptions o;
        o.batch_size     = 2;
        o.epochs         = 1000;
        o.queue_capacity = 1;
        o.augment.size   = {8, 8};
        o.load           = [&](const LoaderSample&) {
            ++loads;
            return gradient(16, 16);
        };
        QElapsedTimer timer;
        timer.start();
        {
            BackgroundLoader loader(std::vector<LoaderSample>(10), o);
            QVERIFY(loader.next());
        }
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(loads.load() < 20);  // stopped far before 1000 epochs
        // stop() makes next() return the end.
        BackgroundLoader stopped(std::vector<LoaderSample>(10), o);
        stopped.stop();
        QVERIFY(!stopped.next());
    }

    void workerErrorsReachTheConsumer() {
        // A missing file as the fifth sample: two full batches, then the decoder's error.
        auto samples = gradientSamples(6);
        samples[4]   = LoaderSample{{}, "/nonexistent/photo.jpg", 1};
        LoaderOptions o;
        o.batch_size   = 2;
        o.shuffle      = false;
        o.augment.size = {8, 8};
        BackgroundLoader loader(samples, o);
        QVERIFY(loader.next());
        QVERIFY(loader.next());
        QString m = errorOf([&] { loader.next(); });
        QVERIFY2(m.contains(QStringLiteral("/nonexistent/photo.jpg")), qPrintable(m));
        // Other exception types keep their type.
        o.load = [](const LoaderSample&) -> cv::Mat { throw std::out_of_range("hook failed"); };
        BackgroundLoader failing(std::vector<LoaderSample>(3), o);
        QVERIFY_THROWS_EXCEPTION(std::out_of_range, failing.next());
        // Bad options are refused up front.
        o.batch_size = 0;
        QVERIFY(!errorOf([&] { BackgroundLoader bad(samples, o); }).isEmpty());
    }

    // ---- classic generator ----

    void generatorWritesReproduciblePngs() {
        std::vector<ClassSupport> classes;
        for (std::string c : {"daisy", "roses"}) {
            ClassSupport s{c, {}};
            const auto files = testdata::demo_flower_files(c);
            s.images.assign(files.begin(), files.begin() + 2);
            classes.push_back(s);
        }
        ClassicGeneratorOptions o;
        o.per_class = 3;
        o.seed      = 11;
        o.max_side  = 96;
        QTemporaryDir tmp;
        const std::string a = tmp.path().toStdString() + "/a", b = tmp.path().toStdString() + "/b";
        RecordingContext ctx;
        auto made = generate_classic(classes, a, o, ctx);
        QCOMPARE(made.size(), std::size_t(6));
        QCOMPARE(ctx.last.step, 6LL);
        QCOMPARE(ctx.last.total, 6LL);
        QVERIFY(ctx.reports >= 6);
        std::set<std::uint64_t> seeds;
        for (const auto& g : made) {
            QVERIFY(fs::exists(g.path));
            QCOMPARE(fs::path(g.path).parent_path().filename().string(), g.class_name);
            QCOMPARE(g.support_index, g.index % 2);
            QCOMPARE(g.seed, classic_image_seed(11, g.class_name, g.index));
            seeds.insert(g.seed);
            auto img = tint::load_image_rgb(g.path);
            QCOMPARE(img.width, 96);
            QCOMPARE(img.height, 96);
        }
        QCOMPARE(seeds.size(), std::size_t(6));
        int files = 0;
        for (const auto& e : fs::recursive_directory_iterator(a)) files += e.is_regular_file() ? 1 : 0;
        QCOMPARE(files, 6);  // no temporary files left behind
        // Reproducible: the same options give the same bytes.
        tint::SilentJobContext silent;
        auto again = generate_classic(classes, b, o, silent);
        for (std::size_t i = 0; i < made.size(); ++i)
            QVERIFY(tint::read_file_bytes(made[i].path) == tint::read_file_bytes(again[i].path));
        // Another class list leaves a class's images unchanged (seeds depend on the name).
        auto justRoses = generate_classic({classes[1]}, tmp.path().toStdString() + "/c", o, silent);
        QVERIFY(tint::read_file_bytes(justRoses[0].path) == tint::read_file_bytes(made[3].path));
    }

    void generatorRefusesBadOutputAndInput() {
        QTemporaryDir tmp;
        const std::string file = tmp.path().toStdString() + "/plain-file";
        tint::write_file_atomic(file, std::string("x"));
        std::vector<ClassSupport> classes{{"daisy", {kFlowers + "/daisy/100080576_f52e8ee070_n.jpg"}}};
        tint::SilentJobContext ctx;
        ClassicGeneratorOptions o;
        o.per_class = 2;
        o.max_side  = 32;
        // The output lies under a regular file: refused naming the folder, nothing made.
        QString m = errorOf([&] { generate_classic(classes, file + "/out", o, ctx); });
        QVERIFY2(m.contains(QString::fromStdString(file)), qPrintable(m));
        // A class name that is not a folder name, a class without supports, an unreadable support.
        auto bad = classes;
        bad[0].name = "a/b";
        QVERIFY(errorOf([&] { generate_classic(bad, tmp.path().toStdString() + "/o", o, ctx); }).contains(QStringLiteral("a/b")));
        bad[0] = {"empty", {}};
        QVERIFY(!errorOf([&] { generate_classic(bad, tmp.path().toStdString() + "/o", o, ctx); }).isEmpty());
        bad[0] = {"missing", {"/nonexistent.png"}};
        QVERIFY(errorOf([&] { generate_classic(bad, tmp.path().toStdString() + "/o", o, ctx); }).contains(QStringLiteral("/nonexistent.png")));
        QVERIFY(!fs::exists(tmp.path().toStdString() + "/o/missing/classic-0000.png"));
    }

    void generatorHonoursCancel() {
        std::vector<ClassSupport> classes{{"daisy", {kFlowers + "/daisy/100080576_f52e8ee070_n.jpg"}}};
        ClassicGeneratorOptions o;
        o.per_class = 5;
        o.max_side  = 32;
        QTemporaryDir tmp;
        // After the current item: the images done so far are returned.
        RecordingContext after;
        after.cancelAfter = 2;
        after.mode        = tint::CancelMode::AfterCurrentItem;
        auto made = generate_classic(classes, tmp.path().toStdString() + "/a", o, after);
        QCOMPARE(made.size(), std::size_t(2));
        // Now: tint::Cancelled.
        RecordingContext now;
        now.cancelAfter = 2;
        QVERIFY_THROWS_EXCEPTION(tint::Cancelled, generate_classic(classes, tmp.path().toStdString() + "/b", o, now));
    }
};

QTEST_APPLESS_MAIN(TestAugment)
#include "tst_augment.moc"
