"""The Socket.IO message queue through Redis, made to ride out a Redis outage.

python-socketio's RedisManager, as installed, retries each publish through redis-py's default retries
(seconds per emit, while the member waits for an ack) and logs two errors per emit; its listener backs
off exponentially up to 60 s, so delivery between processes could stay off for a minute after Redis
returns. Here a publish fails at once and is skipped while Redis is away (this process's own clients
still get every event: they are served before the publish), and the listener tries again every second."""

import socketio
from redis.exceptions import RedisError

from civicnet.redis_outage import FAIL_FAST, RedisWatch

CHANNEL = "flask-socketio"  # Flask-SocketIO's default, so processes of any version share it


class RedisQueue(socketio.RedisManager):
    def __init__(self, url: str, channel: str = CHANNEL, **kwargs):
        super().__init__(url, channel=channel, redis_options=dict(FAIL_FAST), **kwargs)
        self.publishing = RedisWatch("events reach only this process's own clients")
        self.listening = RedisWatch("events from other processes do not arrive")
        self.on_authority_change = None  # set by civicnet.connections for each server process

    def _publish(self, data):
        if self.redis is None:
            self._redis_connect()
        message = self.json.dumps(data)
        self.publishing.attempt(
            lambda: self.redis.publish(self.channel, message), RedisError, self.redis.connection_pool.disconnect
        )

    def _redis_listen_with_retries(self):
        while True:
            try:
                if self.listening.is_down or self.pubsub is None:
                    self._redis_connect()
                    self.pubsub.subscribe(self.channel)
                    self.listening.succeeded()
                while True:
                    # Polled, not a blocking read: the connection's socket timeout bounds each read.
                    message = self.pubsub.get_message(timeout=5.0)
                    if message is not None:
                        yield message
            except RedisError as error:
                self.listening.failed(error)
                self.server.sleep(self.listening.retry_after)

    def _handle_emit(self, message):
        # A change of authority rides the same channel as the events, so every process applies it
        # before it delivers any event published after it (see civicnet.connections).
        if message.get("room") == AUTHORITY_CHANNEL and self.on_authority_change is not None:
            self.on_authority_change(message.get("data"))
            return
        super()._handle_emit(message)


AUTHORITY_CHANNEL = "civicnet:authority"
