"""Page furniture, list pages and the home page, as docs/templates.md describes them.

Pages are built as simplified-Chinese UTF-8 text; ``variants.py`` turns them into captures,
mirrors, degraded or re-encoded copies afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html import escape

from .model import COLUMNS, SITE_ID_CODE, SITE_NAME, SITE_ROOT, ReplicaColumn
from .vocab_base import TOWNS

PORTAL = "https://www.dg.gov.cn/"
STAT_SCRIPT = "https://stat.replica.invalid/stat.js?siteid=" + SITE_ID_CODE  # never resolves
_ANCHOR = re.compile(r"<a[\s>]")
ESD_STYLE = "position:absolute;width:1px;height:1px;overflow:hidden"


def t(text: str) -> str:
    """Escape a text node."""
    return escape(text, quote=False)


def a(text: str) -> str:
    """Escape an attribute value."""
    return escape(text, quote=True)


class Esd:
    """The accessibility toolbar's hidden region anchors, present only on rendered captures."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.counts = {"视窗区": 0, "导航区": 0}

    def wrap(self, html: str, area: str = "视窗区", links: bool = True) -> str:
        if not self.enabled:
            return html
        self.counts[area] += 1
        n = self.counts[area]
        enter = f"提示:您已进入{area}{n}"
        if links:
            enter += f",本区域含有{len(_ANCHOR.findall(html))}个链接,按下Tab键浏览信息"
        return self._anchor(enter) + html + self._anchor(f"提示:您已离开{area}{n}")

    def announcement(self, page_title: str) -> str:
        if not self.enabled:
            return ""
        nav, win = self.counts["导航区"], self.counts["视窗区"]
        return self._anchor(
            f"已打开{page_title}页面,本页面是由{nav}个导航区、{win}个视窗区共计{nav + win}"
            "个区域组成,操作帮助请按Alt加问号键。"
        )

    @staticmethod
    def _anchor(text: str) -> str:
        return (
            f'<a class="esdNavLink ESDAssetsTextCon" href="javascript:void(0)" '
            f'style="{ESD_STYLE}">{t(text)}</a>'
        )


def site_title(*parts: str) -> str:
    """A page title: ``parts`` then the site name, joined by ``_`` as the portal does."""
    return "_".join((*parts, SITE_NAME))


def column_href(col: ReplicaColumn, page: int = 1) -> str:
    return col.url_path + col.page_name(page)


def head(title: str, col: ReplicaColumn | None, extra_meta: Sequence[tuple[str, str]] = ()) -> str:
    metas = [("SiteName", SITE_NAME), ("SiteDomain", "www.dg.gov.cn"), ("SiteIDCode", SITE_ID_CODE)]
    if col is not None:
        metas += [("ColumnName", col.name), ("ColumnType", col.parent)]
    metas += list(extra_meta)
    lines = "".join(f'<meta name="{n}" content="{a(v)}">\n' for n, v in metas)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head>\n<meta charset="utf-8">\n'
        f"<title>{t(title)}</title>\n{lines}"
        f'<link rel="stylesheet" href="{SITE_ROOT}css/common.css">\n</head><body>\n'
    )


def _nav_links() -> list[tuple[str, str]]:
    links = [("首页", SITE_ROOT)]
    seen_parents: set[str] = set()
    for col in COLUMNS:
        if col.parent not in seen_parents:
            seen_parents.add(col.parent)
            links.append((col.parent, column_href(col)))
    links += [(col.name, column_href(col)) for col in COLUMNS]
    links += [
        ("东莞市人民政府", PORTAL), ("政务服务", PORTAL + "zwfw/"), ("数据开放", PORTAL + "sjkf/"),
    ]
    links += [(name, f"{PORTAL}{slug}/") for name, slug in TOWNS]
    return links  # 1 + 4 parents + 6 columns + 3 + 31 towns = 45, as in the capture


NAV_LINKS = _nav_links()


def top(esd: Esd, col: ReplicaColumn | None, trail: Sequence[tuple[str, str]] = ()) -> str:
    bar = (
        '<div class="top-bar"><a class="wza" href="javascript:void(0)">无障碍</a> '
        '<a class="zzms" href="javascript:void(0)">长者模式</a> '
        '<a class="ghb" href="javascript:void(0)">关怀版</a> '
        '<a class="jt" href="javascript:void(0)">简体</a>/<a class="ft" href="javascript:void(0)">'
        "繁體</a></div>\n"
    )
    nav = "".join(f'<li><a href="{a(h)}">{t(n)}</a></li>' for n, h in NAV_LINKS)
    header = (
        f'<div class="header"><div class="logo"><a href="{SITE_ROOT}">{t(SITE_NAME)}</a></div>\n'
        + esd.wrap(f'<div class="nav"><ul>{nav}</ul></div>')
        + "</div>\n"
    )
    crumbs = [("首页", PORTAL), ("街镇", PORTAL + "jzz/"), (SITE_NAME, SITE_ROOT)]
    if col is not None:
        crumbs += [(col.parent, column_href(col)), (col.name, column_href(col))]
    crumbs += list(trail)
    location = " / ".join(f'<a href="{a(h)}">{t(n)}</a>' for n, h in crumbs)
    return bar + header + f'<div class="location">您当前的位置：{location}</div>\n'


