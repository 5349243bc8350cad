"""``python -m dgportal_crawler.replica serve [--port N] [--articles N] [--seed N]``
[--edition N] [--degraded F] [--encodings]."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .server import serve


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m dgportal_crawler.replica",
        description="Serve the bundled replica of the Houjie sub-site on 127.0.0.1.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve in the foreground until Ctrl-C")
    run.add_argument("--port", type=int, default=0, help="TCP port (0 = any free port)")
    run.add_argument("--seed", type=int, default=2023)
    run.add_argument("--articles", type=int, default=150)
    run.add_argument("--edition", type=int, choices=(1, 2), default=1)
    run.add_argument("--degraded", type=float, default=0.0,
                     help="fraction of articles with renamed template classes")
    run.add_argument("--encodings", action="store_true",
                     help="serve some legacy pages in GBK/GB18030 or with a BOM")
    args = parser.parse_args(argv)
    try:
        serve(args.port, args.seed, args.articles, args.edition, args.degraded, args.encodings)
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
