"""Pages in the styles of other towns and departments (tests/fixtures/other, our own writing):
another town on the same platform, a department's table layout, the disclosure platform
(gkmlpt, rendered and client-rendered) and a traditional capture with a town's footer."""

from __future__ import annotations

import pytest
from extract_helpers import fixture_bytes

from dgportal_crawler.extract import decode_html, extract_article, extract_capture
from dgportal_crawler.items import ExtractedArticle
from dgportal_crawler.profile import SiteProfile

URL = "https://www.dg.gov.cn/humen/xwzx/content/post_4123456.html"
#: Labels no line of these pages' text may hold (they are all furniture here).
FURNITURE = ("版权所有", "网站标识码", "ICP", "公网安备", "承办", "邮编", "传真", "技术支持", "网站地图",
             "隐私声明", "责任编辑", "审核", "审稿", "校对", "通讯员", "发布时间", "发布日期", "信息来源",
             "稿件来源", "浏览次数", "当前位置", "您的位置", "分享到", "上一篇", "相关链接", "{{")


def article(name: str, profile: SiteProfile) -> ExtractedArticle:
    data = fixture_bytes(f"other/{name}")
    if name.endswith(".txt"):
        return extract_capture(decode_html(data).text, profile=profile)
    return extract_article(data, url=URL, profile=profile)


@pytest.mark.parametrize(
    ("name", "title", "published", "source", "people"),
    [
        ("town_current_other.html", "虎门镇启动2024年“百千万工程”示范村建设",
         ("2024-04-18T17:42:00+08:00", "minute"), "虎门镇融媒体中心", ("黎嘉欣", "邝晓彤", "卢志坚")),
        ("department_table.html", "市场监管局开展电动自行车质量安全专项检查",
         ("2024-05-08T00:00:00+08:00", "day"), "市市场监管局产品质量安全监管科", ("何俊朗", None, "邵倩怡")),
        ("gkmlpt_visible.html", "东莞市茶山镇人民政府关于做好秋季森林防火工作的通知",
         ("2023-10-12T15:03:27+08:00", "second"), None, (None, None, None)),
        ("gkmlpt_client.html", "横沥镇2024年秋季公办幼儿园学位申请指引",
         ("2024-06-21T10:30:05+08:00", "second"), "横沥镇教育管理中心", (None, None, None)),
        ("capture_town.txt", "塘厦镇举办2024年夏季招聘会",
         ("2024-06-15T11:20:00+08:00", "minute"), "塘厦镇人力资源分局", (None, "梁嘉颖", None)),
    ],
)
def test_metadata(houjie: SiteProfile, name: str, title: str, published: tuple[str, str],
                  source: str | None, people: tuple[str | None, ...]) -> None:
    a = article(name, houjie)
    assert a.title == title
    assert (a.published_at, a.published_precision) == published
    assert a.source == source
    assert (a.author, a.editor, a.reviewer) == people


@pytest.mark.parametrize(
    "name",
    ["town_current_other.html", "department_table.html", "gkmlpt_visible.html",
     "gkmlpt_client.html", "capture_town.txt"],
)
def test_no_furniture_left(houjie: SiteProfile, name: str) -> None:
    text = article(name, houjie).text
    assert [label for label in FURNITURE if label in text] == []


def test_other_town_on_the_same_platform_completes_the_template(houjie: SiteProfile) -> None:
    a = article("town_current_other.html", houjie)
    assert (a.extraction.method, a.extraction.template) == ("template", "current")
    assert len(a.paragraphs) == 3 and a.paragraphs[0].startswith("4月18日，虎门镇召开")
    assert "title element missing; title from the page" in a.extraction.warnings


def test_department_layout_table_body_paragraphs(houjie: SiteProfile) -> None:
    a = article("department_table.html", houjie)
    assert a.extraction.method == "fallback"
    assert [p[:10] for p in a.paragraphs] == ["5月以来，市市场监管", "截至目前，共检查销售", "下一步，该局将联合消"]


def test_gkmlpt_visible_page_keeps_notice_lines_and_drops_the_document_number(houjie: SiteProfile) -> None:
    a = article("gkmlpt_visible.html", houjie)
    assert a.paragraphs[0] == "各社区、镇直有关单位："
    assert a.paragraphs[-4:] == ["联系电话：0769-86641234", "附件：秋季森林防火巡查登记表.doc",
                                 "东莞市茶山镇人民政府", "2023年10月9日"]
    assert "茶府函〔2023〕61号" not in a.text  # the 文号 under the title, not body
    assert a.gov_meta is not None and a.gov_meta["发布机构"] == "东莞市茶山镇人民政府"
    assert [x.name for x in a.attachments] == ["秋季森林防火巡查登记表.doc"]


def test_gkmlpt_client_rendered_page_reads_the_config(houjie: SiteProfile) -> None:
    a = article("gkmlpt_client.html", houjie)
    assert a.paragraphs[0] == "各位家长："
    assert a.paragraphs[-3:] == ["咨询电话：0769-87851234", "东莞市横沥镇教育管理中心", "2024年6月20日"]
    assert "东莞市横沥镇人民政府 政府信息公开" not in a.text  # the template's chrome
    assert a.extraction.removed["template_placeholder"] >= 1
    assert "body from the page's window._CONFIG.DETAIL (client-rendered page)" in a.extraction.warnings


def test_capture_of_another_town(houjie: SiteProfile) -> None:
    a = article("capture_town.txt", houjie)
    assert a.paragraphs == [
        "6月15日，塘厦镇2024年夏季招聘会在镇文化广场举行，86家企业提供岗位3200多个。",
        "招聘会设置了技能人才、高校毕业生和退役军人专区，现场达成初步就业意向560人。",
        "活动地点：塘厦镇文化广场",
        "主办单位：塘厦镇人力资源分局",  # an event's organiser inside the body stays
        "镇人力资源分局表示，下半年还将举办4场专场招聘会。",
    ]
    assert a.extraction.removed["footer_field"] == 5  # 主办/承办/地址/电话 lines and the ICP line
    assert a.images and a.images[0].url == "IMG_3021.JPG"


def test_editor_line_after_the_article_container(houjie: SiteProfile) -> None:
    """The template finds title, info and body, but the editor line has another class and
    stands after the article's container: it is read from the blocks that follow."""
    page = fixture_bytes("current/article_news.html").decode()
    line = '<div class="editor">作者：陈晓婷　责任编辑：梁志明　审核：黄伟</div>'
    moved = line.replace('class="editor"', 'class="zrbj"')
    page = page.replace(line, "")
    end = page.index("</div></div>", page.index('class="article-content"'))  # div.article, div.main
    page = page[:end] + "</div>" + moved + page[end + len("</div>"):]
    assert page.index(moved) > page.index('class="article-content"')
    a = extract_article(page.encode(), url=URL, profile=houjie, template="current")
    assert a.extraction.method == "template" and a.extraction.warnings == []
    assert (a.author, a.editor, a.reviewer) == ("陈晓婷", "梁志明", "黄伟")
