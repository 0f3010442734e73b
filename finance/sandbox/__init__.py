"""The sandbox seed: realistic, deterministic data in which a lead provider can exercise every
endpoint and every state (`python manage.py seed_sandbox`). It lives in `finance`, the highest app
it fills, because it writes the rows of every domain app (statements and declarations included)."""
