package io.cattlepi.ci.boottest.run;

import io.cattlepi.ci.cattlepi.CattlePiApi;
import io.cattlepi.ci.cattlepi.CattlePiApiException;
import io.cattlepi.ci.cattlepi.DeviceConfig;
import io.cattlepi.ci.cattlepi.ImagePackage;
import io.cattlepi.ci.cattlepi.InvalidConfigException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One Pi's own CattlePi config, as a battery changes it: read what it is, point it at the built
 * images (its {@code initfs} and {@code rootfs} only; {@code bootcode}, {@code usercode}, the keys
 * and every other field as they were), and put it back. Never the workers' shared config.
 *
 * <p>The API answers an unknown device with the {@code default} config, so a device whose config is
 * byte for byte the default one is taken to have none: the battery then creates one (a copy of the
 * default with the images) and restoring deletes it, so the Pi follows the shared config again.
 */
public final class DeviceConfigs {
    static final String DEFAULT = "default";

    private final CattlePiApi api;

    public DeviceConfigs(CattlePiApi api) {
        this.api = api;
    }

    /** The device's own config as JSON text, or null when it has none. */
    public String own(String device) throws CattlePiApiException {
        byte[] own = api.config(device).toBytes();
        byte[] shared = api.config(DEFAULT).toBytes();
        return Arrays.equals(own, shared) ? null : new String(own, StandardCharsets.UTF_8);
    }

    /** Points the device at the images: its own config ({@code saved}, or a copy of the default) with them. */
    public void point(String device, String saved, ImagePackage images) throws CattlePiApiException {
        DeviceConfig base = saved == null ? api.config(DEFAULT) : parse(saved);
        DeviceConfig pointed = base.copy();
        pointed.images(images);
        api.putConfig(device, pointed);
    }

    /** Puts the device's config back as {@link #own} read it. */
    public void restore(String device, String saved) throws CattlePiApiException {
        if (saved == null) {
            api.deleteConfig(device);
        } else {
            api.putConfig(device, parse(saved));
        }
    }

    private static DeviceConfig parse(String saved) {
        try {
            return DeviceConfig.parse(saved.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidConfigException e) {
            throw new IllegalStateException("a saved device config is one the API gave: " + e.getMessage(), e);
        }
    }
}
