"""Alembic environment: migrations run on the connection the app (or a test) hands over."""

from alembic import context
from sqlalchemy import create_engine

from chat.models import Base

connection = context.config.attributes.get("connection")
url = context.config.get_main_option("sqlalchemy.url")

if connection is None:
    with create_engine(url).begin() as own_connection:
        context.configure(connection=own_connection, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    context.run_migrations()
