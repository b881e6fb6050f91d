"""API of data ownership: export in three shapes, import and its status."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from portability.imports import import_start
from portability.readers import ImportInvalid, ImportTooLarge
from portability.responses import export_response
from portability.selectors import import_job_get_for_user, import_job_progress


class ExportApi(APIView):
    fmt = "json"

    # A zip of the JSON and the photos when the user has photos (docs/api.md).
    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT,
                              (200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request):
        return export_response(user=request.user, fmt=self.fmt)


class ExportMarkdownApi(ExportApi):
    fmt = "markdown"

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request: Request):
        return super().get(request)


class ExportCsvApi(ExportApi):
    fmt = "csv"

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.STR})
    def get(self, request: Request):
        return super().get(request)


def _job_payload(job, request: Request) -> dict[str, Any]:
    progress = import_job_progress(job=job)
    progress["status_url"] = request.build_absolute_uri(reverse("insights-api-import-status", args=[job.pk]))
    return progress


class ImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        responses={code: OpenApiTypes.OBJECT for code in (201, 202, 400, 413)},
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return Response({"file": [_("Choose a file to import.")]}, status=status.HTTP_400_BAD_REQUEST)
        try:
            job = import_start(user=request.user, upload=upload)
        except ImportTooLarge:
            detail = _("The file is larger than %(limit)s MB.") % {"limit": settings.IMPORT_MAX_BYTES // 2**20}
            return Response({"detail": detail}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        except ImportInvalid as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
        done = job.status == job.Status.DONE
        code = status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED
        return Response(_job_payload(job, request), status=code)


class ImportStatusApi(APIView):
    @extend_schema(responses={200: OpenApiTypes.OBJECT})
    def get(self, request: Request, job_id: int) -> Response:
        job = import_job_get_for_user(user=request.user, job_id=job_id)
        return Response(_job_payload(job, request))
