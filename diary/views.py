"""The diary's pages: parse the request, call a selector or a service, render."""

import calendar as calendar_module
import re
from datetime import date, timedelta
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from care.detector import crisis_detect
from care.helplines import help_for_user
from diary import attachments, selectors, services, writing
from diary.days import streak_summary
from diary.emotions import MOOD_MAX, MOOD_MIN, MOOD_RANGE_MESSAGE, MOODS, emotion_choices, mood_choices
from diary.forms import EntryForm, EntryTemplateForm, tags_text
from diary.lexicon import emotions_detect
from diary.localtime import in_user_timezone
from diary.models import DiaryEntry
from diary.prompts import PROMPTS, prompt_as_text, prompt_at, prompt_index
from diary.rendering import markdown_render
from diary.services import CONTENT_MAX_LENGTH, TITLE_MAX_LENGTH
from diary.starters import starter_content, starters

PAGE_SIZE = 20
# ASCII digits only: str.isdigit() also accepts "²", which int() refuses.
_DIGITS = re.compile(r"[0-9]{1,12}")
# Beyond this a page number is nonsense, not a page that happens to be empty.
PAGE_NUMBER_MAX = 10**9
MONTH_MIN, MONTH_MAX = date(1900, 1, 1), date(9998, 12, 1)


@in_user_timezone
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for visitors; the dashboard for a signed-in user."""
    if not request.user.is_authenticated:
        return render(request, "diary/landing.html")
    tz = timezone.get_current_timezone()
    now = timezone.localtime()
    today = now.date()
    years: dict[int, list[DiaryEntry]] = {}
    for entry in selectors.entry_list_on_this_day(user=request.user, today=today, tz=tz):
        years.setdefault(today.year - timezone.localtime(entry.created_at).year, []).append(entry)
    context = {
        "today": today,
        "part_of_day": "morning" if 5 <= now.hour < 12 else "afternoon" if 12 <= now.hour < 18 else "evening",
        "today_entries": selectors.entry_list_for_day(user=request.user, day=today, tz=tz),
        "on_this_day": [{"years": years_ago, "entries": entries} for years_ago, entries in years.items()],
        "moods": mood_choices(),
        "summary": streak_summary(user=request.user),
    }
    attachments.covers_attach([*context["today_entries"], *(e for group in years.values() for e in group)])
    checked = request.GET.get("checked", "")
    if _DIGITS.fullmatch(checked):
        # Just saved by a check-in: offer a note, or another mood for the same entry.
        context["checked"] = next((entry for entry in context["today_entries"] if entry.pk == int(checked)), None)
    return render(request, "diary/dashboard.html", context)


def _page_number(value: str | None) -> int:
    if value in (None, ""):
        return 1
    if not _DIGITS.fullmatch(value) or not 0 < int(value) <= PAGE_NUMBER_MAX:
        raise ValidationError({"page": [_("The page must be a whole number from 1 up.")]})
    return int(value)


def _order(value: str | None) -> str:
    """Newest first unless the reader asks for the best matches of a search.

    Ranking scores every match, so it is a choice rather than the default:
    newest first stops at the first twenty matches.
    """
    if value in (None, "", "newest"):
        return "newest"
    if value == "relevance":
        return "relevance"
    raise ValidationError({"sort": [_("Sort by newest or relevance.")]})


@login_required
@in_user_timezone
def entry_list(request: HttpRequest) -> HttpResponse:
    own_tags = partial(selectors.user_tag_names_cached, user_id=request.user.pk)
    context = {
        "emotion_options": _options("emotions", emotion_choices, request.GET.get("tag")),
        "own_tag_options": _own_tag_options(own_tags(), request.GET.get("tag")),
        "mood_options": _options(
            "moods", lambda: [(v, f"{v} \u00b7 {label}") for v, label in mood_choices()], request.GET.get("mood")
        ),
        "params": request.GET,
        "page": None,
        "errors": {},
    }
    try:
        filters = selectors.entry_filters_parse(params=request.GET, own_tags=own_tags)
        page_number = _page_number(request.GET.get("page"))
        order = _order(request.GET.get("sort"))
    except ValidationError as error:
        context["errors"] = error.message_dict
        return render(request, "diary/entry_list.html", context, status=400)
    context["filters"] = filters
    entries = selectors.entry_list(user=request.user, filters=filters, tz=timezone.get_current_timezone(), order=order)
    paginator = Paginator(entries, PAGE_SIZE)
    try:
        context["page"] = page = paginator.page(page_number)
    except EmptyPage:
        context["errors"] = {"page": [_("There is no page %(page)s here.") % {"page": page_number}]}
        context["last_page"] = paginator.num_pages
        return render(request, "diary/entry_list.html", context, status=404)
    page.object_list = list(page.object_list)
    attachments.covers_attach(page.object_list)
    if filters.q:
        selectors.entry_highlight(page.object_list, q=filters.q)
        context["searching"] = True
    # Best matches first mix the months, so only date order is grouped.
    if order == "newest":
        context["months"] = _by_month(page.object_list)
    else:
        context["months"] = [{"month": None, "entries": page.object_list}]
    return render(request, "diary/entry_list.html", context)


def _by_month(entries) -> list[dict]:
    """Consecutive entries grouped by the month they were written in, in the user's time zone."""
    months: list[dict] = []
    for entry in entries:
        month = timezone.localtime(entry.created_at).date().replace(day=1)
        if not months or months[-1]["month"] != month:
            months.append({"month": month, "entries": []})
        months[-1]["entries"].append(entry)
    return months


