"""API of the insights side: statistics, export, import and its status."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from diary.charts import emotion_label
from diary.stats import PERIODS, InvalidPeriod, stats_for_user, stats_period_parse
from diary.transfer import (
    ImportInvalid,
    ImportTooLarge,
    export_response,
    import_job_get_for_user,
    import_job_progress,
    import_start,
)


def _stats_payload(stats: dict[str, Any]) -> dict[str, Any]:
    return {**stats, "emotions": [{**e, "label": emotion_label(e["code"])} for e in stats["emotions"]]}


class StatsApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("days", int, enum=list(PERIODS), description="period in days (default 30)")],
        responses={200: OpenApiTypes.OBJECT, 400: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        try:
            days = stats_period_parse(value=request.query_params.get("days"))
        except InvalidPeriod:
            return Response({"days": [_("Choose 7, 30, 90 or 365 days.")]}, status=status.HTTP_400_BAD_REQUEST)
        return Response(_stats_payload(stats_for_user(user=request.user, days=days)))


class ExportApi(APIView):
    fmt = "json"

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT})
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
