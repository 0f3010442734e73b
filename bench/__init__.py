"""The performance benchmark of issue #9 (`python -m bench --size small|national`): every figure measured
over HTTP against the production server, next to its floor (what PostgreSQL and a JSON encoder alone need
for the same data), measured in the same run. Never part of the test suite; nothing in the app imports it."""
