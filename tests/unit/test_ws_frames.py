"""The text frames the server builds itself are byte for byte what wsproto builds without extensions."""

from __future__ import annotations

import pytest
from wsproto.connection import Connection, ConnectionType
from wsproto.events import TextMessage

from chat.ws_transport import text_frame


@pytest.mark.parametrize("size", [0, 1, 125, 126, 127, 65535, 65536, 200_000])
def test_text_frame_matches_wsproto(size: int) -> None:
    text = ("å" * size)[: size // 2] + "x" * (size - size // 2)  # multi-byte characters count as bytes
    expected = Connection(ConnectionType.SERVER).send(TextMessage(data=text))
    assert text_frame(text) == expected
