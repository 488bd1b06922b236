"""The severity rule catalog: every cloud's rules, in the order that breaks severity ties."""

from cspm.drift.rules import aws, azure, common, gcp
from cspm.drift.severity import Rule

RULES: tuple[Rule, ...] = common.RULES + aws.RULES + gcp.RULES + azure.RULES

__all__ = ["RULES"]
