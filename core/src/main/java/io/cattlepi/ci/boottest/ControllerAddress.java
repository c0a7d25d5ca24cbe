package io.cattlepi.ci.boottest;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The controller's HTTP server as the rack reaches it, when the operator did not say
 * ({@code boot_test_image_base_url}): its own address, or, listening on every address, the host's
 * first non-loopback IPv4 address (a build-control Pi has one, on the rack's network).
 */
public final class ControllerAddress {
    private static final List<String> WILDCARDS = List.of("", "0.0.0.0", "::", "[::]", "*");

    private ControllerAddress() {
    }

    public static URI of(String httpHost, int httpPort) {
        String host = WILDCARDS.contains(httpHost) ? siteAddress().orElse("127.0.0.1") : httpHost;
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + httpPort);
    }

    private static Optional<String> siteAddress() {
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp() || nic.isLoopback()) {
                    continue;
                }
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return Optional.of(a.getHostAddress());
                    }
                }
            }
        } catch (SocketException e) {
            // no interfaces to ask: loopback
        }
        return Optional.empty();
    }
}
