"""Who is online in which room, by connection: in memory, or in Redis when several processes serve."""

import threading
from collections import defaultdict

from flask import current_app


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
    """The same bookkeeping in Redis hashes and sets, shared by every server process."""

    def __init__(self, url: str):
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)

    def connect(self, sid: str, user_id: int) -> None:
        self.redis.sadd(f"civicnet:presence:user:{user_id}", sid)
        self.redis.hset("civicnet:presence:sid-user", sid, user_id)

    def enter(self, sid: str, user_id: int, room_id: int) -> bool:
        key = f"civicnet:presence:room:{room_id}"
        first = str(user_id) not in self.redis.hvals(key)
        self.redis.hset(key, sid, user_id)
        self.redis.sadd(f"civicnet:presence:sid:{sid}", room_id)
        return first

    def leave(self, sid: str, room_id: int) -> int | None:
        key = f"civicnet:presence:room:{room_id}"
        user_id = self.redis.hget(key, sid)
        self.redis.hdel(key, sid)
        self.redis.srem(f"civicnet:presence:sid:{sid}", room_id)
        if user_id is None or user_id in self.redis.hvals(key):
            return None
        return int(user_id)

    def rooms_of(self, sid: str) -> list[int]:
        return [int(room_id) for room_id in self.redis.smembers(f"civicnet:presence:sid:{sid}")]

    def disconnect(self, sid: str) -> None:
        user_id = self.redis.hget("civicnet:presence:sid-user", sid)
        if user_id is not None:
            self.redis.srem(f"civicnet:presence:user:{user_id}", sid)
        self.redis.hdel("civicnet:presence:sid-user", sid)
        self.redis.delete(f"civicnet:presence:sid:{sid}")

    def online(self, room_id: int) -> set[int]:
        return {int(user_id) for user_id in self.redis.hvals(f"civicnet:presence:room:{room_id}")}

    def sids_of(self, user_id: int) -> list[str]:
        return list(self.redis.smembers(f"civicnet:presence:user:{user_id}"))


def presence() -> MemoryPresence | RedisPresence:
    """This app's presence store."""
    store = current_app.extensions.get("civicnet.presence")
    if store is None:
        url = current_app.config["REDIS_URL"]
        store = current_app.extensions["civicnet.presence"] = RedisPresence(url) if url else MemoryPresence()
    return store
