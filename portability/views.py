"""Pages of data ownership: export downloads, the import form and an import's progress."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portability.formats import EXPORT_FORMATS
from portability.imports import import_start
from portability.readers import ImportInvalid, ImportTooLarge
from portability.responses import export_response
from portability.selectors import import_job_get_for_user, import_job_list, import_job_progress


@login_required
@require_GET
def export(request: HttpRequest, fmt: str) -> StreamingHttpResponse:
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(user=request.user, fmt=fmt)


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """GET: the upload form and recent imports. POST: start an import (small files run at once)."""
    error = None
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error, status = _("Choose a file to import."), 400
        else:
            try:
                job = import_start(user=request.user, upload=upload)
            except ImportTooLarge:
                error = _("The file is larger than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_BYTES // 2**20}
                status = 413
            except ImportInvalid as exc:
                error, status = str(exc), 400
            else:
                return redirect("portability:import-progress", job_id=job.pk)
    context = {"error": error, "jobs": import_job_list(user=request.user), "max_mb": settings.IMPORT_MAX_BYTES // 2**20}
    return render(request, "portability/import.html", context, status=status)


@login_required
@require_GET
def import_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    job = import_job_get_for_user(user=request.user, job_id=job_id)
    progress = import_job_progress(job=job)
    return render(request, "portability/import_progress.html", {"job": job, "progress": progress})
