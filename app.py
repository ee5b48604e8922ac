"""Run civicnet: `python app.py` serves it with gevent; `flask --app app ...` runs commands."""

if __name__ == "__main__":
    # Patch before anything imports socket or threading, so every wait yields to other requests.
    from gevent import monkey

    monkey.patch_all()

from civicnet import create_app
from civicnet.extensions import db, socketio

app = create_app()


@app.shell_context_processor
def shell_context() -> dict:
    from civicnet.accounts.models import User
    from civicnet.profiles.models import Profile, Tag, UserTag

    return {"db": db, "User": User, "Profile": Profile, "Tag": Tag, "UserTag": UserTag}


if __name__ == "__main__":
    host, port = app.config["SERVER_HOST"], app.config["SERVER_PORT"]
    if app.config["SEARCH_INDEXER"]:
        from civicnet.search import indexer

        indexer.start(app)  # now, so a missing index is rebuilt before anyone searches
    print(f"civicnet is running ({socketio.async_mode}): open http://{host}:{port}/ (Ctrl+C to stop).", flush=True)
    socketio.run(app, host=host, port=port)
