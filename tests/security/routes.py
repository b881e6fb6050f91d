"""The route matrix of the security tests: every named route, its access rule, and how to call it."""

import io
import json
import zipfile
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import SignIn, User
from accounts.tests.factories import PASSWORD
from conversations.models import ConversationHistory
from diary.models import Attachment, DiaryEntry, EntryTemplate, ImportJob, UserTag

MARKER = "owner-secret-7f3a"
# Markup that would run script if any page rendered it unescaped; it carries the marker,
# so the leak checks find it in whatever form a page shows it.
PAYLOAD = (
    f'<script>alert("{MARKER}")</script><img src=x onerror="alert(1)">'
    '<a href="javascript:alert(1)" style="color:red" onclick="x()">click</a><style>*{}</style>'
)
MARKDOWN_PAYLOAD = (
    f"{PAYLOAD}\n\n[link](javascript:alert(1)) ![img](x onerror=alert(1))\n\n"
    '<iframe src="https://example.com"></iframe><svg onload="alert(1)"></svg>\n\n'
    '<div onmouseover="alert(1)">hover</div> <form action="javascript:alert(1)"><button>go</button></form>'
)


@dataclass(frozen=True)
class Route:
    access: str  # owned | private | admin | public
    methods: tuple[str, ...] = ("GET",)


MATRIX: dict[str, Route] = {
    # --- public: no user data -------------------------------------------------------------------
    "home": Route("public"),  # the landing page; a signed-in user's dashboard is checked for leaks below
    "healthz": Route("public"),
    "readyz": Route("public"),
    "metrics": Route("public"),
    "set_language": Route("public", ("POST",)),
    "api-register": Route("public", ("POST",)),
    "api-token": Route("public", ("POST",)),
    "api-token-refresh": Route("public", ("POST",)),
    "api-logout": Route("public", ("POST",)),
    "api-schema": Route("public"),
    "api-docs": Route("public"),
    "api-emotions": Route("public"),  # the vocabulary, the same for everyone
    "accounts:signup": Route("public", ("GET", "POST")),
    "accounts:signup_invite": Route("public", ("GET", "POST")),  # a made-up link: 403 unless sign-up is open
    "accounts:login": Route("public", ("GET", "POST")),
    "accounts:logout": Route("public", ("POST",)),
    "accounts:password_reset": Route("public", ("GET", "POST")),
    "accounts:password_reset_done": Route("public"),
    "accounts:password_reset_complete": Route("public"),
    "accounts:password_reset_confirm": Route("public"),
    "accounts:email_change_undo": Route("public", ("GET", "POST")),  # a forged link: 400, nothing changes
    "accounts:email_change_confirm": Route("public", ("GET", "POST")),  # the same
    "accounts:login_code": Route("public", ("GET", "POST")),  # the second step; only for a pending sign-in
    # --- private: the caller's own collection ---------------------------------------------------
    "api-me": Route("private", ("GET", "PATCH", "DELETE")),
    "api-entries": Route("private", ("GET", "POST")),
    "api-emotions-suggest": Route("private", ("POST",)),
    "api-tags": Route("private", ("GET", "POST")),
    "insights-api-stats": Route("private"),
    "insights-api-export": Route("private"),
    "insights-api-export-markdown": Route("private"),
    "insights-api-export-csv": Route("private"),
    "insights-api-import": Route("private", ("POST",)),
    "api-conversation-modes": Route("private"),
    "api-conversation-messages": Route("private", ("GET", "POST", "DELETE")),
    "accounts:settings": Route("private", ("GET", "POST")),
    "accounts:preferences": Route("private", ("POST",)),
    "accounts:delete_account": Route("private", ("GET", "POST")),
    "accounts:password_change": Route("private", ("GET", "POST")),
    "accounts:sessions": Route("private"),
    "accounts:sessions_revoke_others": Route("private", ("POST",)),
    "accounts:two_factor": Route("private", ("GET", "POST")),
    "accounts:two_factor_disable": Route("private", ("POST",)),
    "accounts:recovery_codes_renew": Route("private", ("POST",)),
    "accounts:activity": Route("private"),
    "api-me-sessions": Route("private"),
    "api-me-sessions-revoke-all": Route("private", ("POST",)),
    "api-me-activity": Route("private"),
    "api-me-two-factor": Route("private", ("GET", "POST", "DELETE")),
    "api-me-two-factor-setup": Route("private", ("POST",)),
    "api-me-two-factor-recovery-codes": Route("private", ("POST",)),
    "diary:list": Route("private"),
    "diary:new": Route("private", ("GET", "POST")),
    "diary:checkin": Route("private", ("POST",)),
    "diary:preview": Route("private", ("POST",)),
    "diary:templates": Route("private", ("GET", "POST")),
    "diary:tags": Route("private", ("GET", "POST")),
    "diary:calendar": Route("private"),
    "insights:index": Route("private"),
    "portability:export": Route("private"),
    "portability:import": Route("private", ("GET", "POST")),
    "conversations:index": Route("private"),
    "conversations:mode": Route("private", ("GET", "POST")),
    "conversations:older": Route("private"),
    "conversations:clear": Route("private", ("GET", "POST")),
    "conversations:save": Route("private", ("POST",)),
    # --- owned: one object of the owner's -------------------------------------------------------
    "api-entry": Route("owned", ("GET", "PUT", "PATCH", "DELETE")),
    "api-entry-attachments": Route("owned", ("GET", "POST")),
    "api-entry-attachments-order": Route("owned", ("PUT",)),
    "api-entry-attachment": Route("owned", ("GET", "PATCH", "DELETE")),
    "diary:photo_add": Route("owned", ("POST",)),
    "diary:photo_change": Route("owned", ("POST",)),
    "diary:photo": Route("owned"),  # a photo's bytes: for a session or a bearer token, so 401 like the API
    "api-me-session": Route("owned", ("DELETE",)),
    "accounts:session_revoke": Route("owned", ("POST",)),
    "insights-api-import-status": Route("owned"),
    "api-conversation-message": Route("owned"),
    "api-conversation-message-retry": Route("owned", ("POST",)),
    "diary:detail": Route("owned"),
    "diary:edit": Route("owned", ("GET", "POST")),
    "diary:delete": Route("owned", ("GET", "POST")),
    "diary:template_edit": Route("owned", ("GET", "POST")),
    "diary:template_delete": Route("owned", ("POST",)),
    "portability:import-progress": Route("owned"),
    "conversations:reply": Route("owned"),
    "conversations:retry": Route("owned", ("POST",)),
    # --- admins only ----------------------------------------------------------------------------
    "api-admin-users": Route("admin"),
    "admin:*": Route("admin"),  # the whole Django admin, see ADMIN_PATHS
    "overview:status": Route("admin"),
    "overview:status_email": Route("admin", ("POST",)),
}


