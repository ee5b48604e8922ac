"""Run civicnet's own `python app.py`, optionally with simple-websocket instead of gevent-websocket.

Usage: python bench/civicnet_server.py [--websocket gevent-websocket|simple-websocket]
(everything else, such as DATABASE_URL, HOST and PORT, comes from the environment as usual).

Hiding the gevent-websocket package before app.py runs is the same as uninstalling it: Flask-SocketIO
then serves plain gevent pywsgi and Engine.IO answers WebSocket upgrades through simple-websocket.
civicnet's code is not changed."""

import argparse
import os
import runpy
import sys
from pathlib import Path

# bench/fanout.py points CIVICNET_ROOT at a snapshot of the working tree, so every run measures one version.
ROOT = Path(os.environ.get("CIVICNET_ROOT") or Path(__file__).resolve().parent.parent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--websocket", choices=("gevent-websocket", "simple-websocket"), default="gevent-websocket")
    args = parser.parse_args()
    if args.websocket == "simple-websocket":
        for name in ("geventwebsocket", "geventwebsocket.handler", "geventwebsocket.websocket"):
            sys.modules[name] = None
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    sys.argv = [str(ROOT / "app.py")]
    runpy.run_path(str(ROOT / "app.py"), run_name="__main__")


if __name__ == "__main__":
    main()
