import pytest

from replies.letter.places import place_in_words


@pytest.mark.parametrize(("path", "words"), [
    ("sections[1].sections[0].paragraphs[2]", "第二部分（一）第3段"),
    ("sections[1].paragraphs[3]", "第二部分第4段"),
    ("sections[0].heading", "第一部分标题"),
    ("sections[10].sections[1].heading", "第十一部分（二）标题"),
    ("sections[0].sections[0].sections[2].sections[1].paragraphs[0]", "第一部分（一）3.（2）第1段"),
    ("sections[2]", "第三部分"),
    ("intro[0]", "开头第1段"),
    ("intro", "开头"),
    ("closing[1]", "结尾第2段"),
    ("cc[0]", "抄送第1个单位"),
    ("cc", "抄送"),
    ("title", "标题"),
    ("addressee", "主送"),
    ("contact.phone", "联系电话"),
    ("date", "成文日期"),
    ("unit.doc_prefix", "发文字号前缀"),
    ("spec", "全文"),
])
def test_it_says_the_place_in_words(path, words):
    assert place_in_words(path) == words


@pytest.mark.parametrize("path", ["foo", "sections[x]", "sections[1].bar[2]"])
def test_it_names_an_unknown_path_as_a_field_not_bare(path):
    words = place_in_words(path)
    assert words != path and "字段" in words
