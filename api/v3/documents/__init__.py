"""The list pages' JSON built straight from rows read as values, for the two lists providers sync in full
(participants, declarations). The serializers in `api.v3.serializers` describe the same documents (the OpenAPI
document is built from them) and still write single resources; `tests/api/v3/test_documents.py` keeps the two
equal, byte for byte, on every row of a seeded sandbox. Why: a full page of 3,000 rows through the serializers
cost several times the database's own time (issue #16).

UUIDs, dates and date-times are left to the renderer, which writes them as the serializers do (see
`JsonApiRenderer`)."""