def route_names(patterns=None, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                names.add("admin:*")
                continue
            names |= route_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            names.add(f"{namespace}{pattern.name}")
    return names


def is_api(name: str) -> bool:
    """The JSON API, and a photo's file, which answers a session or a bearer token alike (401 without)."""
    return ":" not in name or name == "diary:photo"


# --- The owner's data and a snapshot of it -------------------------------------------------------


def snapshot(user: User) -> dict:
    """Everything of the user's that a request might change."""
    user.refresh_from_db()
    return {
        "user": (user.username, user.email, user.is_active, user.language, user.timezone, user.theme, user.password),
        "entries": list(DiaryEntry.objects.filter(user=user).order_by("pk").values()),
        "messages": list(ConversationHistory.objects.filter(user=user).order_by("pk").values()),
        "jobs": list(ImportJob.objects.filter(user=user).order_by("pk").values()),
        "templates": list(EntryTemplate.objects.filter(user=user).order_by("pk").values()),
        "tags": list(UserTag.objects.filter(user=user).order_by("pk").values()),
        "photos": list(Attachment.objects.filter(user=user).order_by("pk").values()),
        "sign_ins": list(SignIn.objects.filter(user=user).order_by("pk").values()),
    }


def url_for(name: str, data: dict) -> str:
    kwargs_by_name = {
        "api-entry": {"entry_id": data["entry"].pk},
        "api-entry-attachments": {"entry_id": data["entry"].pk},
        "api-entry-attachments-order": {"entry_id": data["entry"].pk},
        "api-entry-attachment": {"entry_id": data["entry"].pk, "attachment_id": data["photo"].pk},
        "diary:photo_add": {"entry_id": data["entry"].pk},
        "diary:photo_change": {"attachment_id": data["photo"].pk},
        "diary:photo": {"attachment_id": data["photo"].pk, "digest": data["photo"].digest, "variant": "original"},
        "diary:detail": {"entry_id": data["entry"].pk},
        "diary:edit": {"entry_id": data["entry"].pk},
        "diary:delete": {"entry_id": data["entry"].pk},
        "diary:template_edit": {"template_id": data["template"].pk},
        "diary:template_delete": {"template_id": data["template"].pk},
        "insights-api-import-status": {"job_id": data["job"].pk},
        "portability:import-progress": {"job_id": data["job"].pk},
        "api-conversation-messages": {"mode": "supportive"},
        "api-conversation-message": {"mode": "supportive", "message_id": data["message"].pk},
        "api-conversation-message-retry": {"mode": "supportive", "message_id": data["message"].pk},
        "conversations:mode": {"mode": "supportive"},
        "conversations:older": {"mode": "supportive"},
        "conversations:clear": {"mode": "supportive"},
        "conversations:save": {"mode": "supportive"},
        "conversations:reply": {"mode": "supportive", "message_id": data["message"].pk},
        "conversations:retry": {"mode": "supportive", "message_id": data["message"].pk},
        "portability:export": {"fmt": "json"},
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        "accounts:email_change_undo": {"token": "eyJjaGFuZ2UiOjF9:forged:signature"},
        "accounts:email_change_confirm": {"token": "eyJjaGFuZ2UiOjF9:forged:signature"},
        "accounts:signup_invite": {"token": "made-up"},
        "api-me-session": {"sign_in_id": data["sign_in"].pk},
        "accounts:session_revoke": {"sign_in_id": data["sign_in"].pk},
    }
    if name == "admin:*":
        return "/admin/"
    return reverse(name, kwargs=kwargs_by_name.get(name))


# Bodies that would change the owner's object if the route let them through.
API_BODIES = {
    "api-entry": {"title": "Taken over", "content": "Overwritten by someone else.", "mood": 1},
    "api-entries": {"content": "The outsider's own entry.", "mood": 3},
    "api-me": {"email": "taken@example.com", "password": PASSWORD},
    # The owner's own email: the answer may say it is taken, and nothing of the owner's changes.
    "api-register": {"username": "newcomer", "email": "owner@example.com", "password": PASSWORD},
    "api-conversation-messages": {"content": "The outsider says hello."},
    "api-emotions-suggest": {"content": "I feel happy today."},
    "api-tags": {"name": "the outsider's tag"},
    "api-entry-attachment": {"caption": "Taken over"},
}
PAGE_BODIES = {
    "diary:edit": {
        "title": "Taken",
        "content": "Overwritten by someone else.",
        "mood": "1",
        "created_at": "2024-05-01T10:00",
    },
    "diary:new": {"content": "The outsider's own entry.", "mood": "3", "created_at": "2024-05-01T10:00"},
    "conversations:mode": {"content": "The outsider says hello."},
    "diary:checkin": {"mood": "3"},
    "diary:preview": {"content": "The outsider's own words."},
    "diary:templates": {"name": "Outsider's", "content": "The outsider's own template."},
    "diary:tags": {"old": "walk", "new": "stroll"},
    "diary:template_edit": {"name": "Taken", "content": "Overwritten by someone else."},
    "diary:photo_change": {"action": "delete"},
    "accounts:preferences": {"theme": "dark", "language": "pl", "next": "/"},
    "accounts:delete_account": {"password": "wrong password"},
    "accounts:signup": {
        "username": "newcomer",
        "email": "owner@example.com",
        "password1": PASSWORD,
        "password2": PASSWORD,
    },
    "accounts:password_reset": {"email": "owner@example.com"},
}


def send(client: Client, name: str, method: str, url: str, **extra):
    if is_api(name):
        body = json.dumps(API_BODIES.get(name, {}))
        if name == "api-entry-attachments-order":
            body = json.dumps({"order": [row.pk for row in Attachment.objects.filter(entry_id=_entry_id(url))]})
        if name == "insights-api-import":
            upload = io.BytesIO(json.dumps({"entries": [{"content": "Imported."}]}).encode())
            upload.name = "export.json"
            return client.post(url, {"file": upload}, **extra)
        return client.generic(method, url, body if method != "GET" else "", content_type="application/json", **extra)
    if method == "GET":
        return client.get(url, **extra)
    return client.post(url, PAGE_BODIES.get(name, {}), **extra)


def _entry_id(url: str) -> int:
    return int(url.split("/entries/")[1].split("/")[0])


def body_text(response) -> str:
    """The answer as text; a zip (an export with photos) as the text of its JSON and Markdown members."""
    body = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    if body.startswith(b"PK\x03\x04"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"\n".join(archive.read(name) for name in archive.namelist() if name.endswith((".json", ".md")))
    return body.decode("utf-8", "replace")


def cases(*accesses: str):
    return [
        pytest.param(name, method, id=f"{method} {name}")
        for name, route in MATRIX.items()
        if route.access in accesses
        for method in route.methods
    ]
