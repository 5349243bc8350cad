"""A Houjie spider on a profile with a feed column (tzgg, feed 9149) and a disclosure-platform
column (Huangjiang's category 2941), and responses built from the portal replica's bytes."""

from __future__ import annotations

from pathlib import Path

from scrapy import Request
from scrapy.http import Response, TextResponse

from dgportal_crawler.discover.catalogue import load_catalogue
from dgportal_crawler.profile import TEMPLATE_KEYS, builtin_profile_path
from dgportal_crawler.replica.portal import PortalReplica
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler

ORIGIN = "https://www.dg.gov.cn"
FEED = 9149
GKMLPT_COLUMN = """
[[columns]]
id = "gkmlpt-2941"
name = "工作动态"
parent = "政务动态"
path = "/dghjz/gkmlpt/"
list_page = "api/all/2941"
template = "gkmlpt"
"""


def write_profile(folder: Path) -> Path:
    text = builtin_profile_path("houjie").read_text(encoding="utf-8")
    marker = 'path = "zwgk/tzgg/"\n'
    text = text.replace(marker, marker + f"feed = {FEED}\n", 1)
    first_template = text.index("[templates.current]")
    gkmlpt = load_catalogue()["gkmlpt"]
    templates = "\n[templates.gkmlpt]\n" + "".join(f'{k} = "{getattr(gkmlpt, k)}"\n' for k in TEMPLATE_KEYS)
    text = text[:first_template] + GKMLPT_COLUMN.lstrip() + "\n" + text[first_template:] + templates
    path = folder / "houjie.toml"
    path.write_text(text, encoding="utf-8")
    return path


def make_spider(folder: Path, **kwargs: str) -> HoujieSpider:
    settings = {"DGPORTAL_PROFILE": str(write_profile(folder)), "DGPORTAL_ARCHIVE_ROOT": ""}
    return make_crawler(HoujieSpider, settings, **kwargs).spider


def response_for(portal: PortalReplica, request: Request, body: bytes | None = None) -> Response:
    """The replica's answer to ``request`` (or ``body`` in its place), as the downloader gives it."""
    answer = portal.respond(request.url.removeprefix(ORIGIN))
    return TextResponse(url=request.url, status=answer.status, headers=dict(answer.headers),
                        body=answer.body if body is None else body, request=request, encoding="utf-8")


def response_of(request: Request, body: bytes, status: int = 200) -> TextResponse:
    return TextResponse(url=request.url, status=status, body=body, request=request, encoding="utf-8")
