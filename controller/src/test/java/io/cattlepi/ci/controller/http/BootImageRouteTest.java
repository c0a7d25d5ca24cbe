package io.cattlepi.ci.controller.http;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cattlepi.ci.boottest.run.ImageShelf;
import io.cattlepi.ci.boottest.run.ServedImages;
import io.cattlepi.ci.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A battery's images over the controller's HTTP: only by their token, only while published, never listed. */
class BootImageRouteTest {
    @TempDir
    Path dir;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<byte[]> get(int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void anImageIsServedByItsTokenWhileItsBatteryRunsAndNothingElseIs() throws Exception {
        byte[] image = "a root image".getBytes();
        Path staged = Files.write(dir.resolve("rootfs.sqsh"), image);
        ServedImages images = new ServedImages(URI.create("http://rack-address.invalid:8080"));
        try (Store store = Store.open(dir.resolve("s.db"), Clock.systemUTC());
             ControllerHttp http = ControllerHttp.start("127.0.0.1", 0, store, new ReadOnlyOperations(), null,
                     () -> new ControllerHttp.Health(true, Map.of()), () -> "", r -> BootImageRoute.register(r, images))) {
            ImageShelf.Published p = images.publish("b-1", Map.of("rootfs.sqsh", staged));
            URI url = p.urls().get("rootfs.sqsh");
            assertEquals("rack-address.invalid", url.getHost(), "at the base the rack reaches");
            HttpResponse<byte[]> got = get(http.port(), url.getPath());
            assertEquals(200, got.statusCode());
            assertArrayEquals(image, got.body());
            assertEquals(404, get(http.port(), url.getPath().replace("rootfs.sqsh", "initramfs.tgz")).statusCode());
            assertEquals(404, get(http.port(), "/boot-images/" + "0".repeat(32) + "/rootfs.sqsh").statusCode());
            assertEquals(404, get(http.port(), "/boot-images/").statusCode(), "nothing is listed");
            images.withdraw("b-1", p.ref());
            assertEquals(404, get(http.port(), url.getPath()).statusCode(), "gone after the battery");
        }
    }
}
