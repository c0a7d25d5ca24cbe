package io.cattlepi.ci.controller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run} refuses what it cannot start with one line naming the setting, never a stack trace. */
class RunCommandTest {
    private static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");

    @TempDir
    Path dir;

    private int run(Path config, StringWriter err) {
        var cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        return cli.execute("run", "--config", config.toString());
    }

    @Test
    void aStoreFolderThatCannotBeMadeIsOneLineNamingTheSetting() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        ObjectMapper json = new ObjectMapper();
        ObjectNode doc = (ObjectNode) json.readTree(EXAMPLE.toFile());
        ObjectNode bc = (ObjectNode) doc.path("config").path("buildcontrol");
        bc.put("build_sandbox", "off");
        bc.put("store_path", notAFolder.resolve("state/ci.db").toString());
        bc.put("workspace_dir", dir.resolve("work").toString());
        Path config = dir.resolve("config.json");
        json.writeValue(config.toFile(), doc);

        StringWriter err = new StringWriter();
        assertEquals(2, run(config, err));
        String text = err.toString();
        assertTrue(text.contains(": cannot start: store_path: cannot create the folder"), text);
        assertEquals(1, text.strip().split("\n").length, text);
        assertFalse(text.contains("\tat ") || text.contains("Exception"), text);
    }

    @Test
    void aBrokenFileIsTheSameOneLinePerProblemAsConfigCheck() throws Exception {
        Path config = Files.writeString(dir.resolve("broken.json"), "{\"buildcontrol\": [" + "[".repeat(100));
        StringWriter err = new StringWriter();
        assertEquals(2, run(config, err));
        assertTrue(err.toString().contains("broken.json: $: not a usable config: nested deeper than 64 levels"), err.toString());
    }
}
