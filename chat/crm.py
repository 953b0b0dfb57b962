"""The CRM adapter boundary. `LocalCrm` is our own minimal CRM in the same database.

Actions talk to a `CrmAdapter`, so a real CRM (SuperOffice, HubSpot, ...) can replace it.
"""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from chat.models import Activity, ChatSession, Company, Contact, CrmRequest, FollowUp, Sale


class CrmAdapter(Protocol):
    def match_contacts(self, db: Session, email: str, name: str) -> list[Contact]: ...

    def search_contacts(self, db: Session, text: str) -> list[Contact]: ...

    def create_request(self, db: Session, **fields: Any) -> CrmRequest: ...

    def contact_overview(self, db: Session, contact_id: int) -> dict[str, Any]: ...


class LocalCrm:
    def match_contacts(self, db: Session, email: str, name: str) -> list[Contact]:
        """Exact e-mail matches first, then same name (case-insensitive)."""
        conditions = []
        if email:
            conditions.append(func.lower(Contact.email) == email.lower())
        if name:
            conditions.append(func.lower(Contact.name) == name.lower())
        if not conditions:
            return []
        found = list(db.scalars(select(Contact).where(or_(*conditions)).limit(10)))
        return sorted(found, key=lambda c: (c.email or "").lower() != email.lower())

    def search_contacts(self, db: Session, text: str) -> list[Contact]:
        pattern = f"%{text.lower()}%"
        return list(db.scalars(
            select(Contact)
            .where(or_(func.lower(Contact.name).like(pattern), func.lower(Contact.email).like(pattern)))
            .order_by(Contact.name)
            .limit(20)
        ))

    def create_request(self, db: Session, **fields: Any) -> CrmRequest:
        request = CrmRequest(**fields)
        db.add(request)
        db.flush()
        return request

    def contact_overview(self, db: Session, contact_id: int) -> dict[str, Any]:
        contact = db.get(Contact, contact_id)
        if contact is None:
            return {}
        company = db.get(Company, contact.company_id) if contact.company_id else None
        return {
            "contact": contact,
            "company": company,
            "requests": list(db.scalars(select(CrmRequest).where(CrmRequest.contact_id == contact_id))),
            "sales": list(db.scalars(select(Sale).where(Sale.contact_id == contact_id))),
            "follow_ups": list(db.scalars(select(FollowUp).where(FollowUp.contact_id == contact_id))),
            "activities": list(db.scalars(select(Activity).where(Activity.contact_id == contact_id))),
            "chats": list(db.scalars(
                select(ChatSession).where(ChatSession.contact_id == contact_id).order_by(ChatSession.id.desc())
            )),
        }
