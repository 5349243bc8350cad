"""``dgportal replica serve``: the bundled replica of the site, on 127.0.0.1.

The one command line of the replica: ``ReplicaServer`` and ``python -m dgportal_crawler.replica``
run this too.
"""

from __future__ import annotations

import argparse

from dgportal_crawler.commands import CommandError


def serve(args: argparse.Namespace) -> int:
    from dgportal_crawler.replica import serve as serve_replica

    if args.articles < 1:
        raise CommandError("--articles must be at least 1")
    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port {args.port} is not a port number")
    if not 0.0 <= args.degraded <= 1.0:
        raise CommandError(f"--degraded {args.degraded} is not a fraction between 0 and 1")
    if args.faults:
        from dgportal_crawler.replica.faults import FaultSpec

        try:
            FaultSpec.parse(args.faults)
        except ValueError as exc:
            raise CommandError(f"--faults: {exc}") from None
    try:
        serve_replica(port=args.port, seed=args.seed, articles=args.articles,
                      edition=args.edition, degraded=args.degraded, encodings=args.encodings,
                      parent_pid=args.parent_pid, faults=args.faults)
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}") from None
    return 0


#: The fields of the answer key on the command line (the Python API has more).
TRUTH_FIELDS = ("url", "title", "published_at", "source", "column")


def truth(args: argparse.Namespace) -> int:
    import json

    from dgportal_crawler.replica import Replica
    from dgportal_crawler.replica.portal import CONTENT_SITES, PortalReplica

    if args.site not in CONTENT_SITES:
        raise CommandError(f"--site {args.site!r}: the replica has content for {', '.join(CONTENT_SITES)}")
    if args.articles < 1:
        raise CommandError("--articles must be at least 1")
    portal = PortalReplica(Replica(seed=args.seed, articles=args.articles))
    for record in portal.ground_truth(args.site, args.origin):
        print(json.dumps({k: record[k] for k in TRUTH_FIELDS}, ensure_ascii=False))
    return 0
