"""Letters of every shape for the layout tests (PDF measurements), as specs."""

from __future__ import annotations

from .letter_samples import minimal_spec, sample_spec, tiny_png

CC_SHORT = ["市政协提案委", "市政府办公室"]
CC_LONG = ["市政协提案委员会", "市人民政府办公室", "市科学技术局", "市司法局", "市财政局",
           "市工业和信息化局", "市商务局", "市农业农村局", "市地方金融监督管理局",
           "市中级人民法院", "连云港海关", "市教育局", "市人力资源和社会保障局",
           "中国人民银行连云港市分行"]
LONG_UNIT = "连云港市经济技术开发区管理委员会市场监督管理和知识产权综合行政执法局"


def lines_of(n: int, char: str = "测") -> str:
    """A body paragraph that fills exactly n lines (two characters of first-line indent)."""
    return char * (28 * n - 2)


def shapes(tmp_path) -> dict[str, dict]:
    seal = tmp_path / "seal.png"
    seal.write_bytes(tiny_png(120, 120))
    ending = {"date": "2025-06-20", "disclosure": "此件公开发布", "cc": CC_SHORT}
    sealed = sample_spec()
    sealed.update(ending, seal=str(seal), feedback_url="https://example.cn/f/44137",
                  category="A", closing=["感谢您对市场监管工作的关心和支持！"])
    four = minimal_spec(date="2025-06-20", cc=CC_SHORT, sections=[{
        "heading": "工作情况", "paragraphs": ["我局做了工作。"], "sections": [{
            "heading": "第二级", "paragraphs": ["二级正文。"], "sections": [{
                "heading": "第三级", "paragraphs": ["三级正文。"], "sections": [{
                    "heading": "第四级", "paragraphs": ["四级正文。"], "sections": []}]}]}]}])
    return {
        "sample": sample_spec(),
        "short": minimal_spec(**ending),
        # Page 1: 8 lines of head; 1 + 1 + 5 body lines; 2 blank, 落款, date, two 附注; the
        # 抄送's line: 22, exactly full.
        "exact": minimal_spec(**ending, intro=[lines_of(1)], sections=[
            {"heading": "工作情况", "paragraphs": [lines_of(5)], "sections": []}]),
        # One body line more: page 1 is full before the 版记 (full_without_cc shows it).
        "full": minimal_spec(**ending, intro=[lines_of(1)], sections=[
            {"heading": "工作情况", "paragraphs": [lines_of(6)], "sections": []}]),
        "full_without_cc": minimal_spec(**{**ending, "cc": []}, intro=[lines_of(1)], sections=[
            {"heading": "工作情况", "paragraphs": [lines_of(6)], "sections": []}]),
        # With the QR code (three lines and its caption), page 1 is full before the 版记.
        "qr_full": minimal_spec(**ending, feedback_url="https://example.cn/f/1",
                                intro=[lines_of(1)], sections=[
            {"heading": "工作情况", "paragraphs": [lines_of(2)], "sections": []}]),
        "long_cc": minimal_spec(date="2025-06-20", cc=CC_LONG),
        "four_levels": four,
        "draft": minimal_spec(doc_number=None, cc=CC_SHORT),
        "sealed_qr": sealed,
        "long_name": minimal_spec(unit={"name": LONG_UNIT, "doc_prefix": "连开市监复"},
                                  date="2025-06-20", cc=CC_SHORT),
    }
