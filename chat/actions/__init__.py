"""Domain actions: `check_*` validate untrusted input, `do_*` change state inside the caller's
transaction and queue their events for publication after commit. No web framework is imported here.
"""
