package io.cattlepi.ci.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonFactory;
import io.cattlepi.ci.untrusted.Printable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A config file as one JSON document, read within limits so that no file, however hostile, costs
 * more than a little memory or ends in anything but a {@link ConfigException}: at most
 * {@link #MAX_BYTES}, UTF-8 (a leading byte-order mark is skipped), one document with no duplicate
 * keys, nesting, numbers and strings far beyond any real config refused.
 */
final class ConfigDocument {
    /** A real config is a few KB; its keys are the biggest part. */
    static final int MAX_BYTES = 1024 * 1024;
    static final int MAX_DEPTH = 64;
    static final int MAX_NUMBER_DIGITS = 50;
    static final int MAX_STRING = 256 * 1024;
    private static final char BOM = '\ufeff';
    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_DEPTH)
                    .maxNumberLength(MAX_NUMBER_DIGITS)
                    .maxStringLength(MAX_STRING)
                    .maxDocumentLength(MAX_BYTES)
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private ConfigDocument() {
    }

    static JsonNode read(Path file) throws ConfigException {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException | RuntimeException e) {
            throw problem("cannot read: " + describe(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw problem("larger than " + MAX_BYTES / 1024 + " KiB: not a build-control config");
        }
        return parse(utf8(bytes));
    }

    static JsonNode parse(String text) throws ConfigException {
        String json = !text.isEmpty() && text.charAt(0) == BOM ? text.substring(1) : text;
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (StreamConstraintsException e) {
            throw problem("not a usable config: " + limit(e.getOriginalMessage()) + at(e.getLocation()));
        } catch (JsonProcessingException e) {
            throw problem("not JSON: " + Printable.clipped(e.getOriginalMessage(), 200) + at(e.getLocation()));
        }
        if (root == null || root.isMissingNode()) {
            throw problem("empty: expected a JSON object");
        }
        return root;
    }

    /** Strict UTF-8; the first bad byte is named by its offset. */
    private static String utf8(byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (r.isError()) {
            throw problem("not UTF-8 text: invalid byte at offset " + in.position() + " (save the file as UTF-8)");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /** Jackson names its own setting in these messages; say what is wrong in the file's terms instead. */
    private static String limit(String message) {
        String m = String.valueOf(message).toLowerCase(java.util.Locale.ROOT);
        if (m.contains("nesting")) {
            return "nested deeper than " + MAX_DEPTH + " levels";
        }
        if (m.contains("number")) {
            return "a number longer than " + MAX_NUMBER_DIGITS + " digits";
        }
        if (m.contains("string")) {
            return "a string longer than " + MAX_STRING + " characters";
        }
        if (m.contains("document")) {
            return "larger than " + MAX_BYTES / 1024 + " KiB";
        }
        return Printable.clipped(message, 200);
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return Printable.clipped(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), 200);
    }

    private static ConfigException problem(String message) {
        return new ConfigException(List.of(new ConfigProblem("$", message)));
    }
}
