"""The ``dgportal`` command. ``main(argv) -> int`` parses arguments once and dispatches.

Exit codes (see :mod:`dgportal_crawler.outcome`): 0 success; 1 the job ran but something
failed or needs a look; 2 bad input (unknown column, bad date, bad setting, unreadable
profile …); 3 cannot run now (site unreachable, archive locked by another run); 130 / 143
interrupted by SIGINT / SIGTERM (``--resume`` continues).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from dgportal_crawler import __version__
from dgportal_crawler.commands import CommandError
from dgportal_crawler.parallel import jobs_argument

Handler = Callable[[argparse.Namespace], int]


def _add_crawl(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("crawl", help="crawl a site's columns into the archive",
                       description="Crawl columns of a site into <out>/<site>/articles/.")
    p.add_argument("site", nargs="?", help="built-in site name (houjie), path to a profile .toml, "
                   "or towns of the portal, comma-separated (houjie,humen)")
    p.add_argument("--all", action="store_true", help="every town of the portal (see dgportal sites)")
    p.add_argument("--portal-url", metavar="URL",
                   help="the portal's root for towns (default https://www.dg.gov.cn/; a replica's)")
    p.add_argument("--discover", action="store_true",
                   help="discover towns without a reviewed profile first (implied by --all)")
    p.add_argument("--columns", help="comma-separated column ids or names (default: all)")
    p.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after")
    p.add_argument("--until", metavar="YYYY-MM-DD", help="only articles published on or before")
    p.add_argument("--out", metavar="DIR",
                   help="archive root (default: archive; with --demo: archive/demo)")
    p.add_argument("--base-url", help="crawl this base URL instead of the profile's")
    p.add_argument("--demo", action="store_true",
                   help="start the bundled replica on a free loopback port and crawl it")
    p.add_argument("--demo-articles", type=int, default=150, metavar="N",
                   help="articles in the demo replica (default 150)")
    p.add_argument("--contact", help="e-mail or URL for the User-Agent (or DGPORTAL_CONTACT)")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true",
                      help="re-crawl everything (conditional requests for known articles)")
    mode.add_argument("--resume", action="store_true",
                      help="continue an interrupted run (Scrapy JOBDIR; after a kill, the archive)")
    p.add_argument("--no-warc", action="store_true", help="do not keep WARC captures")
    p.add_argument("--attachments", action="store_true",
                   help="also fetch attachments (pdf, doc, xls …) so the WARC keeps them")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto")
    talk = p.add_mutually_exclusive_group()
    talk.add_argument("-v", "--verbose", action="store_true", help="show the full log on stderr")
    talk.add_argument("-q", "--quiet", action="store_true",
                      help="print nothing on a clean run; warnings and the table only when "
                      "something needs a look (for cron)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="any Scrapy setting, e.g. -s DOWNLOAD_DELAY=2")
    p.add_argument("--redis", metavar="URL", help="coordinate a distributed crawl through this Redis "
                   "(redis://HOST:6379/0); workers join with dgportal worker --redis URL")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.crawl", "run"))


def _add_worker(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("worker", help="fetch for the distributed crawls a Redis holds",
                       description="Join the crawls running on the Redis (waiting for one if "
                       "none is), fetch and extract, hand the results to the coordinator; exit "
                       "when they finish. Writes no archive.")
    p.add_argument("--redis", required=True, metavar="URL", help="the crawl's Redis, redis://HOST:6379/0")
    p.add_argument("--site", help="join only this site's crawl")
    p.add_argument("--name", help="this worker's name in the coordinator's report (default HOST-PID)")
    p.add_argument("--no-wait", action="store_true", help="exit 3 if no crawl is running")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="a Scrapy setting for this worker only, e.g. -s CONCURRENT_REQUESTS=8")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.worker", "run"))


def _add_replica(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("replica", help="the bundled replica of the site (no network needed)")
    rsub = p.add_subparsers(dest="replica_command", required=True)
    s = rsub.add_parser("serve", help="serve the replica on 127.0.0.1 until Ctrl-C")
    s.add_argument("--port", type=int, default=8800, help="port (0 = any free port; default 8800)")
    s.add_argument("--articles", type=int, default=150, help="number of articles (default 150)")
    s.add_argument("--seed", type=int, default=2023, help="seed of the generated site")
    s.add_argument("--edition", type=int, default=1, choices=(1, 2),
                   help="2 = some articles edited and some removed")
    s.add_argument("--degraded", type=float, default=0.0, metavar="F",
                   help="fraction of articles with renamed template classes (default 0)")
    s.add_argument("--encodings", action="store_true",
                   help="serve some legacy pages in GBK/GB18030 or with a BOM")
    s.add_argument("--faults", default=None, metavar="SPEC",
                   help="inject faults, deterministic by seed: rate=0.1,seed=7[,kinds=a+b][,delay=S] "
                        "(replica/faults.py)")
    s.add_argument("--parent-pid", type=int, default=None, metavar="PID",
                   help="stop when this process is gone (ReplicaServer and --demo use it)")
    s.set_defaults(handler=_lazy("dgportal_crawler.commands.replica", "serve"))
    k = rsub.add_parser("truth", help="print a site's answer key as JSON Lines",
                        description="One line per article the replica serves for SITE: url, title, "
                                    "published_at, source, column (score a crawl without Python).")
    k.add_argument("--site", required=True, help="houjie, humen or hj")
    k.add_argument("--articles", type=int, default=150, help="articles per site (default 150)")
    k.add_argument("--seed", type=int, default=2023, help="seed of the generated site")
    k.add_argument("--origin", default="https://www.dg.gov.cn",
                   help="origin of the URLs (a served replica's: http://127.0.0.1:PORT)")
    k.set_defaults(handler=_lazy("dgportal_crawler.commands.replica", "truth"))


def _add_clean(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("clean", help="clean saved pages, text captures or live pages into archive lines",
                       description="Write one archive line per FILE or URL to stdout; fields a saved "
                       "file cannot tell (fetch time, status) are null. A URL is fetched once, "
                       "politely (robots.txt, the project's User-Agent, no redirects followed).")
    p.add_argument("files", nargs="+", metavar="FILE|URL")
    p.add_argument("--format", choices=("auto", "html", "text"), default="auto",
                   help="html page or plain-text capture (default: sniff)")
    p.add_argument("--url", help="the saved FILE's URL (gives id, column and absolute links)")
    p.add_argument("--site", help="site profile (default: the one holding each URL; houjie for files)")
    p.add_argument("--contact", help="e-mail or URL for the User-Agent (or DGPORTAL_CONTACT)")
    p.add_argument("--warc", metavar="FILE", help="append the fetched exchanges to this WARC file")
    _add_jobs(p)
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.clean", "clean"))


def _add_jobs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--jobs", type=jobs_argument, metavar="N",
                   help="processes extracting at once (default: every usable CPU); the output "
                   "is the same, in the same order, whatever N")


def _add_archive_tools(sub: argparse._SubParsersAction) -> None:
    tools = "dgportal_crawler.commands.archive_tools"
    p = sub.add_parser("verify", help="check an archive: schema, checksums, WARC references",
                       description="Exit 1 and list the problems if anything is wrong. Files whose "
                       "size and mtime match the manifest are not re-hashed; while a crawl writes, "
                       "the archive is checked as of its last manifest.")
    p.add_argument("folder", help="a site archive, e.g. archive/houjie")
    p.add_argument("--full", action="store_true", help="re-hash every file, whatever its size and mtime")
    p.set_defaults(handler=_lazy(tools, "verify"))
    p = sub.add_parser("rebuild-state", help="rebuild state.sqlite from the JSONL lines")
    p.add_argument("folder", help="a site archive, e.g. archive/houjie")
    p.set_defaults(handler=_lazy(tools, "rebuild"))
    p = sub.add_parser("reextract", help="re-run extraction over stored WARCs and report changes",
                       description="Re-extract every archived article from its WARC record (no "
                       "network) and report, per field, how many differ from the archive.")
    p.add_argument("folder", help="a site archive, e.g. archive/houjie")
    p.add_argument("--profile", help="site profile (default: the folder's name)")
    p.add_argument("--show", type=int, default=10, metavar="N", help="list N differing articles")
    p.add_argument("--write", metavar="FILE", help="write the re-extracted lines to FILE")
    _add_jobs(p)
    p.set_defaults(handler=_lazy(tools, "reextract"))


def _add_columns(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("columns", help="list a site's columns and their list URLs")
    p.add_argument("site", help="built-in site name (houjie) or path to a profile .toml")
    p.add_argument("--base-url", help="show the list URLs under this base URL")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.info", "columns"))


def _add_sites(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sites", help="the portal's towns and streets: profile or discovered, last crawl",
                       description="List the 32 towns and streets of the portal (id = path prefix).")
    p.add_argument("--out", default="archive", metavar="DIR",
                   help="archive root to read the last crawl from (default: archive)")
    p.add_argument("--portal", metavar="FILE", help="another portal definition (default: the built-in one)")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.sites", "run"))


def _add_discover(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("discover", help="find a town's columns from its own pages; write a profile",
                       description="Read the site's home page navigation, the pages it links to and "
                       "the column feeds; classify each candidate by its first page; print a table "
                       "and, with --write, a profile TOML to review and crawl with.")
    p.add_argument("site", help="the town's path prefix (houjie, humen, hj …; see dgportal sites)")
    p.add_argument("--base-url", help="discover this URL instead of https://www.dg.gov.cn/<site>/")
    p.add_argument("--write", metavar="FILE", help="write the profile TOML here")
    p.add_argument("--contact", help="e-mail or URL for the User-Agent (or DGPORTAL_CONTACT)")
    p.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                   help="e.g. -s DGPORTAL_DISCOVER_MAX_REQUESTS=50 or -s DOWNLOAD_DELAY=2")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.discover", "run"))


def _add_analysis(sub: argparse._SubParsersAction) -> None:
    def selection(p: argparse.ArgumentParser) -> None:
        p.add_argument("folder", help="a site archive (archive/houjie) or an archive root")
        p.add_argument("--view", choices=("current", "all", "withdrawn"), default="current",
                       help="current: latest revision of each article not withdrawn (default); "
                       "all: every revision; withdrawn: what was taken down")
        p.add_argument("--since", metavar="YYYY-MM-DD", help="only articles published on or after")
        p.add_argument("--until", metavar="YYYY-MM-DD", help="only articles published on or before")

    p = sub.add_parser("export", help="export a view of an archive as Parquet, CSV, JSON Lines or WACZ",
                       description="Write the selected articles to one file, atomically.")
    selection(p)
    p.add_argument("--format", required=True, metavar="FORMAT",
                   help="parquet, csv, jsonl or wacz (the WARC captures, replayable)")
    p.add_argument("--out", required=True, metavar="PATH", help="the file to write")
    p.add_argument("--columns", metavar="A,B", help="comma-separated fields (default: all)")
    p.add_argument("--progress", choices=("auto", "on", "off"), default="auto")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.export", "run"))
    p = sub.add_parser("stats", help="articles per column and year: length, metadata, revisions",
                       description="A table per column and year (or month) of the current view.")
    selection(p)
    p.add_argument("--by", choices=("year", "month"), default="year", help="period (default: year)")
    p.add_argument("--json", action="store_true", help="print the table as JSON")
    p.add_argument("--plot", metavar="FILE.png", help="also draw articles per month, by column")
    p.set_defaults(handler=_lazy("dgportal_crawler.commands.stats", "run"))


def _lazy(module: str, name: str) -> Handler:
    """Import a command's module only when it runs: ``dgportal --help`` stays fast."""

    def handler(args: argparse.Namespace) -> int:
        import importlib

        return getattr(importlib.import_module(module), name)(args)

    return handler


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dgportal",
        description="Crawl, clean and archive the column pages of the Dongguan government portal.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add in (_add_crawl, _add_worker, _add_clean, _add_archive_tools, _add_replica, _add_columns,
                _add_sites, _add_discover, _add_analysis):
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.handler(args)
    except CommandError as exc:
        print(f"dgportal: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dgportal: interrupted", file=sys.stderr)
        return 130
