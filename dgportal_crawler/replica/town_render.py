"""Pages of the portal replica's other towns, in two skins.

``town``: the portal's town template, as Houjie's (``ul.news-list``, ``div.article`` …, the
legacy Ucap list for legacy columns). ``department``: the department-style pages of
jtj.dg.gov.cn (site-notes "DOM of the two template generations"): ``您的当前位置`` crumbs, one
``发布日期：… 来源：… 字体大小：`` line (``信息来源`` on some pages), a footer of
主办/承办/地址/联系电话. List pages carry ``NFCMS_CAT_ID`` as the platform's article pages do.
"""

from __future__ import annotations

from collections.abc import Sequence

from .content import ReplicaArticle
from .render import Entry, Esd, a, pager, t
from .render_article import Neighbours, _current, _editor, _gov_meta, _legacy, body_html
from .towns import TownColumn, TownMeta, TownSpec

PORTAL = "https://www.dg.gov.cn/"
NO_NEIGHBOURS = Neighbours(None, None, ())


def _head(title: str, town: TownSpec, col: TownColumn | None, metas: Sequence[tuple[str, str]]) -> str:
    tags = [("SiteName", town.name), ("SiteDomain", "www.dg.gov.cn")]
    if col is not None:
        tags += [("ColumnName", col.name), ("ColumnType", col.parent)]
    lines = "".join(f'<meta name="{n}" content="{a(v)}">\n' for n, v in [*tags, *metas])
    script = f"<script>var NFCMS_CAT_ID = {col.feed};</script>\n" if col is not None and col.feed else ""
    return ('<!DOCTYPE html>\n<html lang="zh-CN"><head>\n<meta charset="utf-8">\n'
            f"<title>{t(title)}</title>\n{lines}{script}</head><body>\n")


def _nav(town: TownSpec) -> str:
    """Sections with their columns under them; the first column's list is the section's link."""
    sections: dict[str, list[TownColumn]] = {}
    for col in (c for c in town.columns if c.in_nav):
        sections.setdefault(col.parent, []).append(col)
    items = [f'<li><a href="{town.root}">首页</a></li>']
    for parent, cols in sections.items():
        subs = "".join(f'<li><a href="{a(c.url_path)}">{t(c.name)}</a></li>' for c in cols)
        items.append(f'<li class="nav-item"><a href="{a(cols[0].url_path)}">{t(parent)}</a>'
                     f'<ul class="sub-nav">{subs}</ul></li>')
    items.append(f'<li><a href="{town.root}lxwm/">联系我们</a></li>')
    items.append(f'<li><a href="{town.root}search/">站内搜索</a></li>')  # robots.txt disallows it
    items.append(f'<li><a href="{PORTAL}">东莞市人民政府</a></li>')
    return '<div class="nav"><ul>' + "".join(items) + "</ul></div>\n"


def _crumbs(town: TownSpec, col: TownColumn | None) -> str:
    if town.skin == "department":
        trail = [f'<a href="{town.root}">首页</a>']
        if col is not None:
            trail += [f'<a href="{a(col.url_path)}">{t(col.parent)}</a>',
                      f'<a href="{a(col.url_path)}">{t(col.name)}</a>']
        return '<div class="crumb">您的当前位置：' + " &gt; ".join(trail) + "</div>\n"
    trail = [f'<a href="{PORTAL}">首页</a>', f'<a href="{PORTAL}jzz/">街镇</a>',
             f'<a href="{town.root}">{t(town.name)}</a>']
    if col is not None:
        trail += [f'<a href="{a(col.url_path)}">{t(col.parent)}</a>',
                  f'<a href="{a(col.url_path)}">{t(col.name)}</a>']
    return '<div class="location">您当前的位置：' + " / ".join(trail) + "</div>\n"


def _footer(town: TownSpec) -> str:
    who = town.name.removeprefix("中国东莞").removesuffix("栏目")
    if town.skin == "department":
        return ('<div class="foot">\n'
                f"<p>主办：东莞市{who}人民政府　承办：{who}党政办</p>\n"
                f"<p>地址：东莞市{who}政府路1号　联系电话：0769-83631234</p>\n"
                "<p>网站标识码：4419000098　粤ICP备19114884号　技术支持：开普云</p>\n</div>\n")
    return ('<div class="footer">\n<p>版权所有：东莞市人民政府办公室　承办：东莞市政务服务和数据管理局</p>\n'
            f'<p>技术支持：开普云　<a href="{town.root}lxwm/">联系我们</a></p>\n</div>\n')


