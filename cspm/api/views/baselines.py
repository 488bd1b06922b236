"""An account's baseline: who approved which known-good state (anyone who sees the account),
and approving a snapshot as the new one (analyst)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from cspm.accounts import access
from cspm.api.base import ScopedViewSet, require, responses
from cspm.api.filters import bad
from cspm.api.pagination import SmallPagePagination
from cspm.api.serializers.baselines import ApprovalSerializer, ApprovedSerializer, ApproveSerializer
from cspm.drift.baselines import baseline_approve_snapshot
from cspm.drift.models import BaselineApproval
from cspm.inventory.models import Snapshot

ACCOUNT_ID = OpenApiParameter("account_id", OpenApiTypes.INT64, OpenApiParameter.PATH, description="Cloud account id")


@extend_schema_view(
    list=extend_schema(summary="Baseline approvals of an account, newest first", parameters=[ACCOUNT_ID],
                       responses=responses({200: ApprovalSerializer(many=True)}, 400, 404)),
    create=extend_schema(summary="Approve a snapshot as the account's baseline (analyst)", request=ApproveSerializer,
                         parameters=[ACCOUNT_ID],
                         responses=responses({201: ApprovedSerializer}, 400, 403, 404)),
)
@extend_schema(tags=["baselines"])
class BaselineViewSet(ScopedViewSet):
    """An account's known-good state: its approval history, and approving a snapshot."""

    queryset = BaselineApproval.objects.order_by("-approved_at", "-id")
    serializer_class = ApprovalSerializer
    pagination_class = SmallPagePagination

    def account(self):
        return get_object_or_404(access.accounts_for(self.request.user), pk=self.kwargs["account_id"])

    def list(self, request, account_id: str):
        account = self.account()
        page = self.paginate_queryset(self.get_queryset().filter(account=account))
        return self.get_paginated_response(ApprovalSerializer(page, many=True).data)

    def create(self, request, account_id: str):
        account = self.account()
        require(request.user, "triage", account.organization_id)
        serializer = ApproveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        snapshots = Snapshot.objects.filter(account=account)
        if "snapshot" in data:
            snapshot = snapshots.filter(pk=data["snapshot"]).first()
            if snapshot is None:
                raise bad("snapshot", f"no snapshot {data['snapshot']} of this account")
        else:
            snapshot = snapshots.filter(status=Snapshot.Status.OK).order_by("-id").first()
            if snapshot is None:
                raise bad("snapshot", "this account has no successful snapshot to approve yet")
        approval, counts = baseline_approve_snapshot(
            account=account, snapshot=snapshot, actor=request.user.get_username(), reason=data["reason"],
            user=request.user)
        approval.findings = counts.as_dict()
        return Response(ApprovedSerializer(approval).data, status=status.HTTP_201_CREATED)
