"""Domain errors as API answers: refused input is 400, an object out of reach is 404."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from cspm.core.errors import DomainError, NotFound


def exception_handler(exc, context):
    # One answer for every missing object, whatever its kind: a guessed id learns nothing.
    if isinstance(exc, (NotFound, ObjectDoesNotExist, Http404, exceptions.NotFound)):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DomainError):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    return drf_handler(exc, context)
