package io.cattlepi.ci.controller.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

/** {@code config check} run in-process, on a file or on a variant of the documented example. */
final class ConfigChecks {
    static final Path EXAMPLE = Path.of("..", "docs", "examples", "buildcontrol.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int code, String out, String err) {
    }

    private ConfigChecks() {
    }

    static Run check(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = CattlePiCiCommand.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute("config", "check", "--config", file.toString());
        return new Run(code, out.toString(), err.toString());
    }

    /** The example with {@code change} made to its {@code buildcontrol} object, written into {@code dir} and checked. */
    static Run variant(Path dir, Consumer<ObjectNode> change) throws Exception {
        ObjectNode doc = (ObjectNode) JSON.readTree(EXAMPLE.toFile());
        change.accept((ObjectNode) doc.path("config").path("buildcontrol"));
        Path f = dir.resolve("variant.json");
        JSON.writeValue(f.toFile(), doc);
        return check(f);
    }
}
