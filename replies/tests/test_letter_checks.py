import random

import pytest

from replies.letter import SpecError, check_letter
from replies.letter.checks import phone_is_valid

from .letter_samples import minimal_spec, sample_spec

REPEATED = ("加快专精特新企业培育中心建设，大幅提升培育精准度，省级专精特新中小企业突破220家、"
            "国家级小巨人企业突破32家、制造业单项冠军达7家。")


def rules(spec, **kwargs) -> set[tuple[str, str, str]]:
    return {(f.rule_id, f.place, f.severity) for f in check_letter(spec, **kwargs)}


def cleaned_sample() -> dict:
    spec = sample_spec()
    paragraphs = spec["sections"][1]["paragraphs"]
    paragraphs[1] = paragraphs[1].rstrip("，") + "。"
    first = paragraphs[2].index(REPEATED) + len(REPEATED)
    paragraphs[2] = paragraphs[2][:first] + paragraphs[2][first:].replace(REPEATED, "")
    spec["date"] = "2025-06-20"
    return spec


def test_it_finds_exactly_the_slips_of_the_sample_letter():
    # The sample, as extracted, is numbered but has no date line.
    findings = check_letter(sample_spec(), session_name="十四届四次会议", proposal_number=44137)
    errors = {(f.rule_id, f.place) for f in findings if f.severity == "error"}
    assert errors == {("repeated-sentence", "sections[1].paragraphs[2]"),
                      ("paragraph-ends-with-comma", "sections[1].paragraphs[1]"),
                      ("date.missing", "date")}


def test_it_finds_no_error_in_the_cleaned_sample():
    findings = check_letter(cleaned_sample(), session_name="十四届四次会议",
                            proposal_number="44137")
    assert [f for f in findings if f.severity == "error"] == []


def test_it_refuses_an_invalid_spec():
    with pytest.raises(SpecError):
        check_letter(minimal_spec(title=None))


def test_it_finds_a_repeated_sentence_across_paragraphs():
    sentence = "我局高度重视这件提案的办理工作。"
    spec = minimal_spec(intro=[sentence, "另有安排。" + sentence])
    assert ("repeated-sentence", "intro[1]", "error") in rules(spec)
    spec = minimal_spec(intro=["好。", "好。", "我局高度重视这件提案的办理工作。"])
    assert not any(r[0] == "repeated-sentence" for r in rules(spec))  # short ones are fine


def test_it_flags_a_paragraph_ending_with_a_comma_or_no_punctuation():
    closing = ["工作仍在推进，", "我们将继续努力", "我们将持续改进！", "“好。”"]
    found = rules(minimal_spec(closing=closing))
    assert ("paragraph-ends-with-comma", "closing[0]", "error") in found
    assert ("paragraph-no-closing-punct", "closing[1]", "warning") in found
    assert not {p for r, p, _ in found if p in ("closing[2]", "closing[3]")}


def test_it_flags_ascii_punctuation_next_to_chinese():
    found = rules(minimal_spec(closing=["请联系(工作日):电话。", "达到6.2%，PCT申请2件。"]))
    assert ("ascii-punctuation", "closing[0]", "warning") in found
    assert not any(p == "closing[1]" for r, p, _ in found if r == "ascii-punctuation")


@pytest.mark.parametrize("text", ["依据连市监办复[2025]86号文件。",
                                  "依据连市监办复(2025)86号文件。",
                                  "依据连市监办复〔2025〕第86号文件。",
                                  "依据连市监办复〔2025〕086号文件。"])
def test_it_flags_a_document_number_not_in_the_standard_form(text):
    assert ("doc-number-form", "closing[0]", "error") in rules(minimal_spec(closing=[text]))


def test_it_accepts_a_document_number_in_the_standard_form():
    text = "依据连市监办复〔2025〕86号文件，现将第44137号提案答复如下。"
    found = rules(minimal_spec(closing=[text]))
    assert not any(r == "doc-number-form" for r, _, _ in found)


def test_it_flags_gaps_in_an_inline_enumeration():
    found = rules(minimal_spec(closing=["一是加强领导。三是强化措施。"]))
    assert ("enumeration-gap", "closing[0]", "error") in found
    found = rules(minimal_spec(closing=["二是强化措施。"]))
    assert ("enumeration-gap", "closing[0]", "error") in found


