"""Settings shared by the whole test suite."""

import os

from hypothesis import settings

# No profile has a deadline: a slow moment on a busy two-core runner would fail
# a test for a reason that says nothing about the code.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=200, deadline=None, print_blob=True)
settings.register_profile("dev", max_examples=20, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))
