"""Sessions read from Redis, kept in PostgreSQL (``SESSION_ENGINE`` with ``REDIS_URL``).

Every request of a signed-in person reads the session: from the database it was a query of some
1 ms of Python and a statement for PostgreSQL on every page and ballot (issue 17: intake at
300/s). Django's ``cached_db`` store reads it from the cache and writes it through to the
database; the cache here is Redis (``CACHES["sessions"]``), shared by every web worker, so a
sign-out in one worker is a sign-out in all (a per-process cache would keep a signed-out session
alive in the others).

The database stays the record: a Redis restart or flush loses nothing, the next request reads
the session from PostgreSQL again and puts it back. Redis down: every operation falls back to
the database (a page costs the query it cost before), logged, never an error page. One case the
fallback cannot cover: a session deleted (sign-out, a new key at sign-in) while Redis cannot be
reached stays in Redis until its entry expires, so entries live at most ``CACHE_SECONDS``,
however long the session itself. Who is signed in is not ballot material: a session holds the
login's id and nothing of what a ballot says (README "Anonymous ballots")."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

logger = logging.getLogger(__name__)

# Longest life of a session's copy in Redis (see the module docstring); a miss costs one query.
CACHE_SECONDS = 15 * 60


class SessionStore(CachedDBStore):
    cache_key_prefix = "cxzy.session."

    def _expiry(self, expiry=None) -> int:
        return max(0, min(self.get_expiry_age(expiry=expiry), CACHE_SECONDS))

    def load(self):
        try:
            data = self._cache.get(self.cache_key)
        except Exception:
            logger.warning("Session cache unreachable, reading the session from the database", exc_info=True)
            data = None
        if data is None:
            stored = self._get_session_from_db()
            if not stored:
                return {}
            data = self.decode(stored.session_data)
            self._cache_set(data, self._expiry(stored.expire_date))
        return data

    def exists(self, session_key):
        # A new key must be free in the database, which is the record; Redis is not asked.
        return super(CachedDBStore, self).exists(session_key)

    def save(self, must_create=False):
        super(CachedDBStore, self).save(must_create)
        self._cache_set(self._session, self._expiry())

    def delete(self, session_key=None):
        super(CachedDBStore, self).delete(session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except Exception:
            logger.error(
                "Session cache unreachable: a deleted session stays readable there for up to %s s",
                CACHE_SECONDS,
                exc_info=True,
            )

    def _cache_set(self, data, seconds: int) -> None:
        try:
            self._cache.set(self.cache_key, data, seconds)
        except Exception:
            logger.warning(
                "Session cache unreachable, the session is kept in the database only", exc_info=True
            )
