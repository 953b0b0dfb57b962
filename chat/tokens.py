"""Signed visitor tokens: the visitor's only credential, kept in the widget's localStorage."""

from __future__ import annotations

from itsdangerous import BadSignature, URLSafeTimedSerializer

from chat.actions.errors import ActionError

TOKEN_MAX_AGE_SECONDS = 90 * 24 * 3600


class VisitorTokens:
    def __init__(self, secret_key: str) -> None:
        self._serializer = URLSafeTimedSerializer(secret_key, salt="visitor-token")

    def issue(self, visitor_id: int) -> str:
        return self._serializer.dumps({"v": visitor_id})

    def visitor_id(self, token: str) -> int:
        try:
            data = self._serializer.loads(token, max_age=TOKEN_MAX_AGE_SECONDS)
        except BadSignature as error:
            raise ActionError("unauthorized", "The visitor token is missing, invalid or expired.") from error
        return int(data["v"])
