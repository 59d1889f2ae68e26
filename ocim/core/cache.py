"""The Redis cache, shared with the task queue.

django-rq opens a new Redis client (and so a new TCP connection) every time it looks up a queue
configured by URL, that is on every task enqueued. Pointed at this cache instead
(``RQ_QUEUES[...]["USE_REDIS_CACHE"]``), it takes its client from the cache's connection pool:
a request that queues an e-mail reuses the connection its session was read through.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    @property
    def _client(self):
        """A Redis client on the cache's write pool (the attribute django-rq looks for)."""
        return self._cache.get_client(write=True)
