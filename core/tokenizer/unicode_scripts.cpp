#include "core/tokenizer/unicode_scripts.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "core/tokenizer/utf8.h"

namespace sieve::tok {
namespace {

// Unicode 14's script names (PropertyValueAliases.txt). A name PCRE2 does not
// know is left out, and its characters count as Unknown.
constexpr std::array kScripts = {
    "Adlam",
    "Ahom",
    "Anatolian_Hieroglyphs",
    "Arabic",
    "Armenian",
    "Avestan",
    "Balinese",
    "Bamum",
    "Bassa_Vah",
    "Batak",
    "Bengali",
    "Bhaiksuki",
    "Bopomofo",
    "Brahmi",
    "Braille",
    "Buginese",
    "Buhid",
    "Canadian_Aboriginal",
    "Carian",
    "Caucasian_Albanian",
    "Chakma",
    "Cham",
    "Cherokee",
    "Chorasmian",
    "Common",
    "Coptic",
    "Cuneiform",
    "Cypriot",
    "Cypro_Minoan",
    "Cyrillic",
    "Deseret",
    "Devanagari",
    "Dives_Akuru",
    "Dogra",
    "Duployan",
    "Egyptian_Hieroglyphs",
    "Elbasan",
    "Elymaic",
    "Ethiopic",
    "Georgian",
    "Glagolitic",
    "Gothic",
    "Grantha",
    "Greek",
    "Gujarati",
    "Gunjala_Gondi",
    "Gurmukhi",
    "Han",
    "Hangul",
    "Hanifi_Rohingya",
    "Hanunoo",
    "Hatran",
    "Hebrew",
    "Hiragana",
    "Imperial_Aramaic",
    "Inherited",
    "Inscriptional_Pahlavi",
    "Inscriptional_Parthian",
    "Javanese",
    "Kaithi",
    "Kannada",
    "Katakana",
    "Kayah_Li",
    "Kharoshthi",
    "Khitan_Small_Script",
    "Khmer",
    "Khojki",
    "Khudawadi",
    "Lao",
    "Latin",
    "Lepcha",
    "Limbu",
    "Linear_A",
    "Linear_B",
    "Lisu",
    "Lycian",
    "Lydian",
    "Mahajani",
    "Makasar",
    "Malayalam",
    "Mandaic",
    "Manichaean",
    "Marchen",
    "Masaram_Gondi",
    "Medefaidrin",
    "Meetei_Mayek",
    "Mende_Kikakui",
    "Meroitic_Cursive",
    "Meroitic_Hieroglyphs",
    "Miao",
    "Modi",
    "Mongolian",
    "Mro",
    "Multani",
    "Myanmar",
    "Nabataean",
    "Nandinagari",
    "New_Tai_Lue",
    "Newa",
    "Nko",
    "Nushu",
    "Nyiakeng_Puachue_Hmong",
    "Ogham",
    "Ol_Chiki",
    "Old_Hungarian",
    "Old_Italic",
    "Old_North_Arabian",
    "Old_Permic",
    "Old_Persian",
    "Old_Sogdian",
    "Old_South_Arabian",
    "Old_Turkic",
    "Old_Uyghur",
    "Oriya",
    "Osage",
    "Osmanya",
    "Pahawh_Hmong",
    "Palmyrene",
    "Pau_Cin_Hau",
    "Phags_Pa",
    "Phoenician",
    "Psalter_Pahlavi",
    "Rejang",
    "Runic",
    "Samaritan",
    "Saurashtra",
    "Sharada",
    "Shavian",
    "Siddham",
    "SignWriting",
    "Sinhala",
    "Sogdian",
    "Sora_Sompeng",
    "Soyombo",
    "Sundanese",
    "Syloti_Nagri",
    "Syriac",
    "Tagalog",
    "Tagbanwa",
    "Tai_Le",
    "Tai_Tham",
    "Tai_Viet",
    "Takri",
    "Tamil",
    "Tangsa",
    "Tangut",
    "Telugu",
    "Thaana",
    "Thai",
    "Tibetan",
    "Tifinagh",
    "Tirhuta",
    "Toto",
    "Ugaritic",
    "Vai",
    "Vithkuqi",
    "Wancho",
    "Warang_Citi",
    "Yezidi",
    "Yi",
    "Zanabazar_Square",
};

int indexOf(const char* name) {
    for (size_t i = 0; i < kScripts.size(); ++i)
        if (std::string(kScripts[i]) == name) return static_cast<int>(i);
    return -1;
}

pcre2_code* compile(const std::string& pattern) {
    int error = 0;
    PCRE2_SIZE offset = 0;
    return pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF, &error,
                         &offset, nullptr);
}

// Code point ranges and their script, sorted by start; gaps are Unknown.
struct Range {
    char32_t first, last;
    int script;
};

// Built once per process: one PCRE2 pass over all code points with one
// capture group per script ("(\p{sc=Adlam}+)|(\p{sc=Ahom}+)|..."), which
// finds each run of one script and which script it is. A few milliseconds.
std::vector<Range> buildTable() {
    std::vector<int> groupScript;                // capture group -> script index
    std::string pattern = R"(\p{sc=Unknown}+)";  // first: unassigned runs cost one test per character
    for (size_t i = 0; i < kScripts.size(); ++i) {
        const std::string item = std::string(R"(\p{sc=)") + kScripts[i] + "}+";
        pcre2_code* alone = compile(item);
        if (!alone) continue;  // a script this PCRE2 does not know
        pcre2_code_free(alone);
        pattern += "|(" + item + ")";
        groupScript.push_back(static_cast<int>(i));
    }
    pcre2_code* code = compile(pattern);
    std::vector<Range> table;
    if (!code) return table;
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    pcre2_match_data* data = pcre2_match_data_create_from_pattern(code, nullptr);
    std::string all;
    all.reserve(4 * 0x110000);
    for (char32_t cp = 0; cp < 0x110000; ++cp)
        if (cp < 0xD800 || cp >= 0xE000) utf8::append(all, cp);
    const auto subject = reinterpret_cast<PCRE2_SPTR>(all.data());
    size_t pos = 0;
    while (pos < all.size()) {
        if (pcre2_match(code, subject, all.size(), pos, PCRE2_NO_UTF_CHECK, data, nullptr) < 0) break;
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(data);
        const size_t begin = ov[0], end = ov[1];
        int script = -1;
        for (size_t g = 0; g < groupScript.size(); ++g)
            if (ov[2 * (g + 1)] != PCRE2_UNSET) script = groupScript[g];
        if (script >= 0) {
            size_t lastLead = end - 1;
            while ((static_cast<unsigned char>(all[lastLead]) & 0xC0) == 0x80) --lastLead;
            table.push_back({utf8::decodeAt(all, begin), utf8::decodeAt(all, lastLead), script});
        }
        pos = end > begin ? end : begin + utf8::charLength(static_cast<unsigned char>(all[begin]));
    }
    pcre2_match_data_free(data);
    pcre2_code_free(code);
    return table;
}

const std::vector<Range>& table() {
    static std::once_flag once;
    static std::vector<Range> ranges;
    std::call_once(once, [] { ranges = buildTable(); });
    return ranges;
}

}  // namespace

int scriptOf(char32_t cp) {
    const auto& ranges = table();
    const auto it = std::upper_bound(ranges.begin(), ranges.end(), cp,
                                     [](char32_t c, const Range& r) { return c < r.first; });
    if (it == ranges.begin()) return -1;
    const Range& r = *(it - 1);
    return cp <= r.last ? r.script : -1;
}

int hanScript() {
    static const int id = indexOf("Han");
    return id;
}
int hiraganaScript() {
    static const int id = indexOf("Hiragana");
    return id;
}
int katakanaScript() {
    static const int id = indexOf("Katakana");
    return id;
}

}  // namespace sieve::tok
