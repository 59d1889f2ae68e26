"""The Redis cache, shared with the task queue.

django-rq opens a new Redis client (and so a new TCP connection) every time it looks up a queue
configured by URL, that is on every task enqueued. Pointed at this cache instead
(``RQ_QUEUES[...]["USE_REDIS_CACHE"]``), it takes its client from the cache's connection pool:
a request that queues an e-mail reuses the connection its session was read through.

Django's Redis cache also builds a new client object for every operation; a client is only a
handle on a connection pool (thread-safe, connections taken per command), so this cache keeps
one per pool.
"""

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.functional import cached_property


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(
                connection_pool=self._get_connection_pool(write)
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    @cached_property
    def _client(self):
        """A Redis client on the cache's write pool (the attribute django-rq looks for)."""
        return self._cache.get_client(write=True)
