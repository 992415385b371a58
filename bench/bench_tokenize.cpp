// Encoding speed, ours vs Hugging Face `tokenizers` on one thread, for the three
// shared tokenizer.json files on a large English and a large Chinese text.
//
//   build-tok/bench/bench_tokenize [MB]        (default 2 MB per text)
//
// "en-lines" encodes the English text line by line (~1 kB prompts: per-call
// overheads); HF gets the lines as one encode_batch on its single thread.
// Prints MB/s of CPU time (best of 3; CPU time because the machine may be
// shared) and ours/HF as a ratio, and checks both produced the same ids. The HF
// side is scripts/bench_tokenize_hf.py, run with python3 (skipped if missing).
#include <time.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/tokenizer/tokenizer.h"

namespace {

const std::string kSource = SIEVE_SOURCE_DIR;
const std::string kShared = kSource + "/../shared";

double threadCpuSeconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + double(t.tv_nsec) * 1e-9;
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// English: the TinyStories validation sample, repeated.
std::string englishText(size_t bytes) {
    const std::string sample = readFile(kShared + "/data/tinystories-valid-sample.txt");
    std::string text;
    while (text.size() < bytes) text += sample;
    return text;
}

// Chinese: sentences of common words drawn at random (fixed seed), so that the
// long punctuation-free pre-tokens are mostly distinct, as in real text.
std::string chineseText(size_t bytes) {
    static const char* words[] = {
        "我们", "今天",   "天气", "很好", "公园",   "散步", "人工智能", "正在", "改变", "世界",   "语言",
        "模型", "越来越", "强大", "中国", "北京",   "上海", "学生",     "老师", "学校", "学习",   "工作",
        "时间", "问题",   "发展", "经济", "社会",   "科学", "技术",     "研究", "数据", "计算机", "网络",
        "信息", "系统",   "方法", "我",   "你",     "他",   "她",       "的",   "了",   "是",     "在",
        "有",   "和",     "不",   "也",   "就",     "都",   "很",       "说",   "看",   "想",     "要",
        "会",   "能",     "可以", "因为", "所以",   "但是", "如果",     "虽然", "已经", "还是",   "一个",
        "这个", "那个",   "什么", "怎么", "为什么", "朋友", "家人",     "孩子", "妈妈", "爸爸",   "医生",
        "城市", "历史",   "文化", "音乐", "电影",   "书",   "水",       "山",   "河",   "春天",   "夏天",
        "秋天", "冬天",   "早上",
    };
    static const char* punctuation[] = {"，", "。", "！", "？", "；", "、"};
    std::mt19937 rng(1234);
    std::uniform_int_distribution<size_t> word(0, std::size(words) - 1), count(2, 9),
        punct(0, std::size(punctuation) - 1);
    std::string text;
    while (text.size() < bytes) {
        for (size_t n = count(rng); n > 0; --n) text += words[word(rng)];
        text += punctuation[punct(rng)];
        if (punct(rng) == 0) text += "\n";
    }
    return text;
}

uint64_t fnv1a(const std::vector<int64_t>& ids) {
    uint64_t h = 0xCBF29CE484222325ULL;
    for (const int64_t id : ids) h = (h ^ static_cast<uint64_t>(id)) * 0x100000001B3ULL;
    return h;
}

struct Measured {
    double cpuSeconds = 0;
    size_t tokens = 0;
    std::string hash;
};

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        lines.push_back(text.substr(start, nl - start));
    lines.push_back(text.substr(start));
    return lines;
}

// One text, or (byLine) each line as its own text, as short prompts are encoded.
// Each run on a freshly loaded tokenizer (loading not timed), so that no run
// starts with the words of the previous one in its cache: HF's cache holds only
// 10,000 words, ours up to 262,144, and a warm cache would flatter us.
Measured ours(const std::string& path, const std::string& text, bool byLine) {
    Measured m;
    m.cpuSeconds = 1e9;
    const std::vector<std::string> lines = byLine ? splitLines(text) : std::vector<std::string>{text};
    for (int run = 0; run < 3; ++run) {
        const auto tok = sieve::Tokenizer::load(path);
        const double start = threadCpuSeconds();
        std::vector<int64_t> ids;
        for (const auto& line : lines) {
            const auto part = tok->encode(line, false);
            ids.insert(ids.end(), part.begin(), part.end());
        }
        m.cpuSeconds = std::min(m.cpuSeconds, threadCpuSeconds() - start);
        m.tokens = ids.size();
        m.hash = std::to_string(fnv1a(ids));
    }
    return m;
}

// The HF side, through python3; nullopt-like (cpuSeconds 0) when unavailable.
Measured huggingFace(const std::string& tokenizerJson, const std::string& textFile, bool byLine) {
    const std::string command = "python3 " + kSource + "/scripts/bench_tokenize_hf.py --tokenizer " +
                                tokenizerJson + " --text " + textFile + (byLine ? " --lines" : "") +
                                " 2>/dev/null";
    Measured m;
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
    if (!pipe) return m;
    std::string out;
    std::array<char, 512> buffer{};
    while (fgets(buffer.data(), buffer.size(), pipe.get())) out += buffer.data();
    // {"cpu_s": x, "wall_s": y, "n_tokens": n, "ids_hash": "h"}
    const auto field = [&](const std::string& key) -> std::string {
        const size_t at = out.find("\"" + key + "\": ");
        if (at == std::string::npos) return "";
        size_t begin = at + key.size() + 4;
        if (out[begin] == '"') ++begin;
        const size_t end = out.find_first_of(",}\"", begin);
        return out.substr(begin, end - begin);
    };
    if (field("cpu_s").empty()) return m;
    m.cpuSeconds = std::stod(field("cpu_s"));
    m.tokens = std::stoul(field("n_tokens"));
    m.hash = field("ids_hash");
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    const double megabytes = argc > 1 ? std::atof(argv[1]) : 2.0;
    const auto bytes = static_cast<size_t>(megabytes * 1024 * 1024);
    struct Case {
        std::string label, text;
        bool byLine;
    };
    const std::vector<Case> texts = {{"english", englishText(bytes), false},
                                     {"chinese", chineseText(bytes), false},
                                     {"en-lines", englishText(bytes), true}};
    std::printf("%-9s %-8s %8s %12s %12s %8s  %s\n", "tokenizer", "text", "MB", "ours MB/s", "HF MB/s",
                "ratio", "ids");
    for (const std::string name : {"llama2", "llama3_1", "qwen3"}) {
        const std::string json = kShared + "/tokenizers/" + name + "/tokenizer.json";
        for (const auto& [label, text, byLine] : texts) {
            const std::string file = "/tmp/sieve_bench_tokenize_" + label + ".txt";
            std::ofstream(file, std::ios::binary) << text;
            const double mb = double(text.size()) / (1024.0 * 1024.0);
            const Measured a = ours(json, text, byLine);
            const Measured b = huggingFace(json, file, byLine);
            if (b.cpuSeconds > 0) {
                std::printf("%-9s %-8s %8.2f %12.1f %12.1f %8.2f  %s\n", name.c_str(), label.c_str(), mb,
                            mb / a.cpuSeconds, mb / b.cpuSeconds, b.cpuSeconds / a.cpuSeconds,
                            a.hash == b.hash && a.tokens == b.tokens ? "identical" : "DIFFER");
            } else {
                std::printf("%-9s %-8s %8.2f %12.1f %12s %8s  (HF tokenizers not available)\n", name.c_str(),
                            label.c_str(), mb, mb / a.cpuSeconds, "-", "-");
            }
            std::fflush(stdout);
        }
    }
    return 0;
}