_OPTIONS: dict[tuple[str, str], tuple[dict[str, int], tuple[str, ...]]] = {}


def _options(name: str, choices, selected: str | None) -> SafeString:
    """<option>s for a filter select, the chosen one marked.

    Rendered once per list and language (`choices` is called only then); a
    request only swaps in its chosen option, instead of a template loop per option.
    """
    key = (name, translation.get_language())
    known = _OPTIONS.get(key)
    if known is None:
        pairs = [(str(value), label) for value, label in choices()]
        rendered = tuple(format_html('<option value="{}">{}</option>', value, label) for value, label in pairs)
        known = _OPTIONS[key] = ({value: index for index, (value, _label) in enumerate(pairs)}, rendered)
    positions, rendered = known
    parts = list(rendered)
    index = positions.get(selected or "")
    if index is not None:
        parts[index] = parts[index].replace('">', '" selected>', 1)  # the value is escaped: no quote inside
    return SafeString("".join(parts))  # nosec B703 - each part built by format_html


def _own_tag_options(names: list[str], selected: str | None) -> SafeString:
    """<option>s of the user's own tags (the filter's second group), the chosen one marked."""
    chosen = (selected or "").casefold()
    return format_html_join(
        "", '<option value="{}"{}>#{}</option>',
        ((name, mark_safe(" selected") if name.casefold() == chosen else "", name) for name in names),  # nosec B308 B703
    )


def _within_limits(form: EntryForm) -> bool:
    """Whether the title and text are within their limits; one far over it is cut back for the page.

    A text a little too long comes back whole, to be shortened; a crafted megabyte
    is not sent back (the editor's maxlength keeps a browser under the limit).
    """
    if not form.is_bound:
        return True
    limits = (("title", TITLE_MAX_LENGTH), ("content", CONTENT_MAX_LENGTH))
    lengths = {name: len(form.data.get(name) or "") for name, _limit in limits}
    cut = {name: form.data[name][:limit] for name, limit in limits if lengths[name] > 2 * limit}
    if cut:
        data = form.data.copy()
        for name, value in cut.items():
            data[name] = value
        form.data = data  # the errors were found on what was sent; only what is shown is cut
    return all(lengths[name] <= limit for name, limit in limits)


