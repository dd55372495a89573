"""`modelguard fix`: rewrite each finding's id to its replacement, byte-exact elsewhere.

The library entry points, re-exported from the modules that define them."""

from modelguard.fix.run import FixPlan, apply_fixes, fix_source, plan_fixes

__all__ = ["FixPlan", "apply_fixes", "fix_source", "plan_fixes"]
