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