def test_it_follows_an_enumeration_across_paragraphs():
    closing = ["一是加强领导。", "二是强化措施。三是狠抓落实。", "一是再来。二是完。"]
    found = rules(minimal_spec(closing=closing))
    assert not any(r == "enumeration-gap" for r, _, _ in found)
    assert not any(r == "enumeration-gap" for r, _, _ in rules(sample_spec()))


def test_it_flags_gaps_in_literal_heading_numbers():
    spec = minimal_spec(sections=[{"heading": "一、甲"}, {"heading": "三、乙"}])
    assert ("heading-number-gap", "sections[1].heading", "error") in rules(spec)
    spec = minimal_spec(sections=[{"heading": "一、甲"}, {"heading": "二、乙"}])
    assert not any(r == "heading-number-gap" for r, _, _ in rules(spec))


def test_it_wants_a_contact_phone():
    assert ("contact-phone-missing", "contact.phone", "error") in rules(
        minimal_spec(contact={"name": "朱昌伟"}))
    assert ("contact-phone-invalid", "contact.phone", "error") in rules(
        minimal_spec(contact={"name": "朱昌伟", "phone": "1890513199"}))
    assert not any(r.startswith("contact-phone") for r, _, _ in rules(minimal_spec()))


@pytest.mark.parametrize("phone", ["18905131999", "0518-85822222", "(0518)85822222",
                                   "（0518）85822222", "85822222", "0518-85822222、13912345678"])
def test_it_accepts_real_phone_numbers(phone):
    assert phone_is_valid(phone)


@pytest.mark.parametrize("phone", ["12905131999", "1890513199", "189051319990", "电话",
                                   "0518-85"])
def test_it_rejects_bad_phone_numbers(phone):
    assert not phone_is_valid(phone)


def test_it_wants_the_title_to_name_session_and_number():
    found = rules(minimal_spec(), session_name="十四届三次会议", proposal_number=44137)
    assert ("title-session-number", "title", "error") in found
    found = rules(minimal_spec(), session_name="十四届四次会议", proposal_number=44138)
    assert ("title-session-number", "title", "error") in found
    found = rules(minimal_spec(), session_name="十四届四次会议", proposal_number=44137)
    assert not any(r == "title-session-number" for r, _, _ in found)


def test_it_reports_normalisation_as_warnings():
    findings = check_letter(minimal_spec(sections=[{"heading": "一、工作情况"}],
                                         date="2025-06-20"))
    assert [(f.rule_id, f.severity) for f in findings] == [("heading.number", "warning")]
    unit = {"name": "连云港市市场监督管理局", "doc_prefix": "连市监办复(2025)"}
    findings = check_letter(minimal_spec(unit=unit, date="2025-06-20"))
    assert {(f.rule_id, f.severity) for f in findings} == {("spec-normalised", "warning")}


DATED = {"date": "2025-06-20"}


def findings_of(spec, rule, **kwargs):
    return [f for f in check_letter(spec, **kwargs) if f.rule_id == rule]


def test_it_reads_a_heading_that_enumerates_as_words_not_as_a_number_gap():
    spec = minimal_spec(sections=[{"heading": "基层医疗"}, {"heading": "一、二级医院建设情况"}],
                        **DATED)
    found = rules(spec)
    assert not any(r == "heading-number-gap" for r, _, _ in found)
    assert ("heading.number", "sections[1].heading", "warning") in found


# date.missing ---------------------------------------------------------------------------

def test_it_wants_a_date_on_a_numbered_letter():
    (finding,) = findings_of(minimal_spec(), "date.missing")
    assert (finding.place, finding.severity) == ("date", "error")
    assert "连市监办复〔2025〕86号" in finding.message and "成文日期" in finding.message
    assert not findings_of(minimal_spec(**DATED), "date.missing")
    assert not findings_of(minimal_spec(doc_number=None), "date.missing")  # a draft


