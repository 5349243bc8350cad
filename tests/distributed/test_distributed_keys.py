"""Every Redis key of a distributed crawl, as :mod:`dgportal_crawler.distributed.keys` documents
them: one namespace per site for the crawl's work, one per host for politeness."""

from __future__ import annotations

import dataclasses

import pytest

from dgportal_crawler.distributed.keys import CRAWLS, CrawlKeys, polite_busy, polite_next

HOUJIE = CrawlKeys("houjie")


@pytest.mark.parametrize(("name", "expected"), [
    ("crawl", "dgportal:houjie:crawl"),
    ("coordinator", "dgportal:houjie:coordinator"),
    ("requests", "dgportal:houjie:requests"),
    ("dupefilter", "dgportal:houjie:dupefilter"),
    ("leases", "dgportal:houjie:leases"),
    ("lease_expiry", "dgportal:houjie:lease-expiry"),
    ("results", "dgportal:houjie:results"),
    ("result_data", "dgportal:houjie:result-data"),
    ("processing", "dgportal:houjie:processing"),
])
def test_each_crawl_key_is_named_as_the_module_documents(name, expected):
    assert getattr(HOUJIE, name) == expected


def test_the_set_of_running_crawls_is_one_key_for_every_site():
    assert CRAWLS == "dgportal:crawls"
    assert not CRAWLS.startswith("dgportal:houjie:")


def test_a_new_crawl_empties_the_work_but_keeps_its_description_and_heartbeat():
    work = HOUJIE.work_keys()
    assert set(work) == {"dgportal:houjie:requests", "dgportal:houjie:dupefilter", "dgportal:houjie:leases",
                         "dgportal:houjie:lease-expiry", "dgportal:houjie:results",
                         "dgportal:houjie:result-data", "dgportal:houjie:processing"}
    assert len(work) == len(set(work)) == 7
    assert HOUJIE.crawl not in work and HOUJIE.coordinator not in work


def test_two_sites_on_one_redis_share_no_crawl_key():
    other = CrawlKeys("dongcheng")
    mine = {*HOUJIE.work_keys(), HOUJIE.crawl, HOUJIE.coordinator}
    theirs = {*other.work_keys(), other.crawl, other.coordinator}
    assert not mine & theirs
    assert all(key.startswith("dgportal:dongcheng:") for key in theirs)


def test_the_politeness_budget_is_keyed_by_host_not_by_crawl():
    assert polite_next("www.dg.gov.cn") == "dgportal:polite:www.dg.gov.cn:next"
    assert polite_busy("www.dg.gov.cn") == "dgportal:polite:www.dg.gov.cn:busy"
    assert polite_next("127.0.0.1") != polite_busy("127.0.0.1")


def test_keys_are_values_that_cannot_be_changed_afterwards():
    assert CrawlKeys("houjie") == HOUJIE and hash(CrawlKeys("houjie")) == hash(HOUJIE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        HOUJIE.site = "other"  # type: ignore[misc]
