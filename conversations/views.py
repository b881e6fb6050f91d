"""The companion's pages: /chat/ and /chat/<mode>/, working with and without JavaScript.

With htmx (the HX-Request header) a POST answers with the new exchange to
append, and a pending reply polls its own small address; without JavaScript
every POST redirects back to the page.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from conversations import selectors, services
from conversations.crisis import care_help, crisis_detect
from conversations.forms import MessageForm
from conversations.models import ConversationHistory
from conversations.modes import MODES, Mode


@dataclass
class Exchange:
    """A user's message and the reply to it, shown together; either may be on another page."""

    message: ConversationHistory | None = None
    reply: ConversationHistory | None = None
    # Set on the first exchange of each day: the heading shown above it.
    day: date | None = None
    day_label: str = ""
    # The user's message shows a sign that they are not safe: the page opens its help panel.
    care: bool = False

    @property
    def key(self) -> str:
        return f"{self.message.pk}" if self.message else f"r{self.reply.pk}"


def _exchanges(rows: list[ConversationHistory]) -> list[Exchange]:
    exchanges: list[Exchange] = []
    by_message: dict[int, Exchange] = {}
    for row in rows:
        if row.role == ConversationHistory.Role.USER:
            exchange = Exchange(message=row)
            by_message[row.pk] = exchange
            exchanges.append(exchange)
        elif row.reply_to_id in by_message and by_message[row.reply_to_id].reply is None:
            by_message[row.reply_to_id].reply = row
        else:
            exchanges.append(Exchange(reply=row))
    return exchanges


def _day_label(day: date, today: date) -> str:
    if day == today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    # "Monday, 23 November"; in Polish "poniedziałek, 23 listopada" (genitive, lower case: docs/dates.md).
    return formats.date_format(day, "l, j E" if day.year == today.year else "DATE_FORMAT")


def _with_days(exchanges: list[Exchange]) -> list[Exchange]:
    """Mark the first exchange of each day (in the user's time zone) with that day's heading.

    The bubbles then show only the time. Headings repeated where pages meet
    or a new exchange arrives are removed by chat.js.
    """
    today = timezone.localdate()
    previous = None
    for exchange in exchanges:
        first = exchange.message or exchange.reply
        day = timezone.localtime(first.created_at).date()
        if day != previous:
            exchange.day, exchange.day_label = day, _day_label(day, today)
        previous = day
    return exchanges


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _mode_url(mode: str) -> str:
    return reverse("conversations:mode", args=[mode])


def _care(request: HttpRequest):
    """The user's help lines in the page's language (conversations/_care_panel.html)."""
    return care_help(user=request.user, language=translation.get_language() or "en")


def _newest_message_in_crisis(exchanges: list[Exchange]) -> bool:
    """Whether the newest message the user wrote on this page shows a sign that they are not safe."""
    newest = next((ex.message for ex in reversed(exchanges) if ex.message), None)
    return newest is not None and crisis_detect(newest.content)


def _user_message(*, user, mode: str, message_id: int) -> ConversationHistory:
    message = selectors.message_get_for_user(user=user, mode=mode, message_id=message_id)
    if message.role != ConversationHistory.Role.USER:
        raise Http404("No such message.")
    message.user = user
    return message


@login_required
@require_GET
def chat_index(request: HttpRequest) -> HttpResponse:
    last = selectors.conversation_overview(user=request.user)
    modes = [{"info": MODES[mode.value], "last": last.get(mode.value)} for mode in Mode]
    return render(request, "conversations/index.html", {"modes": modes, "care": _care(request)})