def footer(esd: Esd) -> str:
    html = (
        '<div class="footer">\n'
        "<p>版权所有：东莞市人民政府办公室　承办：东莞市政务服务和数据管理局</p>\n"
        f"<p>网站标识码：{SITE_ID_CODE}　备案号："
        '<a href="https://beian.miit.gov.cn/">粤ICP备19114884号</a>　'
        '<a href="https://www.beian.gov.cn/portal/registerSystemInfo?recordcode=44190002000375">'
        "粤公网安备 44190002000375 号</a></p>\n"
        '<p>技术支持：开普云　<a href="https://www.dg.gov.cn/houjie/lxwm/">联系我们</a>　'
        '<a href="https://www.dg.gov.cn/houjie/wzdt/">网站地图</a>　'
        '<a href="javascript:void(0)">纠错</a>　<a href="https://www.dg.gov.cn/yssm/">隐私声明</a></p>\n'
        f'<script src="{STAT_SCRIPT}"></script>'
        '<a class="stat" href="https://stat.replica.invalid/">站长统计</a>\n</div>\n'
    )
    return esd.wrap(html)


def page(title: str, col: ReplicaColumn | None, main: Callable[[Esd], str], esd: Esd,
         extra_meta: Sequence[tuple[str, str]] = (), announce: str | None = None) -> str:
    """A whole page around ``main``; regions are numbered in document order and counted
    before the announcement that opens the body is written."""
    upper = top(esd, col)
    middle = main(esd)
    lower = footer(esd)
    return (
        head(title, col, extra_meta) + esd.announcement(announce or title) + upper
        + f'<div class="main">{middle}</div>\n' + lower + "</body></html>\n"
    )


Entry = tuple[str, str, str]  # href relative to the list page, title, date "YYYY-MM-DD"


def pager(col: ReplicaColumn, page_no: int, last: int) -> str:
    def href(n: int) -> str:
        return col.page_name(n)

    parts = [f'<a href="{href(1)}">首页</a>']
    legacy = col.template == "legacy"
    if page_no > 1:
        cls = "" if legacy else ' class="prev"'
        parts.append(f'<a{cls} href="{href(page_no - 1)}">上一页</a>')
    if page_no < last:
        cls = "" if legacy else ' class="next"'
        parts.append(f'<a{cls} href="{href(page_no + 1)}">下一页</a>')
    parts.append(f'<a href="{href(last)}">尾页</a>')
    parts.append(f"<span>共{last}页 当前第{page_no}页</span>")
    return '<div class="page">' + " ".join(parts) + "</div>"


def list_page(col: ReplicaColumn, entries: Sequence[Entry], page_no: int, last: int) -> str:
    if col.template == "legacy":
        pairs = "".join(
            '<div class="list-right_title fon_1">'
            f'<a href="{a(h)}" target="_blank">{t(ti)}</a></div>'
            f'<table><tr><td align="left">发布时间：{d}</td></tr></table>\n'
            for h, ti, d in entries
        )
        main = (
            '<div class="cen-div-1"><div class="con-right">\n'
            f'<div class="list_div">\n{pairs}</div>\n'
            f"{pager(col, page_no, last)}\n</div></div>"
        )
    else:
        items = "".join(
            f'<li><a href="{a(h)}" title="{a(ti)}">{t(ti)}</a><span class="date">{d}</span></li>\n'
            for h, ti, d in entries
        )
        main = (
            f'<div class="list-box">\n<ul class="news-list">\n{items}</ul>\n'
            f"{pager(col, page_no, last)}\n</div>"
        )
    return page(site_title(col.name, col.parent), col, lambda _esd: main, Esd(False))


def home_page(blocks: Sequence[tuple[ReplicaColumn, Sequence[Entry]]]) -> str:
    parts = []
    for col, entries in blocks:
        items = "".join(
            f'<li><a href="{a(h)}">{t(ti)}</a><span class="date">{d}</span></li>'
            for h, ti, d in entries
        )
        parts.append(
            f'<div class="col-block"><h2><a href="{column_href(col)}">{t(col.name)}</a></h2>'
            f'<ul>{items}</ul><a class="more" href="{column_href(col)}">更多</a></div>\n'
        )
    main = '<div class="home">\n' + "".join(parts) + "</div>"
    return page(site_title(), None, lambda _esd: main, Esd(False))


ROBOTS = (
    "User-agent: *\n"
    "Disallow: /houjie/search/\n"
    "Disallow: /__replica__/\n"
    "Allow: /houjie/\n"
)
CSS = "body{font-family:sans-serif}.esdNavLink{position:absolute}\n"
