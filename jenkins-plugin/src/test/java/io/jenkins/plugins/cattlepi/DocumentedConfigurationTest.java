package io.jenkins.plugins.cattlepi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The YAML docs/jenkins.md shows is the one the round trip loads (credentials aside), so the docs cannot drift. */
class DocumentedConfigurationTest {
    private static final Pattern BLOCK = Pattern.compile("### Configuration as Code\\n\\n```yaml\\n(.*?)```", Pattern.DOTALL);

    @Test
    void theRoundTripLoadsTheDocumentedYaml() throws Exception {
        // Maven runs the plugin's tests in jenkins-plugin/; the docs are beside it.
        String docs = Files.readString(Path.of("..", "docs", "jenkins.md"), StandardCharsets.UTF_8);
        Matcher m = BLOCK.matcher(docs);
        assertTrue(m.find(), "docs/jenkins.md has a Configuration as Code YAML block");
        String documented = m.group(1);
        int jenkins = documented.indexOf("jenkins:\n");
        assertTrue(jenkins > 0, "the documented YAML starts with credentials, then jenkins:");
        String tested;
        try (InputStream in = ConfigurationAsCodeTest.class.getResourceAsStream("configuration-as-code.yaml")) {
            tested = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(documented.substring(jenkins), tested);
    }

}
