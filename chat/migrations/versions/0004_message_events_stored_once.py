"""a message's event is its message row

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 15:00:00

A message was stored twice: in `messages` and as a "message" event in `session_events`, with its own
unique-index entry. Replay now reads the message events from `messages`, so the copies go, and the one
thing only the event held, whether staff alone may see it, moves to the message.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_only', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute(
        "UPDATE messages SET staff_only = session_events.staff_only FROM session_events "
        "WHERE session_events.session_id = messages.session_id AND session_events.seq = messages.seq "
        "AND session_events.type = 'message'"
    )
    op.execute("DELETE FROM session_events WHERE type = 'message'")


def downgrade() -> None:
    events = sa.table(
        'session_events', sa.column('session_id', sa.Integer), sa.column('seq', sa.Integer),
        sa.column('type', sa.String), sa.column('staff_only', sa.Boolean), sa.column('payload', sa.JSON),
        sa.column('created_at'))  # as the driver read it
    rows = op.get_bind().execute(sa.text(
        "SELECT m.id, m.session_id, m.seq, m.author_kind, m.kind, m.body, m.client_msg_id, m.system_event, "
        "m.attachment_id, m.author_user_id, u.nickname, u.display_name, m.staff_only, "
        "m.created_at FROM messages m LEFT JOIN users u ON u.id = m.author_user_id"))
    copies = []
    for (message_id, session_id, seq, author, kind, body, client_msg_id, system_event, attachment_id, user_id,
         nickname, display_name, staff_only, created_at) in rows:
        payload = {"message_id": message_id, "author": author, "kind": kind, "body": body,
                   "client_msg_id": client_msg_id}
        if system_event:
            payload["system_event"] = system_event
        if user_id is not None:
            payload["author_name"] = nickname or display_name.split(" ")[0]  # User.name_for_visitors
            payload["author_user_id"] = user_id
        if attachment_id is not None:
            payload["attachment_id"] = attachment_id
        copies.append({"session_id": session_id, "seq": seq, "type": "message", "staff_only": staff_only,
                       "payload": payload, "created_at": created_at})
    if copies:
        op.bulk_insert(events, copies)
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('staff_only')
