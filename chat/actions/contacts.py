"""Creating a CRM contact (and company) from what the visitor told us, and linking the chat to it."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from chat.actions.errors import invalid_input
from chat.actions.requests import do_link_contact
from chat.models import ChatSession, Company, Contact


class ContactForm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=255)
    email: str = Field("", max_length=255)
    phone: str = Field("", max_length=32)
    company: str = Field("", max_length=255)


def check_contact(form: ContactForm) -> ContactForm:
    if form.email:
        try:
            validate_email(form.email, check_deliverability=False)
        except EmailNotValidError as error:
            raise invalid_input(f"The e-mail address is not valid: {error}") from error
    return form


def _company_named(db: Session, name: str) -> Company:
    existing = db.scalars(select(Company).where(func.lower(Company.name) == name.lower())).first()
    if existing is not None:
        return existing
    company = Company(name=name)
    db.add(company)
    db.flush()
    return company


def do_create_contact(db: Session, chat: ChatSession, form: ContactForm) -> Contact:
    """A new contact (reusing a company of the same name) linked to the chat."""
    check_contact(form)
    company = _company_named(db, form.company) if form.company else None
    contact = Contact(name=form.name, email=form.email or None, phone=form.phone or None,
                      company_id=company.id if company else None)
    db.add(contact)
    db.flush()
    do_link_contact(db, chat, contact.id)
    return contact
