"""civicnet: a peer-support network where citizens and public servants learn from each other.

The application is built by civicnet.factory.create_app; docs/architecture.md shows the layers."""
