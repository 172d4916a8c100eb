package io.shardgate.gateway.io;

import java.util.List;

/** How a front end finds the volume named by a client (NBD export name, iSCSI target). Thread-safe. */
public interface VolumeResolver {

    /** The volume of that name, or {@code null} when none exists. Cheap: called once per connection. */
    BlockVolume open(String name);

    /** Names of the volumes that can be opened, for NBD_OPT_LIST and iSCSI SendTargets. */
    List<String> names();
}