def _editor(request: HttpRequest, form: EntryForm, *, entry: DiaryEntry | None, status: int = 200) -> HttpResponse:
    # Lengths are checked before any analysis: an over-long text is refused, never read.
    analyse = _within_limits(form)
    text = f'{form["title"].value() or ""}\n{form["content"].value() or ""}'
    chosen = set(form["emotion_tags"].value() or [])
    if not form.errors:
        # The page opens ready to type; after a failed save the errors take the focus instead.
        form.fields["content"].widget.attrs["autofocus"] = True
    boxes = {box.data["value"]: box for box in form["emotion_tags"]}
    groups = writing.emotion_groups_for(usage=writing.emotion_usage(user=request.user))
    context = {
        "form": form,
        "entry": entry,
        "suggested": [code for code in emotions_detect(text) if code not in chosen] if analyse and text.strip() else [],
        "draft_key": f"diary:draft:{entry.pk if entry else 'new'}",
        "emotion_groups": [{**group, "boxes": [boxes[code] for code in group["emotions"]]} for group in groups],
        "emotions_chosen": len(chosen),
        "tag_names": writing.user_tag_names(user=request.user),
        "photos": [attachments.photo_view(row) for row in attachments.attachment_list(entry=entry)] if entry else [],
        # The space used only where photos can be added (a saved entry).
        "photo_space": attachments.photo_space(user_id=request.user.pk, used=entry is not None),
    }
    if entry is None:
        index = _prompt_choice(request)
        context["prompt"] = prompt_at(index)
        context["prompt_text"] = prompt_as_text(context["prompt"])
        context["prompt_index"] = index
        context["prompts"] = [prompt_at(i) for i in range(len(PROMPTS))]
        context["templates"] = writing.entry_templates(user=request.user)
        context["starters"] = [] if context["templates"] else starters()
    return render(request, "diary/entry_form.html", context, status=status)


def _prompt_choice(request: HttpRequest) -> int:
    """The prompt shown: today's, or the one "another prompt" asked for (?prompt=<n>)."""
    asked = request.GET.get("prompt", "")
    if _DIGITS.fullmatch(asked) and len(asked) <= 3:
        return int(asked) % len(PROMPTS)
    return prompt_index(timezone.localdate())


def _minute(value):
    return timezone.localtime(value).replace(second=0, microsecond=0)


