"""The integration API's endpoints: thin views over the ledger, the run and the import door."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response

from rentbook.api import serializers as s
from rentbook.api.auth import ClientRateThrottle, ClientTokenAuthentication, HasScope
from rentbook.api.errors import QueryRefused, rejected
from rentbook.api.writes import write_row
from rentbook.benefits.facts import expected_for
from rentbook.engine.models import Recommendation, Run
from rentbook.engine.services import latest_run
from rentbook.ledger.balances import account_position, balances_on
from rentbook.ledger.models import Account


class Pages(CursorPagination):
    """Cursor pages in a stable order: no count of the whole table, no page drifting while a
    run or an import adds rows."""

    ordering = "id"
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

    def get_page_size(self, request: Request) -> int:
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        if len(asked) > 1 or not asked[0].isdigit() or int(asked[0]) < 1:
            raise QueryRefused(
                self.page_size_query_param,
                f"one whole number from 1 to {self.max_page_size} (a larger one gets the largest"
                " page)",
            )
        return min(int(asked[0]), self.max_page_size)

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        params = super().get_schema_operation_parameters(view)
        for p in params:
            if p["name"] == self.page_size_query_param:
                p["schema"] = {"type": "integer", "minimum": 1}
                p["description"] = f"rows a page (default 100, at most {self.max_page_size})"
        return params


class RunPages(Pages):
    """Pages of one run's recommendations, saying which run they are."""

    run: Run | None = None

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        run = self.run
        response.data["run"] = (
            None
            if run is None
            else {"id": run.id, "as_of": run.as_of, "policy": run.policy, "accounts": run.accounts}
        )
        return response

    def get_paginated_response_schema(self, schema: dict) -> dict:
        out = super().get_paginated_response_schema(schema)
        out["properties"]["run"] = {
            "type": "object",
            "nullable": True,
            "properties": {
                "id": {"type": "integer"},
                "as_of": {"type": "string", "format": "date"},
                "policy": {"type": "string"},
                "accounts": {"type": "integer"},
            },
        }
        return out


