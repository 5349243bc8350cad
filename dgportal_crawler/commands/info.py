"""``dgportal columns SITE``: what can be crawled."""

from __future__ import annotations

import argparse

from dgportal_crawler.commands.profiles import profile_or_error


def columns(args: argparse.Namespace) -> int:
    profile = profile_or_error(args.site, args.base_url)
    for col in profile.columns:
        print(f"{col.id}\t{col.parent} > {col.name}\t{col.template}\t{profile.list_url(col)}")
    return 0
