package io.cattlepi.ci.peers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** GitHub's real example payloads (octokit/webhooks, MIT), from the test classpath's github-webhooks/. */
public final class WebhookFixtures {
    public static final String REPOSITORY = "Codertocat/Hello-World";
    public static final String PR_HEAD_SHA = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";
    public static final String PUSH_SHA = "6113728f27ae82c7b1a177c8d03f9e96e0adf246";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WebhookFixtures() {
    }

    /** The file's bytes unchanged, e.g. {@code bytes("pull_request-opened")}. */
    public static byte[] bytes(String name) {
        try (InputStream in = WebhookFixtures.class.getResourceAsStream("/github-webhooks/" + name + ".json")) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture github-webhooks/" + name + ".json");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A parsed copy to edit (e.g. another head sha for a new push to the pull request). */
    public static ObjectNode tree(String name) {
        try {
            return (ObjectNode) JSON.readTree(bytes(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A pull request delivery for the given head sha and number. */
    public static byte[] pullRequest(String action, int number, String headSha) {
        ObjectNode p = tree("pull_request-opened");
        p.put("action", action);
        p.put("number", number);
        ObjectNode pr = (ObjectNode) p.get("pull_request");
        pr.put("number", number);
        ((ObjectNode) pr.get("head")).put("sha", headSha);
        return write(p);
    }

    public static byte[] write(ObjectNode p) {
        try {
            return JSON.writeValueAsBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
