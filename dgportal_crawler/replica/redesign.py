"""The "redesign" variant: the same article in a DOM no profile selector knows.

Unlike "degraded" (the same DOM with renamed classes), a redesigned page has other container
tags and nesting, its metadata in a ``<table>`` of label/value cells, in a definition list or
only in ``<meta>`` tags, its body split across several blocks, its editor line with other
labels, furniture lines (摄影, 通讯员) among the body blocks, and its navigation, breadcrumb,
related links and a town-style footer (主办/承办/地址/电话 … in varying order) after the body.
One of :data:`LAYOUTS` and one of :data:`FOOTERS` are picked per article from the seed; the
ground truth is the plain page's (docs/templates.md, "Variants").
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Sequence

from .content import ReplicaArticle
from .model import SITE_NAME, ArticleMeta
from .render import NAV_LINKS, a, t
from .render_article import Neighbours, body_parts
from .render_article import _gov_meta as _plain_gov_meta
from .writing import person_name

#: Body blocks per split part (the body is cut into parts of about this many blocks).
BLOCKS_PER_PART = 4
FOOTERS = (
    '<div class="ft-info"><p>主办：东莞市厚街镇人民政府　承办：厚街镇党政办　'
    "地址：东莞市厚街镇厚街大道东1号</p><p>联系电话：0769-85581234　邮编：523960　"
    "传真：0769-85581235</p><p>网站标识码：4419000098　<a>粤ICP备19114884号</a>　"
    "<a>粤公网安备 44190002000375 号</a></p></div>",
    '<div class="copy">粤ICP备19114884号 | 网站标识码：4419000098 | 主办单位：东莞市厚街镇人民政府 '
    '| 技术支持：开普云 | <a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | '
    '<a href="/yssm/">隐私声明</a> | <a href="/mzsm/">免责声明</a></div>',
    '<ul class="site-info"><li>版权所有 © 东莞市厚街镇人民政府</li><li>承办单位：厚街镇党政办</li>'
    "<li>协办：厚街镇宣传办</li><li>电子邮箱：hjzf@dg.gov.cn</li><li>电话：0769-85581234</li>"
    "<li>本站访问量：<span>1234567</span></li><li><a>纠错</a></li><li>站长统计</li></ul>",
)
_P_TAG = re.compile(r"<(/?)p(?=[\s>])")


def _gov_meta(gov: dict[str, str] | None) -> str:
    return _plain_gov_meta(gov).replace('class="gov-meta"', 'class="attr-gov"')


def _parts(blocks: list[str]) -> list[list[str]]:
    size = max(BLOCKS_PER_PART, -(-len(blocks) // 3))
    return [blocks[i : i + size] for i in range(0, len(blocks), size)] or [[]]


def _date_cn(meta: ArticleMeta) -> str:
    """The date as ``2023年02月27日 10:14`` at the page's precision."""
    text = meta.date_text()
    day, _, clock = text.partition(" ")
    y, m, d = day.split("-")
    return f"{y}年{m}月{d}日" + (f" {clock}" if clock else "")


def _people(article: ReplicaArticle, labels: tuple[str, str, str], sep: str) -> str:
    values = (article.author, article.editor, article.reviewer)
    return sep.join(f"{k}：{v}" for k, v in zip(labels, values, strict=True) if v)


def _after_body(article: ReplicaArticle, nb: Neighbours, crumb: str, footer: str) -> str:
    col = article.meta.col
    related = "".join(f'<li><a href="{a(h)}">{t(ti)}</a></li>' for h, ti in nb.related)
    steps = "".join(
        f'<a href="{a(link[0])}">{label}：{t(link[1])}</a>'
        for label, link in (("上一篇", nb.newer), ("下一篇", nb.older)) if link
    )
    nav = "".join(f'<li><a href="{a(h)}">{t(n)}</a></li>' for n, h in NAV_LINKS)
    trail = " &gt; ".join(f"<a>{t(n)}</a>" for n in ("首页", col.parent, col.name))
    return (
        '<div class="tools">【<a href="javascript:window.print()">打印本页</a>】'
        '【<a href="javascript:window.close()">关闭窗口</a>】</div>\n'
        f'<div class="pn">{steps}</div>\n<div class="rel"><h4>相关阅读</h4><ul>{related}</ul></div>\n'
        f'</div>\n<div class="crumb">{crumb}：{trail}</div>\n'
        f'<div class="menu"><ul>{nav}</ul></div>\n{footer}\n'
    )


