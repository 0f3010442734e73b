from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from api.jsonapi.exceptions import BadRequest
from api.jsonapi.unstorable import body_error, unstorable_path


class JsonApiParser(JSONParser):
    """Request bodies may be sent as `application/vnd.api+json` or `application/json` (decision D2). A body with
    text the database cannot store is a 400 (`api.jsonapi.unstorable`)."""

    media_type = "application/vnd.api+json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            body = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # json.loads gives up on very deep nesting with RecursionError, which DRF does not turn into a 400.
            raise ParseError("The request body is nested too deeply.") from error
        # Every string of every body is checked here, once, whichever attribute it is and wherever it goes.
        if (path := unstorable_path(body)) is not None:
            raise BadRequest(body_error(path))
        return body
