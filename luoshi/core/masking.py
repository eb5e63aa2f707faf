"""How personal data is shown to someone who may not see it in full: one rule per kind of field.

Every app masks with these functions (reporters, mediation parties, key
persons, Open311), so the same person looks the same everywhere:

=============  =======================  ======================
field          example                  masked
=============  =======================  ======================
name           张小明                    张**
phone          13812345678              138****5678
ID number      110101199001011234       1101************34
e-mail         zhang@example.cn         z***@example.cn
=============  =======================  ======================

Who may see what is decided by each app (e.g. luoshi/cases/privacy.py); this
module only says what a masked value looks like. Empty stays empty.
"""

from __future__ import annotations


def mask_name(name: str) -> str:
    """Keep the first character (the family name), star the rest: 张小明 → 张**, 李四 → 李*."""
    name = (name or "").strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str) -> str:
    """A mobile number keeps its first three and last four digits; shorter numbers their last two."""
    phone = (phone or "").strip()
    if not phone:
        return ""
    if len(phone) >= 11:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    if len(phone) >= 5:
        return "*" * (len(phone) - 2) + phone[-2:]
    return "*" * len(phone)


def mask_id_no(id_no: str) -> str:
    """An ID number keeps its first four and last two characters; six or fewer are all stars."""
    id_no = (id_no or "").strip()
    if not id_no:
        return ""
    if len(id_no) <= 6:
        return "*" * len(id_no)
    return id_no[:4] + "*" * (len(id_no) - 6) + id_no[-2:]


def mask_email(email: str) -> str:
    """The first character of the mailbox, then ``***@`` and the domain."""
    email = (email or "").strip()
    if "@" not in email:
        return mask_name(email)
    local, domain = email.split("@", 1)
    return (local[:1] + "***@" + domain) if local else "***@" + domain


def mask_names(text: str, separator: str = "、") -> str:
    """Several names in one field (mediation parties: 张三、李四) each masked: 张*、李*."""
    parts = [part.strip() for part in (text or "").replace(",", separator).replace("，", separator).split(separator)]
    return separator.join(mask_name(part) for part in parts if part)