def _table(article: ReplicaArticle, rng: random.Random) -> tuple[str, str]:
    """Title in h2, label/value cells in a table, body in several div.seg, 摄影 line inside."""
    m = article.meta
    attrs = (f"<tr><th>发布时间</th><td>{m.date_text()}</td><th>信息来源</th>"
             f"<td>{t(article.source)}</td></tr><tr><th>浏览次数</th><td>{rng.randint(50, 9000)}</td>"
             "<th>字号</th><td>【<a>大</a> <a>中</a> <a>小</a>】</td></tr>")
    parts = _parts([*body_parts(article.blocks, False), f"<p>摄影：{person_name(rng)}</p>"])
    segs = "".join(f'<div class="seg">{"".join(p)}</div>\n' for p in parts)
    people = _people(article, ("作者", "责任编辑", "审核"), "　")
    return (
        f'<h2 class="doc-title">{t(article.title)}</h2>\n<table class="doc-attr">{attrs}</table>\n'
        + _gov_meta(article.gov_meta) + f'<div class="doc-body">\n{segs}</div>\n'
        + (f'<p class="note">{t(people)}</p>\n' if people else ""),
        "当前位置",
    )


def _dl(article: ReplicaArticle, rng: random.Random) -> tuple[str, str]:
    """Title in a div, metadata as dt/dd pairs, body in sections, people in a <footer>."""
    attrs = (f"<dt>信息提供日期：</dt><dd>{_date_cn(article.meta)}</dd>"
             f"<dt>文章来源：</dt><dd>{t(article.source)}</dd>")
    parts = _parts(body_parts(article.blocks, False))
    sections = "".join(f"<section>{''.join(p)}</section>\n" for p in parts)
    people = _people(article, ("作者", "编辑", "审稿"), " ")
    return (
        f'<article class="news"><div class="tit">{t(article.title)}</div>\n'
        '<div class="share-to">分享至：<a>微信</a> <a>微博</a></div>\n'
        f'<dl class="attrs">{attrs}</dl>\n' + _gov_meta(article.gov_meta) + sections
        + (f"<footer>{t(people)}</footer>\n" if people else "") + "</article>\n",
        "您现在的位置",
    )


def _meta_only(article: ReplicaArticle, rng: random.Random) -> tuple[str, str]:
    """No visible date or source; paragraphs are divs; a 通讯员 line ends the body."""
    blocks = [_P_TAG.sub(r"<\1div", b) for b in body_parts(article.blocks, False)]
    parts = _parts([*blocks, f"<div>通讯员：{person_name(rng)}</div>"])
    segs = "".join(f'<div class="txt-part">{"".join(p)}</div>\n' for p in parts)
    people = _people(article, ("作者", "责任编辑", "审稿"), "｜")
    return (
        f'<h3 class="c-title">{t(article.title)}</h3>\n' + _gov_meta(article.gov_meta)
        + f'<div id="txt">\n{segs}</div>\n'
        + (f'<div class="c-foot">【{t(people)}】</div>\n' if people else ""),
        "所在位置",
    )


#: layout name → (renderer, whether <meta> carries the title, date and source, <title> form)
LAYOUTS: dict[str, tuple[Callable[[ReplicaArticle, random.Random], tuple[str, str]], bool, str]] = {
    "table": (_table, False, "{title}_{column}_{site}"),
    "dl": (_dl, False, "{title} - {site}"),
    "meta": (_meta_only, True, "{title}_{column}_{site}"),
}


def layout_of(seed: int, post_id: int) -> str:
    return random.Random(f"replica:{seed}:{post_id}:redesign").choice(sorted(LAYOUTS))


def article_page(article: ReplicaArticle, nb: Neighbours, seed: int) -> str:
    """The whole redesigned article page (simplified, UTF-8 text)."""
    m = article.meta
    rng = random.Random(f"replica:{seed}:{m.post_id}:redesign-page")
    render, in_meta, title_form = LAYOUTS[layout_of(seed, m.post_id)]
    main, crumb = render(article, rng)
    metas: Sequence[tuple[str, str]] = [("Keywords", article.keywords)]
    if in_meta:
        metas = [("ArticleTitle", article.title), ("PubDate", m.date_text()),
                 ("ContentSource", article.source), *metas]
    head = "".join(f'<meta name="{n}" content="{a(v)}">\n' for n, v in metas)
    title = title_form.format(title=article.title, column=m.col.name, site=SITE_NAME)
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head>\n<meta charset="utf-8">\n'
        f"<title>{t(title)}</title>\n{head}</head><body>\n"
        f'<div class="wrap"><div class="logo-bar"><a href="/houjie/">{t(SITE_NAME)}</a></div>\n'
        f'<div class="page-main">\n{main}'
        + _after_body(article, nb, crumb, rng.choice(FOOTERS)) + "</div>\n</body></html>\n"
    )
