"""A crawl on several machines, on Redis with scrapy-redis (see "Several machines" in the README).

- ``dgportal crawl SITE --redis URL`` (:mod:`dgportal_crawler.commands.coordinate`) runs the
  ordinary spider, spider middlewares, pipelines and archive session: it is the single writer
  of the archive. Its scheduler (:mod:`.scheduler`) puts every request into scrapy-redis's
  frontier; its downloads are the workers' results (:mod:`.coordinator`, :mod:`.inject`).
- ``dgportal worker --redis URL`` (:mod:`dgportal_crawler.commands.worker`, :mod:`.worker`)
  pops requests under leases (:mod:`.frontier`), fetches within a per-host budget shared by
  every worker (:mod:`.politeness`), extracts article pages and hands results back.

Every Redis key is in :mod:`.keys`; the crawl's description in Redis in :mod:`.crawlinfo`.
"""
