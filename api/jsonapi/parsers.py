from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class JsonApiParser(JSONParser):
    """Request bodies may be sent as `application/vnd.api+json` or `application/json` (decision D2)."""

    media_type = "application/vnd.api+json"

    def parse(
        self, stream: IO[Any], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            # json.loads gives up on very deep nesting with RecursionError, which DRF does not turn into a 400.
            raise ParseError("The request body is nested too deeply.") from error
