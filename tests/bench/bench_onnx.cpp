// Inference speed of exported students: each student (random weights: the time does not depend on
// them) is exported to ONNX with the product's exporter, loaded with OpenCV's dnn module and timed
// on single 84x84 images. Prints parameters, file size and the median time per image.
//   bench_onnx [--threads N] [--runs N] [--size PX]
#include <opencv2/core.hpp>
#include <opencv2/dnn.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "export/onnx_export.h"
#include "nn/students.h"
#include "tint/Runtime.h"

int main(int argc, char** argv) {
    int threads = 2, runs = 200, size = 84;
    bool layers = false;
    const char* only = nullptr;  // --only NAME: just that student's rows
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--threads") && i + 1 < argc) threads = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--size") && i + 1 < argc) size = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--layers")) layers = true;
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc) only = argv[++i];
    }
    tint::set_compute_threads(threads);
    cv::setNumThreads(threads);
    std::printf("OpenCV %s dnn (CPU), %d threads, %dx%d input, batch 1, median of %d runs after 20 warm-up runs\n",
                CV_VERSION, threads, size, size, runs);
    const auto dir = std::filesystem::temp_directory_path() / "tintbench-bench-onnx";
    std::filesystem::create_directories(dir);
    struct Case {
        const char* name;
        double width;
    };
    for (Case c : {Case{"conv4", 1.0}, Case{"resnet12", 1.0}, Case{"resnet12", 0.5}, Case{"resnet18", 1.0},
                   Case{"mobilenetv2", 1.0}, Case{"mobilenetv2", 0.75}, Case{"mobilenetv2", 0.5},
                   Case{"mobilenetv2", 0.35}, Case{"mobilenetv2-short", 1.0}}) {
        if (only && std::strcmp(only, c.name) != 0) continue;
        torch::manual_seed(0);
        auto model = tint::nn::make_student(c.name, 5, c.width);
        model->eval();
        std::int64_t params = 0;
        for (const auto& p : model->parameters()) params += p.numel();
        tint::exporter::OnnxExportOptions o;
        o.input_width = o.input_height = size;
        for (int k = 0; k < 5; ++k) o.class_names.push_back("class " + std::to_string(k));
        const auto path = (dir / (std::string(c.name) + ".onnx")).string();
        auto r          = tint::exporter::export_onnx(*model, path, o);
        auto net        = cv::dnn::readNetFromONNX(path);
        cv::Mat blob({1, 3, size, size}, CV_32F);
        cv::randn(blob, 0.0, 1.0);
        std::vector<double> ms;
        for (int i = 0; i < runs + 20; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            net.setInput(blob);
            cv::Mat out = net.forward();
            if (i >= 20) ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        }
        if (layers) {
            // Where the time goes: OpenCV's per-layer times of the last run, summed as they accumulate.
            std::vector<double> t;
            net.getPerfProfile(t);
            const auto names = net.getLayerNames();
            double sum = 0.0;
            for (std::size_t k = 0; k < t.size() && k < names.size(); ++k) {
                sum += t[k] * 1000.0 / cv::getTickFrequency();
                if (t[k] > 0) std::printf("  %-40s %7.3f ms  (sum %7.3f)\n", names[k].c_str(), t[k] * 1000.0 / cv::getTickFrequency(), sum);
            }
        }
        std::sort(ms.begin(), ms.end());
        std::printf("%-18s width %-4g %9.2f M params  %7.0f kB  %7.2f ms/image (min %.2f, max %.2f)  export check %.1e\n", c.name,
                    c.width, params / 1e6, r.file_size / 1024.0, ms[ms.size() / 2], ms.front(), ms.back(), r.max_abs_diff);
        std::fflush(stdout);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
