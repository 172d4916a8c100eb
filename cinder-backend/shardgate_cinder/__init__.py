"""ShardGate volume driver for OpenStack Cinder.

A thin client of the ShardGate gateway's REST API (``/v1``): the gateway plans,
places and serves the volumes; this package only translates Cinder's calls and
volume types into gateway requests. Load it with
``volume_driver = shardgate_cinder.driver.ShardGateDriver``.
"""
