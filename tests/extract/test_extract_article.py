"""extract_article on fixture pages of each template generation and variant."""

from __future__ import annotations

import pytest
from extract_helpers import SITE, fixture_bytes

from dgportal_crawler.extract import ExtractionError, extract_article
from dgportal_crawler.items import Attachment, Image
from dgportal_crawler.profile import SiteProfile

NEWS_URL = SITE + "tsjh/czjs/content/post_3950150.html"
NEWS_PARAGRAPHS = [
    "近日，位于新塘社区文化广场旁的口袋公园完成建设并向市民开放。公园占地约1200平方米，"
    "利用原有闲置空地改造而成。",
    "因地制宜 留住老榕树",
    "设计团队保留了场地内三棵树龄超过五十年的榕树，并在树下铺设透水步道和休憩座椅。",
    "厚街发布：公园建设过程中如何听取居民意见？",
    "社区负责人：我们先后组织了三场居民议事会，收集意见四十余条，其中增设儿童游乐区的建议已经落实。",
    "新塘社区口袋公园全景",
    "项目\t面积（平方米）\t完成时间",
    "透水步道\t320\t2023年2月",
    "儿童游乐区\t180\t2023年3月",
    "附件：新塘社区口袋公园平面图.pdf",
]
NEWS_IMAGES = [Image("https://www.dg.gov.cn/img/0/456/4561001.jpg", "口袋公园全景")]
NEWS_ATTACHMENTS = [
    Attachment("https://www.dg.gov.cn/attachment/0/456/4561020.pdf", "新塘社区口袋公园平面图.pdf")
]


def test_current_news_article(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("current/article_news.html"), url=NEWS_URL, profile=houjie, template="current"
    )
    assert a.title == a.title_original == "厚街镇新塘社区口袋公园建成开放"
    assert (a.published_at, a.published_precision) == ("2023-03-06T16:20:00+08:00", "minute")
    assert a.source == "厚街镇城建办"
    assert a.paragraphs == NEWS_PARAGRAPHS
    assert a.text_original.split("\n") == NEWS_PARAGRAPHS
    assert a.script_original == "hans"
    assert a.images == NEWS_IMAGES
    assert a.attachments == NEWS_ATTACHMENTS
    assert a.column_path == ["图说厚街", "城镇建设"]
    assert (a.author, a.editor, a.reviewer) == ("陈晓婷", "梁志明", "黄伟")
    assert a.gov_meta is None
    assert a.extraction.method == "template"
    assert a.extraction.template == "current"
    assert a.extraction.removed == {
        "editor_line": 1, "font_size": 3, "image_filename": 1, "prev_next": 1,
        "print_close": 2, "related_list": 1, "share_bar": 1,
    }
    assert a.extraction.warnings == []
    assert a.extraction.encoding["charset"] == "utf-8"


def test_no_furniture_in_text(houjie: SiteProfile) -> None:
    a = extract_article(fixture_bytes("current/article_news.html"), url=NEWS_URL, profile=houjie)
    for furniture in ("分享到", "扫一扫", "字体大小", "打印页面", "上一篇", "相关链接", "版权所有",
                      "微信图片", "责任编辑", "您当前的位置"):
        assert furniture not in a.text


