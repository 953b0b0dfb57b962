"""no index on a message's time

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05 17:10:00

No query reads messages by their time: the workspace and replay read a chat's messages by
(session_id, seq), and the warehouse loads the messages of the chats it loads. The index cost every
message a B-tree insert and a page in the commit.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_created_at'))


def downgrade() -> None:
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'], unique=False)
