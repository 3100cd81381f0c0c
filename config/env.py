"""Read settings from the environment, failing fast on values that make no sense."""

import os
from email.utils import parseaddr

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.validators import validate_email

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name, default=""):
    return os.environ.get(name, default).strip()


def env_bool(name, default=False):
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def env_int(name, default):
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from None


def env_list(name, default=()):
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def reply_to_template(raw, from_email):
    """REPLY_TO_ADDRESS checked: an address with `{token}` in it once, valid when filled in.

    Unset, it is the From address plus-addressed: foi@charity.org.uk -> foi+{token}@charity.org.uk
    (README: Configuration). Each request's Reply-To is this with its reply token filled in.
    """
    if not raw:
        address = parseaddr(from_email)[1]
        local, at, domain = address.rpartition("@")
        if not (at and local and domain):
            raise ImproperlyConfigured(
                f"DEFAULT_FROM_EMAIL must be an email address; got {from_email!r}"
            )
        raw = f"{local}+{{token}}@{domain}"
    example = raw.replace("{token}", "k3f9q2x7m4ab", 1)
    try:
        if raw.count("{token}") != 1 or "{" in example or "}" in example:
            raise ValidationError("not one {token}")
        validate_email(example)
    except ValidationError:
        raise ImproperlyConfigured(
            "REPLY_TO_ADDRESS must be an email address with {token} in it once, where each "
            f"request's reply token goes, e.g. foi+{{token}}@charity.org.uk; got {raw!r}"
        ) from None
    return raw