# char.unprintable -----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "shown", "codes"), [
    ("办理情况良好😀。", "😀", "U+1F600"),
    ("点赞👍🏽。", "👍🏽", "U+1F44D U+1F3FD"),
    ("全家👨‍👩‍👧满意。", "👨‍👩‍👧", "U+1F468 U+200D U+1F469 U+200D U+1F467"),
    ("我们❤️连云港。", "❤️", "U+2764 U+FE0F"),
    ("按#️⃣键。", "#️⃣", "U+0023 U+FE0F U+20E3"),
    ("中国🇨🇳。", "🇨🇳", "U+1F1E8 U+1F1F3"),
    ("已完成✔。", "✔", "U+2714"),
    ("评为五⭐。", "⭐", "U+2B50"),
    ("私用\ue000字。", "\ue000", "U+E000"),
    ("看☺。", "☺", "U+263A"),
    ("空白\u200b字符。", "\u200b", "U+200B"),
])
def test_it_refuses_characters_a_government_font_cannot_print(text, shown, codes):
    (finding,) = findings_of(minimal_spec(closing=[text], **DATED), "char.unprintable")
    assert (finding.place, finding.severity) == ("closing[0]", "error")
    assert f"“{shown}”（{codes}，第{text.index(shown) + 1}个字符" in finding.message


def test_it_says_what_kind_of_character_it_refuses():
    spec = minimal_spec(closing=["好😀。", "空​白。", "私用。", "韩한文。"], **DATED)
    kinds = {f.place: f.message for f in findings_of(spec, "char.unprintable")}
    assert "表情符号" in kinds["closing[0]"] and "不可见的格式字符" in kinds["closing[1]"]
    assert "私用区字符" in kinds["closing[2]"] and "字库不支持的字符" in kinds["closing[3]"]


def test_it_allows_what_official_letters_hold():
    text = ("（一）根据《条例》第3条、第5条：“…”——①至⑳、⑴、⒈、㈠；№12，气温25℃，3×4±0.5，"
            "增长6.2％和6.2%，Ⅰ类Ⅻ级ⅲ，㐀䶵（扩展A），〔2025〕【注】「引」『号』〈〉，"
            "A-Z a-z 0-9 α β Ω й，Zhōng Lǚ ü é，¥100 €5 £ ° · § ‰ ※ √ ∞ ≤ ≥ ≠ ≈ ∵ ∴ → ← ↑ ↓，"
            "■□▲△◆◇○◎●★☆，㎡㎏，﹝﹞，ｱ，々〆〇，・，～～、ー。")
    spec = minimal_spec(closing=[text], cc=["市政协提案委员会（Ⅰ）"], **DATED)
    assert not [f for f in check_letter(spec) if f.rule_id.startswith("char.")]


def test_it_finds_unprintable_characters_wherever_the_letter_prints_them():
    spec = minimal_spec(title="对第44137号提案的答复🙂", cc=["市政协🏛"], signer="马盈✨",
                        contact={"name": "朱昌伟😊", "phone": "18905131999"},
                        sections=[{"heading": "工作", "paragraphs": ["好。"], "sections": [
                            {"heading": "细节", "paragraphs": ["甲。", "乙。", "做得好👏。"]}]},
                            {"heading": "计划", "sections": [
                                {"heading": "细节", "paragraphs": ["甲。", "乙。", "丙😀。"]}]}],
                        **DATED)
    places = {f.place for f in findings_of(spec, "char.unprintable")}
    assert places == {"title", "cc[0]", "signer", "contact.name",
                      "sections[0].sections[0].paragraphs[2]",
                      "sections[1].sections[0].paragraphs[2]"}
    (where,) = [f.where for f in findings_of(spec, "char.unprintable")
                if f.place.startswith("sections[1]")]
    assert where == "第二部分（一）第3段"


def test_it_warns_about_rare_characters_beyond_extension_a():
    found = rules(minimal_spec(closing=["经办人王𠀀同志。"], **DATED))
    assert ("char.rare", "closing[0]", "warning") in found
    assert not any(r == "char.unprintable" for r, _, _ in found)


# dup.* -----------------------------------------------------------------------------------

OPENING = "您提出的《关于加快知识产权强市建设的提案》收悉，现答复如下："
THANKS = "感谢您对市场监管工作的关心和支持！"