def test_notice_with_gov_meta_and_lists(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("current/article_notice.html"),
        url=SITE + "zwgk/tzgg/content/post_3951002.html", profile=houjie, template="current",
    )
    assert a.title == "厚街镇关于开展2023年度养犬登记年检工作的通告"
    assert (a.published_at, a.published_precision) == ("2023-03-10T09:15:42+08:00", "second")
    assert a.source == "厚街镇综合行政执法办公室"
    assert a.gov_meta == {
        "索引号": "11441900MB2C12345X/2023-00045",
        "发布机构": "厚街镇综合行政执法办公室",
        "发文字号": "厚执法通〔2023〕3号",
        "成文日期": "2023-03-09",
        "主题分类": "公安、安全、司法",
        "公开方式": "主动公开",
    }
    assert a.paragraphs == [
        "为规范养犬行为，保障居民人身安全和环境卫生，现将2023年度养犬登记年检工作通告如下：",
        "一、年检时间",
        "2023年3月15日至4月30日（法定节假日除外）。",
        "二、办理地点",
        "厚街镇行政服务中心一楼综合窗口。",
        "三、所需材料",
        "养犬登记证原件；",
        "犬只狂犬病免疫证明；",
        "养犬人身份证复印件。",
        "附件：1.养犬登记申请表.docx",
        "2.年检流程图.pdf",
        "厚街镇综合行政执法办公室",
        "2023年3月9日",
    ]
    assert a.attachments == [
        Attachment(SITE + "zwgk/tzgg/content/files/yqdj-sqb.docx", "1.养犬登记申请表.docx"),
        Attachment("https://www.dg.gov.cn/attachment/0/457/4570012.pdf", "2.年检流程图.pdf"),
    ]
    assert a.column_path == ["政务公开", "通知公告"]
    assert a.extraction.removed == {"print_close": 2, "font_size": 3, "share_bar": 1}


def test_legacy_article(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("legacy/article.html"),
        url=SITE + "xwzx/sqdt/content/post_2870456.html", profile=houjie, template="legacy",
    )
    assert a.title == "溪头社区开展夏季防溺水安全宣传活动"
    assert (a.published_at, a.published_precision) == ("2019-05-10T09:30:00+08:00", "second")
    assert a.source == "本网"
    assert a.paragraphs == [
        "5月8日，溪头社区联合辖区小学在社区广场开展夏季防溺水安全宣传活动，吸引了两百多名学生和家长参加。",
        "活动现场，志愿者通过展板讲解、情景演示等方式，向孩子们介绍了“六不准”防溺水常识。",
        "社区工作人员还为家长们发放了《致家长的一封信》，提醒家长加强暑期看护。",
        "下一步，社区将在重点水域增设警示牌，并安排巡查人员在节假日加密巡查。",
    ]
    assert a.editor == "刘倩"
    assert a.author is None
    assert a.column_path == ["新闻中心", "社区动态"]
    assert a.extraction.template == "legacy"
    assert a.extraction.removed == {"editor_line": 1, "font_size": 3}


def test_wrong_template_hint_falls_through_to_the_other_template(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("legacy/article.html"),
        url=SITE + "xwzx/sqdt/content/post_2870456.html", profile=houjie, template="current",
    )
    assert a.extraction.method == "template"
    assert a.extraction.template == "legacy"
    assert a.extraction.warnings == ["template 'current' did not match; 'legacy' did"]


def test_rendered_hijacked_capture_page(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("rendered/article_capture.html"),
        url=SITE + "xwzx/hjyw/content/post_3960001.html", profile=houjie, template="current",
    )
    assert a.title_original == "厚街鎮啓動2023年網格員業務培訓"
    assert a.title == "厚街镇启动2023年网格员业务培训"
    assert (a.published_at, a.published_precision) == ("2023-03-15T18:05:30+08:00", "second")
    assert a.source == "厚街镇网格管理中心"
    assert a.script_original == "hant"
    assert a.paragraphs == [
        "3月15日，厚街镇2023年网格员业务培训班在镇行政服务中心开班，全镇一百二十名网格员参加培训。",
        "培训围绕网格巡查、矛盾纠纷排查和信息上报等内容展开，邀请市级业务骨干现场授课。",
        "镇网格管理中心负责人表示，今年将依托网站和移动终端进一步提升网格事件的处置效率。",
    ]
    assert a.text_original.split("\n")[2] == (
        "鎮網格管理中心負責人表示，今年將依託網站和移動終端進一步提升網格事件的處置效率。"
    )
    assert a.column_path == ["新闻中心", "厚街要闻"]
    assert a.extraction.removed == {
        "font_size": 3, "pinyin_annotation": 3, "print_close": 2, "share_bar": 1,
        "spam_keywords": 1, "toolbar_announcement": 9,
    }


