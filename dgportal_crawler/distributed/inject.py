"""The coordinator's components around the engine, each standing in for a download:

- :class:`ResultMiddleware` (the coordinator's only downloader middleware) answers a request
  with the worker's response, or its failure, after writing the raw exchanges to the WARC;
- :class:`AckMiddleware` (outermost spider middleware) tells :class:`~.coordinator.Acks`
  how many items a response made, once the spider's output is all handed on;
- :class:`ShippedExtractPipeline` takes the place of ``ExtractPipeline``: it uses what the
  worker extracted, with this run's id and WARC reference, and counts as that pipeline does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Response
from scrapy.responsetypes import responsetypes

from dgportal_crawler.distributed.coordinator import Coordinator
from dgportal_crawler.distributed.messages import Result
from dgportal_crawler.distributed.names import META_RESULT, META_RESULT_ID
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.extractworkers import Checked
from dgportal_crawler.items import Article
from dgportal_crawler.pages import FetchedPage
from dgportal_crawler.pipelines import ExtractPipeline
from dgportal_crawler.stats import META_FETCHED_AT, META_WARC


class RemoteError(Exception):
    """A worker's download failed; subclasses carry the name of the worker's exception, so
    failures are counted by the same reasons as on one machine (``TimeoutError`` …)."""


_REMOTE_ERRORS: dict[str, type[Exception]] = {"IgnoreRequest": IgnoreRequest}


def remote_error(name: str, message: str) -> Exception:
    if name not in _REMOTE_ERRORS:
        _REMOTE_ERRORS[name] = type(name if name.isidentifier() else "RemoteError", (RemoteError,), {})
    return _REMOTE_ERRORS[name](message)


def _coordinator(crawler: Crawler) -> Coordinator:
    coordinator = crawler.get_extension(Coordinator)
    if coordinator is None:
        raise NotConfigured
    return coordinator


class ResultMiddleware:
    def __init__(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ResultMiddleware:
        return cls(_coordinator(crawler))

    def process_request(self, request: Request) -> Response:
        result: Result | None = request.meta.pop(META_RESULT, None)
        if result is None:
            raise IgnoreRequest(f"{request.url}: a coordinator fetches nothing itself (workers do)")
        ref = self.coordinator.write_exchanges(result.exchanges)
        if ref is not None:
            request.meta[META_WARC] = ref.to_dict()
        request.meta[META_FETCHED_AT] = result.fetched_at
        if result.failure is not None:
            self.coordinator.acks.ack(request.meta[META_RESULT_ID])  # the errback only counts
            raise remote_error(*result.failure)
        assert result.url is not None and result.status is not None
        if result.extracted is not None:
            self.coordinator.keep_extraction(result.url, result.body, result.extracted)
        headers = result.response_headers()
        response_class = responsetypes.from_args(headers=headers, url=result.url, body=result.body)
        return response_class(url=result.url, status=result.status, headers=headers, body=result.body,
                              request=request)


class AckMiddleware:
    def __init__(self, coordinator: Coordinator) -> None:
        self.coordinator = coordinator

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> AckMiddleware:
        return cls(_coordinator(crawler))

    async def process_spider_output(self, response: Response, result: AsyncIterator[Any]
                                    ) -> AsyncIterator[Any]:
        result_id = response.meta.get(META_RESULT_ID)
        items = 0
        async for out in result:
            if out is not None and not isinstance(out, Request):
                items += 1
            yield out
        # Not reached when the output failed or the crawl stopped: the result stays unacked
        # (acked when the engine is next idle, or taken again after a restart).
        if result_id is not None:
            self.coordinator.acks.outputs_done(result_id, items)


class ShippedExtractPipeline(ExtractPipeline):
    """``ExtractPipeline``, except that a worker already extracted the page."""

    def __init__(self, crawler: Crawler, run: Any) -> None:
        super().__init__(crawler, run)
        self.coordinator = crawler.get_extension(Coordinator)

    async def extract(self, page: FetchedPage) -> Checked:
        shipped = self.coordinator.pop_extraction(page.url, page.body) if self.coordinator is not None else None
        if shipped is None:
            return await super().extract(page)  # not from a worker: extract here
        if "error" in shipped:
            raise ExtractionError(shipped["error"])
        article = Article(**shipped["article"])
        article.warc = page.meta.get(META_WARC)
        article.crawler = {**article.crawler, "run_id": self.run.run_id}
        return Checked(article, None)  # the validate pipeline judges it