def shell(town: TownSpec, title: str, col: TownColumn | None, main: str,
          metas: Sequence[tuple[str, str]] = ()) -> str:
    logo = f'<div class="header"><div class="logo"><a href="{town.root}">{t(town.name)}</a></div>\n'
    return (_head(title, town, col, metas) + logo + _nav(town) + "</div>\n" + _crumbs(town, col)
            + f'<div class="main">{main}</div>\n' + _footer(town) + "</body></html>\n")


def _department_pager(col: TownColumn, page_no: int, last: int) -> str:
    parts = [f'<a href="{col.page_name(1)}">首页</a>']
    if page_no > 1:
        parts.append(f'<a class="prev-page" href="{col.page_name(page_no - 1)}">上一页</a>')
    if page_no < last:
        parts.append(f'<a class="next-page" href="{col.page_name(page_no + 1)}">下一页</a>')
    parts.append(f'<a href="{col.page_name(last)}">尾页</a>')
    return '<div class="pagination">' + "".join(parts) + "</div>"


def town_list_page(town: TownSpec, col: TownColumn, rows: Sequence[Entry], page_no: int, last: int) -> str:
    title = "_".join((col.name, col.parent, town.name))
    if col.template == "department":
        items = "".join(f'<li><a href="{a(h)}" target="_blank">{t(ti)}</a><em>{d}</em></li>\n'
                        for h, ti, d in rows)
        main = (f'<div class="list-con"><ul class="xxgk-list">\n{items}</ul>\n'
                f"{_department_pager(col, page_no, last)}</div>")
    elif col.template == "legacy":
        pairs = "".join('<div class="list-right_title fon_1">'
                        f'<a href="{a(h)}" target="_blank">{t(ti)}</a></div>'
                        f'<table><tr><td align="left">发布时间：{d}</td></tr></table>\n'
                        for h, ti, d in rows)
        main = (f'<div class="cen-div-1"><div class="con-right">\n<div class="list_div">\n{pairs}'
                f"</div>\n{pager(col, page_no, last)}\n</div></div>")
    else:
        items = "".join(f'<li><a href="{a(h)}" title="{a(ti)}">{t(ti)}</a><span class="date">{d}</span></li>\n'
                        for h, ti, d in rows)
        main = f'<div class="list-box">\n<ul class="news-list">\n{items}</ul>\n{pager(col, page_no, last)}\n</div>'
    return shell(town, title, col, main)


def _department_article(article: ReplicaArticle) -> str:
    m = article.meta
    # some department pages label the source 信息来源 (site-notes, "Other page layouts")
    label = "信息来源" if m.post_id % 3 == 0 else "来源"
    info = (f'<div class="xl-info">发布日期：{m.date_text()}　{label}：{t(article.source)}　'
            "字体大小：<a>大</a> <a>中</a> <a>小</a></div>\n")
    return ('<div class="xl-main">\n'
            f'<h2 class="xl-title">{t(article.title)}</h2>\n' + info
            + '<div class="share">分享到：<a href="javascript:void(0)">微信</a></div>\n'
            + _gov_meta(article.gov_meta)
            + '<div class="xl-content">\n' + body_html(article.blocks, False) + "\n</div>\n"
            + _editor(article) + "</div>")


def town_article_page(article: ReplicaArticle) -> str:
    meta: TownMeta = article.meta  # type: ignore[assignment]
    col, town = meta.col, meta.town
    if col.template == "department":
        main = _department_article(article)
    elif col.template == "legacy":
        main = _legacy(article, str, Esd(False))
    else:
        main = _current(article, NO_NEIGHBOURS, str, Esd(False))
    metas = [("ArticleTitle", article.title), ("PubDate", meta.date_text()),
             ("ContentSource", article.source)]
    return shell(town, "_".join((article.title, col.name, town.name)), col, main, metas)


def town_home_page(town: TownSpec, blocks: Sequence[tuple[TownColumn, Sequence[Entry]]]) -> str:
    parts = []
    for col, rows in blocks:
        items = "".join(f'<li><a href="{a(h)}">{t(ti)}</a><span>{d}</span></li>' for h, ti, d in rows)
        parts.append(f'<div class="col-block"><h2>{t(col.name)}</h2><ul>{items}</ul>'
                     f'<a class="more" href="{a(col.url_path)}">更多</a></div>\n')
    if town.home_feed:
        # filled in the browser from the feed, as the portal's special-topic blocks are
        parts.append('<div class="col-block ztzl"><h2>专题专栏</h2><ul id="ztzl"></ul>'
                     f'<script>loadFeed("/postmeta/i/{town.home_feed}.json", "ztzl");</script></div>\n')
    return shell(town, town.name, None, '<div class="home">\n' + "".join(parts) + "</div>")
