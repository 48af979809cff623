"""The username django-axes counts failures for: the address typed into any of the sign-in
forms, in lower case (Oscar signs in by e-mail, whatever its case)."""


def username(request, credentials) -> str:
    value = (credentials or {}).get("username") or ""
    if not value and request is not None:
        post = getattr(request, "POST", {})
        value = post.get("login-username") or post.get("username") or ""
    return str(value).strip().lower()
