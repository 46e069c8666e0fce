package io.hearth.service.volume;

import java.util.Map;

/** An attachment's connection info: how the connector's host reaches the volume. */
public record Connection(String driverVolumeType, Map<String, Object> data) {
    public Connection {
        data = Map.copyOf(data);
    }
}
