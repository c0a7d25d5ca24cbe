package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code config check} on the boot-test battery's settings: defaults shown, bad values named by their path. */
class BootTestConfigTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AT = "$.config.buildcontrol.";

    @TempDir
    Path dir;

    private String[] check(Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        change.accept((ObjectNode) doc.path("config").path("buildcontrol"));
        Path f = dir.resolve("variant.json");
        JSON.writeValue(f.toFile(), doc);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("config", "check", "--config", f.toString());
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void theBatteryIsOnByDefaultWithImagesServedByTheController() throws Exception {
        String[] r = check(bc -> bc.put("http_host", "10.0.0.2").put("http_port", 8081));
        assertEquals("0", r[0], r[2]);
        assertTrue(r[1].contains("boot test:         raspbian_cattlepi images from builder/latest/output, tests from"
                + " tests/raspbian_cattlepi/, status cattlepi-ci/boot-test, images via controller at http://10.0.0.2:8081;"
                + " boot 600 s, test 300 s, all 1800 s"), r[1]);
        String[] off = check(bc -> bc.put("boot_test", false));
        assertTrue(off[1].contains("boot test:         off"), off[1]);
        String[] s3 = check(bc -> bc.put("boot_test_images_via", "s3").put("boot_test_boot_timeout_s", 90));
        assertTrue(s3[1].contains("images via s3; boot 90 s"), s3[1]);
    }

    @Test
    void badBatterySettingsAreNamedByTheirPath() throws Exception {
        String[] r = check(bc -> bc.put("boot_test_images_dir", "../outside").put("boot_test_recipe", "a b")
                .put("boot_test_images_via", "ftp").put("boot_test_image_base_url", "file:///x")
                .put("boot_test_test_timeout_s", 0));
        assertEquals("2", r[0]);
        for (String field : new String[] {"boot_test_images_dir", "boot_test_recipe", "boot_test_images_via",
                "boot_test_image_base_url", "boot_test_test_timeout_s"}) {
            assertTrue(r[2].contains(AT + field + ":"), field + " in " + r[2]);
        }
    }
}
