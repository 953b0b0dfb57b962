"""The analytics load runs inside the server process on SQLite; it must never cost a committed write.

(A SQLite reader that links its own copy of the library releases the server's POSIX locks and lost
commits: this test sends many writes while the load runs every 0.2 s and checks every one is stored.)
"""

from __future__ import annotations

from pathlib import Path

import requests
from sqlalchemy import func, select

from chat.models import CrmRequest, Message
from tests.factories import PASSWORD, make_channel, make_user
from tests.server import ServerProcess
from tests.wsclient import WsClient, login_cookie, start_visitor_session


def test_every_acknowledged_write_is_stored_while_the_etl_runs(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, {"CHAT_ETL_INTERVAL": "0.2"})
    server.start()
    try:
        database = server.database()
        with database.write() as db:
            channel = make_channel(db)
            username = make_user(db, channels=(channel,)).username
            channel_id = channel.id
        agent = WsClient(f"{server.ws_url}/ws/agent", cookie=login_cookie(server.url, username, PASSWORD))
        acked = 0
        for round_number in range(8):
            started = start_visitor_session(server.url, channel_id, question=f"round {round_number}")
            session_id = started["session"]["session_id"]
            assert agent.request({"type": "pick_up", "session_id": session_id})["type"] == "ack"
            for i in range(25):
                assert agent.request({"type": "send", "session_id": session_id, "text": f"{round_number}-{i}"})[
                    "type"] == "ack"
                acked += 1
            request = {"title": f"Request {round_number}"}
            reply = agent_post(server, username, f"/api/v1/sessions/{session_id}/requests", request)
            assert reply.status_code == 201
        with database.read() as db:
            stored = db.scalar(select(func.count(Message.id)).where(Message.author_kind == "agent"))
            requests_stored = db.scalar(select(func.count(CrmRequest.id)))
        assert stored == acked
        assert requests_stored == 8
        agent.close()
        database.dispose()
    finally:
        server.stop()


def agent_post(server: ServerProcess, username: str, path: str, body: dict[str, str]) -> requests.Response:
    cookie = login_cookie(server.url, username, PASSWORD)
    return requests.post(f"{server.url}{path}", json=body, headers={"Cookie": cookie}, timeout=10)
