from rest_framework.parsers import JSONParser


class JsonApiParser(JSONParser):
    """Request bodies may be sent as `application/vnd.api+json` or `application/json` (decision D2)."""

    media_type = "application/vnd.api+json"
