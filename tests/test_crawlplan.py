import datetime as dt

import pytest

from dgportal_crawler.crawlplan import CrawlArgumentError, make_plan
from dgportal_crawler.profile import load_profile


@pytest.fixture(scope="module")
def profile():
    return load_profile("houjie")


def test_default_plan_is_every_column_and_no_dates(profile):
    plan = make_plan(profile)
    assert [c.id for c in plan.columns] == profile.column_ids
    assert (plan.since, plan.until) == (None, None)


def test_columns_by_id_or_name_in_given_order_without_repeats(profile):
    plan = make_plan(profile, "sqdt, 城镇建设,sqdt")
    assert [c.id for c in plan.columns] == ["sqdt", "czjs"]


def test_unknown_column_lists_the_valid_ones(profile):
    with pytest.raises(CrawlArgumentError) as info:
        make_plan(profile, "czjs,nope")
    message = str(info.value)
    assert message.startswith("unknown column 'nope'; valid columns: hjyw (厚街要闻), tzgg (通知公告)")
    assert "zcjd (政策解读)" in message


@pytest.mark.parametrize(
    ("since", "until", "fragment"),
    [
        ("2023-13-01", None, "--since '2023-13-01' is not a date"),
        (None, "yesterday", "--until 'yesterday' is not a date"),
        ("2024-01-02", "2024-01-01", "--since 2024-01-02 is after --until 2024-01-01"),
    ],
)
def test_bad_dates(profile, since, until, fragment):
    with pytest.raises(CrawlArgumentError, match=fragment.replace("(", r"\(")):
        make_plan(profile, None, since, until)


def test_range_checks(profile):
    plan = make_plan(profile, None, "2023-01-01", "2023-12-31")
    assert plan.in_range(dt.date(2023, 1, 1)) and plan.in_range(dt.date(2023, 12, 31))
    assert not plan.in_range(dt.date(2022, 12, 31)) and not plan.in_range(dt.date(2024, 1, 1))
    assert plan.in_range(None)  # undated list entries are fetched: the page knows its date
    assert plan.before_range(dt.date(2022, 12, 31)) and not plan.before_range(dt.date(2024, 1, 1))
    assert not plan.before_range(None)
