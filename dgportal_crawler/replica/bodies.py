"""One body builder per column kind: title plus blocks, written with a seeded ``Writer``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from . import vocab_base as vb
from . import vocab_forms as vf
from . import vocab_topics as vt
from .blocks import Body, ReplicaDraft
from .model import ArticleMeta, ColumnKind
from .writing import ORDINALS, Writer

COMMUNITY_TOPICS = ("community", "festival", "elderly", "volunteer", "sports", "environment")


def _file_name(w: Writer) -> str:
    shot = w.published - timedelta(minutes=w.rng.randint(5, 600), seconds=w.rng.randint(0, 59))
    return f"微信图片_{shot:%Y%m%d%H%M%S}.jpg"


def news(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    topic = rng.choice(sorted(vt.TOPICS))
    titles, pool = vt.TOPICS[topic]
    title = w.pick(titles)
    pool = pool + vt.GENERAL
    if rng.random() < 0.15:  # a short brief
        body.add("p", w.paragraph(pool, 1, 2))
        return ReplicaDraft(title, body, vb.SOURCES_NEWS)
    paragraphs = rng.randint(3, 7)
    headed = rng.random() < 0.12
    heads = rng.sample(vt.SUBHEADS, 3)
    for i in range(paragraphs):
        if headed and i in (1, 3, 5) and heads:
            body.add("h3", f"{ORDINALS[(i - 1) // 2]}、{heads.pop(0)}")
        body.add("p", w.paragraph(pool))
        if i == 0 and rng.random() < 0.3:
            for caption in rng.sample(vt.NEWS_CAPTIONS, rng.randint(1, 2)):
                alt = caption.lstrip("▲")
                body.image(alt, caption, _file_name(w) if rng.random() < 0.3 else None)
    if rng.random() < 0.1:
        body.add("ul", rows=tuple((s,) for s in w.sentences(pool, rng.randint(3, 4))))
    if rng.random() < 0.08:
        rows = [("社区", "完成数量", "完成率")]
        for community in rng.sample(vb.COMMUNITIES, rng.randint(3, 6)):
            rows.append((community, w.fill("{n_mid}"), w.fill("{pct}%")))
        body.add("table", rows=tuple(rows))
    return ReplicaDraft(title, body, vb.SOURCES_NEWS)


def _gov_meta(w: Writer, meta: ArticleMeta, issuer: str) -> dict[str, str]:
    rng = w.rng
    written = meta.published - timedelta(days=rng.randint(0, 6))
    year = written.year
    number = rng.choice(("厚府办", "厚府", "厚办")) + f"〔{year}〕{rng.randint(1, 180)}号"
    return {
        "索引号": f"1144190000{rng.randint(100000, 999999)}/{year}-{rng.randint(1, 3000):05d}",
        "发布机构": issuer,
        "发文字号": number if rng.random() < 0.7 else "无",
        "成文日期": f"{written:%Y-%m-%d}",
        "主题分类": rng.choice(vb.GOV_TOPICS),
        "公开方式": "主动公开",
    }


def notice(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    title = w.pick(vf.NOTICE_TITLES)
    issuer = rng.choice(vf.ISSUERS)
    gov = _gov_meta(w, meta, issuer)
    body.add("p", rng.choice(vf.NOTICE_GREETINGS))
    body.add("p", w.pick(vf.NOTICE_OPENINGS))
    for head in vf.NOTICE_HEADS[: rng.randint(3, len(vf.NOTICE_HEADS))]:
        body.add("p", head)
        body.add("p", w.paragraph(vf.NOTICE_SENTENCES, 1, 3))
    body.add("p", rng.choice(vf.NOTICE_CLOSINGS))
    if rng.random() < 0.7:
        for name, ext in rng.sample(vf.ATTACHMENT_NAMES, rng.randint(1, 3)):
            body.attach(f"{w.fill(name)}.{ext}")
    body.add("p", issuer)
    y, m, d = gov["成文日期"].split("-")
    body.add("p", f"{y}年{int(m)}月{int(d)}日")
    return ReplicaDraft(title, body, vf.ISSUERS + vb.SOURCES_NOTICE, gov)


def photo(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    template = w.rng.choice(vf.PHOTO_TITLES)
    title = w.fill(template)
    # the text follows what the title is about
    pool = vt.TOPICS["parks" if "{park}" in template else "roads"][1]
    if "{community}" in template:
        pool = pool + vt.TOPICS["community"][1]
    body.add("p", w.paragraph(pool, 2, 3))
    if rng.random() < 0.4:
        body.add("file", _file_name(w))
    for caption in rng.sample(vf.PHOTO_CAPTIONS, rng.randint(3, 6)):
        text = w.fill(caption)
        body.image(text.lstrip("▲"), text)
    if rng.random() < 0.5:
        body.add("p", w.paragraph(pool + vt.GENERAL, 1, 2))
    return ReplicaDraft(title, body, vb.SOURCES_NEWS)


def interview(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    guest = w.name()
    post = rng.choice(vb.POSTS)
    community = w.slot("community")
    title = f"一把手访谈|{community}：{w.pick(vf.INTERVIEW_HEADLINES)}"
    body.add("p", f"访谈嘉宾：{community}社区{post} {guest}")
    if rng.random() < 0.6:
        body.image(f"{community}社区{post}{guest}", None, _file_name(w))
    points = "，".join(w.sentences(vf.INTERVIEW_POINTS, 2))
    intro = f"{community}社区{post}{guest}表示，今年社区将{points}。" + w.pick(vf.INTERVIEW_SUPPORT)
    body.add("p", f"内容简介：{intro}")
    body.add("h3", "访谈记录")
    for question in rng.sample(vf.INTERVIEW_QUESTIONS, rng.randint(3, 4)):
        body.add("qa", w.fill(question), label="厚街发布")
        body.add("qa", w.pick(vf.INTERVIEW_LEADS), label=guest)
        for k, point in enumerate(w.sentences(vf.INTERVIEW_POINTS, rng.randint(2, 5))):
            support = w.pick(vf.INTERVIEW_SUPPORT) if rng.random() < 0.5 else ""
            body.add("p", f"{ORDINALS[k]}是{point}。{support}")
    return ReplicaDraft(title, body, ("本网", "厚街发布", "厚街镇宣传办"))


def community(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    titles, pool = vt.TOPICS[rng.choice(COMMUNITY_TOPICS)]
    title = w.pick(titles)
    if rng.random() < 0.3 and not title.startswith(w.slot("community")):
        title = f"{w.slot('community')}社区：{title}"
    for i in range(rng.randint(1, 5)):
        body.add("p", w.paragraph(pool + vt.GENERAL, 1, 3))
        if i == 0 and rng.random() < 0.2:
            body.image(title, f"▲{rng.choice(vt.NEWS_CAPTIONS)[1:]}")
    return ReplicaDraft(title, body, vb.SOURCES_COMMUNITY)


def policy(w: Writer, meta: ArticleMeta, body: Body) -> ReplicaDraft:
    rng = w.rng
    name = w.slot("policy")
    title = w.pick(vf.POLICY_TITLES)
    graphic = title.startswith("一图读懂")
    body.add("p", f"近日，厚街镇印发《{name}》（以下简称《措施》）。"
                  "为便于理解和执行，现就有关内容解读如下。")
    heads = vf.POLICY_HEADS[: rng.randint(7, len(vf.POLICY_HEADS))]
    target = rng.randint(5000, 6200)
    per_head = target // len(heads) + 1
    for n, head in enumerate(heads):
        body.add("h3", head)
        start = body.text_length()
        if graphic and n < 4:
            body.image(f"{name}图解{n + 1}", f"图解{n + 1}：{head[2:]}")
        if head.endswith("申报条件"):
            body.add("p", vf.POLICY_MATERIALS_LEAD)
            body.add("ul", rows=tuple((m,) for m in rng.sample(vf.POLICY_MATERIALS, 4)))
        if head.endswith("扶持标准"):
            body.add("p", vf.POLICY_TABLE_LEAD)
            rows = [vf.POLICY_TABLE_HEAD]
            for k, item in enumerate(rng.sample(vf.POLICY_TABLE_ITEMS, rng.randint(4, 7))):
                rows.append((
                    str(k + 1), item, w.pick(vf.POLICY_TABLE_RULES),
                    rng.choice(vf.POLICY_TABLE_NOTES),
                ))
            body.add("table", rows=tuple(rows))
        while body.text_length() - start < per_head:
            # one or two sentences of the section itself, then shared elaboration
            text = w.sentences(vf.POLICY_SECTIONS[head], rng.randint(1, 2))
            text += w.sentences(vf.POLICY_SHARED, rng.randint(1, 2))
            body.add("p", "".join(text))
    body.add("h3", vf.POLICY_FAQ_HEAD)
    for item in rng.sample(vf.POLICY_TABLE_ITEMS, rng.randint(3, 5)):
        k = rng.randrange(len(vf.POLICY_FAQ_QUESTIONS))  # the answer at k fits question k
        question = w.fill(vf.POLICY_FAQ_QUESTIONS[k].replace("{item}", item))
        body.add("p", f"问：{question}")
        body.add("p", f"答：{w.fill(vf.POLICY_FAQ_ANSWERS[k])}")
    if rng.random() < 0.5:
        body.attach(f"{name}.pdf")
    return ReplicaDraft(title, body, ("本网", "厚街镇司法所", "厚街镇经济发展局", "厚街镇人民政府办公室"))


BUILDERS: dict[ColumnKind, Callable[[Writer, ArticleMeta, Body], ReplicaDraft]] = {
    "news": news, "notice": notice, "photo": photo, "interview": interview,
    "community": community, "policy": policy,
}