def test_it_refuses_the_same_paragraph_twice_and_says_it_once():
    paragraph = "我局将继续推进知识产权强市试点城市建设工作，力争取得更大成效。"
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": [paragraph]},
                                  {"heading": "乙", "paragraphs": ["新的内容。", paragraph]}],
                        **DATED)
    found = rules(spec)
    assert ("dup.paragraph", "sections[1].paragraphs[1]", "error") in found
    assert not any(r == "repeated-sentence" for r, _, _ in found)
    (finding,) = findings_of(spec, "dup.paragraph")
    assert "第一部分第1段" in finding.message and "sections[" not in finding.message


def test_it_refuses_two_openings():
    # The generated opening, then the unit's own.
    own = "您提出的关于知识产权的提案已收悉。经认真研究，现将办理情况答复如下："
    spec = minimal_spec(intro=[OPENING, own], **DATED)
    (finding,) = findings_of(spec, "dup.opening")
    assert (finding.place, finding.severity) == ("intro[1]", "error")
    assert "开头第1段" in finding.message
    assert not findings_of(minimal_spec(intro=[OPENING], **DATED), "dup.opening")
    body = "收悉提案后，我局立即召开专题会议研究办理。"  # "on receipt": no second opening
    spec = minimal_spec(intro=[OPENING], sections=[{"heading": "甲", "paragraphs": [body]}],
                        **DATED)
    assert not findings_of(spec, "dup.opening")


def test_it_refuses_two_closings_of_thanks():
    spec = minimal_spec(closing=[THANKS, "再次感谢您对我局工作的关心与支持。"], **DATED)
    assert ("dup.closing", "closing[1]", "error") in rules(spec)
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": [THANKS]}],
                        closing=["衷心感谢您的关注和支持。"], **DATED)
    assert ("dup.closing", "closing[0]", "error") in rules(spec)
    assert not findings_of(minimal_spec(closing=[THANKS], **DATED), "dup.closing")
    body = "感谢各协办单位的大力支持，工作进展顺利。"  # thanks to others, not a closing
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": [body]}], closing=[THANKS],
                        **DATED)
    assert not findings_of(spec, "dup.closing")


def test_it_warns_about_near_duplicate_sentences_across_sections():
    first = "全市有效发明专利突破一万件，达10374件，比去年底增长609件。"
    near = "全市有效发明专利突破一万件，达到10374件，比去年底增长609件。"
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": ["开始。" + first]},
                                  {"heading": "乙", "paragraphs": ["另外。" + near]}], **DATED)
    (finding,) = findings_of(spec, "dup.sentence")
    assert (finding.place, finding.severity) == ("sections[1].paragraphs[0]", "warning")
    assert "第一部分第1段" in finding.message


def test_it_warns_about_a_sentence_repeated_with_other_punctuation():
    first = "全市有效发明专利突破一万件，达10374件，比去年底增长609件。"
    again = "另外。" + first.replace("，", ",")
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": [first]},
                                  {"heading": "乙", "paragraphs": [again]}], **DATED)
    assert ("dup.sentence", "sections[1].paragraphs[0]", "warning") in rules(spec)


def test_it_leaves_different_sentences_and_the_sample_alone():
    one = "全市有效发明专利突破一万件，达10374件，比去年底增长609件。"
    other = "全市商标注册量稳步增长，达到52000件，同比增长百分之八。"
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": [one]},
                                  {"heading": "乙", "paragraphs": [other]}], **DATED)
    assert not findings_of(spec, "dup.sentence")
    assert not findings_of(cleaned_sample(), "dup.sentence")
    assert not [f for f in check_letter(cleaned_sample()) if f.rule_id.startswith("dup.")]


def test_it_checks_a_long_letter():
    # 400 paragraphs of 30 characters; every 50th repeats an earlier one with one changed.
    rng = random.Random(15)
    paragraphs = ["".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(30)) + "。"
                  for _ in range(400)]
    for i in range(50, 400, 50):
        paragraphs[i] = paragraphs[i - 49][:15] + "改" + paragraphs[i - 49][16:]
    spec = minimal_spec(sections=[{"heading": "甲", "paragraphs": paragraphs}], **DATED)
    found = findings_of(spec, "dup.sentence")
    repeats = range(50, 400, 50)
    assert [f.place for f in found] == [f"sections[0].paragraphs[{i}]" for i in repeats]
    assert all(f"第一部分第{i - 48}段" in f.message for f, i in zip(found, repeats, strict=True))
