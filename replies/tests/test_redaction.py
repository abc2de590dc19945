"""The redaction rules of public replies: what goes (positive cases) and what stays
(numbers that are not personal), on real-looking Chinese text."""

import pytest

from replies.redaction import (
    MARK_ADDRESS,
    MARK_CONTACT,
    MARK_EMAIL,
    MARK_ID,
    MARK_PHONE,
    MARK_PHRASE,
    MARK_QQ,
    MARK_WECHAT,
    Known,
    redact,
)

REMOVED = [
    # mobile numbers
    ("联系电话：13812345678。", "13812345678", MARK_PHONE),
    ("手机 138 1234 5678，欢迎来电", "138 1234 5678", MARK_PHONE),
    ("手机138-1234-5678", "138-1234-5678", MARK_PHONE),
    ("请拨打+86 139-1234-5678咨询", "+86 139-1234-5678", MARK_PHONE),
    ("请拨打+8613912345678咨询", "+8613912345678", MARK_PHONE),
    ("0086 13912345678", "0086 13912345678", MARK_PHONE),
    ("（+86）15951234567", "（+86）15951234567", MARK_PHONE),
    ("电话：１３９１２３４５６７８", "１３９１２３４５６７８", MARK_PHONE),
    ("电话：１３９－１２３４－５６７８。", "１３９－１２３４－５６７８", MARK_PHONE),
    ("联系人手机19912345678", "19912345678", MARK_PHONE),
    # landlines
    ("办公室电话0518-85812345", "0518-85812345", MARK_PHONE),
    ("电话（0518）85812345", "（0518）85812345", MARK_PHONE),
    ("电话(0518)85812345", "(0518)85812345", MARK_PHONE),
    ("电话0518 8581 2345，", "0518 8581 2345", MARK_PHONE),
    ("电话：0518-85812345转8021", "0518-85812345转8021", MARK_PHONE),
    ("电话：0518-85812345分机21", "0518-85812345分机21", MARK_PHONE),
    ("电话：025-83391234", "025-83391234", MARK_PHONE),
    ("电话：010-6309 1234", "010-6309 1234", MARK_PHONE),
    ("电话：０５１８－８５８１２３４５", "０５１８－８５８１２３４５", MARK_PHONE),
    ("咨询电话85812345。", "85812345", MARK_PHONE),
    ("咨询电话8581 2345。", "8581 2345", MARK_PHONE),
    ("热线85812345转6", "85812345转6", MARK_PHONE),
    ("电话：0518—85812345", "0518—85812345", MARK_PHONE),  # an em dash typed between
    ("手机：138—1234—5678", "138—1234—5678", MARK_PHONE),
    ("Tel: 0518-85812345", "0518-85812345", MARK_PHONE),
    # 400/800
    ("服务热线400-820-1234", "400-820-1234", MARK_PHONE),
    ("免费电话800 820 1234", "800 820 1234", MARK_PHONE),
    ("热线4008201234", "4008201234", MARK_PHONE),
    # ID numbers
    ("身份证号32070119800101123X", "32070119800101123X", MARK_ID),
    ("身份证号：32070119800101123x。", "32070119800101123x", MARK_ID),
    ("身份证号码320701198001011234", "320701198001011234", MARK_ID),
    ("身份证：３２０７０１１９８００１０１１２３Ｘ",
     "３２０７０１１９８００１０１１２３Ｘ", MARK_ID),
    ("旧身份证320701800101123", "320701800101123", MARK_ID),
    ("身份证 320701 19800101 123X", "320701 19800101 123X", MARK_ID),
    # e-mail
    ("邮箱wang.bo@example.com", "wang.bo@example.com", MARK_EMAIL),
    ("请发送至 lyg_zx-2026@mail.lyg.gov.cn 。", "lyg_zx-2026@mail.lyg.gov.cn", MARK_EMAIL),
    ("ＷＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ", "ＷＡＮＧ＠ＥＸＡＭＰＬＥ．ＣＯＭ", MARK_EMAIL),
    # labelled QQ / WeChat
    ("QQ：12345678", "12345678", MARK_QQ),
    ("QQ号 987654321", "987654321", MARK_QQ),
    ("ＱＱ：１２３４５６７８", "１２３４５６７８", MARK_QQ),
    ("微信号：wangbo_2026", "wangbo_2026", MARK_WECHAT),
    ("微信：13912345678", "13912345678", MARK_PHONE),  # a mobile number either way
    ("WeChat: lyg-kjj01", "lyg-kjj01", MARK_WECHAT),
]

KEPT = [
    "连科函〔2026〕12号",
    "连市监办复〔2025〕86号",
    "2026年6月1日",
    "2025-12-31",
    "20260601",
    "1200万元",
    "投资12345678元",
    "新增就业岗位85812345个",
    "22.5万",
    "第44137号提案",
    "第2026001号",
    "编号2026-0001",
    "增长15.6%",
    "《条例》第二十三条",
    "第23条第2款",
    "GB/T 9704-2012",
    "京ICP备12345678号",
    "邮编222000",
    "统一社会信用代码91320700MA1XXXXX",
    "市政协十四届四次会议",
    "共办理提案1234件",
    "面积135000平方米",
    "QQ群活动",
    "微信公众号“连云港发布”",
]


@pytest.mark.parametrize("text, removed, marker", REMOVED)
def test_it_removes_personal_numbers(text, removed, marker):
    result = redact(text)
    assert removed not in result.text
    assert result.text == text.replace(removed, marker)
    assert [r.original for r in result.removals] == [removed]


@pytest.mark.parametrize("text", KEPT)
def test_it_keeps_numbers_that_are_not_personal(text):
    assert redact(text).text == text


def test_it_removes_the_reply_contact_and_its_phone_in_any_spacing():
    known = Known(contact_names=("张伟",), phones=("0518-85801234",))
    text = "联系人：张伟，电话：0518 8580 1234；张伟同志将跟踪办理。"
    assert redact(text, known).text == (
        f"联系人：{MARK_CONTACT}，电话：{MARK_PHONE}；{MARK_CONTACT}同志将跟踪办理。"
    )


def test_it_removes_the_proposers_details_held_in_the_database():
    known = Known(phones=("13805180000",), emails=("wb@lyg.cn",),
                  addresses=("连云港市海州区朝阳东路88号",))
    text = "王波委员（138 0518 0000，WB@lyg.cn，连云港市海州区朝阳东路88号）提出"
    out = redact(text, known).text
    assert out == f"王波委员（{MARK_PHONE}，{MARK_EMAIL}，{MARK_ADDRESS}）提出"
    assert "王波委员" in out  # the proposer's name is public: the letter is addressed to them


def test_it_replaces_the_clerks_phrases_everywhere_before_any_rule():
    known = Known(phrases=("海州区某涉密项目", "85812345"))
    out = redact("海州区某涉密项目进展顺利；海州区某涉密项目电话85812345", known).text
    assert out == f"{MARK_PHRASE}进展顺利；{MARK_PHRASE}电话{MARK_PHRASE}"


def test_it_keeps_full_width_text_around_a_removal():
    out = redact("（一）请拨打１３９１２３４５６７８，谢谢！").text
    assert out == f"（一）请拨打{MARK_PHONE}，谢谢！"


def test_parts_give_the_original_with_the_removed_spans_marked():
    result = redact("电话13812345678。")
    assert result.parts() == [("电话", ""), ("13812345678", MARK_PHONE), ("。", "")]


def test_a_one_character_name_or_short_phrase_is_not_removed_everywhere():
    assert redact("王在办理", Known(contact_names=("王",), phrases=("办",))).text == "王在办理"