class ClientView(GenericAPIView):
    authentication_classes = [ClientTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    #: The scope each method needs.
    scopes: dict[str, str] = {}
    #: The query parameters the endpoint reads; any other is refused, so a misspelt filter
    #: is an error rather than every row.
    query_params: tuple[str, ...] = ()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        unknown = sorted(set(request.query_params) - set(self.query_params))
        if unknown:
            takes = ", ".join(self.query_params) or "none"
            raise QueryRefused(unknown[0], f"not a query parameter here (it takes {takes})")


PATCH = OpenApiParameter("patch", str, description="only accounts in this patch (its code)")
DETAIL = OpenApiResponse(s.ErrorOut, description="not signed in, not allowed, or too many")
REFUSALS = {401: DETAIL, 403: DETAIL, 429: DETAIL}
# a list's page_size that is not a number, or a cursor that is not one it gave
REJECTED = OpenApiResponse(s.RejectedOut, description="the request's content was refused")
LIST_REFUSALS = {400: REJECTED, 404: DETAIL, **REFUSALS}


@extend_schema_view(
    get=extend_schema(
        tags=["accounts"],
        operation_id="accounts_list",
        parameters=[PATCH],
        responses={200: s.AccountSerializer(many=True), **LIST_REFUSALS},
    )
)
class AccountList(ClientView, ListAPIView):
    """Rent accounts, in pages, with each balance today."""

    scopes = {"GET": "accounts:read"}
    query_params = ("patch", "cursor", "page_size")
    serializer_class = s.AccountSerializer
    pagination_class = Pages

    def get_queryset(self) -> Any:
        qs = Account.objects.select_related("tenancy__property__patch")
        if patch := self.request.query_params.get("patch"):
            qs = qs.filter(tenancy__property__patch__code=patch)
        return qs

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        assert page is not None
        context = {**self.get_serializer_context()}
        context["balances"] = balances_on([a.pk for a in page], timezone.localdate())
        data = s.AccountSerializer(page, many=True, context=context).data
        return self.get_paginated_response(data)


@extend_schema_view(
    get=extend_schema(
        tags=["accounts"],
        operation_id="account_detail",
        responses={200: s.AccountDetailSerializer, 400: REJECTED, 404: DETAIL, **REFUSALS},
    )
)
class AccountDetail(ClientView):
    """One account by its tenancy reference: its position today and the latest run's
    recommendation for it."""

    scopes = {"GET": "accounts:read"}
    serializer_class = s.AccountDetailSerializer

    def get(self, request: Request, tenancy_ref: str) -> Response:
        account = get_object_or_404(
            Account.objects.select_related("tenancy__property__patch"), reference=tenancy_ref
        )
        run = latest_run()
        rec = (
            Recommendation.objects.select_related("run").filter(run=run, account=account).first()
            if run is not None
            else None
        )
        context = {
            **self.get_serializer_context(),
            "position": account_position(
                account, timezone.localdate(), expected_for(account.pk, timezone.localdate())
            ),
            "recommendation": rec,
        }
        return Response(s.AccountDetailSerializer(account, context=context).data)


@extend_schema_view(
    get=extend_schema(
        tags=["recommendations"],
        operation_id="recommendations_list",
        responses={200: s.RecommendationSerializer(many=True), **LIST_REFUSALS},
        parameters=[
            OpenApiParameter("category", str, description="only this category (letter, notice...)"),
            OpenApiParameter("action", str, description="only this action"),
            OpenApiParameter("patch", str, description="only this patch (its code)"),
        ],
    )
)
class RecommendationList(ClientView, ListAPIView):
    """The latest finished arrears run's recommendations, in pages of up to 1,000."""

    scopes = {"GET": "recommendations:read"}
    query_params = ("category", "action", "patch", "cursor", "page_size")
    serializer_class = s.RecommendationSerializer
    pagination_class = RunPages

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        run = latest_run()
        qs = Recommendation.objects.filter(run=run)
        params = request.query_params
        if category := params.get("category"):
            qs = qs.filter(category=category)
        if action := params.get("action"):
            qs = qs.filter(action=action)
        if patch := params.get("patch"):
            qs = qs.filter(patch__code=patch)
        paginator = self.paginator
        assert isinstance(paginator, RunPages)
        paginator.run = run
        # Rows as values, not model instances through a serializer: a page of 1,000 is read
        # and written in a few milliseconds (RecommendationSerializer describes the same).
        rows = qs.values(*REC_FIELDS.values())
        page = self.paginate_queryset(rows) if run is not None else []
        assert page is not None
        data = [{name: row[field] for name, field in REC_FIELDS.items()} for row in page]
        return self.get_paginated_response(data)


#: The API's name for each recommendation field, and the model field it is read from.
REC_FIELDS = {
    "id": "id",
    "run_id": "run_id",
    "tenancy_ref": "account__reference",
    "patch": "patch__code",
    "action": "action",
    "category": "category",
    "priority": "priority",
    "rule": "rule",
    "reasons": "reasons",
    "balance_pence": "balance",
    "weekly_charge_pence": "weekly_charge",
    "benefit": "benefit",
}


WRITE_RESPONSES = {
    201: s.WrittenOut,
    200: OpenApiResponse(s.WrittenOut, description="already present (or updated)"),
    400: REJECTED,
    **REFUSALS,
}


class WriteView(ClientView):
    kind = ""

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        return values

    def post(self, request: Request) -> Response:
        incoming = self.get_serializer(data=request.data)
        if not incoming.is_valid():
            errors = [
                {"field": field, "reason": " ".join(str(m) for m in messages)}
                for field, messages in incoming.errors.items()
            ]
            return Response(rejected(errors), status=400)
        client = request.auth
        written = write_row(self.kind, self.row(dict(incoming.validated_data)), client)
        if written.status == "rejected":
            return Response(rejected(written.errors), status=400)
        code = status.HTTP_201_CREATED if written.status == "created" else status.HTTP_200_OK
        return Response({"status": written.status, "batch": written.batch}, status=code)


@extend_schema_view(
    post=extend_schema(tags=["writes"], operation_id="diary_create", responses=WRITE_RESPONSES)
)
class DiaryWrite(WriteView):
    """Post an action diary entry (the diary import's columns). Posting the same
    ``diary_ref`` again updates it, or changes nothing."""

    scopes = {"POST": "diary:write"}
    serializer_class = s.DiaryEntryIn
    kind = "diary"


@extend_schema_view(
    post=extend_schema(tags=["writes"], operation_id="flags_create", responses=WRITE_RESPONSES)
)
class FlagWrite(WriteView):
    """Post a flag (the flags import's columns); a later post with ``ends_on`` ends it."""

    scopes = {"POST": "flags:write"}
    serializer_class = s.FlagIn
    kind = "flags"


@extend_schema_view(
    post=extend_schema(tags=["writes"], operation_id="payments_create", responses=WRITE_RESPONSES)
)
class PaymentWrite(WriteView):
    """Post a payment (the transactions import's columns, kind payment). A payment is posted
    once: the same ``transaction_ref`` again changes nothing."""

    scopes = {"POST": "payments:write"}
    serializer_class = s.PaymentIn
    kind = "transactions"

    def row(self, values: dict[str, Any]) -> dict[str, Any]:
        # the ledger's sign: money received reduces what the tenant owes
        return {**values, "kind": "payment", "amount": f"-{values['amount']}"}
