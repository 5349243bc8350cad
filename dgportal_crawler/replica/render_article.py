"""Article pages in the two template generations (docs/templates.md, "Article pages")."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .blocks import Block, attachment_path, img_path
from .content import ReplicaArticle
from .render import Esd, a, page, site_title, t

Link = tuple[str, str]  # href, title


@dataclass(frozen=True)
class Neighbours:
    newer: Link | None
    older: Link | None
    related: tuple[Link, ...]


def _identity(text: str) -> str:
    return text


def body_html(blocks: Sequence[Block], legacy: bool, ink: Callable[[str], str] = _identity) -> str:
    """The body's inner HTML; ``ink`` rewrites running text (the mirror's pinyin)."""
    return "\n".join(body_parts(blocks, legacy, ink))


def body_parts(
    blocks: Sequence[Block], legacy: bool, ink: Callable[[str], str] = _identity
) -> list[str]:
    """The HTML of each block of the body, in order."""
    indent = "　　" if legacy else ""  # old Ucap bodies indent with full-width spaces
    out: list[str] = []
    for b in blocks:
        if b.kind == "p":
            out.append(f"<p>{indent}{t(ink(b.text))}</p>")
        elif b.kind == "h3":
            out.append(f"<h3>{t(b.text)}</h3>")
        elif b.kind == "qa":
            out.append(f"<p>{indent}<strong>{t(b.label)}：</strong>{t(ink(b.text))}</p>")
        elif b.kind == "caption":
            cls = ' style="text-align:center"' if legacy else ' class="img-caption"'
            out.append(f"<p{cls}>{t(b.text)}</p>")
        elif b.kind == "file":
            out.append(f"<p>{t(b.text)}</p>")
        elif b.kind == "img":
            src, alt = img_path(b.ref), a(b.text)
            img = (
                f'<img src="{src}" alt="{alt}" border="0">' if legacy else
                f'<img class="nfw-cms-img" img-id="{b.ref}" src="{src}" alt="{alt}">'
            )
            out.append(f'<p style="text-align:center">{img}</p>')
        elif b.kind == "table":
            rows = []
            for n, row in enumerate(b.rows):
                tag = "th" if n == 0 else "td"
                rows.append("<tr>" + "".join(f"<{tag}>{t(c)}</{tag}>" for c in row) + "</tr>")
            out.append('<table border="1" cellspacing="0">' + "".join(rows) + "</table>")
        elif b.kind == "ul":
            out.append("<ul>" + "".join(f"<li>{t(ink(r[0]))}</li>" for r in b.rows) + "</ul>")
        elif b.kind == "attach":
            cls = "" if legacy else f' class="nfw-cms-attachment" attachment-id="{b.ref}"'
            href = attachment_path(b.ref, b.text)
            out.append(f'<p>附件：<a{cls} href="{href}">{t(b.text)}</a></p>')
    return out


def _editor(article: ReplicaArticle) -> str:
    fields = [("作者", article.author), ("责任编辑", article.editor), ("审核", article.reviewer)]
    text = "　".join(f"{k}：{v}" for k, v in fields if v)
    return f'<div class="editor">{t(text)}</div>\n' if text else ""


def _gov_meta(gov: dict[str, str] | None) -> str:
    if not gov:
        return ""
    items = list(gov.items())
    rows = []
    for i in range(0, len(items), 2):
        cells = "".join(f"<th>{t(k)}</th><td>{t(v)}</td>" for k, v in items[i : i + 2])
        rows.append(f"<tr>{cells}</tr>")
    return '<table class="gov-meta">' + "".join(rows) + "</table>\n"


def _current(article: ReplicaArticle, nb: Neighbours, ink: Callable[[str], str], esd: Esd) -> str:
    m = article.meta
    share = esd.wrap(
        '<div class="share">分享到：<a class="wx" href="javascript:void(0)">微信</a>'
        '<a class="wb" href="javascript:void(0)">微博</a>'
        '<a class="qq" href="javascript:void(0)">QQ空间</a>'
        '<span class="qrcode">扫一扫在手机打开当前页</span></div>\n'
    )
    info = esd.wrap(
        '<div class="article-info">字体大小：<a>大</a> <a>中</a> <a>小</a>　'
        f"发布日期：{m.date_text()}　来源：{t(article.source)}　"
        '[ <a href="javascript:window.print()">打印页面</a> ]　'
        '[ <a href="javascript:window.close()">关闭页面</a> ]</div>\n',
        area="导航区",
    )
    content = esd.wrap(
        '<div class="article-content" id="zoom">\n'
        + body_html(article.blocks, False, ink) + "\n</div>\n",
        links=False,
    )
    related = "".join(f'<li><a href="{a(h)}">{t(ti)}</a></li>' for h, ti in nb.related)

    def step(label: str, link: Link | None) -> str:
        if link is None:
            return f"<p>{label}：没有了</p>"
        return f'<p>{label}：<a href="{a(link[0])}">{t(link[1])}</a></p>'

    return (
        '<div class="article">\n' + share
        + f'<h1 class="article-title">{t(article.title)}</h1>\n' + info
        + _gov_meta(article.gov_meta) + content + _editor(article)
        + f'<div class="related"><h3>相关链接</h3><ul>{related}</ul></div>\n'
        + '<div class="prev-next">' + step("上一篇", nb.newer) + step("下一篇", nb.older)
        + "</div>\n</div>"
    )


def _legacy(article: ReplicaArticle, ink: Callable[[str], str], esd: Esd) -> str:
    m = article.meta
    line = esd.wrap(
        f'<div class="line"><table><tr><td>来源：{t(article.source)}</td>'
        f"<td>发布时间：<publishtime>{m.date_text()}</publishtime></td>"
        "<td>字体：[大 中 小]</td></tr></table></div>\n",
        area="导航区", links=False,
    )
    content = esd.wrap(
        '<div class="con_cen"><ucapcontent>\n'
        + body_html(article.blocks, True, ink) + "\n</ucapcontent></div>\n",
        links=False,
    )
    return (
        '<div class="cen-div">\n'
        f'<div class="title"><ucaptitle>{t(article.title)}</ucaptitle></div>\n'
        + line + content + _editor(article) + "</div>"
    )


def article_page(
    article: ReplicaArticle, nb: Neighbours, esd: Esd, ink: Callable[[str], str] | None = None
) -> str:
    """The whole article page; ``ink`` rewrites running body text (hijacked mirrors)."""
    m, col = article.meta, article.meta.col
    write = ink or _identity
    metas = [
        ("ArticleTitle", article.title), ("PubDate", m.date_text()),
        ("ContentSource", article.source), ("Keywords", article.keywords),
        ("Description", article.description()),
    ]

    def main(esd: Esd) -> str:
        if col.template == "legacy":
            return _legacy(article, write, esd)
        return _current(article, nb, write, esd)

    return page(
        site_title(article.title, col.name), col, main, esd, metas,
        announce=site_title(col.name, col.parent),
    )
