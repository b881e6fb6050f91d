"""API of the insights: the statistics of a period."""

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from insights.charts import emotion_label
from insights.stats import PERIODS, InvalidPeriod, stats_for_user, stats_period_parse


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
