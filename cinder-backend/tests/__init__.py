"""Tests of the ShardGate Cinder driver, on Cinder's unit-test base, against
a running gateway (``run-tests.sh`` starts one and sets ``SHARDGATE_TEST_*``).
"""

# Cinder's test package monkey-patches eventlet. It must come before anything
# imports requests/urllib3 (as cinder-volume patches before loading drivers),
# or https calls recurse forever in eventlet's SSLContext.
import cinder.tests.unit  # noqa: F401
