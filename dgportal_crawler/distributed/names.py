"""The distributed crawl's request meta keys and counters (beside :mod:`dgportal_crawler.stats`).

Counters are under ``dgportal/distributed/`` and so appear in the run report's totals.
"""

from __future__ import annotations

from dgportal_crawler.stats import PREFIX

# -- request meta keys ----------------------------------------------------------------------
META_LEASE = "dgportal_lease"  # worker: the lease the request was popped under
META_FRONTIER = "dgportal_frontier"  # worker: the request as queued (scrapy-redis's encoding)
META_EXCHANGES = "dgportal_exchanges"  # worker: raw exchanges for the WARC (retries, redirects)
META_RESULT = "dgportal_result"  # coordinator: the worker's result a request stands for
META_RESULT_ID = "dgportal_result_id"  # coordinator: its id, to ack it once stored

# -- counters -------------------------------------------------------------------------------
DISTRIBUTED = PREFIX + "distributed/"
RESULTS = DISTRIBUTED + "results"  # results taken from Redis
CAPTURES = DISTRIBUTED + "captures"  # robots.txt and other captures without a request
RESTORED = DISTRIBUTED + "restored_results"  # unacked results of a killed coordinator
REQUEUED = DISTRIBUTED + "requeued_leases"  # expired leases put back on the queue
REFUSED = DISTRIBUTED + "late_results_refused"  # worker: results whose lease had expired
UNREADABLE = DISTRIBUTED + "unreadable_results"


def fetched_by(worker: str) -> str:
    """Pages (frontier requests) fetched by one worker."""
    return f"{DISTRIBUTED}fetched_by/{worker}"
