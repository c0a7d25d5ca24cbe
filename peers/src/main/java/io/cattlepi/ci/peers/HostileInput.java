package io.cattlepi.ci.peers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A seeded generator of what an attacker sends: strings with controls, bidi overrides,
 * noncharacters, lone surrogates, line breaks, markup and shell syntax, very long values;
 * numbers past every limit; wrong types; documents with fields replaced, removed or added. The
 * same seed gives the same inputs, so a failure found in CI can be replayed.
 */
public final class HostileInput {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] NASTY = {
        "", " ", "\u0000", "a\u0000b", "\uffff", "\ufffe", "x\uffffy", "\u202eevil\u202c", "\u2066isolate\u2069",
        "\u200f\u200e", "\u061c", "line\nforged: INFO accepted", "\r\n\r\nHTTP/1.1 200 OK", "\u2028\u2029",
        "\ud800", "\udfff", "x\ud83dy", "😀🐄", "é\u0301", "\u0007\u001b[31mred\u001b[0m", "\u0085", "\u009b",
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "'; DROP TABLE builds;--", "$(reboot)",
        "`id`", "; rm -rf / #", "../../../etc/passwd", "%00", "%s%s%n", "${jndi:ldap://x/a}", "\\", "\"", "{}", "[]",
        "null", "true", "-1", "1e309", "refs/heads/main", "refs/pull/1/head", "0000000000000000000000000000000000000000",
        "ec26c3e57ca3a959ca5aad62de7213c562f8c821", "Codertocat/Hello-World", "codertocat/hello-world", "OWNER",
        "ok-to-test", "opened", "synchronize", "labeled", "pull_request", "push", "master", "\t", "\u000b\u000c",
    };

    private final Random random;

    public HostileInput(long seed) {
        this.random = new Random(seed);
    }

    public Random random() {
        return random;
    }

    public int between(int from, int to) {
        return from + random.nextInt(to - from + 1);
    }

    public <T> T oneOf(List<T> options) {
        return options.get(random.nextInt(options.size()));
    }

    /** A hostile string: a known nasty one, a mix of them, random code points, or a long run. */
    public String string() {
        switch (random.nextInt(6)) {
            case 0, 1 -> {
                return NASTY[random.nextInt(NASTY.length)];
            }
            case 2 -> {
                StringBuilder b = new StringBuilder();
                for (int i = between(2, 6); i > 0; i--) {
                    b.append(NASTY[random.nextInt(NASTY.length)]);
                }
                return b.toString();
            }
            case 3 -> {
                StringBuilder b = new StringBuilder();
                for (int i = between(1, 40); i > 0; i--) {
                    int cp = random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(Character.MAX_CODE_POINT + 1);
                    if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                        b.append((char) cp); // a lone surrogate, on purpose
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
                return b.toString();
            }
            case 4 -> {
                return NASTY[random.nextInt(NASTY.length)].repeat(between(1, 2000));
            }
            default -> {
                // Mostly a few KB; now and then 100 K characters (a ref rendered whole was one of the findings).
                int n = random.nextInt(20) == 0 ? 100_000 : between(256, 8000);
                return "A".repeat(n) + NASTY[random.nextInt(NASTY.length)];
            }
        }
    }

    /** A hostile JSON value of any type, at most {@code depth} levels deep. */
    public JsonNode value(int depth) {
        return switch (random.nextInt(depth <= 0 ? 8 : 10)) {
            case 0, 1, 2 -> NODES.textNode(string());
            case 3 -> NODES.numberNode(random.nextBoolean() ? random.nextLong() : -random.nextInt(1000));
            case 4 -> NODES.numberNode(new BigInteger(between(20, 400), random));
            case 5 -> NODES.numberNode(random.nextBoolean() ? Double.MAX_VALUE : random.nextDouble() * 1e6);
            case 6 -> NODES.booleanNode(random.nextBoolean());
            case 7 -> NODES.nullNode();
            case 8 -> {
                ArrayNode a = NODES.arrayNode();
                for (int i = between(0, 4); i > 0; i--) {
                    a.add(value(depth - 1));
                }
                yield a;
            }
            default -> {
                ObjectNode o = NODES.objectNode();
                for (int i = between(0, 4); i > 0; i--) {
                    o.set(string(), value(depth - 1));
                }
                yield o;
            }
        };
    }

    /** A copy of {@code doc} with {@code edits} random changes: a value replaced, a field removed or added. */
    public ObjectNode mutate(ObjectNode doc, int edits) {
        ObjectNode copy = doc.deepCopy();
        for (int i = 0; i < edits; i++) {
            List<Slot> slots = new ArrayList<>();
            collect(copy, slots);
            if (slots.isEmpty()) {
                copy.set(string(), value(2));
                continue;
            }
            Slot s = slots.get(random.nextInt(slots.size()));
            int what = random.nextInt(5);
            if (what == 0) {
                s.remove();
            } else if (what == 1 && s.parent() instanceof ObjectNode o) {
                o.set(string(), value(2));
            } else {
                s.replace(value(2));
            }
        }
        return copy;
    }

    /** A copy of {@code doc} with every string leaf replaced by a hostile string of at most {@code max} characters. */
    public ObjectNode everyStringHostile(ObjectNode doc, int max) {
        ObjectNode copy = doc.deepCopy();
        List<Slot> slots = new ArrayList<>();
        collect(copy, slots);
        for (Slot s : slots) {
            if (s.value().isTextual()) {
                String v = string();
                s.replace(NODES.textNode(v.length() <= max ? v : v.substring(0, max)));
            }
        }
        return copy;
    }

    /** {@code depth} nested arrays or objects, as text (writers refuse to go that deep). */
    public String nested(int depth) {
        boolean arrays = random.nextBoolean();
        return arrays ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    }

    public byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** Where a value sits in a document, to change it in place. */
    private record Slot(JsonNode parent, String field, int index, JsonNode value) {
        void replace(JsonNode v) {
            if (parent instanceof ObjectNode o) {
                o.set(field, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        void remove() {
            if (parent instanceof ObjectNode o) {
                o.remove(field);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private static void collect(JsonNode node, List<Slot> out) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.add(new Slot(o, e.getKey(), -1, e.getValue()));
                collect(e.getValue(), out);
            }
        } else if (node instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Slot(a, null, i, a.get(i)));
                collect(a.get(i), out);
            }
        }
    }
}
