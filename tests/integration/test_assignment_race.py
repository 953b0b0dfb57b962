"""20 agents race "get next in queue" for 10 queued chats: exactly 10 assignments, none twice."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from chat.db import Database
from chat.models import ChatSession, SessionEvent
from tests.factories import PASSWORD, make_channel, make_user
from tests.integration.conftest import Deployment
from tests.wsclient import WsClient, login_cookie, start_visitor_session

AGENTS = 20
CHATS = 10


def test_get_next_never_gives_a_chat_to_two_agents(server: Deployment, arrange: Database) -> None:
    with arrange.write() as db:
        channel = make_channel(db, name="Race")
        usernames = [make_user(db, channels=(channel,)).username for _ in range(AGENTS)]
        channel_id = channel.id
    session_ids = {start_visitor_session(server.url, channel_id)["session"]["session_id"] for _ in range(CHATS)}
    endpoints = (server.visitor_ws_url, server.agent_ws_url)  # two processes on PostgreSQL, one on SQLite
    sockets = [WsClient(f"{endpoints[i % 2]}/ws/agent", cookie=login_cookie(server.url, name, PASSWORD))
               for i, name in enumerate(usernames)]
    barrier = threading.Barrier(AGENTS)
    won: list[int] = []
    refusals: list[str] = []
    lock = threading.Lock()

    def race(client: WsClient) -> None:
        barrier.wait()
        while True:
            reply = client.request({"type": "get_next"})
            with lock:
                if reply["type"] == "ack":
                    won.append(reply["session_id"])
                    continue
                refusals.append(reply["code"])
                return

    threads = [threading.Thread(target=race, args=(s,)) for s in sockets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Counter(won).most_common(1)[0][1] == 1, "a chat was given twice"
    assert set(won) == session_ids
    assert refusals == ["queue_empty"] * AGENTS
    with arrange.read() as db:
        agents = db.execute(select(ChatSession.id, ChatSession.agent_id).where(ChatSession.id.in_(session_ids)))
        assert all(agent_id is not None for _id, agent_id in agents)
        assigned_events = db.scalar(select(func.count(SessionEvent.id)).where(
            SessionEvent.session_id.in_(session_ids), SessionEvent.type == "assigned"))
        assert assigned_events == CHATS
    for client in sockets:
        client.close()