def test_degraded_page_uses_the_fallback(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("degraded/article.html"), url=NEWS_URL, profile=houjie, template="current"
    )
    assert a.extraction.method == "fallback"
    assert a.extraction.template is None
    assert a.extraction.warnings[0] == "no template matched (tried current, legacy); used the fallback"
    assert a.title == "厚街镇新塘社区口袋公园建成开放"
    assert (a.published_at, a.source) == ("2023-03-06T16:20:00+08:00", "厚街镇城建办")
    assert a.paragraphs == NEWS_PARAGRAPHS
    assert a.images == NEWS_IMAGES
    assert a.attachments == NEWS_ATTACHMENTS
    assert (a.author, a.editor, a.reviewer) == ("陈晓婷", "梁志明", "黄伟")
    assert a.column_path == ["图说厚街", "城镇建设"]


def test_fallback_on_a_bare_fragment(houjie: SiteProfile) -> None:
    body = (
        "<p>厚街镇今日召开安全生产工作会议，部署节前安全检查。</p>"
        "<p>会议要求各部门压实责任，对重点企业开展全覆盖检查。</p>"
        "<p>发布时间：2023-01-12</p>"
    ).encode()
    a = extract_article(body, url=NEWS_URL, profile=houjie)
    assert a.extraction.method == "fallback"
    assert a.paragraphs == [
        "厚街镇今日召开安全生产工作会议，部署节前安全检查。",
        "会议要求各部门压实责任，对重点企业开展全覆盖检查。",
    ]
    assert (a.published_at, a.published_precision) == ("2023-01-12T00:00:00+08:00", "day")


def test_meta_tags_stand_in_for_missing_elements(houjie: SiteProfile) -> None:
    page = fixture_bytes("current/article_news.html").decode()
    page = page.replace('<h1 class="article-title">厚街镇新塘社区口袋公园建成开放</h1>', "")
    page = page.replace("发布日期：2023-03-06 16:20　来源：厚街镇城建办", "")
    a = extract_article(page.encode(), url=NEWS_URL, profile=houjie, template="current")
    assert a.title == "厚街镇新塘社区口袋公园建成开放"
    assert (a.published_at, a.source) == ("2023-03-06T16:20:00+08:00", "厚街镇城建办")
    assert a.extraction.warnings == [
        "title element missing; title from <meta name=ArticleTitle>",
        "no date in the info line; date from <meta name=PubDate>",
    ]


def test_gbk_page_with_conflicting_declarations(houjie: SiteProfile) -> None:
    a = extract_article(
        fixture_bytes("encodings/gb2312_meta_header_utf8.html"),
        url=SITE + "xwzx/sqdt/content/post_2870456.html", profile=houjie, template="legacy",
        headers={"Content-Type": "text/html; charset=utf-8"},
    )
    assert a.title == "溪头社区开展夏季防溺水安全宣传活动"
    assert a.extraction.encoding == {
        "charset": "gb18030", "source": "meta",
        "declared": {"bom": None, "header": "utf-8", "meta": "gb2312"},
        "conflict": True, "undecodable_bytes": 0,
    }
    assert a.extraction.warnings == [
        "charset declarations disagree or are wrong (header=utf-8, meta=gb2312); "
        "read as gb18030 (meta)"
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty response body"),
        (b"   \n", "empty response body"),
        (b"<html><body></body></html>", "no article text found (fallback extraction)"),
        (b"\x00\x01\x02\xff\xfe", "binary content, not a text or HTML page (NUL bytes)"),
    ],
)
def test_nothing_extractable(houjie: SiteProfile, body: bytes, message: str) -> None:
    with pytest.raises(ExtractionError, match=message.replace("(", r"\(").replace(")", r"\)")):
        extract_article(body, url=NEWS_URL, profile=houjie)
