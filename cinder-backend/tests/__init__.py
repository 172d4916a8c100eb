"""Tests of the ShardGate Cinder driver, on Cinder's unit-test base, against
a running gateway (``run-tests.sh`` starts one and sets ``SHARDGATE_TEST_*``).
"""
