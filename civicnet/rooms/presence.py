"""Who is online in which room, by connection: in memory, or in Redis when several processes serve."""

import threading
from collections import defaultdict

from flask import current_app

from civicnet.redis_outage import FAIL_FAST, UNAVAILABLE, RedisWatch


class MemoryPresence:
    def __init__(self):
        self._lock = threading.Lock()
        self._rooms: dict[int, dict[str, int]] = defaultdict(dict)  # room id -> sid -> user id
        self._sids: dict[str, tuple[int, set[int]]] = {}  # sid -> (user id, room ids)

    def connect(self, sid: str, user_id: int) -> None:
        with self._lock:
            self._sids[sid] = (user_id, set())

    def enter(self, sid: str, user_id: int, room_id: int) -> bool:
        """Record the connection in the room; True if the member was not online there before."""
        with self._lock:
            first = user_id not in self._rooms[room_id].values()
            self._rooms[room_id][sid] = user_id
            self._sids.setdefault(sid, (user_id, set()))[1].add(room_id)
            return first

    def leave(self, sid: str, room_id: int) -> int | None:
        """Forget the connection in the room; the user id if that was their last one there."""
        with self._lock:
            user_id = self._rooms[room_id].pop(sid, None)
            if sid in self._sids:
                self._sids[sid][1].discard(room_id)
            if user_id is None or user_id in self._rooms[room_id].values():
                return None
            return user_id

    def rooms_of(self, sid: str) -> list[int]:
        with self._lock:
            return list(self._sids.get(sid, (0, set()))[1])

    def disconnect(self, sid: str) -> None:
        with self._lock:
            self._sids.pop(sid, None)

    def online(self, room_id: int) -> set[int]:
        with self._lock:
            return set(self._rooms[room_id].values())

    def sids_of(self, user_id: int) -> list[str]:
        with self._lock:
            return [sid for sid, (uid, _) in self._sids.items() if uid == user_id]


class RedisPresence:
    """The same bookkeeping in Redis hashes and sets, shared by every server process.

    This process's own connections are also kept in memory. While Redis is unreachable, presence
    answers from them alone (members on other processes look offline); when it is back, this
    process writes its connections to Redis again, so a Redis restarted empty is refilled."""

    def __init__(self, url: str):
        import redis

        self.errors = redis.RedisError
        self.redis = redis.Redis.from_url(url, decode_responses=True, **FAIL_FAST)
        self.local = MemoryPresence()
        self.watch = RedisWatch("presence shows only this process's connections")
        self._changed_meanwhile: set[str] = set()  # sids Redis missed changes for
        self._unsynced = False  # Redis failed since it last held all of this process's connections

    def _shared(self, operation, fallback, sid: str | None = None):
        """Run operation(redis); fallback() instead while Redis is unreachable."""

        def run():
            if self._unsynced:
                self._rewrite()
            return operation(self.redis)

        def reset() -> None:
            self._unsynced = True
            self.redis.connection_pool.disconnect()

        result = self.watch.attempt(run, self.errors, reset)
        if result is UNAVAILABLE:
            if sid is not None:
                self._changed_meanwhile.add(sid)
            return fallback()
        return result

    def _rewrite(self) -> None:
        """Replace what Redis holds about this process's connections with what this process knows."""
        with self.local._lock:
            current = {sid: (user_id, set(rooms)) for sid, (user_id, rooms) in self.local._sids.items()}
        stale = self._changed_meanwhile | set(current)
        pipe = self.redis.pipeline(transaction=False)
        for sid in stale:
            self._forget(sid)
        for sid, (user_id, rooms) in current.items():
            pipe.sadd(f"civicnet:presence:user:{user_id}", sid)
            pipe.hset("civicnet:presence:sid-user", sid, user_id)
            for room_id in rooms:
                pipe.hset(f"civicnet:presence:room:{room_id}", sid, user_id)
                pipe.sadd(f"civicnet:presence:sid:{sid}", room_id)
        pipe.execute()
        self._changed_meanwhile.clear()
        self._unsynced = False

    def _forget(self, sid: str) -> None:
        for room_id in self.redis.smembers(f"civicnet:presence:sid:{sid}"):
            self.redis.hdel(f"civicnet:presence:room:{room_id}", sid)
        user_id = self.redis.hget("civicnet:presence:sid-user", sid)
        if user_id is not None:
            self.redis.srem(f"civicnet:presence:user:{user_id}", sid)
        self.redis.hdel("civicnet:presence:sid-user", sid)
        self.redis.delete(f"civicnet:presence:sid:{sid}")

    def connect(self, sid: str, user_id: int) -> None:
        self.local.connect(sid, user_id)

        def write(r) -> None:
            r.sadd(f"civicnet:presence:user:{user_id}", sid)
            r.hset("civicnet:presence:sid-user", sid, user_id)

        self._shared(write, lambda: None, sid)

    def enter(self, sid: str, user_id: int, room_id: int) -> bool:
        first_here = self.local.enter(sid, user_id, room_id)

        def write(r) -> bool:
            key = f"civicnet:presence:room:{room_id}"
            first = str(user_id) not in r.hvals(key)
            r.hset(key, sid, user_id)
            r.sadd(f"civicnet:presence:sid:{sid}", room_id)
            return first

        return self._shared(write, lambda: first_here, sid)

    def leave(self, sid: str, room_id: int) -> int | None:
        last_here = self.local.leave(sid, room_id)

        def write(r) -> int | None:
            key = f"civicnet:presence:room:{room_id}"
            user_id = r.hget(key, sid)
            r.hdel(key, sid)
            r.srem(f"civicnet:presence:sid:{sid}", room_id)
            if user_id is None or user_id in r.hvals(key):
                return None
            return int(user_id)

        return self._shared(write, lambda: last_here, sid)

    def rooms_of(self, sid: str) -> list[int]:
        # Only ever asked about this process's own connections, which it knows itself.
        return self.local.rooms_of(sid)

    def disconnect(self, sid: str) -> None:
        self.local.disconnect(sid)
        self._shared(lambda r: self._forget(sid), lambda: None, sid)

    def online(self, room_id: int) -> set[int]:
        return self._shared(
            lambda r: {int(user_id) for user_id in r.hvals(f"civicnet:presence:room:{room_id}")},
            lambda: self.local.online(room_id),
        )

    def sids_of(self, user_id: int) -> list[str]:
        return self._shared(
            lambda r: list(r.smembers(f"civicnet:presence:user:{user_id}")), lambda: self.local.sids_of(user_id)
        )


def presence() -> MemoryPresence | RedisPresence:
    """This app's presence store."""
    store = current_app.extensions.get("civicnet.presence")
    if store is None:
        url = current_app.config["REDIS_URL"]
        store = current_app.extensions["civicnet.presence"] = RedisPresence(url) if url else MemoryPresence()
    return store
