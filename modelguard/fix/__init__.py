"""`modelguard fix`: rewrite each finding's id to its replacement, byte-exact elsewhere.

The library entry points, re-exported from the modules that define them."""

from modelguard.fix.plan import FixPlan, apply_fixes, plan_fixes
from modelguard.fix.run import fix_source

__all__ = ["FixPlan", "apply_fixes", "fix_source", "plan_fixes"]