def _mode_page(request: HttpRequest, *, mode: str, form: MessageForm, status: int = 200) -> HttpResponse:
    before = selectors.Cursor.parse(request.GET.get("before"))
    page = selectors.message_page(user=request.user, mode=mode, before=before)
    exchanges = _with_days(_exchanges(page.messages))
    context = {
        "info": MODES[mode],
        "mode": mode,
        "page": page,
        "exchanges": exchanges,
        # An older page saves what it shows and what came before; the newest page saves everything.
        "save_up_to": page.messages[-1].pk if page.newer and page.messages else None,
        "form": form,
        "has_pending": any(ex.message and ex.message.status == "pending" for ex in exchanges),
        "retention_days": settings.CONVERSATION_RETENTION_DAYS,
        "care": _care(request),
        "care_open": _newest_message_in_crisis(exchanges),
    }
    return render(request, "conversations/mode.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def chat_mode(request: HttpRequest, mode: str) -> HttpResponse:
    if request.method == "GET":
        return _mode_page(request, mode=mode, form=MessageForm())
    form = MessageForm(request.POST)
    if not form.is_valid():
        if _is_htmx(request):
            response = render(request, "conversations/_form_errors.html", {"form": form}, status=400)
            response["HX-Retarget"] = "#compose-errors"
            response["HX-Reswap"] = "innerHTML"
            return response
        return _mode_page(request, mode=mode, form=form, status=400)
    result = services.message_send(user=request.user, mode=mode, content=form.cleaned_data["content"])
    if _is_htmx(request):
        exchange = _with_days([Exchange(message=result.message, reply=result.reply)])[0]
        exchange.care = crisis_detect(result.message.content)
        return render(request, "conversations/_exchange.html", {"ex": exchange, "mode": mode}, status=201)
    return redirect(f"{_mode_url(mode)}#latest")


@login_required
@require_GET
def chat_older(request: HttpRequest, mode: str) -> HttpResponse:
    """Older messages above the ones shown, for the "load older" button."""
    before = selectors.Cursor.parse(request.GET.get("before"))
    if before is None or not _is_htmx(request):
        return redirect(f"{_mode_url(mode)}?before={before}" if before else _mode_url(mode))
    page = selectors.message_page(user=request.user, mode=mode, before=before)
    context = {"page": page, "exchanges": _with_days(_exchanges(page.messages)), "mode": mode}
    return render(request, "conversations/_older.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def chat_clear(request: HttpRequest, mode: str) -> HttpResponse:
    if request.method == "GET":
        return render(request, "conversations/clear_confirm.html", {"info": MODES[mode], "mode": mode})
    services.history_clear(user=request.user, mode=mode)
    messages.success(request, _("The conversation was cleared."))
    return redirect(_mode_url(mode))


@login_required
@require_GET
def chat_reply(request: HttpRequest, mode: str, message_id: int) -> HttpResponse:
    """Where a pending reply stands: polled by the "thinking..." placeholder."""
    message = _user_message(user=request.user, mode=mode, message_id=message_id)
    if not _is_htmx(request):
        return redirect(f"{_mode_url(mode)}#latest")
    services.message_mark_stale_failed(message=message)
    reply = selectors.message_reply(message=message) if message.status == message.Status.ANSWERED else None
    try:
        polls = min(max(int(request.GET.get("n", "0")), 0), 1000)
    except ValueError:
        polls = 0
    context = {
        "message": message,
        "reply": reply,
        "mode": mode,
        # Ask again a little later each time (2 s, 3 s, ... up to 10 s): replies from a slow model
        # are not hurried by polling, and the user's request budget is spared.
        "poll_next": polls + 1,
        "poll_delay": min(2 + polls, 10),
    }
    return render(request, "conversations/_reply.html", context)


@login_required
@require_POST
def chat_retry(request: HttpRequest, mode: str, message_id: int) -> HttpResponse:
    message = _user_message(user=request.user, mode=mode, message_id=message_id)
    try:
        result = services.message_retry(message=message)
    except services.NotRetryable:
        if _is_htmx(request):
            return HttpResponse(status=204, headers={"HX-Refresh": "true"})
        return redirect(f"{_mode_url(mode)}#latest")
    if _is_htmx(request):
        exchange = _with_days([Exchange(message=result.message, reply=result.reply)])[0]
        exchange.care = crisis_detect(result.message.content)
        context = {"ex": exchange, "mode": mode, "replaces": True}
        return render(request, "conversations/_exchange.html", context, status=201)
    return redirect(f"{_mode_url(mode)}#latest")


@login_required
@require_POST
def chat_save(request: HttpRequest, mode: str) -> HttpResponse:
    """Keep the conversation as a diary entry (up to the message named in `message`, if any)."""
    up_to = None
    message_id = request.POST.get("message", "")
    if message_id:
        if not message_id.isascii() or not message_id.isdigit() or len(message_id) > 18:
            raise Http404("No such message.")
        up_to = selectors.message_get_for_user(user=request.user, mode=mode, message_id=int(message_id))
    try:
        entry = services.conversation_save_to_diary(user=request.user, mode=mode, up_to=up_to)
    except services.NothingToSave:
        messages.error(request, _("There is nothing to save yet: the conversation is empty."))
        return _mode_page(request, mode=mode, form=MessageForm(), status=400)
    messages.success(request, _("The conversation is saved in your diary."))
    return redirect("diary:detail", entry_id=entry.pk)
