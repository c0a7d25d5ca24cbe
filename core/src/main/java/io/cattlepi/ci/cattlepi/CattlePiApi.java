package io.cattlepi.ci.cattlepi;

/** Port: the CattlePi API's device configs (api.cattlepi.com, or the simulator's server). */
public interface CattlePiApi {
    /** {@code device} is a MAC address or {@code default}. */
    DeviceConfig config(String device) throws CattlePiApiException;

    void putConfig(String device, DeviceConfig config) throws CattlePiApiException;

    /** Removes the device's own config: it boots the {@code default} one again. Deleting none is not an error. */
    void deleteConfig(String device) throws CattlePiApiException;

    /** The device's track log, oldest first. */
    java.util.List<TrackEvent> track(String device) throws CattlePiApiException;
}