@login_required
@in_user_timezone
@require_http_methods(["GET", "POST"])
def entry_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            try:
                entry = services.entry_create(user=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("diary:detail", entry_id=entry.pk)
        return _editor(request, form, entry=None, status=400)
    initial = {"created_at": _minute(timezone.now())}
    mood = request.GET.get("mood", "")
    if _DIGITS.fullmatch(mood) and MOOD_MIN <= int(mood) <= MOOD_MAX:
        initial["mood"] = int(mood)
    tag = request.GET.get("tag")
    if tag in dict(emotion_choices()):
        initial["emotion_tags"] = [tag]
    template_id = request.GET.get("template", "")
    if _DIGITS.fullmatch(template_id):
        template = writing.entry_template_get_for_user(user=request.user, template_id=int(template_id))
        initial["content"] = template.content
    elif starter := starter_content(request.GET.get("starter", "")):
        initial["content"] = starter
    elif request.GET.get("write") == "prompt":  # "Write about it" without script
        initial["content"] = prompt_as_text(prompt_at(_prompt_choice(request)))
    return _editor(request, EntryForm(initial=initial), entry=None)


@login_required
@require_POST
def entry_preview(request: HttpRequest) -> HttpResponse:
    """The editor's text as the entry page will show it: the same renderer, nothing saved (docs/writing.md)."""
    content = request.POST.get("content", "")
    if len(content) > CONTENT_MAX_LENGTH:
        return HttpResponse(
            escape(_("Keep the text under %(limit)s characters.") % {"limit": f"{CONTENT_MAX_LENGTH:,}"}),
            status=400, content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(markdown_render(content))
    response["Cache-Control"] = "no-store"  # the user's own words, for this page only
    return response


@login_required
@in_user_timezone
@require_POST
def entry_checkin(request: HttpRequest) -> HttpResponse:
    """A mood alone, saved in one press; the editor then offers a note and emotions (docs/writing.md)."""
    mood = request.POST.get("mood", "")
    if not (_DIGITS.fullmatch(mood) and MOOD_MIN <= int(mood) <= MOOD_MAX):
        messages.error(request, MOOD_RANGE_MESSAGE)
        return redirect("home")
    chosen = request.POST.get("entry", "")
    if _DIGITS.fullmatch(chosen):
        # "Change the mood" or "Update today's": the user's own entry, else 404.
        entry = selectors.entry_get_for_user(user=request.user, entry_id=int(chosen))
        services.entry_update(entry=entry, data={"mood": int(mood)})
    else:
        if request.POST.get("add") != "1":
            today = selectors.checkin_today(user=request.user, tz=timezone.get_current_timezone())
            if today is not None:  # a second check-in today: update that one, or add another?
                return render(request, "diary/checkin_again.html", {"mood": int(mood), "earlier": today})
        entry = services.entry_create(user=request.user, mood=int(mood))
    messages.success(request, _("Your mood is saved."))
    return redirect(f"{reverse('home')}?checked={entry.pk}#checked")


@login_required
@in_user_timezone
def entry_detail(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    older, newer = selectors.entry_neighbours(entry=entry)
    # Words that sound like the writer is not safe bring their help lines, quietly: read here, on the
    # server, each time; no model sees the entry and nothing is kept about the match (docs/care.md).
    care = None
    if crisis_detect(f"{entry.title}\n{entry.content}"):
        care = help_for_user(user=request.user, language=translation.get_language() or "en")
    photos = attachments.attachment_list(entry=entry)
    context = {
        "entry": entry, "older": older, "newer": newer, "care": care,
        "photos": [attachments.photo_view(row) for row in photos],
        "body": markdown_render(entry.content, photos=attachments.inline_addresses(photos)),
    }
    return render(request, "diary/entry_detail.html", context)


@login_required
@in_user_timezone
@require_http_methods(["GET", "POST"])
def entry_edit(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            # The editor shows minutes; an untouched time keeps its seconds.
            if data["created_at"] == _minute(entry.created_at):
                del data["created_at"]
            try:
                services.entry_update(entry=entry, data=data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Saved."))
                return redirect("diary:detail", entry_id=entry.pk)
        return _editor(request, form, entry=entry, status=400)
    form = EntryForm(
        initial={
            "title": entry.title,
            "content": entry.content,
            "created_at": _minute(entry.created_at),
            "mood": entry.mood,
            "emotion_tags": entry.emotion_tags,
            "tags": tags_text(entry.tags),
            "exclude_from_ai": entry.exclude_from_ai,
        }
    )
    return _editor(request, form, entry=entry)


@login_required
@in_user_timezone
@require_http_methods(["GET", "POST"])
def entry_delete(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = selectors.entry_get_for_user(user=request.user, entry_id=entry_id)
    if request.method == "POST":
        services.entry_delete(entry=entry)
        messages.success(request, _("The entry was deleted."))
        return redirect("diary:list")
    return render(request, "diary/entry_confirm_delete.html", {"entry": entry})


def _month_parse(value: str | None, today: date) -> date:
    if not value:
        return today.replace(day=1)
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        first = date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError(
            _("Enter a month as YYYY-MM, for example %(example)s.") % {"example": today.strftime("%Y-%m")}
        ) from None
    if not MONTH_MIN <= first <= MONTH_MAX:
        raise ValidationError(
            _("Enter a month between %(min)s and %(max)s.")
            % {"min": MONTH_MIN.strftime("%Y-%m"), "max": MONTH_MAX.strftime("%Y-%m")}
        )
    return first


def _calendar_cells(*, first: date, today: date, days: dict, list_url: str) -> list[list[SafeString]]:
    """The month grid as <td>s, built here: a template rendered the ~40 cells ten times slower.

    Only the translated words are escaped; numbers, dates and classes are ours.
    """
    month_name = escape(date_format(first, "E"))
    mood_word = escape(_("mood"))
    mood_names = {value: escape(str(step["label"])) for value, step in MOODS.items()}
    weeks = []
    for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        row = []
        for day in week:
            current = ' aria-current="date"' if day == today else ""
            classes = ("outside" if day.month != first.month else "") + (" is-today" if current else "")
            stats = days.get(day)
            if day.month != first.month:
                inner = ""
            elif stats is None:
                inner = f'<span class="cal-day"{current}><span class="cal-num">{day.day}</span></span>'
            else:
                iso = day.isoformat()
                label = escape(
                    ngettext("%(counter)s entry", "%(counter)s entries", stats.count) % {"counter": stats.count}
                )
                mood = ""
                if stats.mood_step:
                    label = f"{label}, {mood_word} {mood_names[stats.mood_step]}"
                    mood = f" cal-mood-{stats.mood_step}"
                # A dot in the day's mood colour (a ring without a mood), with the count beside it from two on.
                count = f"\u00d7{stats.count}" if stats.count > 1 else ""
                inner = (
                    f'<a class="cal-day has-entries{mood}" href="{list_url}?from={iso}&amp;to={iso}"{current}>'
                    f'<span class="cal-num">{day.day}<span class="visually-hidden"> {month_name}: {label}'
                    f'</span></span><span class="cal-count" aria-hidden="true">{count}'
                    f'<span class="cal-dot mood-dot mood-{stats.mood_step or "none"}"></span></span></a>'
                )
            # Only the escaped words above are not ours.
            row.append(SafeString(f'<td class="{classes.strip()}">{inner}</td>'))  # nosec B703
        weeks.append(row)
    return weeks


@login_required
@in_user_timezone
def entry_calendar(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    try:
        first = _month_parse(request.GET.get("month"), today)
    except ValidationError as error:
        context = {"error": error.messages[0], "this_month": today.replace(day=1)}
        return render(request, "diary/calendar.html", context, status=400)
    days = selectors.calendar_month(
        user=request.user, year=first.year, month=first.month, tz=timezone.get_current_timezone()
    )
    weeks = _calendar_cells(first=first, today=today, days=days, list_url=escape(reverse("diary:list")))
    previous_month = (first - timedelta(days=1)).replace(day=1)
    next_month = (first + timedelta(days=31)).replace(day=1)
    context = {
        "month": first,
        "weeks": weeks,
        "weekdays": [WEEKDAYS_ABBR[i] for i in range(7)],
        "previous_month": previous_month if previous_month >= MONTH_MIN else None,
        "next_month": next_month if next_month <= MONTH_MAX else None,
        "this_month": today.replace(day=1),
        "entry_total": sum(day.count for day in days.values()),
        "moods": mood_choices(),
    }
    return render(request, "diary/calendar.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def template_list(request: HttpRequest) -> HttpResponse:
    """The user's templates for a blank entry, and a form to add one."""
    form = EntryTemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_template_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The template was added."))
            return redirect("diary:templates")
    context = {"form": form, "templates": writing.entry_templates(user=request.user), "starters": starters()}
    return render(request, "diary/templates.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def tag_list(request: HttpRequest) -> HttpResponse:
    """The user's own tags with their entry counts; each can be renamed, merged into another, or removed."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        old, new = request.POST.get("old", ""), request.POST.get("new", "")
        remove = request.POST.get("remove") == "1"
        if not remove and not new.strip():
            errors = {"new": [_("Give the tag a new name, or remove it.")]}
        else:
            try:
                changed = services.user_tag_rename(user=request.user, old=old, new="" if remove else new)
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, ngettext(
                    "Done: %(count)s entry changed.", "Done: %(count)s entries changed.", changed) % {"count": changed})
                return redirect("diary:tags")
    context = {"tags": writing.user_tags_with_counts(user=request.user), "errors": errors,
               "failed": request.POST.get("old", "") if errors else ""}
    return render(request, "diary/tags.html", context, status=400 if errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    template = writing.entry_template_get_for_user(user=request.user, template_id=template_id)
    initial = {"name": template.name, "content": template.content}
    form = EntryTemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_template_update(template=template, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The template was saved."))
            return redirect("diary:templates")
    context = {"form": form, "template": template}
    return render(request, "diary/template_form.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    template = writing.entry_template_get_for_user(user=request.user, template_id=template_id)
    services.entry_template_delete(template=template)
    messages.success(request, _("The template was deleted."))
    return redirect("diary:templates")
