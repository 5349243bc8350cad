"""The Houjie spider, and the spider class chosen for a site name."""

from __future__ import annotations

from pathlib import Path

from dgportal_crawler.profile import builtin_profile_path
from dgportal_crawler.runcontext import crawl_run
from dgportal_crawler.spiders import BUILTIN_SPIDERS, spider_class_for
from dgportal_crawler.spiders.columns import ColumnSpider
from dgportal_crawler.spiders.houjie import HoujieSpider
from tests.crawlers import make_crawler


def test_houjie_spider_names_its_site():
    assert (HoujieSpider.name, HoujieSpider.site) == ("houjie", "houjie")
    assert issubclass(HoujieSpider, ColumnSpider)
    assert {"houjie": HoujieSpider} == BUILTIN_SPIDERS


def test_the_houjie_spider_crawls_the_houjie_profile():
    crawler = make_crawler(HoujieSpider)
    run = crawl_run(crawler)
    assert run.site == "houjie" and run.profile.base_url == "https://www.dg.gov.cn/houjie/"
    assert crawler.spider.allowed_domains == ["www.dg.gov.cn"]
    assert [c.id for c in run.plan.columns] == ["hjyw", "tzgg", "czjs", "fttd", "sqdt", "zcjd"]


def test_the_houjie_spider_on_a_replica_stays_on_the_replica():
    crawler = make_crawler(HoujieSpider, {"DGPORTAL_BASE_URL": "http://127.0.0.1:8800/houjie/"})
    assert crawler.spider.allowed_domains == ["127.0.0.1"]
    assert crawl_run(crawler).profile.list_url(crawl_run(crawler).profile.column("sqdt")) == (
        "http://127.0.0.1:8800/houjie/xwzx/sqdt/list.shtml")


def test_spider_class_for_a_builtin_site():
    assert spider_class_for("houjie") is HoujieSpider


def test_spider_class_for_another_site_is_a_new_column_spider(tmp_path: Path):
    cls = spider_class_for("liaobu")
    assert issubclass(cls, ColumnSpider) and not issubclass(cls, HoujieSpider)
    assert (cls.name, cls.site, cls.__name__) == ("liaobu", "liaobu", "LiaobuSpider")
    # built from a user's profile of that name, it crawls that profile
    toml = builtin_profile_path("houjie").read_text(encoding="utf-8").replace(
        'name = "houjie"', 'name = "liaobu"', 1).replace(
        'base_url = "https://www.dg.gov.cn/houjie/"', 'base_url = "https://www.dg.gov.cn/liaobu/"', 1)
    profile = tmp_path / "liaobu.toml"
    profile.write_text(toml, encoding="utf-8")
    run = crawl_run(make_crawler(cls, {"DGPORTAL_PROFILE": str(profile)}, columns="czjs"))
    assert (run.site, run.profile.source) == ("liaobu", str(profile))
    assert run.profile.list_url(run.plan.columns[0]) == "https://www.dg.gov.cn/liaobu/tsjh/czjs/index.html"
